// The transfer pages (issue 5) as a part of the app, beside the bank site (Personal Web) under
// /ib/<slug>/transfers…: the same page frame, session guard, CSRF tokens, headers and error
// pages, built from the bank site's exported pieces; nothing of it is edited here.
//
// Wiring (buildApp): pass `transfersWebPart(deps)` after `createPersonalWebPart(deps)`, give the
// bank site `mainMenuItems: transfersMenuItems` so its main page links here, and seed demo
// accounts with `onCustomerCreated` → ensureDemoAccount (banking/ledger/demo-accounts.ts).
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthorityUnavailableError } from '../../authority/authority-client.js';
import type { Institution } from '../../banking/institutions.js';
import type { AppParts } from '../app.js';
import { addSecurityHeaders } from '../security-headers.js';
import { pick, type Lang, type Text } from '../personal-web/i18n.js';
import { T } from '../personal-web/messages.js';
import { openPage, sendMessage } from '../personal-web/page-context.js';
import { PERSONAL_WEB_BODY_LIMIT } from '../personal-web/part.js';
import { createSite, type MenuItem, type Site } from '../personal-web/site.js';
import { standalonePage } from '../personal-web/views/message-views.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerLimitRoutes } from './routes/limit-routes.js';
import { registerPayeeRoutes } from './routes/payee-routes.js';
import { registerTransferRoutes } from './routes/transfer-routes.js';
import { TT } from './transfer-messages.js';
import type { TransfersWebDeps } from './transfers-deps.js';

export type { TransfersWebDeps } from './transfers-deps.js';

/** The entries of the bank site's main menu (PersonalWebDeps.mainMenuItems). */
export function transfersMenuItems(input: { base: string; lang: Lang; institution: Institution }): MenuItem[] {
  return [
    { href: `${input.base}transfers`, label: pick(input.lang, TT.menuTransfer) },
    { href: `${input.base}transfers/history`, label: pick(input.lang, TT.menuHistory) },
  ];
}

export function transfersWebPart(deps: TransfersWebDeps): AppParts {
  const site = createSite(deps);
  return {
    async register(app: FastifyInstance) {
      await app.register(async (scope) => {
        await scope.register(cookie);
        await scope.register(formbody, { bodyLimit: PERSONAL_WEB_BODY_LIMIT });
        addSecurityHeaders(scope);
        scope.setErrorHandler((error: FastifyError, request, reply) => handleError(site, error, request, reply));
        registerAccountRoutes(scope, site, deps);
        registerPayeeRoutes(scope, site, deps);
        registerLimitRoutes(scope, site, deps);
        registerTransferRoutes(scope, site, deps);
      });
    },
  };
}

async function handleError(site: Site, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  let status: number;
  let lines: Text[];
  let title: Text;
  if (error instanceof AuthorityUnavailableError) {
    // Fail closed: the code was not checked, nothing moved; the pending transfer stays pending.
    request.log.warn({ err: error, errorId: request.id }, 'token authority unavailable');
    [status, title, lines] = [503, T.unavailableTitle, [T.unavailable]];
  } else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
    [status, title, lines] = [413, T.tooLargeTitle, [T.tooLarge]];
  } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    [status, title, lines] = [error.statusCode, T.csrfTitle, [T.csrf]];
  } else {
    request.log.error({ err: error, errorId: request.id }, 'request failed');
    [status, title, lines] = [500, T.internalErrorTitle, [T.internalError, { ja: `${T.errorReference.ja}: ${request.id}`, en: `${T.errorReference.en}: ${request.id}` }]];
  }
  if (reply.sent) return;
  try {
    const ctx = await openPage(site, request, reply);
    if (!ctx) return;
    return await sendMessage(ctx, { status, title, lines, kind: 'error', withSupport: status >= 500 });
  } catch (secondary) {
    request.log.error({ err: secondary, errorId: request.id }, 'error page failed');
    return reply.status(status).type('text/html; charset=utf-8').send(standalonePage('ja', title, lines).value);
  }
}
