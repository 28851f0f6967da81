// Pages of one message: results, refusals, the lock page, errors.
import type { Institution } from '../../../banking/institutions.js';
import { STYLESHEET_PATH } from '../../assets.js';
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang, type Text } from '../../i18n.js';
import { T } from '../messages.js';
import { supportHours, supportName } from '../layout.js';
import { backToLoginButton, notice } from './form-parts.js';
import { documentHead } from '../../page-head.js';

interface MessageContext {
  lang: Lang;
  base: string;
  institution: Institution;
}

export function supportBlock(lang: Lang, institution: Institution): SafeHtml {
  return html`<div class="notice">
  <p class="notice__title">${pick(lang, T.contactUs)}</p>
  <p>${supportName(institution, lang)} ${institution.support.phone}</p>
  <p>${supportHours(institution, lang)}</p>
</div>`;
}

export function messagePage(
  ctx: MessageContext,
  input: { title: Text; lines: Text[]; kind: 'ok' | 'warn' | 'error' | 'info'; withSupport?: boolean },
): SafeHtml {
  const [first, ...rest] = input.lines;
  return html`<section class="card">
  <h1 id="page-title">${pick(ctx.lang, input.title)}</h1>
  ${first ? notice(ctx.lang, input.kind, [first]) : ''}
  ${rest.map((line) => html`<p>${pick(ctx.lang, line)}</p>`)}
  ${input.withSupport ? supportBlock(ctx.lang, ctx.institution) : ''}
  <div class="actions">${backToLoginButton(ctx.lang, ctx.base)}</div>
</section>`;
}

/**
 * A page outside any institution (unknown slug, or the error page when even the institution
 * could not be read): no branding, same stylesheet and headers; `backTo`, a login page's path.
 */
export function standalonePage(lang: Lang, title: Text, lines: Text[], backTo?: string): SafeHtml {
  return html`${documentHead({ lang, title: pick(lang, title), stylesheets: [STYLESHEET_PATH] })}
<body><main id="main" class="site-main"><section class="card"><h1>${pick(lang, title)}</h1>
${lines.map((line) => html`<p>${pick(lang, line)}</p>`)}
${backTo === undefined ? '' : html`<div class="actions">${backToLoginButton(lang, backTo)}</div>`}
</section></main></body>
</html>`;
}
