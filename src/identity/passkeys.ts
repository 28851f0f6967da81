// Passkeys (WebAuthn) for any principal (principals.ts), beside the one-time password (issue 15):
// registration, sign-in with a discoverable credential, and step-up for one stored operation.
// The ceremonies are @simplewebauthn/server's; what is Mamori's is here:
//
// - A challenge is 32 random bytes (a step-up's: 16 random bytes and the SHA-256 of the
//   operation it confirms), stored with its purpose, its principal, the hash of the browser
//   session it was issued to and an expiry of 5 minutes, and TAKEN — deleted, with one
//   conditional statement — before the answer is verified: it is used once, by any process.
// - User verification is required at registration and at every assertion; attestation is
//   `none` (a bank cannot vet every authenticator, and synced passkeys carry none).
// - A credential is found only within one institution and one kind of principal (and, for a
//   step-up, one subject): a passkey of `demo` presented at `sample`, or one contract's for
//   another, is not found, which is also the answer to an unknown credential.
// - A wrong assertion of a known credential (bad signature, no user verification, a challenge
//   used already or never issued, a counter gone backwards) is counted under an attempt of the
//   principal's passkey factor (attempts.ts), which locks passkey sign-in after 5 and leaves the
//   principal's password and one-time password as they were.
// - The backup flag is stored as the last assertion says: a synced passkey may change it.
//
// What a site adds (its pages, its words, its notifications) comes in through `inTransaction`,
// which runs in the transaction that records the change with its audit record.
import { createHash, randomBytes } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { sql, type Kysely, type Transaction } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { Schema } from '../db/schema.js';
import { withAttempt, type LockThresholds } from './attempts.js';
import type { PasskeyChallengeTable, PasskeyTable } from './identity.tables.js';
import type { PrincipalKind, PrincipalRef } from './principals.js';

/** Where passkeys are used: the relying party id (a host name) and the origin pages are served at. */
export interface RelyingParty {
  id: string;
  origin: string;
  /** Shown by the authenticator beside the account: the institution's name. */
  name: string;
}

export const MAX_PASSKEYS = 5;
export const CHALLENGE_TTL_MS = 5 * 60_000;
export const PASSKEY_NAME_MAX = 40;

/** What lists and pages show of a passkey: never its credential id or key. */
export interface PasskeySummary {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  backedUp: boolean;
  deviceType: 'singleDevice' | 'multiDevice';
}

export interface Ceremony {
  kind: PrincipalKind;
  institution: string;
  rp: RelyingParty;
  /** SHA-256 of the cookie token of the browser session the ceremony belongs to. */
  bindingHash: string;
  nowMs: number;
}

type Db = Kysely<Schema>;
type Trx = Transaction<Schema>;

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function summaryOf(row: Pick<PasskeyTable, 'id' | 'name' | 'created_at' | 'last_used_at' | 'backed_up' | 'device_type'>): PasskeySummary {
  return {
    id: row.id,
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    backedUp: Number(row.backed_up) === 1,
    deviceType: row.device_type,
  };
}

/** Why a name the customer typed cannot be a passkey's name, or undefined. */
export function passkeyNameProblem(name: string): 'empty' | 'too_long' | 'control' | undefined {
  if (name.trim() === '') return 'empty';
  if ([...name].length > PASSKEY_NAME_MAX) return 'too_long';
  // Control characters, lone surrogates and bidirectional overrides make a list that lies.
  if (/[\p{Cc}\p{Cf}]|\p{Cs}/u.test(name)) return 'control';
  return undefined;
}

// ——— challenges ————————————————————————————————————————————————————————————————

interface ChallengeIssue {
  purpose: PasskeyChallengeTable['purpose'];
  subject: string | null;
  operationHash?: string;
  userHandle?: string;
}

async function issueChallenge(db: Db, ceremony: Ceremony, issue: ChallengeIssue): Promise<Uint8Array<ArrayBuffer>> {
  // A step-up's challenge carries the operation's hash, so the authenticator signs what it confirms.
  const bytes = Uint8Array.from(issue.operationHash === undefined ? randomBytes(32) : Buffer.concat([randomBytes(16), Buffer.from(issue.operationHash, 'hex')]));
  await db
    .insertInto('passkey_challenges')
    .values({
      challenge: b64url(bytes),
      institution: ceremony.institution,
      purpose: issue.purpose,
      principal: ceremony.kind.name,
      subject: issue.subject,
      binding_hash: ceremony.bindingHash,
      operation_hash: issue.operationHash ?? null,
      user_handle: issue.userHandle ?? null,
      created_at: ceremony.nowMs,
      expires_at: ceremony.nowMs + CHALLENGE_TTL_MS,
    })
    .execute();
  return bytes;
}

