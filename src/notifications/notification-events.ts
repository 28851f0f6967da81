// The events a customer is told about by e-mail (取引通知, issue 7). Each is written to the
// outbox in the transaction of the event itself (enqueue-notification.ts), with only the facts
// the message shows: never a code, a password or a secret; serials and account numbers are
// masked when the message is rendered (masking.ts).
export type TokenKind = 'mobile' | 'desktop';

export interface NotifiedPayee {
  bankCode: string;
  /** The payee bank's name when the caller knows it (otherwise the code is shown). */
  bankName?: string;
  branchCode: string;
  accountNumber: string; // shown masked: only the last 3 digits
  name: string; // 受取人名 as confirmed by the customer
}

export type NotificationEvent =
  | { kind: 'token_registered'; serial: string; tokenKind: TokenKind }
  | { kind: 'token_deregistered'; serial: string | null }
  | { kind: 'token_exchanged'; oldSerial: string | null; serial: string }
  | { kind: 'token_reissued'; serial: string | null } // an operator unbound a lost token
  | { kind: 'otp_locked' }
  | { kind: 'suspended' } // 利用一時停止, by the branch
  | { kind: 'resumed' }
  // by: the customer on the limit page, the branch at a written request, or the rule that lowers
  // a limit 30 days after the token was deregistered (DESIGN §4).
  | { kind: 'limit_changed'; fromYen: number; toYen: number; by: 'customer' | 'branch' | 'rule' }
  | { kind: 'transfer_done'; referenceNo: string; amountYen: number; feeYen: number; payee: NotifiedPayee };

export type NotificationKind = NotificationEvent['kind'];

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'token_registered',
  'token_deregistered',
  'token_exchanged',
  'token_reissued',
  'otp_locked',
  'suspended',
  'resumed',
  'limit_changed',
  'transfer_done',
];
