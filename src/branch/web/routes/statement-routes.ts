// 入出金明細 (CSV) for a customer, on a written request at the branch: the same file the customer
// downloads from the statement page (src/banking/ledger/statement-file.ts), of one of the
// contract's own accounts, for a period of at most a year. The export is audited in its own
// transaction before the file is sent (who took which account's period out of the bank, on
// which written request); bad input is the form again with its messages, and nothing is sent
// or recorded.
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../../../audit/audit-log.js';
import { CONTRACT_ID_PATTERN, findCustomer } from '../../../banking/customers.js';
import { listAccountsOfContract, listBranches } from '../../../banking/ledger/accounts.js';
import { listPostingsInPeriod, statementCsv } from '../../../banking/ledger/statement-file.js';
import type { FieldErrors } from '../../../web/form-input.js';
import { defaultStatementValues, readStatementRequest, sendStatementFile, STATEMENT_TEXT } from '../../../web/statement-download.js';
import { operatorActor } from '../../operators.js';
import { openConsole, requireOperator, requireOperatorPost, sendMessage, sendPage, type Console, type ConsoleContext, type SignedIn } from '../console-context.js';
import { readWrittenRequest } from '../form-fields.js';
import { C } from '../messages.js';
import { statementView, type StatementAccountChoice } from '../views/statement-views.js';

interface StatementCustomer {
  contractId: string;
  name: string;
  accounts: StatementAccountChoice[];
}

/** The customer of the path in the operator's own institution, with their accounts; undefined after the 404 page. */
async function statementCustomer(ctx: ConsoleContext, signedIn: SignedIn): Promise<StatementCustomer | undefined> {
  const contractId = (ctx.request.params as { contractId?: string }).contractId;
  const customer = contractId !== undefined && CONTRACT_ID_PATTERN.test(contractId) ? await findCustomer(ctx.db, ctx.institution.slug, contractId) : undefined;
  if (!customer) {
    sendMessage(ctx, { status: 404, title: C.customerTitle, lines: [C.customerNotFound], kind: 'info', signedIn });
    return undefined;
  }
  const [accounts, branches] = await Promise.all([
    listAccountsOfContract(ctx.db, { institution: ctx.institution.slug, contractId: customer.contract_id }),
    listBranches(ctx.db, ctx.institution.slug),
  ]);
  return {
    contractId: customer.contract_id,
    name: customer.name,
    accounts: accounts.map((a) => ({ id: a.id, label: `${branches.find((b) => b.code === a.branch_code)?.name ?? a.branch_code ?? ''} ${ctx.t(C.statementOrdinary)} ${a.account_number ?? ''} ${a.holder_name}` })),
  };
}

export function registerStatementRoutes(scope: FastifyInstance, console: Console): void {
  const show = (ctx: ConsoleContext, signedIn: SignedIn, customer: StatementCustomer, input: { status?: number; accountId?: string; values?: Parameters<typeof statementView>[1]['values']; errors?: FieldErrors } = {}) =>
    sendPage(ctx, {
      status: input.status ?? 200,
      title: STATEMENT_TEXT.fileTitle,
      signedIn,
      togglePath: `${ctx.base}customers/${customer.contractId}/statement`,
      body: statementView(ctx, {
        signedIn,
        contractId: customer.contractId,
        name: customer.name,
        accounts: customer.accounts,
        accountId: input.accountId ?? customer.accounts[0]?.id ?? '',
        values: input.values ?? defaultStatementValues(console.nowMs()),
        ...(input.errors ? { errors: input.errors } : {}),
      }),
    });

  scope.get('/branch/:slug/customers/:contractId/statement', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const signedIn = await requireOperator(ctx, 'view_customers');
    if (!signedIn) return;
    const customer = await statementCustomer(ctx, signedIn);
    if (!customer) return;
    if (customer.accounts.length === 0) return sendMessage(ctx, { status: 409, title: STATEMENT_TEXT.fileTitle, lines: [C.statementNoAccount], kind: 'warn', signedIn });
    return show(ctx, signedIn, customer);
  });

  scope.post('/branch/:slug/customers/:contractId/statement', async (request, reply) => {
    const ctx = await openConsole(console, request, reply);
    if (!ctx) return;
    const posted = await requireOperatorPost(ctx, 'view_customers');
    if (!posted) return;
    const { signedIn, body } = posted;
    const customer = await statementCustomer(ctx, signedIn);
    if (!customer) return;
    if (customer.accounts.length === 0) return sendMessage(ctx, { status: 409, title: STATEMENT_TEXT.fileTitle, lines: [C.statementNoAccount], kind: 'warn', signedIn });

    const errors: FieldErrors = {};
    const account = customer.accounts.find((a) => a.id === body.account);
    if (!account) errors.account = C.statementAccountUnknown;
    const asked = readStatementRequest(body, console.nowMs());
    if (!asked.ok) Object.assign(errors, asked.errors);
    const written = readWrittenRequest(body, errors);
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).slice(0, 200) : '');
    if (!account || !asked.ok || !written) {
      const values = { ...(asked.ok ? { from: asked.period.from, to: asked.period.to, encoding: asked.encoding } : asked.values), requestFormNo: text('requestFormNo'), reason: text('reason') };
      return show(ctx, signedIn, customer, { status: 400, ...(account ? { accountId: account.id } : {}), values, errors });
    }

    const lines = await listPostingsInPeriod(ctx.db, { accountId: account.id, period: asked.period });
    const nowMs = console.nowMs();
    await ctx.db.transaction().execute((trx) =>
      appendAudit(trx, {
        chain: ctx.institution.slug,
        at: nowMs,
        actor: operatorActor(signedIn.operator.login),
        action: 'statement_exported',
        subject: customer.contractId,
        details: {
          accountId: account.id,
          from: asked.period.from,
          to: asked.period.to,
          encoding: asked.encoding,
          rows: lines.length,
          requestFormNo: written.requestFormNo,
          reason: written.reason,
        },
      }),
    );
    return sendStatementFile(reply, { csv: statementCsv(lines, ctx.lang), period: asked.period, encoding: asked.encoding });
  });
}
