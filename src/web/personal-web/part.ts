// The bank site ("Personal Web") as a part of the app: every institution under /ib/<slug>/,
// served from one set of routes that look the institution up per request (so an institution
// created later by the CLI is served at once). Body parsing, cookies, headers and the HTML
// error pages are registered inside this part's own scope and touch no other part.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppParts } from '../app.js';
import { registerAssets } from '../assets.js';
import { registerFormSite } from '../form-site.js';
import { sendErrorPage } from '../site-error-page.js';
import { T } from './messages.js';
import { openPage, sendMessage } from './page-context.js';
import { registerLoginRoutes } from './routes/login-routes.js';
import { registerEmailAddressRoutes } from './routes/email-address-routes.js';
import { registerMainRoutes } from './routes/main-routes.js';
import { registerPasswordChangeRoutes } from './routes/password-change-routes.js';
import { registerPasswordSettingsRoutes } from './routes/password-settings-routes.js';
import { registerTokenLifecycleRoutes } from './routes/token-lifecycle-routes.js';
import { registerTokenAuthRoutes } from './routes/token-auth-routes.js';
import { registerSignInHistoryRoutes } from './routes/sign-in-history-routes.js';
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
      await registerFormSite(app, site, {
        bodyLimit: PERSONAL_WEB_BODY_LIMIT,
        onError: handleError,
        routes: [registerLoginRoutes, registerMainRoutes, registerPasswordChangeRoutes, registerPasswordSettingsRoutes, registerTokenAuthRoutes, registerTokenLifecycleRoutes, registerSignInHistoryRoutes, registerEmailAddressRoutes],
      });
    },
  };
}

/** The bank site's error pages (src/web/site-error-page.ts), shared by every part under /ib/<slug>/ (the transfer pages too). */
export function handleError(site: Site, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  return sendErrorPage(
    {
      words: { ...T, refusedTitle: T.csrfTitle, refused: T.csrf },
      open: (request, reply) => openPage(site, request, reply),
      // Fail closed: an outage changed nothing (the token flows and transfers check the code
      // before any write; a database error rolls its transaction back).
      send: (ctx, page) => sendMessage(ctx, { ...page, kind: 'error', withSupport: page.status >= 500 }),
      standalone: (lang, page, home) => standalonePage(lang, page.title, page.lines, home),
      home: (slug) => `/ib/${slug}/`,
    },
    error,
    request,
    reply,
  );
}
