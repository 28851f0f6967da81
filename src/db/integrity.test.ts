// findOrphans on both dialects: a consistent database (one row in every table, each naming its
// parents) reports nothing; an orphan made on purpose — of an undeclared relationship by a
// plain insert, of a declared foreign key with the database's enforcement switched off — is
// reported with its relationship, count and identifying columns. And the list of relationships
// is complete: every table is a child of some relationship or a declared root, and every
// foreign key of the migrations is listed, so a table added later cannot escape the check.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { findOrphans, RELATIONSHIPS, ROOT_TABLES } from './integrity.js';
import type { Schema } from './schema.js';
import { createTestDatabase, DIALECTS, skipReason, type TestDatabase } from '../../test/support/db/testing.js';
import { testInstitutionRow } from '../../test/support/banking/ledger/test-fixtures.js';
import type { DialectName } from './database.js';

const T = 1_790_000_000_000;
const CUSTOMER = { institution: 'demo', contract_id: '1000000001' } as const;

/** One row in every table, each pointing at rows that exist. */
async function insertConsistentGraph(db: Kysely<Schema>): Promise<void> {
  await db.insertInto('relying_parties').values({ id: 'demo', name: 'デモ', api_key_hash: 'h'.repeat(64), created_at: T }).execute();
  await db
    .insertInto('tokens')
    .values({ serial: 'SYMC12345678', kind: 'mobile', algorithm: 'SHA1', digits: 6, period_seconds: 30, secret_ciphertext: 'x', secret_key_id: 'k1', state: 'active', created_at: T, updated_at: T })
    .execute();
  await db.insertInto('bindings').values({ id: 'bnd_1', relying_party_id: 'demo', serial: 'SYMC12345678', subject: '1000000001', created_at: T, deleted_at: null }).execute();
  await db.insertInto('audit_heads').values({ chain: 'demo', last_seq: 1, last_hash: 'a'.repeat(64) }).execute();
  await db
    .insertInto('audit_log')
    .values({ chain: 'demo', seq: 1, at: T, actor: 'system', action: 'test', subject: '', details: '{}', prev_hash: '0'.repeat(64), hash: 'a'.repeat(64) })
    .execute();
  await db.insertInto('rate_limits').values({ key: 'k', window_start: T, count: 1 }).execute();
  await db.insertInto('institutions').values(testInstitutionRow({ slug: 'demo', bankCode: '9901', policy: '{}', nowMs: T })).execute();
  await db
    .insertInto('customers')
    .values({
      ...CUSTOMER,
      name: 'テスト',
      login_password_hash: 'x',
      confirmation_hash: 'x',
      confirmation_pairs: '{}',
      status: 'active',
      token_binding_id: 'bnd_1',
      token_serial: 'SYMC12345678',
      token_kind: 'mobile',
      token_registered_at: T,
      token_deregistered_at: null,
      registration_blocked_until: null,
      email: null,
      created_at: T,
      updated_at: T,
    })
    .execute();
  await db.insertInto('sessions').values({ id_hash: 's'.repeat(64), ...CUSTOMER, stage: 'signed_in', data: '{}', csrf_token: 'c', started_at: T, created_at: T, last_seen_at: T }).execute();
  await db.insertInto('branches').values({ institution: 'demo', code: '001', name: '本店', kana: 'ホンテン', last_account_number: 1, created_at: T }).execute();
  const account = { institution: 'demo', account_type: 'ordinary', holder_name: 'ﾃｽﾄ', last_seq: 1, opened_at: T } as const;
  await db.insertInto('accounts').values({ ...account, id: 'acc_c', role: 'customer', contract_id: '1000000001', branch_code: '001', account_number: '0000001', balance: 1000 }).execute();
  await db.insertInto('accounts').values({ ...account, id: 'acc_f', role: 'demo_funding', contract_id: null, branch_code: null, account_number: null, balance: -1000 }).execute();
  await db
    .insertInto('transfers')
    .values({
      id: 'tr_1',
      ...CUSTOMER,
      source_account_id: 'acc_c',
      kind: 'internal',
      payee_bank_code: '9901',
      payee_bank_name: 'デモ',
      payee_branch_code: '001',
      payee_branch_name: '本店',
      payee_account_type: 'ordinary',
      payee_account_number: '0000001',
      payee_name: 'ﾃｽﾄ',
      payee_account_id: 'acc_c',
      amount_yen: 1,
      fee_yen: 0,
      idempotency_key: 'i1',
      status: 'pending',
      password_positions: null,
      confirming_until: null,
      created_at: T,
      expires_at: T + 600_000,
      confirmed_at: null,
      business_day: null,
      reference_no: null,
      entry_id: 'je_1',
      exported_at: null,
    })
    .execute();
  await db.insertInto('journal_entries').values({ id: 'je_1', institution: 'demo', kind: 'deposit', transfer_id: 'tr_1', posted_at: T, actor: 'system' }).execute();
  await db.insertInto('postings').values({ account_id: 'acc_c', seq: 1, entry_id: 'je_1', amount: 1000, balance_after: 1000, description: '入金', posted_at: T }).execute();
  await db.insertInto('postings').values({ account_id: 'acc_f', seq: 1, entry_id: 'je_1', amount: -1000, balance_after: -1000, description: '入金', posted_at: T }).execute();
  await db.insertInto('reference_counters').values({ institution: 'demo', business_day: '2026-09-21', last_value: 1 }).execute();
  await db
    .insertInto('registered_payees')
    .values({ id: 'py_1', ...CUSTOMER, bank_code: '9901', bank_name: 'デモ', branch_code: '001', branch_name: '本店', account_type: 'ordinary', account_number: '0000002', payee_name: 'ﾃｽﾄ', nickname: '', created_at: T, updated_at: T })
    .execute();
  await db.insertInto('transfer_limits').values({ ...CUSTOMER, daily_limit_yen: 500_000, updated_at: T }).execute();
  await db.insertInto('daily_usage').values({ ...CUSTOMER, business_day: '2026-09-21', used_yen: 1 }).execute();
  await db.insertInto('limit_cap_lifts').values({ ...CUSTOMER, lifted_at: T, lifted_by: 'supervisor', request_form_no: 'R-1' }).execute();
  const operator = { institution: 'demo', password_hash: 'x', token_binding_id: null, token_serial: null, token_enrolled_at: null, last_sign_in_at: null, created_at: T, updated_at: T } as const;
  await db.insertInto('operators').values({ ...operator, login: 'teller', role: 'teller' }).execute();
  await db.insertInto('operators').values({ ...operator, login: 'supervisor', role: 'supervisor' }).execute();
  await db.insertInto('operator_sessions').values({ id_hash: 'o'.repeat(64), institution: 'demo', login: 'teller', stage: 'signed_in', data: '{}', csrf_token: 'c', started_at: T, created_at: T, last_seen_at: T }).execute();
  const passkey = { user_handle: 'u', public_key: 'k', sign_count: 0, transports: '[]', device_type: 'multiDevice' as const, backed_up: 1, name: 'phone', created_at: T, last_used_at: null };
  await db.insertInto('passkeys').values({ id: 'pk_1', institution: 'demo', principal: 'customer', subject: '1000000001', credential_id: 'cred-1', ...passkey }).execute();
  await db.insertInto('passkeys').values({ id: 'pk_2', institution: 'demo', principal: 'operator', subject: 'teller', credential_id: 'cred-2', ...passkey }).execute();
  await db.insertInto('passkey_challenges').values({ challenge: 'c'.repeat(43), institution: 'demo', purpose: 'sign_in', principal: 'customer', subject: null, binding_hash: 'b'.repeat(64), operation_hash: null, user_handle: null, created_at: T, expires_at: T + 300_000 }).execute();
  await db
    .insertInto('branch_proposals')
    .values({
      id: 'prp_1',
      ...CUSTOMER,
      kind: 'unlock_otp',
      params: '{}',
      request_form_no: 'R-1',
      reason: 'r',
      status: 'approved',
      proposed_by: 'teller',
      proposed_at: T,
      decided_by: 'supervisor',
      decided_at: T,
      decision_note: null,
    })
    .execute();
  await db.insertInto('password_change_requirements').values({ ...CUSTOMER, cause: 'initial', required_since: T }).execute();
  await db.insertInto('session_end_notices').values({ id_hash: 'e'.repeat(64), ...CUSTOMER, cause: 'suspended', ended_at: T }).execute();
  await db.insertInto('contract_openings').values({ ...CUSTOMER, form_key: 'k'.repeat(32), opened_by: 'teller', form_digest: 'd'.repeat(64), opened_at: T }).execute();
  await db.insertInto('notification_address_changes').values({ ...CUSTOMER, new_address: 'new@example.jp', code_mac: 'm'.repeat(64), attempts: 0, started_at: T, expires_at: T + 600_000 }).execute();
  await db.insertInto('sign_in_devices').values({ ...CUSTOMER, device_hash: 'h'.repeat(64), first_signed_in_at: T, last_signed_in_at: T }).execute();
  await db
    .insertInto('sign_in_reports')
    .values({ id: 'rpt_1', ...CUSTOMER, reported_at: T, sign_in_seq: 1, sign_in_at: T, sign_in_action: 'signed_in', browser: 'Chrome', os: 'Windows', masked_address: '203.0.113.*', resolved_at: null })
    .execute();
  await db
    .insertInto('notification_outbox')
    .values({
      id: 'ntf_1',
      ...CUSTOMER,
      kind: 'otp_locked',
      recipient: 'a@example.jp',
      sender_name: 'デモ',
      subject: 's',
      body: 'b',
      status: 'pending',
      next_attempt_at: T,
      claim_token: null,
      claimed_until: null,
      last_error: null,
      transport: null,
      created_at: T,
      sent_at: null,
    })
    .execute();
}

