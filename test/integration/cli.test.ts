// The `mamori` command as people and scripts use it: the real bin in a child process, its exit
// codes, what goes to stdout and what to stderr. (Token provisioning against a live authority
// is in cli-token.test.ts.)
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { appendAudit } from '../../src/audit/audit-log.js';
import { createAuthority, loadKeyring } from '../../src/authority/authority.js';
import { openDatabase } from '../../src/db/database.js';
import { DIALECTS, skipReason, TEST_POSTGRES_URL } from '../support/db/testing.js';
import { loggerOptions } from '../../src/server.js';
import { createHmacKey, decodeBase32, generateTotp } from '../../src/otp/index.js';
import { manualClock, systemClock, systemRandomBytes } from '../../src/shared/clock.js';
import { buildApp } from '../../src/web/app.js';
import { createSandbox, ROOT, runMamori, runMamoriForEach, spawnMamori, type Sandbox } from './cli-helpers.js';

// RFC 6238 Appendix B: seeds are the ASCII digits "1234567890" repeated to the hash's output
// size (20, 32 and 64 bytes, per the reference implementation), 8 digits, 30-second steps.
const RFC6238_SEEDS = {
  SHA1: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  SHA256: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA',
  SHA512: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA',
} as const;

const RFC6238_VECTORS: { time: number; algorithm: keyof typeof RFC6238_SEEDS; code: string }[] = [
  { time: 59, algorithm: 'SHA1', code: '94287082' },
  { time: 59, algorithm: 'SHA256', code: '46119246' },
  { time: 59, algorithm: 'SHA512', code: '90693936' },
  { time: 1111111109, algorithm: 'SHA1', code: '07081804' },
  { time: 1111111109, algorithm: 'SHA256', code: '68084774' },
  { time: 1111111109, algorithm: 'SHA512', code: '25091201' },
  { time: 1111111111, algorithm: 'SHA1', code: '14050471' },
  { time: 1234567890, algorithm: 'SHA256', code: '91819424' },
  { time: 2000000000, algorithm: 'SHA512', code: '38618901' },
  { time: 20000000000, algorithm: 'SHA1', code: '65353130' },
  { time: 20000000000, algorithm: 'SHA256', code: '77737706' },
  { time: 20000000000, algorithm: 'SHA512', code: '47863826' },
];

let sandbox: Sandbox;
before(() => {
  sandbox = createSandbox();
});
after(() => sandbox.remove());

