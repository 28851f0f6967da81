// 新規契約: the form, and the お客様カード in the response to it — shown once (no-store, no GET
// route can show it again; the passwords are not stored readable anywhere). Each form is given
// an idempotency key; submitting it again (reload, double click) shows the card that form
// issued, without its passwords, and opens nothing (open-contract.ts).
import type { FastifyInstance } from 'fastify';
import { listBranches } from '../../../banking/ledger/accounts.js';
import { newIdempotencyKey, isIdempotencyKey } from '../../../shared/idempotency-key.js';
import { openContract, type OpenContractResult } from '../../open-contract.js';
import { openConsole, requireOperator, requireOperatorPost, sendPage, type Console } from '../console-context.js';
import { readEmail, readLine, readWrittenRequest } from '../form-fields.js';
import { C, FIELD_PROBLEMS } from '../messages.js';
import type { FieldErrors } from '../views/common-views.js';
import { customerCardView, openContractView, usedFormView } from '../views/contract-views.js';
import type { Text } from '../../../web/i18n.js';

type FieldFailure = Exclude<Extract<OpenContractResult, { ok: false }>['reason'], 'form_already_used'>;

const OPEN_FAILURES: Record<FieldFailure, [string, Text]> = {
  name_missing: ['name', FIELD_PROBLEMS.missing],
  name_too_long: ['name', FIELD_PROBLEMS.too_long],
  name_control_characters: ['name', FIELD_PROBLEMS.control_characters],
  unknown_branch: ['branchCode', FIELD_PROBLEMS.malformed],
  holder_name_empty: ['holderName', FIELD_PROBLEMS.missing],
  holder_name_invalid_characters: ['holderName', { ja: 'カナ・英大文字・数字で入力してください。', en: 'Use kana, capital letters and digits.' }],
  holder_name_too_long: ['holderName', { ja: '30文字以内で入力してください。', en: 'Use at most 30 characters.' }],
};

export function registerContractRoutes(scope: FastifyInstance, console: Console): void {
  scope.get('/branch/:slug/contracts/new', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const signedIn = await requireOperator(ctx, 'open_contract');
    if (!signedIn) return;
    const branches = await listBranches(ctx.db, ctx.institution.slug);
    const formKey = newIdempotencyKey(console.deps.randomBytes);
    return sendPage(ctx, { title: C.openContractTitle, signedIn, body: openContractView(ctx, { csrf: signedIn.session.csrfToken, formKey, branches }) });
  });

  scope.post('/branch/:slug/contracts', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const posted = await requireOperatorPost(ctx, 'open_contract');
    if (!posted) return;
    const { signedIn, body } = posted;
    const branches = await listBranches(ctx.db, ctx.institution.slug);
    const values = Object.fromEntries(['name', 'holderName', 'branchCode', 'email', 'requestFormNo', 'reason'].map((n) => [n, typeof body[n] === 'string' ? (body[n] as string) : '']));
    const errors: FieldErrors = {};
    const name = readLine(body, 'name', 40, errors);
    const holderName = readLine(body, 'holderName', 60, errors);
    const branchCode = readLine(body, 'branchCode', 3, errors);
    const email = readEmail(body, 'email', errors, { optional: true });
    const written = readWrittenRequest(body, errors);
    // The form's key: kept while the same form is corrected; a form without one (out of date,
    // or not ours) gets a new key and is sent back, so no opening goes without a key.
    const postedKey = body.idempotencyKey;
    const formKey = isIdempotencyKey(postedKey) ? postedKey : undefined;
    const showForm = (status: number, formError?: Text[]) =>
      sendPage(ctx, {
        status,
        title: C.openContractTitle,
        signedIn,
        togglePath: `${ctx.base}contracts/new`,
        body: openContractView(ctx, { csrf: signedIn.session.csrfToken, formKey: formKey ?? newIdempotencyKey(console.deps.randomBytes), branches, errors, values, ...(formError ? { formError } : {}) }),
      });
    if (formKey === undefined) return showForm(400, [C.formOutdated]);
    if (name === undefined || holderName === undefined || branchCode === undefined || email === undefined || written === undefined) return showForm(400);
    const result = await openContract(
      ctx.db,
      { hasher: console.deps.hasher, confirmationPepper: console.deps.confirmationPepper, randomBytes: console.deps.randomBytes, nowMs: console.nowMs },
      { institution: ctx.institution.slug, name, holderName, branchCode, email, requestFormNo: written.requestFormNo, reason: written.reason, operatorLogin: signedIn.operator.login, formKey },
    );
    if (!result.ok) {
      if (result.reason === 'form_already_used') return sendPage(ctx, { status: 409, title: C.openContractTitle, signedIn, togglePath: `${ctx.base}contracts/new`, body: usedFormView(ctx) });
      const [fieldName, text] = OPEN_FAILURES[result.reason];
      errors[fieldName] = text;
      return showForm(400);
    }
    return sendPage(ctx, { title: result.replayed ? C.cardIssuedTitle : C.cardTitle, signedIn, togglePath: `${ctx.base}contracts/new`, body: customerCardView(ctx, result) });
  });
}
