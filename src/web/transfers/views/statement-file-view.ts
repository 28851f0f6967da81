// 入出金明細 as a file: the form under the statement — 開始日, 終了日, 文字コード → 「ダウンロード」.
// A GET form (the file changes nothing), so the browser downloads what it answers.
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang } from '../../i18n.js';
import type { FieldErrors } from '../../form-input.js';
import { errorSummary } from '../../personal-web/views/form-parts.js';
import { STATEMENT_ENCODINGS } from '../../../banking/ledger/statement-file.js';
import { STATEMENT_TEXT as S, type StatementFormValues } from '../../statement-download.js';
import { hidden } from './controls.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

export function statementFileForm(ctx: ViewContext, input: { accountId: string; values: StatementFormValues; errors?: FieldErrors }): SafeHtml {
  const { lang, base } = ctx;
  const errors = input.errors ?? {};
  const dayField = (name: 'from' | 'to') => {
    const id = `f-${name}`;
    const error = errors[name];
    return html`<div class="field">
  <label for="${id}">${pick(lang, S[name])}</label>
  <input id="${id}" name="${name}" type="date" value="${input.values[name]}" maxlength="10" aria-describedby="${id}-hint${error ? html` ${id}-error` : ''}"${error ? html` aria-invalid="true"` : ''} required>
  <span class="hint" id="${id}-hint">${pick(lang, S.dayHint)}</span>
  ${error ? html`<span class="field-error" id="${id}-error">${pick(lang, error)}</span>` : ''}
</div>`;
  };
  return html`<section class="card" aria-labelledby="statement-file-title">
  <h2 id="statement-file-title">${pick(lang, S.fileTitle)}</h2>
  <p class="hint">${pick(lang, S.fileLead)}</p>
  ${errorSummary(lang, Object.values(errors))}
  <form method="get" action="${base}transfers/history.csv" novalidate>
    ${hidden('account', input.accountId)}
    ${dayField('from')}
    ${dayField('to')}
    <fieldset class="positions choices">
      <legend>${pick(lang, S.encoding)}</legend>
      ${STATEMENT_ENCODINGS.map(
        (e) => html`<div class="choice"><input type="radio" id="c-encoding-${e}" name="encoding" value="${e}"${e === input.values.encoding ? html` checked` : ''}> <label for="c-encoding-${e}">${pick(lang, S[e])}</label></div>`,
      )}
      ${errors.encoding ? html`<span class="field-error">${pick(lang, errors.encoding)}</span>` : ''}
    </fieldset>
    <div class="actions"><button type="submit" class="button">${pick(lang, S.download)}</button></div>
  </form>
</section>`;
}
