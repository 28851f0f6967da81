// How the transfer pages name banks and branches: the full Japanese names the directory's short
// ones stand for (みずほ → みずほ銀行, 上野 → 上野支店), and on the English pages the English ones —
// the institution's own English name, the directory's romanised names — or, where the data has
// none, the Japanese name saying so (bank-names.ts). What a transfer or payee stored (the
// directory's short name, as the clearing file carries it) is looked up again by its codes, and
// shown as it was only when the directory no longer knows them.
import { bankNames, branchNames, type BankEntry, type DirectoryNames } from '../../banking/transfers/bank-directory.js';
import { platformBanks } from '../../banking/transfers/platform-banks.js';
import type { RegisteredPayee } from '../../banking/transfers/registered-payees.js';
import type { TransferView } from '../../banking/transfers/transfer-store.js';
import { pick, type Lang } from '../i18n.js';
import type { Resolution } from './transfer-form.js';
import { inJapaneseOnly } from './transfer-messages.js';

/** A name in the page's language (see the head of this file). */
export function shownName(lang: Lang, names: DirectoryNames): string {
  if (lang === 'ja') return names.ja;
  return names.en ?? pick(lang, inJapaneseOnly(names.ja));
}

export interface BankLabels {
  bank(code: string, stored: string): string;
  branch(bankCode: string, branchCode: string, stored: string): string;
}

export function bankLabels(lang: Lang, extraBanks: readonly BankEntry[]): BankLabels {
  const options = { extraBanks };
  return {
    bank: (code, stored) => shownName(lang, bankNames(code, options) ?? { ja: stored, en: undefined }),
    branch: (bankCode, branchCode, stored) => shownName(lang, branchNames(bankCode, branchCode, options) ?? { ja: stored, en: undefined }),
  };
}

/** The labels of a page of this site (the platform's institutions read from the database). */
export async function bankLabelsOf(ctx: { lang: Lang; db: Parameters<typeof platformBanks>[0] }): Promise<BankLabels> {
  return bankLabels(ctx.lang, await platformBanks(ctx.db));
}

/** A transfer as the pages show it: its payee's bank and branch by their shown names. */
export function shownTransfer(labels: BankLabels, transfer: TransferView): TransferView {
  const p = transfer.payee;
  return { ...transfer, payee: { ...p, bankName: labels.bank(p.bankCode, p.bankName), branchName: labels.branch(p.bankCode, p.branchCode, p.branchName) } };
}

/** A registered payee as the pages show it. */
export function shownPayee(labels: BankLabels, payee: RegisteredPayee): RegisteredPayee {
  return { ...payee, bank_name: labels.bank(payee.bank_code, payee.bank_name), branch_name: labels.branch(payee.bank_code, payee.branch_code, payee.branch_name) };
}

/** The chosen bank and branch, and the matches to choose from, by their shown names. */
export function shownResolution(labels: BankLabels, resolution: Resolution): Resolution {
  const bankCode = resolution.bank?.code;
  return {
    ...(resolution.bank ? { bank: { ...resolution.bank, name: labels.bank(resolution.bank.code, resolution.bank.name) } } : {}),
    ...(resolution.branch && bankCode ? { branch: { ...resolution.branch, name: labels.branch(bankCode, resolution.branch.code, resolution.branch.name) } } : {}),
    ...(resolution.bankMatches ? { bankMatches: resolution.bankMatches.map((b) => ({ ...b, name: labels.bank(b.code, b.name) })) } : {}),
    ...(resolution.branchMatches && bankCode ? { branchMatches: resolution.branchMatches.map((b) => ({ ...b, name: labels.branch(bankCode, b.code, b.name) })) } : {}),
  };
}
