// Attack: code replay. The attacker has seen or intercepted a one-time password the customer
// typed — over a shoulder, through a phishing proxy that relays the bank's pages, from a log or
// a screenshot that leaked — and knows the login password too (a replay only matters to someone
// who gets past the first factor; without it no code is even looked at). The code is still
// inside the authority's ±1-step window, so it is arithmetically right: what has to stop the
// attacker is the rule that a step once accepted for a binding is never accepted again, nor any
// older step (DESIGN §4), kept with a compare-and-set in the database so that no number of
// parallel requests, sessions or server processes can admit it twice (DESIGN §5). The attacker
// tries the code again after the customer, at the same time as the customer (or as many
// times at once as it likes), on another bank process, an older step after a newer one, a login
// code at a transfer's confirmation, another customer's code, and a transaction code (取引認証)
// for another payee or a second time. Every attempt goes over HTTP to real `mamori serve`
// processes; the refusal is checked on the page (status, message, no new session, no 受付番号)
// and in what the bank's books say afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { skipReason } from '../support/db/testing.js';
import { decodeBase32 } from '../../src/otp/index.js';
import { computeTransactionCode } from '../../src/token-app/token-codes.js';
import { runMamori } from '../integration/cli-helpers.js';
import { csrfOf, customerWithToken, Outsider, passwordStep, signIn, STEP_MS, type Answer, type CodeSource } from './outsider.js';
import { startTarget, type Customer, type Slug, type Target } from './target.js';

/** The demo institutions' bank codes (`mamori demo` prints them; src/banking/demo-data.ts). */
const BANK_CODE: Record<Slug, string> = { demo: '9901', sample: '9902' };
/** The holder name of every pool account (src/banking/ledger/demo-accounts.ts). */
const POOL_HOLDER = 'ﾃﾞﾓ ｹｲﾔｸｼｬ';
const OPENING_BALANCE_YEN = 3_000_000;
const WRONG_CODE = 'ワンタイムパスワードが正しくありません。';
const SESSION_COOKIE = 'mamori_session';

const summary = (answers: readonly Answer[]) => answers.map((a) => `${a.status} ${a.location ?? ''}`).join(', ');
const newSessionIssued = (answer: Answer) => answer.setCookies.some((c) => c.startsWith(`${SESSION_COOKIE}=`) && !/max-age=0/i.test(c));

/** A browser that has passed the password step and holds the OTP page's csrf token. */
interface AtCodeStep {
  outsider: Outsider;
  csrf: string;
}

async function atCodeStep(customer: Customer, baseUrl: string): Promise<AtCodeStep> {
  const outsider = new Outsider(baseUrl);
  const password = await passwordStep(outsider, customer);
  assert.equal(password.location, `/ib/${customer.slug}/login/otp`, `password step of ${customer.contractId}: ${password.status}`);
  const page = await outsider.request(`/ib/${customer.slug}/login/otp`);
  assert.equal(page.status, 200);
  return { outsider, csrf: csrfOf(page.body) };
}

function sendCode(at: AtCodeStep, customer: Customer, code: string): Promise<Answer> {
  return at.outsider.request(`/ib/${customer.slug}/login/otp`, { form: { csrf: at.csrf, code } });
}

/**
 * The refusal at the OTP step: the 401 page with the wrong-code message, no new session id, and
 * the session still only past the password (the OTP page answers; the main page sends it back
 * to the login page, ending it).
 */
async function assertRefusedAtCodeStep(answer: Answer, at: AtCodeStep, customer: Customer): Promise<void> {
  assert.equal(answer.status, 401, `expected the wrong-code page, got ${answer.status} ${answer.location ?? ''}`);
  assert.ok(answer.body.includes(WRONG_CODE), answer.body.slice(0, 600));
  assert.ok(!newSessionIssued(answer), 'a refused code must not step the session up');
  assert.equal((await at.outsider.request(`/ib/${customer.slug}/login/otp`)).status, 200, 'the session is still at the OTP step');
  const main = await at.outsider.request(`/ib/${customer.slug}/main`);
  assert.equal(main.status, 303);
  assert.equal(main.location, `/ib/${customer.slug}/`);
}

