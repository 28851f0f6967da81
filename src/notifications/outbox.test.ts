// The notification outbox on both dialects, sending through a REAL SMTP server in a child
// process: written with the event's transaction (a rollback sends nothing), sent once even
// when workers race, retried with exponential backoff on temporary failures, given up at once
// on a permanent refusal, and never sent twice while a claim is live.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_INSTITUTIONS } from '../banking/demo-data.js';
import { createCustomer } from '../banking/customers.js';
import { createInstitution } from '../banking/institutions.js';
import { createPasswordHasher, TEST_ARGON2 } from '../banking/password-hasher.js';
import type { DialectName } from '../db/database.js';
import { createTestDatabase, DIALECTS, skipReason, type TestDatabase } from '../../test/support/db/testing.js';
import { manualClock, systemRandomBytes, type ManualClock } from '../shared/clock.js';
import { enqueueNotification } from './enqueue-notification.js';
import { createSmtpTransport, type MailTransport } from './mail-transport.js';
import { DEFAULT_RETRY_POLICY, deliverDueNotifications, outboxBacklog, retryDelayMs, type DeliveryDeps } from './outbox-delivery.js';
import { headerOf, startSmtpTestServer, textBodyOf, type SmtpTestServer } from '../../test/support/notifications/smtp-test-server.js';

const T0 = Date.UTC(2026, 10, 21, 6, 0, 0);
const FROM = 'no-reply@bank.example';

interface World {
  database: TestDatabase;
  clock: ManualClock;
  close(): Promise<void>;
}

async function createWorld(dialect: DialectName): Promise<World> {
  const database = await createTestDatabase(dialect);
  const clock = manualClock(T0);
  await createInstitution(database.db, DEMO_INSTITUTIONS[0]!, T0);
  const deps = { hasher: createPasswordHasher(TEST_ARGON2), confirmationPepper: systemRandomBytes(32), nowMs: T0 };
  const customer = { institution: 'demo', name: '守 太郎', loginPassword: 'Mamori-2026', confirmationPassword: '246810' };
  await createCustomer(database.db, { ...customer, contractId: '1000000001', email: 'taro@customer.example' }, deps);
  await createCustomer(database.db, { ...customer, contractId: '1000000002', email: 'bounce@customer.example' }, deps);
  await createCustomer(database.db, { ...customer, contractId: '1000000003' }, deps); // no e-mail address
  return { database, clock, close: () => database.close() };
}

async function notify(world: World, count: number, contractId = '1000000001'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    await world.database.db.transaction().execute(async (trx) => {
      const queued = await enqueueNotification(trx, { institution: 'demo', contractId, atMs: world.clock.nowMs(), event: { kind: 'limit_changed', fromYen: 500_000, toYen: 100_000 + i * 10_000, by: 'customer' } });
      assert.ok(queued.queued);
      ids.push(queued.id);
    });
  }
  return ids;
}

function deliveryDeps(world: World, transport: MailTransport): DeliveryDeps {
  return { database: world.database, transport, clock: world.clock, randomBytes: systemRandomBytes, fromAddress: FROM };
}

async function rowsOf(world: World) {
  return world.database.db.selectFrom('notification_outbox').selectAll().orderBy('created_at').orderBy('id').execute();
}

describe('retry delays', () => {
  it('double from 30 s up to one hour', () => {
    assert.deepEqual([1, 2, 3, 4, 8, 9, 50].map((n) => retryDelayMs(n)), [30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000, 3_600_000]);
    assert.equal(DEFAULT_RETRY_POLICY.maxAttempts, 8);
  });
});

