// Maker-checker at the console: the list of pending proposals (tellers see them, supervisors
// decide them), 「承認」 and 「却下」. The decision functions re-check the role, the maker and
// the customer's state inside their transaction; these routes only translate outcomes.
import type { FastifyInstance } from 'fastify';
import type { Text } from '../../../web/i18n.js';
import { approveProposal, rejectProposal, type DecisionFailure } from '../../decide-proposal.js';
import { findCustomer } from '../../../banking/customers.js';
import { listProposals, PROPOSAL_ID_PATTERN } from '../../proposals.js';
import { openConsole, queryOf, redirectTo, requireOperator, requireOperatorPost, sendMessage, sendPage, type Console, type ConsoleContext, type SignedIn } from '../console-context.js';
import { readLine } from '../form-fields.js';
import { C, FAILURE_TEXTS } from '../messages.js';
import type { FieldErrors } from '../views/common-views.js';
import { approvalsView, resetPasswordView } from '../views/approval-views.js';
import { failureStatus } from './customer-routes.js';

async function showApprovals(ctx: ConsoleContext, signedIn: SignedIn, input: { status?: number; flash?: Text; failure?: { id: string; lines: Text[]; errors?: FieldErrors } } = {}) {
  const proposals = await listProposals(ctx.db, { institution: ctx.institution.slug, status: 'pending' });
  return sendPage(ctx, {
    status: input.status ?? 200,
    title: C.approvalsTitle,
    signedIn,
    togglePath: `${ctx.base}approvals`,
    body: approvalsView(ctx, { signedIn, proposals, ...input }),
  });
}

function proposalIdParam(ctx: ConsoleContext): string | undefined {
  const id = (ctx.request.params as { id?: string }).id;
  return id !== undefined && PROPOSAL_ID_PATTERN.test(id) ? id : undefined;
}

function showFailure(ctx: ConsoleContext, signedIn: SignedIn, id: string, failure: DecisionFailure) {
  if (failure.reason === 'not_found') return sendMessage(ctx, { status: 404, title: C.approvalsTitle, lines: [FAILURE_TEXTS.not_found], kind: 'info', signedIn });
  return showApprovals(ctx, signedIn, { status: failureStatus(failure.reason), failure: { id, lines: [FAILURE_TEXTS[failure.reason]] } });
}

export function registerApprovalRoutes(scope: FastifyInstance, console: Console): void {
  scope.get('/branch/:slug/approvals', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    // Makers see what awaits approval (their own among it); checkers decide.
    const signedIn = await requireOperator(ctx, 'view_customers');
    if (!signedIn) return;
    const done = queryOf(ctx).done;
    const flash = done === 'approved' ? C.approvedNotice : done === 'rejected' ? C.rejectedNotice : undefined;
    return showApprovals(ctx, signedIn, flash ? { flash } : {});
  });

  scope.post('/branch/:slug/approvals/:id/approve', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const posted = await requireOperatorPost(ctx, 'decide_proposals');
    if (!posted) return;
    const { signedIn } = posted;
    const id = proposalIdParam(ctx);
    if (!id) return sendMessage(ctx, { status: 404, title: C.approvalsTitle, lines: [FAILURE_TEXTS.not_found], kind: 'info', signedIn });
    const result = await approveProposal(
      ctx.db,
      { nowMs: console.nowMs, randomBytes: console.deps.randomBytes, hasher: console.deps.hasher, authority: ctx.authority() },
      { institution: ctx.institution.slug, policy: ctx.institution.policy, decider: { login: signedIn.operator.login, role: signedIn.operator.role }, proposalId: id },
    );
    if (!result.ok) return showFailure(ctx, signedIn, id, result);
    if (result.initialPassword !== undefined) {
      // Shown once, in this response only (no-store); the database keeps only its hash.
      const customer = await findCustomer(ctx.db, ctx.institution.slug, result.proposal.contractId);
      return sendPage(ctx, {
        title: C.resetDoneTitle,
        signedIn,
        togglePath: `${ctx.base}approvals`,
        body: resetPasswordView(ctx, { contractId: result.proposal.contractId, name: customer?.name ?? '', initialPassword: result.initialPassword, issuedAt: console.nowMs() }),
      });
    }
    return redirectTo(ctx, 'approvals', { done: 'approved' });
  });

  scope.post('/branch/:slug/approvals/:id/reject', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const posted = await requireOperatorPost(ctx, 'decide_proposals');
    if (!posted) return;
    const { signedIn, body } = posted;
    const id = proposalIdParam(ctx);
    if (!id) return sendMessage(ctx, { status: 404, title: C.approvalsTitle, lines: [FAILURE_TEXTS.not_found], kind: 'info', signedIn });
    const errors: FieldErrors = {};
    const note = readLine(body, 'note', 200, errors);
    if (note === undefined) return showApprovals(ctx, signedIn, { status: 400, failure: { id, lines: [C.rejectNote], errors } });
    const result = await rejectProposal(ctx.db, { nowMs: console.nowMs }, {
      institution: ctx.institution.slug,
      policy: ctx.institution.policy,
      decider: { login: signedIn.operator.login, role: signedIn.operator.role },
      proposalId: id,
      note,
    });
    if (!result.ok) return showFailure(ctx, signedIn, id, result);
    return redirectTo(ctx, 'approvals', { done: 'rejected' });
  });
}
