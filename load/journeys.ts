// The customer journeys of the load run, through the pages as a browser walks them (every
// redirect followed by its GET, every page checked):
//   login     the login page, the password step, the OTP page, the OTP step, the main page
//   balance   振込 (accounts with balances, today's limit, recent transfers) of a signed-in session
//   transfer  新規振込 → 内容の確認 → 認証 (OTP) → 受付完了 with its 受付番号, to another customer
//             of the same institution; a refusal for the daily limit is an expected outcome
//   replay    an attacker's login with the customer's password and a code the customer's
//             token had ALREADY used (accepted within the last step): it must be refused
// A journey returns its outcome and the time of its key steps; anything else throws a LoadError.
import { csrfOf, expectPage, hiddenFieldsOf, LoadError, type Browser } from './browser.js';
import { LOGIN_PASSWORD, stepAt, type SeededCustomer } from './seed.js';

export type Outcome = 'ok' | 'refused_limit' | 'refused';

export interface JourneyResult {
  outcome: Outcome;
  /** Named steps and their latency in ms (e.g. the password step alone). */
  steps: [string, number][];
}

/** What a journey tells the workload about the customer's codes. */
export interface CodeUse {
  /** The step of a code sent to the server (whatever came back). */
  sent(step: number): void;
  /** The step of a code the server accepted. */
  accepted(step: number): void;
  /** The server answered the code with a refusal (a page, not a 5xx): its fate is known. */
  refused(): void;
}

const BANK_CODES = { demo: '9901', sample: '9902' } as const;
/** Holder name of every account `ensureDemoAccount` opens for a non-demo contract. */
export const POOL_HOLDER_NAME = 'ﾃﾞﾓ ｹｲﾔｸｼｬ';

async function timed<T>(steps: [string, number][], name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  steps.push([name, performance.now() - started]);
  return result;
}

/** The password step: ends on the OTP page (303 → login/otp). */
async function passwordStep(browser: Browser, customer: SeededCustomer, steps: [string, number][]): Promise<string> {
  const base = `/ib/${customer.slug}/`;
  const loginPage = await browser.request(base);
  expectPage(loginPage, 'login page', { status: 200 });
  const answer = await timed(steps, 'password step', () => browser.request(`${base}login`, { csrf: csrfOf(loginPage.body), contractId: customer.contractId, loginPassword: LOGIN_PASSWORD }));
  expectPage(answer, 'password step', { status: 303, location: `${base}login/otp` });
  const otpPage = await browser.request(`${base}login/otp`);
  expectPage(otpPage, 'OTP page', { status: 200 });
  return csrfOf(otpPage.body);
}

export async function login(browser: Browser, customer: SeededCustomer, codes: CodeUse): Promise<JourneyResult> {
  const steps: [string, number][] = [];
  const base = `/ib/${customer.slug}/`;
  const csrf = await passwordStep(browser, customer, steps);
  // The code of the step now: the customer's token shows it at this moment.
  const step = stepAt(Date.now());
  codes.sent(step);
  const answer = await timed(steps, 'OTP step', () => browser.request(`${base}login/otp`, { csrf, code: customer.token.codeAtStep(step) }));
  if (answer.status === 303 && answer.location === `${base}main`) codes.accepted(step);
  else codes.refused();
  expectPage(answer, 'OTP step', { status: 303, location: `${base}main` });
  const main = await browser.request(`${base}main`);
  expectPage(main, 'main page', { status: 200 });
  return { outcome: 'ok', steps };
}

export async function viewBalance(browser: Browser, customer: SeededCustomer): Promise<JourneyResult> {
  const page = await browser.request(`/ib/${customer.slug}/transfers`);
  expectPage(page, 'balance page', { status: 200, contains: customer.accountNumber });
  return { outcome: 'ok', steps: [] };
}

export async function transfer(browser: Browser, customer: SeededCustomer, input: { payee: SeededCustomer; amountYen: number; codes: CodeUse }): Promise<JourneyResult> {
  const steps: [string, number][] = [];
  const base = `/ib/${customer.slug}/`;
  const form = await browser.request(`${base}transfers/new`);
  expectPage(form, 'transfer form', { status: 200 });
  const prepared = await timed(steps, 'prepare (new)', () =>
    browser.request(`${base}transfers/new`, {
      csrf: csrfOf(form.body),
      op: 'next',
      bank: BANK_CODES[customer.slug],
      branch: '001',
      accountType: 'ordinary',
      accountNumber: input.payee.accountNumber,
      payeeName: POOL_HOLDER_NAME,
      amount: String(input.amountYen),
    }),
  );
  // The form again with the limit's message: today's remaining limit is below the amount.
  if (prepared.status === 400 && prepared.body.includes('本日の振込限度額を超えています')) return { outcome: 'refused_limit', steps };
  if (prepared.status !== 303 || !prepared.location?.startsWith(`${base}transfers/tr_`)) expectPage(prepared, 'transfer prepare', { status: 303 });
  const transferPath = prepared.location!;
  const confirm = await browser.request(transferPath);
  expectPage(confirm, 'transfer confirm page', { status: 200, contains: input.payee.accountNumber });
  const auth = await browser.request(`${transferPath}/auth`);
  expectPage(auth, 'transfer auth page', { status: 200, contains: 'name="code"' });
  const step = stepAt(Date.now());
  input.codes.sent(step);
  const confirmed = await timed(steps, 'confirm (OTP)', () => browser.request(`${transferPath}/auth`, { ...hiddenFieldsOf(auth.body), code: customer.token.codeAtStep(step) }));
  if (confirmed.status === 409 && confirmed.body.includes('本日の振込限度額を超えるため')) {
    // Refused at the confirm step (the code was checked first, then the limit in the posting
    // transaction, which rolled back): the code was accepted all the same.
    input.codes.accepted(step);
    return { outcome: 'refused_limit', steps };
  }
  if (confirmed.status === 303 && confirmed.location === `${transferPath}/result`) input.codes.accepted(step);
  else input.codes.refused();
  expectPage(confirmed, 'transfer confirm (OTP)', { status: 303, location: `${transferPath}/result` });
  const result = await browser.request(`${transferPath}/result`);
  expectPage(result, 'transfer result', { status: 200, contains: '受付番号' });
  if (!/class="reference-no">\d{8}-\d{6}</.test(result.body)) throw new LoadError('unexpected', 'transfer result: no 受付番号 YYYYMMDD-NNNNNN on the page');
  return { outcome: 'ok', steps };
}

/** Thrown when a replayed code signs in: the one outcome that breaks the replay invariant. */
export class ReplayAccepted extends Error {}

export async function replay(browser: Browser, customer: SeededCustomer, replayedStep: number): Promise<JourneyResult> {
  const steps: [string, number][] = [];
  const base = `/ib/${customer.slug}/`;
  const csrf = await passwordStep(browser, customer, steps);
  const answer = await timed(steps, 'OTP step (replayed code)', () => browser.request(`${base}login/otp`, { csrf, code: customer.token.codeAtStep(replayedStep) }));
  if (answer.status === 303 && answer.location === `${base}main`) throw new ReplayAccepted(`a replayed code signed in (${customer.slug}, binding ${customer.bindingId}, step ${replayedStep})`);
  expectPage(answer, 'OTP step (replayed code)', { status: 401, contains: 'name="code"' });
  return { outcome: 'refused', steps };
}