for (const dialect of DIALECTS) {
  describe(`notification outbox [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('is written with the event: a rolled-back transaction leaves no message', async () => {
      const world = await createWorld(dialect);
      try {
        await assert.rejects(
          world.database.db.transaction().execute(async (trx) => {
            await enqueueNotification(trx, { institution: 'demo', contractId: '1000000001', atMs: T0, event: { kind: 'otp_locked' } });
            throw new Error('the event failed');
          }),
          /the event failed/,
        );
        assert.equal((await rowsOf(world)).length, 0);
        await notify(world, 1);
        const [row] = await rowsOf(world);
        assert.equal(row?.status, 'pending');
        assert.equal(row?.recipient, 'taro@customer.example');
        assert.equal(row?.sender_name, 'デモ信用金庫');
        assert.match(row!.subject, /^【デモ信用金庫】1日あたり振込限度額の変更のお知らせ \/ Daily transfer limit changed/);
      } finally {
        await world.close();
      }
    });

    it('refuses to be written outside a transaction, and skips a customer without an address', async () => {
      const world = await createWorld(dialect);
      try {
        const db = world.database.db;
        // @ts-expect-error — the point: only the event's transaction is accepted.
        await assert.rejects(enqueueNotification(db, { institution: 'demo', contractId: '1000000001', atMs: T0, event: { kind: 'resumed' } }), TypeError);
        const skipped = await db.transaction().execute((trx) => enqueueNotification(trx, { institution: 'demo', contractId: '1000000003', atMs: T0, event: { kind: 'resumed' } }));
        assert.deepEqual(skipped, { queued: false, reason: 'no_email' });
        const unknown = await db.transaction().execute((trx) => enqueueNotification(trx, { institution: 'demo', contractId: '9999999999', atMs: T0, event: { kind: 'resumed' } }));
        assert.deepEqual(unknown, { queued: false, reason: 'unknown_customer' });
        assert.equal((await rowsOf(world)).length, 0);
      } finally {
        await world.close();
      }
    });

    describe('delivery over SMTP', () => {
      let smtp: SmtpTestServer;
      before(async () => {
        smtp = await startSmtpTestServer();
      });
      after(async () => {
        await smtp.stop();
      });

      it('sends each message once, from the institution, with its outbox id as Message-ID, Japanese first', async () => {
        const world = await createWorld(dialect);
        const transport = createSmtpTransport({ url: smtp.url });
        const before = smtp.received.length;
        try {
          const ids = await notify(world, 3);
          const report = await deliverDueNotifications(deliveryDeps(world, transport));
          assert.deepEqual({ ...report, errors: report.errors.length }, { sent: 3, retried: 0, failed: 0, lostClaims: 0, errors: 0 });
          const mails = (await smtp.waitFor(before + 3)).slice(before);
          assert.deepEqual(mails.map((m) => headerOf(m.raw, 'Message-ID')).sort(), ids.map((id) => `<${id}@mamori.notifications>`).sort());
          for (const mail of mails) {
            assert.deepEqual(mail.to, ['taro@customer.example']);
            assert.equal(mail.from, FROM);
            assert.match(headerOf(mail.raw, 'From') ?? '', /デモ信用金庫.*<no-reply@bank\.example>/);
            assert.equal(headerOf(mail.raw, 'Auto-Submitted'), 'auto-generated');
            const body = textBodyOf(mail.raw);
            assert.ok(body.startsWith('守 太郎 様'), body.slice(0, 80));
            assert.ok(body.indexOf('1日あたり振込限度額') < body.indexOf('(English)'));
            assert.ok(body.indexOf('(English)') < body.indexOf('Daily transfer limit changed'));
          }
          assert.deepEqual((await rowsOf(world)).map((r) => [r.status, Number(r.attempts), r.transport]), ids.map(() => ['sent', 1, 'smtp']));
          assert.deepEqual((await deliverDueNotifications(deliveryDeps(world, transport))).sent, 0, 'nothing is sent again');
          assert.deepEqual(await outboxBacklog(world.database, T0), { pending: 0, failed: 0, oldestPendingAgeMs: 0 });
        } finally {
          transport.close();
          await world.close();
        }
      });

      it('never sends one message twice when workers race', async () => {
        const world = await createWorld(dialect);
        const transports = Array.from({ length: 4 }, () => createSmtpTransport({ url: smtp.url }));
        const before = smtp.received.length;
        try {
          const ids = await notify(world, 24);
          const reports = await Promise.all(transports.map((transport) => deliverDueNotifications({ ...deliveryDeps(world, transport), batchSize: 3 })));
          assert.equal(reports.reduce((sum, r) => sum + r.sent, 0), 24);
          assert.equal(reports.reduce((sum, r) => sum + r.lostClaims, 0), 0);
          const mails = (await smtp.waitFor(before + 24)).slice(before);
          // A moment for stragglers: none may come.
          await new Promise((resolve) => setTimeout(resolve, 300));
          const messageIds = smtp.received.slice(before).map((m) => headerOf(m.raw, 'Message-ID'));
          assert.equal(messageIds.length, 24, `received ${mails.length}`);
          assert.equal(new Set(messageIds).size, 24);
          assert.deepEqual(new Set(messageIds), new Set(ids.map((id) => `<${id}@mamori.notifications>`)));
        } finally {
          for (const transport of transports) transport.close();
          await world.close();
        }
      });

      it('leaves a row claimed by another worker alone until its lease lapses', async () => {
        const world = await createWorld(dialect);
        const transport = createSmtpTransport({ url: smtp.url });
        try {
          const [id] = await notify(world, 1);
          // A worker that claimed the row and died mid-send.
          await world.database.db.updateTable('notification_outbox').set({ claim_token: 'gone', claimed_until: T0 + 60_000 }).where('id', '=', id!).execute();
          assert.equal((await deliverDueNotifications(deliveryDeps(world, transport))).sent, 0);
          world.clock.advance(60_000);
          assert.equal((await deliverDueNotifications(deliveryDeps(world, transport))).sent, 1);
        } finally {
          transport.close();
          await world.close();
        }
      });
    });

    it('retries a temporary refusal with exponential backoff, then sends', async () => {
      const world = await createWorld(dialect);
      const smtp = await startSmtpTestServer({ failFirst: 2, failCode: 451 });
      const transport = createSmtpTransport({ url: smtp.url });
      try {
        await notify(world, 1);
        const deps = deliveryDeps(world, transport);
        assert.equal((await deliverDueNotifications(deps)).retried, 1);
        let [row] = await rowsOf(world);
        assert.deepEqual([row?.status, Number(row?.attempts), Number(row?.next_attempt_at) - T0], ['pending', 1, 30_000]);
        assert.match(row?.last_error ?? '', /451/);
        assert.equal((await deliverDueNotifications(deps)).retried, 0, 'not due before its delay');
        world.clock.advance(30_000);
        assert.equal((await deliverDueNotifications(deps)).retried, 1);
        [row] = await rowsOf(world);
        assert.deepEqual([Number(row?.attempts), Number(row?.next_attempt_at) - world.clock.nowMs()], [2, 60_000]);
        world.clock.advance(59_000);
        assert.equal((await deliverDueNotifications(deps)).sent, 0);
        world.clock.advance(1_000);
        assert.equal((await deliverDueNotifications(deps)).sent, 1);
        [row] = await rowsOf(world);
        assert.deepEqual([row?.status, Number(row?.attempts), row?.last_error], ['sent', 3, null]);
        assert.equal((await smtp.waitFor(1)).length, 1);
      } finally {
        transport.close();
        await smtp.stop();
        await world.close();
      }
    });

    it('gives up at once on a permanent refusal, and after the last attempt on a relay that stays down', async () => {
      const world = await createWorld(dialect);
      const smtp = await startSmtpTestServer({ rejectTo: 'bounce@' });
      const transport = createSmtpTransport({ url: smtp.url });
      const down = await startSmtpTestServer();
      const downUrl = down.url;
      await down.stop(); // nothing listens there any more: connection refused
      const unreachable = createSmtpTransport({ url: downUrl, timeoutMs: 2000 });
      try {
        await notify(world, 1, '1000000002');
        assert.equal((await deliverDueNotifications(deliveryDeps(world, transport))).failed, 1);
        let [row] = await rowsOf(world);
        assert.deepEqual([row?.status, Number(row?.attempts)], ['failed', 1]);
        assert.match(row?.last_error ?? '', /550/);

        await notify(world, 1);
        const deps = { ...deliveryDeps(world, unreachable), retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 } };
        for (const [attempt, expected] of [[1, 'retried'], [2, 'retried'], [3, 'failed']] as const) {
          const report = await deliverDueNotifications(deps);
          assert.equal(report[expected], 1, `attempt ${attempt}`);
          assert.match(report.errors[0] ?? '', /ECONNREFUSED|ESOCKET|ECONNECTION/);
          world.clock.advance(10_000);
        }
        row = (await rowsOf(world)).find((r) => r.contract_id === '1000000001');
        assert.deepEqual([row?.status, Number(row?.attempts)], ['failed', 3]);
        assert.equal((await outboxBacklog(world.database, world.clock.nowMs())).failed, 2);
        assert.equal(smtp.received.length, 0);
      } finally {
        transport.close();
        unreachable.close();
        await smtp.stop();
        await world.close();
      }
    });
  });
}
