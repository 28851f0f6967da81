// オペレーター管理: administrators unlock operators and reset a lost operator token. Nobody acts
// on their own operator ID here (an administrator locked out is unlocked by another, or the CLI).
import type { FastifyInstance } from 'fastify';
import type { Text } from '../../../web/i18n.js';
import { unlockOperator } from '../../operator-lock.js';
import { resetOperatorToken } from '../../operator-sign-in.js';
import { listOperators, OPERATOR_LOGIN_PATTERN, operatorActor } from '../../operators.js';
import { openConsole, queryOf, redirectTo, requireOperator, requireOperatorPost, sendPage, type Console, type ConsoleContext, type SignedIn } from '../console-context.js';
import { readLine } from '../form-fields.js';
import { C, FIELD_PROBLEMS } from '../messages.js';
import type { FieldErrors } from '../views/common-views.js';
import { operatorsView } from '../views/operator-views.js';

async function showOperators(ctx: ConsoleContext, signedIn: SignedIn, input: { status?: number; flash?: Text; failure?: { login: string; lines: Text[]; errors?: FieldErrors } } = {}) {
  const operators = await listOperators(ctx.db, ctx.institution.slug);
  return sendPage(ctx, { status: input.status ?? 200, title: C.operatorsTitle, signedIn, togglePath: `${ctx.base}operators`, body: operatorsView(ctx, { signedIn, operators, ...input }) });
}

const NOT_APPLICABLE: Text = { ja: 'この操作は現在の状態では行えません。', en: 'This does not apply to the operator now.' };

export function registerOperatorRoutes(scope: FastifyInstance, console: Console): void {
  scope.get('/branch/:slug/operators', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const signedIn = await requireOperator(ctx, 'manage_operators');
    if (!signedIn) return;
    const done = queryOf(ctx).done;
    const flash = done === 'unlocked' ? C.operatorUnlockedNotice : done === 'token_reset' ? C.operatorTokenResetNotice : undefined;
    return showOperators(ctx, signedIn, flash ? { flash } : {});
  });

  for (const action of ['unlock', 'reset-token'] as const) {
    scope.post(`/branch/:slug/operators/:login/${action}`, async (request, reply) => {
      const ctx = await openConsole(console, request, reply);
      if (!ctx) return;
      const posted = await requireOperatorPost(ctx, 'manage_operators');
      if (!posted) return;
      const { signedIn, body } = posted;
      const login = (request.params as { login?: string }).login ?? '';
      if (!OPERATOR_LOGIN_PATTERN.test(login) || login === signedIn.operator.login) {
        return showOperators(ctx, signedIn, { status: 404, failure: { login, lines: [NOT_APPLICABLE] } });
      }
      const errors: FieldErrors = {};
      const reason = readLine(body, 'reason', 200, errors);
      if (reason === undefined) return showOperators(ctx, signedIn, { status: 400, failure: { login, lines: [FIELD_PROBLEMS.missing], errors } });
      const input = { institution: ctx.institution.slug, login, nowMs: console.nowMs(), actor: operatorActor(signedIn.operator.login), reason };
      const result = action === 'unlock' ? await unlockOperator(ctx.db, input) : await resetOperatorToken(ctx.db, { authority: ctx.authority() }, input);
      if (!result.ok) return showOperators(ctx, signedIn, { status: result.reason === 'unknown_operator' ? 404 : 409, failure: { login, lines: [NOT_APPLICABLE] } });
      return redirectTo(ctx, 'operators', { done: action === 'unlock' ? 'unlocked' : 'token_reset' });
    });
  }
}
