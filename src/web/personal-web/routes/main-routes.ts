// The signed-in main page, the help page, the institution's stylesheet and unknown paths.
import type { FastifyInstance } from 'fastify';
import { findCustomer } from '../../../banking/customers.js';
import { previousSignIn } from '../../../banking/sign-in-history.js';
import { registerSiteFallbacks } from '../../site-request.js';
import { T } from '../messages.js';
import { MAIN_DONE, openPage, redirectTo, requireStage, sendMessage, sendPage } from '../page-context.js';
import type { Site } from '../site.js';
import { helpView } from '../views/help-view.js';
import { mainView } from '../views/main-view.js';

export function registerMainRoutes(scope: FastifyInstance, site: Site): void {
  scope.get('/ib/:slug/main', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    const session = await requireStage(ctx, ['signed_in']);
    if (!session) return;
    const customer = await findCustomer(ctx.db, ctx.institution.slug, session.subject);
    if (!customer) {
      ctx.sessions.clearCookie();
      return redirectTo(ctx, '');
    }
    const menu = site.menuItems({ base: ctx.base, lang: ctx.lang, institution: ctx.institution });
    const previous = await previousSignIn(ctx.db, { institution: ctx.institution.slug, contractId: session.subject, beforeMs: session.startedAt });
    // After the forced password change (MAIN_DONE): said for exactly that value, never text from the URL.
    const done = (request.query as Record<string, unknown>).done === MAIN_DONE.passwordChanged ? T.passwordChangedAtSignIn : undefined;
    return sendPage(ctx, { title: T.mainTitle, session, body: mainView(ctx, { customer, menu, previousSignIn: previous, ...(done ? { done } : {}) }) });
  });

  scope.get('/ib/:slug/help', async (request, reply) => {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    return sendPage(ctx, { title: T.menuHelp, body: helpView(ctx), supportInBody: true });
  });

  registerSiteFallbacks(scope, {
    prefix: '/ib/:slug',
    open: (request, reply) => openPage(site, request, reply),
    notFound: (ctx) => sendMessage(ctx, { status: 404, title: T.notFoundTitle, lines: [T.notFound], kind: 'info' }),
  });
}