describe('mamori otp totp', () => {
  it('prints the RFC 6238 Appendix B codes', async () => {
    const results = await runMamoriForEach(
      RFC6238_VECTORS,
      ({ time, algorithm }) => ['otp', 'totp', '--secret', RFC6238_SEEDS[algorithm], '--time', String(time), '--digits', '8', '--algorithm', algorithm],
      sandbox.env,
    );
    results.forEach((result, i) => {
      const vector = RFC6238_VECTORS[i]!;
      assert.deepEqual(result, { code: 0, stdout: `${vector.code}\n`, stderr: '' }, `T=${vector.time} ${vector.algorithm}`);
    });
  });

  it('works through `npm run -s mamori` exactly as documented', async () => {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile('npm', ['run', '-s', 'mamori', '--', 'otp', 'totp', '--secret', RFC6238_SEEDS.SHA1, '--time', '59', '--digits', '8'], { cwd: ROOT, env: sandbox.env }, (error, out) =>
        error ? reject(error) : resolve(out),
      ),
    );
    assert.equal(stdout, '94287082\n');
  });

  it('defaults to 6 digits, SHA1 and 30 s, and reads base32 as people copy it', async () => {
    assert.equal((await runMamori(['otp', 'totp', '--secret', RFC6238_SEEDS.SHA1, '--time', '59'], sandbox.env)).stdout, '287082\n');
    const grouped = 'gezd gnbv gy3t qojq-gezd gnbv gy3t qojq====';
    assert.equal((await runMamori(['otp', 'totp', '--secret', grouped, '--time', '59', '--algorithm', 'sha-1'], sandbox.env)).stdout, '287082\n');
    // 60-second period: T=59 is still step 0, whose 8-digit SHA1 code is RFC 4226's HOTP(0).
    assert.equal((await runMamori(['otp', 'totp', '--secret', RFC6238_SEEDS.SHA1, '--time', '59', '--period', '60', '--digits', '6'], sandbox.env)).stdout, '755224\n');
  });

  it('uses the current time without --time', async () => {
    const result = await runMamori(['otp', 'totp', '--secret', RFC6238_SEEDS.SHA1], sandbox.env);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^\d{6}\n$/);
  });

  const badCommandLines: { args: string[]; message: RegExp }[] = [
    { args: ['otp', 'totp'], message: /--secret BASE32 is required/ },
    { args: ['otp', 'totp', '--secret'], message: /--secret/ },
    { args: ['otp', 'totp', '--secret', 'GEZDGNBV1'], message: /not base32: "1"/ },
    { args: ['otp', 'totp', '--secret', 'GEZDGNBV', '--digits', '5'], message: /--digits must be from 6 to 8, not 5/ },
    { args: ['otp', 'totp', '--secret', 'GEZDGNBV', '--digits', '9'], message: /--digits must be from 6 to 8/ },
    { args: ['otp', 'totp', '--secret', 'GEZDGNBV', '--digits', 'six'], message: /--digits must be a whole number/ },
    { args: ['otp', 'totp', '--secret', 'GEZDGNBV', '--algorithm', 'MD5'], message: /--algorithm must be SHA1, SHA256 or SHA512/ },
    { args: ['otp', 'totp', '--secret', 'GEZDGNBV', '--period', '0'], message: /--period must be from 1/ },
    { args: ['otp', 'totp', '--secret', 'GEZDGNBV', '--time', '-1'], message: /--time/ },
    { args: ['otp', 'totp', '--secret', 'GEZDGNBV', '--time', '1.5'], message: /--time must be a whole number/ },
    { args: ['otp', 'totp', '--secret', 'GEZDGNBV', '--colour'], message: /Unknown option '--colour'/ },
    { args: ['otp', 'totp', '--secret', 'GEZDGNBV', 'extra'], message: /unexpected argument "extra"/ },
    { args: ['otp', 'hotp'], message: /unknown subcommand "hotp" \(one of: totp\)/ },
    { args: ['otp'], message: /missing subcommand/ },
    { args: ['frobnicate'], message: /unknown command "frobnicate"/ },
    { args: ['token', 'sign', '--account', '12345'], message: /--account must be the 7-digit payee account number/ },
    { args: ['token', 'sign', '--account', '1234567', '--amount', '1.5'], message: /--amount must be a whole number of yen/ },
    { args: ['token', 'new', '--kind', 'watch'], message: /--kind must be mobile or desktop/ },
    { args: ['serve', 'everything'], message: /unknown role "everything"/ },
    { args: ['audit', 'verify', '--batch-size', '0'], message: /--batch-size must be from 1/ },
  ];

  it('answers a wrong command line with exit 2, the reason and the usage on stderr, nothing on stdout', async () => {
    const results = await runMamoriForEach(badCommandLines, ({ args }) => args, sandbox.env);
    results.forEach((result, i) => {
      const { args, message } = badCommandLines[i]!;
      const label = `mamori ${args.join(' ')}`;
      assert.equal(result.code, 2, `${label}: exit code (stderr: ${result.stderr})`);
      assert.equal(result.stdout, '', `${label}: stdout`);
      assert.match(result.stderr, message, label);
      assert.doesNotMatch(result.stderr, /\n\s+at /, `${label}: no stack trace`);
    });
  });

  it('never echoes the secret in an error', async () => {
    const result = await runMamori(['otp', 'totp', '--secret', 'JBSWY3DPEHPK3PXP0'], sandbox.env);
    assert.equal(result.code, 2);
    assert.doesNotMatch(result.stderr, /JBSWY3DPEHPK3PXP/);
  });
});

