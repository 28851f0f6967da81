// The notification address change (notification-address.ts) on both dialects: the code goes to
// the new address only and is stored as a MAC, a right code sets the address once and tells
// the old address, a wrong, expired, used-up or replayed code changes nothing, parallel guesses
// never take more tries than allowed, and codes sent are rate-limited.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { createTestDatabase, DIALECTS, skipReason, withFixture } from '../../test/support/db/testing.js';
import { countingRandomBytes, seedCustomer, seedInstitution } from '../../test/support/banking/ledger/test-fixtures.js';
import type { Schema } from '../db/schema.js';
import { verifyAuditChain } from '../audit/audit-log.js';
import { mailboxTransport, type MailTransport } from '../notifications/mail-transport.js';
import { deliverDueNotifications } from '../notifications/outbox-delivery.js';
import {
  ADDRESS_CODE_MAX_ATTEMPTS,
  ADDRESS_CODE_TTL_MS,
  ADDRESS_CODES_PER_WINDOW,
  confirmNotificationAddressChange,
  findNotificationAddressChange,
  resendNotificationAddressCode,
  setNotificationAddress,
  startNotificationAddressChange,
} from './notification-address.js';

const PEPPER = new Uint8Array(32).fill(7);
const OLD = 'taro.old@example.jp';
const NEW = 'taro.new@example.co.jp';
const CONTRACT = { institution: 'demo', contractId: '1000000001' };

async function outbox(db: Kysely<Schema>) {
  return db.selectFrom('notification_outbox').select(['kind', 'recipient', 'body']).orderBy('created_at').orderBy('id').execute();
}

/** The code of the latest code mail to `to`, as the customer reads it. */
async function codeSentTo(db: Kysely<Schema>, to: string): Promise<string> {
  const mails = (await outbox(db)).filter((m) => m.kind === 'notification_address_code' && m.recipient === to);
  const code = /確認コード: (\d{6})/.exec(mails.at(-1)?.body ?? '')?.[1];
  assert.ok(code, `a code mail to ${to}`);
  return code;
}