/**
 * Runs `change` with the database's foreign-key enforcement off for `tables`: SQLite's pragma
 * (one connection), or — on PostgreSQL, without superuser rights — dropping the tables' foreign
 * keys in this throwaway schema. This is how a real orphan is born: a restore without
 * constraints, a hand-made delete with checks off.
 */
async function withoutForeignKeys(database: TestDatabase, tables: string[], change: (db: Kysely<Schema>) => Promise<void>): Promise<void> {
  if (database.dialect === 'sqlite') {
    await sql`pragma foreign_keys = off`.execute(database.db);
    try {
      await change(database.db);
    } finally {
      await sql`pragma foreign_keys = on`.execute(database.db);
    }
    return;
  }
  for (const table of tables) {
    const constraints = await sql<{ name: string }>`select conname as name from pg_constraint where conrelid = ${table}::regclass and contype = 'f'`.execute(database.db);
    for (const { name } of constraints.rows) await sql`alter table ${sql.table(table)} drop constraint ${sql.id(name)}`.execute(database.db);
  }
  await change(database.db);
}

for (const dialect of DIALECTS) {
  describe(`findOrphans [${dialect}]`, { skip: skipReason(dialect) }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(dialect as DialectName);
    });
    after(() => database?.close());

    it('reports none on an empty database, running every relationship\'s query', async () => {
      assert.deepEqual(await findOrphans(database.db), { ok: true, relationships: RELATIONSHIPS.length });
    });

    it('reports none when every row has its parents (one row in every table)', async () => {
      await insertConsistentGraph(database.db);
      for (const table of [...new Set(RELATIONSHIPS.map((r) => r.child))]) {
        const rows = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(database.db);
        assert.ok(Number(rows.rows[0]!.n) > 0, `the graph has a row in ${table}, so its relationships are exercised`);
      }
      assert.deepEqual(await findOrphans(database.db), { ok: true, relationships: RELATIONSHIPS.length });
    });

    it('finds orphans of undeclared relationships: a session, an outbox row, an operator session, a proposal\'s maker', async () => {
      const db = database.db;
      await db.insertInto('sessions').values({ id_hash: 't'.repeat(64), institution: 'demo', contract_id: '1999999999', stage: 'signed_in', data: '{}', csrf_token: 'c', started_at: T, created_at: T, last_seen_at: T }).execute();
      await db.insertInto('sessions').values({ id_hash: 'u'.repeat(64), institution: 'nowhere', contract_id: '1000000001', stage: 'password_verified', data: '{}', csrf_token: 'c', started_at: T, created_at: T, last_seen_at: T }).execute();
      await db.insertInto('operator_sessions').values({ id_hash: 'p'.repeat(64), institution: 'demo', login: 'ghost', stage: 'signed_in', data: '{}', csrf_token: 'c', started_at: T, created_at: T, last_seen_at: T }).execute();
      await db
        .insertInto('branch_proposals')
        .values({ id: 'prp_2', ...CUSTOMER, kind: 'unlock_otp', params: '{}', request_form_no: 'R-2', reason: 'r', status: 'pending', proposed_by: 'ghost', proposed_at: T, decided_by: null, decided_at: null, decision_note: null })
        .execute();
      // A customer's passkey of a contract that is gone, and an operator's passkey named like a
      // contract that exists (the principal column says which parent it must have).
      const passkey = { user_handle: 'u', public_key: 'k', sign_count: 0, transports: '[]', device_type: 'singleDevice' as const, backed_up: 0, name: 'x', created_at: T, last_used_at: null };
      await db.insertInto('passkeys').values({ id: 'pk_8', institution: 'demo', principal: 'customer', subject: '1999999999', credential_id: 'cred-8', ...passkey }).execute();
      await db.insertInto('passkeys').values({ id: 'pk_9', institution: 'demo', principal: 'operator', subject: '1000000001', credential_id: 'cred-9', ...passkey }).execute();
      const result = await findOrphans(db);
      assert.equal(result.ok, false);
      assert.ok(!result.ok);
      const byName = new Map(result.orphans.map((o) => [o.relationship, o]));
      assert.deepEqual(byName.get("passkeys(institution, subject) where principal = 'customer' → customers")?.examples, [{ id: 'pk_8' }]);
      assert.deepEqual(byName.get("passkeys(institution, subject) where principal = 'operator' → operators")?.examples, [{ id: 'pk_9' }]);
      await db.deleteFrom('passkeys').where('id', 'in', ['pk_8', 'pk_9']).execute();
      assert.deepEqual(byName.get('sessions(institution, contract_id) → customers'), {
        relationship: 'sessions(institution, contract_id) → customers',
        child: 'sessions',
        count: 2,
        examples: [
          { institution: 'demo', contract_id: '1999999999', stage: 'signed_in' },
          { institution: 'nowhere', contract_id: '1000000001', stage: 'password_verified' },
        ],
      });
      assert.equal(byName.get('operator_sessions(institution, login) → operators')?.count, 1);
      assert.deepEqual(byName.get('branch_proposals(institution, proposed_by) → operators')?.examples, [{ id: 'prp_2' }]);
      // A proposal not decided yet (decided_by null) has no decider to miss.
      assert.equal(byName.has('branch_proposals(institution, decided_by) → operators'), false);
      assert.equal(result.orphans.length, 5, JSON.stringify(result.orphans));
      // The identifying columns never include a session's id hash.
      assert.ok(!JSON.stringify(result.orphans).includes('t'.repeat(64)));
      await db.deleteFrom('sessions').where('id_hash', 'in', ['t'.repeat(64), 'u'.repeat(64)]).execute();
      await db.deleteFrom('operator_sessions').where('id_hash', '=', 'p'.repeat(64)).execute();
      await db.deleteFrom('branch_proposals').where('id', '=', 'prp_2').execute();
      assert.equal((await findOrphans(db)).ok, true);
    });

    it('finds orphans of declared foreign keys once the database stops enforcing them: postings of a deleted entry, bindings of a deleted token', async () => {
      await withoutForeignKeys(database, ['postings', 'transfers', 'bindings', 'customers'], async (db) => {
        await db.deleteFrom('journal_entries').where('id', '=', 'je_1').execute();
        await db.deleteFrom('bindings').where('id', '=', 'bnd_1').execute();
        await db.insertInto('bindings').values({ id: 'bnd_2', relying_party_id: 'demo', serial: 'SYMC00000000', subject: 's', created_at: T, deleted_at: null }).execute();
      });
      const result = await findOrphans(database.db);
      assert.ok(!result.ok);
      const counts = Object.fromEntries(result.orphans.map((o) => [o.relationship, o.count]));
      assert.deepEqual(counts, {
        'bindings(serial) → tokens': 1,
        'transfers(entry_id) → journal_entries': 1,
        'postings(entry_id) → journal_entries': 2,
      });
      assert.deepEqual(result.orphans.find((o) => o.child === 'postings')?.examples, [
        { account_id: 'acc_c', seq: 1 },
        { account_id: 'acc_f', seq: 1 },
      ]);
    });
  });
}

