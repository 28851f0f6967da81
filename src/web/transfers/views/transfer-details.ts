// The details of one transfer as the confirmation, authentication and result pages show them.
import type { TransferView } from '../../../banking/transfers/transfer-store.js';
import { html, type SafeHtml } from '../../html.js';
import { pick, type Lang } from '../../i18n.js';
import { accountTypeText, TT, yenText } from '../transfer-messages.js';
import { facts } from './controls.js';

export function transferDetails(lang: Lang, transfer: TransferView, sourceLabel: string): SafeHtml {
  const p = transfer.payee;
  return facts([
    [pick(lang, TT.sourceAccount), sourceLabel],
    [pick(lang, TT.bank), `${p.bankName} (${p.bankCode})`],
    [pick(lang, TT.branch), `${p.branchName} (${p.branchCode})`],
    [pick(lang, TT.accountType), pick(lang, accountTypeText(p.accountType))],
    [pick(lang, TT.accountNumber), p.accountNumber],
    [pick(lang, TT.payeeName), p.name],
    [pick(lang, TT.amount), html`<strong>${yenText(transfer.amountYen)}</strong>`],
    [pick(lang, TT.fee), yenText(transfer.feeYen)],
    [pick(lang, TT.total), yenText(transfer.amountYen + transfer.feeYen)],
  ]);
}

export const TRANSFER_STEPS = [TT.stepInput, TT.stepConfirm, TT.stepAuth, TT.stepDone];
