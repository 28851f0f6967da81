// What each branch action does to a customer, inside the caller's transaction: the preconditions
// are read again there and every write is a compare-and-set on the state they were read from,
// so an approval given after the facts changed (someone else unlocked meanwhile, the customer
// registered a new token) changes nothing. Each change carries its audit record, naming the
// written request, the reason and — for maker-checker actions — the proposal and its maker.
//
// These operate on the bank site's tables (customers, transfer_limits) directly, because the
// banking functions that exist open transactions of their own and an approval must be ONE
// transaction (see the report of issue 6 for what to reconcile). Sessions end through the
// identity core (src/identity), with a note that tells the customer's next click why.
import type { Transaction } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { AuditAction } from '../audit/audit-actions.js';
import { isOtpLocked, isPasswordLocked } from '../banking/fail-counters.js';
import type { Customer } from '../banking/customers.js';
import type { InstitutionPolicy } from '../banking/institution-policy.js';
import { getDailyLimit, LIMIT_UNIT_YEN, MAX_DAILY_LIMIT_YEN } from '../banking/limits/daily-limit.js';
import { readDayCap, type DayCap } from '../banking/limits/limit-shaping.js';
import { setNotificationAddress } from '../banking/notification-address.js';
import type { Schema } from '../db/schema.js';
import { requirePasswordChange } from '../identity/password-change-requirement.js';
import { CUSTOMER } from '../identity/principals.js';
import { endSessionsOf } from '../identity/sessions.js';
import { enqueueNotification } from '../notifications/enqueue-notification.js';
import { needsSecondPerson, type CustomerActionKind } from './permissions.js';
import { resolveSignInReports, type CustomerReport } from './sign-in-report-store.js';
import type { WrittenRequest } from './written-request.js';

export type ActionRequest =
  | { kind: Exclude<CustomerActionKind, 'change_limit' | 'change_email'> }
  | { kind: 'change_limit'; newLimitYen: number }
  // メールアドレス変更: the address of the written request, checked by checkEmailAddress.
  | { kind: 'change_email'; newEmail: string };

export type PreconditionProblem =
  | 'customer_not_found'
  | 'not_otp_locked'
  | 'not_password_locked'
  | 'no_token'
  | 'already_suspended'
  | 'not_suspended'
  | 'limit_unchanged'
  | 'limit_not_whole_units'
  | 'limit_above_maximum'
  | 'limit_raise_needs_token'
  | 'email_unchanged'
  | 'no_limit_cap';

export interface CustomerState {
  customer: Customer;
  currentLimitYen: number;
  /** The cap after an opening or a token registration (limit-shaping.ts), while it holds. */
  dayCap: DayCap | null;
}

/** Why `request` cannot be done to the customer as they are now; undefined when it can. */
export function preconditionProblem(state: CustomerState, request: ActionRequest, policy: InstitutionPolicy): PreconditionProblem | undefined {
  const { customer } = state;
  switch (request.kind) {
    case 'unlock_otp':
      return isOtpLocked(customer, policy) ? undefined : 'not_otp_locked';
    case 'unlock_password':
      return isPasswordLocked(customer, policy) ? undefined : 'not_password_locked';
    case 'reissue_token':
      return customer.token_binding_id !== null ? undefined : 'no_token';
    case 'suspend':
      return customer.status === 'active' ? undefined : 'already_suspended';
    case 'resume':
      return customer.status === 'suspended' ? undefined : 'not_suspended';
    case 'reset_password':
      return undefined;
    case 'change_email':
      return customer.email === request.newEmail ? 'email_unchanged' : undefined;
    case 'lift_limit_cap':
      return state.dayCap === null ? 'no_limit_cap' : undefined;
    case 'change_limit': {
      const next = request.newLimitYen;
      if (!Number.isSafeInteger(next) || next < 0 || next % LIMIT_UNIT_YEN !== 0) return 'limit_not_whole_units';
      if (next > MAX_DAILY_LIMIT_YEN) return 'limit_above_maximum';
      if (next === state.currentLimitYen) return 'limit_unchanged';
      // DESIGN §4: above the no-token ceiling only with a registered token.
      if (next > state.currentLimitYen && next > policy.dailyLimitWithoutTokenYen && customer.token_binding_id === null) return 'limit_raise_needs_token';
      return undefined;
    }
  }
}

export async function readCustomerState(
  trx: Transaction<Schema>,
  input: { institution: string; contractId: string; policy: InstitutionPolicy; nowMs: number },
): Promise<CustomerState | undefined> {
  const customer = await trx
    .selectFrom('customers')
    .selectAll()
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .executeTakeFirst();
  if (!customer) return undefined;
  const [currentLimitYen, dayCap] = await Promise.all([
    getDailyLimit(trx, { ...input, defaultLimitYen: input.policy.dailyLimitDefaultYen }),
    readDayCap(trx, input),
  ]);
  return { customer, currentLimitYen, dayCap };
}

