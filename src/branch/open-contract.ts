// Opening a contract at the branch: a new customer with an ordinary account, a generated
// contract ID, initial login password and confirmation password. The passwords exist in the
// clear only in the result, for the お客様カード printed once; the database keeps argon2id
// hashes (and the peppered digit pairs of the confirmation password).
//
// Customer, account, the forced password change and their audit records are ONE transaction:
// the bank site's createCustomer and the ledger's openAccount each open their own, so this
// inserts the same rows itself (reconcile by giving both a transaction-taking variant).
//
// Idempotent per form (issue 12 §7). The 新規契約 form carries an idempotency key
// (src/shared/idempotency-key.ts, as the transfer confirmation does); the transaction that
// opens the contract also inserts (institution, key) into contract_openings with ON CONFLICT
// DO NOTHING, and a transaction whose insert did nothing rolls back. So however many
// submissions of one form arrive — the browser's 「フォームの再送信」 on reload, a double click,
// at any number of processes — exactly one contract is opened: on PostgreSQL the second insert
// waits for the first transaction and then does nothing, on SQLite transactions run one at a
// time. Every other submission gets the first card's outcome (contract ID, account) WITHOUT its
// passwords, which exist nowhere any more. The same key with other fields (the back button,
// then an edited form) or from another operator opens nothing and shows nothing.
import { checkEmailAddress } from '../banking/email-address.js';
import { maskEmailAddress } from '../notifications/masking.js';
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import { storeConfirmationPassword } from '../banking/confirmation-password.js';
import { ensureSystemAccounts, takeNextAccountNumber } from '../banking/ledger/accounts.js';
import { normalizeHolderName } from '../banking/ledger/holder-name.js';
import { isUniqueViolation, newId } from '../banking/ledger/transact.js';
import type { PasswordHasher } from '../banking/password-hasher.js';
import type { Schema } from '../db/schema.js';
import type { RandomBytes } from '../shared/clock.js';
import { isIdempotencyKey } from '../shared/idempotency-key.js';
import { generateConfirmationPassword, generateContractId, generateInitialPassword } from './generated-credentials.js';
import { operatorActor } from './operators.js';
import { requirePasswordChange } from '../identity/password-change-requirement.js';
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
  /** The notification address of the written request, if any (checked by checkEmailAddress). */
  email?: string | null;
  /** The form's idempotency key (newIdempotencyKey): the same form submitted again opens nothing more. */
  formKey: string;
}

/** What the お客様カード says apart from its passwords: all that a resubmission may show again. */
export interface IssuedCard {
  contractId: string;
  name: string;
  branchCode: string;
  branchName: string;
  accountNumber: string;
  holderName: string;
  issuedAt: number;
}

export interface CustomerCard extends IssuedCard {
  initialLoginPassword: string;
  confirmationPassword: string;
}

export type OpenContractResult =
  | { ok: true; replayed: false; card: CustomerCard }
  // The same form again: the contract its first submission opened, without the passwords.
  | { ok: true; replayed: true; card: IssuedCard }
  | {
      ok: false;
      reason:
        | 'name_missing'
        | 'name_too_long'
        | 'name_control_characters'
        | 'unknown_branch'
        | 'holder_name_empty'
        | 'holder_name_invalid_characters'
        | 'holder_name_too_long'
        // The form's key opened a contract from other fields, or for another operator.
        | 'form_already_used';
    };

type Earlier = { ok: true; replayed: true; card: IssuedCard } | { ok: false; reason: 'form_already_used' };

/** Thrown inside the opening transaction when another submission of the form holds its key. */
class FormKeyTaken extends Error {}

