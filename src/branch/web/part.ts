// The branch console as a part of the app (web/app.ts buildApp): every institution's console
// under /branch/<slug>/, served by one set of routes that look the institution up per request.
// Cookies, form parsing, security headers (CSP, no-store) and the HTML error pages live in this
// part's own scope and touch no other part.
import { readFileSync } from 'node:fs';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppParts } from '../../web/app.js';
import { registerAssets } from '../../web/assets.js';
import { setSecurityHeaders } from '../../web/security-headers.js';
import { registerFormSite } from '../../web/form-site.js';
import { sendErrorPage } from '../../web/site-error-page.js';
import { registerSiteFallbacks } from '../../web/site-request.js';
import { consoleBase, openConsole, sendMessage, type BranchConsoleDeps, type Console } from './console-context.js';
import { CONSOLE_SCRIPT_PATH, CONSOLE_STYLESHEET_PATH } from './console-layout.js';
import { C } from './messages.js';
import { registerApprovalRoutes } from './routes/approval-routes.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerContractRoutes } from './routes/contract-routes.js';
import { registerCustomerRoutes } from './routes/customer-routes.js';
import { registerOperatorRoutes } from './routes/operator-routes.js';
import { registerStatementRoutes } from './routes/statement-routes.js';
import { registerSignInRoutes } from './routes/sign-in-routes.js';
import { standalonePage } from './views/common-views.js';

export type { BranchConsoleDeps } from './console-context.js';

export const BRANCH_CONSOLE_BODY_LIMIT = 16 * 1024;

const stylesheet = readFileSync(new URL('./console.css', import.meta.url), 'utf8');
const script = readFileSync(new URL('./console.js', import.meta.url), 'utf8');

export function createBranchConsolePart(deps: BranchConsoleDeps): AppParts {
  const console: Console = { deps, nowMs: () => deps.clock.nowMs() };
  return {
    async register(app: FastifyInstance) {
      registerAssets(app);
      registerConsoleAssets(app);
      await registerFormSite(app, console, {
        bodyLimit: BRANCH_CONSOLE_BODY_LIMIT,
        onError: handleError,
        routes: [registerSignInRoutes, registerCustomerRoutes, registerApprovalRoutes, registerContractRoutes, registerAuditRoutes, registerStatementRoutes, registerOperatorRoutes, registerConsoleFallbacks],
      });
    },
  };
}

function registerConsoleAssets(app: FastifyInstance): void {
  const assets: [string, string, string][] = [
    [CONSOLE_STYLESHEET_PATH, 'text/css; charset=utf-8', stylesheet],
    [CONSOLE_SCRIPT_PATH, 'text/javascript; charset=utf-8', script],
  ];
  for (const [path, type, body] of assets) {
    if (app.hasRoute({ method: 'GET', url: path })) continue;
    app.get(path, async (_request, reply) => {
      setSecurityHeaders(reply);
      return reply.header('Content-Type', type).header('Cache-Control', 'public, max-age=3600').send(body);
    });
  }
}

function registerConsoleFallbacks(scope: FastifyInstance, console: Console): void {
  registerSiteFallbacks(scope, {
    prefix: '/branch/:slug',
    open: (request, reply) => openConsole(console, request, reply),
    notFound: (ctx) => sendMessage(ctx, { status: 404, title: C.notFoundTitle, lines: [C.notFound], kind: 'info' }),
  });
}

function handleError(console: Console, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  return sendErrorPage(
    {
      words: { ...C, tooLargeTitle: C.errorTitle, refusedTitle: C.csrfTitle, refused: C.csrf },
      open: (request, reply) => openConsole(console, request, reply),
      send: (ctx, page) => sendMessage(ctx, { ...page, kind: 'error' }),
      standalone: (lang, page, home) => standalonePage(lang, page.title, page.lines, home),
      home: consoleBase,
    },
    error,
    request,
    reply,
  );
}