export interface ActionContext {
  institution: string;
  contractId: string;
  policy: InstitutionPolicy;
  nowMs: number;
  /** The operator who carries the action out (the approver of a proposal). */
  actor: string;
  /** The branch's written request — or, for a suspension only, the customer's own 「心当たりがない」 (sign-in-reports.ts). */
  written: WrittenRequest | CustomerReport;
  proposal?: { id: string; proposedBy: string };
}

export type ApplyOutcome =
  | { ok: true; kind: CustomerActionKind; endedSessions: number; bindingIdToUnbind?: string }
  | { ok: false; reason: PreconditionProblem | 'changed_meanwhile' | 'needs_second_person' };

/**
 * Does `request` in `trx`. `newPasswordHash` (argon2id, computed before the transaction) is
 * required for reset_password and must not be given otherwise.
 */
export async function applyCustomerAction(
  trx: Transaction<Schema>,
  ctx: ActionContext,
  request: ActionRequest,
  extra: { newPasswordHash?: string } = {},
): Promise<ApplyOutcome> {
  if ((request.kind === 'reset_password') !== (extra.newPasswordHash !== undefined)) {
    throw new TypeError('newPasswordHash is given exactly for reset_password');
  }
  const state = await readCustomerState(trx, ctx);
  if (!state) return { ok: false, reason: 'customer_not_found' };
  const problem = preconditionProblem(state, request, ctx.policy);
  if (problem !== undefined) return { ok: false, reason: problem };
  // Decided here, on the state this transaction writes to: without an approved proposal, only
  // what needs no second person may be done (a limit lowered meanwhile turns a cut into a raise).
  const secondPerson = needsSecondPerson(request, { currentLimitYen: state.currentLimitYen, secondPersonAboveYen: ctx.policy.dailyLimitWithoutTokenYen });
  if (secondPerson && ctx.proposal === undefined) return { ok: false, reason: 'needs_second_person' };
  // Only a suspension is done without the branch's written request (the customer's own report).
  if (!('requestFormNo' in ctx.written) && request.kind !== 'suspend') throw new TypeError('only a suspension may be done on a customer report');
  const { customer } = state;
  const where = { institution: ctx.institution, contractId: ctx.contractId };
  const principal = { institution: ctx.institution, subject: ctx.contractId };
  const details: Record<string, string | number | boolean | null> = {
    ...('requestFormNo' in ctx.written ? { requestFormNo: ctx.written.requestFormNo, reason: ctx.written.reason } : { reportedByCustomer: true, reportId: ctx.written.reportId }),
    ...(ctx.proposal ? { proposalId: ctx.proposal.id, proposedBy: ctx.proposal.proposedBy } : {}),
  };
  const audit = (action: AuditAction, more: Record<string, string | number | boolean | null> = {}) =>
    appendAudit(trx, { chain: ctx.institution, at: ctx.nowMs, actor: ctx.actor, action, subject: ctx.contractId, details: { ...details, ...more } });
  const customers = () => trx.updateTable('customers').where('institution', '=', where.institution).where('contract_id', '=', where.contractId);
  const changed = (result: { numUpdatedRows: bigint }) => Number(result.numUpdatedRows) > 0;

  switch (request.kind) {
    case 'unlock_otp': {
      const result = await customers()
        .set({ otp_failures: 0, updated_at: ctx.nowMs })
        .where('otp_failures', '>=', ctx.policy.otpLockThreshold)
        .executeTakeFirst();
      if (!changed(result)) return { ok: false, reason: 'changed_meanwhile' };
      await audit('otp_unlocked', { failures: customer.otp_failures });
      return { ok: true, kind: request.kind, endedSessions: 0 };
    }
    case 'unlock_password': {
      const result = await customers()
        .set({ password_failures: 0, updated_at: ctx.nowMs })
        .where('password_failures', '>=', ctx.policy.passwordLockThreshold)
        .executeTakeFirst();
      if (!changed(result)) return { ok: false, reason: 'changed_meanwhile' };
      await audit('password_unlocked', { failures: customer.password_failures });
      return { ok: true, kind: request.kind, endedSessions: 0 };
    }
    case 'reissue_token': {
      const bindingId = customer.token_binding_id!;
      const blockedUntil = ctx.nowMs + ctx.policy.reissueWaitMinutes * 60_000;
      const result = await customers()
        .set({
          token_binding_id: null,
          token_serial: null,
          token_kind: null,
          token_registered_at: null,
          token_deregistered_at: ctx.nowMs,
          registration_blocked_until: blockedUntil,
          updated_at: ctx.nowMs,
        })
        .where('token_binding_id', '=', bindingId)
        .executeTakeFirst();
      if (!changed(result)) return { ok: false, reason: 'changed_meanwhile' };
      const endedSessions = await endSessionsOf(trx, CUSTOMER, principal, { cause: 'token_reissued', nowMs: ctx.nowMs });
      await audit('token_reissued', { serial: customer.token_serial, registrationBlockedUntil: blockedUntil, endedSessions });
      await enqueueNotification(trx, { ...where, atMs: ctx.nowMs, event: { kind: 'token_reissued', serial: customer.token_serial } });
      return { ok: true, kind: request.kind, endedSessions, bindingIdToUnbind: bindingId };
    }
    case 'suspend': {
      const result = await customers().set({ status: 'suspended', updated_at: ctx.nowMs }).where('status', '=', 'active').executeTakeFirst();
      if (!changed(result)) return { ok: false, reason: 'changed_meanwhile' };
      const endedSessions = await endSessionsOf(trx, CUSTOMER, principal, { cause: 'suspended', nowMs: ctx.nowMs });
      await audit('customer_suspended', { endedSessions });
      await enqueueNotification(trx, { ...where, atMs: ctx.nowMs, event: { kind: 'suspended' } });
      return { ok: true, kind: request.kind, endedSessions };
    }
    case 'resume': {
      const result = await customers().set({ status: 'active', updated_at: ctx.nowMs }).where('status', '=', 'suspended').executeTakeFirst();
      if (!changed(result)) return { ok: false, reason: 'changed_meanwhile' };
      await resolveSignInReports(trx, { ...where, nowMs: ctx.nowMs });
      await audit('customer_resumed');
      await enqueueNotification(trx, { ...where, atMs: ctx.nowMs, event: { kind: 'resumed' } });
      return { ok: true, kind: request.kind, endedSessions: 0 };
    }
    case 'reset_password': {
      // The reset password replaces a forgotten one, so a password lock ends with it.
      const result = await customers()
        .set({ login_password_hash: extra.newPasswordHash!, password_failures: 0, updated_at: ctx.nowMs })
        .where('login_password_hash', '=', customer.login_password_hash)
        .executeTakeFirst();
      if (!changed(result)) return { ok: false, reason: 'changed_meanwhile' };
      await requirePasswordChange(trx, { ...where, cause: 'reset', nowMs: ctx.nowMs });
      const endedSessions = await endSessionsOf(trx, CUSTOMER, principal, { cause: 'password_reset', nowMs: ctx.nowMs });
      await audit('login_password_reset', { endedSessions, changeRequired: true });
      return { ok: true, kind: request.kind, endedSessions };
    }
    case 'change_email': {
      // Compare-and-set on the address read above; a change the customer had under way goes.
      const set = await setNotificationAddress(trx, { ...where, address: request.newEmail, expectedPrevious: customer.email, nowMs: ctx.nowMs, actor: ctx.actor, details });
      if (!set) return { ok: false, reason: 'changed_meanwhile' };
      return { ok: true, kind: request.kind, endedSessions: 0 };
    }
    case 'lift_limit_cap': {
      // Compare-and-set on the registration read: a token registered since the request starts
      // a cap of its own, which this written request did not ask to lift.
      const registeredAt = customer.token_registered_at;
      const result = await customers()
        .set({ updated_at: ctx.nowMs })
        .where((eb) => (registeredAt === null ? eb('token_registered_at', 'is', null) : eb('token_registered_at', '=', registeredAt)))
        .executeTakeFirst();
      if (!changed(result)) return { ok: false, reason: 'changed_meanwhile' };
      // (A customer report reaches only a suspension: the check above threw otherwise.)
      const lift = { lifted_at: ctx.nowMs, lifted_by: ctx.actor, request_form_no: 'requestFormNo' in ctx.written ? ctx.written.requestFormNo : '' };
      await trx
        .insertInto('limit_cap_lifts')
        .values({ institution: ctx.institution, contract_id: ctx.contractId, ...lift })
        .onConflict((oc) => oc.columns(['institution', 'contract_id']).doUpdateSet(lift))
        .execute();
      const cap = state.dayCap!;
      await audit('limit_cap_lifted', { since: cap.since, capYen: cap.capYen, untilMs: cap.untilMs });
      return { ok: true, kind: request.kind, endedSessions: 0 };
    }
    case 'change_limit': {
      const next = request.newLimitYen;
      await trx
        .insertInto('transfer_limits')
        .values({ institution: ctx.institution, contract_id: ctx.contractId, daily_limit_yen: next, updated_at: ctx.nowMs })
        // The branch's change, on a written request, is in force at once and replaces a raise
        // the customer left pending (issue 14 §5).
        .onConflict((oc) => oc.columns(['institution', 'contract_id']).doUpdateSet({ daily_limit_yen: next, pending_limit_yen: null, pending_from_ms: null, updated_at: ctx.nowMs }))
        .execute();
      await audit(next > state.currentLimitYen ? 'daily_limit_raised' : 'daily_limit_lowered', { fromYen: state.currentLimitYen, toYen: next });
      await enqueueNotification(trx, { ...where, atMs: ctx.nowMs, event: { kind: 'limit_changed', fromYen: state.currentLimitYen, toYen: next, by: 'branch' } });
      return { ok: true, kind: request.kind, endedSessions: 0 };
    }
  }
}
