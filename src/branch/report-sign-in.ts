// 「心当たりがない」 (issue 14 §4): the customer reports that a sign-in (or a failed attempt) of
// their contract on ログイン履歴 was not theirs. In ONE transaction the contract is suspended
// exactly as the branch's 利用一時停止 does it (applyCustomerAction: every live session ends with
// the `suspended` note, so the next click lands on the suspension notice; audited; the customer
// is mailed), the report is recorded with the sign-in it names, for the console's list, and its
// own audit record written. No one-time password is asked: a customer whose token is in a
// thief's hands must still be able to press it. Resumption stays the branch's written request
// with maker-checker, which resolves the report.
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { InstitutionPolicy } from '../banking/institution-policy.js';
import { newId, transactOutcome } from '../banking/ledger/transact.js';
import { findSignInHistoryEntry } from '../banking/sign-in-history.js';
import type { Schema } from '../db/schema.js';
import type { RandomBytes } from '../shared/clock.js';
import { UNKNOWN_ADDRESS, UNKNOWN_FAMILY } from '../shared/sign-in-environment.js';
import { applyCustomerAction } from './customer-actions.js';
import { insertSignInReport } from './sign-in-report-store.js';

export type ReportOutcome =
  | { ok: true; reportId: string; endedSessions: number }
  // The entry is not one of the contract's history (another contract's, or no such record);
  // or the contract is no longer active (suspended meanwhile, by the branch or another report).
  | { ok: false; reason: 'entry_not_found' | 'not_active' };

export async function reportSignInNotMine(
  db: Kysely<Schema>,
  deps: { nowMs: () => number; randomBytes: RandomBytes },
  input: { institution: string; contractId: string; policy: InstitutionPolicy; signInSeq: number },
): Promise<ReportOutcome> {
  const reportId = newId(deps.randomBytes, 'rpt');
  const nowMs = deps.nowMs();
  const actor = `customer:${input.contractId}`;
  return transactOutcome(db, async (trx): Promise<ReportOutcome> => {
    const entry = await findSignInHistoryEntry(trx, { institution: input.institution, contractId: input.contractId, seq: input.signInSeq });
    if (!entry) return { ok: false, reason: 'entry_not_found' };
    const suspended = await applyCustomerAction(trx, { institution: input.institution, contractId: input.contractId, policy: input.policy, nowMs, actor, written: { reportId } }, { kind: 'suspend' });
    if (!suspended.ok) return { ok: false, reason: 'not_active' };
    const environment = entry.environment ?? { browser: UNKNOWN_FAMILY, os: UNKNOWN_FAMILY, address: UNKNOWN_ADDRESS };
    await insertSignInReport(trx, { id: reportId, institution: input.institution, contractId: input.contractId, nowMs, signIn: { seq: entry.seq, at: entry.at, action: entry.action, environment } });
    await appendAudit(trx, {
      chain: input.institution,
      at: nowMs,
      actor,
      action: 'sign_in_reported',
      subject: input.contractId,
      details: { reportId, signInSeq: entry.seq, signInAt: entry.at, signInAction: entry.action, browser: environment.browser, os: environment.os, maskedAddress: environment.address },
    });
    return { ok: true, reportId, endedSessions: suspended.endedSessions };
  });
}
