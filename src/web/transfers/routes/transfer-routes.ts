// 振込: input → 内容の確認 → 認証 → 受付完了.
//   GET/POST transfers/new        the form (POST searches bank/branch, or prepares the transfer)
//   GET      transfers/:id        内容の確認 of a pending transfer
//   GET/POST transfers/:id/auth   the OTP, transaction code or confirmation password → 「確認」
//   GET      transfers/:id/result 受付完了 with the 受付番号 (POST/redirect/GET: reloading or going
//                                 back never submits twice; a double submit gets the same result)
import type { FastifyInstance } from 'fastify';
import { listRegisteredPayees, findRegisteredPayee } from '../../../banking/transfers/registered-payees.js';
import { decideConfirmChallenge, type ConfirmAnswer, type ConfirmChallenge } from '../../../banking/transfers/confirm-authentication.js';
import { confirmingCustomer, customerConfirmPorts } from '../../../banking/transfers/confirm-ports.js';
import { confirmTransfer, receiptOf, type ConfirmTransferResult, type TransferBody } from '../../../banking/transfers/confirm-transfer.js';
import { prepareTransfer, type TransferInstitution } from '../../../banking/transfers/prepare-transfer.js';
import { platformBanks } from '../../../banking/transfers/platform-banks.js';
import { findTransferOfContract, type TransferView } from '../../../banking/transfers/transfer-store.js';
import { PAYEE_ACCOUNT_TYPES } from '../../../banking/transfers/payee-input.js';
import { getLimitStatus } from '../../../banking/limits/daily-limit.js';
import type { Institution } from '../../../banking/institutions.js';
import { readDigits } from '../../form-input.js';
import { redisplayedBy } from '../../language-toggle.js';
import { readConfirmation } from '../../personal-web/form-readers.js';
import type { Text } from '../../i18n.js';
import { confirmationWrong, fieldProblem, FORMATS, T, withRemaining } from '../../personal-web/messages.js';
import { confirmationName, sendLockedPage, sendPasswordLockedPage } from '../../personal-web/outcome-pages.js';
import { sendMessage } from '../../personal-web/page-context.js';
import type { Site } from '../../personal-web/site.js';
import type { FieldErrors } from '../../personal-web/views/form-parts.js';
import type { ConfirmationSpec } from '../../personal-web/views/token-views.js';
import { accountLabel } from '../format.js';
import { openSignedIn, ownAccounts, postedForm, seeOther, show, type OwnAccount, type SignedIn } from '../signed-in.js';
import { readOp, readTransferValues, resolveBankAndBranch, payeeInputOf, textOf, type TransferFormValues } from '../transfer-form.js';
import { limitRefusalText, prepareErrorText, transactionCodeRemaining, TT } from '../transfer-messages.js';
import type { TransfersWebDeps } from '../transfers-deps.js';
import { transferInputView } from '../views/transfer-input-view.js';
import { bankLabels, bankLabelsOf, shownPayee, shownResolution, shownTransfer } from '../bank-labels.js';
import { transferAuthView, transferConfirmView, transferResultView } from '../views/transfer-steps-view.js';

const TRANSFER_ID = /^tr_[0-9a-f]{32}$/;

export function transferInstitution(institution: Institution): TransferInstitution & { policy: Institution['policy'] } {
  return { slug: institution.slug, bankCode: institution.bankCode, policy: institution.policy, confirmation: institution.confirmation };
}

function sourceLabelOf(page: SignedIn, accounts: OwnAccount[], accountId: string): string {
  const own = accounts.find((a) => a.account.id === accountId);
  return own ? accountLabel(page.ctx.lang, own.account, own.branchName) : '';
}

