// Proposals awaiting approval, with 「承認」 and 「却下」 for a supervisor who did not make them
// — side by side on one line under the 却下理由 field (the approve button belongs to its own
// form through `form=`, so the note is only ever sent with a rejection) — and the page of a
// reset login password, shown to the approver once.
import { html, type SafeHtml } from '../../../web/html.js';
import type { Text } from '../../../web/i18n.js';
import { mayDecide } from '../../permissions.js';
import type { Proposal } from '../../proposals.js';
import type { ConsoleContext, SignedIn } from '../console-context.js';
import { C, japanDateTime } from '../messages.js';
import { csrfField, errorSummary, field, notice, type FieldErrors } from './common-views.js';
import { proposalSummary } from './customer-views.js';

export function approvalsView(
  ctx: ConsoleContext,
  input: { signedIn: SignedIn; proposals: Proposal[]; flash?: Text; failure?: { id: string; lines: Text[]; errors?: FieldErrors } },
): SafeHtml {
  const { signedIn } = input;
  const operator = { login: signedIn.operator.login, role: signedIn.operator.role };
  return html`<h1>${ctx.t(C.approvalsTitle)}</h1>
${input.flash ? notice(ctx.lang, 'ok', [input.flash]) : ''}
${input.proposals.length === 0 ? notice(ctx.lang, 'info', [C.noProposals]) : ''}
<ul class="plain-list proposals">
${input.proposals.map((p) => {
  const failure = input.failure?.id === p.id ? input.failure : undefined;
  const noteError = failure?.errors?.note;
  const decidable = mayDecide(operator, p);
  return html`<li class="card proposal" id="proposal-${p.id}">
<p><a href="${ctx.base}customers/${p.contractId}">${p.contractId}</a></p>
<p>${proposalSummary(ctx, p)}</p>
${failure ? errorSummary(ctx.lang, failure.lines) : ''}
${decidable
  ? html`<div class="decision">
<form method="post" action="${ctx.base}approvals/${p.id}/approve" id="approve-${p.id}">${csrfField(signedIn.session.csrfToken)}</form>
<form method="post" action="${ctx.base}approvals/${p.id}/reject" novalidate>${csrfField(signedIn.session.csrfToken)}
${field({ name: 'note', label: ctx.t(C.rejectNote), hint: ctx.t(C.rejectNoteHint), maxlength: 200, required: false, idSuffix: p.id, ...(noteError ? { error: ctx.t(noteError) } : {}) })}
<div class="decision__buttons">
<button type="submit" class="button" form="approve-${p.id}">${ctx.t(C.approve)}</button>
<button type="submit" class="button button--secondary">${ctx.t(C.reject)}</button>
</div>
</form>
</div>`
  : html`<p class="meta">${ctx.t(p.proposedBy === operator.login ? C.ownProposal : C.notSupervisor)}</p>`}
</li>`;
})}
</ul>`;
}

export function resetPasswordView(ctx: ConsoleContext, input: { contractId: string; name: string; initialPassword: string; issuedAt: number }): SafeHtml {
  return html`<h1>${ctx.t(C.resetDoneTitle)}</h1>
${notice(ctx.lang, 'warn', [C.resetDoneLead])}
<section class="card printable">
<dl class="facts">
  <dt>${ctx.t(C.contractId)}</dt><dd>${input.contractId}</dd>
  <dt>${ctx.t(C.name)}</dt><dd>${input.name}</dd>
  <dt>${ctx.t(C.initialLoginPassword)}</dt><dd><code class="secret">${input.initialPassword}</code></dd>
  <dt>${ctx.t(C.issuedAt)}</dt><dd>${japanDateTime(input.issuedAt)}</dd>
</dl>
<p>${ctx.t(C.initialPasswordNote)}</p>
</section>
<div class="actions no-print"><button type="button" class="button" data-print>${ctx.t(C.print)}</button><a class="button button--secondary" href="${ctx.base}customers/${input.contractId}">${ctx.t(C.customerTitle)}</a></div>`;
}
