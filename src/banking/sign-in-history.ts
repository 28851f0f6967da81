// ログイン履歴 and 前回ログイン日時 (issue 14 §3), read from what is already recorded: the audit
// log's records of the contract — each completed sign-in (`signed_in`) and each wrong password
// or code counted against it (`password_failed`, `otp_failed`, and the one that locked:
// `password_locked`, `otp_locked`) — whose details carry where the attempt came from
// (src/shared/sign-in-environment.ts; records written before issue 14 have none). Always read
// by (institution, contract): never another contract's.
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { environmentFromDetails, type SignInEnvironment } from '../shared/sign-in-environment.js';

/** The history lists this many of the newest entries … */
export const HISTORY_LIMIT = 30;
/** … this many to a page. */
export const HISTORY_PAGE_SIZE = 10;
export const HISTORY_PAGES = Math.ceil(HISTORY_LIMIT / HISTORY_PAGE_SIZE);

export type SignInResult = 'success' | 'wrong_password' | 'wrong_code' | 'locked';
/** How the sign-in was (to be) made; passkeys join with their issue. */
export type SignInMethod = 'password_otp' | 'password';

export interface SignInHistoryEntry {
  /** The audit record's sequence number in the institution's chain: the entry's id. */
  seq: number;
  at: number;
  action: string;
  result: SignInResult;
  method: SignInMethod;
  /** Where a failure was made: 'login', or the form of 利用開始 ('register'), 利用中止, 交換, a transfer… */
  path: string;
  environment: SignInEnvironment | undefined;
}

const HISTORY_ACTIONS = ['signed_in', 'password_failed', 'password_locked', 'otp_failed', 'otp_locked'] as const;
type HistoryAction = (typeof HISTORY_ACTIONS)[number];

function entryOf(row: { seq: number | string | bigint; at: number | string | bigint; action: string; details: string }): SignInHistoryEntry {
  const details = JSON.parse(row.details) as Record<string, unknown>;
  const action = row.action as HistoryAction;
  const { result, method } = (
    {
      signed_in: { result: 'success', method: details.otp === true ? 'password_otp' : 'password' },
      password_failed: { result: 'wrong_password', method: 'password' },
      password_locked: { result: 'locked', method: 'password' },
      otp_failed: { result: 'wrong_code', method: 'password_otp' },
      otp_locked: { result: 'locked', method: 'password_otp' },
    } as const satisfies Record<HistoryAction, { result: SignInResult; method: SignInMethod }>
  )[action];
  return {
    seq: Number(row.seq),
    at: Number(row.at),
    action,
    result,
    method,
    path: typeof details.path === 'string' ? details.path : 'login',
    environment: environmentFromDetails(details),
  };
}

/**
 * The forms whose wrong answers are failed sign-ins: the login and the first steps of 利用開始,
 * 利用中止 and 利用登録/交換 (each asks the login password before any session). A wrong code at
 * a transfer or another signed-in page is not: the customer was already signed in.
 */
export const SIGN_IN_PATHS = ['login', 'register', 'deregister', 'exchange'] as const;

function historyRows(db: Kysely<Schema>, input: { institution: string; contractId: string }, actions: readonly HistoryAction[]) {
  return db
    .selectFrom('audit_log')
    .select(['seq', 'at', 'action', 'details'])
    .where('chain', '=', input.institution)
    .where('subject', '=', input.contractId)
    .where('actor', '=', `customer:${input.contractId}`)
    .where('action', 'in', actions)
    // The details are canonical JSON (sorted keys, no spaces: audit-log.ts), so a path is this exact text.
    .where((eb) => eb.or([eb('action', '=', 'signed_in'), ...SIGN_IN_PATHS.map((path) => eb('details', 'like', `%"path":"${path}"%`))]));
}

/** The contract's newest sign-ins and failed attempts, newest first (at most HISTORY_LIMIT). */
export async function readSignInHistory(db: Kysely<Schema>, input: { institution: string; contractId: string }): Promise<SignInHistoryEntry[]> {
  const rows = await historyRows(db, input, HISTORY_ACTIONS).orderBy('seq', 'desc').limit(HISTORY_LIMIT).execute();
  return rows.map(entryOf);
}

/** One entry of the contract's history by its id; undefined for another contract's record, or one of another kind. */
export async function findSignInHistoryEntry(db: Kysely<Schema>, input: { institution: string; contractId: string; seq: number }): Promise<SignInHistoryEntry | undefined> {
  if (!Number.isSafeInteger(input.seq) || input.seq < 1) return undefined;
  const row = await historyRows(db, input, HISTORY_ACTIONS).where('seq', '=', input.seq).executeTakeFirst();
  return row && entryOf(row);
}

/**
 * 前回ログイン日時: the newest sign-in from before `beforeMs` — the start of the customer's own
 * session (its password step), so that neither this sign-in nor one another browser completes
 * meanwhile is shown as the previous one; undefined when there was none.
 */
export async function previousSignIn(db: Kysely<Schema>, input: { institution: string; contractId: string; beforeMs: number }): Promise<SignInHistoryEntry | undefined> {
  const row = await historyRows(db, input, ['signed_in']).where('at', '<', input.beforeMs).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row && entryOf(row);
}
