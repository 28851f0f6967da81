// What every page request of a site (the bank site, the branch console) first works out: the
// institution from the path (a 404 page when there is none), the language (the toggle's choice,
// else the remembered one, else Japanese) and the site's base path. Each site wraps this in its
// own context (personal-web/page-context.ts, branch/web/console-context.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { findInstitution, type Institution } from '../banking/institutions.js';
import type { Schema } from '../db/schema.js';
import { cookieOptions } from './cookies.js';
import type { SafeHtml } from './html.js';
import { languageSwitchOf } from './language-toggle.js';
import { siteSessions, type SessionSite, type SiteSessions } from './site-sessions.js';
import type { RandomBytes } from '../shared/clock.js';
import { LANG_COOKIE, parseLang, pick, type Lang, type Text } from './i18n.js';

export interface OpenedRequest<Stage extends string> {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly institution: Institution;
  readonly lang: Lang;
  /** `/ib/<slug>/` or `/branch/<slug>/`: where the site's cookies and redirects live. */
  readonly base: string;
  readonly db: Kysely<Schema>;
  readonly sessions: SiteSessions<Stage>;
  t(text: Text): string;
}

export interface SiteOfRequests<Stage extends string> {
  db: Kysely<Schema>;
  secureCookies: boolean;
  nowMs(): number;
  randomBytes: RandomBytes;
  base(slug: string): string;
  notFoundPage(lang: Lang): SafeHtml;
  sessions: SessionSite<Stage>;
}

export async function openSiteRequest<Stage extends string>(
  request: FastifyRequest,
  reply: FastifyReply,
  site: SiteOfRequests<Stage>,
): Promise<OpenedRequest<Stage> | undefined> {
  const params = request.params as { slug?: string };
  const institution = params.slug === undefined ? undefined : await findInstitution(site.db, params.slug);
  // The toggle's choice: posted with the page's form (language-toggle.ts), or `?lang=` on a GET.
  const queryLang = languageSwitchOf(request) ?? parseLang((request.query as Record<string, unknown> | undefined)?.lang);
  const lang = queryLang ?? parseLang(request.cookies[LANG_COOKIE]) ?? 'ja';
  if (!institution) {
    await reply.status(404).type('text/html; charset=utf-8').send(site.notFoundPage(lang).value);
    return undefined;
  }
  const base = site.base(institution.slug);
  if (queryLang !== undefined && queryLang !== request.cookies[LANG_COOKIE]) {
    // A display preference, not account state: remembered for a year on this site only.
    reply.setCookie(LANG_COOKIE, queryLang, cookieOptions({ path: base, secure: site.secureCookies, maxAgeSeconds: 365 * 86400 }));
  }
  const opened = { request, reply, institution, lang, base, db: site.db };
  return {
    ...opened,
    sessions: siteSessions(opened, site.sessions, site),
    t: (text) => pick(lang, text),
  };
}

/**
 * The two routes every site ends with: the institution's colour as a stylesheet of its own
 * (`<base>brand.css`, which the site's layout links: the CSP allows no inline style) and the
 * site's 404 page for every other path below its base.
 */
export function registerSiteFallbacks<Ctx extends OpenedRequest<string>>(
  scope: FastifyInstance,
  site: { prefix: '/ib/:slug' | '/branch/:slug'; open(request: FastifyRequest, reply: FastifyReply): Promise<Ctx | undefined>; notFound(ctx: Ctx): unknown },
): void {
  scope.get(`${site.prefix}/brand.css`, async (request, reply) => {
    const ctx = await site.open(request, reply);
    if (!ctx) return;
    // primary_colour is validated as #rrggbb when the institution is created.
    const css = `:root { --brand: ${ctx.institution.primaryColour}; }\n`;
    return reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=300').send(css);
  });
  scope.get(`${site.prefix}/*`, async (request, reply) => {
    const ctx = await site.open(request, reply);
    if (ctx) await site.notFound(ctx);
  });
}
