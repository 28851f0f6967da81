// Crash test through the real server: `mamori serve all` is killed with SIGKILL at random
// moments while a customer sends a stream of transfers through the pages, many times, on the
// same data. The failure it guards against is a server that says 受付完了 (303 to the result
// page) for a transfer whose commit is not yet durable, or that commits a transfer in pieces:
// after a power cut or an OOM kill, a transfer the customer was told is done would be missing
// or posted twice, a pending transfer would carry postings or used-up limit, or money would
// be lost or made up. `transfers-crash.test.ts` kills a process calling the domain functions;
// this one kills the HTTP server with its pool, sessions, startup (migrations, demo seeding)
// and restart path included. After every kill, with the server dead, the database is opened
// directly: every acknowledged transfer exists exactly once (done, its 受付番号, one journal
// entry); nothing unacknowledged is half-done (checkTransferInvariants, checkLedgerInvariants);
// and the money held in all but the demo-funding accounts is what it was at the start.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkLedgerInvariants } from '../../src/banking/ledger/ledger-invariants.js';
import { checkTransferInvariants } from '../../src/banking/transfers/transfer-invariants.js';
import { openDatabase, type DatabaseLocation } from '../../src/db/database.js';
import { skipReason } from '../support/db/testing.js';
import { createSandbox } from './cli-helpers.js';
import { createScratchDatabase, csrfOf, DEMO_CONFIRMATION, HttpBrowser, passwordStep, startMamori, type MamoriProcess } from './deployment-helpers.js';

const MASTER_KEY = Buffer.alloc(32, 31).toString('base64');
const PEPPER = Buffer.alloc(32, 32).toString('base64');
const SLUG = 'demo';
const CONTRACT = '1000000002'; // no token: transfers confirm with the whole confirmation password
const PAYEE = { bank: '9901', branch: '001', accountType: 'ordinary', accountNumber: '1000001', payeeName: 'ﾏﾓﾘ ﾀﾛｳ' };

interface Ack {
  transferId: string;
  referenceNo: string | null; // null when the server died before the result page was read
}

const unescape = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Whether an error is the server going away (the kill), not a wrong answer. */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const cause = (error as { cause?: { code?: string } }).cause;
  return error.message === 'fetch failed' || error.message === 'terminated' || ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].includes(cause?.code ?? '');
}

/**
 * Logs in, then prepares and confirms transfers one after another until the server dies.
 * Each confirm answered 303 to its result page is acknowledged (`acks`, in place). Throws on
 * anything but a connection error.
 */
async function streamUntilKilled(url: string, run: number, acks: Ack[], kill: { onFirstAck(): void; killed(): boolean }): Promise<void> {
  const base = `${url}/ib/${SLUG}`;
  const browser = new HttpBrowser();
  const login = await passwordStep(browser, url, { slug: SLUG, contractId: CONTRACT });
  assert.equal(login.location, `/ib/${SLUG}/main`, `login: ${login.status} ${login.body.slice(0, 300)}`);
  const csrf = csrfOf((await browser.request(`${base}/main`)).body);
  assert.ok(csrf, 'a csrf token on the main page');
  try {
    for (let i = 0; ; i++) {
      const amount = String(1 + ((run * 131 + i) % 97));
      const prepared = await browser.request(`${base}/transfers/new`, { form: { csrf, op: 'next', ...PAYEE, amount } });
      assert.equal(prepared.status, 303, `prepare: ${prepared.status} ${prepared.body.slice(0, 300)}`);
      const transferPath = prepared.location!;
      const transferId = /\/transfers\/(tr_[0-9a-f]{32})$/.exec(transferPath)?.[1];
      assert.ok(transferId, `prepare redirects to the transfer: ${transferPath}`);
      const auth = await browser.request(`${url}${transferPath}/auth`);
      assert.equal(auth.status, 200, `auth page: ${auth.status} ${auth.body.slice(0, 300)}`);
      const hidden = Object.fromEntries([...auth.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, unescape(m[2]!)]));
      assert.ok(hidden.idempotencyKey, 'the auth form carries the idempotency key');
      const confirmed = await browser.request(`${url}${transferPath}/auth`, { form: { ...hidden, csrf, confirmationPassword: DEMO_CONFIRMATION } });
      assert.equal(confirmed.status, 303, `confirm: ${confirmed.status} ${confirmed.body.slice(0, 600)}`);
      assert.equal(confirmed.location, `${transferPath}/result`);
      const ack: Ack = { transferId, referenceNo: null };
      acks.push(ack); // acknowledged: the customer was sent to 受付完了
      // The kill is timed from the run's first acknowledgement: it still lands mid-transfer, and
      // on a loaded machine a run is no longer killed before it has done anything.
      if (i === 0) kill.onFirstAck();
      const result = await browser.request(`${url}${confirmed.location}`);
      assert.equal(result.status, 200, `result page: ${result.status}`);
      ack.referenceNo = /class="reference-no">([^<]+)</.exec(result.body)?.[1] ?? null;
      assert.ok(ack.referenceNo, 'the result page shows the 受付番号');
    }
  } catch (error) {
    if (kill.killed() && isConnectionError(error)) return;
    throw error;
  }
}