describe('the list of relationships', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase('sqlite');
  });
  after(() => database?.close());

  it('names every table: each is the child of a relationship or a root', async () => {
    const tables = (await database.db.introspection.getTables()).map((t) => t.name).sort();
    const covered = new Set<string>([...RELATIONSHIPS.map((r) => r.child), ...ROOT_TABLES]);
    assert.deepEqual(tables.filter((t) => !covered.has(t)), [], 'a table without a place in RELATIONSHIPS or ROOT_TABLES');
    for (const root of ROOT_TABLES) assert.ok(!RELATIONSHIPS.some((r) => r.child === root), `${root} is a root, not a child`);
  });

  it('lists every foreign key of the migrations as a declared relationship, and only those', async () => {
    const declared: string[] = [];
    for (const { name } of await database.db.introspection.getTables()) {
      const keys = await sql<{ id: number; table: string; from: string; to: string }>`select * from pragma_foreign_key_list(${name})`.execute(database.db);
      const byId = new Map<number, { parent: string; from: string[]; to: string[] }>();
      for (const key of keys.rows) {
        const entry = byId.get(key.id) ?? { parent: key.table, from: [], to: [] };
        entry.from.push(key.from);
        entry.to.push(key.to);
        byId.set(key.id, entry);
      }
      for (const key of byId.values()) declared.push(`${name}(${key.from.join(', ')}) → ${key.parent}(${key.to.join(', ')})`);
    }
    const listed = RELATIONSHIPS.filter((r) => r.declared).map((r) => `${r.child}(${r.columns.join(', ')}) → ${r.parent}(${r.parentColumns.join(', ')})`);
    assert.deepEqual([...listed].sort(), declared.sort());
  });
});
