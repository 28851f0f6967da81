// How every HTML document of ours opens — the bank site's and the console's pages, their
// standalone error pages, the landing page and the development mailbox: the language, UTF-8,
// the phone viewport, no Referer sent to other sites, the title, our icon, and then only
// stylesheets and scripts of our own files (the CSP allows nothing inline).
import { ICON_PATH } from './assets.js';
import { html, type SafeHtml } from './html.js';
import type { Lang } from './i18n.js';

export interface DocumentHead {
  lang: Lang;
  title: string;
  stylesheets: readonly string[];
  scripts?: readonly string[];
  /** Staff pages: kept out of search engines even if a link to them leaks. */
  noIndex?: boolean;
}

/** `<!doctype html>` up to `</head>`: the document's `<body>` and `</html>` follow. */
export function documentHead(head: DocumentHead): SafeHtml {
  return html`<!doctype html>
<html lang="${head.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${head.noIndex ? html`<meta name="robots" content="noindex, nofollow">\n` : ''}<title>${head.title}</title>
<link rel="icon" href="${ICON_PATH}" type="image/svg+xml">
${head.stylesheets.map((href) => html`<link rel="stylesheet" href="${href}">\n`)}${(head.scripts ?? []).map((src) => html`<script src="${src}" defer></script>\n`)}</head>`;
}
