// The English/Japanese toggle of the bank site and the branch console: it keeps the person
// where they are, in the other language — on every page, signed in or not.
//
// - A page with a form (`id="page-form"`, PAGE_FORM_ID) gets the toggle as a submit button of
//   THAT form (the `form` attribute; no JavaScript): pressing it posts what was typed, with
//   `mamori_lang=en|ja`, to the form's own URL. Such a post is never the form's action: the hook
//   below hands it to the route's `redisplay` — the same step, rendered again with the typed
//   values in the chosen language — and never to its handler, so a toggle can never confirm a
//   transfer, change a limit or sign anyone in. A route without a redisplay refuses it (400).
//   Values stay in the POST body: nothing typed goes into a URL; passwords and codes are not
//   echoed back (the views never fill them in). The redisplay checks the CSRF token as the form
//   itself would, and changes nothing but the remembered language.
// - Any other GET page links to itself — its own path, its notice words (`?done=changed`) and
//   its page number (`?page=2`), never an id or free text from the query — with `?lang=`; a
//   refusal (4xx) links relatively (`?lang=`), so nothing it was asked is echoed into the page.
// - Any other answer to a POST (a message, a result) links to the GET page the route names for it
//   (`afterPost`: the customer card's answer names 新規契約, never the card again), else to the
//   GET page of the same path if there is one (the step as it stands now), else the start page.
// The chosen language is remembered in a cookie (`mamori_lang`, a display preference).
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { html, type SafeHtml } from './html.js';
import { parseLang, type Lang } from './i18n.js';

export const LANG_SWITCH_FIELD = 'mamori_lang';
/** The id of a page's form that the toggle submits; only forms whose route has a redisplay carry it. */
export const PAGE_FORM_ID = 'page-form';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Renders this POST route's form again for a language toggle, doing nothing else. */
    redisplay?: RouteHandlerMethod;
  }
}

/** Route options of a POST route whose form the toggle may submit: `scope.post(url, redisplayedBy(…), handler)`. */
export function redisplayedBy(redisplay: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>): { config: { redisplay: RouteHandlerMethod } } {
  return { config: { redisplay: redisplay as RouteHandlerMethod } };
}

/** The language a toggle's post asks for; undefined for every other request (and for a refused toggle: nothing remembered). */
export function languageSwitchOf(request: FastifyRequest): Lang | undefined {
  if (request.method !== 'POST' || typeof request.body !== 'object' || request.body === null) return undefined;
  if (request.routeOptions.config.redisplay === undefined) return undefined;
  return parseLang((request.body as Record<string, unknown>)[LANG_SWITCH_FIELD]);
}

/** Sends every toggle post of the scope's routes to the route's redisplay, never to its handler. */
export function addLanguageToggle(scope: FastifyInstance): void {
  scope.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || typeof request.body !== 'object' || request.body === null || !(LANG_SWITCH_FIELD in request.body)) return;
    const redisplay = request.routeOptions.config.redisplay;
    if (redisplay === undefined || languageSwitchOf(request) === undefined) {
      // Not a form the toggle submits (or not a language): refused, and the handler never runs.
      throw Object.assign(new Error('language toggle posted to a route without a redisplay'), { statusCode: 400 });
    }
    await redisplay.call(scope, request, reply);
    return reply;
  });
}

/** The query a GET page's toggle keeps: notice words, never digits, ids or free text — */
const KEPT_QUERY = /^[a-z_]{1,32}$/;
/** — and the page number of a paginated list (`?page=2`), so a toggle stays on that page. */
const KEPT_PAGE = /^[1-9][0-9]{0,2}$/;

function keptInToggle(name: string, value: string): boolean {
  return name !== 'lang' && KEPT_QUERY.test(name) && (KEPT_QUERY.test(value) || (name === 'page' && KEPT_PAGE.test(value)));
}

export type LanguageToggle = { kind: 'link'; href: string } | { kind: 'form' };

/** Which toggle a page gets (see the file comment); `body` is the page's content. */
export function toggleFor(request: FastifyRequest, input: { base: string; body: SafeHtml; lang: Lang; status: number; afterPost?: string }): LanguageToggle {
  const other: Lang = input.lang === 'ja' ? 'en' : 'ja';
  // PAGE_FORM_ID is written only by our views: an escaped value can never contain `id="…"`.
  if (input.body.value.includes(`id="${PAGE_FORM_ID}"`)) return { kind: 'form' };
  const [path = input.base, query = ''] = request.url.split('?', 2);
  const own = path.startsWith(input.base) ? path : input.base;
  // A refusal (not found, bad input, another's id) echoes nothing of what was asked — a guessed
  // id, an over-long or hostile path: the link is relative, so the browser keeps the path itself.
  if (input.status >= 400 && input.afterPost === undefined) return { kind: 'link', href: `?lang=${other}` };
  if (request.method === 'GET') {
    // A page keeps its notices (`?done=changed`), never an echo of an id or free text.
    const params = new URLSearchParams();
    for (const [name, value] of new URLSearchParams(query)) if (keptInToggle(name, value)) params.append(name, value);
    params.set('lang', other);
    return { kind: 'link', href: `${own}?${params.toString()}` };
  }
  if (input.afterPost !== undefined) return { kind: 'link', href: `${input.afterPost}?lang=${other}` };
  const route = request.routeOptions.url;
  const hasGet = route !== undefined && request.server.hasRoute({ method: 'GET', url: route });
  return { kind: 'link', href: `${hasGet ? own : input.base}?lang=${other}` };
}

/** A link to a fixed page of the site (the login page with its notice), for the toggle. */
export function toggleLink(path: string, query: string | undefined, lang: Lang): LanguageToggle {
  return { kind: 'link', href: `${path}?${query ? `${query}&` : ''}lang=${lang === 'ja' ? 'en' : 'ja'}` };
}

/**
 * The toggle in a page's header: a link, or a submit button of the page's form.
 *
 * A form's default button — the one Enter in a field (or a phone keyboard's 「開く」/Go) presses —
 * is its first submit button in document order, and the header comes before the form: the toggle
 * would be it, and Enter in the code field would switch the language instead of sending the code.
 * So the toggle is preceded by a nameless submit button of the form, out of sight and out of the
 * Tab order, which sends the form as its own main button does (routes read a missing `op` as the
 * main action).
 */
export function renderToggle(lang: Lang, toggle: LanguageToggle, label: string): SafeHtml {
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  return toggle.kind === 'link'
    ? html`<a href="${toggle.href}" lang="${other}" hreflang="${other}">${label}</a>`
    : html`<button type="submit" form="${PAGE_FORM_ID}" class="default-submit" tabindex="-1" aria-hidden="true">${lang === 'ja' ? '送信' : 'Send'}</button><button type="submit" form="${PAGE_FORM_ID}" name="${LANG_SWITCH_FIELD}" value="${other}" formnovalidate class="link-button link-button--plain" lang="${other}">${label}</button>`;
}
