// The 「心当たりがない」 reports (sign-in-reports.tables.ts): written by the customer's report
// (report-sign-in.ts) in the suspending transaction, resolved when the branch resumes the
// contract (customer-actions.ts), and listed first on the console's customer list while open.
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { SignInEnvironment } from '../shared/sign-in-environment.js';

/** What stands for the written request when the customer suspends their own contract. */
export interface CustomerReport {
  reportId: string;
}

export interface SignInReport {
  id: string;
  contractId: string;
  name: string;
  reportedAt: number;
  signInSeq: number;
  signInAt: number;
  signInAction: string;
  environment: SignInEnvironment;
  resolvedAt: number | null;
}

export async function insertSignInReport(
  trx: Transaction<Schema>,
  input: { id: string; institution: string; contractId: string; nowMs: number; signIn: { seq: number; at: number; action: string; environment: SignInEnvironment } },
): Promise<void> {
  const { signIn } = input;
  await trx
    .insertInto('sign_in_reports')
    .values({
      id: input.id,
      institution: input.institution,
      contract_id: input.contractId,
      reported_at: input.nowMs,
      sign_in_seq: signIn.seq,
      sign_in_at: signIn.at,
      sign_in_action: signIn.action,
      browser: signIn.environment.browser,
      os: signIn.environment.os,
      masked_address: signIn.environment.address,
      resolved_at: null,
    })
    .execute();
}

/** The contract's open reports are resolved (its resumption, in the resuming transaction). */
export async function resolveSignInReports(trx: Transaction<Schema>, input: { institution: string; contractId: string; nowMs: number }): Promise<void> {
  await trx
    .updateTable('sign_in_reports')
    .set({ resolved_at: input.nowMs })
    .where('institution', '=', input.institution)
    .where('contract_id', '=', input.contractId)
    .where('resolved_at', 'is', null)
    .execute();
}

/** How many open reports the console's list shows at its top, newest first. */
export const OPEN_REPORTS_SHOWN = 50;

/** The institution's open reports (or one contract's, every one), newest first. */
export async function listSignInReports(db: Kysely<Schema>, input: { institution: string; contractId?: string }): Promise<SignInReport[]> {
  let query = db
    .selectFrom('sign_in_reports as r')
    .innerJoin('customers as c', (join) => join.onRef('c.institution', '=', 'r.institution').onRef('c.contract_id', '=', 'r.contract_id'))
    .select(['r.id', 'r.contract_id', 'c.name', 'r.reported_at', 'r.sign_in_seq', 'r.sign_in_at', 'r.sign_in_action', 'r.browser', 'r.os', 'r.masked_address', 'r.resolved_at'])
    .where('r.institution', '=', input.institution);
  query = input.contractId === undefined ? query.where('r.resolved_at', 'is', null) : query.where('r.contract_id', '=', input.contractId);
  const rows = await query.orderBy('r.reported_at', 'desc').orderBy('r.id').limit(OPEN_REPORTS_SHOWN).execute();
  return rows.map((r) => ({
    id: r.id,
    contractId: r.contract_id,
    name: r.name,
    reportedAt: Number(r.reported_at),
    signInSeq: Number(r.sign_in_seq),
    signInAt: Number(r.sign_in_at),
    signInAction: r.sign_in_action,
    environment: { browser: r.browser, os: r.os, address: r.masked_address },
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
  }));
}
