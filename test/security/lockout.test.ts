// Attack: guessing the one-time password, and locking someone else out. An attacker who has a
// customer's contract ID and login password (phished, or reused from another site) still
// needs the 6-digit code of the customer's token: 10^6 codes, of which the bank accepts three
// at any moment (the current 30-second step ±1), so one guess wins with odds of about 1 in
// 333,000 and the lock after 5 consecutive wrong codes (DESIGN §4) is all that stands between
// patient guessing and the account. The attacker therefore tries to get more than five guesses
// out of the lock: many sessions guessing at once so that a racing counter lets extra guesses
// through, the guesses spread over both processes of a split deployment, the right code slipped
// into a burst of wrong ones, a new client address (or a forged X-Forwarded-For) for every
// guess, and the other forms that take a code (振込 confirmation, 利用中止, 利用登録/交換). A
// second attacker — a vandal — wants to lock a victim out without knowing the victim's password,
// by posting codes to the code form without a session, with a forged or stale cookie, or with
// their own session and the victim's contract ID in the form: no wrong code may count before the
// right login password (DESIGN §4). Wrong LOGIN passwords do lock the contract (5, then only the
// branch unlocks), so anyone who knows a contract ID can lock its password: that denial of service
// is an accepted, documented risk (the bank unlocks at the branch, the customer is not told which
// factor failed), and this file checks that it works as designed and never touches the OTP
// counter. Everything goes over HTTP to real `mamori serve` processes; the bank's own view of the
// database is used only to read back the counters, sessions and audit records an attack left.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_AUTHORITY_POLICY } from '../../src/authority/authority-policy.js';
import { skipReason } from '../support/db/testing.js';
import { relyingPartyKey } from '../integration/deployment-helpers.js';
import { codeStep, confirmationFields, csrfOf, customerWithToken, Outsider, passwordStep, RoutedOutsider, signIn, STEP_MS, type Answer, type CodeSource } from './outsider.js';
import { MANY_FAILED_SIGN_INS, startTarget, type Customer, type Target } from './target.js';

// What the pages say (src/web/personal-web/messages.ts), verbatim.
const WRONG_CODE = 'ワンタイムパスワードが正しくありません。';
const LAST_CHANCE = 'あと1回誤るとロックされます。';
const LOCKED_TITLE = 'ワンタイムパスワードがロックされています';
const LOCKED_BODY = 'ワンタイムパスワードを一定回数以上誤って入力されたため、インターネットバンキングをご利用いただけません。';
const LOCKED_HOW_TO = 'お取引店舗へ当金庫所定の書面(ワンタイムパスワードのロック解除)にて届出ください。';
const LOGIN_FAILED = '契約者IDまたはログインパスワードが正しくないか、現在ご利用いただけない状態です。';
const DEREGISTER_DONE = 'ワンタイムパスワードの利用を中止しました';
const LOCK_THRESHOLD = 5; // DESIGN §4, the default policy of both demo institutions

// A payee that exists at the demo bank (bank code 9901): customer 1000000001's account.
const PAYEE = { bank: '9901', branch: '001', accountType: 'ordinary', accountNumber: '1000001', payeeName: 'ﾏﾓﾘ ﾀﾛｳ' };

// --- the attacker's tools --------------------------------------------------------------------

/** `count` different 6-digit guesses, none of which the token shows within ±3 steps of now. */
function guessesFor(codes: CodeSource, count: number): string[] {
  const now = Date.now();
  const near = new Set([-3, -2, -1, 0, 1, 2, 3].map((d) => codes.token.codeAt(now + d * STEP_MS)));
  const guesses = new Set<string>();
  while (guesses.size < count) {
    const code = String(randomInt(1_000_000)).padStart(6, '0');
    if (!near.has(code)) guesses.add(code);
  }
  return [...guesses];
}

/** A session past the password step, on the code form: what one guess needs. */
interface AtCodeForm {
  outsider: Outsider;
  csrf: string;
}

async function atCodeForm(customer: Customer, outsider: Outsider): Promise<AtCodeForm> {
  const password = await passwordStep(outsider, customer);
  assert.equal(password.status, 303, `password step of ${customer.contractId}: ${password.status} ${password.body.slice(0, 300)}`);
  assert.equal(password.location, `/ib/${customer.slug}/login/otp`);
  const form = await outsider.request(`/ib/${customer.slug}/login/otp`);
  assert.equal(form.status, 200);
  const csrf = csrfOf(form.body);
  assert.ok(csrf, 'the code form carries a csrf token');
  return { outsider, csrf };
}

function postCode(at: AtCodeForm, customer: Customer, code: string): Promise<Answer> {
  return at.outsider.request(`/ib/${customer.slug}/login/otp`, { form: { csrf: at.csrf, code } });
}

/** The lock page: 403, what happened and that the branch lifts it, and the session cookie gone. */
function assertLockPage(answer: Answer, note: string): void {
  assert.equal(answer.status, 403, `${note}: ${answer.status} ${answer.location ?? ''} ${answer.body.slice(0, 300)}`);
  for (const text of [LOCKED_TITLE, LOCKED_BODY, LOCKED_HOW_TO]) assert.ok(answer.body.includes(text), `${note}: the lock page says 「${text}」`);
  assert.ok(!answer.setCookies.some((c) => /^mamori_session=[^;]+/.test(c) && !/max-age=0|expires=thu, 01 jan 1970/i.test(c)), `${note}: no live session cookie`);
}

/** A guess that counted and did not lock: 401 on the code form, warning only at the 4th. */
function assertCounted(answer: Answer, failures: number, note: string): void {
  assert.equal(answer.status, 401, `${note}: ${answer.status} ${answer.location ?? ''} ${answer.body.slice(0, 300)}`);
  assert.ok(answer.body.includes(WRONG_CODE), `${note}: 「${WRONG_CODE}」`);
  assert.ok(!answer.body.includes(LOCKED_TITLE), `${note}: not the lock page`);
  if (failures === LOCK_THRESHOLD - 1) assert.ok(answer.body.includes(LAST_CHANCE), `${note}: the 4th wrong code warns`);
  else assert.ok(!answer.body.includes('ロックされます'), `${note}: no warning before the 4th wrong code`);
}

