// The audit viewer's query: one institution's chain, filtered by customer (the subject),
// operator (the actor `operator:<login>`), action and group of actions (a customer's history:
// audit-sentences.ts's groups, `branch` being whatever an operator did), newest first, a page
// at a time.
import type { Kysely } from 'kysely';
import { actionsOfGroup, type AuditGroup } from './audit-sentences.js';
import type { Schema } from '../db/schema.js';
import type { AuditLine } from './customer-status.js';
import { operatorActor } from './operators.js';

export const AUDIT_PAGE_SIZE = 50;
/** The CSV export stops here; a larger export is a job for the database, not the console. */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;

export interface AuditFilter {
  customer?: string; // contract ID
  operator?: string; // login
  action?: string;
  group?: AuditGroup;
}

export const AUDIT_ACTION_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

function filtered(db: Kysely<Schema>, institution: string, filter: AuditFilter) {
  let query = db.selectFrom('audit_log').where('chain', '=', institution);
  if (filter.customer !== undefined) query = query.where('subject', '=', filter.customer);
  if (filter.operator !== undefined) query = query.where('actor', '=', operatorActor(filter.operator));
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.group === 'branch') query = query.where('actor', 'like', operatorActor('%'));
  else if (filter.group !== undefined) query = query.where('action', 'in', actionsOfGroup(filter.group));
  return query;
}

export interface AuditPage {
  lines: AuditLine[];
  page: number; // 1-based
  pageCount: number;
  total: number;
}

/** The page asked for, or the last one when there are fewer. */
export async function readAuditPage(db: Kysely<Schema>, input: { institution: string; filter: AuditFilter; page: number; pageSize?: number }): Promise<AuditPage> {
  const pageSize = input.pageSize ?? AUDIT_PAGE_SIZE;
  const countRow = await filtered(db, input.institution, input.filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const total = Number(countRow.n);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, input.page), pageCount);
  const rows = await filtered(db, input.institution, input.filter)
    .select(['seq', 'at', 'actor', 'action', 'subject', 'details'])
    .orderBy('seq', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { lines: rows.map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at) })), page, pageCount, total };
}

/** Every line that matches, newest first, in batches (keyset on seq), up to the export cap. */
export async function* readAuditForExport(db: Kysely<Schema>, input: { institution: string; filter: AuditFilter; batchSize?: number }): AsyncGenerator<AuditLine> {
  const batchSize = input.batchSize ?? 1000;
  let before: number | undefined;
  let sent = 0;
  for (;;) {
    let query = filtered(db, input.institution, input.filter).select(['seq', 'at', 'actor', 'action', 'subject', 'details']);
    if (before !== undefined) query = query.where('seq', '<', before);
    const rows = await query.orderBy('seq', 'desc').limit(batchSize).execute();
    for (const r of rows) {
      if (sent >= AUDIT_EXPORT_MAX_ROWS) return;
      sent += 1;
      yield { ...r, seq: Number(r.seq), at: Number(r.at) };
    }
    if (rows.length < batchSize) return;
    before = Number(rows[rows.length - 1]!.seq);
  }
}

/** The actions that occur in the institution's chain, for the filter's choices. */
export async function listAuditActions(db: Kysely<Schema>, institution: string): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('action').distinct().where('chain', '=', institution).orderBy('action').execute();
  return rows.map((r) => r.action);
}
