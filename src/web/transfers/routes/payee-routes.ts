// 振込先登録: the list, adding (with the same bank/branch search as the transfer form),
// changing, deleting, and registering the payee of a finished transfer from its result page.
import type { FastifyInstance } from 'fastify';
import {
  addRegisteredPayee,
  findRegisteredPayee,
  listRegisteredPayees,
  removeRegisteredPayee,
  updateRegisteredPayee,
  type SavePayeeResult,
} from '../../../banking/transfers/registered-payees.js';
import { platformBanks } from '../../../banking/transfers/platform-banks.js';
import { findTransferOfContract } from '../../../banking/transfers/transfer-store.js';
import { redisplayedBy } from '../../language-toggle.js';
import type { Text } from '../../i18n.js';
import { sendMessage } from '../../personal-web/page-context.js';
import type { Site } from '../../personal-web/site.js';
import type { FieldErrors } from '../../personal-web/views/form-parts.js';
import { openSignedIn, postedForm, seeOther, show, type SignedIn } from '../signed-in.js';
import { payeeInputOf, readOp, readPayeeValues, resolveBankAndBranch, textOf, type FormOp, type PayeeFormValues } from '../transfer-form.js';
import { prepareErrorText, savePayeeErrorText, TT } from '../transfer-messages.js';
import type { TransfersWebDeps } from '../transfers-deps.js';
import { bankLabels, bankLabelsOf, shownPayee, shownResolution } from '../bank-labels.js';
import { payeeFormView, payeeListView } from '../views/settings-views.js';

const PAYEE_ID = /^py_[0-9a-f]{32}$/;
const DONE_NOTICES: Record<string, Text> = { added: TT.payeeSaved, updated: TT.payeeUpdated, deleted: TT.payeeDeleted };

async function showForm(
  page: SignedIn,
  input: { action: string; title: Text; values: PayeeFormValues; nickname: string; op: FormOp; errors?: FieldErrors; status?: number },
) {
  const extraBanks = await platformBanks(page.ctx.db);
  const { values, resolution } = resolveBankAndBranch(input.values, input.op, extraBanks);
  return show(page, {
    title: input.title,
    status: input.status ?? 200,
    body: payeeFormView(page.ctx, { action: input.action, title: input.title, values, resolution: shownResolution(bankLabels(page.ctx.lang, extraBanks), resolution), errors: input.errors ?? {}, nickname: input.nickname, csrf: page.session.csrfToken }),
  });
}

function errorsOf(result: Extract<SavePayeeResult, { ok: false }>): FieldErrors {
  const field = result.field === undefined ? 'form' : result.field;
  return { [field]: savePayeeErrorText(result.error) };
}