/** Sent to the login page: the request reached no code check (no session at this stage). */
function assertToLogin(answer: Answer, customer: Customer, note: string): void {
  assert.equal(answer.status, 303, `${note}: ${answer.status} ${answer.body.slice(0, 300)}`);
  assert.match(answer.location ?? '', new RegExp(`^/ib/${customer.slug}/(\\?timeout=1)?$`), note);
}

/** Every request from the next loopback address (127.0.0.2 …), each with its own forwarded client. */
function rotatingRoute(firstHost: number, forwardedPrefix: string): { route: () => { localAddress: string; forwardedFor: string }; used: { localAddresses: string[]; forwarded: string[] } } {
  let n = 0;
  const used = { localAddresses: [] as string[], forwarded: [] as string[] };
  return {
    used,
    route() {
      const localAddress = `127.0.0.${firstHost + (n % (254 - firstHost))}`;
      const forwardedFor = `${forwardedPrefix}${1 + (n % 250)}`;
      n++;
      used.localAddresses.push(localAddress);
      used.forwarded.push(forwardedFor);
      return { localAddress, forwardedFor };
    },
  };
}

/** POST /authority/v1/tokens from `localAddress` with `forwardedFor`: the provisioning limit. */
async function provisionFrom(target: Target, localAddress: string, forwardedFor: string): Promise<Answer> {
  const outsider = new RoutedOutsider(target.authorityUrl, () => ({ localAddress, forwardedFor }));
  return outsider.request('/authority/v1/tokens', { json: { kind: 'mobile' } });
}

const PROVISION_LIMIT = DEFAULT_AUTHORITY_POLICY.provisionLimitPerAddress; // per client address per 15 minutes

/**
 * From `addresses[0]`, PROVISION_LIMIT provisioning requests pass and the next is refused
 * although each names another client in X-Forwarded-For; from the next address, one passes
 * again (so the refusal was that address's count). The windows are aligned to 15 minutes: if
 * one ended during the run, the count restarted, and the run is repeated from a fresh address.
 */
async function assertProvisioningLimited(target: Target, addresses: readonly [string, string, string], forwardedPrefix: string): Promise<void> {
  const windowMs = DEFAULT_AUTHORITY_POLICY.provisionWindowMs;
  for (const [attempt, address] of [addresses[0], addresses[2]].entries()) {
    const windowAtStart = Math.floor(Date.now() / windowMs);
    for (let i = 1; i <= PROVISION_LIMIT; i++) assert.equal((await provisionFrom(target, address, `${forwardedPrefix}${i}`)).status, 201, `provisioning ${i} from ${address}`);
    const refused = await provisionFrom(target, address, `${forwardedPrefix}${PROVISION_LIMIT + 1}`);
    if (refused.status === 201 && attempt === 0 && Math.floor(Date.now() / windowMs) !== windowAtStart) continue;
    assert.equal(refused.status, 429, `the ${PROVISION_LIMIT + 1}th from ${address} with a new X-Forwarded-For: ${refused.status} ${refused.body}`);
    assert.ok(refused.body.includes('rate_limited'), refused.body);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1, 'Retry-After');
    assert.equal((await provisionFrom(target, addresses[1], `${forwardedPrefix}${PROVISION_LIMIT + 1}`)).status, 201, `another address (${addresses[1]}) is served`);
    return;
  }
  assert.fail('two provisioning windows ended during the run');
}

const unescapeHtml = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// --- the bank's view, read back only (see target.ts) -----------------------------------------

/**
 * The contract's two fail counters. The pages never show the count (only the warning at the
 * 4th and the lock page), so whether a burst counted PAST the lock is read back here.
 */
async function countersOf(target: Target, customer: Customer): Promise<{ otp: number; password: number }> {
  const row = await target
    .bankDatabase()
    .db.selectFrom('customers')
    .select(['otp_failures', 'password_failures'])
    .where('institution', '=', customer.slug)
    .where('contract_id', '=', customer.contractId)
    .executeTakeFirstOrThrow();
  return { otp: Number(row.otp_failures), password: Number(row.password_failures) };
}

/** The stages of the contract's live session rows: a lock must leave none. */
async function sessionStagesOf(target: Target, customer: Customer): Promise<string[]> {
  const rows = await target.bankDatabase().db.selectFrom('sessions').select('stage').where('institution', '=', customer.slug).where('contract_id', '=', customer.contractId).execute();
  return rows.map((r) => r.stage);
}

/** How many audit records of `action` the contract has: one per counted failure, one lock. */
async function auditCount(target: Target, customer: Customer, action: string): Promise<number> {
  const rows = await target.bankDatabase().db.selectFrom('audit_log').select('seq').where('chain', '=', customer.slug).where('subject', '=', customer.contractId).where('action', '=', action).execute();
  return rows.length;
}

/**
 * After a burst: a lock leaves exactly 5 wrong codes counted (4 `otp_failed` records and one
 * `otp_locked`, however many guesses raced), no session of the contract, and the right password
 * now leads to the lock page instead of the code form, on every bank process.
 */
async function assertLockedForGood(target: Target, customer: Customer, note: string): Promise<void> {
  assert.deepEqual(await countersOf(target, customer), { otp: LOCK_THRESHOLD, password: 0 }, `${note}: the counter stops at the lock`);
  assert.equal(await auditCount(target, customer, 'otp_locked'), 1, `${note}: one lock`);
  assert.deepEqual(await sessionStagesOf(target, customer), [], `${note}: the lock ended every session`);
  for (const url of target.bankUrls) assertLockPage(await passwordStep(new Outsider(url), customer), `${note}: the right password at ${url}`);
}

/** The wrong-code answers of a burst that locked from `before` failures: exactly the counted ones are 401. */
function assertBurstLocked(answers: readonly Answer[], customer: Customer, before: number, note: string): void {
  const statuses = answers.map((a) => a.status);
  const counted = answers.filter((a) => a.status === 401);
  assert.equal(counted.length, LOCK_THRESHOLD - 1 - before, `${note}: exactly the guesses up to the 4th counted on the form (${statuses})`);
  assert.equal(counted.filter((a) => a.body.includes(LAST_CHANCE)).length, 1, `${note}: one warning, at the 4th`);
  // The others: the lock page (the one that locked, and any that raced it), or the login page
  // (its session had already been ended by the lock).
  assert.ok(answers.some((a) => a.status === 403), `${note}: someone saw the lock page (${statuses})`);
  for (const answer of answers) {
    if (answer.status === 403) assertLockPage(answer, note);
    else if (answer.status === 303) assertToLogin(answer, customer, note);
    else assert.equal(answer.status, 401, `${note}: ${answer.status} ${answer.body.slice(0, 200)}`);
  }
}