async function assertSignedIn(outsider: Outsider, customer: Customer): Promise<void> {
  const main = await outsider.request(`/ib/${customer.slug}/main`);
  assert.equal(main.status, 200);
  assert.ok(main.body.includes('ログアウト'));
}

async function logout(outsider: Outsider, customer: Customer): Promise<void> {
  const main = await outsider.request(`/ib/${customer.slug}/main`);
  const out = await outsider.request(`/ib/${customer.slug}/logout`, { form: { csrf: csrfOf(main.body) } });
  assert.equal(out.status, 303);
  assert.equal(out.location, `/ib/${customer.slug}/?logout=1`);
}

/** A prepared transfer at its authentication step: the auth form's hidden fields. */
interface PendingTransfer {
  id: string;
  fields: Record<string, string>;
  authPage: string;
}

const decodeEntities = (text: string) =>
  text.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16))).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** 振込 → 次へ (内容の確認) → 次へ: the transfer waits at its authentication step. */
async function prepareTransfer(outsider: Outsider, payer: Customer, payee: Customer, amountYen: number): Promise<PendingTransfer> {
  const form = await outsider.request(`/ib/${payer.slug}/transfers/new`);
  assert.equal(form.status, 200);
  const prepared = await outsider.request(`/ib/${payer.slug}/transfers/new`, {
    form: {
      csrf: csrfOf(form.body),
      op: 'next',
      bank: BANK_CODE[payee.slug],
      branch: '001',
      accountType: 'ordinary',
      accountNumber: payee.accountNumber,
      payeeName: POOL_HOLDER,
      amount: String(amountYen),
    },
  });
  assert.equal(prepared.status, 303, prepared.body.slice(0, 800));
  const id = /\/transfers\/(tr_[0-9a-f]{32})$/.exec(prepared.location ?? '')?.[1];
  assert.ok(id, `prepared transfer at ${prepared.location}`);
  assert.equal((await outsider.request(`/ib/${payer.slug}/transfers/${id}`)).status, 200); // 内容の確認
  const auth = await outsider.request(`/ib/${payer.slug}/transfers/${id}/auth`);
  assert.equal(auth.status, 200);
  const fields = Object.fromEntries([...auth.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, decodeEntities(m[2]!)]));
  assert.ok(fields.csrf && fields.idempotencyKey, 'the auth form carries the csrf token and the idempotency key');
  return { id, fields, authPage: auth.body };
}

function confirmTransfer(outsider: Outsider, payer: Customer, transfer: PendingTransfer, code: string): Promise<Answer> {
  return outsider.request(`/ib/${payer.slug}/transfers/${transfer.id}/auth`, { form: { ...transfer.fields, code } });
}

/** The 受付番号 of a done transfer, or undefined when its result page is not there (still pending). */
async function referenceNoOf(outsider: Outsider, payer: Customer, transfer: PendingTransfer): Promise<string | undefined> {
  const result = await outsider.request(`/ib/${payer.slug}/transfers/${transfer.id}/result`);
  if (result.status === 303) {
    assert.equal(result.location, `/ib/${payer.slug}/transfers/${transfer.id}`, 'a pending transfer has no result page');
    return undefined;
  }
  assert.equal(result.status, 200);
  const referenceNo = /class="reference-no">([^<]*)</.exec(result.body)?.[1];
  assert.match(referenceNo ?? '', /^\d{8}-\d{6}$/);
  return referenceNo;
}

/** The refusal at the transfer's authentication step: the form again, 401, the code named wrong. */
function assertTransferRefused(answer: Answer, what: string): void {
  assert.equal(answer.status, 401, `${what}: ${answer.status} ${answer.location ?? ''}`);
  assert.ok(/が正しくありません。/.test(answer.body), `${what}: ${answer.body.slice(0, 600)}`);
  assert.ok(!answer.body.includes('受付番号'), `${what}: no 受付番号 on a refusal`);
}

