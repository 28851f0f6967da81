// The restore drill of docs/OPERATIONS.md, run for real: a PostgreSQL database with the demo
// data and activity through a running server (a token registered, transfers posted) is backed
// up with pg_dump, DESTROYED, restored into a fresh database, and checked — the audit chains
// verify with the same number of records, the ledger and transfer invariants hold with the
// same counts. A drill on a database whose audit log was tampered with fails.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.js';
import { skipReason, TEST_POSTGRES_URL } from '../support/db/testing.js';
import { createSandbox, ROOT, runMamori } from './cli-helpers.js';
import { createScratchDatabase, csrfOf, DEMO_CONFIRMATION, HttpBrowser, passwordStep, provisionHttpToken, registerTokenThroughPages, startMamori } from './deployment-helpers.js';

function runDrill(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['scripts/restore-drill.sh', ...args], { cwd: ROOT, env: { PATH: process.env.PATH, DRILL_ADMIN_URL: TEST_POSTGRES_URL }, timeout: 240_000 }, (error, stdout, stderr) => {
      resolve({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
    });
  });
}

async function databaseExists(name: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    return (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await admin.end();
  }
}

describe('the restore drill (scripts/restore-drill.sh)', { skip: skipReason('postgres'), timeout: 480_000 }, () => {
  it('backs up, destroys, restores, and proves the audit chain and the ledger whole', async () => {
    const scratch = await createScratchDatabase();
    const sandbox = createSandbox();
    try {
      // Activity through a real server: a token registered, two transfers posted.
      const server = await startMamori('all', { ...sandbox.env, DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' });
      try {
        const token = await provisionHttpToken(server.url);
        assert.equal((await registerTokenThroughPages(server.url, { slug: 'demo', contractId: '1000000001', token, nowMs: Date.now() })).status, 200);
        const browser = new HttpBrowser();
        assert.equal((await passwordStep(browser, server.url, { slug: 'demo', contractId: '1000000002' })).location, '/ib/demo/main');
        const csrf = csrfOf((await browser.request(`${server.url}/ib/demo/main`)).body);
        for (const amount of ['5000', '7000']) {
          const prepared = await browser.request(`${server.url}/ib/demo/transfers/new`, {
            form: { csrf, op: 'next', bank: '9901', branch: '001', accountType: 'ordinary', accountNumber: '1000001', payeeName: 'ﾏﾓﾘ ﾀﾛｳ', amount },
          });
          assert.equal(prepared.status, 303, prepared.body.slice(0, 300));
          const auth = await browser.request(`${server.url}${prepared.location}/auth`);
          const hidden = Object.fromEntries([...auth.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
          const confirmed = await browser.request(`${server.url}${prepared.location}/auth`, { form: { ...hidden, csrf, confirmationPassword: DEMO_CONFIRMATION } });
          assert.equal(confirmed.status, 303, confirmed.body.slice(0, 300));
        }
      } finally {
        assert.equal(await server.stop(), 0);
      }
      const database = openDatabase({ dialect: 'postgres', url: scratch.url });
      const records = Number((await database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
      await database.close();

      const drill = await runDrill(['--source', scratch.url, '--destroy-source']);
      assert.equal(drill.code, 0, `${drill.stdout}\n${drill.stderr}`);
      const audit = `ok: ${records} records in 3 chains`;
      assert.equal(drill.stdout.split('\n').filter((line) => line === `audit:  ${audit}`).length, 2, drill.stdout);
      assert.match(drill.stdout, /^ledger: ok: \d+ accounts, \d+ journal entries, 2 done and 0 pending transfers$/m);
      assert.match(drill.stdout, /^== destroy: drop the source database$/m);
      assert.match(drill.stdout, /^schema: already up to date$/m);
      assert.match(drill.stdout, /^restore drill passed$/m);
      assert.equal(await databaseExists(scratch.name), false, 'the source was destroyed');
      assert.equal((drill.stdout.match(/mamori_drill_restored_\w+/) ?? []).length > 0, true);
      assert.equal(await databaseExists(drill.stdout.match(/mamori_drill_restored_\w+/)![0]), false, 'the restored copy was removed');
    } finally {
      await scratch.drop();
      sandbox.remove();
    }
  });

  it('fails when the database it is given does not verify', async () => {
    const scratch = await createScratchDatabase();
    const sandbox = createSandbox();
    try {
      const env = { ...sandbox.env, DATABASE_URL: scratch.url };
      assert.equal((await runMamori(['demo'], env)).code, 0);
      const admin = new pg.Client({ connectionString: scratch.url });
      await admin.connect();
      await admin.query(`update audit_log set actor = 'operator:mallory' where chain = 'demo' and seq = 1`);
      await admin.end();
      const drill = await runDrill(['--source', scratch.url]);
      assert.equal(drill.code, 1);
      assert.match(drill.stderr, /the SOURCE fails audit verify/);
      assert.equal(await databaseExists(scratch.name), true, 'a source is never dropped unless asked');
    } finally {
      await scratch.drop();
      sandbox.remove();
    }
  });
});
