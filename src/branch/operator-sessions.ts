// Operator sessions, as strict as the customers' (banking/sessions.ts) and kept apart from them:
// their own table, so a customer's cookie token can never be looked up as an operator's. The
// cookie holds a random 256-bit token; the table keeps only its SHA-256. Each step up (password
// → one-time password or enrolment → signed in) issues a NEW token and deletes the old row in
// the same transaction; idle and absolute lifetimes come from the institution's policy.
import { createHash } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { InstitutionPolicy } from '../banking/institution-policy.js';
import type { Schema } from '../db/schema.js';
import type { RandomBytes } from '../shared/clock.js';
import type { OperatorSessionStage, OperatorSessionTable } from './branch.tables.js';

type Db = Kysely<Schema> | Transaction<Schema>;

export interface OperatorSession {
  idHash: string;
  institution: string;
  login: string;
  stage: OperatorSessionStage;
  csrfToken: string;
  startedAt: number;
  lastSeenAt: number;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function hashOperatorSessionToken(token: string): string {
  return createHash('sha256').update(`operator-session|${token}`).digest('hex');
}

function randomToken(randomBytes: RandomBytes): string {
  return Buffer.from(randomBytes(32)).toString('base64url');
}

export interface IssuedOperatorSession {
  token: string; // goes into the cookie, nowhere else
  session: OperatorSession;
}

/** Issues a session at `stage`, replacing `previous` in the same transaction (no fixation). */
export async function issueOperatorSession(
  trx: Transaction<Schema>,
  input: { institution: string; login: string; stage: OperatorSessionStage; nowMs: number; randomBytes: RandomBytes; previous?: OperatorSession },
): Promise<IssuedOperatorSession> {
  if (input.previous) await trx.deleteFrom('operator_sessions').where('id_hash', '=', input.previous.idHash).execute();
  const token = randomToken(input.randomBytes);
  const session: OperatorSession = {
    idHash: hashOperatorSessionToken(token),
    institution: input.institution,
    login: input.login,
    stage: input.stage,
    csrfToken: randomToken(input.randomBytes),
    startedAt: input.previous?.startedAt ?? input.nowMs,
    lastSeenAt: input.nowMs,
  };
  await trx
    .insertInto('operator_sessions')
    .values({
      id_hash: session.idHash,
      institution: session.institution,
      login: session.login,
      stage: session.stage,
      csrf_token: session.csrfToken,
      started_at: session.startedAt,
      created_at: input.nowMs,
      last_seen_at: input.nowMs,
    })
    .execute();
  return { token, session };
}

export type OperatorSessionLookup = { ok: true; session: OperatorSession } | { ok: false; reason: 'none' | 'expired' };

/** The live session behind a cookie token AT THIS INSTITUTION, touching `last_seen_at`. */
export async function findLiveOperatorSession(
  db: Kysely<Schema>,
  input: { institution: string; token: string | undefined; nowMs: number; policy: Pick<InstitutionPolicy, 'sessionIdleMinutes' | 'sessionAbsoluteHours'> },
): Promise<OperatorSessionLookup> {
  if (input.token === undefined || !TOKEN_SHAPE.test(input.token)) return { ok: false, reason: 'none' };
  const idHash = hashOperatorSessionToken(input.token);
  const row = await db.selectFrom('operator_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!row || row.institution !== input.institution) return { ok: false, reason: 'none' };
  const idleMs = input.policy.sessionIdleMinutes * 60_000;
  const absoluteMs = input.policy.sessionAbsoluteHours * 3600_000;
  if (input.nowMs - row.last_seen_at > idleMs || input.nowMs - row.started_at > absoluteMs) {
    await db.deleteFrom('operator_sessions').where('id_hash', '=', idHash).execute();
    return { ok: false, reason: 'expired' };
  }
  await db.updateTable('operator_sessions').set({ last_seen_at: input.nowMs }).where('id_hash', '=', idHash).execute();
  return { ok: true, session: { ...sessionFromRow(row), lastSeenAt: input.nowMs } };
}

function sessionFromRow(row: Selectable<OperatorSessionTable>): OperatorSession {
  return {
    idHash: row.id_hash,
    institution: row.institution,
    login: row.login,
    stage: row.stage,
    csrfToken: row.csrf_token,
    startedAt: Number(row.started_at),
    lastSeenAt: Number(row.last_seen_at),
  };
}

export async function deleteOperatorSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('operator_sessions').where('id_hash', '=', idHash).execute();
}

/** Ends every session of an operator (locked, token reset by an administrator). */
export async function endSessionsOfOperator(db: Db, institution: string, login: string): Promise<number> {
  const result = await db.deleteFrom('operator_sessions').where('institution', '=', institution).where('login', '=', login).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes operator sessions past either lifetime; for a periodic sweep (src/jobs). */
export async function deleteExpiredOperatorSessions(db: Kysely<Schema>, input: { nowMs: number; idleMs: number; absoluteMs: number }): Promise<number> {
  const result = await db
    .deleteFrom('operator_sessions')
    .where((eb) => eb.or([eb('last_seen_at', '<', input.nowMs - input.idleMs), eb('started_at', '<', input.nowMs - input.absoluteMs)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