/** `count` wrong codes one after another, each from a session of its own (the customer's typos, or the guessing so far). */
async function wrongCodesInTurn(customer: Customer, codes: CodeSource, count: number, baseUrl: string, firstFailure = 1): Promise<void> {
  const guesses = guessesFor(codes, count);
  for (let i = 0; i < count; i++) {
    const at = await atCodeForm(customer, new Outsider(baseUrl));
    assertCounted(await postCode(at, customer, guesses[i]!), firstFailure + i, `wrong code ${firstFailure + i}`);
  }
}

/**
 * What the token authority itself has checked so far, read from its own /metrics: the codes it
 * found wrong (`invalid_code`) and right (`valid`) for the verify operation, and what it refused
 * to check (`throttled`). In `serve all` the authority is the bank process itself.
 */
async function authorityChecks(target: Target): Promise<{ invalid: number; valid: number; throttled: number }> {
  const text = await (await fetch(`${target.authorityUrl}/metrics`)).text();
  const read = (result: string) => Number(new RegExp(`^mamori_authority_code_checks_total\\{operation="verify",result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { invalid: read('invalid_code'), valid: read('valid'), throttled: read('throttled') };
}

/** What the bank processes saw the authority answer: wrong codes, summed over every bank process. */
async function bankSawInvalid(target: Target): Promise<number> {
  let total = 0;
  for (const url of target.bankUrls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    total += Number(/^mamori_code_verifications_total\{operation="verify",result="invalid_code"\} (\d+)$/m.exec(text)?.[1] ?? 0);
  }
  return total;
}

/** `count` sessions of `customer` on the code form, spread over `baseUrls`, `batch` password steps at a time. */
async function sessionsAtCodeForm(customer: Customer, baseUrls: readonly string[], count: number, batch = 20): Promise<AtCodeForm[]> {
  const sessions: AtCodeForm[] = [];
  for (let i = 0; i < count; i += batch) {
    const size = Math.min(batch, count - i);
    sessions.push(...(await Promise.all(Array.from({ length: size }, (_, j) => atCodeForm(customer, new Outsider(baseUrls[(i + j) % baseUrls.length]!))))));
  }
  return sessions;
}

/**
 * A burst of `size` distinct wrong codes at one contract, one per session, the sessions
 * alternating over `baseUrls`: the lock bounds the guesses the AUTHORITY CHECKS, not only those
 * counted — exactly 5 reach it, whatever the burst's size and however many bank processes share
 * it (the attempt is taken with a conditional write before the code leaves the bank). Exactly
 * the first 4 are answered as wrong codes, every other with the lock page (or the login page,
 * its session already ended by the lock).
 */
async function assertBurstEvaluatesFive(target: Target, size: number, baseUrls: readonly string[]): Promise<void> {
  const customer = target.customer('demo');
  const codes = await customerWithToken(target, customer);
  const sessions = await sessionsAtCodeForm(customer, baseUrls, size);
  const guesses = guessesFor(codes, size);
  const [checkedBefore, bankBefore] = [await authorityChecks(target), await bankSawInvalid(target)];
  const answers = await Promise.all(sessions.map((s, i) => postCode(s, customer, guesses[i]!)));
  const [checkedAfter, bankAfter] = [await authorityChecks(target), await bankSawInvalid(target)];
  const note = `a burst of ${size} over ${baseUrls.length} process(es)`;
  assert.equal(checkedAfter.invalid - checkedBefore.invalid, LOCK_THRESHOLD, `${note}: the authority checked exactly ${LOCK_THRESHOLD} codes`);
  assert.equal(checkedAfter.valid - checkedBefore.valid, 0, note);
  assert.equal(bankAfter - bankBefore, LOCK_THRESHOLD, `${note}: the banks sent exactly ${LOCK_THRESHOLD} codes to be checked`);
  assertBurstLocked(answers, customer, 0, note);
  await assertLockedForGood(target, customer, note);
  assert.equal(await auditCount(target, customer, 'otp_failed'), LOCK_THRESHOLD - 1, note);
}

/** Login passwords the bank processes compared with a stored hash, by result, summed over them. */
async function passwordChecks(target: Target): Promise<{ wrong: number; right: number }> {
  const sum = { wrong: 0, right: 0 };
  for (const url of target.bankUrls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const result of ['wrong', 'right'] as const) sum[result] += Number(new RegExp(`^mamori_password_checks_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  }
  return sum;
}

/**
 * The password lock bounds what is COMPARED the same way: `size` different wrong passwords for
 * one contract sent at once, each from its own client address (so no per-address limit is what
 * stops them), spread over `baseUrls` — exactly 5 are hashed and compared; every answer is the
 * one login failure page, and the contract ends locked at 5 with one lock record.
 */
async function assertPasswordBurstComparesFive(target: Target, size: number, baseUrls: readonly string[]): Promise<void> {
  const victim = target.customer('demo');
  const { route } = rotatingRoute(40, '198.51.100.');
  const before = await passwordChecks(target);
  const answers = await Promise.all(Array.from({ length: size }, (_, i) => passwordStep(new RoutedOutsider(baseUrls[i % baseUrls.length]!, route), victim, `Guess-${i}-${randomInt(1e9)}`)));
  const after = await passwordChecks(target);
  const note = `${size} wrong passwords at once over ${baseUrls.length} process(es)`;
  assert.equal(after.wrong - before.wrong, LOCK_THRESHOLD, `${note}: exactly ${LOCK_THRESHOLD} compared`);
  for (const answer of answers) {
    assert.equal(answer.status, 401, `${note}: ${answer.status} ${answer.body.slice(0, 200)}`);
    assert.ok(answer.body.includes(LOGIN_FAILED), note);
  }
  assert.deepEqual(await countersOf(target, victim), { otp: 0, password: LOCK_THRESHOLD }, note);
  assert.equal(await auditCount(target, victim, 'password_failed'), LOCK_THRESHOLD - 1, note);
  assert.equal(await auditCount(target, victim, 'password_locked'), 1, note);
}

/**
 * The authority's own throttle (20 wrong codes per token per 5 minutes) bounds what it checks
 * the same way: `size` distinct wrong codes for one binding sent at once straight to its API,
 * as the institution's own bank processes (its API key) — exactly 20 are checked and answered
 * `invalid_code`, every other `throttled`, unchecked.
 */
async function assertThrottleBoundsChecks(target: Target, size: number): Promise<void> {
  const customer = target.customer('sample');
  const codes = await customerWithToken(target, customer);
  // The binding's id, as the bank stores it (the bank's own view, read back only).
  const row = await target.bankDatabase().db.selectFrom('customers').select('token_binding_id').where('institution', '=', 'sample').where('contract_id', '=', customer.contractId).executeTakeFirstOrThrow();
  const key = await relyingPartyKey('sample', target.env);
  const api = new Outsider(target.authorityUrl);
  const guesses = guessesFor(codes, size);
  const before = await authorityChecks(target);
  const answers = await Promise.all(
    guesses.map((code) => api.request(`/authority/v1/bindings/${row.token_binding_id}/verify`, { json: { code }, headers: { authorization: `Bearer ${key}` } })),
  );
  const after = await authorityChecks(target);
  const max = DEFAULT_AUTHORITY_POLICY.throttleMaxFailures;
  const note = `${size} wrong codes at once at the authority's API`;
  assert.equal(after.invalid - before.invalid, max, `${note}: exactly ${max} checked`);
  assert.equal(after.throttled - before.throttled, size - max, `${note}: the rest refused unchecked`);
  const bodies = answers.map((a) => `${a.status} ${a.body}`);
  assert.equal(bodies.filter((b) => b.includes('invalid_code')).length, max, note);
  assert.equal(bodies.filter((b) => b.includes('throttled')).length, size - max, note);
  // The right code is refused too while the window lasts, so the throttle is real.
  const right = await api.request(`/authority/v1/bindings/${row.token_binding_id}/verify`, { json: { code: await codes.next() }, headers: { authorization: `Bearer ${key}` } });
  assert.ok(right.body.includes('throttled'), `the right code while throttled: ${right.status} ${right.body}`);
}

/**
 * The right code sent at once with `wrongCount` wrong ones, from sessions spread over
 * `baseUrls`, when the counter stands at 4 — one attempt left. What is promised, for every
 * interleaving: exactly one code takes that attempt and is checked; the others wait for it.
 *  - A wrong code took it: the contract locks; the right code and every other wrong code get
 *    the lock page (or the login page, their sessions ended by the lock) unchecked: no 401, the
 *    authority checked 1 code and found it wrong.
 *  - The right code took it: it is valid, gives the attempt back and restarts the count; the
 *    waiting wrong codes then each take an attempt — the first 4 are answered 401, a 5th locks
 *    and the rest get the lock page, unchecked: the authority checked the right code and
 *    min(wrongCount, 5) wrong ones. The right code's answer is the main page — unless that lock
 *    came before its session was issued, when it is the lock page too (and no session lives).
 * Never a session on a locked contract, never past 5, never a 401 after the lock.
 * (Until the sign-in's session was issued in the same transaction as a look at the lock, a lock
 * counted between the right code's check and that issue left a signed-in session on a locked
 * contract; src/web/personal-web/otp-lock.security.test.ts parks a sign-in in that window.)
 */
async function rightCodeInBurst(target: Target, customer: Customer, codes: CodeSource, wrongCount: number, baseUrls: readonly string[]): Promise<{ rightWon: boolean; locked: boolean }> {
  const [firstUrl] = baseUrls;
  await wrongCodesInTurn(customer, codes, LOCK_THRESHOLD - 1, firstUrl!);
  const sessions = await Promise.all(Array.from({ length: wrongCount + 1 }, (_, i) => atCodeForm(customer, new Outsider(baseUrls[i % baseUrls.length]!))));
  const [rightSession, ...wrongSessions] = sessions;
  const guesses = guessesFor(codes, wrongCount);
  const right = await codes.next();
  const checkedBefore = await authorityChecks(target);
  const [rightAnswer, ...wrongAnswers] = await Promise.all([postCode(rightSession!, customer, right), ...wrongSessions.map((s, i) => postCode(s, customer, guesses[i]!))]);
  const checkedAfter = await authorityChecks(target);
  const checked = { invalid: checkedAfter.invalid - checkedBefore.invalid, valid: checkedAfter.valid - checkedBefore.valid };

  const counters = await countersOf(target, customer);
  const stages = await sessionStagesOf(target, customer);
  const main = await rightSession!.outsider.request(`/ib/${customer.slug}/main`);
  const counted = wrongAnswers.filter((a) => a.status === 401);
  const note = `right code ${rightAnswer!.status} ${rightAnswer!.location ?? ''}; wrong ${wrongAnswers.map((a) => a.status)}; counters ${JSON.stringify(counters)}; sessions ${stages}; checked ${JSON.stringify(checked)}`;
  assert.ok(counters.otp <= LOCK_THRESHOLD, note);
  const locked = counters.otp >= LOCK_THRESHOLD;
  const rightWon = rightAnswer!.status === 303 && rightAnswer!.location === `/ib/${customer.slug}/main`;
  // Whether the right code took the last attempt shows in what the authority checked.
  const rightChecked = checked.valid === 1;
  assert.ok(checked.valid <= 1, note);
  if (rightChecked) {
    assert.equal(checked.invalid, Math.min(wrongCount, LOCK_THRESHOLD), `${note}: after the right code, each wrong code in turn until the lock`);
    assert.equal(counted.length, Math.min(wrongCount, LOCK_THRESHOLD - 1), `${note}: the first 4 after it are wrong-code pages`);
    assert.equal(locked, wrongCount >= LOCK_THRESHOLD, note);
    if (!locked) assert.equal(counters.otp, wrongCount, note);
  } else {
    assert.equal(checked.invalid, 1, `${note}: a wrong code took the last attempt, and nothing else was checked`);
    assert.ok(locked, note);
    assert.equal(counted.length, 0, `${note}: no wrong-code page after the lock`);
    assert.ok(!rightWon, note);
  }
  if (!rightWon) {
    // Refused: the lock page (or its session already ended by the lock), and the contract locked.
    assert.ok(locked, note);
    if (rightAnswer!.status === 403) assertLockPage(rightAnswer!, note);
    else assertToLogin(rightAnswer!, customer, note);
  }
  // Every other answer: a counted wrong code, the lock page, or the login page (session ended).
  for (const answer of wrongAnswers) {
    if (answer.status === 403) assertLockPage(answer, note);
    else if (answer.status === 303) assertToLogin(answer, customer, note);
    else assert.equal(answer.status, 401, `${note}: ${answer.status} ${answer.body.slice(0, 200)}`);
  }
  if (locked) {
    assert.deepEqual(stages, [], `${note}: locked, yet a session of the contract lives`);
    assertToLogin(main, customer, `${note}: locked, yet the right code's session reaches the main page`);
    await assertLockedForGood(target, customer, note);
  } else {
    assert.ok(rightWon, note);
    assert.equal(main.status, 200, note);
    // Signed in once (the guessing sessions are still on their code forms).
    assert.deepEqual(stages.filter((stage) => stage !== 'password_verified'), ['signed_in'], note);
  }
  return { rightWon, locked };
}

// --- the attacks -----------------------------------------------------------------------------

describe('OTP guessing and the lock, over HTTP [sqlite, one server, X-Forwarded-For not trusted]', () => {
  let target: Target;
  before(async () => {
    // LOG_LEVEL=info: the request log names the client address the server saw (remoteAddress),
    // which is how the rotation tests show whose address counted.
    target = await startTarget({ dialect: 'sqlite', customersPerInstitution: 16, env: { LOG_LEVEL: 'info' }, policies: MANY_FAILED_SIGN_INS }); // the per-address limit is credential-stuffing.test.ts's subject; here the locks are
  });
  after(async () => {
    await target?.stop();
  });

  it('the 4th wrong code warns, the 5th locks; then even the right code is refused and the page sends the customer to the branch', async () => {
    const customer = target.customer('demo');
    const codes = await customerWithToken(target, customer);
    // A session opened before the lock, already on the code form: it will bring the right code late.
    const early = await atCodeForm(customer, new Outsider(target.url));
    await wrongCodesInTurn(customer, codes, LOCK_THRESHOLD - 1, target.url);
    assert.deepEqual(await countersOf(target, customer), { otp: 4, password: 0 });

    const [fifth] = guessesFor(codes, 1);
    const locked = await postCode(await atCodeForm(customer, new Outsider(target.url)), customer, fifth!);
    assertLockPage(locked, 'the 5th wrong code');
    assert.ok(locked.body.includes('お問い合わせ先'), 'the lock page names whom to contact');

    // The right code, in the session opened before the lock: the lock ended that session.
    const late = await postCode(early, customer, await codes.next());
    assertToLogin(late, customer, 'the right code after the lock');
    assertToLogin(await early.outsider.request(`/ib/${customer.slug}/main`), customer, 'the main page after the lock');
    // A new attempt: the right password now shows the lock page, never the code form again.
    const again = new Outsider(target.url);
    assertLockPage(await passwordStep(again, customer), 'the right password after the lock');
    assertToLogin(await again.request(`/ib/${customer.slug}/login/otp`, { form: { csrf: early.csrf, code: await codes.next() } }), customer, 'the code form after the lock');
    await assertLockedForGood(target, customer, 'after five wrong codes');
    assert.equal(await auditCount(target, customer, 'otp_failed'), 4);
  });

  it('12 wrong codes at once from 12 sessions, at 3 wrong codes: the lock holds at 5 and the right code is refused afterwards', async () => {
    const customer = target.customer('demo');
    const codes = await customerWithToken(target, customer);
    await wrongCodesInTurn(customer, codes, 3, target.url);
    // Twelve sessions, each past its own password step, then every guess sent at once.
    const sessions = await Promise.all(Array.from({ length: 12 }, () => atCodeForm(customer, new Outsider(target.url))));
    const guesses = guessesFor(codes, sessions.length);
    const answers = await Promise.all(sessions.map((s, i) => postCode(s, customer, guesses[i]!)));
    assertBurstLocked(answers, customer, 3, 'a burst of 12 at 3');
    await assertLockedForGood(target, customer, 'a burst of 12 at 3');
    assert.equal(await auditCount(target, customer, 'otp_failed'), 4, 'one record per counted wrong code: 3 before the burst, 1 in it');
    // The right code, in a session that passed the password step before the burst: refused.
    const late = await postCode(sessions[0]!, customer, await codes.next());
    assertToLogin(late, customer, 'the right code after the burst');
  });

  it('the right code inside a burst of wrong codes at 4: signed in with the count restarted, or refused — never signed in and locked', async () => {
    // Three wrong codes beside it: either outcome may happen, each must be whole.
    const first = target.customer('demo');
    await rightCodeInBurst(target, first, await customerWithToken(target, first), 3, [target.url]);
    // Eight beside it: the contract must end locked whichever came first, with no session left
    // (had the right code won, its session was opened before the 5th wrong code that followed).
    for (let round = 0; round < 2; round++) {
      const customer = target.customer('demo');
      const outcome = await rightCodeInBurst(target, customer, await customerWithToken(target, customer), 8, [target.url]);
      assert.equal(outcome.locked, true);
    }
  });

  it('a burst of 50, then of 200, distinct wrong codes from as many sessions: exactly 5 reach the authority', async () => {
    for (const size of [50, 200]) await assertBurstEvaluatesFive(target, size, [target.url]);
  });

  it("200 wrong codes at once at the authority's API for one token: its throttle lets exactly 20 be checked", async () => {
    await assertThrottleBoundsChecks(target, 200);
  });

  it('50 wrong passwords at once for one contract, each from its own address: exactly 5 are compared', async () => {
    await assertPasswordBurstComparesFive(target, 50, [target.url]);
  });

  it("a vandal without the victim's password cannot move the victim's OTP counter (no session, forged or stale cookies, another stage or institution, their own session with the victim's ID)", async () => {
    const victim = target.customer('demo');
    const victimCodes = await customerWithToken(target, victim);
    const attacker = target.customer('demo');
    const attackerCodes = await customerWithToken(target, attacker);
    const otpForm = '/ib/demo/login/otp';
    const pool = guessesFor(victimCodes, 40);
    const guess = () => pool.pop()!;
    const withCookie = (id: string) => ({ cookie: `mamori_session=${id}` });

    // No session at all: more codes than the lock, with the victim's ID, with and without the
    // login page's own csrf token.
    const bare = new Outsider(target.url);
    for (let i = 0; i <= LOCK_THRESHOLD; i++) assertToLogin(await bare.request(otpForm, { form: { code: guess(), contractId: victim.contractId } }), victim, 'no session');
    const loginPage = await bare.request('/ib/demo/');
    const preLogin = csrfOf(loginPage.body);
    assertToLogin(await bare.request(otpForm, { form: { csrf: preLogin, code: guess(), contractId: victim.contractId } }), victim, "the login page's csrf, no session");
    // Forged session cookies: random, the victim's contract ID, the pre-login token promoted.
    for (const forged of [randomBytes(32).toString('base64url'), victim.contractId, preLogin]) {
      const answer = await bare.request(otpForm, { form: { csrf: preLogin, code: guess(), contractId: victim.contractId }, headers: withCookie(forged), withoutCookies: true });
      assertToLogin(answer, victim, `a forged cookie ${forged.length}`);
    }

    // Stale cookies of the victim's own sessions (a shared computer, a proxy log): the password
    // step's id that the victim's code replaced, the signed-in id the victim logged out of, and a
    // password step the victim abandoned until it timed out.
    const victimBrowser = new Outsider(target.url);
    const victimForm = await atCodeForm(victim, victimBrowser);
    const replacedId = victimBrowser.cookies.get('mamori_session')!;
    const signedIn = await codeStep(victimBrowser, victim, await victimCodes.next());
    assert.equal(signedIn.location, '/ib/demo/main');
    const loggedOutId = victimBrowser.cookies.get('mamori_session')!;
    assert.notEqual(loggedOutId, replacedId, 'a new session id at the step up');
    const main = await victimBrowser.request('/ib/demo/main');
    const logout = await victimBrowser.request('/ib/demo/logout', { form: { csrf: csrfOf(main.body) } });
    assert.equal(logout.location, '/ib/demo/?logout=1');
    const abandoned = await atCodeForm(victim, new Outsider(target.url));
    const abandonedId = abandoned.outsider.cookies.get('mamori_session')!;
    // Letting time pass (the bank's view, not an attack step): the abandoned session's last
    // activity moved six minutes back, past the 5-minute idle timeout, instead of waiting.
    await target
      .bankDatabase()
      .db.updateTable('sessions')
      .set({ last_seen_at: Date.now() - 6 * 60_000 })
      .where('institution', '=', 'demo')
      .where('contract_id', '=', victim.contractId)
      .where('stage', '=', 'password_verified')
      .execute();
    for (const [name, id, csrf] of [
      ['replaced at the step up', replacedId, victimForm.csrf],
      ['logged out', loggedOutId, victimForm.csrf],
    ] as const) {
      assertToLogin(await bare.request(otpForm, { form: { csrf, code: guess() }, headers: withCookie(id), withoutCookies: true }), victim, name);
    }
    const timedOut = await bare.request(otpForm, { form: { csrf: abandoned.csrf, code: guess() }, headers: withCookie(abandonedId), withoutCookies: true });
    assert.equal(timedOut.status, 303);
    assert.equal(timedOut.location, '/ib/demo/?timeout=1', 'the abandoned session had timed out');

    // The attacker's own sessions. At another stage (利用中止, after the attacker's password):
    const deregistering = new Outsider(target.url);
    const toDeregister = await deregistering.submit('/ib/demo/deregister', { contractId: attacker.contractId, loginPassword: attacker.loginPassword });
    assert.equal(toDeregister.location, '/ib/demo/deregister/token');
    const deregisterForm = await deregistering.request('/ib/demo/deregister/token');
    assertToLogin(await deregistering.request(otpForm, { form: { csrf: csrfOf(deregisterForm.body), code: guess(), contractId: victim.contractId } }), victim, 'a 利用中止 session');
    // At the other institution (a sample customer's code form; the same contract IDs exist there):
    const sampleAttacker = target.customer('sample');
    await customerWithToken(target, sampleAttacker);
    const sampleForm = await atCodeForm(sampleAttacker, new Outsider(target.url));
    assertToLogin(await sampleForm.outsider.request(otpForm, { form: { csrf: sampleForm.csrf, code: guess(), contractId: victim.contractId } }), victim, "another institution's session");
    // And the attacker's own code form with the victim's contract ID in the form, once, twice,
    // under other names: the codes are checked — against the ATTACKER's token and counter.
    const own = await atCodeForm(attacker, new Outsider(target.url));
    const ownGuesses = guessesFor(attackerCodes, 3);
    const smuggled: Record<string, string | readonly string[]>[] = [{ contractId: victim.contractId }, { contractId: [victim.contractId, victim.contractId] }, { contract_id: victim.contractId, contractId: victim.contractId, institution: 'demo' }];
    for (const [i, extra] of smuggled.entries()) {
      assertCounted(await own.outsider.request(otpForm, { form: { csrf: own.csrf, code: ownGuesses[i]!, ...extra } }), i + 1, `the victim's ID in the attacker's form (${i + 1})`);
    }

    assert.deepEqual(await countersOf(target, attacker), { otp: 3, password: 0 }, "the attacker's guesses counted on the attacker");
    assert.deepEqual(await countersOf(target, sampleAttacker), { otp: 0, password: 0 });
    assert.deepEqual(await countersOf(target, victim), { otp: 0, password: 0 }, "the victim's counters did not move");
    assert.equal(await auditCount(target, victim, 'otp_failed'), 0);
    // The victim signs in as usual.
    const back = await signIn(target, victim, victimCodes);
    assert.equal((await back.request('/ib/demo/main')).status, 200);
  });

  it('wrong login passwords lock the password at 5 as designed (a burst counts no further), and never touch the OTP counter', async () => {
    const victim = target.customer('demo');
    const codes = await customerWithToken(target, victim);
    // The victim's own two typos of the code: the OTP counter stands at 2.
    await wrongCodesInTurn(victim, codes, 2, target.url);
    const wrongPassword = 'Mamori-2025';
    const assertLoginFailed = (answer: Answer, note: string) => {
      assert.equal(answer.status, 401, `${note}: ${answer.status} ${answer.location ?? ''}`);
      assert.ok(answer.body.includes(LOGIN_FAILED), `${note}: 「${LOGIN_FAILED}」`);
      assert.ok(!answer.body.includes('ロック'), `${note}: no word of a lock`);
      assert.ok(!answer.setCookies.some((c) => c.startsWith('mamori_session=') && !/max-age=0/i.test(c)), `${note}: no session`);
    };
    // The vandal, who knows only the contract ID: a wrong password on every form that asks for it.
    for (const [i, flow] of ['', 'register', 'deregister', 'exchange'].entries()) {
      const outsider = new Outsider(target.url);
      const answer = flow === '' ? await passwordStep(outsider, victim, wrongPassword) : await outsider.submit(`/ib/demo/${flow}`, { contractId: victim.contractId, loginPassword: wrongPassword });
      assertLoginFailed(answer, `wrong password ${i + 1} (${flow || 'login'})`);
      assert.deepEqual(await countersOf(target, victim), { otp: 2, password: i + 1 });
    }
    // Then six at once: the fifth locks, none counts past it.
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => passwordStep(new Outsider(target.url), victim, `${wrongPassword}-${i}`)));
    for (const answer of burst) assertLoginFailed(answer, 'a burst of wrong passwords');
    assert.deepEqual(await countersOf(target, victim), { otp: 2, password: LOCK_THRESHOLD }, 'locked at 5, the OTP counter untouched');
    assert.equal(await auditCount(target, victim, 'password_failed'), 4);
    assert.equal(await auditCount(target, victim, 'password_locked'), 1);

    // Locked: the right password gets the very answer a wrong one gets (the page tells nobody
    // which factor failed, nor that there is a lock), on the login and the 利用中止 forms.
    const normalise = (body: string) => body.replace(/name="csrf" value="[^"]*"/g, '').replace(/nonce="[^"]*"/g, '');
    const wrongAnswer = await passwordStep(new Outsider(target.url), victim, wrongPassword);
    const rightAnswer = await passwordStep(new Outsider(target.url), victim);
    assertLoginFailed(rightAnswer, 'the right password while locked');
    assert.equal(normalise(rightAnswer.body), normalise(wrongAnswer.body), 'the same page for the right and a wrong password');
    assertLoginFailed(await new Outsider(target.url).submit('/ib/demo/deregister', { contractId: victim.contractId, loginPassword: victim.loginPassword }), 'the right password at 利用中止 while locked');
    // The OTP counter neither moved nor was cleared by any of it.
    assert.deepEqual(await countersOf(target, victim), { otp: 2, password: LOCK_THRESHOLD });
    assert.equal(await auditCount(target, victim, 'otp_failed'), 2);
  });

  it('a new client address and a new X-Forwarded-For for every request: the guesses still lock at 5', async () => {
    const customer = target.customer('demo');
    const codes = await customerWithToken(target, customer);
    const { route, used } = rotatingRoute(2, '203.0.113.');
    const guesses = guessesFor(codes, LOCK_THRESHOLD);
    for (let i = 0; i < LOCK_THRESHOLD; i++) {
      const answer = await postCode(await atCodeForm(customer, new RoutedOutsider(target.url, route)), customer, guesses[i]!);
      if (i < LOCK_THRESHOLD - 1) assertCounted(answer, i + 1, `rotated guess ${i + 1}`);
      else assertLockPage(answer, 'the 5th rotated guess');
    }
    assertLockPage(await passwordStep(new RoutedOutsider(target.url, route), customer), 'the right password from yet another address');
    await assertLockedForGood(target, customer, 'rotated guesses');
    // The server saw every socket address, and no forwarded one (its request log: remoteAddress).
    const log = target.output();
    const addresses = new Set(used.localAddresses);
    assert.ok(addresses.size >= 4 * LOCK_THRESHOLD, `one address per request (${addresses.size})`);
    for (const address of addresses) assert.ok(log.includes(`"remoteAddress":"${address}"`), `the server saw ${address}`);
    for (const forwarded of used.forwarded) assert.ok(!log.includes(`"remoteAddress":"${forwarded}"`), `an untrusted X-Forwarded-For (${forwarded}) was taken as the client`);
  });

  it('a new X-Forwarded-For on every request does not dodge the per-address provisioning limit (the one per-address limit)', async () => {
    await assertProvisioningLimited(target, ['127.0.0.200', '127.0.0.201', '127.0.0.202'], '198.51.100.');
  });

  it('wrong codes on the transfer confirmation, 利用登録/交換 and 利用中止 count toward the one lock with the login', async () => {
    const customer = target.customer('demo');
    const codes = await customerWithToken(target, customer);
    const guesses = guessesFor(codes, LOCK_THRESHOLD);
    const credentials = { contractId: customer.contractId, loginPassword: customer.loginPassword };
    // A transfer prepared and brought to its 認証 step, which asks for the OTP (a token is registered).
    const signedIn = await signIn(target, customer, codes);
    const csrf = csrfOf((await signedIn.request('/ib/demo/main')).body);
    const prepared = await signedIn.request('/ib/demo/transfers/new', { form: { csrf, op: 'next', ...PAYEE, amount: '1000' } });
    assert.equal(prepared.status, 303, `prepare: ${prepared.status} ${prepared.body.slice(0, 300)}`);
    const authPath = `${prepared.location!}/auth`;
    const authPage = await signedIn.request(authPath);
    assert.equal(authPage.status, 200);
    assert.ok(authPage.body.includes('name="code"'), 'the transfer asks for the one-time password');
    const hidden = Object.fromEntries([...authPage.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, unescapeHtml(m[2]!)]));
    const confirmWith = (code: string) => signedIn.request(authPath, { form: { ...hidden, csrf, code } });

    assertCounted(await confirmWith(guesses[0]!), 1, 'the transfer');
    const exchange = new Outsider(target.url);
    assert.equal((await exchange.submit('/ib/demo/exchange', credentials)).location, '/ib/demo/exchange/current');
    const exchangeForm = await exchange.request('/ib/demo/exchange/current');
    assertCounted(await exchange.request('/ib/demo/exchange/current', { form: { csrf: csrfOf(exchangeForm.body), code: guesses[1]! } }), 2, '利用登録/交換');
    assertCounted(await postCode(await atCodeForm(customer, new Outsider(target.url)), customer, guesses[2]!), 3, 'the login');
    const deregister = new Outsider(target.url);
    assert.equal((await deregister.submit('/ib/demo/deregister', credentials)).location, '/ib/demo/deregister/token');
    const deregisterForm = await deregister.request('/ib/demo/deregister/token');
    const deregisterFields = { csrf: csrfOf(deregisterForm.body), ...confirmationFields(deregisterForm.body, customer.confirmationPassword) };
    assertCounted(await deregister.request('/ib/demo/deregister/token', { form: { ...deregisterFields, code: guesses[3]! } }), 4, '利用中止');
    assertLockPage(await confirmWith(guesses[4]!), 'the 5th, on the transfer');

    // The lock ended the signed-in session and the 利用中止 one: the right code there no longer stops the token.
    assertToLogin(await signedIn.request('/ib/demo/main'), customer, 'the signed-in session after the lock');
    const lateDeregister = await deregister.request('/ib/demo/deregister/token', { form: { ...deregisterFields, code: await codes.next() } });
    assertToLogin(lateDeregister, customer, 'the right code at 利用中止 after the lock');
    assert.ok(!lateDeregister.body.includes(DEREGISTER_DONE));
    await assertLockedForGood(target, customer, 'wrong codes over four forms');
    // Read back: each form's wrong code is on the audit log under its own path, and no transfer was made.
    const records = await target
      .bankDatabase()
      .db.selectFrom('audit_log')
      .select(['action', 'details'])
      .where('chain', '=', 'demo')
      .where('subject', '=', customer.contractId)
      .where('action', 'in', ['otp_failed', 'otp_locked'])
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      records.map((r) => `${r.action}:${(JSON.parse(r.details) as { path: string }).path}`),
      ['otp_failed:transfer', 'otp_failed:exchange', 'otp_failed:login', 'otp_failed:deregister', 'otp_locked:transfer'],
    );
    const done = await target.bankDatabase().db.selectFrom('transfers').select('id').where('institution', '=', 'demo').where('contract_id', '=', customer.contractId).where('status', '=', 'done').execute();
    assert.deepEqual(done, []);
  });

  it("the bank's own checks still pass (ledger, audit chain)", async () => {
    const checked = await target.check();
    assert.ok(checked.ok, checked.report);
  });
});

