// Configuration from the environment: every problem reported at once in a sentence, secrets
// never echoed, and production refusing what is unsafe (a missing master key or pepper,
// insecure cookies, a wildcard proxy, no mail relay) — for the roles that need them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from './config.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const PEPPER = Buffer.alloc(32, 9).toString('base64');
const RP_KEY = `mamori_rp_${'A'.repeat(43)}`;
const PRODUCTION = {
  MAMORI_MODE: 'production',
  MAMORI_MASTER_KEY: KEY,
  MAMORI_CONFIRMATION_PEPPER: PEPPER,
  MAMORI_SMTP_URL: 'smtp://relay.bank.example:587',
  MAMORI_MAIL_FROM: 'no-reply@bank.example',
  MAMORI_TRUST_PROXY: '10.0.0.5',
};

function errorsOf(env: NodeJS.ProcessEnv, purpose?: 'all' | 'authority' | 'bank' | 'cli'): string[] {
  const result = loadConfig(env, purpose ? { purpose } : {});
  return result.ok ? [] : result.errors;
}

describe('configuration', () => {
  it('has working defaults for development', () => {
    const result = loadConfig({});
    assert.ok(result.ok);
    assert.equal(result.config.mode, 'development');
    assert.equal(result.config.port, 3000);
    assert.equal(result.config.secureCookies, false);
    assert.equal(result.config.smtpUrl, undefined);
    assert.equal(result.config.relyingPartyKeys.size, 0);
    assert.equal(result.config.shutdownTimeoutMs, 10_000);
    assert.equal(result.config.databaseStatementTimeoutMs, 10_000);
  });

  it('reads MAMORI_PUBLIC_ORIGIN (the passkeys\' relying party): an https origin, http only for localhost in development', () => {
    const dev = loadConfig({ PORT: '8080' });
    assert.ok(dev.ok);
    assert.equal(dev.config.publicOrigin, 'http://localhost:8080');
    for (const good of ['https://ib.shinkin.example', 'https://ib.shinkin.example:8443', 'http://127.0.0.1:3000', 'http://localhost']) {
      const result = loadConfig({ MAMORI_PUBLIC_ORIGIN: good });
      assert.ok(result.ok && result.config.publicOrigin === good, good);
    }
    for (const bad of ['ib.shinkin.example', 'https://ib.shinkin.example/', 'https://ib.shinkin.example/ib/demo', 'http://ib.shinkin.example', 'ftp://x', 'https://user@ib.example']) {
      assert.equal(errorsOf({ MAMORI_PUBLIC_ORIGIN: bad }).length, 1, bad);
      assert.match(errorsOf({ MAMORI_PUBLIC_ORIGIN: bad })[0]!, /^MAMORI_PUBLIC_ORIGIN must be/);
    }
    const production = loadConfig(PRODUCTION);
    assert.ok(production.ok);
    assert.equal(production.config.publicOrigin, undefined, 'production without it: no passkeys');
    assert.deepEqual(errorsOf({ ...PRODUCTION, MAMORI_PUBLIC_ORIGIN: 'http://localhost:3000' }), ['MAMORI_PUBLIC_ORIGIN must be https:// (passkeys need a secure origin; http:// only for localhost in development), not "http://localhost:3000"']);
  });

  it('reads the PostgreSQL statement timeout in milliseconds, within 100 ms to 10 minutes', () => {
    const result = loadConfig({ MAMORI_DB_STATEMENT_TIMEOUT_MS: '2500' });
    assert.ok(result.ok);
    assert.equal(result.config.databaseStatementTimeoutMs, 2500);
    for (const bad of ['0', '99', '600001', '10s', '-1']) {
      assert.deepEqual(errorsOf({ MAMORI_DB_STATEMENT_TIMEOUT_MS: bad }), [`MAMORI_DB_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000, not "${bad}"`]);
    }
  });

  it('reports every bad value at once', () => {
    const errors = errorsOf({ PORT: 'eighty', MAMORI_SECURE_COOKIES: 'maybe', LOG_LEVEL: 'loud', MAMORI_SMTP_URL: 'mail.example', MAMORI_OUTBOX_INTERVAL_MS: '5s', MAMORI_AUTHORITY_URL: 'ftp://x' });
    assert.equal(errors.length, 6, errors.join('\n'));
  });

  it('reads MAMORI_RP_KEYS as slug:key pairs and never echoes a key', () => {
    const result = loadConfig({ MAMORI_RP_KEYS: `demo:${RP_KEY}, sample:${RP_KEY.replace('A', 'B')}` });
    assert.ok(result.ok);
    assert.deepEqual([...result.config.relyingPartyKeys.keys()], ['demo', 'sample']);
    const errors = errorsOf({ MAMORI_RP_KEYS: `demo:${RP_KEY},demo:${RP_KEY},sample:mamori_rp_short-secret-value,${RP_KEY}` });
    assert.equal(errors.length, 3, errors.join('\n'));
    assert.ok(errors.every((e) => !e.includes('short-secret-value') && !e.includes(RP_KEY)), errors.join('\n'));
  });

  it('`serve bank` needs the authority URL and the keys, and no master key', () => {
    assert.deepEqual(errorsOf({}, 'bank').length, 2);
    const bank = { ...PRODUCTION, MAMORI_MASTER_KEY: '', MAMORI_AUTHORITY_URL: 'https://authority.internal:8443', MAMORI_RP_KEYS: `demo:${RP_KEY}` };
    assert.deepEqual(errorsOf(bank, 'bank'), []);
    assert.deepEqual(errorsOf({ ...bank, MAMORI_AUTHORITY_URL: 'http://authority.internal:8080' }, 'bank').length, 1, 'keys never travel in clear beyond this machine');
    assert.deepEqual(errorsOf({ ...bank, MAMORI_AUTHORITY_URL: 'http://127.0.0.1:8080' }, 'bank'), []);
  });

  it('production refuses a missing master key, insecure cookies and an untrusting proxy setting', () => {
    assert.deepEqual(errorsOf(PRODUCTION, 'all'), []);
    const refused = (env: NodeJS.ProcessEnv, purpose: 'all' | 'authority' | 'bank' | 'cli', pattern: RegExp) => {
      const errors = errorsOf(env, purpose);
      assert.ok(errors.some((e) => pattern.test(e)), `${purpose}: ${errors.join('; ')}`);
    };
    refused({ ...PRODUCTION, MAMORI_MASTER_KEY: '' }, 'all', /production mode needs MAMORI_MASTER_KEY/);
    refused({ ...PRODUCTION, MAMORI_MASTER_KEY: '' }, 'authority', /production mode needs MAMORI_MASTER_KEY/);
    refused({ ...PRODUCTION, MAMORI_MASTER_KEY: '' }, 'cli', /production mode needs MAMORI_MASTER_KEY/);
    refused({ ...PRODUCTION, MAMORI_SECURE_COOKIES: 'false' }, 'all', /refuses MAMORI_SECURE_COOKIES=false/);
    refused({ ...PRODUCTION, MAMORI_TRUST_PROXY: 'true' }, 'all', /refuses MAMORI_TRUST_PROXY=true/);
    refused({ ...PRODUCTION, MAMORI_TRUST_PROXY: '*' }, 'all', /refuses MAMORI_TRUST_PROXY=true/);
    refused({ ...PRODUCTION, MAMORI_CONFIRMATION_PEPPER: '' }, 'all', /needs MAMORI_CONFIRMATION_PEPPER/);
    refused({ ...PRODUCTION, MAMORI_SMTP_URL: '' }, 'all', /needs MAMORI_SMTP_URL/);
    refused({ ...PRODUCTION, MAMORI_MAIL_FROM: '' }, 'all', /needs MAMORI_MAIL_FROM/);
    // The authority never mails and never sees a confirmation password.
    assert.deepEqual(errorsOf({ ...PRODUCTION, MAMORI_CONFIRMATION_PEPPER: '', MAMORI_SMTP_URL: '', MAMORI_MAIL_FROM: '' }, 'authority'), []);
    // Secure cookies are the default in production.
    const production = loadConfig(PRODUCTION, { purpose: 'all' });
    assert.ok(production.ok && production.config.secureCookies);
  });

  it('never echoes a secret in a message', () => {
    const errors = errorsOf({ MAMORI_MASTER_KEY: 'short-secret-key', MAMORI_CONFIRMATION_PEPPER: 'pepper-secret', MAMORI_SMTP_URL: 'http://user:smtp-secret@relay' });
    assert.equal(errors.length, 3);
    assert.ok(errors.every((e) => !/secret/.test(e)), errors.join('\n'));
  });

  it('reads each secret from <NAME>_FILE instead (container and systemd credentials), naming the file, never its content', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-config-'));
    try {
      const key = randomBytes(32).toString('base64');
      writeFileSync(join(dir, 'master'), `${key}\n`);
      writeFileSync(join(dir, 'pepper'), randomBytes(32).toString('base64'));
      writeFileSync(join(dir, 'rp'), `demo:${RP_KEY}\r\n`);
      writeFileSync(join(dir, 'smtp'), 'smtp://user:file-secret@relay:587\n');
      writeFileSync(join(dir, 'db'), 'postgres://mamori:db-secret@db/mamori\n');
      writeFileSync(join(dir, 'empty'), '\n');
      const result = loadConfig({
        MAMORI_MASTER_KEY_FILE: join(dir, 'master'),
        MAMORI_CONFIRMATION_PEPPER_FILE: join(dir, 'pepper'),
        MAMORI_RP_KEYS_FILE: join(dir, 'rp'),
        MAMORI_SMTP_URL_FILE: join(dir, 'smtp'),
        DATABASE_URL_FILE: join(dir, 'db'),
      });
      assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
      assert.equal(result.config.masterKey, key, 'the trailing line break is not part of the value');
      assert.deepEqual([...result.config.relyingPartyKeys], [['demo', RP_KEY]]);
      assert.equal(result.config.smtpUrl, 'smtp://user:file-secret@relay:587');
      assert.equal(result.config.databaseUrl, 'postgres://mamori:db-secret@db/mamori');

      const errors = errorsOf({
        MAMORI_MASTER_KEY: key,
        MAMORI_MASTER_KEY_FILE: join(dir, 'master'),
        MAMORI_CONFIRMATION_PEPPER_FILE: join(dir, 'missing'),
        MAMORI_SMTP_URL_FILE: join(dir, 'empty'),
        MAMORI_RP_KEYS_FILE: join(dir, 'smtp'),
      });
      assert.deepEqual(errors.slice(0, 3), [
        'set MAMORI_MASTER_KEY or MAMORI_MASTER_KEY_FILE, not both',
        `MAMORI_CONFIRMATION_PEPPER_FILE names a file that cannot be read: ${join(dir, 'missing')} (ENOENT)`,
        `MAMORI_SMTP_URL_FILE names an empty file: ${join(dir, 'empty')}`,
      ]);
      assert.equal(errors.length, 4, errors.join('\n')); // and the RP keys file holds no slug:key pair
      assert.ok(errors.every((e) => !e.includes('file-secret') && !e.includes(key)), errors.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the management listener and the migration at start', () => {
    const defaults = loadConfig({});
    assert.ok(defaults.ok);
    assert.equal(defaults.config.managementPort, undefined);
    assert.equal(defaults.config.migrateOnStart, true);
    const set = loadConfig({ MAMORI_MANAGEMENT_PORT: '9464', HOST: '10.0.0.5', MAMORI_MIGRATE_ON_START: 'false' });
    assert.ok(set.ok);
    assert.equal(set.config.managementPort, 9464);
    assert.equal(set.config.managementHost, '10.0.0.5', 'the customers\' address unless MAMORI_MANAGEMENT_HOST says otherwise');
    assert.equal(set.config.migrateOnStart, false);
    assert.deepEqual(errorsOf({ MAMORI_MANAGEMENT_PORT: '3000' }), ["MAMORI_MANAGEMENT_PORT must differ from PORT: the management listener keeps health, readiness and metrics off the customers' port"]);
    assert.deepEqual(errorsOf({ MAMORI_MANAGEMENT_PORT: 'x', MAMORI_MIGRATE_ON_START: 'sometimes' }), [
      'MAMORI_MANAGEMENT_PORT must be a whole number from 0 to 65535, not "x"',
      'MAMORI_MIGRATE_ON_START must be true or false',
    ]);
  });
});
