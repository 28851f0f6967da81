// The payees the console's history names (`bank-branch-account` in the audit records), with
// the bank and the branch by their full names as the directory knows them — zengin writes
// 「みずほ」「北海道信金」「丸の内中央」, a branch terminal 「みずほ銀行」「北海道信用金庫」
// 「丸の内中央支店」 — and the account masked (****567, the notifications' masking).
import type { Kysely } from 'kysely';
import { findBank, findBranch } from '../banking/transfers/bank-directory.js';
import { platformBanks } from '../banking/transfers/platform-banks.js';
import type { Schema } from '../db/schema.js';
import { maskAccountNumber } from '../notifications/masking.js';
import type { Text } from '../shared/text.js';
import type { SentenceLookups } from './audit-sentences.js';

// zengin's short forms of the kinds of institution; the others (農協, 信連, 中金…) are kept.
const SHORT_FORMS: [RegExp, string][] = [
  [/信金$/, '信用金庫'],
  [/信組$/, '信用組合'],
  [/労金$/, '労働金庫'],
];
const NOT_A_BANK_NAME = /(農協|漁協|信連|信漁連|中金|連|金庫|組合|銀行|バンク|機構)$|バンク/;

/** 「みずほ」→「みずほ銀行」, 「北海道信金」→「北海道信用金庫」; a full name stays as it is. */
export function fullBankName(name: string): string {
  for (const [short, full] of SHORT_FORMS) if (short.test(name)) return name.replace(short, full);
  return NOT_A_BANK_NAME.test(name) ? name : `${name}銀行`;
}

/** 「丸の内中央」→「丸の内中央支店」; 「本店」「東京営業部」「駅前出張所」 stay. */
export function fullBranchName(name: string): string {
  return /(店|部|所|センター|室)$/.test(name) ? name : `${name}支店`;
}

/** Names for the payees of a page of records; the directory is read only when one is named. */
export async function payeeLookups(db: Kysely<Schema>, payees: readonly string[]): Promise<SentenceLookups> {
  const named = new Map<string, Text>();
  if (payees.length > 0) {
    const extraBanks = await platformBanks(db);
    for (const payee of payees) {
      const [bankCode = '', branchCode = '', account = ''] = payee.split('-');
      const bank = findBank(bankCode, { extraBanks });
      if (!bank) continue;
      const branch = findBranch(bankCode, branchCode, { extraBanks });
      const bankName = fullBankName(bank.name);
      const branchName = branch ? fullBranchName(branch.name) : undefined;
      const masked = maskAccountNumber(account);
      named.set(payee, {
        ja: `${bankName} ${branchName ?? `支店 ${branchCode}`} 口座 ${masked}`,
        en: `${bankName} ${branchName ?? `branch ${branchCode}`}, account ${masked}`,
      });
    }
  }
  return { payee: (payee) => named.get(payee) };
}