export function registerPayeeRoutes(scope: FastifyInstance, site: Site, deps: TransfersWebDeps): void {
  const contract = (page: SignedIn) => ({ institution: page.ctx.institution.slug, contractId: page.customer.contract_id });
  const actor = (page: SignedIn) => `customer:${page.customer.contract_id}`;

  scope.get('/ib/:slug/transfers/payees', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const done = DONE_NOTICES[String((request.query as Record<string, unknown>).done ?? '')];
    const [payees, labels] = await Promise.all([listRegisteredPayees(page.ctx.db, contract(page)), bankLabelsOf(page.ctx)]);
    return show(page, { title: TT.payeesTitle, body: payeeListView(page.ctx, { payees: payees.map((p) => shownPayee(labels, p)), csrf: page.session.csrfToken, ...(done ? { done } : {}) }) });
  });

  scope.get('/ib/:slug/transfers/payees/new', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const values = { bank: '', branch: '', accountType: 'ordinary', accountNumber: '', payeeName: '' };
    return showForm(page, { action: 'transfers/payees/new', title: TT.addPayee, values, nickname: '', op: 'searchBranch' });
  });

  // The language toggle: the form again with what was typed, nothing saved.
  const redisplay = redisplayedBy(async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const body = await postedForm(page);
    if (!body) return;
    const id = (request.params as { id?: string }).id;
    if (id !== undefined && !PAYEE_ID.test(id)) return sendMessage(page.ctx, { status: 404, title: TT.payeesTitle, lines: [savePayeeErrorText('payee_not_found')], kind: 'warn' });
    const form = id === undefined ? { action: 'transfers/payees/new', title: TT.addPayee } : { action: `transfers/payees/${id}`, title: TT.editPayee };
    return showForm(page, { ...form, values: readPayeeValues(body), nickname: textOf(body, 'nickname', 30), op: 'next' });
  });

  scope.post('/ib/:slug/transfers/payees/new', redisplay, async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const body = await postedForm(page);
    if (!body) return;
    const op = readOp(body);
    const typed = readPayeeValues(body);
    const nickname = textOf(body, 'nickname', 30);
    const form = { action: 'transfers/payees/new', title: TT.addPayee, nickname, op };
    if (op !== 'next') return showForm(page, { ...form, values: typed });
    const { values, resolution } = resolveBankAndBranch(typed, op, await platformBanks(page.ctx.db));
    if (!resolution.bank) return showForm(page, { ...form, values: typed, status: 400, errors: { bankCode: prepareErrorText('bank_code_invalid') } });
    if (!resolution.branch) return showForm(page, { ...form, values, status: 400, errors: { branchCode: prepareErrorText('branch_code_invalid') } });
    const saved = await addRegisteredPayee(page.ctx.db, { nowMs: deps.clock.nowMs(), randomBytes: deps.randomBytes }, { ...contract(page), payee: payeeInputOf(values), nickname, actor: actor(page) });
    if (saved.ok) return seeOther(page, 'transfers/payees?done=added');
    return showForm(page, { ...form, values, status: 400, errors: errorsOf(saved) });
  });

  scope.post('/ib/:slug/transfers/payees/from/:transferId', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    if (!(await postedForm(page))) return;
    const id = (request.params as { transferId: string }).transferId;
    const transfer = await findTransferOfContract(page.ctx.db, { ...contract(page), transferId: id });
    if (!transfer || transfer.status !== 'done') return sendMessage(page.ctx, { status: 404, title: TT.payeesTitle, lines: [TT.notFoundTransfer], kind: 'warn' });
    const p = transfer.payee;
    const saved = await addRegisteredPayee(page.ctx.db, { nowMs: deps.clock.nowMs(), randomBytes: deps.randomBytes }, {
      ...contract(page),
      payee: { bankCode: p.bankCode, branchCode: p.branchCode, accountType: p.accountType, accountNumber: p.accountNumber, name: p.name },
      actor: actor(page),
    });
    if (saved.ok || saved.error === 'payee_already_registered') return seeOther(page, 'transfers/payees?done=added');
    return sendMessage(page.ctx, { status: 400, title: TT.payeesTitle, lines: [savePayeeErrorText(saved.error)], kind: 'warn' });
  });

  scope.get('/ib/:slug/transfers/payees/:id', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const id = (request.params as { id: string }).id;
    const payee = PAYEE_ID.test(id) ? await findRegisteredPayee(page.ctx.db, { ...contract(page), payeeId: id }) : undefined;
    if (!payee) return sendMessage(page.ctx, { status: 404, title: TT.payeesTitle, lines: [savePayeeErrorText('payee_not_found')], kind: 'warn' });
    const values = { bank: payee.bank_code, branch: payee.branch_code, accountType: payee.account_type, accountNumber: payee.account_number, payeeName: payee.payee_name };
    return showForm(page, { action: `transfers/payees/${payee.id}`, title: TT.editPayee, values, nickname: payee.nickname, op: 'searchBranch' });
  });

  scope.post('/ib/:slug/transfers/payees/:id', redisplay, async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const body = await postedForm(page);
    if (!body) return;
    const id = (request.params as { id: string }).id;
    if (!PAYEE_ID.test(id)) return sendMessage(page.ctx, { status: 404, title: TT.payeesTitle, lines: [savePayeeErrorText('payee_not_found')], kind: 'warn' });
    const op = readOp(body);
    const typed = readPayeeValues(body);
    const nickname = textOf(body, 'nickname', 30);
    const form = { action: `transfers/payees/${id}`, title: TT.editPayee, nickname, op };
    if (op !== 'next') return showForm(page, { ...form, values: typed });
    const { values, resolution } = resolveBankAndBranch(typed, op, await platformBanks(page.ctx.db));
    if (!resolution.bank) return showForm(page, { ...form, values: typed, status: 400, errors: { bankCode: prepareErrorText('bank_code_invalid') } });
    if (!resolution.branch) return showForm(page, { ...form, values, status: 400, errors: { branchCode: prepareErrorText('branch_code_invalid') } });
    const saved = await updateRegisteredPayee(page.ctx.db, { nowMs: deps.clock.nowMs(), randomBytes: deps.randomBytes }, { ...contract(page), payeeId: id, payee: payeeInputOf(values), nickname, actor: actor(page) });
    if (saved.ok) return seeOther(page, 'transfers/payees?done=updated');
    if (saved.error === 'payee_not_found') return sendMessage(page.ctx, { status: 404, title: TT.payeesTitle, lines: [savePayeeErrorText('payee_not_found')], kind: 'warn' });
    return showForm(page, { ...form, values, status: 400, errors: errorsOf(saved) });
  });

  scope.post('/ib/:slug/transfers/payees/:id/delete', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    if (!(await postedForm(page))) return;
    const id = (request.params as { id: string }).id;
    const removed = PAYEE_ID.test(id) ? await removeRegisteredPayee(page.ctx.db, { nowMs: deps.clock.nowMs() }, { ...contract(page), payeeId: id, actor: actor(page) }) : { ok: false as const };
    if (!removed.ok) return sendMessage(page.ctx, { status: 404, title: TT.payeesTitle, lines: [savePayeeErrorText('payee_not_found')], kind: 'warn' });
    return seeOther(page, 'transfers/payees?done=deleted');
  });
}