describe('mamori help', () => {
  it('lists the commands on stdout', async () => {
    const result = await runMamori(['help'], sandbox.env);
    assert.equal(result.code, 0);
    for (const name of ['serve', 'migrate', 'demo', 'token', 'otp', 'institution', 'operator', 'audit', 'keys', 'jobs']) assert.match(result.stdout, new RegExp(`^  ${name} `, 'm'));
  });

  it('stays quiet when the reader of its output goes away (`| head -1`)', async () => {
    const child = spawn(process.execPath, ['bin/mamori.js', 'help'], { cwd: ROOT, env: sandbox.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first line is written
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  it('says its release with --version (and `version`, `-V`): the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V', 'version']) {
      const result = await runMamori([flag], sandbox.env);
      assert.equal(result.code, 0, flag);
      assert.equal(result.stdout, `mamori ${version}\n`, flag);
    }
  });

  it('shows a command\'s usage with --help', async () => {
    const result = await runMamori(['otp', 'totp', '--help'], sandbox.env);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^usage: mamori otp totp --secret BASE32/);
  });
});

// The CLI opens whatever DATABASE_URL names; on PostgreSQL each test gets its own schema,
// chosen through the URL's `options` (libpq's -c search_path) since the CLI takes only a URL.
for (const dialect of DIALECTS) {
  describe(`mamori migrate, demo and audit verify on the configured database [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('migrates, seeds, verifies and finds tampering', async () => {
      const box = createSandbox();
      const schema = `cli_${randomBytes(6).toString('hex')}`;
      const admin = dialect === 'postgres' ? new pg.Client({ connectionString: TEST_POSTGRES_URL }) : undefined;
      try {
        let env = box.env;
        if (admin) {
          await admin.connect();
          await admin.query(`create schema ${schema}`);
          const url = new URL(TEST_POSTGRES_URL);
          url.searchParams.set('options', `-c search_path=${schema}`);
          env = { ...env, DATABASE_URL: url.toString() };
        }
        const migrated = await runMamori(['migrate'], env);
        assert.equal(migrated.code, 0, migrated.stderr);
        assert.match(migrated.stdout, new RegExp(`^database: ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} `));
        assert.match(migrated.stdout, /^applied 0001-authority$/m);
        assert.equal((await runMamori(['demo'], env)).code, 0);
        const verified = await runMamori(['audit', 'verify'], env);
        assert.match(verified.stdout, /^ok: \d+ records in 3 chains\n$/, verified.stderr);

        const tamper = `update audit_log set actor = 'operator:mallory' where chain = 'sample' and seq = 1`;
        if (admin) await admin.query(`set search_path = ${schema}; ${tamper}`);
        else {
          const database = openDatabase({ dialect: 'sqlite', file: join(box.env.MAMORI_DATA_DIR!, 'mamori.sqlite') });
          await sql.raw(tamper).execute(database.db).finally(() => database.close());
        }
        const broken = await runMamori(['audit', 'verify'], env);
        assert.equal(broken.code, 1);
        assert.match(broken.stdout, /^broken: chain sample, record 1 \(hash_mismatch/);
      } finally {
        if (admin) {
          await admin.query(`drop schema ${schema} cascade`);
          await admin.end();
        }
        box.remove();
      }
    });
  });
}

describe('mamori migrate and audit verify', () => {
  it('migrates the SQLite database in MAMORI_DATA_DIR, then finds nothing to do', async () => {
    const { env, dir, remove } = createSandbox();
    try {
      const first = await runMamori(['migrate'], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, new RegExp(`^database: SQLite ${join(dir, 'data', 'mamori.sqlite')}$`, 'm'));
      assert.match(first.stdout, /^applied 0001-authority$/m);
      assert.ok(existsSync(join(dir, 'data', 'mamori.sqlite')));
      const second = await runMamori(['migrate'], env);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /^already up to date$/m);
    } finally {
      remove();
    }
  });

  it('--status lists applied and pending migrations and exits 1 while one is pending; serve with MAMORI_MIGRATE_ON_START=false refuses a schema behind', async () => {
    const { env, remove } = createSandbox();
    try {
      const none = await runMamori(['migrate', '--status'], env);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /no database at .*mamori migrate/, 'says so rather than creating one');
      const refused = await runMamori(['serve'], { ...env, PORT: '0', MAMORI_MIGRATE_ON_START: 'false' });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /the database schema is behind this release \(pending: 0001-authority, .*\): run `mamori migrate` first/);

      assert.equal((await runMamori(['migrate'], env)).code, 0);
      const status = await runMamori(['migrate', '--status'], env);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^applied {2}0001-authority {2}\d{4}\/\d{2}\/\d{2} \d{2}:\d{2} JST$/m);
      assert.doesNotMatch(status.stdout, /^pending/m);
      assert.match(status.stdout, /^up to date$/m);
      const usage = await runMamori(['migrate', '--stats'], env);
      assert.equal(usage.code, 2);
    } finally {
      remove();
    }
  });

  it('refuses an invalid configuration, listing every problem', async () => {
    const result = await runMamori(['migrate'], { ...sandbox.env, DATABASE_URL: 'mysql://db', MAMORI_MODE: 'staging' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /MAMORI_MODE must be development or production/);
    assert.match(result.stderr, /DATABASE_URL must be a postgres:\/\/ URL/);
  });

  it('audit verify: says when there is no database rather than creating one', async () => {
    const { env, dir, remove } = createSandbox();
    try {
      const result = await runMamori(['audit', 'verify'], env);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /no database at .*mamori migrate/);
      assert.equal(existsSync(join(dir, 'data', 'mamori.sqlite')), false);
    } finally {
      remove();
    }
  });

  it('audit verify: ok for a whole chain, the first broken record after tampering', async () => {
    const { env, dir, remove } = createSandbox();
    try {
      assert.equal((await runMamori(['migrate'], env)).code, 0);
      assert.deepEqual(await runMamori(['audit', 'verify'], env), { code: 0, stdout: 'ok: 0 records in 0 chains\n', stderr: '' });

      const database = openDatabase({ dialect: 'sqlite', file: join(dir, 'data', 'mamori.sqlite') });
      try {
        for (let i = 1; i <= 3; i++) await appendAudit(database.db, { chain: 'demo', at: i, actor: 'system', action: 'institution_policy_set', subject: `s${i}` });
        await appendAudit(database.db, { chain: 'sample', at: 4, actor: 'system', action: 'institution_policy_set' });
        assert.deepEqual(await runMamori(['audit', 'verify', '--batch-size', '2'], env), { code: 0, stdout: 'ok: 4 records in 2 chains\n', stderr: '' });

        // An insider rewrites who did something: the record no longer matches its hash.
        await database.db.updateTable('audit_log').set({ actor: 'operator:mallory' }).where('chain', '=', 'demo').where('seq', '=', 2).execute();
      } finally {
        await database.close();
      }
      const broken = await runMamori(['audit', 'verify'], env);
      assert.equal(broken.code, 1);
      assert.match(broken.stdout, /^broken: chain demo, record 2 \(hash_mismatch/);
    } finally {
      remove();
    }
  });
});

describe('mamori demo, institution, operator and jobs', () => {
  it('creates the demo data once, lists it, and changes policies only when every change is valid', async () => {
    const { env, remove } = createSandbox();
    try {
      const missing = await runMamori(['institution', 'list'], env);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no database at/);

      const created = await runMamori(['demo'], env);
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /^created institution demo$/m);
      assert.match(created.stdout, /^created customer sample\/1000000002$/m);
      assert.match(created.stdout, /^created operator demo\/supervisor$/m);
      assert.deepEqual(await runMamori(['demo'], env), { code: 0, stdout: 'the demo data is complete; nothing to create\n', stderr: '' });

      const listed = await runMamori(['institution', 'list', '--json'], env);
      assert.equal(listed.code, 0, listed.stderr);
      const institutions = JSON.parse(listed.stdout) as { slug: string; bankCode: string; policy: Record<string, unknown> }[];
      assert.deepEqual(institutions.map((i) => [i.slug, i.policy.desktopRegistrationClosedFrom]), [['demo', '2018-04-01'], ['sample', null]]);

      // Lowering both thresholds only works warning first; the command finds that order.
      const set = await runMamori(['institution', 'set-policy', 'demo', 'otpLockThreshold=3', 'otpWarnAt=2', 'transactionAuth=account_amount'], env);
      assert.equal(set.code, 0, set.stderr);
      const refused = await runMamori(['institution', 'set-policy', 'demo', 'transactionAuth=off', 'otpWarnAt=3'], env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /otpWarnAt must be below otpLockThreshold.*nothing was changed/);
      const unknown = await runMamori(['institution', 'set-policy', 'demo', 'colour=red'], env);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown key "colour"/);

      const after = JSON.parse((await runMamori(['institution', 'list', '--json'], env)).stdout) as typeof institutions;
      assert.deepEqual(
        { lock: after[0]!.policy.otpLockThreshold, warn: after[0]!.policy.otpWarnAt, auth: after[0]!.policy.transactionAuth },
        { lock: 3, warn: 2, auth: 'account_amount' },
      );
      // operator add: a generated password shown once, or one read from stdin; never in argv.
      const added = await runMamori(['operator', 'add', 'demo', 'alice', '--role', 'teller'], env);
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stdout, /^added operator demo\/alice \(teller\)\ninitial password \(shown once\): [A-Za-z0-9_-]{24}\n$/);
      const again = await runMamori(['operator', 'add', 'demo', 'alice', '--role', 'teller'], env);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /operator "alice" already exists at demo; nothing was changed/);
      const piped = await runMamori(['operator', 'add', 'sample', 'bob', '--role', 'supervisor', '--password-stdin'], env, 'correct horse battery staple\n');
      assert.equal(piped.code, 0, piped.stderr);
      assert.equal(piped.stdout, 'added operator sample/bob (supervisor)\n');
      const short = await runMamori(['operator', 'add', 'sample', 'carol', '--role', 'teller', '--password-stdin'], env, 'short\n');
      assert.equal(short.code, 1);
      assert.match(short.stderr, /the password must be 12-128 characters/);
      const badRole = await runMamori(['operator', 'add', 'demo', 'dave', '--role', 'manager'], env);
      assert.equal(badRole.code, 2);
      assert.match(badRole.stderr, /--role must be one of teller, supervisor, administrator/);

      const jobs = await runMamori(['jobs', 'run'], env);
      assert.equal(jobs.code, 0, jobs.stderr);
      assert.match(jobs.stdout, /^limit_downgrade: lowered 0 daily limits$/m);
      assert.match(jobs.stdout, /^pending_transfer_cleanup: deleted 0 stale unconfirmed transfers$/m);

      // Each change was audited, and the chains are whole.
      assert.match((await runMamori(['audit', 'verify'], env)).stdout, /^ok: \d+ records in 3 chains\n$/);
    } finally {
      remove();
    }
  });

  it('refuses demo data in production mode', async () => {
    const result = await runMamori(['demo'], { ...sandbox.env, MAMORI_MODE: 'production', MAMORI_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /refused in production mode/);
  });
});

describe('mamori serve', () => {
  it('npm start: serves everything, creates the demo data, prints URLs and demo credentials, stops on SIGTERM', async () => {
    const { env, remove } = createSandbox();
    try {
      const server = await spawnMamori(['serve'], { ...env, PORT: '0', HOST: '127.0.0.1' }, /a token: .*\n/);
      const output = server.output();
      const baseUrl = output.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)![1]!;
      assert.match(output, new RegExp(`${baseUrl}/ib/demo/`));
      assert.match(output, /Mamori-2026/);
      assert.match(output, /246810/);
      for (const path of ['/ib/demo/', '/ib/sample/', '/token/', '/authority/v1/openapi.json']) {
        assert.equal((await fetch(`${baseUrl}${path}`)).status, 200, path);
      }
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
    } finally {
      remove();
    }
  });

  it('serve bank says what a split deployment needs (see serve-lifecycle.test.ts)', async () => {
    const result = await runMamori(['serve', 'bank'], { ...sandbox.env, PORT: '0' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /`serve bank` needs MAMORI_AUTHORITY_URL/);
  });

  it('the server logger censors credentials and bodies whatever a handler logs', async () => {
    const lines: string[] = [];
    const stream = { write: (line: string) => void lines.push(line) };
    const database = openDatabase({ dialect: 'sqlite', file: ':memory:' });
    const logger = { ...(loggerOptions({ logLevel: 'info' }) as object), stream };
    const app = await buildApp({ database, clock: systemClock, randomBytes: systemRandomBytes, logger }, [
      {
        register: (instance) => {
          instance.post('/careless', async (request) => {
            // What a careless handler might do: log the raw headers and the body.
            request.log.info({ req: { headers: request.headers }, body: request.body, res: { headers: { 'set-cookie': 'sid=s3cret-cookie' } } }, 'careless');
            return { ok: true };
          });
        },
      },
    ]);
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/careless',
        headers: { authorization: 'Bearer s3cret-key', cookie: 'sid=s3cret-cookie' },
        payload: { loginPassword: 's3cret-password' },
      });
      assert.equal(response.statusCode, 200);
    } finally {
      await app.close();
      await database.close();
    }
    const careless = lines.find((line) => line.includes('"careless"'));
    assert.ok(careless, lines.join(''));
    assert.doesNotMatch(lines.join(''), /s3cret/);
    assert.match(careless, /\[redacted\]/);
  });

  it('production mode needs its secrets from the environment', async () => {
    const result = await runMamori(['serve'], { ...sandbox.env, PORT: '0', MAMORI_MODE: 'production', MAMORI_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /production mode needs MAMORI_CONFIRMATION_PEPPER/);
  });
});

describe('mamori serve authority', () => {
  it('refuses an invalid configuration with every problem and exit 1', async () => {
    const result = await runMamori(['serve', 'authority'], { ...sandbox.env, PORT: 'eighty', MAMORI_SECURE_COOKIES: 'maybe' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /PORT must be a whole number/);
    assert.match(result.stderr, /MAMORI_SECURE_COOKIES must be true or false/);
  });

  it('serves, logs JSON without credentials, and shuts down cleanly on SIGTERM', async () => {
    const { env, remove } = createSandbox();
    try {
      const server = await spawnMamori(['serve', 'authority'], { ...env, PORT: '0', HOST: '127.0.0.1' }, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const baseUrl = server.match[1]!;
      const health = await fetch(`${baseUrl}/healthz`, { headers: { authorization: 'Bearer sk-should-never-be-logged', cookie: 'session=never-logged' } });
      assert.equal(health.status, 200);
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
      const output = server.output();
      assert.doesNotMatch(output, /sk-should-never-be-logged|never-logged/);
      const logLines = output.split('\n').filter((line) => line.startsWith('{'));
      assert.ok(logLines.length > 0, 'JSON log lines');
      for (const line of logLines) JSON.parse(line);
      assert.ok(logLines.some((line) => /"msg":"shut down"/.test(line)), output);
    } finally {
      remove();
    }
  });
});

describe('mamori keys rotate', () => {
  // Three tokens sealed with the first key of the data directory's key file, as a server makes them.
  async function sandboxWithTokens(): Promise<{ sandbox: Sandbox; file: string }> {
    const box = createSandbox();
    assert.equal((await runMamori(['migrate'], box.env)).code, 0);
    const dataDir = box.env.MAMORI_DATA_DIR!;
    const file = join(dataDir, 'mamori.sqlite');
    const database = openDatabase({ dialect: 'sqlite', file });
    try {
      const keyring = loadKeyring({ masterKey: undefined, dataDir, randomBytes: systemRandomBytes });
      const authority = createAuthority({ database, keyring, clock: systemClock, randomBytes: systemRandomBytes });
      for (let i = 0; i < 3; i++) assert.equal((await authority.provisionToken({ kind: 'mobile' })).ok, true);
    } finally {
      await database.close();
    }
    return { sandbox: box, file };
  }

  async function keyIdsOfTokens(file: string): Promise<string[]> {
    const database = openDatabase({ dialect: 'sqlite', file });
    try {
      const rows = await database.db.selectFrom('tokens').select('secret_key_id').execute();
      return rows.map((row) => row.secret_key_id);
    } finally {
      await database.close();
    }
  }

  it('adds a key to the key file and re-seals every token secret with it', async () => {
    const { sandbox: box, file } = await sandboxWithTokens();
    try {
      assert.deepEqual(await keyIdsOfTokens(file), ['k1', 'k1', 'k1']);
      const rotated = await runMamori(['keys', 'rotate', '--batch-size', '2'], box.env);
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.match(rotated.stdout, /^added master key k2 to .*master-keys\.json/m);
      assert.match(rotated.stdout, /^re-encrypted 3 token secrets with key k2$/m);
      assert.match(rotated.stdout, /^no token secret uses k1 now$/m);
      assert.match(rotated.stdout, /^Before removing k1: restart every server/m);
      assert.deepEqual(await keyIdsOfTokens(file), ['k2', 'k2', 'k2']);
      const keyFile = join(box.env.MAMORI_DATA_DIR!, 'master-keys.json');
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);
      assert.equal(JSON.parse(readFileSync(keyFile, 'utf8')).active, 'k2');

      const again = await runMamori(['keys', 'rotate', '--reencrypt-only'], box.env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^re-encrypted 0 token secrets with key k2$/m);
    } finally {
      box.remove();
    }
  });

  it('is online: a server that started before the rotation still verifies codes afterwards', async () => {
    const box = createSandbox();
    try {
      assert.equal((await runMamori(['migrate'], box.env)).code, 0);
      const dataDir = box.env.MAMORI_DATA_DIR!;
      const database = openDatabase({ dialect: 'sqlite', file: join(dataDir, 'mamori.sqlite') });
      try {
        const clock = manualClock(Date.UTC(2026, 3, 1) + 5_000);
        const keyring = loadKeyring({ masterKey: undefined, dataDir, randomBytes: systemRandomBytes });
        const authority = createAuthority({ database, keyring, clock, randomBytes: systemRandomBytes });
        await authority.ensureRelyingParty({ id: 'demo', name: 'Demo' });
        const provisioned = await authority.provisionToken({ kind: 'mobile' });
        assert.ok(provisioned.ok && 'secret' in provisioned.token);
        const key = createHmacKey('SHA1', decodeBase32(provisioned.token.secret));
        const codeNow = () => generateTotp({ key, nowMs: clock.nowMs(), periodSeconds: 30, digits: 6 });
        const bound = await authority.clientFor('demo').bind({ serial: provisioned.token.serial, subject: '1000000001', code: codeNow() });
        assert.ok(bound.ok);

        const rotated = await runMamori(['keys', 'rotate'], box.env);
        assert.equal(rotated.code, 0, rotated.stderr);
        assert.match(rotated.stdout, /^re-encrypted 1 token secrets with key k2$/m);

        clock.advance(30_000);
        assert.deepEqual(await authority.clientFor('demo').verify({ bindingId: bound.bindingId, code: codeNow() }), { valid: true, timeStep: Math.floor(clock.nowMs() / 30_000) });
      } finally {
        await database.close();
      }
    } finally {
      box.remove();
    }
  });

  it('with MAMORI_MASTER_KEY: explains the steps without printing a key, then re-encrypts on --reencrypt-only', async () => {
    const box = createSandbox();
    try {
      const first = Buffer.alloc(32, 1).toString('base64');
      const second = Buffer.alloc(32, 2).toString('base64');
      const env = { ...box.env, MAMORI_MASTER_KEY: first };
      assert.equal((await runMamori(['migrate'], env)).code, 0);
      const database = openDatabase({ dialect: 'sqlite', file: join(box.env.MAMORI_DATA_DIR!, 'mamori.sqlite') });
      try {
        const keyring = loadKeyring({ masterKey: first, dataDir: box.env.MAMORI_DATA_DIR!, randomBytes: systemRandomBytes });
        const authority = createAuthority({ database, keyring, clock: systemClock, randomBytes: systemRandomBytes });
        assert.equal((await authority.provisionToken({ kind: 'mobile' })).ok, true);
      } finally {
        await database.close();
      }

      const explained = await runMamori(['keys', 'rotate'], env);
      assert.equal(explained.code, 1);
      assert.equal(explained.stdout, '');
      assert.match(explained.stderr, /MAMORI_MASTER_KEY="k1:<current key>,k2:<new key>"/);
      assert.match(explained.stderr, /mamori keys rotate --reencrypt-only/);
      assert.ok(!explained.stderr.includes(first), 'the key itself is never printed');
      assert.equal(existsSync(join(box.env.MAMORI_DATA_DIR!, 'master-keys.json')), false);

      const moved = await runMamori(['keys', 'rotate', '--reencrypt-only'], { ...env, MAMORI_MASTER_KEY: `k1:${first},k2:${second}` });
      assert.equal(moved.code, 0, moved.stderr);
      assert.match(moved.stdout, /^re-encrypted 1 token secrets with key k2$/m);
      assert.ok(!moved.stdout.includes(second) && !moved.stderr.includes(second));
    } finally {
      box.remove();
    }
  });
});