async function showInput(
  page: SignedIn,
  input: { values: TransferFormValues; op: ReturnType<typeof readOp>; errors?: FieldErrors; formError?: Text[]; status?: number },
) {
  const { ctx } = page;
  const [accounts, payees, limit, extraBanks] = await Promise.all([
    ownAccounts(page),
    listRegisteredPayees(ctx.db, { institution: ctx.institution.slug, contractId: page.customer.contract_id }),
    getLimitStatus(ctx.db, { institution: ctx.institution.slug, contractId: page.customer.contract_id, defaultLimitYen: ctx.institution.policy.dailyLimitDefaultYen, nowMs: ctx.site.nowMs() }),
    platformBanks(ctx.db),
  ]);
  if (accounts.length === 0) return sendMessage(ctx, { status: 409, title: TT.transfersTitle, lines: [TT.noAccount], kind: 'warn' });
  const { values, resolution } = resolveBankAndBranch(input.values, input.op, extraBanks);
  const labels = bankLabels(ctx.lang, extraBanks);
  return show(page, {
    title: TT.transfersTitle,
    status: input.status ?? 200,
    body: transferInputView(ctx, {
      values: { ...input.values, ...values },
      resolution: shownResolution(labels, resolution),
      errors: input.errors ?? {},
      csrf: page.session.csrfToken,
      accounts,
      payees: payees.map((p) => shownPayee(labels, p)),
      remainingYen: limit.remainingYen,
      ...(input.formError ? { formError: input.formError } : {}),
    }),
  });
}

function emptyValues(): TransferFormValues {
  return { sourceAccountId: '', bank: '', branch: '', accountType: 'ordinary', accountNumber: '', payeeName: '', amount: '' };
}

/** The pending or done transfer of the URL, for this contract; undefined after a 404 page. */
async function loadTransfer(page: SignedIn, id: string): Promise<TransferView | undefined> {
  const transfer = TRANSFER_ID.test(id)
    ? await findTransferOfContract(page.ctx.db, { institution: page.ctx.institution.slug, contractId: page.customer.contract_id, transferId: id })
    : undefined;
  if (!transfer) await sendMessage(page.ctx, { status: 404, title: TT.transfersTitle, lines: [TT.notFoundTransfer], kind: 'warn' });
  return transfer;
}

function challengeOf(page: SignedIn, transfer: TransferView): { challenge: ConfirmChallenge; confirmation: ConfirmationSpec } {
  const { institution } = page.ctx;
  const challenge = decideConfirmChallenge({
    customer: { bindingId: page.customer.token_binding_id },
    transactionAuth: institution.policy.transactionAuth,
    confirmationMode: institution.confirmation.mode,
    transfer: { payeeAccountNumber: transfer.payee.accountNumber, amountYen: transfer.amountYen, passwordPositions: transfer.passwordPositions },
  });
  const confirmation: ConfirmationSpec =
    challenge.kind === 'confirmation_password' && challenge.mode === 'positions'
      ? { mode: 'positions', name: confirmationName(page.ctx), positions: challenge.positions }
      : { mode: 'whole', name: confirmationName(page.ctx), positions: [] };
  return { challenge, confirmation };
}

async function showAuth(page: SignedIn, transfer: TransferView, input: { status?: number; errors?: FieldErrors; formError?: Text[] } = {}) {
  const [accounts, labels] = await Promise.all([ownAccounts(page), bankLabelsOf(page.ctx)]);
  const { challenge, confirmation } = challengeOf(page, transfer);
  return show(page, {
    title: TT.transfersTitle,
    status: input.status ?? 200,
    body: transferAuthView(page.ctx, {
      transfer: shownTransfer(labels, transfer),
      sourceLabel: sourceLabelOf(page, accounts, transfer.sourceAccountId),
      challenge,
      confirmation,
      csrf: page.session.csrfToken,
      ...input,
    }),
  });
}

/** The transfer as the auth form echoes it back (hidden fields); compared with the stored one. */
function readBody(body: Record<string, unknown>): TransferBody {
  const accountType = PAYEE_ACCOUNT_TYPES.find((t) => t === textOf(body, 'payeeAccountType', 16)) ?? 'ordinary';
  const amountText = textOf(body, 'amountYen', 16);
  return {
    payee: {
      bankCode: textOf(body, 'payeeBankCode', 8),
      branchCode: textOf(body, 'payeeBranchCode', 8),
      accountType,
      accountNumber: textOf(body, 'payeeAccountNumber', 16),
      name: textOf(body, 'payeeName', 64),
    },
    amountYen: /^\d{1,15}$/.test(amountText) ? Number(amountText) : -1,
  };
}

