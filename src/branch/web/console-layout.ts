// The console's page frame: the institution's name and colour, 「営業店端末」, the signed-in
// operator with their role and 「ログアウト」, the navigation their role allows, and the
// language toggle. Shares the bank site's stylesheet and adds its own (wider pages, tables,
// the printed customer card).
import type { Institution } from '../../banking/institutions.js';
import { STYLESHEET_PATH } from '../../web/assets.js';
import { html, type SafeHtml } from '../../web/html.js';
import { documentHead } from '../../web/page-head.js';
import { renderToggle, type LanguageToggle } from '../../web/language-toggle.js';
import { pick, type Lang } from '../../web/i18n.js';
import type { OperatorRole } from '../branch.tables.js';
import { C, ROLE_NAMES } from './messages.js';

export const CONSOLE_STYLESHEET_PATH = '/assets/branch-console.css';
export const CONSOLE_SCRIPT_PATH = '/assets/branch-console.js';

export interface NavItem {
  href: string;
  label: string;
}

export interface ConsoleLayoutInput {
  institution: Institution;
  lang: Lang;
  title: string;
  body: SafeHtml;
  base: string;
  /** The language toggle: a link, or a submit button of the page's form (src/web/language-toggle.ts). */
  toggle: LanguageToggle;
  bare: boolean;
  operator?: { login: string; role: OperatorRole; csrf: string };
  nav?: NavItem[];
}

export function consoleLayout(input: ConsoleLayoutInput): SafeHtml {
  const { institution, lang } = input;
  const name = lang === 'ja' ? institution.name : institution.nameEn;
  const service = pick(lang, C.service);
  return html`${documentHead({
    lang,
    title: `${input.title} | ${name} ${service}`,
    stylesheets: [STYLESHEET_PATH, CONSOLE_STYLESHEET_PATH, `${input.base}brand.css`],
    scripts: [CONSOLE_SCRIPT_PATH],
    noIndex: true,
  })}
<body class="console${input.bare ? ' console--bare' : ''}">
<a class="skip-link" href="#main">${pick(lang, C.skipToContent)}</a>
<header class="site-header console-header">
  <div class="site-header__inner console-header__inner">
    <p class="site-header__name">${name}<span class="site-header__service">${service}</span></p>
    <div class="site-header__tools">
      ${renderToggle(lang, input.toggle, pick(lang, C.otherLanguage))}
      ${input.operator
        ? html`<span class="console-operator">${pick(lang, C.signedInAs)}: <strong>${input.operator.login}</strong> (${pick(lang, ROLE_NAMES[input.operator.role])})</span>
      <form method="post" action="${input.base}logout"><input type="hidden" name="csrf" value="${input.operator.csrf}"><button type="submit" class="link-button">${pick(lang, C.logout)}</button></form>`
        : ''}
    </div>
  </div>
  ${input.nav && input.nav.length > 0
    ? html`<nav class="console-nav" aria-label="${pick(lang, C.navLabel)}"><ul>${input.nav.map((item) => html`<li><a href="${item.href}">${item.label}</a></li>`)}</ul></nav>`
    : ''}
</header>
<main id="main" class="console-main">
${input.body}
</main>
</body>
</html>`;
}