/** The balance the transfer menu (振込) shows for the customer's pool account. */
async function balanceOf(outsider: Outsider, customer: Customer): Promise<number> {
  const menu = await outsider.request(`/ib/${customer.slug}/transfers`);
  assert.equal(menu.status, 200);
  const yen = new RegExp(`<dt>[^<]*${customer.accountNumber}[^<]*</dt><dd><strong>¥([\\d,]+)</strong>`).exec(menu.body)?.[1];
  assert.ok(yen, `the balance of ${customer.accountNumber} on the transfer menu`);
  return Number(yen.replace(/,/g, ''));
}

/** A customer without a token signs in with the password alone and reads the balance. */
async function balanceOfPayee(target: Target, payee: Customer): Promise<number> {
  const outsider = await signIn(target, payee, undefined);
  try {
    return await balanceOf(outsider, payee);
  } finally {
    await logout(outsider, payee);
  }
}

/**
 * Two steps s = current − 1 and s + 1 = current, both above every step the token has used, with
 * at least 8 seconds of the current step left: waits for the clock when needed (the
 * registration used the step before the then-current one, so the next step at the earliest).
 * The authority learned a drift of −1 from that registration, so its window [current − 2,
 * current] holds s + 1 now; accepting s + 1 moves the centre onto it, and the window
 * [s, s + 2] then still holds s until the step ends. The CodeSource is bypassed for these two
 * steps on purpose (codeOfStep), so do not ask it for more codes afterwards.
 */
async function twoUnusedStepsInWindow(codes: CodeSource): Promise<{ olderStep: number; newerStep: number }> {
  for (;;) {
    const now = Date.now();
    const current = codes.token.stepAt(now);
    const leftMs = STEP_MS - (now % STEP_MS);
    if (current - 1 > codes.lastUsedStep && leftMs > 8_000) return { olderStep: current - 1, newerStep: current };
    const untilMs = current - 1 > codes.lastUsedStep ? leftMs : (codes.lastUsedStep + 2) * STEP_MS - now;
    await new Promise((resolve) => setTimeout(resolve, untilMs + 50));
  }
}

async function setPolicy(target: Target, slug: Slug, ...pairs: string[]): Promise<void> {
  const result = await runMamori(['institution', 'set-policy', slug, ...pairs], target.env);
  assert.equal(result.code, 0, result.stderr);
}

async function assertBooksBalance(target: Target): Promise<void> {
  const check = await target.check();
  assert.ok(check.ok, check.report);
}

/**
 * What the attack left, read back from the bank's database: a customer's wrong-code counter and
 * its audit records of one kind. The pages only show the counter at the 4th wrong code, and
 * signed_in / otp_failed records are how the bank itself would count admissions and refusals.
 */
async function otpFailuresOf(target: Target, customer: Customer): Promise<number> {
  const row = await target.bankDatabase().db.selectFrom('customers').select('otp_failures').where('institution', '=', customer.slug).where('contract_id', '=', customer.contractId).executeTakeFirstOrThrow();
  return Number(row.otp_failures);
}

async function auditCount(target: Target, customer: Customer, action: string, filter: (details: Record<string, unknown>) => boolean = () => true): Promise<number> {
  const rows = await target.bankDatabase().db.selectFrom('audit_log').select('details').where('chain', '=', customer.slug).where('subject', '=', customer.contractId).where('action', '=', action).execute();
  return rows.filter((r) => filter(r.details ? (JSON.parse(r.details) as Record<string, unknown>) : {})).length;
}

const otpSignIns = (target: Target, customer: Customer) => auditCount(target, customer, 'signed_in', (d) => d.otp === true);

