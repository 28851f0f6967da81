// The bank site ("Personal Web") as a part of the app: every institution under /ib/<slug>/,
// served from one set of routes that look the institution up per request (so an institution
// created later by the CLI is served at once). Body parsing, cookies, headers and the HTML
// error pages are registered inside this part's own scope and touch no other part.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SLUG_PATTERN } from '../../banking/institutions.js';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import type { AppParts } from '../app.js';
import { registerAssets } from '../assets.js';
import { answeredAsOutage } from '../errors.js';
import { addSecurityHeaders } from '../security-headers.js';
import { addLanguageToggle } from '../language-toggle.js';
import { requestLang, type Text } from '../i18n.js';
import { T } from './messages.js';
import { openPage, sendMessage } from './page-context.js';
import { registerLoginRoutes } from './routes/login-routes.js';
import { registerMainRoutes } from './routes/main-routes.js';
import { registerPasswordChangeRoutes } from './routes/password-change-routes.js';
import { registerTokenLifecycleRoutes } from './routes/token-lifecycle-routes.js';
import { registerTokenAuthRoutes } from './routes/token-auth-routes.js';
import { createSite, type PersonalWebDeps, type Site } from './site.js';
import { standalonePage } from './views/message-views.js';

export type { PersonalWebDeps } from './site.js';

/** Form bodies of the bank site are small; anything larger is refused before parsing. */
export const PERSONAL_WEB_BODY_LIMIT = 16 * 1024;

export function createPersonalWebPart(deps: PersonalWebDeps): AppParts {
  const site = createSite(deps);
  return {
    async register(app: FastifyInstance) {
      registerAssets(app);
      await app.register(async (scope) => {
        await scope.register(cookie);
        // The pages read only what their forms send: without the app's JSON and text parsers, any
        // other body is a 415 page instead of being read as if it were a form.
        scope.removeAllContentTypeParsers();
        await scope.register(formbody, { bodyLimit: PERSONAL_WEB_BODY_LIMIT });
        addSecurityHeaders(scope);
        addLanguageToggle(scope);
        scope.setErrorHandler((error: FastifyError, request, reply) => handleError(site, error, request, reply));
        registerLoginRoutes(scope, site);
        registerMainRoutes(scope, site);
        registerPasswordChangeRoutes(scope, site);
        registerTokenAuthRoutes(scope, site);
        registerTokenLifecycleRoutes(scope, site);
      });
    },
  };
}

/** The bank site's error page, shared by every part under /ib/<slug>/ (the transfer pages too). */
export async function handleError(site: Site, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  let status: number;
  let title: Text;
  let lines: Text[];
  if (answeredAsOutage(error, request, reply)) {
    // Fail closed: the authority or the database could not answer, and nothing was changed
    // (the token flows and transfers check the code before any write; a database error rolls
    // its transaction back). Try again later.
    [status, title, lines] = [503, T.unavailableTitle, [T.unavailable]];
  } else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
    [status, title, lines] = [413, T.tooLargeTitle, [T.tooLarge]];
  } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    // Unsupported media type, malformed body or URL: the request is not one our forms send.
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
    // Even the institution lookup failed (e.g. the database is down): a page without branding,
    // in the request's language, with the way back to the login page when the slug is one.
    if (status !== 503 || !isDatabaseUnavailable(secondary)) request.log.error({ err: secondary, errorId: request.id }, 'error page failed');
    const slug = (request.params as { slug?: unknown } | undefined)?.slug;
    const login = typeof slug === 'string' && SLUG_PATTERN.test(slug) ? `/ib/${slug}/` : undefined;
    return reply.status(status).type('text/html; charset=utf-8').send(standalonePage(requestLang(request), title, lines, login).value);
  }
}
