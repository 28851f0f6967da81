// The events a customer is told about by e-mail (取引通知, issue 7). Each is written to the
// outbox in the transaction of the event itself (enqueue-notification.ts), with only the facts
// the message shows: never a code, a password or a secret; serials and account numbers are
// masked when the message is rendered (masking.ts).
import type { SignInEnvironment } from '../shared/sign-in-environment.js';

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
  // パスワード変更 by the customer on the signed-in page (never the password itself).
  | { kind: 'login_password_changed' }
  | { kind: 'confirmation_password_changed'; name: { ja: string; en: string } } // the institution's name for it
  | { kind: 'suspended' } // 利用一時停止, by the branch (or by the customer's 「心当たりがない」)
  // ログイン通知: a completed sign-in, where it came from (families and a masked address only).
  | { kind: 'signed_in'; environment: SignInEnvironment }
  | { kind: 'resumed' }
  // by: the customer on the limit page, the branch at a written request, or the rule that lowers
  // a limit 30 days after the token was deregistered (DESIGN §4).
  // effectiveFromMs: a raise by the customer waits until 0:00 JST of the next day (issue 14 §5).
  | { kind: 'limit_changed'; fromYen: number; toYen: number; by: 'customer' | 'branch' | 'rule'; effectiveFromMs?: number }
  // The customer withdrew a raise still pending (cancelledYen: the raise withdrawn).
  | { kind: 'limit_raise_cancelled'; limitYen: number; cancelledYen: number }
  | { kind: 'transfer_done'; referenceNo: string; amountYen: number; feeYen: number; payee: NotifiedPayee }
  // メールアドレス: the new address, shown masked (masking.ts); sent to the old address and the new.
  | { kind: 'notification_address_changed'; newAddress: string; by: 'customer' | 'branch' };

export type NotificationKind = NotificationEvent['kind'];

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'token_registered',
  'token_deregistered',
  'token_exchanged',
  'token_reissued',
  'otp_locked',
  'login_password_changed',
  'confirmation_password_changed',
  'suspended',
  'signed_in',
  'resumed',
  'limit_changed',
  'limit_raise_cancelled',
  'transfer_done',
  'notification_address_changed',
];

/**
 * The outbox kind of the one mail that is not an event: the code proving a new notification
 * address (enqueueAddressCode). Its body is cleared once sent (outbox-delivery.ts).
 */
export const ADDRESS_CODE_KIND = 'notification_address_code';
