// 入出金明細 as a file: the form under the statement — 開始日, 終了日, 文字コード → 「ダウンロード」.
// A GET form (the file changes nothing), so the browser downloads what it answers.
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang } from '../../i18n.js';
import type { FieldErrors } from '../../form-input.js';
import { errorSummary } from '../../personal-web/views/form-parts.js';
import { STATEMENT_TEXT as S, statementFields, type StatementFormValues } from '../../statement-download.js';
import { hidden } from './controls.js';

interface ViewContext {
  lang: Lang;
  base: string;
}

export function statementFileForm(ctx: ViewContext, input: { accountId: string; values: StatementFormValues; errors?: FieldErrors }): SafeHtml {
  const { lang, base } = ctx;
  return html`<section class="card" aria-labelledby="statement-file-title">
  <h2 id="statement-file-title">${pick(lang, S.fileTitle)}</h2>
  <p class="hint">${pick(lang, S.fileLead)}</p>
  ${errorSummary(lang, Object.values(input.errors ?? {}))}
  <form method="get" action="${base}transfers/history.csv" novalidate>
    ${hidden('account', input.accountId)}
    ${statementFields(lang, input)}
    <div class="actions"><button type="submit" class="button">${pick(lang, S.download)}</button></div>
  </form>
</section>`;
}