describe('OTP guessing behind a trusted proxy [sqlite, MAMORI_TRUST_PROXY=127.0.0.1]', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ dialect: 'sqlite', customersPerInstitution: 2, env: { MAMORI_TRUST_PROXY: '127.0.0.1', LOG_LEVEL: 'info' } });
  });
  after(async () => {
    await target?.stop();
  });

  it('every guess through the proxy names another client in X-Forwarded-For: the guesses still lock at 5', async () => {
    const customer = target.customer('demo');
    const codes = await customerWithToken(target, customer);
    // Through the proxy (127.0.0.1), which forwards a different client for every request.
    const { route: rotated, used } = rotatingRoute(2, '192.0.2.');
    const route = () => ({ ...rotated(), localAddress: '127.0.0.1' });
    const guesses = guessesFor(codes, LOCK_THRESHOLD);
    for (let i = 0; i < LOCK_THRESHOLD; i++) {
      const answer = await postCode(await atCodeForm(customer, new RoutedOutsider(target.url, route)), customer, guesses[i]!);
      if (i < LOCK_THRESHOLD - 1) assertCounted(answer, i + 1, `forwarded guess ${i + 1}`);
      else assertLockPage(answer, 'the 5th forwarded guess');
    }
    await assertLockedForGood(target, customer, 'forwarded guesses');
    // The server did take the proxy's word: each request's client is the forwarded one.
    const log = target.output();
    for (const forwarded of used.forwarded) assert.ok(log.includes(`"remoteAddress":"${forwarded}"`), `the server saw the forwarded ${forwarded}`);
  });

  it("the proxy's X-Forwarded-For counts per forwarded client; anyone else's is ignored by the provisioning limit", async () => {
    // Control: through the proxy, each forwarded client has its own count, so 21 all pass.
    for (let i = 1; i <= PROVISION_LIMIT + 1; i++) assert.equal((await provisionFrom(target, '127.0.0.1', `198.51.100.${i}`)).status, 201, `through the proxy, client ${i}`);
    // Not the proxy: its X-Forwarded-For is not believed, and its own address is limited.
    await assertProvisioningLimited(target, ['127.0.0.2', '127.0.0.3', '127.0.0.4'], '198.51.100.');
  });

  it("the bank's own checks still pass (ledger, audit chain)", async () => {
    const checked = await target.check();
    assert.ok(checked.ok, checked.report);
  });
});