/** The challenge an answer was made for, as its client data says (undefined if unreadable). */
function answeredChallenge(clientDataJSON: unknown): string | undefined {
  if (typeof clientDataJSON !== 'string' || clientDataJSON.length > 4096) return undefined;
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(data.challenge) ? data.challenge : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes (deletes) the challenge if it was issued for this purpose, principal and browser session
 * and has not expired: one statement, so of two answers with one challenge at most one finds it.
 */
async function takeChallenge(db: Db, ceremony: Ceremony, challenge: string | undefined, match: { purpose: PasskeyChallengeTable['purpose']; subject: string | null; operationHash?: string }) {
  if (challenge === undefined) return undefined;
  return db
    .deleteFrom('passkey_challenges')
    .where('challenge', '=', challenge)
    .where('institution', '=', ceremony.institution)
    .where('purpose', '=', match.purpose)
    .where('principal', '=', ceremony.kind.name)
    .where('binding_hash', '=', ceremony.bindingHash)
    .where('expires_at', '>', ceremony.nowMs)
    .$if(match.subject !== null, (qb) => qb.where('subject', '=', match.subject!))
    .$if(match.operationHash !== undefined, (qb) => qb.where('operation_hash', '=', match.operationHash!))
    .returning(['challenge', 'user_handle'])
    .executeTakeFirst();
}

/** Deletes the challenges that expired: the jobs' sweep. */
export async function sweepPasskeyChallenges(db: Db, nowMs: number): Promise<number> {
  const result = await db.deleteFrom('passkey_challenges').where('expires_at', '<=', nowMs).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ——— the principal's passkeys ——————————————————————————————————————————————————

function ofPrincipal(db: Db | Trx, kind: PrincipalKind, ref: PrincipalRef) {
  return db.selectFrom('passkeys').where('institution', '=', ref.institution).where('principal', '=', kind.name).where('subject', '=', ref.subject);
}

export async function listPasskeys(db: Db, kind: PrincipalKind, ref: PrincipalRef): Promise<PasskeySummary[]> {
  const rows = await ofPrincipal(db, kind, ref).select(['id', 'name', 'created_at', 'last_used_at', 'backed_up', 'device_type']).orderBy('created_at').orderBy('id').execute();
  return rows.map(summaryOf);
}

export async function countPasskeys(db: Db | Trx, kind: PrincipalKind, ref: PrincipalRef): Promise<number> {
  const row = await ofPrincipal(db, kind, ref).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

// ——— registration ——————————————————————————————————————————————————————————————

export type StartRegistration = { ok: true; options: PublicKeyCredentialCreationOptionsJSON } | { ok: false; reason: 'limit' };

/** The options for navigator.credentials.create() of a new passkey of the principal. */
export async function startPasskeyRegistration(
  db: Db,
  ceremony: Ceremony,
  principal: PrincipalRef & { userName: string; userDisplayName: string },
): Promise<StartRegistration> {
  const existing = await ofPrincipal(db, ceremony.kind, principal).select(['credential_id', 'transports', 'user_handle']).execute();
  if (existing.length >= MAX_PASSKEYS) return { ok: false, reason: 'limit' };
  // One opaque user handle per principal, so an authenticator keeps one account for it.
  const userHandle = existing[0]?.user_handle ?? b64url(randomBytes(32));
  const challenge = await issueChallenge(db, ceremony, { purpose: 'register', subject: principal.subject, userHandle });
  const options = await generateRegistrationOptions({
    rpName: ceremony.rp.name,
    rpID: ceremony.rp.id,
    userName: principal.userName,
    userDisplayName: principal.userDisplayName,
    userID: Uint8Array.from(Buffer.from(userHandle, 'base64url')),
    challenge,
    timeout: CHALLENGE_TTL_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((row) => ({ id: row.credential_id, transports: JSON.parse(row.transports) as AuthenticatorTransportFuture[] })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    supportedAlgorithmIDs: [-7, -257],
  });
  return { ok: true, options };
}

export type FinishRegistration =
  | { ok: true; passkey: PasskeySummary }
  | { ok: false; reason: 'challenge' | 'invalid' | 'limit' | 'duplicate' };

/** Verifies the authenticator's answer and stores the passkey, audited, with the site's `inTransaction`. */
export async function finishPasskeyRegistration(
  db: Db,
  ceremony: Ceremony,
  input: {
    principal: PrincipalRef;
    response: RegistrationResponseJSON;
    name: string;
    inTransaction?: (trx: Trx, passkey: PasskeySummary) => Promise<void>;
  },
): Promise<FinishRegistration> {
  const { kind } = ceremony;
  if (passkeyNameProblem(input.name) !== undefined) throw new Error('finishPasskeyRegistration: the name was not checked');
  const taken = await takeChallenge(db, ceremony, answeredChallenge(input.response?.response?.clientDataJSON), { purpose: 'register', subject: input.principal.subject });
  if (!taken || taken.user_handle === null) return { ok: false, reason: 'challenge' };
  let verified;
  try {
    verified = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: taken.challenge,
      expectedOrigin: ceremony.rp.origin,
      expectedRPID: ceremony.rp.id,
      requireUserVerification: true,
    });
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (!verified.verified) return { ok: false, reason: 'invalid' };
  const info = verified.registrationInfo;
  const row: PasskeyTable = {
    id: `pk_${randomBytes(12).toString('hex')}`,
    institution: input.principal.institution,
    principal: kind.name,
    subject: input.principal.subject,
    credential_id: info.credential.id,
    user_handle: taken.user_handle,
    public_key: b64url(info.credential.publicKey),
    sign_count: info.credential.counter,
    transports: JSON.stringify(info.credential.transports ?? []),
    device_type: info.credentialDeviceType,
    backed_up: info.credentialBackedUp ? 1 : 0,
    name: input.name.trim(),
    created_at: ceremony.nowMs,
    last_used_at: null,
  };
  return db.transaction().execute(async (trx): Promise<FinishRegistration> => {
    // The principal's row first (DESIGN's lock order), then the count: two registrations racing
    // for the fifth place do not both get it.
    await holdPrincipal(trx, kind, input.principal);
    if ((await countPasskeys(trx, kind, input.principal)) >= MAX_PASSKEYS) return { ok: false, reason: 'limit' };
    const inserted = await trx.insertInto('passkeys').values(row).onConflict((oc) => oc.column('credential_id').doNothing()).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return { ok: false, reason: 'duplicate' };
    const passkey = summaryOf(row);
    await appendAudit(trx, {
      chain: input.principal.institution,
      at: ceremony.nowMs,
      actor: kind.actor(input.principal.subject),
      action: `${kind.auditPrefix}passkey_registered`,
      subject: input.principal.subject,
      details: { passkeyId: row.id, synced: row.device_type === 'multiDevice' },
    });
    await input.inTransaction?.(trx, passkey);
    return { ok: true, passkey };
  });
}

/** Holds the principal's row for the rest of the transaction (the first of the lock order): a write that changes nothing. */
async function holdPrincipal(trx: Trx, kind: PrincipalKind, ref: PrincipalRef): Promise<void> {
  const { table, subject } = kind.row;
  const rows = trx as unknown as Kysely<Record<typeof table, Record<string, unknown>>>;
  await rows.updateTable(table).set({ [subject]: sql.ref(subject) }).where('institution', '=', ref.institution).where(subject, '=', ref.subject).execute();
}

// ——— assertions: sign-in and step-up ——————————————————————————————————————————

/** The options for navigator.credentials.get() at sign-in: any passkey of this site (discoverable). */
export async function startPasskeySignIn(db: Db, ceremony: Ceremony): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const challenge = await issueChallenge(db, ceremony, { purpose: 'sign_in', subject: null });
  return generateAuthenticationOptions({ rpID: ceremony.rp.id, challenge, timeout: CHALLENGE_TTL_MS, userVerification: 'required', allowCredentials: [] });
}

/** The options for a step-up of `operation` (its canonical text: see the callers) by one of the principal's passkeys. */
export async function startPasskeyStepUp(
  db: Db,
  ceremony: Ceremony,
  input: { principal: PrincipalRef; operation: string },
): Promise<{ ok: true; options: PublicKeyCredentialRequestOptionsJSON } | { ok: false; reason: 'none' }> {
  const passkeys = await ofPrincipal(db, ceremony.kind, input.principal).select(['credential_id', 'transports']).execute();
  if (passkeys.length === 0) return { ok: false, reason: 'none' };
  const challenge = await issueChallenge(db, ceremony, { purpose: 'step_up', subject: input.principal.subject, operationHash: sha256Hex(input.operation) });
  const options = await generateAuthenticationOptions({
    rpID: ceremony.rp.id,
    challenge,
    timeout: CHALLENGE_TTL_MS,
    userVerification: 'required',
    allowCredentials: passkeys.map((p) => ({ id: p.credential_id, transports: JSON.parse(p.transports) as AuthenticatorTransportFuture[] })),
  });
  return { ok: true, options };
}

/**
 * Why an assertion was refused. 'refused' is every answer that must not tell more — an unknown
 * credential, another institution's or another principal's, a wrong signature —, 'locked' the
 * passkey lock, 'throttled' a burst at one principal's passkeys (try again, nothing counted).
 */
export type AssertionRefusal = 'refused' | 'locked' | 'throttled';

export type AssertionResult = { ok: true; subject: string; passkey: PasskeySummary } | { ok: false; reason: AssertionRefusal };

export interface AssertionInput {
  response: AuthenticationResponseJSON;
  /** The principal's lock thresholds (the policy), for the attempt's target. */
  thresholds: LockThresholds;
  /** Where, for the audit record of a failure: 'login', 'transfer'… */
  path: string;
}

/** A sign-in assertion: the principal it proves, or why not. */
export function finishPasskeySignIn(db: Db, ceremony: Ceremony, input: AssertionInput): Promise<AssertionResult> {
  return verifyAssertion(db, ceremony, input, { purpose: 'sign_in', subject: null });
}

/** A step-up assertion for `operation` by `principal`: made for another operation or by another's passkey, it is refused. */
export function finishPasskeyStepUp(db: Db, ceremony: Ceremony, input: AssertionInput & { principal: PrincipalRef; operation: string }): Promise<AssertionResult> {
  return verifyAssertion(db, ceremony, input, { purpose: 'step_up', subject: input.principal.subject, operationHash: sha256Hex(input.operation) });
}

async function verifyAssertion(
  db: Db,
  ceremony: Ceremony,
  input: AssertionInput,
  match: { purpose: 'sign_in' | 'step_up'; subject: string | null; operationHash?: string },
): Promise<AssertionResult> {
  const { kind } = ceremony;
  const credentialId = typeof input.response?.id === 'string' && /^[A-Za-z0-9_-]{1,1366}$/.test(input.response.id) ? input.response.id : undefined;
  const passkey =
    credentialId === undefined
      ? undefined
      : await db
          .selectFrom('passkeys')
          .selectAll()
          .where('credential_id', '=', credentialId)
          .where('institution', '=', ceremony.institution)
          .where('principal', '=', kind.name)
          .$if(match.subject !== null, (qb) => qb.where('subject', '=', match.subject!))
          .executeTakeFirst();
  // The challenge is taken whatever follows: an answer uses it up, right or wrong.
  const taken = await takeChallenge(db, ceremony, answeredChallenge(input.response?.response?.clientDataJSON), match);
  if (!passkey) return { ok: false, reason: 'refused' };
  const target = { institution: ceremony.institution, subject: passkey.subject, thresholds: input.thresholds, nowMs: ceremony.nowMs, path: input.path };
  const checked = await withAttempt(db, kind, 'passkey', target, async (attempt): Promise<AssertionResult> => {
    // A discoverable passkey names its account: it must be the one this credential was made for.
    const handle = input.response.response?.userHandle;
    const right = taken && (handle === undefined || handle === passkey.user_handle) ? await verified(passkey, taken.challenge) : undefined;
    if (!right) {
      const counted = await attempt.wrong();
      return { ok: false, reason: counted.counted && !counted.lockedNow ? 'refused' : 'locked' };
    }
    // The counter moves forward by a compare-and-set: of two answers with one counter, one wins.
    const updated = await db
      .updateTable('passkeys')
      .set({ sign_count: right.newCounter, backed_up: right.backedUp ? 1 : 0, last_used_at: ceremony.nowMs })
      .where('id', '=', passkey.id)
      .where('sign_count', '=', passkey.sign_count)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) {
      await attempt.wrong();
      return { ok: false, reason: 'refused' };
    }
    if (!(await attempt.right())) return { ok: false, reason: 'locked' };
    return { ok: true, subject: passkey.subject, passkey: summaryOf({ ...passkey, backed_up: right.backedUp ? 1 : 0, last_used_at: ceremony.nowMs }) };
  });
  if (!checked.taken) return { ok: false, reason: checked.refusal };
  return checked.value;

  async function verified(row: PasskeyTable, challenge: string): Promise<{ newCounter: number; backedUp: boolean } | undefined> {
    try {
      const result = await verifyAuthenticationResponse({
        response: input.response,
        expectedChallenge: challenge,
        expectedOrigin: ceremony.rp.origin,
        expectedRPID: ceremony.rp.id,
        credential: { id: row.credential_id, publicKey: Uint8Array.from(Buffer.from(row.public_key, 'base64url')), counter: Number(row.sign_count), transports: JSON.parse(row.transports) as AuthenticatorTransportFuture[] },
        requireUserVerification: true,
      });
      return result.verified && result.authenticationInfo.userVerified ? { newCounter: result.authenticationInfo.newCounter, backedUp: result.authenticationInfo.credentialBackedUp } : undefined;
    } catch {
      return undefined; // a bad signature, no user verification, a counter gone backwards, another origin
    }
  }
}

// ——— rename, delete, revoke —————————————————————————————————————————————————————

/** Renames one of the principal's passkeys; false if it is not theirs. */
export async function renamePasskey(db: Db, kind: PrincipalKind, ref: PrincipalRef, input: { id: string; name: string; nowMs: number }): Promise<boolean> {
  if (passkeyNameProblem(input.name) !== undefined) throw new Error('renamePasskey: the name was not checked');
  const result = await db
    .updateTable('passkeys')
    .set({ name: input.name.trim() })
    .where('id', '=', input.id)
    .where('institution', '=', ref.institution)
    .where('principal', '=', kind.name)
    .where('subject', '=', ref.subject)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Deletes the principal's passkeys — one (`id`) or all — with one audit record each, in one
 * transaction with the site's `inTransaction`: by the principal (`passkey_deleted`) or by an
 * operator on a written request (`passkey_revoked`, with `actor` and `requestFormNo`).
 */
export async function deletePasskeys(
  db: Db,
  kind: PrincipalKind,
  ref: PrincipalRef,
  input: {
    id?: string;
    nowMs: number;
    by: { actor: 'self' } | { actor: string; requestFormNo: string; reason: string };
    inTransaction?: (trx: Trx, deleted: PasskeySummary[]) => Promise<void>;
  },
): Promise<PasskeySummary[]> {
  return db.transaction().execute(async (trx) => {
    await holdPrincipal(trx, kind, ref);
    const deleted = await trx
      .deleteFrom('passkeys')
      .where('institution', '=', ref.institution)
      .where('principal', '=', kind.name)
      .where('subject', '=', ref.subject)
      .$if(input.id !== undefined, (qb) => qb.where('id', '=', input.id!))
      .returning(['id', 'name', 'created_at', 'last_used_at', 'backed_up', 'device_type'])
      .execute();
    const summaries = deleted.map(summaryOf);
    for (const passkey of summaries) {
      const bySelf = input.by.actor === 'self';
      await appendAudit(trx, {
        chain: ref.institution,
        at: input.nowMs,
        actor: bySelf ? kind.actor(ref.subject) : input.by.actor,
        action: `${kind.auditPrefix}passkey_${bySelf ? 'deleted' : 'revoked'}`,
        subject: ref.subject,
        details: { passkeyId: passkey.id, ...('requestFormNo' in input.by ? { requestFormNo: input.by.requestFormNo, reason: input.by.reason } : {}) },
      });
    }
    if (summaries.length > 0) await input.inTransaction?.(trx, summaries);
    return summaries;
  });
}
