// Sessions of any principal (principals.ts), in the database so that any process may serve the
// next request. The cookie holds a random 256-bit token; the table keeps only its SHA-256, so a
// read of the table cannot be replayed as a cookie. Each step up issues a NEW token and deletes
// the old row in the same transaction (no session fixation); the absolute lifetime counts from
// the first step and is never renewed, the idle one from the last request. One code path for
// both kinds: the kind names the table and the column of the principal.
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { RandomBytes } from '../shared/clock.js';
import type { SessionEndCause } from './identity.tables.js';
import type { PrincipalKind, PrincipalRef } from './principals.js';

/** Per-stage facts the server chose, carried from one step to the next. */
export interface SessionData {
  /** Digit positions of the confirmation password asked on this stage's form (1-based). */
  positions?: number[];
  /** 利用登録/交換: the binding whose current code was verified; the swap must replace exactly it. */
  bindingId?: string;
}

export interface Session<Stage extends string = string> {
  idHash: string;
  institution: string;
  /** The principal: a contract ID, or an operator's login. */
  subject: string;
  stage: Stage;
  data: SessionData;
  csrfToken: string;
  startedAt: number;
  lastSeenAt: number;
}

export interface IssuedSession<Stage extends string = string> {
  token: string; // goes into the cookie, nowhere else
  session: Session<Stage>;
}

export type SessionLookup<Stage extends string = string> = { ok: true; session: Session<Stage> } | { ok: false; reason: 'none' | 'expired' };

/** How long a session lives: idle since the last request, and at most since the first step. */
export interface SessionLifetime {
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
}

type Db = Kysely<Schema> | Transaction<Schema>;

/**
 * Both session tables as one: every column either has, and both principal columns, of which a
 * kind uses the one it names. Queries go through this view so that one code path serves both.
 */
interface StoredSession {
  id_hash: string;
  institution: string;
  contract_id: string;
  login: string;
  stage: string;
  data: string;
  csrf_token: string;
  started_at: number;
  created_at: number;
  last_seen_at: number;
}
type SessionStore = Kysely<Record<PrincipalKind['sessions']['table'], StoredSession>>;

function store(db: Db): SessionStore {
  return db as unknown as SessionStore;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function hashSessionToken(kind: PrincipalKind, token: string): string {
  return createHash('sha256').update(`${kind.tokenHashPrefix}${token}`).digest('hex');
}

function randomToken(randomBytes: RandomBytes): string {
  return Buffer.from(randomBytes(32)).toString('base64url');
}

/**
 * Issues a session at `stage`, replacing `previous` (if any) in the same transaction.
 * `startedAt` carries over from the previous session so the absolute lifetime is not renewed.
 */
export async function issueSession<Stage extends string>(
  trx: Transaction<Schema>,
  kind: PrincipalKind<Stage>,
  input: PrincipalRef & { stage: Stage; data?: SessionData; nowMs: number; randomBytes: RandomBytes; previous?: Session<Stage> },
): Promise<IssuedSession<Stage>> {
  const { table, subject } = kind.sessions;
  if (input.previous) await store(trx).deleteFrom(table).where('id_hash', '=', input.previous.idHash).execute();
  const token = randomToken(input.randomBytes);
  const session: Session<Stage> = {
    idHash: hashSessionToken(kind, token),
    institution: input.institution,
    subject: input.subject,
    stage: input.stage,
    data: input.data ?? {},
    csrfToken: randomToken(input.randomBytes),
    startedAt: input.previous?.startedAt ?? input.nowMs,
    lastSeenAt: input.nowMs,
  };
  await store(trx)
    .insertInto(table)
    .values({
      id_hash: session.idHash,
      institution: session.institution,
      [subject]: session.subject,
      stage: session.stage,
      data: JSON.stringify(session.data),
      csrf_token: session.csrfToken,
      started_at: session.startedAt,
      created_at: input.nowMs,
      last_seen_at: input.nowMs,
    } as unknown as StoredSession)
    .execute();
  return { token, session };
}

/**
 * The live session behind a cookie token AT THIS INSTITUTION, touching `last_seen_at`. An
 * expired session is deleted and reported as such (the login page says so).
 */
export async function findLiveSession<Stage extends string>(
  db: Kysely<Schema>,
  kind: PrincipalKind<Stage>,
  input: { institution: string; token: string | undefined; nowMs: number; lifetime: SessionLifetime },
): Promise<SessionLookup<Stage>> {
  if (input.token === undefined || !TOKEN_SHAPE.test(input.token)) return { ok: false, reason: 'none' };
  const { table, subject } = kind.sessions;
  const idHash = hashSessionToken(kind, input.token);
  const row = await store(db).selectFrom(table).selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!row || row.institution !== input.institution) return { ok: false, reason: 'none' };
  const idleMs = input.lifetime.sessionIdleMinutes * 60_000;
  const absoluteMs = input.lifetime.sessionAbsoluteHours * 3600_000;
  if (input.nowMs - Number(row.last_seen_at) > idleMs || input.nowMs - Number(row.started_at) > absoluteMs) {
    await store(db).deleteFrom(table).where('id_hash', '=', idHash).execute();
    return { ok: false, reason: 'expired' };
  }
  // Touching last_seen_at is bookkeeping of the session itself, not a change the principal made.
  await store(db).updateTable(table).set({ last_seen_at: input.nowMs }).where('id_hash', '=', idHash).execute();
  return {
    ok: true,
    session: {
      idHash: row.id_hash,
      institution: row.institution,
      subject: row[subject],
      stage: row.stage as Stage,
      data: JSON.parse(row.data) as SessionData,
      csrfToken: row.csrf_token,
      startedAt: Number(row.started_at),
      lastSeenAt: input.nowMs,
    },
  };
}