function wrongCodeThan(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

for (const dialect of DIALECTS) {
  describe(`notification address [${dialect}]`, { skip: skipReason(dialect) }, () => {
    async function setup(input: { email?: string | null } = {}) {
      const database = await createTestDatabase(dialect);
      const bank = await seedInstitution(database.db, { slug: 'demo', bankCode: '9990' });
      await seedCustomer(database.db, bank, { contractId: '1000000001' });
      await seedCustomer(database.db, bank, { contractId: '1000000002' });
      const email = input.email === undefined ? OLD : input.email;
      await database.db.updateTable('customers').set({ email }).where('contract_id', '=', '1000000001').execute();
      const deps = () => ({ nowMs: bank.clock.nowMs(), randomBytes: countingRandomBytes, confirmationPepper: PEPPER });
      const start = (newAddress = NEW) => startNotificationAddressChange(database.db, deps(), { ...CONTRACT, newAddress, confirmedBy: 'otp' });
      const confirm = (code: string, contract = CONTRACT) => confirmNotificationAddressChange(database.db, deps(), { ...contract, code });
      const emailOf = async (contractId = '1000000001') =>
        (await database.db.selectFrom('customers').select('email').where('contract_id', '=', contractId).executeTakeFirstOrThrow()).email;
      return { database, db: database.db, bank, deps, start, confirm, emailOf };
    }

    it('sends the code to the new address only, stores its MAC, and sets the address with the right code, telling the old one', () =>
      withFixture(setup(), async ({ db, start, confirm, emailOf }) => {
        assert.equal((await start()).ok, true);
        const mails = await outbox(db);
        assert.deepEqual(mails.map((m) => [m.kind, m.recipient]), [['notification_address_code', NEW]]);
        const code = await codeSentTo(db, NEW);
        const row = await db.selectFrom('notification_address_changes').selectAll().executeTakeFirstOrThrow();
        assert.match(row.code_mac, /^[0-9a-f]{64}$/);
        assert.ok(!JSON.stringify(row).includes(code), 'the code is not stored');
        assert.equal(await emailOf(), OLD, 'nothing set before the code');

        const wrong = await confirm(wrongCodeThan(code));
        assert.deepEqual(wrong, { ok: false, reason: 'wrong_code', remainingAttempts: ADDRESS_CODE_MAX_ATTEMPTS - 1 });
        assert.equal(await emailOf(), OLD);
        assert.deepEqual(await confirm(code, { institution: 'demo', contractId: '1000000002' }), { ok: false, reason: 'no_change_under_way' }, 'not another contract');

        assert.deepEqual(await confirm(code), { ok: true, address: NEW, previous: OLD });
        assert.equal(await emailOf(), NEW);
        assert.equal(await findNotificationAddressChange(db, CONTRACT), undefined);
        assert.deepEqual(await confirm(code), { ok: false, reason: 'no_change_under_way' }, 'single use');

        const told = (await outbox(db)).filter((m) => m.kind === 'notification_address_changed');
        assert.deepEqual(told.map((m) => m.recipient).sort(), [NEW, OLD].sort(), 'the old address and the new');
        for (const mail of told) {
          assert.match(mail.body, /新しいメールアドレス: t\*\*\*@example\.co\.jp/);
          assert.ok(!mail.body.includes(NEW), 'the new address masked');
        }
        const audit = await db.selectFrom('audit_log').select(['action', 'details']).where('action', 'like', 'notification_address%').orderBy('seq').execute();
        assert.deepEqual(audit.map((a) => a.action), ['notification_address_code_sent', 'notification_address_changed']);
        assert.deepEqual(JSON.parse(audit[1]!.details), { from: 't***@example.jp', to: 't***@example.co.jp' });
        for (const a of audit) assert.ok(!a.details.includes(NEW) && !a.details.includes(OLD) && !a.details.includes(code), 'no address or code in the audit');
        assert.equal((await verifyAuditChain(db)).ok, true);
      }));

    it('the outbox keeps the code only until the relay took it; the development mailbox keeps it to be read', () =>
      withFixture(setup(), async ({ database, db, bank, start }) => {
        await start();
        const code = await codeSentTo(db, NEW);
        const sent: string[] = [];
        const relay: MailTransport = { name: 'smtp', send: async (mail) => void sent.push(mail.text), close: () => {} };
        const report = await deliverDueNotifications({ database, transport: relay, clock: bank.clock, randomBytes: countingRandomBytes, fromAddress: 'no-reply@bank.example' });
        assert.equal(report.sent, 1);
        assert.ok(sent[0]!.includes(`確認コード: ${code}`), 'the relay got the code');
        const row = await db.selectFrom('notification_outbox').select(['status', 'body']).where('kind', '=', 'notification_address_code').executeTakeFirstOrThrow();
        assert.equal(row.status, 'sent');
        assert.ok(!row.body.includes(code), 'the sent row no longer holds the code');
        // The development mailbox is the outbox itself: there the code stays.
        await start('other.new@example.jp');
        const second = await codeSentTo(db, 'other.new@example.jp');
        await deliverDueNotifications({ database, transport: mailboxTransport, clock: bank.clock, randomBytes: countingRandomBytes, fromAddress: 'no-reply@bank.example' });
        assert.equal(await codeSentTo(db, 'other.new@example.jp'), second);
      }));

    it('registers a first address: only the new address is told', () =>
      withFixture(setup({ email: null }), async ({ db, start, confirm, emailOf }) => {
        await start();
        assert.deepEqual(await confirm(await codeSentTo(db, NEW)), { ok: true, address: NEW, previous: null });
        assert.equal(await emailOf(), NEW);
        assert.deepEqual((await outbox(db)).filter((m) => m.kind === 'notification_address_changed').map((m) => m.recipient), [NEW]);
      }));

    it('refuses an expired code; a new code works and the old one no longer', () =>
      withFixture(setup(), async ({ db, bank, start, confirm, emailOf, deps }) => {
        await start();
        const first = await codeSentTo(db, NEW);
        bank.clock.advance(ADDRESS_CODE_TTL_MS);
        assert.deepEqual(await confirm(first), { ok: false, reason: 'expired' });
        assert.equal(await emailOf(), OLD);
        assert.equal((await resendNotificationAddressCode(db, deps(), CONTRACT)).ok, true);
        const second = await codeSentTo(db, NEW);
        if (second !== first) assert.deepEqual(await confirm(first), { ok: false, reason: 'wrong_code', remainingAttempts: ADDRESS_CODE_MAX_ATTEMPTS - 1 });
        assert.deepEqual(await confirm(second), { ok: true, address: NEW, previous: OLD });
      }));

    it('after the last try, even the right code is refused until a new one is sent', () =>
      withFixture(setup(), async ({ db, start, confirm, emailOf }) => {
        await start();
        const code = await codeSentTo(db, NEW);
        for (let i = 1; i <= ADDRESS_CODE_MAX_ATTEMPTS; i++) {
          assert.deepEqual(await confirm(wrongCodeThan(code)), { ok: false, reason: 'wrong_code', remainingAttempts: ADDRESS_CODE_MAX_ATTEMPTS - i });
        }
        assert.deepEqual(await confirm(code), { ok: false, reason: 'no_attempts_left' });
        assert.equal(await emailOf(), OLD);
      }));

    it('parallel guesses never take more tries than allowed', () =>
      withFixture(setup(), async ({ db, start, confirm, emailOf }) => {
        await start();
        const code = await codeSentTo(db, NEW);
        const results = await Promise.all(Array.from({ length: 20 }, () => confirm(wrongCodeThan(code))));
        assert.equal(results.filter((r) => !r.ok && r.reason === 'wrong_code').length, ADDRESS_CODE_MAX_ATTEMPTS);
        assert.equal(results.filter((r) => !r.ok && r.reason === 'no_attempts_left').length, 20 - ADDRESS_CODE_MAX_ATTEMPTS);
        const row = await db.selectFrom('notification_address_changes').select('attempts').executeTakeFirstOrThrow();
        assert.equal(Number(row.attempts), ADDRESS_CODE_MAX_ATTEMPTS);
        assert.equal(await emailOf(), OLD);
      }));

    it('the right code typed twice at once sets the address once', () =>
      withFixture(setup(), async ({ db, start, confirm }) => {
        await start();
        const code = await codeSentTo(db, NEW);
        const results = await Promise.all([confirm(code), confirm(code), confirm(code)]);
        assert.equal(results.filter((r) => r.ok).length, 1);
        assert.equal((await outbox(db)).filter((m) => m.kind === 'notification_address_changed').length, 2, 'told once (old and new)');
      }));

    it('rate-limits the codes sent, the current address is refused, and a suspended contract gets nothing', () =>
      withFixture(setup(), async ({ db, start, deps }) => {
        assert.deepEqual(await start(OLD), { ok: false, reason: 'same_address' });
        for (let i = 0; i < ADDRESS_CODES_PER_WINDOW - 1; i++) assert.equal((await start()).ok, true);
        assert.equal((await resendNotificationAddressCode(db, deps(), CONTRACT)).ok, true);
        const refused = await start();
        assert.equal(refused.ok === false && refused.reason, 'rate_limited');
        const resent = await resendNotificationAddressCode(db, deps(), CONTRACT);
        assert.equal(resent.ok === false && resent.reason, 'rate_limited');
        assert.equal((await outbox(db)).length, ADDRESS_CODES_PER_WINDOW);
        await db.updateTable('customers').set({ status: 'suspended' }).where('contract_id', '=', '1000000001').execute();
        assert.deepEqual(await confirm2(), { ok: false, reason: 'no_change_under_way' });
        async function confirm2() {
          return confirmNotificationAddressChange(db, deps(), { ...CONTRACT, code: await codeSentTo(db, NEW) });
        }
      }));

    it('the branch sets an address by compare-and-set, dropping a change under way', () =>
      withFixture(setup(), async ({ db, bank, start, confirm, emailOf }) => {
        await start();
        const code = await codeSentTo(db, NEW);
        const set = (expectedPrevious: string | null) =>
          db.transaction().execute((trx) =>
            setNotificationAddress(trx, { ...CONTRACT, address: 'branch.set@example.jp', expectedPrevious, nowMs: bank.clock.nowMs(), actor: 'operator:teller', details: { requestFormNo: 'R-1' } }),
          );
        assert.equal(await set('someone.else@example.jp'), false, 'changed meanwhile');
        assert.equal(await emailOf(), OLD);
        assert.equal(await set(OLD), true);
        assert.equal(await emailOf(), 'branch.set@example.jp');
        assert.deepEqual(await confirm(code), { ok: false, reason: 'no_change_under_way' });
        const told = (await outbox(db)).filter((m) => m.kind === 'notification_address_changed');
        assert.deepEqual(told.map((m) => m.recipient).sort(), ['branch.set@example.jp', OLD].sort());
        for (const mail of told) assert.match(mail.body, /お届けにより/);
      }));
  });
}
