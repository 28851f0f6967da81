// An operator starts an action on a customer from a written request: checked against the
// permission table and the customer's current state, then either done at once (suspension,
// lowering a limit) or proposed for a second person (permissions.ts: needsSecondPerson).
import type { Kysely } from 'kysely';
import type { InstitutionPolicy } from '../banking/institution-policy.js';
import { transactOutcome } from '../banking/ledger/transact.js';
import type { Schema } from '../db/schema.js';
import type { RandomBytes } from '../shared/clock.js';
import type { OperatorRole } from './branch.tables.js';
import { applyCustomerAction, preconditionProblem, readCustomerState, type ActionRequest, type PreconditionProblem } from './customer-actions.js';
import { operatorActor } from './operators.js';
import { isAllowed, needsSecondPerson } from './permissions.js';
import { createProposal, type Proposal } from './proposals.js';
import type { WrittenRequest } from './written-request.js';

export type StartActionResult =
  | { ok: true; outcome: 'done'; endedSessions: number }
  | { ok: true; outcome: 'proposed'; proposal: Proposal }
  | { ok: false; reason: 'forbidden' | 'already_pending' | 'changed_meanwhile' | 'needs_second_person' | PreconditionProblem };

export async function startCustomerAction(
  db: Kysely<Schema>,
  deps: { nowMs: () => number; randomBytes: RandomBytes },
  input: {
    institution: string;
    policy: InstitutionPolicy;
    operator: { login: string; role: OperatorRole };
    contractId: string;
    request: ActionRequest;
    written: WrittenRequest;
  },
): Promise<StartActionResult> {
  if (!isAllowed(input.operator.role, input.request.kind)) return { ok: false, reason: 'forbidden' };
  const request = input.request;
  const state = await db.transaction().execute((trx) => readCustomerState(trx, { ...input, nowMs: deps.nowMs() }));
  if (!state) return { ok: false, reason: 'customer_not_found' };
  const problem = preconditionProblem(state, request, input.policy);
  if (problem !== undefined) return { ok: false, reason: problem };

  const secondPerson = needsSecondPerson(request, { currentLimitYen: state.currentLimitYen, secondPersonAboveYen: input.policy.dailyLimitWithoutTokenYen });
  if (secondPerson) {
    if (request.kind === 'suspend') throw new Error('suspension never needs a second person');
    const created = await createProposal(db, { nowMs: deps.nowMs(), randomBytes: deps.randomBytes }, {
      institution: input.institution,
      contractId: input.contractId,
      request: request as ActionRequest & { kind: Exclude<ActionRequest['kind'], 'suspend'> },
      written: input.written,
      proposedBy: input.operator.login,
    });
    return created.ok ? { ok: true, outcome: 'proposed', proposal: created.proposal } : created;
  }
  const applied = await transactOutcome(db, (trx) =>
    applyCustomerAction(trx, {
      institution: input.institution,
      contractId: input.contractId,
      policy: input.policy,
      nowMs: deps.nowMs(),
      actor: operatorActor(input.operator.login),
      written: input.written,
    }, request),
  );
  if (!applied.ok) return applied;
  return { ok: true, outcome: 'done', endedSessions: applied.endedSessions };
}
