// The page frame: institution branding (name, colour via its own stylesheet), the language
// toggle, logout on signed-in pages, and the support centre in the footer.
import type { Institution } from '../../banking/institutions.js';
import { STYLESHEET_PATH } from '../assets.js';
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
  return html`${documentHead({ lang, title: `${input.title} | ${name} ${pick(lang, T.service)}`, stylesheets: [STYLESHEET_PATH, `${base}brand.css`] })}
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
${input.body}
</main>
<footer class="site-footer">
  <div class="site-footer__inner">
    <p>${pick(lang, T.contactUs)}: ${supportName(institution, lang)} ${institution.support.phone}</p>
    <p>${supportHours(institution, lang)}</p>
  </div>
</footer>
</body>
</html>`;
}

