// The checker's side of maker-checker. Approval is ONE transaction: claim the pending proposal
// (compare-and-set, never the maker's own), record the approval, re-read the customer and re-check
// the preconditions, make the change with its audit record. Any failure rolls all of it back, so
// the proposal stays pending (to be rejected, or approved once the facts fit again).
//
// Only after the commit does a reissue ask the authority to unbind the old token: if that call
// fails, the orphan binding is harmless, since the bank verifies only the binding it stores.
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { AuthorityClient } from '../authority/authority-client.js';
import type { InstitutionPolicy } from '../banking/institution-policy.js';
import { transactOutcome } from '../banking/ledger/transact.js';
import type { PasswordHasher } from '../banking/password-hasher.js';
import { unbindQuietly } from '../banking/register-token.js';
import type { Schema } from '../db/schema.js';
import type { RandomBytes } from '../shared/clock.js';
import type { OperatorRole } from './branch.tables.js';
import { applyCustomerAction, type PreconditionProblem } from './customer-actions.js';
import { generateInitialPassword } from './generated-credentials.js';
import { operatorActor } from './operators.js';
import { mayDecide } from './permissions.js';
import { claimProposalDecision, findProposal, type Proposal } from './proposals.js';

export type DecisionFailure =
  | { ok: false; reason: 'forbidden' | 'not_found' | 'own_proposal' | 'already_decided' }
  | { ok: false; reason: PreconditionProblem | 'changed_meanwhile' | 'needs_second_person' };

export type ApproveResult =
  | {
      ok: true;
      proposal: Proposal;
      endedSessions: number;
      /** reset_password only: shown once to the approver, to hand to the customer; never stored. */
      initialPassword?: string;
      /** reissue_token only: whether the authority confirmed the unbinding. */
      unbound?: boolean;
    }
  | DecisionFailure;

export interface DecideDeps {
  nowMs: () => number;
  randomBytes: RandomBytes;
  hasher: PasswordHasher;
  authority: AuthorityClient;
}

interface DecideInput {
  institution: string;
  policy: InstitutionPolicy;
  decider: { login: string; role: OperatorRole };
  proposalId: string;
}

/** The reason a decision cannot even be tried, read before any work (hashing) is spent. */
async function precheck(db: Kysely<Schema>, input: DecideInput): Promise<{ ok: true; proposal: Proposal } | DecisionFailure> {
  const proposal = await findProposal(db, input.institution, input.proposalId);
  if (!proposal) return { ok: false, reason: 'not_found' };
  if (proposal.proposedBy === input.decider.login) return { ok: false, reason: 'own_proposal' };
  if (!mayDecide(input.decider, proposal)) return { ok: false, reason: 'forbidden' };
  if (proposal.status !== 'pending') return { ok: false, reason: 'already_decided' };
  return { ok: true, proposal };
}

export async function approveProposal(db: Kysely<Schema>, deps: DecideDeps, input: DecideInput): Promise<ApproveResult> {
  const checked = await precheck(db, input);
  if (!checked.ok) return checked;
  const initialPassword = checked.proposal.request.kind === 'reset_password' ? generateInitialPassword(deps.randomBytes) : undefined;
  const newPasswordHash = initialPassword === undefined ? undefined : await deps.hasher.hash(initialPassword);
  const nowMs = deps.nowMs();
  const actor = operatorActor(input.decider.login);

  const applied = await transactOutcome(db, async (trx) => {
    const proposal = await claimProposalDecision(trx, { institution: input.institution, id: input.proposalId, decider: input.decider.login, status: 'approved', nowMs });
    if (!proposal) return { ok: false, reason: 'already_decided' } as const;
    await appendAudit(trx, {
      chain: input.institution,
      at: nowMs,
      actor,
      action: 'branch_proposal_approved',
      subject: proposal.contractId,
      details: { proposalId: proposal.id, kind: proposal.request.kind, proposedBy: proposal.proposedBy, requestFormNo: proposal.written.requestFormNo },
    });
    const outcome = await applyCustomerAction(
      trx,
      {
        institution: input.institution,
        contractId: proposal.contractId,
        policy: input.policy,
        nowMs,
        actor,
        written: proposal.written,
        proposal: { id: proposal.id, proposedBy: proposal.proposedBy },
      },
      proposal.request,
      newPasswordHash === undefined ? {} : { newPasswordHash },
    );
    return outcome.ok ? { ...outcome, proposal } : outcome;
  });
  if (!applied.ok) return applied;
  const unbound = applied.bindingIdToUnbind === undefined ? undefined : await unbindQuietly(deps.authority, applied.bindingIdToUnbind);
  return {
    ok: true,
    proposal: applied.proposal,
    endedSessions: applied.endedSessions,
    ...(initialPassword === undefined ? {} : { initialPassword }),
    ...(unbound === undefined ? {} : { unbound }),
  };
}

export type RejectResult = { ok: true; proposal: Proposal } | DecisionFailure;

export async function rejectProposal(
  db: Kysely<Schema>,
  deps: { nowMs: () => number },
  input: DecideInput & { note: string },
): Promise<RejectResult> {
  const checked = await precheck(db, input);
  if (!checked.ok) return checked;
  const nowMs = deps.nowMs();
  return transactOutcome(db, async (trx) => {
    const proposal = await claimProposalDecision(trx, { institution: input.institution, id: input.proposalId, decider: input.decider.login, status: 'rejected', nowMs, note: input.note });
    if (!proposal) return { ok: false, reason: 'already_decided' } as const;
    await appendAudit(trx, {
      chain: input.institution,
      at: nowMs,
      actor: operatorActor(input.decider.login),
      action: 'branch_proposal_rejected',
      subject: proposal.contractId,
      details: { proposalId: proposal.id, kind: proposal.request.kind, proposedBy: proposal.proposedBy, requestFormNo: proposal.written.requestFormNo, note: input.note },
    });
    return { ok: true, proposal } as const;
  });
}
