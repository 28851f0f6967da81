// Maker-checker proposals: a teller (the maker) proposes an action on a customer; a supervisor
// who is not the maker (the checker) approves or rejects it. Stored per institution; every read
// and write names the institution, so one institution's proposals are invisible to another's.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import { isUniqueViolation, newId } from '../banking/ledger/transact.js';
import type { Schema } from '../db/schema.js';
import { maskEmailAddress } from '../notifications/masking.js';
import type { RandomBytes } from '../shared/clock.js';
import type { ProposalKind, ProposalStatus, ProposalTable } from './branch.tables.js';
import type { ActionRequest } from './customer-actions.js';
import { operatorActor } from './operators.js';
import type { WrittenRequest } from './written-request.js';

type Db = Kysely<Schema> | Transaction<Schema>;

export interface Proposal {
  id: string;
  institution: string;
  contractId: string;
  request: ActionRequest & { kind: ProposalKind };
  written: WrittenRequest;
  status: ProposalStatus;
  proposedBy: string;
  proposedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionNote: string | null;
}

export const PROPOSAL_ID_PATTERN = /^prp_[0-9a-f]{32}$/;

export function proposalFromRow(row: Selectable<ProposalTable>): Proposal {
  const params = JSON.parse(row.params) as { newLimitYen?: number; newEmail?: string };
  const request = (
    row.kind === 'change_limit'
      ? { kind: 'change_limit', newLimitYen: Number(params.newLimitYen) }
      : row.kind === 'change_email'
        ? { kind: 'change_email', newEmail: String(params.newEmail) }
        : { kind: row.kind }
  ) as Proposal['request'];
  return {
    id: row.id,
    institution: row.institution,
    contractId: row.contract_id,
    request,
    written: { requestFormNo: row.request_form_no, reason: row.reason },
    status: row.status,
    proposedBy: row.proposed_by,
    proposedAt: Number(row.proposed_at),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    decisionNote: row.decision_note,
  };
}

export type CreateProposalResult = { ok: true; proposal: Proposal } | { ok: false; reason: 'already_pending' };

/** Inserts a pending proposal with its audit record (one pending per customer and kind). */
export async function createProposal(
  db: Kysely<Schema>,
  deps: { nowMs: number; randomBytes: RandomBytes },
  input: { institution: string; contractId: string; request: ActionRequest & { kind: ProposalKind }; written: WrittenRequest; proposedBy: string },
): Promise<CreateProposalResult> {
  const id = newId(deps.randomBytes, 'prp');
  const params: Record<string, number | string> =
    input.request.kind === 'change_limit' ? { newLimitYen: input.request.newLimitYen } : input.request.kind === 'change_email' ? { newEmail: input.request.newEmail } : {};
  // The audit record names the address masked only (an address is never in a log).
  const audited = input.request.kind === 'change_email' ? { newEmail: maskEmailAddress(input.request.newEmail) } : params;
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('branch_proposals')
        .values({
          id,
          institution: input.institution,
          contract_id: input.contractId,
          kind: input.request.kind,
          params: JSON.stringify(params),
          request_form_no: input.written.requestFormNo,
          reason: input.written.reason,
          status: 'pending',
          proposed_by: input.proposedBy,
          proposed_at: deps.nowMs,
          decided_by: null,
          decided_at: null,
          decision_note: null,
        })
        .execute();
      await appendAudit(trx, {
        chain: input.institution,
        at: deps.nowMs,
        actor: operatorActor(input.proposedBy),
        action: 'branch_proposal_created',
        subject: input.contractId,
        details: { proposalId: id, kind: input.request.kind, requestFormNo: input.written.requestFormNo, reason: input.written.reason, ...audited },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: 'already_pending' };
    throw error;
  }
  const proposal = await findProposal(db, input.institution, id);
  if (!proposal) throw new Error('proposal vanished after insert');
  return { ok: true, proposal };
}

export async function findProposal(db: Db, institution: string, id: string): Promise<Proposal | undefined> {
  if (!PROPOSAL_ID_PATTERN.test(id)) return undefined;
  const row = await db.selectFrom('branch_proposals').selectAll().where('institution', '=', institution).where('id', '=', id).executeTakeFirst();
  return row ? proposalFromRow(row) : undefined;
}

export async function listProposals(
  db: Db,
  input: { institution: string; status?: ProposalStatus; contractId?: string; limit?: number },
): Promise<Proposal[]> {
  let query = db.selectFrom('branch_proposals').selectAll().where('institution', '=', input.institution);
  if (input.status !== undefined) query = query.where('status', '=', input.status);
  if (input.contractId !== undefined) query = query.where('contract_id', '=', input.contractId);
  const rows = await query.orderBy('proposed_at', 'desc').orderBy('id').limit(input.limit ?? 100).execute();
  return rows.map(proposalFromRow);
}

export async function countPendingProposals(db: Db, institution: string): Promise<number> {
  const row = await db
    .selectFrom('branch_proposals')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('institution', '=', institution)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Moves a pending proposal to `status` by `decider`, compare-and-set: exactly one decision wins,
 * and never the maker's own (also a CHECK constraint of the table).
 */
export async function claimProposalDecision(
  trx: Transaction<Schema>,
  input: { institution: string; id: string; decider: string; status: 'approved' | 'rejected'; nowMs: number; note?: string },
): Promise<Proposal | undefined> {
  const row = await trx
    .updateTable('branch_proposals')
    .set({ status: input.status, decided_by: input.decider, decided_at: input.nowMs, decision_note: input.note ?? null })
    .where('institution', '=', input.institution)
    .where('id', '=', input.id)
    .where('status', '=', 'pending')
    .where('proposed_by', '<>', input.decider)
    .returningAll()
    .executeTakeFirst();
  return row ? proposalFromRow(row) : undefined;
}
