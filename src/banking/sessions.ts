// Sessions live in the database (any process may serve the next request). The cookie holds a
// random 256-bit token; the table keeps only its SHA-256, so a read of the table cannot be
// replayed as a cookie. Each step up issues a NEW token and deletes the old row in the same
// transaction (no session fixation); idle and absolute lifetimes come from the policy.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { RandomBytes } from '../shared/clock.js';
import type { SessionStage, SessionTable } from './banking.tables.js';
import type { InstitutionPolicy } from './institution-policy.js';

export type SessionRow = Selectable<SessionTable>;

export interface SessionData {
  /** Digit positions of the confirmation password asked on this stage's form (1-based). */
  positions?: number[];
  /** 利用登録/交換: the binding whose current code was verified; the swap must replace exactly it. */
  bindingId?: string;
}

export interface Session {
  idHash: string;
  institution: string;
  contractId: string;
  stage: SessionStage;
  data: SessionData;
  csrfToken: string;
  startedAt: number;
  lastSeenAt: number;
}

type Db = Kysely<Schema> | Transaction<Schema>;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function randomToken(randomBytes: RandomBytes): string {
  return Buffer.from(randomBytes(32)).toString('base64url');
}

export interface IssuedSession {
  token: string; // goes into the cookie, nowhere else
  session: Session;
}

/**
 * Issues a session at `stage`, replacing `previousIdHash` (if any) in the same transaction.
 * `startedAt` carries over from the previous session so the absolute lifetime is not renewed.
 */
export async function issueSession(
  trx: Transaction<Schema>,
  input: {
    institution: string;
    contractId: string;
    stage: SessionStage;
    data?: SessionData;
    nowMs: number;
    randomBytes: RandomBytes;
    previous?: Session;
  },
): Promise<IssuedSession> {
  if (input.previous) await trx.deleteFrom('sessions').where('id_hash', '=', input.previous.idHash).execute();
  const token = randomToken(input.randomBytes);
  const session: Session = {
    idHash: hashSessionToken(token),
    institution: input.institution,
    contractId: input.contractId,
    stage: input.stage,
    data: input.data ?? {},
    csrfToken: randomToken(input.randomBytes),
    startedAt: input.previous?.startedAt ?? input.nowMs,
    lastSeenAt: input.nowMs,
  };
  await trx
    .insertInto('sessions')
    .values({
      id_hash: session.idHash,
      institution: session.institution,
      contract_id: session.contractId,
      stage: session.stage,
      data: JSON.stringify(session.data),
      csrf_token: session.csrfToken,
      started_at: session.startedAt,
      created_at: input.nowMs,
      last_seen_at: input.nowMs,
    })
    .execute();
  return { token, session };
}

export type SessionLookup = { ok: true; session: Session } | { ok: false; reason: 'none' | 'expired' };

/**
 * The live session behind a cookie token at this institution, touching `last_seen_at`.
 * An expired session is deleted and reported as such (the login page says so).
 */
export async function findLiveSession(
  db: Kysely<Schema>,
  input: { institution: string; token: string | undefined; nowMs: number; policy: InstitutionPolicy },
): Promise<SessionLookup> {
  if (input.token === undefined || !/^[A-Za-z0-9_-]{43}$/.test(input.token)) return { ok: false, reason: 'none' };
  const idHash = hashSessionToken(input.token);
  const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!row || row.institution !== input.institution) return { ok: false, reason: 'none' };
  const idleMs = input.policy.sessionIdleMinutes * 60_000;
  const absoluteMs = input.policy.sessionAbsoluteHours * 3600_000;
  if (input.nowMs - row.last_seen_at > idleMs || input.nowMs - row.started_at > absoluteMs) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return { ok: false, reason: 'expired' };
  }
  // Touching last_seen_at is bookkeeping of the session itself, not a change the customer made.
  await db.updateTable('sessions').set({ last_seen_at: input.nowMs }).where('id_hash', '=', idHash).execute();
  return { ok: true, session: { ...sessionFromRow(row), lastSeenAt: input.nowMs } };
}

function sessionFromRow(row: SessionRow): Session {
  return {
    idHash: row.id_hash,
    institution: row.institution,
    contractId: row.contract_id,
    stage: row.stage,
    data: JSON.parse(row.data) as SessionData,
    csrfToken: row.csrf_token,
    startedAt: row.started_at,
    lastSeenAt: row.last_seen_at,
  };
}

/** Deletes one session; whether it was still there (the branch or a lock may have ended it). */
export async function deleteSession(db: Db, idHash: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('id_hash', '=', idHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Ends every session of a contract (suspension, lock, token reissue by the branch). */
export async function endSessionsOfCustomer(db: Db, institution: string, contractId: string): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('institution', '=', institution)
    .where('contract_id', '=', contractId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes sessions past either lifetime; for a periodic sweep. */
export async function deleteExpiredSessions(db: Kysely<Schema>, input: { nowMs: number; idleMs: number; absoluteMs: number }): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('last_seen_at', '<', input.nowMs - input.idleMs), eb('started_at', '<', input.nowMs - input.absoluteMs)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfTokenMatches(session: Session, submitted: string | undefined): boolean {
  if (submitted === undefined) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
