// The page frame: institution branding (name, colour via its own stylesheet), the language
// toggle, logout and the idle timeout on signed-in pages, and the support centre in the footer
// (unless the page shows it in a box of its own).
import type { Institution } from '../../banking/institutions.js';
import { japanDateTime } from '../../shared/japan-time.js';
import { SESSION_TIMER_PATH, STYLESHEET_PATH } from '../assets.js';
import { html, type SafeHtml } from '../html.js';
import { documentHead } from '../page-head.js';
import { renderToggle, type LanguageToggle } from '../language-toggle.js';
import { pick, type Lang } from '../i18n.js';
import { T } from './messages.js';

export interface LayoutInput {
  institution: Institution;
  lang: Lang;
  title: string;
  body: SafeHtml;
  /** The language toggle: a link, or a submit button of the page's form (src/web/language-toggle.ts). */
  toggle: LanguageToggle;
  /** Present on signed-in pages: the logout form needs the session's CSRF token. */
  logoutCsrf?: string;
  /** Present on signed-in pages: when the session ends if nothing is done (sessionEndOf in page-context.ts). */
  sessionEnd?: SessionEnd;
  /** The body shows the support centre in a box (supportBlock): the footer does not repeat it. */
  supportInBody?: boolean;
}

/** When a signed-in page's session ends without a request, and where a request to keep it goes. */
export interface SessionEnd {
  /** The end, epoch ms: the last touch plus the idle timeout, at most the absolute lifetime. */
  endsAtMs: number;
  /** From this answer to the end, by the site's clock (the script counts from its own clock). */
  remainingMs: number;
  idleMs: number;
  keepAliveUrl: string;
  /** The login page saying the session timed out: where the script's notice of the end leads. */
  loginUrl: string;
}

/**
 * The idle timeout of a signed-in page: without JavaScript a sentence with the time; with it
 * /assets/session-timer.js warns in #session-warning (a live region, empty until then) a
 * minute before, offers 「ログインを延長する」 and says when the session has ended. Its words
 * come from here, in the page's language.
 */
function sessionEndNotice(lang: Lang, end: SessionEnd): SafeHtml {
  return html`<p class="session-end" data-session-ends-at="${String(end.endsAtMs)}" data-remaining-ms="${String(end.remainingMs)}" data-idle-ms="${String(end.idleMs)}" data-keep-alive="${end.keepAliveUrl}" data-login-url="${end.loginUrl}" data-warning="${pick(lang, T.sessionWarning)}" data-extend="${pick(lang, T.sessionExtend)}" data-extended="${pick(lang, T.sessionExtended)}" data-extend-failed="${pick(lang, T.sessionExtendFailed)}" data-ended="${pick(lang, T.timedOut)}" data-to-login="${pick(lang, T.toLogin)}">${pick(lang, T.sessionEndsBefore)}<time class="session-end__time" datetime="${new Date(end.endsAtMs).toISOString()}">${japanDateTime(end.endsAtMs)}</time>${pick(lang, T.sessionEndsAfter)}</p>
<div id="session-warning" class="session-warning" aria-live="assertive" aria-atomic="true"></div>`;
}

export function basePath(institution: Pick<Institution, 'slug'>): string {
  return `/ib/${institution.slug}/`;
}

export function supportName(institution: Institution, lang: Lang): string {
  return lang === 'ja' ? institution.support.name : institution.support.nameEn;
}

export function supportHours(institution: Institution, lang: Lang): string {
  return lang === 'ja' ? institution.support.hours : institution.support.hoursEn;
}

export function institutionName(institution: Institution, lang: Lang): string {
  return lang === 'ja' ? institution.name : institution.nameEn;
}

export function layout(input: LayoutInput): SafeHtml {
  const { institution, lang } = input;
  const base = basePath(institution);
  const name = institutionName(institution, lang);
  return html`${documentHead({ lang, title: `${input.title} | ${name} ${pick(lang, T.service)}`, stylesheets: [STYLESHEET_PATH, `${base}brand.css`], ...(input.sessionEnd ? { scripts: [SESSION_TIMER_PATH] } : {}) })}
<body>
<a class="skip-link" href="#main">${pick(lang, T.skipToContent)}</a>
<header class="site-header">
  <div class="site-header__inner">
    <p class="site-header__name">${name}<span class="site-header__service">${pick(lang, T.service)}</span></p>
    <nav class="site-header__tools" aria-label="${pick(lang, T.toolsLabel)}">
      ${renderToggle(lang, input.toggle, pick(lang, T.otherLanguage))}
      <a href="${base}help">${pick(lang, T.help)}</a>
      ${input.logoutCsrf !== undefined
        ? html`<form method="post" action="${base}logout"><input type="hidden" name="csrf" value="${input.logoutCsrf}"><button type="submit" class="link-button">${pick(lang, T.logout)}</button></form>`
        : ''}
    </nav>
  </div>
</header>
<main id="main" class="site-main">
${input.sessionEnd ? sessionEndNotice(lang, input.sessionEnd) : ''}
${input.body}
</main>
${input.supportInBody
  ? ''
  : html`<footer class="site-footer">
  <div class="site-footer__inner">
    <p>${pick(lang, T.contactUs)}: ${supportName(institution, lang)} ${institution.support.phone}</p>
    <p>${supportHours(institution, lang)}</p>
  </div>
</footer>`}
</body>
</html>`;
}

