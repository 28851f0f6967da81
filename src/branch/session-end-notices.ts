// When the branch ends a customer's live sessions (suspension, token reissue, password reset),
// the customer's next click must land on the login page WITH the reason, not only be sent there
// as if the session had timed out. The sessions are deleted at once (DESIGN: suspension ends
// them immediately); what stays is a note keyed by the hash of each ended session's cookie
// token, which only the holder of that cookie can look up.
//
// For the bank site (issue 3): where its session guard finds no session for a cookie, it asks
// `findSessionEndNotice` and shows the matching notice on the login page.
import type { Kysely, Transaction } from 'kysely';
import { hashSessionToken } from '../banking/sessions.js';
import type { Schema } from '../db/schema.js';
import type { SessionEndCause } from './branch.tables.js';

/** Notices older than the longest session lifetime can no longer meet a live cookie. */
export const SESSION_END_NOTICE_TTL_MS = 24 * 3600_000;

/**
 * Deletes every session of the contract and remembers why, in the caller's transaction (the
 * one that suspends, reissues or resets). Returns how many sessions ended.
 */
export async function endCustomerSessionsWithNotice(
  trx: Transaction<Schema>,
  input: { institution: string; contractId: string; cause: SessionEndCause; nowMs: number },
): Promise<number> {
  const sessions = await trx
    .selectFrom('sessions')
    .select('id_hash')
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .execute();
  for (const { id_hash } of sessions) {
    await trx
      .insertInto('session_end_notices')
      .values({ id_hash, institution: input.institution, contract_id: input.contractId, cause: input.cause, ended_at: input.nowMs })
      .onConflict((oc) => oc.column('id_hash').doUpdateSet({ cause: input.cause, ended_at: input.nowMs }))
      .execute();
  }
  const deleted = await trx
    .deleteFrom('sessions')
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

/** Why the branch ended the session behind this cookie token, if it did (and recently). */
export async function findSessionEndNotice(
  db: Kysely<Schema>,
  input: { institution: string; token: string | undefined; nowMs: number },
): Promise<SessionEndCause | undefined> {
  if (input.token === undefined || !/^[A-Za-z0-9_-]{43}$/.test(input.token)) return undefined;
  const row = await db
    .selectFrom('session_end_notices')
    .select(['cause', 'institution', 'ended_at'])
    .where('id_hash', '=', hashSessionToken(input.token))
    .executeTakeFirst();
  if (!row || row.institution !== input.institution || input.nowMs - Number(row.ended_at) > SESSION_END_NOTICE_TTL_MS) return undefined;
  return row.cause;
}

/** For a periodic sweep. */
export async function pruneSessionEndNotices(db: Kysely<Schema>, nowMs: number): Promise<number> {
  const result = await db.deleteFrom('session_end_notices').where('ended_at', '<', nowMs - SESSION_END_NOTICE_TTL_MS).executeTakeFirst();
  return Number(result.numDeletedRows);
}
