// `mamori db check`: the ledger, transfer, audit-chain and orphan checks in one command, as a
// monitor, the restore drill and the attack suite's `target.check()` run it — the real bin in a
// child process, on SQLite and on PostgreSQL (a schema of its own, named in the URL). A fresh
// demo database passes; an orphan row, a changed balance and a rewritten audit record are each
// reported on their own line, with exit 1.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.js';
import { RELATIONSHIPS } from '../../src/db/integrity.js';
import { DIALECTS, skipReason, TEST_POSTGRES_URL } from '../support/db/testing.js';
import { createSandbox, runMamori } from './cli-helpers.js';

for (const dialect of DIALECTS) {
  describe(`mamori db check [${dialect}]`, { skip: skipReason(dialect), timeout: 120_000 }, () => {
    it('passes on a demo database, then reports an orphan, a changed balance and a rewritten audit record', async () => {
      const box = createSandbox();
      const schema = `dbcheck_${randomBytes(6).toString('hex')}`;
      const admin = dialect === 'postgres' ? new pg.Client({ connectionString: TEST_POSTGRES_URL }) : undefined;
      /** SQL on the same database the CLI opens (the bank's own hands, outside Mamori). */
      const change = async (statement: string) => {
        if (admin) return void (await admin.query(`set search_path = ${schema}; ${statement}`));
        const database = openDatabase({ dialect: 'sqlite', file: join(box.env.MAMORI_DATA_DIR!, 'mamori.sqlite') });
        await sql.raw(statement).execute(database.db).finally(() => database.close());
      };
      try {
        let env = box.env;
        if (admin) {
          await admin.connect();
          await admin.query(`create schema ${schema}`);
          const url = new URL(TEST_POSTGRES_URL);
          url.searchParams.set('options', `-c search_path=${schema}`);
          env = { ...env, DATABASE_URL: url.toString() };
        }
        assert.equal((await runMamori(['demo'], env)).code, 0);

        const clean = await runMamori(['db', 'check'], env);
        assert.equal(clean.code, 0, clean.stdout + clean.stderr);
        assert.equal(clean.stderr, '');
        const lines = clean.stdout.trim().split('\n');
        assert.equal(lines.length, 4, clean.stdout);
        assert.match(lines[0]!, /^ok: ledger: \d+ accounts, \d+ journal entries$/);
        assert.equal(lines[1], 'ok: transfers: 0 done, 0 pending');
        assert.match(lines[2]!, /^ok: audit: \d+ records in 3 chains$/);
        assert.equal(lines[3], `ok: orphans: none in ${RELATIONSHIPS.length} relationships`);

        // A session whose contract does not exist: no foreign key refuses it, the check does.
        await change(
          `insert into sessions (id_hash, institution, contract_id, stage, data, csrf_token, started_at, created_at, last_seen_at) values ('${'f'.repeat(64)}', 'demo', '1999999999', 'signed_in', '{}', 'c', 1, 1, 1)`,
        );
        const orphan = await runMamori(['db', 'check'], env);
        assert.equal(orphan.code, 1);
        assert.match(orphan.stdout, /^ok: ledger: /m);
        assert.match(orphan.stdout, /^ok: audit: /m);
        assert.match(orphan.stdout, /^problem: orphans: 1 in sessions\(institution, contract_id\) → customers, e\.g\. \{"institution":"demo","contract_id":"1999999999","stage":"signed_in"\}$/m);
        assert.ok(!orphan.stdout.includes('f'.repeat(64)), 'a session is named by its contract, never by its id hash');

        // A balance changed by hand, and an audit record rewritten: each check says so.
        await change(`update accounts set balance = balance + 1 where institution = 'demo' and contract_id = '1000000001'`);
        await change(`update audit_log set actor = 'operator:mallory' where chain = 'sample' and seq = 1`);
        const broken = await runMamori(['db', 'check'], env);
        assert.equal(broken.code, 1);
        assert.match(broken.stdout, /^problem: ledger: \{"kind":"sum_not_zero","institution":"demo","sumYen":1\}$/m);
        assert.match(broken.stdout, /^problem: ledger: \{"kind":"balance_mismatch",/m);
        assert.match(broken.stdout, /^problem: audit: chain sample, record 1 \(hash_mismatch\)$/m);
        assert.match(broken.stdout, /^problem: orphans: 1 in sessions/m);
        assert.match(broken.stdout, /^ok: transfers: /m);
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

describe('mamori db', () => {
  it('says when there is no database rather than creating one, and refuses a wrong command line', async () => {
    const box = createSandbox();
    try {
      const missing = await runMamori(['db', 'check'], box.env);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no database at .*mamori migrate/);
      assert.equal(existsSync(join(box.env.MAMORI_DATA_DIR!, 'mamori.sqlite')), false);

      const noSubcommand = await runMamori(['db'], box.env);
      assert.equal(noSubcommand.code, 2);
      assert.match(noSubcommand.stderr, /missing subcommand \(one of: check\)/);
      const extra = await runMamori(['db', 'check', '--fix'], box.env);
      assert.equal(extra.code, 2);
      assert.match(extra.stderr, /Unknown option '--fix'/);

      const help = await runMamori(['help', 'db'], box.env);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^usage: mamori db check$/m);
      assert.match(help.stdout, /orphans/);
    } finally {
      box.remove();
    }
  });
});