async function heldYen(location: DatabaseLocation): Promise<number> {
  const database = openDatabase(location);
  try {
    const held = await database.db.selectFrom('accounts').select((eb) => eb.fn.sum<string | number>('balance').as('total')).where('role', '<>', 'demo_funding').executeTakeFirstOrThrow();
    return Number(held.total);
  } finally {
    await database.close();
  }
}

async function checkAfterKill(location: DatabaseLocation, acks: readonly Ack[], startHeldYen: number): Promise<{ done: number; pending: number }> {
  const database = openDatabase(location);
  try {
    const db = database.db;
    const transfers = await db.selectFrom('transfers').select(['id', 'status', 'reference_no']).execute();
    const byId = new Map(transfers.map((t) => [t.id, t]));
    const entries = await db.selectFrom('journal_entries').select(['id', 'transfer_id']).where('kind', '=', 'transfer').execute();
    const entryCount = new Map<string, number>();
    for (const e of entries) if (e.transfer_id) entryCount.set(e.transfer_id, (entryCount.get(e.transfer_id) ?? 0) + 1);
    const refCount = new Map<string, number>();
    for (const t of transfers) if (t.reference_no) refCount.set(t.reference_no, (refCount.get(t.reference_no) ?? 0) + 1);
    for (const ack of acks) {
      const row = byId.get(ack.transferId);
      assert.ok(row, `acknowledged transfer ${ack.transferId} exists`);
      assert.equal(row.status, 'done', `acknowledged transfer ${ack.transferId} is done`);
      assert.ok(row.reference_no, `acknowledged transfer ${ack.transferId} has its 受付番号`);
      if (ack.referenceNo !== null) assert.equal(row.reference_no, ack.referenceNo, `${ack.transferId} keeps the 受付番号 the customer saw`);
      assert.equal(refCount.get(row.reference_no), 1, `受付番号 ${row.reference_no} belongs to exactly one transfer`);
      assert.equal(entryCount.get(ack.transferId), 1, `acknowledged transfer ${ack.transferId} has exactly one journal entry`);
    }
    const ledger = await checkLedgerInvariants(db);
    assert.equal(ledger.ok, true, JSON.stringify(ledger));
    const check = await checkTransferInvariants(db);
    assert.equal(check.ok, true, JSON.stringify(check));
    const held = await db.selectFrom('accounts').select((eb) => eb.fn.sum<string | number>('balance').as('total')).where('role', '<>', 'demo_funding').executeTakeFirstOrThrow();
    assert.equal(Number(held.total), startHeldYen, 'money is neither lost nor made up');
    return check.ok ? { done: check.done, pending: check.pending } : { done: 0, pending: 0 };
  } finally {
    await database.close();
  }
}

const SETUPS = [
  { dialect: 'sqlite' as const, kills: Number(process.env.MAMORI_CRASH_KILLS ?? 6) },
  { dialect: 'postgres' as const, kills: Math.max(1, Math.ceil(Number(process.env.MAMORI_CRASH_KILLS ?? 6) / 2)) },
];

for (const { dialect, kills } of SETUPS) {
  describe(`the real server survives SIGKILL mid-transfer [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it(`keeps every acknowledged transfer and the ledger whole across ${kills} kills`, { timeout: 600_000 }, async () => {
      const sandbox = createSandbox();
      const scratch = dialect === 'postgres' ? await createScratchDatabase() : undefined;
      const env = {
        ...sandbox.env,
        LOG_LEVEL: 'warn',
        MAMORI_MASTER_KEY: MASTER_KEY,
        MAMORI_CONFIRMATION_PEPPER: PEPPER,
        ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      };
      const location: DatabaseLocation = scratch ? { dialect: 'postgres', url: scratch.url } : { dialect: 'sqlite', file: join(sandbox.env.MAMORI_DATA_DIR!, 'mamori.sqlite') };
      let server: MamoriProcess | undefined;
      try {
        const acks: Ack[] = [];
        let startHeldYen: number | undefined;
        for (let run = 0; run < kills; run++) {
          server = await startMamori('all', env);
          const ready = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(30_000) });
          assert.equal(ready.status, 200, `readyz: ${await ready.text()}`);
          // The demo data is seeded before the server listens: this is the money at the start.
          startHeldYen ??= await heldYen(location);
          const live = server;
          let killed = false;
          let timer: NodeJS.Timeout | undefined;
          const killAfterMs = 50 + Math.floor(Math.random() * 750);
          const onFirstAck = () => {
            timer = setTimeout(() => {
              killed = true;
              live.child.kill('SIGKILL');
            }, killAfterMs);
          };
          const before = acks.length;
          await streamUntilKilled(live.url, run, acks, { onFirstAck, killed: () => killed });
          clearTimeout(timer);
          assert.ok(killed, 'the stream ends only by the kill');
          const code = await live.exited;
          assert.equal(code, null, `the server must die by SIGKILL: ${live.output()}`);
          server = undefined;
          const { done, pending } = await checkAfterKill(location, acks, startHeldYen);
          console.log(`${dialect} run ${run}: killed after ${killAfterMs} ms, ${acks.length - before} acknowledged (${acks.length} in all), ${done} done, ${pending} pending`);
        }
        assert.ok(acks.length >= kills, `the stream made progress (${acks.length} acknowledged)`);
      } finally {
        await server?.stop('SIGKILL');
        await scratch?.drop();
        sandbox.remove();
      }
    });
  });
}
