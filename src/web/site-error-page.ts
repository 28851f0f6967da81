// The error page of a site (the bank site, the console): one decision of what an error is, and
// one way to show it. An outage (the authority or the database cannot answer) is a 503 with
// Retry-After — nothing was done, try again later; a body too large is a 413; a request that our
// forms never send (wrong media type, malformed body or URL) is its 4xx; anything else is a fault,
// a 500 logged with the reference the page shows. The page is the site's own, in its layout;
// when even that cannot be made (the database is down, so the institution cannot be read), it is
// a page of its own in the request's language, with the way back to the site's first page.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SLUG_PATTERN } from '../banking/institutions.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { answeredAsOutage } from './errors.js';
import type { SafeHtml } from './html.js';
import { requestLang, type Lang, type Text } from './i18n.js';

/** A site's words for its error pages. */
export interface ErrorWords {
  unavailableTitle: Text;
  unavailable: Text;
  tooLargeTitle: Text;
  tooLarge: Text;
  /** A request that is not one of the site's forms. */
  refusedTitle: Text;
  refused: Text;
  internalErrorTitle: Text;
  internalError: Text;
  /** The label of the reference an internal error's page shows (the request id). */
  errorReference: Text;
}

export interface ErrorPage {
  status: number;
  title: Text;
  lines: Text[];
}

export interface SiteErrorPages<Ctx> {
  words: ErrorWords;
  /** The site's context of the request (institution, language), or undefined after its 404 page. */
  open(request: FastifyRequest, reply: FastifyReply): Promise<Ctx | undefined>;
  /** The error page in the site's layout. */
  send(ctx: Ctx, page: ErrorPage): unknown;
  /** The page without the site's layout, with a button back to `home` when there is one. */
  standalone(lang: Lang, page: ErrorPage, home: string | undefined): SafeHtml;
  /** The site's first page for an institution (the login or sign-in page). */
  home(slug: string): string;
}

/** The page that says what `error` means to the person who sent the request. */
export function errorPageOf(words: ErrorWords, error: FastifyError, request: FastifyRequest, reply: FastifyReply): ErrorPage {
  if (answeredAsOutage(error, request, reply)) return { status: 503, title: words.unavailableTitle, lines: [words.unavailable] };
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) return { status: 413, title: words.tooLargeTitle, lines: [words.tooLarge] };
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, title: words.refusedTitle, lines: [words.refused] };
  }
  request.log.error({ err: error, errorId: request.id }, 'request failed');
  const reference = { ja: `${words.errorReference.ja}: ${request.id}`, en: `${words.errorReference.en}: ${request.id}` };
  return { status: 500, title: words.internalErrorTitle, lines: [words.internalError, reference] };
}

/** A site's error handler: the page of errorPageOf, in the site's layout or on its own. */
export async function sendErrorPage<Ctx>(site: SiteErrorPages<Ctx>, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const page = errorPageOf(site.words, error, request, reply);
  if (reply.sent) return;
  try {
    const ctx = await site.open(request, reply);
    if (!ctx) return;
    return await site.send(ctx, page);
  } catch (secondary) {
    // An outage that also stops the layout (the institution's row cannot be read) is expected.
    if (page.status !== 503 || !isDatabaseUnavailable(secondary)) request.log.error({ err: secondary, errorId: request.id }, 'error page failed');
    const slug = (request.params as { slug?: unknown } | undefined)?.slug;
    const home = typeof slug === 'string' && SLUG_PATTERN.test(slug) ? site.home(slug) : undefined;
    return reply.status(page.status).type('text/html; charset=utf-8').send(site.standalone(requestLang(request), page, home).value);
  }
}
