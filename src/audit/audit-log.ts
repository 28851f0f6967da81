// The append-only, hash-chained audit log (DESIGN §5). Each record's hash covers the previous
// record's hash and the record's own fields, so altering, inserting or deleting a row breaks
// every later link; `verifyAuditChain` names the first row that does not fit.
//
// appendAudit must be called inside the transaction that makes the change it records.
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { AuditAction } from './audit-actions.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  chain: string; // institution slug, or 'authority'
  at: number;
  actor: string;
  /** One of AUDIT_ACTIONS (audit-actions.ts): the console has a sentence for each. */
  action: AuditAction;
  subject?: string;
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditRecord {
  chain: string;
  seq: number;
  at: number;
  actor: string;
  action: string;
  subject: string;
  details: string;
  prev_hash: string;
  hash: string;
}

/** Canonical JSON: keys sorted, so the hash does not depend on insertion order. */
export function canonicalJson(value: Record<string, unknown>): string {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = value[key];
  return JSON.stringify(sorted);
}

export function hashAuditRecord(record: Omit<AuditRecord, 'hash'>): string {
  const body = canonicalJson({
    chain: record.chain,
    seq: record.seq,
    at: record.at,
    actor: record.actor,
    action: record.action,
    subject: record.subject,
    details: record.details,
    prev_hash: record.prev_hash,
  });
  return createHash('sha256').update(body).digest('hex');
}

export async function appendAudit(trx: Transaction<Schema> | Kysely<Schema>, entry: AuditEntry): Promise<AuditRecord> {
  await trx
    .insertInto('audit_heads')
    .values({ chain: entry.chain, last_seq: 0, last_hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('chain').doNothing())
    .execute();
  // Incrementing the head first takes its row lock (PostgreSQL) or the write lock (SQLite), so
  // concurrent appenders to one chain queue here and each sees its predecessor's hash.
  const head = await trx
    .updateTable('audit_heads')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('chain', '=', entry.chain)
    .returning(['last_seq', 'last_hash'])
    .executeTakeFirstOrThrow();
  const unsigned = {
    chain: entry.chain,
    seq: Number(head.last_seq),
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject ?? '',
    details: canonicalJson(entry.details ?? {}),
    prev_hash: head.last_hash,
  };
  const record: AuditRecord = { ...unsigned, hash: hashAuditRecord(unsigned) };
  await trx.insertInto('audit_log').values(record).execute();
  await trx.updateTable('audit_heads').set({ last_hash: record.hash }).where('chain', '=', entry.chain).execute();
  return record;
}

export type AuditVerifyResult =
  | { ok: true; chains: number; records: number }
  | { ok: false; chain: string; seq: number; problem: 'hash_mismatch' | 'broken_link' | 'gap' | 'head_mismatch' };

/** Walks every chain in order; reports the first record whose hash or link does not fit. */
export async function verifyAuditChain(db: Kysely<Schema>, options: { batchSize?: number } = {}): Promise<AuditVerifyResult> {
  const batchSize = options.batchSize ?? 1000;
  const heads = await db.selectFrom('audit_heads').selectAll().orderBy('chain').execute();
  let records = 0;
  for (const head of heads) {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    for (;;) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('chain', '=', head.chain)
        .where('seq', '>=', expectedSeq)
        .orderBy('seq')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expectedSeq) return { ok: false, chain: head.chain, seq: expectedSeq, problem: 'gap' };
        if (row.prev_hash !== prevHash) return { ok: false, chain: head.chain, seq, problem: 'broken_link' };
        const { hash, ...unsigned } = { ...row, seq, at: Number(row.at) };
        if (hashAuditRecord(unsigned) !== hash) return { ok: false, chain: head.chain, seq, problem: 'hash_mismatch' };
        prevHash = hash;
        expectedSeq += 1;
        records += 1;
      }
    }
    if (Number(head.last_seq) !== expectedSeq - 1 || head.last_hash !== prevHash) {
      return { ok: false, chain: head.chain, seq: expectedSeq, problem: 'head_mismatch' };
    }
  }
  return { ok: true, chains: heads.length, records };
}
