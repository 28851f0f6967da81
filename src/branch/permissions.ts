// Who may do what at the branch console: ONE table of role × action, and the one rule of which
// customer actions need a second person. Every console request is checked against this table on
// the server (together with the institution: an operator only ever reaches rows of their own).
//
// Separation of duties: tellers and supervisors serve customers; administrators manage the
// staff (unlock operators, reset their tokens) and read the audit log, but act on no customer.
import type { OperatorRole, ProposalKind } from './branch.tables.js';

export const OPERATOR_ROLES: readonly OperatorRole[] = ['teller', 'supervisor', 'administrator'];

/** What a customer's written request (届出) asks the branch to do. */
export type CustomerActionKind = ProposalKind | 'suspend';

export const CUSTOMER_ACTION_KINDS: readonly CustomerActionKind[] = [
  'unlock_otp',
  'unlock_password',
  'reissue_token',
  'suspend',
  'resume',
  'change_limit',
  'reset_password',
  'change_email',
  'lift_limit_cap',
];

export type ConsoleAction =
  | 'view_customers' // search, status at a glance, recent audit entries of a customer
  | CustomerActionKind // start the action: do it, or propose it when it needs a second person
  | 'decide_proposals' // approve or reject someone else's proposal
  | 'open_contract'
  | 'view_audit' // the audit viewer and its CSV export
  | 'manage_operators'; // list operators, unlock them, reset their token enrolment

const Y = true;
const N = false;

//                                        teller supervisor administrator
export const PERMISSIONS: Readonly<Record<ConsoleAction, Readonly<Record<OperatorRole, boolean>>>> = {
  view_customers: /*                   */ { teller: Y, supervisor: Y, administrator: N },
  unlock_otp: /*                       */ { teller: Y, supervisor: Y, administrator: N },
  unlock_password: /*                  */ { teller: Y, supervisor: Y, administrator: N },
  reissue_token: /*                    */ { teller: Y, supervisor: Y, administrator: N },
  suspend: /*                          */ { teller: Y, supervisor: Y, administrator: N },
  resume: /*                           */ { teller: Y, supervisor: Y, administrator: N },
  change_limit: /*                     */ { teller: Y, supervisor: Y, administrator: N },
  reset_password: /*                   */ { teller: Y, supervisor: Y, administrator: N },
  change_email: /*                     */ { teller: Y, supervisor: Y, administrator: N },
  lift_limit_cap: /*                   */ { teller: Y, supervisor: Y, administrator: N },
  decide_proposals: /*                 */ { teller: N, supervisor: Y, administrator: N },
  open_contract: /*                    */ { teller: Y, supervisor: Y, administrator: N },
  view_audit: /*                       */ { teller: N, supervisor: Y, administrator: Y },
  manage_operators: /*                 */ { teller: N, supervisor: N, administrator: Y },
};

export const CONSOLE_ACTIONS = Object.keys(PERMISSIONS) as ConsoleAction[];

export function isAllowed(role: OperatorRole, action: ConsoleAction): boolean {
  return PERMISSIONS[action][role];
}

/**
 * Maker-checker (issue 6): resume, both unlocks, reissue, password reset, and raising a daily
 * limit above ¥500,000 (the institution's no-token ceiling) need a second person. Suspension is
 * immediate (seed 002: 「速やかに…一時停止」), and so is lowering a limit.
 */
export function needsSecondPerson(
  request: { kind: CustomerActionKind; newLimitYen?: number },
  context: { currentLimitYen: number; secondPersonAboveYen: number },
): boolean {
  switch (request.kind) {
    case 'unlock_otp':
    case 'unlock_password':
    case 'reissue_token':
    case 'resume':
    case 'reset_password':
    case 'change_email': // メールアドレス変更: where the notices (and the next code) go
    case 'lift_limit_cap': // the cap of the first days after an opening or a token registration (issue 14 §5)
      return true;
    case 'suspend':
      return false;
    case 'change_limit': {
      const next = request.newLimitYen ?? 0;
      return next > context.currentLimitYen && next > context.secondPersonAboveYen;
    }
  }
}

/** Whether `decider` may approve or reject a proposal made by `proposer`. */
export function mayDecide(decider: { login: string; role: OperatorRole }, proposal: { proposedBy: string }): boolean {
  return isAllowed(decider.role, 'decide_proposals') && decider.login !== proposal.proposedBy;
}