/** Deletes one session; whether it was still there (the branch or a lock may have ended it). */
export async function deleteSession(db: Db, kind: PrincipalKind, idHash: string): Promise<boolean> {
  const result = await store(db).deleteFrom(kind.sessions.table).where('id_hash', '=', idHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Ends every session of a principal (a lock, a suspension, a password change, a token reissue
 * or reset), in the caller's transaction. With `note`, each ended session's cookie is told why
 * at its next request (findSessionEndNote); notes are kept for customers' sessions only.
 * Returns how many sessions ended.
 */
export async function endSessionsOf(
  db: Db,
  kind: PrincipalKind,
  principal: PrincipalRef,
  note?: { cause: SessionEndCause; nowMs: number },
): Promise<number> {
  const { table, subject } = kind.sessions;
  if (note) {
    if (kind.name !== 'customer') throw new TypeError('session-end notes are kept for customers only');
    const ended = await store(db).selectFrom(table).select('id_hash').where('institution', '=', principal.institution).where(subject, '=', principal.subject).execute();
    for (const { id_hash } of ended) {
      await db
        .insertInto('session_end_notices')
        .values({ id_hash, institution: principal.institution, contract_id: principal.subject, cause: note.cause, ended_at: note.nowMs })
        .onConflict((oc) => oc.column('id_hash').doUpdateSet({ cause: note.cause, ended_at: note.nowMs }))
        .execute();
    }
  }
  const result = await store(db).deleteFrom(table).where('institution', '=', principal.institution).where(subject, '=', principal.subject).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Notes older than the longest session lifetime can no longer meet a live cookie. */
export const SESSION_END_NOTICE_TTL_MS = 24 * 3600_000;

/** Why the branch ended the session behind this cookie token, if it did (and recently). */
export async function findSessionEndNote(
  db: Kysely<Schema>,
  kind: PrincipalKind,
  input: { institution: string; token: string | undefined; nowMs: number },
): Promise<SessionEndCause | undefined> {
  if (kind.name !== 'customer' || input.token === undefined || !TOKEN_SHAPE.test(input.token)) return undefined;
  const row = await db
    .selectFrom('session_end_notices')
    .select(['cause', 'institution', 'ended_at'])
    .where('id_hash', '=', hashSessionToken(kind, input.token))
    .executeTakeFirst();
  if (!row || row.institution !== input.institution || input.nowMs - Number(row.ended_at) > SESSION_END_NOTICE_TTL_MS) return undefined;
  return row.cause;
}

/** Deletes one kind's sessions past either lifetime; for a periodic sweep (src/jobs). */
export async function deleteExpiredSessions(db: Kysely<Schema>, kind: PrincipalKind, input: { nowMs: number; idleMs: number; absoluteMs: number }): Promise<number> {
  const result = await store(db)
    .deleteFrom(kind.sessions.table)
    .where((eb) => eb.or([eb('last_seen_at', '<', input.nowMs - input.idleMs), eb('started_at', '<', input.nowMs - input.absoluteMs)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes session-end notes past their time; for the same sweep. */
export async function pruneSessionEndNotes(db: Kysely<Schema>, nowMs: number): Promise<number> {
  const result = await db.deleteFrom('session_end_notices').where('ended_at', '<', nowMs - SESSION_END_NOTICE_TTL_MS).executeTakeFirst();
  return Number(result.numDeletedRows);
}