export async function openContract(
  db: Kysely<Schema>,
  deps: { hasher: PasswordHasher; confirmationPepper: Uint8Array; randomBytes: RandomBytes; nowMs: () => number },
  input: OpenContractInput,
): Promise<OpenContractResult> {
  if (!isIdempotencyKey(input.formKey)) throw new TypeError('formKey must be a key made by newIdempotencyKey');
  const name = input.name.normalize('NFC').trim();
  if (name === '') return { ok: false, reason: 'name_missing' };
  if (name.length > CUSTOMER_NAME_MAX_LENGTH) return { ok: false, reason: 'name_too_long' };
  if (hasControlCharacters(name)) return { ok: false, reason: 'name_control_characters' };
  const holder = normalizeHolderName(input.holderName);
  if (!holder.ok) return { ok: false, reason: holder.error };
  const email = input.email ?? null;
  if (email !== null && !checkEmailAddress(email).ok) throw new TypeError('email must be an address checkEmailAddress accepts (the form reads it)');
  const branch = await db
    .selectFrom('branches')
    .select(['code', 'name'])
    .where('institution', '=', input.institution)
    .where('code', '=', input.branchCode)
    .executeTakeFirst();
  if (!branch) return { ok: false, reason: 'unknown_branch' };
  const form: FormOfOpening = {
    institution: input.institution,
    formKey: input.formKey,
    operatorLogin: input.operatorLogin,
    digest: formDigest([name, holder.value, branch.code, input.requestFormNo, input.reason, ...(email === null ? [] : [email])]),
  };
  // A resubmission seen at once costs no password hashing; the insert below is what decides.
  const earlier = await earlierSubmission(db, form);
  if (earlier) return earlier;

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
            email,
            created_at: nowMs,
            updated_at: nowMs,
          })
          .execute();
        // The form's key, by a conditional insert: nothing inserted means another submission of
        // the form opened (or, still uncommitted on PostgreSQL, was opening — this waited for it)
        // a contract under it; roll this one back.
        if (!(await claimFormKey(trx, form, { contractId, nowMs }))) throw new FormKeyTaken();
        const actor = operatorActor(input.operatorLogin);
        await appendAudit(trx, { chain: input.institution, at: nowMs, actor, action: 'customer_created', subject: contractId, details: { requestFormNo: input.requestFormNo, reason: input.reason, email: email === null ? null : maskEmailAddress(email) } });
        const number = await insertAccount(trx, { ...input, contractId, holderName: holder.value, nowMs, randomBytes: deps.randomBytes });
        await requirePasswordChange(trx, { institution: input.institution, contractId, cause: 'initial', nowMs });
        return number;
      });
      return {
        ok: true,
        replayed: false,
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
      if (error instanceof FormKeyTaken) {
        const first = await earlierSubmission(db, form);
        if (!first) throw new Error(`contract opening under a taken form key of ${input.institution} vanished`);
        return first;
      }
      if (!isUniqueViolation(error) || attempt >= 10) throw error;
    }
  }
}

interface FormOfOpening {
  institution: string;
  formKey: string;
  operatorLogin: string;
  digest: string;
}

/** The fields as the opening read them (normalised): the same form gives the same digest. */
function formDigest(fields: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

async function claimFormKey(trx: Transaction<Schema>, form: FormOfOpening, opened: { contractId: string; nowMs: number }): Promise<boolean> {
  const inserted = await trx
    .insertInto('contract_openings')
    .values({
      institution: form.institution,
      form_key: form.formKey,
      contract_id: opened.contractId,
      opened_by: form.operatorLogin,
      form_digest: form.digest,
      opened_at: opened.nowMs,
    })
    .onConflict((oc) => oc.columns(['institution', 'form_key']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** What an earlier submission of the form did, if there was one (committed). */
async function earlierSubmission(db: Kysely<Schema>, form: FormOfOpening): Promise<Earlier | undefined> {
  const opening = await db
    .selectFrom('contract_openings')
    .select(['contract_id', 'opened_by', 'form_digest', 'opened_at'])
    .where('institution', '=', form.institution)
    .where('form_key', '=', form.formKey)
    .executeTakeFirst();
  if (!opening) return undefined;
  if (opening.opened_by !== form.operatorLogin || opening.form_digest !== form.digest) return { ok: false, reason: 'form_already_used' };
  // The account opened in the same transaction: the customer's first.
  const facts = await db
    .selectFrom('customers as c')
    .innerJoin('accounts as a', (join) => join.onRef('a.institution', '=', 'c.institution').onRef('a.contract_id', '=', 'c.contract_id'))
    .innerJoin('branches as b', (join) => join.onRef('b.institution', '=', 'a.institution').onRef('b.code', '=', 'a.branch_code'))
    .select(['c.name', 'a.branch_code', 'b.name as branch_name', 'a.account_number', 'a.holder_name'])
    .where('c.institution', '=', form.institution)
    .where('c.contract_id', '=', opening.contract_id)
    .where('a.role', '=', 'customer')
    .orderBy('a.opened_at')
    .orderBy('a.id')
    .limit(1)
    .executeTakeFirst();
  if (!facts || facts.branch_code === null || facts.account_number === null) throw new Error(`contract ${opening.contract_id} of ${form.institution} has no account of its opening`);
  return {
    ok: true,
    replayed: true,
    card: {
      contractId: opening.contract_id,
      name: facts.name,
      branchCode: facts.branch_code,
      branchName: facts.branch_name,
      accountNumber: facts.account_number,
      holderName: facts.holder_name,
      issuedAt: Number(opening.opened_at),
    },
  };
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
