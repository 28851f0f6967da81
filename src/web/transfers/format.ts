// Display formats of the transfer pages: Japan wall-clock times, account labels.
import type { Account } from '../../banking/ledger/accounts.js';
import { pick, type Lang } from '../i18n.js';
import { TT } from './transfer-messages.js';

/** 2026/11/21 10:05 (Japan time; the business day is the Japan calendar day). */
export function japanDateTime(ms: number): string {
  const iso = new Date(ms + 9 * 3600_000).toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 16)}`;
}

export function japanDate(ms: number): string {
  return new Date(ms + 9 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '/');
}

/** 本店 普通 1000001 */
export function accountLabel(lang: Lang, account: Pick<Account, 'branch_code' | 'account_number'>, branchName: string | undefined): string {
  return `${branchName ?? account.branch_code ?? ''} ${pick(lang, TT.ordinary)} ${account.account_number ?? ''}`;
}
