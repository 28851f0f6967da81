// Opening a contract at the branch: a new customer with an ordinary account, a generated
// contract ID, initial login password and confirmation password. The passwords exist in the
// clear only in the result, for the お客様カード printed once; the database keeps argon2id
// hashes (and the peppered digit pairs of the confirmation password).
//
// Customer, account, the forced password change and their audit records are ONE transaction:
// the bank site's createCustomer and the ledger's openAccount each open their own, so this
// inserts the same rows itself (reconcile by giving both a transaction-taking variant).
import type { Kysely, Transaction } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import { storeConfirmationPassword } from '../banking/confirmation-password.js';
import { ensureSystemAccounts, takeNextAccountNumber } from '../banking/ledger/accounts.js';
import { normalizeHolderName } from '../banking/ledger/holder-name.js';
import { isUniqueViolation, newId } from '../banking/ledger/transact.js';
import type { PasswordHasher } from '../banking/password-hasher.js';
import type { Schema } from '../db/schema.js';
import type { RandomBytes } from '../shared/clock.js';
import { generateConfirmationPassword, generateContractId, generateInitialPassword } from './generated-credentials.js';
import { operatorActor } from './operators.js';
import { requirePasswordChange } from './password-change-requirements.js';
import { hasControlCharacters } from './written-request.js';

export const CUSTOMER_NAME_MAX_LENGTH = 40;

export interface OpenContractInput {
  institution: string;
  name: string;
  holderName: string; // 口座名義 (カナ), normalised to the zengin form
  branchCode: string;
  requestFormNo: string;
  reason: string;
  operatorLogin: string;
}

export interface CustomerCard {
  contractId: string;
  name: string;
  initialLoginPassword: string;
  confirmationPassword: string;
  branchCode: string;
  branchName: string;
  accountNumber: string;
  holderName: string;
  issuedAt: number;
}

export type OpenContractResult =
  | { ok: true; card: CustomerCard }
  | { ok: false; reason: 'name_missing' | 'name_too_long' | 'name_control_characters' | 'unknown_branch' | 'holder_name_empty' | 'holder_name_invalid_characters' | 'holder_name_too_long' };

export async function openContract(
  db: Kysely<Schema>,
  deps: { hasher: PasswordHasher; confirmationPepper: Uint8Array; randomBytes: RandomBytes; nowMs: () => number },
  input: OpenContractInput,
): Promise<OpenContractResult> {
  const name = input.name.normalize('NFC').trim();
  if (name === '') return { ok: false, reason: 'name_missing' };
  if (name.length > CUSTOMER_NAME_MAX_LENGTH) return { ok: false, reason: 'name_too_long' };
  if (hasControlCharacters(name)) return { ok: false, reason: 'name_control_characters' };
  const holder = normalizeHolderName(input.holderName);
  if (!holder.ok) return { ok: false, reason: holder.error };
  const branch = await db
    .selectFrom('branches')
    .select(['code', 'name'])
    .where('institution', '=', input.institution)
    .where('code', '=', input.branchCode)
    .executeTakeFirst();
  if (!branch) return { ok: false, reason: 'unknown_branch' };

  const initialLoginPassword = generateInitialPassword(deps.randomBytes);
  const confirmationPassword = generateConfirmationPassword(deps.randomBytes);
  const loginPasswordHash = await deps.hasher.hash(initialLoginPassword);
  // A contract ID that collides with an existing one (rare: 8·10^9 IDs) is drawn again; the
  // confirmation pairs are keyed by the contract ID, so they are computed per attempt.
  for (let attempt = 0; ; attempt++) {
    const contractId = generateContractId(deps.randomBytes);
    const confirmation = await storeConfirmationPassword(deps.hasher, deps.confirmationPepper, { contractId, confirmationPassword });
    const nowMs = deps.nowMs();
    try {
      const accountNumber = await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('customers')
          .values({
            institution: input.institution,
            contract_id: contractId,
            name,
            login_password_hash: loginPasswordHash,
            confirmation_hash: confirmation.confirmationHash,
            confirmation_pairs: confirmation.confirmationPairs,
            status: 'active',
            token_binding_id: null,
            token_serial: null,
            token_kind: null,
            token_registered_at: null,
            token_deregistered_at: null,
            registration_blocked_until: null,
            created_at: nowMs,
            updated_at: nowMs,
          })
          .execute();
        const actor = operatorActor(input.operatorLogin);
        await appendAudit(trx, { chain: input.institution, at: nowMs, actor, action: 'customer_created', subject: contractId, details: { requestFormNo: input.requestFormNo, reason: input.reason } });
        const number = await insertAccount(trx, { ...input, contractId, holderName: holder.value, nowMs, randomBytes: deps.randomBytes });
        await requirePasswordChange(trx, { institution: input.institution, contractId, cause: 'initial', nowMs });
        return number;
      });
      return {
        ok: true,
        card: {
          contractId,
          name,
          initialLoginPassword,
          confirmationPassword,
          branchCode: branch.code,
          branchName: branch.name,
          accountNumber,
          holderName: holder.value,
          issuedAt: nowMs,
        },
      };
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 10) throw error;
    }
  }
}

/** The ledger's account row, numbered by the branch counter (as ledger/accounts.ts does). */
async function insertAccount(
  trx: Transaction<Schema>,
  input: { institution: string; contractId: string; branchCode: string; holderName: string; requestFormNo: string; operatorLogin: string; nowMs: number; randomBytes: RandomBytes },
): Promise<string> {
  const accountNumber = await takeNextAccountNumber(trx, input.institution, input.branchCode);
  if (accountNumber === undefined) throw new Error(`branch ${input.branchCode} of ${input.institution} vanished while a contract was opened`);
  await ensureSystemAccounts(trx, input.institution, input.nowMs);
  const id = newId(input.randomBytes, 'acc');
  await trx
    .insertInto('accounts')
    .values({
      id,
      institution: input.institution,
      role: 'customer',
      contract_id: input.contractId,
      branch_code: input.branchCode,
      account_number: accountNumber,
      account_type: 'ordinary',
      holder_name: input.holderName,
      balance: 0,
      last_seq: 0,
      opened_at: input.nowMs,
    })
    .execute();
  await appendAudit(trx, {
    chain: input.institution,
    at: input.nowMs,
    actor: operatorActor(input.operatorLogin),
    action: 'account_opened',
    subject: input.contractId,
    details: { accountId: id, branchCode: input.branchCode, accountNumber, requestFormNo: input.requestFormNo },
  });
  return accountNumber;
}
