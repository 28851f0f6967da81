// Japanese first, English beside: every text of the bank site and the console is a pair, picked
// per request. The language comes from `?lang=en|ja` (remembered in a cookie) or the cookie,
// else Japanese.
//
// The web kit's words are the shared shape (src/shared/text.ts, also the browser token's and the
// notifications'): re-exported here so that the sites keep importing them from the web kit.
import type { Lang } from '../shared/text.js';

export { pick, type Lang, type Text } from '../shared/text.js';

export function parseLang(value: unknown): Lang | undefined {
  return value === 'ja' || value === 'en' ? value : undefined;
}

export const LANG_COOKIE = 'mamori_lang';

/** A request's language as above, read without the institution (even when the database is down). */
export function requestLang(request: { query?: unknown; cookies?: Record<string, string | undefined> }): Lang {
  return parseLang((request.query as Record<string, unknown> | undefined)?.lang) ?? parseLang(request.cookies?.[LANG_COOKIE]) ?? 'ja';
}
