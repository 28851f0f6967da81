// 振込手数料, charged to the source account and credited to the institution's fees account in
// the transfer's own journal entry. The fee does not count toward the daily limit (the limit
// caps what leaves to payees), but the balance must cover amount + fee.
import type { TransferKind } from './transfers.tables.js';

export interface FeeSchedule {
  sameInstitutionYen: number;
  otherBankYen: number;
}

/** The demo's schedule: free within the institution, ¥220 to other banks. */
export const DEFAULT_FEE_SCHEDULE: Readonly<FeeSchedule> = Object.freeze({ sameInstitutionYen: 0, otherBankYen: 220 });

export function transferFeeYen(schedule: FeeSchedule, kind: TransferKind): number {
  switch (kind) {
    case 'internal':
      return schedule.sameInstitutionYen;
    case 'external':
      return schedule.otherBankYen;
  }
}