function readAnswer(body: Record<string, unknown>, challenge: ConfirmChallenge, confirmation: ConfirmationSpec, errors: FieldErrors): ConfirmAnswer | undefined {
  switch (challenge.kind) {
    case 'otp':
    case 'transaction_code': {
      const code = readDigits(body, 'code', 6);
      if (code.ok) return { kind: 'code', code: code.value };
      const label = challenge.kind === 'otp' ? T.otp : TT.transactionCode;
      errors.code = fieldProblem(label, code.problem, challenge.kind === 'otp' ? FORMATS.otp : { ja: `${TT.transactionCode.ja}は6桁の数字で入力してください。`, en: 'The transaction code is 6 digits.' });
      return undefined;
    }
    case 'confirmation_password': {
      const answer = readConfirmation(body, confirmation, errors);
      return answer ? { kind: 'confirmation_password', answer } : undefined;
    }
  }
}

/** Each outcome of confirmTransfer as a page: the result, the form again, or a message. */
/** What the step asked for, so that its errors name it: the one-time password or the 取引認証 code. */
interface CodeWords {
  label: Text;
  retry: Text;
  remaining: (remaining: number) => Text;
}

const OTP_WORDS: CodeWords = { label: T.otp, retry: T.wrongCodeRetry, remaining: withRemaining };
const TRANSACTION_CODE_WORDS: CodeWords = { label: TT.transactionCode, retry: TT.transactionCodeRetry, remaining: transactionCodeRemaining };

async function showConfirmOutcome(page: SignedIn, transfer: TransferView, result: ConfirmTransferResult, words: CodeWords) {
  const { ctx } = page;
  const codeLabel = words.label;
  if (result.ok) return seeOther(page, `transfers/${transfer.id}/result`);
  switch (result.error) {
    case 'transfer_not_found':
      return sendMessage(ctx, { status: 404, title: TT.transfersTitle, lines: [TT.notFoundTransfer], kind: 'warn' });
    case 'transfer_body_mismatch':
      return sendMessage(ctx, { status: 409, title: TT.transfersTitle, lines: [TT.bodyChanged], kind: 'error' });
    case 'transfer_expired':
      return sendMessage(ctx, { status: 410, title: TT.transfersTitle, lines: [TT.expired], kind: 'warn' });
    case 'transfer_in_progress':
      return sendMessage(ctx, { status: 409, title: TT.transfersTitle, lines: [TT.inProgress], kind: 'info' });
    case 'insufficient_funds':
      return sendMessage(ctx, { status: 409, title: TT.transfersTitle, lines: [TT.insufficientAtConfirm], kind: 'error' });
    case 'limit_exceeded':
      return sendMessage(ctx, {
        status: 409,
        title: TT.transfersTitle,
        lines: result.refusal === undefined || result.refusal.rule === 'daily_limit' ? [TT.limitAtConfirm] : [TT.refusedAtConfirm, limitRefusalText(result.refusal)],
        kind: 'error',
      });
    case 'answer_missing':
      return showAuth(page, transfer, { status: 400, formError: [TT.answerMissing] });
    case 'code_malformed':
      return showAuth(page, transfer, { status: 400, errors: { code: fieldProblem(codeLabel, 'malformed', FORMATS.otp) } });
    case 'code_wrong':
      return showAuth(page, transfer, {
        status: 401,
        errors: { code: { ja: `${codeLabel.ja}が正しくありません。`, en: `The ${codeLabel.en.toLowerCase()} is not correct.` } },
        formError: result.warn && result.remainingAttempts !== undefined ? [words.remaining(result.remainingAttempts), words.retry] : [words.retry],
      });
    case 'code_locked':
      return sendLockedPage(ctx);
    case 'code_throttled':
      return showAuth(page, transfer, { status: 429, formError: [T.throttled] });
    case 'token_unavailable':
      ctx.sessions.clearCookie();
      return sendMessage(ctx, { status: 403, title: TT.transfersTitle, lines: [T.tokenUnusable], kind: 'error', withSupport: true });
    case 'password_wrong': {
      const spec = challengeOf(page, transfer).confirmation;
      const key = spec.mode === 'whole' ? 'confirmationPassword' : 'confirmation';
      return showAuth(page, transfer, { status: 401, errors: { [key]: confirmationWrong(confirmationName(ctx)) } });
    }
    case 'password_locked':
      return sendPasswordLockedPage(ctx);
  }
}

