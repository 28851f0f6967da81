// Display formats of the transfer pages: Japan wall-clock times (the shared one), account labels.
import type { Account } from '../../banking/ledger/accounts.js';
import { pick, type Lang } from '../i18n.js';
import { TT } from './transfer-messages.js';

/** 2026/11/21 10:05 (Japan time): the one date format of every page (src/shared/japan-time.ts). */
export { japanDateTime } from '../../shared/japan-time.js';

/** 本店 普通 1000001 */
export function accountLabel(lang: Lang, account: Pick<Account, 'branch_code' | 'account_number'>, branchName: string | undefined): string {
  return `${branchName ?? account.branch_code ?? ''} ${pick(lang, TT.ordinary)} ${account.account_number ?? ''}`;
}