describe('OTP guessing across two bank processes [postgres, split deployment]', { skip: skipReason('postgres') }, () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ dialect: 'postgres', deployment: 'split', customersPerInstitution: 8, policies: MANY_FAILED_SIGN_INS });
  });
  after(async () => {
    await target?.stop();
  });

  it('12 wrong codes at once, half through each bank process: never counted past 5', async () => {
    assert.equal(target.bankUrls.length, 2);
    const customer = target.customer('demo');
    const codes = await customerWithToken(target, customer);
    const sessions = await Promise.all(Array.from({ length: 12 }, (_, i) => atCodeForm(customer, new Outsider(target.bankUrls[i % 2]!))));
    const guesses = guessesFor(codes, sessions.length);
    const answers = await Promise.all(sessions.map((s, i) => postCode(s, customer, guesses[i]!)));
    assertBurstLocked(answers, customer, 0, 'a burst of 12 over two processes');
    await assertLockedForGood(target, customer, 'a burst of 12 over two processes');
    assert.equal(await auditCount(target, customer, 'otp_failed'), 4);
  });

  it('a burst of 50, then of 200, distinct wrong codes alternating over both bank processes: exactly 5 reach the authority', async () => {
    for (const size of [50, 200]) await assertBurstEvaluatesFive(target, size, target.bankUrls);
  });

  it("200 wrong codes at once at the authority's API for one token: its throttle lets exactly 20 be checked", async () => {
    await assertThrottleBoundsChecks(target, 200);
  });

  it('50 wrong passwords at once for one contract over both bank processes, each from its own address: exactly 5 are compared', async () => {
    await assertPasswordBurstComparesFive(target, 50, target.bankUrls);
  });

  it('the right code inside a burst of wrong codes at 4, over two processes: never signed in and locked', async () => {
    for (const wrongCount of [3, 8]) {
      const customer = target.customer('demo');
      const codes = await customerWithToken(target, customer, target.bankUrls[1]);
      const outcome = await rightCodeInBurst(target, customer, codes, wrongCount, target.bankUrls);
      if (wrongCount >= LOCK_THRESHOLD) assert.equal(outcome.locked, true);
    }
  });

  it("the bank's own checks still pass (ledger, audit chain)", async () => {
    const checked = await target.check();
    assert.ok(checked.ok, checked.report);
  });
});