describe('code replay over HTTP [sqlite]', { timeout: 240_000 }, () => {
  let target: Target;

  // Two tests need two or three steps after the registration's: their tokens are registered
  // here, so the clock moves on while the other tests run instead of being waited for there.
  const early = {} as Record<'parallelTransfers' | 'olderStep', { customer: Customer; codes: CodeSource }>;

  before(async () => {
    target = await startTarget({ dialect: 'sqlite', customersPerInstitution: 10 });
    for (const [name, slug] of [['parallelTransfers', 'sample'], ['olderStep', 'demo']] as const) {
      const customer = target.customer(slug);
      early[name] = { customer, codes: await customerWithToken(target, customer) };
    }
  });

  after(async () => {
    await target?.stop();
  });

  it('a login code used once is refused in a new session, before and after the customer logs out', async () => {
    const customer = target.customer('demo');
    const codes = await customerWithToken(target, customer);
    const code = await codes.next();
    const victim = await atCodeStep(customer, target.url);
    const signedIn = await sendCode(victim, customer, code);
    assert.equal(signedIn.location, '/ib/demo/main');
    assert.ok(newSessionIssued(signedIn), 'the OTP step issues a new session id');

    // While the customer is signed in: the attacker's own session, the same code.
    const whileSignedIn = await atCodeStep(customer, target.url);
    await assertRefusedAtCodeStep(await sendCode(whileSignedIn, customer, code), whileSignedIn, customer);
    await assertSignedIn(victim.outsider, customer); // the refusal did not touch the customer's session

    // After the customer logged out: still refused.
    await logout(victim.outsider, customer);
    const afterLogout = await atCodeStep(customer, target.url);
    await assertRefusedAtCodeStep(await sendCode(afterLogout, customer, code), afterLogout, customer);

    // The refusals were replays, not a broken token: the next step's code signs in.
    assert.equal(await otpFailuresOf(target, customer), 2, 'each replay counts as a wrong code');
    const next = await atCodeStep(customer, target.url);
    assert.equal((await sendCode(next, customer, await codes.next())).location, '/ib/demo/main');
    assert.equal(await otpSignIns(target, customer), 2);
  });

  it('one login code sent by ten sessions at once signs in exactly one of them', async () => {
    // Every replay counts as a wrong code (DESIGN §4), so nine at the default lock of five would
    // lock the contract and end the winner's session (and where requests truly race, the
    // replays' counts could even land before the winner's reset of the counter). That is the
    // lock's rule, attacked on its own; here the bank raises the lock for the race (the policy
    // is read from the database at each request) so that the one property left is replay.
    await setPolicy(target, 'sample', 'otpLockThreshold=30');
    try {
      const customer = target.customer('sample');
      const codes = await customerWithToken(target, customer);
      const sessions = await Promise.all(Array.from({ length: 10 }, () => atCodeStep(customer, target.url)));
      const code = await codes.next();
      const answers = await Promise.all(sessions.map((s) => sendCode(s, customer, code)));

      const winners = answers.flatMap((a, i) => (a.status === 303 && a.location === '/ib/sample/main' ? [i] : []));
      assert.equal(winners.length, 1, `answers: ${summary(answers)}`);
      assert.ok(newSessionIssued(answers[winners[0]!]!));
      await assertSignedIn(sessions[winners[0]!]!.outsider, customer);
      for (const [i, answer] of answers.entries()) {
        if (i !== winners[0]) await assertRefusedAtCodeStep(answer, sessions[i]!, customer);
      }
      assert.equal(await otpSignIns(target, customer), 1);
      assert.equal(await auditCount(target, customer, 'otp_failed', (d) => d.path === 'login'), 9, 'each of the nine replays counted as a wrong code');
    } finally {
      await setPolicy(target, 'sample', 'otpLockThreshold=5');
    }
  });

  it('an older step is refused after a newer one, though still inside the ±1 window', async () => {
    const { customer, codes } = early.olderStep;
    const { olderStep, newerStep } = await twoUnusedStepsInWindow(codes);
    const older = codes.codeOfStep(olderStep);
    const newer = codes.codeOfStep(newerStep);

    const first = await atCodeStep(customer, target.url);
    const signedIn = await sendCode(first, customer, newer);
    assert.equal(signedIn.location, '/ib/demo/main', `the code of step s+1: ${signedIn.status}`);
    const attacker = await atCodeStep(customer, target.url);
    const refused = await sendCode(attacker, customer, older);
    // The refusal must be the "nor any older step" rule, not the window's edge: accepting s+1
    // (the server's current step) centred the window on it, and that step has not ended yet,
    // so step s is still inside the window [s, s+2].
    assert.equal(codes.token.stepAt(Date.now()), newerStep, 'still in the step of s+1 (the window still holds s)');
    await assertRefusedAtCodeStep(refused, attacker, customer);
    assert.equal(await otpSignIns(target, customer), 1);
  });

  it('the login code is refused at the transfer confirmation: no transfer, no 受付番号, balance unchanged', async () => {
    const payer = target.customer('demo');
    const payee = target.customer('demo');
    const codes = await customerWithToken(target, payer);
    const outsider = new Outsider(target.url);
    assert.equal((await passwordStep(outsider, payer)).location, '/ib/demo/login/otp');
    const loginCode = await codes.next();
    const page = await outsider.request('/ib/demo/login/otp');
    assert.equal((await outsider.request('/ib/demo/login/otp', { form: { csrf: csrfOf(page.body), code: loginCode } })).location, '/ib/demo/main');

    const transfer = await prepareTransfer(outsider, payer, payee, 12_345);
    assertTransferRefused(await confirmTransfer(outsider, payer, transfer, loginCode), 'the login code again');
    assert.equal(await referenceNoOf(outsider, payer, transfer), undefined);
    assert.equal(await balanceOf(outsider, payer), OPENING_BALANCE_YEN);
    assert.equal(await balanceOfPayee(target, payee), OPENING_BALANCE_YEN);

    // The transfer itself was fine: the next step's code confirms it.
    const confirmed = await confirmTransfer(outsider, payer, transfer, await codes.next());
    assert.equal(confirmed.location, `/ib/demo/transfers/${transfer.id}/result`);
    assert.ok(await referenceNoOf(outsider, payer, transfer));
    assert.equal(await balanceOf(outsider, payer), OPENING_BALANCE_YEN - 12_345);
    await assertBooksBalance(target);
  });

  it("another customer's valid code is a wrong code for the victim, and stays usable by its owner", async () => {
    // B's token is not A's: B's code is checked against A's binding, where it is simply wrong —
    // it counts toward A's lock (A's counter, A's warning), not B's, and it marks nothing used
    // at B's binding, whose replay floor only an accepted code moves. So B may still sign in
    // with that very code afterwards: refusing it would let anyone who knows A's password burn
    // B's codes, and admitting it at A would make every customer's token a key to every contract.
    const victim = target.customer('demo');
    const other = target.customer('demo');
    const victimCodes = await customerWithToken(target, victim);
    const otherCodes = await customerWithToken(target, other);
    const otherCode = await otherCodes.next();
    const otherStep = otherCodes.lastUsedStep;

    // At A's transfer confirmation (A signed in with A's own code, which clears A's counter).
    const signedIn = await signIn(target, victim, victimCodes);
    const payee = target.customer('demo');
    const transfer = await prepareTransfer(signedIn, victim, payee, 5_000);
    assertTransferRefused(await confirmTransfer(signedIn, victim, transfer, otherCode), "B's code at A's transfer");
    assert.equal(await referenceNoOf(signedIn, victim, transfer), undefined);

    // At A's login: B's code, then B's codes of the neighbouring steps; the 4th wrong code warns.
    const attempts = [otherCode, otherCodes.codeOfStep(otherStep + 1), otherCodes.codeOfStep(otherStep - 1)];
    for (const [i, code] of attempts.entries()) {
      const at = await atCodeStep(victim, target.url);
      const answer = await sendCode(at, victim, code);
      assert.equal(answer.status, 401, `attempt ${i}: ${answer.status}`);
      const warns = answer.body.includes('あと1回誤るとロックされます。');
      assert.equal(warns, i === 2, `attempt ${i + 2} of A's wrong codes ${i === 2 ? 'warns' : 'does not warn yet'}`);
      assert.ok(!newSessionIssued(answer));
    }
    assert.equal(await otpFailuresOf(target, victim), 4, "four wrong codes on A's counter");
    assert.equal(await otpFailuresOf(target, other), 0, "nothing on B's");

    // B signs in with the very code the attacker used at A.
    const owner = await atCodeStep(other, target.url);
    assert.ok(otherCodes.token.stepAt(Date.now()) - 1 <= otherStep, "B's step is still inside the window");
    assert.equal((await sendCode(owner, other, otherCode)).location, '/ib/demo/main');
    assert.equal(await otpSignIns(target, other), 1);
    assert.equal(await otpFailuresOf(target, victim), 4);
    assert.equal(await balanceOf(signedIn, victim), OPENING_BALANCE_YEN);
  });

  it('取引認証: a code signed for payee X is refused for payee Y, and a transaction code is not accepted twice', async () => {
    const payer = target.customer('demo');
    const payeeX = target.customer('demo');
    const payeeY = target.customer('demo');
    const codes = await customerWithToken(target, payer);
    // The bank turns 取引認証 on at runtime; the pages read the policy from the database.
    await setPolicy(target, 'demo', 'transactionAuth=account_amount');
    try {
      const outsider = await signIn(target, payer, codes);
      // The token app's own computation (the browser token's WebCrypto path), from the secret
      // the token was provisioned with — what the customer's app shows for the typed account and amount.
      const key = await crypto.subtle.importKey('raw', new Uint8Array(decodeBase32(codes.token.secretBase32)), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
      const sign = async (payeeAccount: string, amountYen: number) => (await computeTransactionCode(key, { nowMs: Date.now(), payeeAccount, amountYen })).code;

      const toY = await prepareTransfer(outsider, payer, payeeY, 7_000);
      assert.ok(toY.authPage.includes('取引認証コード'), 'the confirmation asks for the transaction code');
      // What the customer types into the token app's 取引認証 tab, in the app's words (no command line, no raw payload).
      assert.ok(toY.authPage.includes(`口座番号「${payeeY.accountNumber}」と金額「7000」`), 'the page names the account and amount to enter');
      assert.ok(!toY.authPage.includes('mamori token') && !toY.authPage.includes('mamori-tx:'), 'no developer text on the page');
      assertTransferRefused(await confirmTransfer(outsider, payer, toY, await sign(payeeX.accountNumber, 7_000)), 'a code signed for X at a transfer to Y');
      assert.equal(await referenceNoOf(outsider, payer, toY), undefined);

      const forY = await sign(payeeY.accountNumber, 7_000);
      assert.equal((await confirmTransfer(outsider, payer, toY, forY)).location, `/ib/demo/transfers/${toY.id}/result`);
      assert.ok(await referenceNoOf(outsider, payer, toY));

      // The same payee and amount again, with the same code: refused.
      const again = await prepareTransfer(outsider, payer, payeeY, 7_000);
      assertTransferRefused(await confirmTransfer(outsider, payer, again, forY), 'the transaction code a second time');
      assert.equal(await referenceNoOf(outsider, payer, again), undefined);

      assert.equal(await balanceOf(outsider, payer), OPENING_BALANCE_YEN - 7_000);
      assert.equal(await balanceOfPayee(target, payeeY), OPENING_BALANCE_YEN + 7_000);
      assert.equal(await balanceOfPayee(target, payeeX), OPENING_BALANCE_YEN);
      await assertBooksBalance(target);
    } finally {
      await setPolicy(target, 'demo', 'transactionAuth=off');
    }
  });

  it('one code sent to eight transfer confirmations in two sessions at once moves money once', async () => {
    await setPolicy(target, 'sample', 'otpLockThreshold=30'); // seven replays: see the test above
    try {
      const { customer: payer, codes } = early.parallelTransfers;
      const payee = target.customer('sample');
      const sessions = [await signIn(target, payer, codes), await signIn(target, payer, codes)];
      // Four pending transfers per session, each of a different amount, so the balance says which went.
      const pending: { session: Outsider; transfer: PendingTransfer; amountYen: number }[] = [];
      for (let i = 0; i < 8; i++) {
        const session = sessions[i % 2]!;
        const amountYen = 1_001 + i;
        pending.push({ session, transfer: await prepareTransfer(session, payer, payee, amountYen), amountYen });
      }
      assert.ok(pending[0]!.transfer.authPage.includes('name="code"'), 'with a token, the confirmation asks for the OTP');
      const code = await codes.next(); // a step after both sign-ins' (may wait for the clock)
      const answers = await Promise.all(pending.map((p) => confirmTransfer(p.session, payer, p.transfer, code)));

      const done = answers.flatMap((a, i) => (a.status === 303 ? [i] : []));
      assert.equal(done.length, 1, `answers: ${summary(answers)}`);
      const winner = pending[done[0]!]!;
      assert.equal(answers[done[0]!]!.location, `/ib/sample/transfers/${winner.transfer.id}/result`);
      for (const [i, answer] of answers.entries()) if (i !== done[0]) assertTransferRefused(answer, `confirmation ${i}`);

      const referenceNos = await Promise.all(pending.map((p) => referenceNoOf(p.session, payer, p.transfer)));
      assert.equal(referenceNos.filter((r) => r !== undefined).length, 1, 'exactly one transfer has a 受付番号');
      assert.equal(await balanceOf(sessions[0]!, payer), OPENING_BALANCE_YEN - winner.amountYen);
      assert.equal(await balanceOfPayee(target, payee), OPENING_BALANCE_YEN + winner.amountYen);
      await assertBooksBalance(target);
    } finally {
      await setPolicy(target, 'sample', 'otpLockThreshold=5');
    }
  });
});

// Only here do the requests really race. A single `serve all` on SQLite answers them one after
// another (the SQLite driver is synchronous, so a request's database work never yields to the
// next request's), so the SQLite races above are rapid sequential replays; on PostgreSQL the
// bank processes' calls reach the authority at once and its reads and conditional writes
// interleave. Several customers race at the same moment, so the authority is busy and each
// request's window between reading the replay floor and writing it is as wide as it gets.
describe('code replay across bank processes [postgres, split]', { skip: skipReason('postgres'), timeout: 240_000 }, () => {
  let target: Target;
  let a: string;
  let b: string;

  // The payers of the transfer race (the last test) need three steps after their registration's.
  let payers: { customer: Customer; codes: CodeSource }[];

  before(async () => {
    target = await startTarget({ dialect: 'postgres', deployment: 'split', customersPerInstitution: 6 });
    [a, b] = target.bankUrls as [string, string];
    assert.ok(a && b && a !== b, 'two bank processes');
    payers = await Promise.all([0, 1, 2].map(async () => {
      const customer = target.customer('sample');
      return { customer, codes: await customerWithToken(target, customer, a) };
    }));
  });

  after(async () => {
    await target?.stop();
  });

  it('one code sent to both bank processes at once signs in exactly once (five customers racing together)', async () => {
    const customers = [target.customer('demo'), target.customer('sample'), target.customer('demo'), target.customer('sample'), target.customer('demo')];
    const races = await Promise.all(
      customers.map(async (customer) => {
        const codes = await customerWithToken(target, customer, a);
        // Two sessions on each process, all past the password step; three replays stay below the lock.
        const sessions: AtCodeStep[] = [];
        for (const url of [a, b, a, b]) sessions.push(await atCodeStep(customer, url));
        return { customer, sessions, code: await codes.next() };
      }),
    );
    const answers = await Promise.all(races.map((race) => Promise.all(race.sessions.map((s) => sendCode(s, race.customer, race.code)))));
    for (const [r, race] of races.entries()) {
      const own = answers[r]!;
      const winners = own.flatMap((x, i) => (x.status === 303 && x.location === `/ib/${race.customer.slug}/main` ? [i] : []));
      assert.equal(winners.length, 1, `${race.customer.contractId}: ${summary(own)}`);
      for (const [i, answer] of own.entries()) if (i !== winners[0]) await assertRefusedAtCodeStep(answer, race.sessions[i]!, race.customer);
      await assertSignedIn(race.sessions[winners[0]!]!.outsider, race.customer);
      assert.equal(await otpSignIns(target, race.customer), 1);
    }
  });

  it('a code accepted by process A is refused by process B afterwards, and the other way round', async () => {
    const customer = target.customer('demo');
    const codes = await customerWithToken(target, customer, a);
    const code = await codes.next();
    const atA = await atCodeStep(customer, a);
    assert.equal((await sendCode(atA, customer, code)).location, '/ib/demo/main');
    const atB = await atCodeStep(customer, b);
    await assertRefusedAtCodeStep(await sendCode(atB, customer, code), atB, customer);

    const next = await codes.next();
    const atB2 = await atCodeStep(customer, b);
    assert.equal((await sendCode(atB2, customer, next)).location, '/ib/demo/main');
    const atA2 = await atCodeStep(customer, a);
    await assertRefusedAtCodeStep(await sendCode(atA2, customer, next), atA2, customer);
    assert.equal(await otpSignIns(target, customer), 2);
    await assertBooksBalance(target);
  });

  it('one code sent to four transfer confirmations on both processes moves money once (three payers racing together)', async () => {
    const payee = target.customer('sample');
    const races = await Promise.all(
      payers.map(async ({ customer: payer, codes }, p) => {
        const sessions = [await signIn(target, payer, codes, a), await signIn(target, payer, codes, b)];
        // Two pending transfers per session (so per process), amounts that tell which one went.
        const pending: { session: Outsider; transfer: PendingTransfer; amountYen: number }[] = [];
        for (let i = 0; i < 4; i++) {
          const amountYen = 10_000 * (p + 1) + i + 1;
          pending.push({ session: sessions[i % 2]!, transfer: await prepareTransfer(sessions[i % 2]!, payer, payee, amountYen), amountYen });
        }
        return { payer, sessions, pending, code: await codes.next() }; // after both sign-ins' steps (may wait)
      }),
    );
    const answers = await Promise.all(races.map((race) => Promise.all(race.pending.map((x) => confirmTransfer(x.session, race.payer, x.transfer, race.code)))));
    let received = 0;
    for (const [r, race] of races.entries()) {
      const own = answers[r]!;
      const done = own.flatMap((x, i) => (x.status === 303 ? [i] : []));
      assert.equal(done.length, 1, `${race.payer.contractId}: ${summary(own)}`);
      const winner = race.pending[done[0]!]!;
      assert.equal(own[done[0]!]!.location, `/ib/sample/transfers/${winner.transfer.id}/result`);
      for (const [i, answer] of own.entries()) if (i !== done[0]) assertTransferRefused(answer, `${race.payer.contractId} confirmation ${i}`);
      const referenceNos = await Promise.all(race.pending.map((x) => referenceNoOf(x.session, race.payer, x.transfer)));
      assert.equal(referenceNos.filter((n) => n !== undefined).length, 1);
      assert.equal(await balanceOf(race.sessions[1]!, race.payer), OPENING_BALANCE_YEN - winner.amountYen);
      received += winner.amountYen;
    }
    assert.equal(await balanceOfPayee(target, payee), OPENING_BALANCE_YEN + received);
    await assertBooksBalance(target);
  });
});
