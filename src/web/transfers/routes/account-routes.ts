// 振込 (the transfer menu with balances) and 入出金明細 (an account's statement, paginated, and as a CSV file).
import type { FastifyInstance } from 'fastify';
import { listHistory } from '../../../banking/ledger/history.js';
import { getLimitStatus } from '../../../banking/limits/daily-limit.js';
import { readDayCap } from '../../../banking/limits/limit-shaping.js';
import { listDoneTransfers } from '../../../banking/transfers/transfer-store.js';
import { sendMessage } from '../../personal-web/page-context.js';
import type { Site } from '../../personal-web/site.js';
import { openSignedIn, ownAccounts, show, type SignedIn } from '../signed-in.js';
import { TT } from '../transfer-messages.js';
import type { TransfersWebDeps } from '../transfers-deps.js';
import { historyView, transferMenuView } from '../views/account-views.js';
import { bankLabelsOf, shownTransfer } from '../bank-labels.js';
import { statementFileForm } from '../views/statement-file-view.js';
import { listPostingsInPeriod, statementCsv } from '../../../banking/ledger/statement-file.js';
import { asFormBody, type FieldErrors } from '../../form-input.js';
import { defaultStatementValues, readStatementRequest, sendStatementFile, type StatementFormValues } from '../../statement-download.js';

export const HISTORY_PAGE_SIZE = 20;

export function registerAccountRoutes(scope: FastifyInstance, site: Site, deps: TransfersWebDeps): void {
  scope.get('/ib/:slug/transfers', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const { ctx, customer } = page;
    const ref = { institution: ctx.institution.slug, contractId: customer.contract_id };
    const [accounts, limit, dayCap, recent, labels] = await Promise.all([
      ownAccounts(page),
      getLimitStatus(ctx.db, { ...ref, defaultLimitYen: ctx.institution.policy.dailyLimitDefaultYen, nowMs: ctx.site.nowMs() }),
      readDayCap(ctx.db, { ...ref, policy: ctx.institution.policy, nowMs: ctx.site.nowMs() }),
      listDoneTransfers(ctx.db, { ...ref, limit: 5 }),
      bankLabelsOf(ctx),
    ]);
    return show(page, { title: TT.transfersTitle, body: transferMenuView(ctx, { accounts, limit, dayCap, recent: recent.map((t) => shownTransfer(labels, t)), tokenRegistered: customer.token_binding_id !== null }) });
  });

  /** The statement page of the account the query names (else the first), with the file form; undefined after a refusal page. */
  const showHistory = async (page: SignedIn, input: { status?: number; values?: StatementFormValues; errors?: FieldErrors } = {}) => {
    const query = page.ctx.request.query as Record<string, unknown>;
    const accounts = await ownAccounts(page);
    const selected = accounts.find((a) => a.account.id === query.account) ?? accounts[0];
    if (!selected) return sendMessage(page.ctx, { status: 409, title: TT.historyTitle, lines: [TT.noAccount], kind: 'warn' });
    const pageNumber = typeof query.page === 'string' && /^\d{1,6}$/.test(query.page) ? Number(query.page) : 1;
    const history = await listHistory(page.ctx.db, { accountId: selected.account.id, page: pageNumber, pageSize: HISTORY_PAGE_SIZE });
    if (!history) return sendMessage(page.ctx, { status: 404, title: TT.historyTitle, lines: [TT.noAccount], kind: 'warn' });
    const download = statementFileForm(page.ctx, {
      accountId: selected.account.id,
      values: input.values ?? defaultStatementValues(page.ctx.site.nowMs()),
      ...(input.errors ? { errors: input.errors } : {}),
    });
    return show(page, { title: TT.historyTitle, body: historyView(page.ctx, { accounts, selected, page: history, download }), ...(input.status ? { status: input.status } : {}) });
  };

  scope.get('/ib/:slug/transfers/history', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    return showHistory(page);
  });

  // 入出金明細 as a file (src/banking/ledger/statement-file.ts): the customer's own account only;
  // a bad period is the statement page again with the form's messages, nothing sent.
  scope.get('/ib/:slug/transfers/history.csv', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const query = asFormBody(request.query);
    const accounts = await ownAccounts(page);
    const selected = accounts.find((a) => a.account.id === query.account) ?? (query.account === undefined ? accounts[0] : undefined);
    if (!selected) return sendMessage(page.ctx, { status: 404, title: TT.historyTitle, lines: [TT.noAccount], kind: 'warn' });
    const asked = readStatementRequest(query, page.ctx.site.nowMs());
    if (!asked.ok) return showHistory(page, { status: 400, values: asked.values, errors: asked.errors });
    const lines = await listPostingsInPeriod(page.ctx.db, { accountId: selected.account.id, period: asked.period });
    return sendStatementFile(reply, { csv: statementCsv(lines, page.ctx.lang), period: asked.period, encoding: asked.encoding });
  });
}
