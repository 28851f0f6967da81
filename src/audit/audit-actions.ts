// Every kind of audit record the platform appends (`AuditEntry.action` is one of these). A new
// kind is added here first; the branch console then needs its sentence in both languages
// (src/branch/audit-sentences.ts keys them by this type, so a missing one does not compile).
export const AUDIT_ACTIONS = [
  // the customer's sign-in
  'signed_in',
  'signed_out',
  'password_failed',
  'password_locked',
  'otp_failed',
  'otp_locked',
  'passkey_failed',
  'passkey_locked',
  'sign_in_reported',
  // the customer's token
  'token_registered',
  'token_deregistered',
  'token_exchanged',
  // the branch's written requests and what they do
  'otp_unlocked',
  'password_unlocked',
  'token_reissued',
  'customer_suspended',
  'customer_resumed',
  'login_password_reset',
  'limit_cap_lifted',
  'branch_proposal_created',
  'branch_proposal_approved',
  'branch_proposal_rejected',
  'customer_created',
  'account_opened',
  'statement_exported',
  // transfers and money
  'transfer_confirmed',
  'payee_registered',
  'payee_updated',
  'payee_removed',
  'transfers_exported',
  'deposit_posted',
  // the customer's settings
  'passkey_registered',
  'passkey_deleted',
  'passkey_revoked',
  'login_password_changed',
  'confirmation_password_changed',
  'notification_address_code_sent',
  'notification_address_changed',
  'daily_limit_raised',
  'daily_limit_lowered',
  'daily_limit_raise_scheduled',
  'daily_limit_raise_cancelled',
  // operators and the institution
  'operator_signed_in',
  'operator_signed_out',
  'operator_password_failed',
  'operator_password_locked',
  'operator_otp_failed',
  'operator_otp_locked',
  'operator_passkey_failed',
  'operator_passkey_locked',
  'operator_passkey_registered',
  'operator_passkey_deleted',
  'operator_passkey_revoked',
  'operator_token_enrolled',
  'operator_token_reset',
  'operator_created',
  'operator_unlocked',
  'audit_exported',
  'institution_created',
  'institution_policy_set',
  'branch_added',
  // the token authority's own chain
  'token_provisioned',
  'token_resynced',
  'token_state_changed',
  'token_bound',
  'token_unbound',
  'relying_party_registered',
  'relying_party_key_rotated',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}