export function registerTransferRoutes(scope: FastifyInstance, site: Site, deps: TransfersWebDeps): void {
  scope.get('/ib/:slug/transfers/new', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const query = request.query as Record<string, unknown>;
    const values = emptyValues();
    const { ctx } = page;
    if (typeof query.payee === 'string') {
      const payee = await findRegisteredPayee(ctx.db, { institution: ctx.institution.slug, contractId: page.customer.contract_id, payeeId: query.payee });
      if (payee) Object.assign(values, { bank: payee.bank_code, branch: payee.branch_code, accountType: payee.account_type, accountNumber: payee.account_number, payeeName: payee.payee_name });
    } else if (typeof query.from === 'string' && TRANSFER_ID.test(query.from)) {
      // 「内容を修正する」: the form again with what was entered; a new transfer is prepared.
      const t = await findTransferOfContract(ctx.db, { institution: ctx.institution.slug, contractId: page.customer.contract_id, transferId: query.from });
      if (t) {
        Object.assign(values, {
          sourceAccountId: t.sourceAccountId,
          bank: t.payee.bankCode,
          branch: t.payee.branchCode,
          accountType: t.payee.accountType,
          accountNumber: t.payee.accountNumber,
          payeeName: t.payee.name,
          amount: String(t.amountYen),
        });
      }
    }
    return showInput(page, { values, op: 'searchBranch' });
  });

  // The language toggle: the form again with what was typed (the bank and branch searched as
  // typed), nothing prepared.
  const redisplayInput = redisplayedBy(async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const body = await postedForm(page);
    if (!body) return;
    return showInput(page, { values: readTransferValues(body), op: 'next' });
  });

  scope.post('/ib/:slug/transfers/new', redisplayInput, async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const body = await postedForm(page);
    if (!body) return;
    const op = readOp(body);
    const typed = readTransferValues(body);
    if (op !== 'next') return showInput(page, { values: typed, op });

    const { ctx } = page;
    const { values, resolution } = resolveBankAndBranch(typed, op, await platformBanks(ctx.db));
    if (!resolution.bank) {
      const errors: FieldErrors = { bankCode: prepareErrorText('bank_code_invalid') };
      return showInput(page, { values: typed, op, errors, status: 400 });
    }
    if (!resolution.branch) {
      return showInput(page, { values: { ...typed, bank: values.bank }, op, errors: { branchCode: prepareErrorText('branch_code_invalid') }, status: 400 });
    }
    const accounts = await ownAccounts(page);
    const sourceAccountId = typed.sourceAccountId || accounts[0]?.account.id || '';
    const prepared = await prepareTransfer(
      ctx.db,
      { clock: deps.clock, randomBytes: deps.randomBytes, ...(deps.fees ? { fees: deps.fees } : {}) },
      {
        institution: transferInstitution(ctx.institution),
        contractId: page.customer.contract_id,
        sourceAccountId,
        payee: payeeInputOf(values),
        amount: typed.amount,
      },
    );
    if (prepared.ok) return seeOther(page, `transfers/${prepared.transfer.id}`);
    const field = prepared.field === 'name' ? 'name' : prepared.field;
    return showInput(page, { values: { ...typed, ...values }, op, status: 400, errors: { [field]: prepareErrorText(prepared.error, prepared.remainingYen, prepared.refusal) } });
  });

  scope.get('/ib/:slug/transfers/:id', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const transfer = await loadTransfer(page, (request.params as { id: string }).id);
    if (!transfer) return;
    if (transfer.status === 'done') return seeOther(page, `transfers/${transfer.id}/result`);
    if (deps.clock.nowMs() > transfer.expiresAtMs) return sendMessage(page.ctx, { status: 410, title: TT.transfersTitle, lines: [TT.expired], kind: 'warn' });
    const [accounts, labels] = await Promise.all([ownAccounts(page), bankLabelsOf(page.ctx)]);
    return show(page, { title: TT.transfersTitle, body: transferConfirmView(page.ctx, { transfer: shownTransfer(labels, transfer), sourceLabel: sourceLabelOf(page, accounts, transfer.sourceAccountId) }) });
  });

  scope.get('/ib/:slug/transfers/:id/auth', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const transfer = await loadTransfer(page, (request.params as { id: string }).id);
    if (!transfer) return;
    if (transfer.status === 'done') return seeOther(page, `transfers/${transfer.id}/result`);
    if (deps.clock.nowMs() > transfer.expiresAtMs) return sendMessage(page.ctx, { status: 410, title: TT.transfersTitle, lines: [TT.expired], kind: 'warn' });
    return showAuth(page, transfer);
  });

  // The language toggle at 取引認証: the same step again (a done transfer: its result), nothing
  // confirmed and no code checked; the code field comes back empty.
  const redisplayAuth = redisplayedBy(async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    if (!(await postedForm(page))) return;
    const transfer = await loadTransfer(page, (request.params as { id: string }).id);
    if (!transfer) return;
    if (transfer.status === 'done') return seeOther(page, `transfers/${transfer.id}/result`);
    return showAuth(page, transfer);
  });

  scope.post('/ib/:slug/transfers/:id/auth', redisplayAuth, async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const form = await postedForm(page);
    if (!form) return;
    const transfer = await loadTransfer(page, (request.params as { id: string }).id);
    if (!transfer) return;
    const { ctx } = page;
    const { challenge, confirmation } = challengeOf(page, transfer);
    const words = challenge.kind === 'transaction_code' ? TRANSACTION_CODE_WORDS : OTP_WORDS;
    const errors: FieldErrors = {};
    // A done transfer answers with its result whatever was typed (a double submit).
    const answer = transfer.status === 'done' ? ({ kind: 'code', code: '' } as const) : readAnswer(form, challenge, confirmation, errors);
    if (!answer) return showAuth(page, transfer, { status: 400, errors });
    const policy = ctx.institution.policy;
    const result = await confirmTransfer(
      ctx.db,
      {
        clock: deps.clock,
        randomBytes: deps.randomBytes,
        ports: customerConfirmPorts(ctx.db, { authority: ctx.authority(), hasher: deps.hasher, confirmationPepper: deps.confirmationPepper, clock: deps.clock }, { customer: page.customer, policy, path: 'transfer' }),
      },
      {
        institution: transferInstitution(ctx.institution),
        contractId: page.customer.contract_id,
        customer: confirmingCustomer(page.customer, policy),
        transferId: transfer.id,
        idempotencyKey: textOf(form, 'idempotencyKey', 64),
        body: readBody(form),
        answer,
      },
    );
    return showConfirmOutcome(page, transfer, result, words);
  });

  scope.get('/ib/:slug/transfers/:id/result', async (request, reply) => {
    const page = await openSignedIn(site, deps, request, reply);
    if (!page) return;
    const transfer = await loadTransfer(page, (request.params as { id: string }).id);
    if (!transfer) return;
    if (transfer.status !== 'done') return seeOther(page, `transfers/${transfer.id}`);
    const [receipt, accounts, payees, labels] = await Promise.all([
      receiptOf(page.ctx.db, transfer),
      ownAccounts(page),
      listRegisteredPayees(page.ctx.db, { institution: page.ctx.institution.slug, contractId: page.customer.contract_id }),
      bankLabelsOf(page.ctx),
    ]);
    const p = transfer.payee;
    const registered = payees.some((r) => r.bank_code === p.bankCode && r.branch_code === p.branchCode && r.account_type === p.accountType && r.account_number === p.accountNumber);
    return show(page, {
      title: TT.doneTitle,
      body: transferResultView(page.ctx, {
        transfer: shownTransfer(labels, transfer),
        sourceLabel: sourceLabelOf(page, accounts, transfer.sourceAccountId),
        balanceAfterYen: receipt.sourceBalanceAfterYen,
        csrf: page.session.csrfToken,
        canSavePayee: !registered,
      }),
    });
  });

}
