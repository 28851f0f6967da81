// The payees the console's history names (`bank-branch-account` in the audit records): the bank
// and the branch by the names the transfer pages give them (bank-directory.ts bankNames and
// branchNames: みずほ → みずほ銀行, 上野 → 上野支店; Mizuho Bank, Ueno Branch in English), and
// the account masked (****567, the notifications' masking).
import type { Kysely } from 'kysely';
import { bankNames, branchNames, type BankEntry, type DirectoryNames } from '../banking/transfers/bank-directory.js';
import { platformBanks } from '../banking/transfers/platform-banks.js';
import type { Schema } from '../db/schema.js';
import { maskAccountNumber } from '../notifications/masking.js';
import type { Text } from '../shared/text.js';
import type { SentenceLookups } from './audit-sentences.js';

/** In English the romanised name, or the Japanese one where the directory has none. */
const english = (names: DirectoryNames): string => names.en ?? names.ja;

/** Names for these payees; one the directory does not know is left to the sentence (codes only). */
export function payeeNames(payees: readonly string[], extraBanks: readonly BankEntry[]): SentenceLookups {
  const named = new Map<string, Text>();
  for (const payee of payees) {
    const [bankCode = '', branchCode = '', account = ''] = payee.split('-');
    const bank = bankNames(bankCode, { extraBanks });
    if (!bank) continue;
    const branch = branchNames(bankCode, branchCode, { extraBanks });
    const masked = maskAccountNumber(account);
    named.set(payee, {
      ja: `${bank.ja} ${branch ? branch.ja : `支店 ${branchCode}`} 口座 ${masked}`,
      en: `${english(bank)}, ${branch ? english(branch) : `branch ${branchCode}`}, account ${masked}`,
    });
  }
  return { payee: (payee) => named.get(payee) };
}

/** The same for a page of records: the directory and the platform's banks are read only when a payee is named. */
export async function payeeLookups(db: Kysely<Schema>, payees: readonly string[]): Promise<SentenceLookups> {
  return payeeNames(payees, payees.length === 0 ? [] : await platformBanks(db));
}
