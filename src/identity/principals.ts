// The two kinds of principal that sign in: a customer's contract at the bank site and an
// operator at the branch console. Each is named by (institution, subject) — the contract ID or
// the operator's login — and described here once: where its sessions and its row live, how a
// cookie token is hashed, who it is in the audit log. Everything in this folder takes a kind and
// runs one code path for both; each site keeps only its pages, words and policy.
import type { CustomerSessionStage, OperatorSessionStage } from './identity.tables.js';

export interface PrincipalKind<Stage extends string = string> {
  readonly name: 'customer' | 'operator';
  /** Its session table, and the column of that table naming the principal. */
  readonly sessions: { readonly table: 'sessions' | 'operator_sessions'; readonly subject: 'contract_id' | 'login' };
  /**
   * Prefixed into the hash of a cookie token, so that the two tables can never hold the same
   * id even for the same token.
   */
  readonly tokenHashPrefix: string;
  /** Its row, which holds its password hash, its lock counters and its attempts in flight. */
  readonly row: { readonly table: 'customers' | 'operators'; readonly subject: 'contract_id' | 'login'; readonly passwordHash: 'login_password_hash' | 'password_hash' };
  /** The actor of its own actions in the audit log. */
  actor(subject: string): string;
  /** Before the audit actions of its lock counters: `otp_failed`, `operator_otp_failed`… */
  readonly auditPrefix: '' | 'operator_';
  /** Only for the type: the stages its sessions pass through. */
  readonly stages?: readonly Stage[];
}

/** A customer's contract (契約者), subject = the 10-digit contract ID. */
export const CUSTOMER: PrincipalKind<CustomerSessionStage> = {
  name: 'customer',
  sessions: { table: 'sessions', subject: 'contract_id' },
  tokenHashPrefix: '',
  row: { table: 'customers', subject: 'contract_id', passwordHash: 'login_password_hash' },
  actor: (contractId) => `customer:${contractId}`,
  auditPrefix: '',
};

/** A member of the branch staff, subject = the operator's login. */
export const OPERATOR: PrincipalKind<OperatorSessionStage> = {
  name: 'operator',
  sessions: { table: 'operator_sessions', subject: 'login' },
  tokenHashPrefix: 'operator-session|',
  row: { table: 'operators', subject: 'login', passwordHash: 'password_hash' },
  actor: (login) => `operator:${login}`,
  auditPrefix: 'operator_',
};

/** One principal: its kind, its institution and its subject. */
export interface PrincipalRef {
  institution: string;
  subject: string;
}
