// One step of a sign-in (password → one-time code or enrolment → signed in, or a forced
// password change between them) moves the principal to a new stage under a NEW session id, in
// one transaction that first holds the principal's row while it may still sign in. Rows are
// taken in one order — the principal's row, then its sessions, then the audit chain's head —
// so that a sign-in and a lock, a suspension or a logout at the same moment queue on PostgreSQL
// instead of deadlocking.
import { sql, type Kysely, type Transaction } from 'kysely';
import { appendAudit, type AuditEntry } from '../audit/audit-log.js';
import type { Schema } from '../db/schema.js';
import type { RandomBytes } from '../shared/clock.js';
import type { PrincipalKind, PrincipalRef } from './principals.js';
import { deleteSession, issueSession, type IssuedSession, type Session, type SessionData } from './sessions.js';

/** What must still hold of the principal's row when its next session is issued. */
export interface SignInHold {
  /** Wrong passwords counted must stay below this (the password lock). */
  passwordLockThreshold: number;
  /** After a right one-time code: wrong codes counted must stay below this too (the OTP lock). */
  otpLockThreshold?: number;
  /** Right after the password check: the hash it verified (the password must still be it). */
  passwordHash?: string;
  /** Customers: the contract must still be active (not suspended). */
  active?: boolean;
}

/**
 * Inside the transaction that issues a session: holds the principal's row (a compare-and-set
 * write that changes nothing) while it may sign in. A suspension, a lock or a password reset
 * or change that came first (after the request checked the password or the code) makes it
 * false: issue nothing. One arriving at the same moment waits for this transaction, so that its
 * ending of every session of the principal sees the one issued here.
 */
export async function holdWhileSignInAllowed(trx: Transaction<Schema>, kind: PrincipalKind, principal: PrincipalRef, hold: SignInHold): Promise<boolean> {
  const { table, subject, passwordHash } = kind.row;
  const rows = trx as unknown as Kysely<Record<typeof table, Record<string, unknown>>>;
  const result = await rows
    .updateTable(table)
    .set({ [subject]: sql.ref(subject) })
    .where('institution', '=', principal.institution)
    .where(subject, '=', principal.subject)
    .where('password_failures', '<', hold.passwordLockThreshold)
    .$if(hold.active === true, (qb) => qb.where('status', '=', 'active'))
    .$if(hold.otpLockThreshold !== undefined, (qb) => qb.where('otp_failures', '<', hold.otpLockThreshold!))
    .$if(hold.passwordHash !== undefined, (qb) => qb.where(passwordHash, '=', hold.passwordHash!))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export type StepUpInput<Stage extends string> = PrincipalRef & {
  stage: Stage;
  data?: SessionData;
  hold: SignInHold;
  nowMs: number;
  randomBytes: RandomBytes;
  /** Written with the new session, its actor the principal. */
  audit?: Omit<AuditEntry, 'chain' | 'at' | 'actor' | 'subject'>;
  /** More of the principal's row to write in the same transaction, after the hold (e.g. when it last signed in). */
  alsoOnRow?: (trx: Transaction<Schema>) => Promise<void>;
  /**
   * More to write once the new session is issued, before the audit record (only if it is: a
   * notice of the sign-in, the browser it came from) — after the row and the sessions, before
   * the audit head, the one order of locks.
   */
  withIssued?: (trx: Transaction<Schema>) => Promise<void>;
} & (
    | {
        /** The session of the step before, which proved what this one builds on: it must still be live. */
        previous: Session<Stage>;
        replacing?: never;
      }
    | {
        /** This browser's session of before, if any (a new sign-in): replaced, whatever became of it. */
        replacing?: Session<Stage>;
        previous?: never;
      }
  );

/**
 * Moves to a new stage under a NEW session id (the old row goes in the same transaction).
 * Undefined, and nothing issued, when since the request checked it the principal was suspended
 * or locked, its password was reset or changed, or the session of the step before was ended:
 * all of those end every session, and one issued after them would outlive them.
 */
export async function stepUp<Stage extends string>(db: Kysely<Schema>, kind: PrincipalKind<Stage>, input: StepUpInput<Stage>): Promise<IssuedSession<Stage> | undefined> {
  const principal = { institution: input.institution, subject: input.subject };
  return db.transaction().execute(async (trx) => {
    if (!(await holdWhileSignInAllowed(trx, kind, principal, input.hold))) return undefined;
    await input.alsoOnRow?.(trx);
    if (input.previous && !(await deleteSession(trx, kind, input.previous.idHash))) return undefined;
    const previous = input.previous ?? input.replacing;
    const issued = await issueSession(trx, kind, {
      ...principal,
      stage: input.stage,
      nowMs: input.nowMs,
      randomBytes: input.randomBytes,
      ...(input.data ? { data: input.data } : {}),
      ...(previous ? { previous } : {}),
    });
    await input.withIssued?.(trx);
    if (input.audit) {
      await appendAudit(trx, { ...input.audit, chain: input.institution, at: input.nowMs, actor: kind.actor(input.subject), subject: input.subject });
    }
    return issued;
  });
}
