// The fuzzer's hands: the browser states its requests are sent from (anonymous, signed-in
// customers with and without a token, each step of the token flows, console operators of each
// role, API clients with and without a key), the resolution of a planned request's symbols
// against what the server has shown so far, a raw HTTP client (paths, headers and bodies sent
// exactly as planned), the oracle applied to every answer, and what is learnt from the answers
// (transfer, payee, proposal, binding and account ids; the hidden fields of every form).
//
// States are kept alive the way a person would: a state whose session the fuzz itself ended
// (a logout, a lock, a step up, a suspension) is noticed from the answer, checked with one GET,
// and signed in again — with the same customer when that still works, else a fresh one of the
// pool. Only the bank's own tools prepare things (pool customers, operators added by
// `mamori operator add`); everything else goes through the pages and the API.
import http from 'node:http';
import { createHmacKey, decodeBase32, generateTotp, timeStepAt } from '../../src/otp/index.js';
import { demoAccountNumber, DEMO_HOLDER_NAMES } from '../../src/banking/ledger/demo-accounts.js';
import { runMamori } from '../integration/cli-helpers.js';
import { relyingPartyKey, STEP_MS, type HttpToken } from '../integration/deployment-helpers.js';
import { cardValuesOf, newContractForm, submitContractForm } from './console.js';
import { csrfOf, Outsider, passwordStep, type Answer } from './outsider.js';
import { OPERATOR_STATES, type FieldValue, type PlanItem, type StateKind, type Sym, type Value } from './fuzz-plan.js';
import type { Customer, Slug, Target } from './target.js';

export const OPERATOR_PASSWORD = 'Mamori-Branch-2026';
const BANK_CODES: Record<Slug, string> = { demo: '9901', sample: '9902' };
const REQUEST_TIMEOUT_MS = 30_000;

// --- tokens: provisioned at the authority's public endpoint, codes computed here ---------------

let provisioned = 0;

/**
 * A token of the fuzzer's own. The authority limits provisioning per client address; the
 * target runs with MAMORI_TRUST_PROXY=127.0.0.1, so each token is asked for as a different
 * address (TEST-NET-1) and the fuzz's own provisioning requests never starve these.
 */
export async function provisionToken(target: Target): Promise<FuzzCodes> {
  provisioned += 1;
  const response = await fetch(`${target.authorityUrl}/authority/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `192.0.2.${(provisioned % 250) + 1}` },
    body: JSON.stringify({ kind: 'mobile' }),
  });
  const body = (await response.json()) as { serial?: string; secret?: string };
  if (response.status !== 201 || !body.serial || !body.secret) throw new Error(`provisioning failed: ${response.status}`);
  const key = createHmacKey('SHA1', decodeBase32(body.secret));
  return new FuzzCodes({
    serial: body.serial,
    secretBase32: body.secret,
    codeAt: (nowMs) => generateTotp({ key, nowMs, periodSeconds: 30, digits: 6 }),
    stepAt: (nowMs) => timeStepAt({ nowMs, periodSeconds: 30 }),
  });
}

/**
 * A token's codes, each step used once (the authority's replay rule), without ever spinning.
 *
 * Only the current step and the next one are used, never the previous: the authority centres
 * its ±1 window on the drift it learns from accepted codes (src/authority/drift.ts), so after a
 * code of the next step was accepted the window is [current, current + 2], and a code of the
 * previous step — what a source taking "the earliest step still accepted" would send after a
 * pause — is a wrong code that counts toward the lock. In the last 1.5 s of a step the next step
 * is used, so that the step does not end between here and the server.
 */
export class FuzzCodes {
  private last = -Infinity;

  constructor(readonly token: HttpToken) {}

  get serial(): string {
    return this.token.serial;
  }

  private nextStep(): { step: number; current: number } {
    const now = Date.now();
    const current = this.token.stepAt(now);
    const earliest = now % STEP_MS > STEP_MS - 1500 ? current + 1 : current;
    return { step: Math.max(this.last + 1, earliest), current };
  }

  /** A code of a step never used, accepted now; undefined when both usable steps are used. */
  take(): string | undefined {
    const { step, current } = this.nextStep();
    if (step > current + 1) return undefined;
    this.last = step;
    return this.token.codeAt(step * STEP_MS);
  }

  /** Whether `take()` would give a code now (nothing used up by asking). */
  available(): boolean {
    const { step, current } = this.nextStep();
    return step <= current + 1;
  }

  /** A code, waiting for the next step when the window is used up. */
  async next(): Promise<string> {
    for (;;) {
      const code = this.take();
      if (code !== undefined) return code;
      const now = Date.now();
      await new Promise((resolve) => setTimeout(resolve, STEP_MS - (now % STEP_MS) + 50));
    }
  }

  /** The last code used (a replay), or a code of long ago when none was used. */
  replay(): string {
    return this.token.codeAt((this.last === -Infinity ? this.token.stepAt(Date.now()) - 20 : this.last) * STEP_MS);
  }
}

// --- the states ---------------------------------------------------------------------------------

interface Operator {
  readonly slug: Slug;
  readonly login: string;
  readonly role: 'teller' | 'supervisor' | 'administrator';
  codes?: FuzzCodes;
}

/** The target's pool of customers is used up. */
class PoolUsedUp extends Error {}

interface Known {
  readonly customer: Customer;
  /** The codes of its token, as registered through the pages; undefined: no token. */
  codes: FuzzCodes | undefined;
  /** A state has it. */
  held: boolean;
}

interface Card {
  readonly contractId: string;
  readonly loginPassword: string;
}

/** What a state has seen of its own: ids for its symbols, and its pages' forms. */
interface Seen {
  transfers: string[];
  /** Transfers prepared and not yet seen confirmed. */
  pending: string[];
  done: string[];
  payees: string[];
  accounts: string[];
  /** Hidden and preset fields of each form, by the form's action path. */
  forms: Map<string, Map<string, string>>;
}

function emptySeen(): Seen {
  return { transfers: [], pending: [], done: [], payees: [], accounts: [], forms: new Map() };
}

export class Holder {
  jar = new Map<string, string>();
  /** The session's synchronizer token (bank site or console), for `csrf: valid`. */
  csrf = '';
  customer: Customer | undefined;
  codes: FuzzCodes | undefined;
  operator: Operator | undefined;
  card: Card | undefined;
  seen: Seen = emptySeen();
  suspect = false;
  /** The customer's token changed under the state: take another customer next time. */
  letGo = false;
  releaseCustomer: (() => void) | undefined;
  /**
   * No way to establish it for now (every candidate operator locked or enrolled by the fuzz):
   * its requests go out as an anonymous browser's until `retryAt`, when it tries again (the
   * fuzz's administrator may have unlocked or reset one meanwhile).
   */
  degraded = false;
  degradedTimes = 0;
  /** Why it could not be established, when it could not. */
  readonly problems = new Set<string>();
  retryAt = 0;
  refreshes = 0;
  private pending: Promise<void> | undefined;
  private lastChecked = 0;

  constructor(
    readonly kind: StateKind,
    readonly slug: Slug,
    private readonly establish: (holder: Holder) => Promise<void>,
    private readonly verify: ((holder: Holder) => Promise<boolean>) | undefined,
  ) {}

  /** Alive (established, and re-checked when an answer made it suspect). */
  async ready(): Promise<Holder> {
    while (this.pending) await this.pending;
    if (this.jar.size > 0 && !this.suspect && (this.verify === undefined || Date.now() - this.lastChecked < 60_000)) return this;
    if (this.degraded && Date.now() < this.retryAt) return this;
    this.pending = (async () => {
      try {
        if (this.jar.size > 0 && this.verify) {
          this.suspect = false;
          if (!this.letGo && (await this.verify(this))) {
            this.lastChecked = Date.now();
            return;
          }
        }
        if (this.jar.size > 0 && !this.degraded) this.refreshes += 1;
        this.suspect = false;
        this.degraded = false;
        if (this.letGo) this.releaseCustomer?.();
        this.letGo = false;
        await this.establish(this);
        this.lastChecked = Date.now();
      } finally {
        this.pending = undefined;
      }
    })();
    await this.pending;
    return this;
  }

  adopt(outsider: Outsider): void {
    this.jar = new Map(outsider.cookies);
  }
}

export interface RunnerOptions {
  target: Target;
  seed: number;
  /** Pool customers of each institution kept as victims: payees, other customers' ids. */
  victims: Record<Slug, Customer[]>;
}

export interface Failure {
  index: number;
  reason: string;
  request: string;
  status?: number;
  excerpt?: string;
}

export interface RouteStats {
  requests: number;
  statuses: Map<number, number>;
}

const LEAKS: readonly [string, RegExp][] = [
  ['a stack frame', /^\s*at .+:\d+:\d+\)?$/m],
  ['a stack frame', /\bat (?:async )?[\w.$<>]+ \([^)]*:\d+:\d+\)/],
  ['SQLite error text', /SQLITE_/],
  ['SQL error text', /syntax error/i],
  ['a module path', /node_modules/],
  ['a JavaScript error name', /\b(?:TypeError|ReferenceError|RangeError|SyntaxError): /],
  ['PostgreSQL error text', /violates (?:foreign key|unique|check|not-null) constraint|duplicate key value|relation "\w+" does not exist/],
  ['a database library name', /\bkysely\b|better-sqlite3|\bpg-pool\b/i],
];

/** Static files are not pages: their bytes (the token app's bundle) are not checked for leaks. */
const STATIC_PATH = /^\/(?:assets|token)(?:\/|$)|^\/authority\/v1\/openapi\.json/;

const CONTENT_TYPES: readonly [RegExp, RegExp][] = [
  // The authority API answers JSON, always.
  [/^\/authority\/v1\/(?!openapi)/, /^application\/json; charset=utf-8$/],
  // Per-institution stylesheets.
  [/^\/(?:ib|branch)\/[^/]+\/brand\.css(?:$|\?)/, /^(?:text\/css; charset=utf-8|text\/html; charset=utf-8)$/],
  // The audit export: CSV, or a plain-text refusal of a bad filter, or a page.
  [/^\/branch\/[^/]+\/audit\.csv/, /^(?:text\/csv|text\/plain|text\/html); charset=utf-8$/],
  // 入出金明細 as a file (issue 14): CSV in UTF-8 or Shift_JIS, or the page again with its message;
  // the console's export of it answers the same.
  [/^\/(?:ib\/[^/]+\/transfers\/history\.csv|branch\/[^/]+\/customers\/[^/]+\/statement)(?:$|\?)/, /^(?:text\/csv; charset=(?:utf-8|Shift_JIS)|text\/html; charset=utf-8)$/],
  // Every page of the bank site and the console (the app's coded errors are checked below).
  [/^\/(?:ib|branch)(?:\/|$)/, /^text\/html; charset=utf-8$/],
  [/^\/(?:healthz|readyz)/, /^application\/json; charset=utf-8$/],
  [/^\/metrics/, /^(?:text\/plain; version=0\.0\.4; charset=utf-8|text\/html; charset=utf-8|application\/json; charset=utf-8)$/],
  [/.*/, /^(?:text\/html|text\/css|text\/plain|text\/javascript|application\/javascript|application\/json|application\/manifest\+json|image\/svg\+xml|image\/png)(?:; charset=utf-8)?$/],
];

export class FuzzRunner {
  readonly failures: Failure[] = [];
  readonly stats = new Map<string, RouteStats>();
  readonly otherMethods = new Map<string, number>();
  readonly contentTypes = new Map<string, number>();
  readonly formFields = new Map<string, Set<string>>();
  setupRequests = 0;
  /** Requests that went out anonymous because their state could not be established then. */
  degradedRequests = 0;
  private readonly holders = new Map<string, Holder[]>();
  /** Customers drawn from the target's pool (beyond the victims), per institution. */
  private readonly drawn: Record<Slug, number> = { demo: 0, sample: 0 };
  private readonly burnt = new Set<string>();
  /**
   * Every customer a state has had, with what the fuzzer knows of its token now. The fuzz
   * registers, exchanges and deregisters tokens through the pages; a customer it left without a
   * token (or with one of the fuzzer's own tokens) is handed to a state that needs just that,
   * rather than opening the next customer of the pool.
   */
  private readonly known = new Map<string, Known>();
  private readonly operators: Operator[] = [];
  private readonly fresh: FuzzCodes[] = [];
  private readonly apiKeys: Record<Slug, string> = { demo: '', sample: '' };
  private readonly global = {
    transfers: [] as string[],
    payees: [] as string[],
    accounts: [] as string[],
    proposals: { demo: [] as string[], sample: [] as string[] },
    contracts: { demo: [] as string[], sample: [] as string[] },
    bindings: [] as string[],
    logins: [] as string[],
  };
  /** Values that are real secrets of this run (codes sent, initial passwords shown once). */
  private readonly secrets = new Set<string>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  private readonly base: URL;

  constructor(private readonly options: RunnerOptions) {
    this.base = new URL(options.target.url);
  }

  // --- set-up: the bank's own doing ------------------------------------------------------------

  /** Operators for the console states (added as a bank adds staff), keys for the API states. */
  async prepare(): Promise<void> {
    const { target } = this.options;
    const wanted: Operator[] = [
      { slug: 'demo', login: 'fuzz-teller', role: 'teller' },
      { slug: 'demo', login: 'fuzz-supervisor', role: 'supervisor' },
      { slug: 'demo', login: 'fuzz-admin', role: 'administrator' },
      { slug: 'sample', login: 'fuzz-supervisor', role: 'supervisor' },
      ...[1, 2, 3, 4].map((n) => ({ slug: 'demo' as const, login: `fuzz-spare${n}`, role: 'teller' as const })),
      ...[1, 2].map((n) => ({ slug: 'demo' as const, login: `fuzz-new${n}`, role: 'teller' as const })),
    ];
    // `mamori keys rp` replaces an institution's key; in `serve all` the bank needs none.
    const [demoKey, sampleKey] = await Promise.all([
      relyingPartyKey('demo', target.env),
      relyingPartyKey('sample', target.env),
      ...wanted.map(async (op) => {
        const added = await runMamori(['operator', 'add', op.slug, op.login, '--role', op.role, '--password-stdin'], target.env, OPERATOR_PASSWORD);
        if (added.code !== 0) throw new Error(`mamori operator add ${op.slug} ${op.login}: ${added.stderr}`);
        return '';
      }),
    ]);
    this.apiKeys.demo = demoKey!;
    this.apiKeys.sample = sampleKey!;
    // The demo seed's own teller and supervisor have never signed in: they are at their
    // enrolment, like fuzz-new1 (and the anonymous fuzz may lock them out: the next one is taken).
    this.operators.push(...wanted, { slug: 'demo', login: 'teller', role: 'teller' }, { slug: 'demo', login: 'supervisor', role: 'supervisor' });
    // The spares are enrolled now, so that their state starts at the one-time password step.
    await Promise.all([
      ...this.operators.filter((op) => op.login.startsWith('fuzz-spare')).map((op) => this.signInOperator(op)),
      ...[0, 1, 2].map(async () => this.fresh.push(await provisionToken(target))),
    ]);
  }

  private nextCustomer(slug: Slug): Customer {
    try {
      const customer = this.options.target.customer(slug);
      this.drawn[slug] += 1;
      return customer;
    } catch (error) {
      throw new PoolUsedUp((error as Error).message);
    }
  }

  private knownOf(customer: Customer): Known {
    const key = `${customer.slug}/${customer.contractId}`;
    let entry = this.known.get(key);
    if (!entry) {
      entry = { customer, codes: undefined, held: false };
      this.known.set(key, entry);
    }
    return entry;
  }

  /** A customer no state holds, not locked, with (or without) a token whose codes are known. */
  private claim(slug: Slug, withToken: boolean, needsCode: boolean): Known | undefined {
    for (const entry of this.known.values()) {
      if (entry.held || entry.customer.slug !== slug || this.burnt.has(entry.customer.contractId)) continue;
      if ((entry.codes !== undefined) !== withToken || (needsCode && !entry.codes?.available())) continue;
      entry.held = true;
      return entry;
    }
    return undefined;
  }

  /** The holder lets its customer go (another state may take it up). */
  private release(h: Holder): void {
    if (h.customer) this.knownOf(h.customer).held = false;
    h.customer = undefined;
    h.codes = undefined;
  }

  /** A pool customer with a freshly registered token (利用開始 through the pages). */
  private async customerWithToken(slug: Slug): Promise<{ customer: Customer; codes: FuzzCodes }> {
    for (let attempt = 0; ; attempt++) {
      // A customer the fuzz left without a token, else the next of the pool.
      const recycled = this.claim(slug, false, false);
      const customer = recycled?.customer ?? this.nextCustomer(slug);
      const codes = await provisionToken(this.options.target);
      const outsider = new Outsider(this.options.target.url);
      const verified = await this.track(outsider.submit(`/ib/${slug}/register`, { contractId: customer.contractId, loginPassword: customer.loginPassword }));
      if (verified.status === 303 && verified.location !== null) {
        const form = await this.track(outsider.request(verified.location));
        const registered = await this.track(
          outsider.request(`/ib/${slug}/register/token`, { form: { csrf: csrfOf(form.body), serial: codes.serial, code: await codes.next(), ...confirmationOf(form.body, customer.confirmationPassword) } }),
        );
        if (registered.status === 200 && registered.body.includes('ワンタイムパスワードの利用開始が完了しました')) return { customer, codes };
      }
      this.burnt.add(customer.contractId);
      if (attempt >= 3) throw new Error(`利用開始 of pool customers of ${slug} keeps failing (${verified.status})`);
    }
  }

  private async signInCustomer(slug: Slug, customer: Customer, codes: FuzzCodes | undefined): Promise<Outsider | undefined> {
    const outsider = new Outsider(this.options.target.url);
    await this.track(outsider.request(`/branch/${slug}/`)); // the console's pre-login cookie too
    const password = await this.track(passwordStep(outsider, customer));
    if (codes === undefined) return password.location === `/ib/${slug}/main` ? outsider : undefined;
    if (password.location !== `/ib/${slug}/login/otp`) return undefined;
    const page = await this.track(outsider.request(`/ib/${slug}/login/otp`));
    const code = await this.track(outsider.request(`/ib/${slug}/login/otp`, { form: { csrf: csrfOf(page.body), code: await codes.next() } }));
    return code.location === `/ib/${slug}/main` ? outsider : undefined;
  }

  private async signInOperator(op: Operator, stopAt?: 'password'): Promise<Outsider | undefined> {
    const outsider = new Outsider(this.options.target.url);
    const base = `/branch/${op.slug}/`;
    await this.track(outsider.request(`/ib/${op.slug}/`)); // the bank site's pre-login cookie too
    const password = await this.track(outsider.submit(base, { login: op.login, password: OPERATOR_PASSWORD }, `${base}login`));
    if (stopAt === 'password') return password.status === 303 ? outsider : undefined;
    let answer: Answer;
    if (password.location === `${base}login/enrol`) {
      op.codes = await provisionToken(this.options.target);
      answer = await this.track(outsider.submit(`${base}login/enrol`, { serial: op.codes.serial, code: await op.codes.next() }));
    } else if (password.location === `${base}login/otp` && op.codes) {
      answer = await this.track(outsider.submit(`${base}login/otp`, { code: await op.codes.next() }));
    } else return undefined;
    return answer.location === `${base}home` ? outsider : undefined;
  }

  private async track(answer: Promise<Answer>): Promise<Answer> {
    const result = await answer;
    this.setupRequests += 1;
    if (result.status >= 500) this.failures.push({ index: -1, reason: `status ${result.status} while keeping a state alive`, request: 'set-up', status: result.status, excerpt: this.redact(result.body.slice(0, 300)) });
    return result;
  }

  // --- holders per state ------------------------------------------------------------------------

  holder(kind: StateKind, slug: Slug, index: number): Holder {
    // The console states exist for demo (and a supervisor for sample); elsewhere the demo
    // operator's cookie is sent to the other institution's console (which must refuse it).
    const effectiveSlug: Slug = OPERATOR_STATES.includes(kind) && slug === 'sample' && kind !== 'supervisor' ? 'demo' : slug;
    const key = `${kind}/${effectiveSlug}`;
    let list = this.holders.get(key);
    if (!list) {
      const count = kind === 'customer' ? 2 : 1;
      list = Array.from({ length: count }, () => this.newHolder(kind, effectiveSlug));
      this.holders.set(key, list);
    }
    return list[index % list.length]!;
  }

  allHolders(): Holder[] {
    return [...this.holders.values()].flat();
  }

  private newHolder(kind: StateKind, slug: Slug): Holder {
    const holder = this.buildHolder(kind, slug);
    holder.releaseCustomer = () => this.release(holder);
    return holder;
  }

  /**
   * A state that cannot be established now — its customers used up (the pool is sized for the
   * run, but the fuzz may lock more than expected), every candidate locked — goes on as an
   * anonymous browser for a while, and says why: the test bounds how many requests went out
   * like that (a sign-in broken for good shows up there).
   */
  private guarded(establish: (h: Holder) => Promise<void>): (h: Holder) => Promise<void> {
    return async (h) => {
      try {
        await establish(h);
      } catch (error) {
        h.problems.add(error instanceof PoolUsedUp ? 'the pool of customers is used up' : (error as Error).message);
        h.degraded = true;
        h.degradedTimes += 1;
        h.retryAt = Date.now() + 10_000;
        const outsider = new Outsider(this.options.target.url);
        await this.track(outsider.request(`/ib/${h.slug}/`));
        h.adopt(outsider);
      }
    };
  }

  private buildHolder(kind: StateKind, slug: Slug): Holder {
    const t = this.options.target;
    const ib = `/ib/${slug}/`;
    const br = `/branch/${slug}/`;
    const pageOk = (path: string) => async (h: Holder) => {
      const page = await this.track(withJar(t, h).request(path));
      if (page.status !== 200) return false;
      const csrf = csrfOf(page.body);
      if (csrf) h.csrf = csrf;
      this.learn(h, path, page.body);
      return true;
    };
    const adoptAt = async (h: Holder, outsider: Outsider, path: string): Promise<boolean> => {
      h.adopt(outsider);
      return pageOk(path)(h);
    };
    /**
     * A token customer of this holder: the same one while it still signs in and has a code free
     * now (no waiting for the clock), else a fresh one of the pool.
     */
    const tokenCustomer = async (h: Holder, needsCode: boolean) => {
      if (h.customer && h.codes && !this.burnt.has(h.customer.contractId) && (!needsCode || h.codes.available())) return;
      this.release(h);
      let entry = this.claim(slug, true, needsCode);
      if (!entry) {
        const fresh = await this.customerWithToken(slug);
        entry = this.knownOf(fresh.customer);
        entry.codes = fresh.codes;
        entry.held = true;
      }
      h.customer = entry.customer;
      h.codes = entry.codes;
      h.seen = emptySeen(); // what the previous customer saw is another customer's
    };
    const noTokenCustomer = (h: Holder) => {
      if (h.customer && !this.burnt.has(h.customer.contractId)) return;
      this.release(h);
      let entry = this.claim(slug, false, false);
      if (!entry) {
        entry = this.knownOf(this.nextCustomer(slug));
        entry.held = true;
      }
      h.customer = entry.customer;
      h.seen = emptySeen();
    };
    const retry = async (h: Holder, attempt: (h: Holder) => Promise<boolean>) => {
      for (let n = 0; n < 6; n++) {
        if (await attempt(h)) return;
        // Locked, suspended, or its token is not what the fuzzer believes: never used again.
        // (A customer the attempt released, its token state corrected, is not burnt.)
        if (h.customer) this.burnt.add(h.customer.contractId);
      }
      throw new Error(`state ${kind}/${slug} could not be established`);
    };
    /** The first step of a token flow (利用者認証), leading to `next`. */
    const flowStep = (flow: 'register' | 'deregister' | 'exchange', next: string) => async (h: Holder) => {
      const outsider = new Outsider(t.url);
      const verified = await this.track(outsider.submit(`${ib}${flow}`, { contractId: h.customer!.contractId, loginPassword: h.customer!.loginPassword }));
      if (verified.status === 409 && flow !== 'register') {
        // 「ワンタイムパスワードの利用登録がありません」: the fuzz deregistered its token meanwhile.
        this.knownOf(h.customer!).codes = undefined;
        this.release(h);
        return false;
      }
      if (verified.status !== 303 || verified.location !== `${ib}${next}`) return false;
      await this.track(outsider.request(br));
      return adoptAt(h, outsider, `${ib}${next}`);
    };
    const ending = (path: string) => pageOk(path);

    switch (kind) {
      case 'anon':
        return new Holder(kind, slug, async (h) => {
          const outsider = new Outsider(t.url);
          await this.track(outsider.request(ib));
          await this.track(outsider.request(br));
          h.adopt(outsider);
        }, undefined);
      case 'customer':
        return new Holder(kind, slug, this.guarded((h) =>
          retry(h, async (h) => {
            await tokenCustomer(h, true);
            // Sign in again with the same token only when a code is free now; else a fresh customer.
            const outsider = await this.signInCustomer(slug, h.customer!, h.codes!);
            return outsider !== undefined && (await adoptAt(h, outsider, `${ib}main`)) && (await this.learnAccounts(h));
          })), ending(`${ib}main`));
      case 'customerNoToken':
        return new Holder(kind, slug, this.guarded((h) =>
          retry(h, async (h) => {
            noTokenCustomer(h);
            const outsider = await this.signInCustomer(slug, h.customer!, undefined);
            return outsider !== undefined && (await adoptAt(h, outsider, `${ib}main`)) && (await this.learnAccounts(h));
          })), ending(`${ib}main`));
      case 'passwordVerified':
        return new Holder(kind, slug, this.guarded((h) =>
          retry(h, async (h) => {
            await tokenCustomer(h, false);
            const outsider = new Outsider(t.url);
            const password = await this.track(passwordStep(outsider, h.customer!));
            if (password.location !== `${ib}login/otp`) return false;
            await this.track(outsider.request(br));
            return adoptAt(h, outsider, `${ib}login/otp`);
          })), ending(`${ib}login/otp`));
      case 'registerVerified':
        return new Holder(kind, slug, this.guarded((h) =>
          retry(h, async (h) => {
            noTokenCustomer(h);
            return flowStep('register', 'register/token')(h);
          })), ending(`${ib}register/token`));
      case 'deregisterVerified':
        return new Holder(kind, slug, this.guarded((h) => retry(h, async (h) => (await tokenCustomer(h, false), flowStep('deregister', 'deregister/token')(h)))), ending(`${ib}deregister/token`));
      case 'exchangeVerified':
        return new Holder(kind, slug, this.guarded((h) => retry(h, async (h) => (await tokenCustomer(h, false), flowStep('exchange', 'exchange/current')(h)))), ending(`${ib}exchange/current`));
      case 'exchangeCurrentVerified':
        return new Holder(kind, slug, this.guarded((h) =>
          retry(h, async (h) => {
            await tokenCustomer(h, true);
            if (!(await flowStep('exchange', 'exchange/current')(h))) return false;
            const outsider = withJar(t, h);
            const current = await this.track(outsider.request(`${ib}exchange/current`, { form: { csrf: h.csrf, code: await h.codes!.next() } }));
            if (current.location !== `${ib}exchange/new`) return false;
            return adoptAt(h, outsider, `${ib}exchange/new`);
          })), ending(`${ib}exchange/new`));
      case 'passwordChange':
        return new Holder(kind, slug, this.guarded((h) =>
          retry(h, async (h) => {
            if (!h.card || this.burnt.has(h.card.contractId)) {
              h.card = await this.openContract(slug);
              h.seen = emptySeen();
            }
            h.customer = { slug, contractId: h.card.contractId, loginPassword: h.card.loginPassword, confirmationPassword: '', accountNumber: '' };
            const outsider = new Outsider(t.url);
            const password = await this.track(passwordStep(outsider, h.customer));
            if (password.location !== `${ib}password/change`) {
              this.burnt.add(h.card.contractId);
              return false;
            }
            return adoptAt(h, outsider, `${ib}password/change`);
          })), ending(`${ib}password/change`));
      case 'teller':
      case 'supervisor':
      case 'administrator':
        return new Holder(kind, slug, this.guarded(async (h) => {
          const op = this.operators.find((o) => o.slug === slug && o.login === `fuzz-${kind === 'administrator' ? 'admin' : kind}`)!;
          h.operator = op;
          const outsider = await this.signInOperator(op);
          if (!outsider || !(await adoptAt(h, outsider, `${br}home`))) throw new Error(`console sign-in of ${slug}/${op.login} failed`);
        }), ending(`${br}home`));
      case 'operatorPassword':
      case 'operatorEnrolment': {
        const candidates = kind === 'operatorPassword' ? ['fuzz-spare1', 'fuzz-spare2', 'fuzz-spare3', 'fuzz-spare4'] : ['fuzz-new1', 'fuzz-new2', 'teller', 'supervisor'];
        const next = kind === 'operatorPassword' ? 'login/otp' : 'login/enrol';
        return new Holder(kind, slug, async (h) => {
          for (const op of this.operators.filter((o) => o.slug === slug && candidates.includes(o.login))) {
            const outsider = await this.signInOperator(op, 'password');
            // Locked, or (enrolment) enrolled meanwhile by the fuzz with a token of its own: the next one.
            if (outsider && (await adoptAt(h, outsider, `${br}${next}`))) {
              h.operator = op;
              h.codes = op.codes;
              return;
            }
          }
          h.degraded = true;
          h.degradedTimes += 1;
          h.retryAt = Date.now() + 5_000;
          const outsider = new Outsider(t.url);
          await this.track(outsider.request(br));
          h.adopt(outsider);
        }, ending(`${br}${next}`));
      }
      case 'apiDemo':
      case 'apiSample':
      case 'apiNone':
      case 'apiWrong':
        return new Holder(kind, slug, async (h) => {
          h.jar.set('-', '-'); // established: the API has no cookies
        }, undefined);
    }
  }

  /** A contract opened at the console by the institution's supervisor: its card's login. */
  private async openContract(slug: Slug): Promise<Card> {
    const supervisor = await this.holder('supervisor', slug, 0).ready();
    const operator = { outsider: withJar(this.options.target, supervisor), base: `/branch/${slug}/` };
    const form = await newContractForm(operator); // throws unless the form is shown
    const answer = await this.track(
      submitContractForm(operator, form, { name: '試験 変更', holderName: 'ｼｹﾝ ﾍﾝｺｳ', requestFormNo: 'R-2026-0100', reason: 'fuzz: a contract whose password must change' }),
    );
    const values = cardValuesOf(answer.body);
    if (answer.status !== 200 || values.length !== 3) throw new Error(`新規契約 at ${slug}: ${answer.status}`);
    this.secrets.add(values[1]!);
    this.secrets.add(values[2]!);
    return { contractId: values[0]!, loginPassword: values[1]! };
  }

  /** The customer's account ids, from the transfer form's 出金口座 choices. */
  private async learnAccounts(h: Holder): Promise<boolean> {
    const page = await this.track(withJar(this.options.target, h).request(`/ib/${h.slug}/transfers/new`));
    this.learn(h, `/ib/${h.slug}/transfers/new`, page.body);
    return page.status === 200 && h.seen.accounts.length > 0;
  }

  // --- sending one planned request ----------------------------------------------------------

  /** Sends one planned request and judges the answer; returns its status (0: no answer). */
  async execute(item: PlanItem): Promise<number> {
    if (item.index > 0 && item.index % 400 === 0) this.fresh.push(await provisionToken(this.options.target));
    const holder = await this.holder(item.state, item.slug, item.index).ready();
    if (holder.degraded) this.degradedRequests += 1;
    await this.prefetchForm(item, holder);
    const request = this.resolve(item, holder);
    const key = `${item.route.method} ${item.route.url}`;
    if (item.method === item.route.method) {
      const stats = this.stats.get(key) ?? { requests: 0, statuses: new Map() };
      stats.requests += 1;
      this.stats.set(key, stats);
    } else this.otherMethods.set(key, (this.otherMethods.get(key) ?? 0) + 1);

    const answer = await this.send(request);
    const describe = () => `#${item.index} ${item.method} ${this.redact(request.path).slice(0, 300)} as ${item.state}/${item.slug}${request.description ? ` with ${request.description}` : ''}`;
    if (answer.error !== undefined) {
      this.failures.push({ index: item.index, reason: `no answer: ${answer.error}`, request: describe() });
      return 0;
    }
    if (item.method === item.route.method) {
      const stats = this.stats.get(key)!;
      stats.statuses.set(answer.status, (stats.statuses.get(answer.status) ?? 0) + 1);
    }
    this.judge(item, request, answer, describe);
    this.harvest(holder, item, request, answer);
    return answer.status;
  }

  /**
   * A form whose hidden fields the request repeats (the transfer's 認証 page echoes the transfer
   * back) is read first when this state has not seen it yet, as a browser would have shown it.
   */
  private async prefetchForm(item: PlanItem, holder: Holder): Promise<void> {
    if (item.method !== 'POST' || !item.route.url.endsWith('/transfers/:id/auth') || item.body.kind !== 'form') return;
    const path = this.formPathOf(item, { item, holder, subject: undefined });
    if (holder.seen.forms.has(path) || !/\/tr_[0-9a-f]{32}\//.test(path)) return;
    const page = await this.track(withJar(this.options.target, holder).request(path));
    this.learn(holder, path, page.body);
  }

  /** The oracle: no 5xx, a sane content type, nothing of the server's insides in the body. */
  private judge(item: PlanItem, request: Resolved, answer: Received, describe: () => string): void {
    const fail = (reason: string) => this.failures.push({ index: item.index, reason, request: describe(), status: answer.status, excerpt: this.redact(answer.body.slice(0, 400)) });
    if (answer.status >= 500) fail(`status ${answer.status}`);
    const type = answer.headers['content-type'];
    const pathOnly = request.path.split('?')[0]!;
    if (type !== undefined) this.contentTypes.set(type, (this.contentTypes.get(type) ?? 0) + 1);
    const hasBody = answer.body.length > 0 && item.method !== 'HEAD';
    if (hasBody || (type !== undefined && answer.status !== 304)) {
      const rule = CONTENT_TYPES.find(([path]) => path.test(pathOnly))!;
      // The app's one error handler answers router rejections, unknown routes and parser errors
      // with a coded JSON body (src/web/errors.ts), whatever the path.
      const codedError = answer.status >= 400 && type === 'application/json; charset=utf-8' && (item.method === 'HEAD' || /^\{"error":"[a-z_]+"/.test(answer.body));
      if (type === undefined) fail('a body without a content type');
      else if (!rule[1].test(type) && !codedError) fail(`content type ${type}`);
    }
    if (!STATIC_PATH.test(pathOnly)) {
      for (const [what, pattern] of LEAKS) {
        if (pattern.test(answer.body)) {
          fail(`the body shows ${what}`);
          break;
        }
      }
    }
  }

  // --- resolving symbols ----------------------------------------------------------------------

  private resolve(item: PlanItem, holder: Holder): Resolved {
    const notes: string[] = [];
    const isApi = item.state.startsWith('api');
    const ctx: Ctx = { item, holder, subject: undefined };
    // The path: parameters substituted (values encoded, raw text as it is).
    let path = item.route.url.replace(/:([A-Za-z]+)|\*$/g, (match, name: string | undefined) => {
      const param = item.params[name ?? '*'];
      if (param === undefined) return match;
      if ('raw' in param) return param.raw;
      const value = this.value(param, ctx, name ?? '*');
      return name === undefined ? value.split('/').map(percentEncode).join('/') : percentEncode(value);
    });
    if (item.query !== undefined) {
      if ('raw' in item.query) path += `?${item.query.raw}`;
      else if (item.query.length > 0) path += `?${item.query.map(([name, v]) => this.encodeField(name, v, ctx).map(([n, x]) => `${percentEncode(n)}=${percentEncode(x)}`).join('&')).join('&')}`;
    }
    path = path.replace(/[^\x21-\x7e]+/g, (c) => percentEncode(c));

    const headers: Record<string, string> = { host: this.base.host };
    for (const [name, value] of item.headers) headers[name] = value;
    const jar = item.cookies === 'otherState' ? this.otherJar(item) : holder.jar;
    switch (item.cookies) {
      case 'state':
      case 'otherState':
        if (jar.size > 0 && !isApi) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
        break;
      case 'none':
        break;
      case 'junk':
        headers.cookie = JUNK_COOKIES[item.index % JUNK_COOKIES.length]!;
        notes.push('junk cookies');
        break;
      case 'duplicated':
        headers.cookie = [...jar, ...jar].map(([k, v]) => `${k}=${v}`).join('; ');
        notes.push('every cookie twice');
        break;
    }
    if (item.cookies === 'otherState') notes.push('another state\'s cookies');
    if (isApi) {
      if (item.state === 'apiDemo') headers.authorization = `Bearer ${this.apiKeys.demo}`;
      else if (item.state === 'apiSample') headers.authorization = `Bearer ${this.apiKeys.sample}`;
      else if (item.state === 'apiWrong') headers.authorization = `Bearer mamori_rp_${'W'.repeat(43)}`;
    }

    let body: Buffer | undefined;
    const body0 = item.body;
    switch (body0.kind) {
      case 'none':
        break;
      case 'raw':
        body = Buffer.from(body0.text, 'utf8');
        if (body0.contentType !== undefined) headers['content-type'] = body0.contentType;
        notes.push(`raw body ${JSON.stringify(body0.text.slice(0, 60))}${body0.text.length > 60 ? `… (${body0.text.length} chars)` : ''} as ${body0.contentType ?? 'no content type'}`);
        break;
      case 'form': {
        const fields: [string, string][] = [];
        const csrfValue = this.csrfValue(body0.csrf, item, holder);
        if (csrfValue !== undefined) for (const v of csrfValue) fields.push(['csrf', v]);
        for (const [name, v] of body0.fields) fields.push(...this.encodeField(name, v, ctx));
        notes.push(`csrf ${body0.csrf}`, `fields ${this.describeFields(body0.fields)}`);
        switch (body0.encoding) {
          case 'form':
            body = Buffer.from(fields.map(([n, v]) => `${percentEncode(n)}=${percentEncode(v)}`).join('&'));
            headers['content-type'] = 'application/x-www-form-urlencoded';
            break;
          case 'json':
            body = Buffer.from(JSON.stringify(Object.fromEntries(fields)));
            headers['content-type'] = 'application/json';
            notes.push('as JSON');
            break;
          case 'multipart': {
            const boundary = '----fuzzboundary';
            body = Buffer.from(`${fields.map(([n, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`).join('')}--${boundary}--\r\n`);
            headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
            notes.push('as multipart');
            break;
          }
          case 'text':
            body = Buffer.from(fields.map(([n, v]) => `${n}=${v}`).join('\n'));
            headers['content-type'] = 'text/plain';
            notes.push('as text/plain');
            break;
        }
        break;
      }
      case 'json': {
        const object: Record<string, unknown> = {};
        for (const [name, v] of body0.fields) object[name] = this.jsonValue(v, ctx, name);
        if (body0.nested) object[body0.nested[0]] = Object.fromEntries(body0.nested[1].map(([n, v]) => [n, this.jsonValue(v, ctx, n)]));
        body = Buffer.from(JSON.stringify(object));
        headers['content-type'] = 'application/json';
        notes.push(`JSON ${this.describeFields(body0.fields)}${body0.nested ? ` + ${body0.nested[0]}` : ''}`);
        break;
      }
    }
    if (item.contentType !== undefined) {
      headers['content-type'] = item.contentType;
      notes.push(`content type ${JSON.stringify(item.contentType)}`);
    }
    if (headers['content-type'] === '') delete headers['content-type'];
    // Well-formed HTTP whatever the method (Node sends a DELETE's body without a length
    // otherwise): the fuzz is in what the request says, not in broken framing.
    if (body !== undefined) headers['content-length'] = String(body.length);
    for (const [name] of item.headers) notes.push(`header ${name}`);
    return { method: item.method, path, headers, body, description: notes.join(', ') };
  }

  private csrfValue(plan: string, item: PlanItem, holder: Holder): string[] | undefined {
    const pre = item.route.url.startsWith('/branch/') ? 'mamori_branch_pre' : 'mamori_pre';
    const preForm = /\/(?:login|register|deregister|exchange)$/.test(item.route.url) && item.route.method === 'POST';
    const valid = (h: Holder) => (preForm ? (h.jar.get(pre) ?? '') : h.csrf);
    switch (plan) {
      case 'none':
      case 'missing':
        return undefined;
      case 'valid':
        return [valid(holder)];
      case 'wrong':
        return ['A'.repeat(43)];
      case 'junk':
        return [JUNK_CSRF[item.index % JUNK_CSRF.length]!];
      case 'otherState':
        return [this.otherJar(item).get(pre) ?? this.allHolders()[item.index % Math.max(1, this.allHolders().length)]?.csrf ?? ''];
      case 'repeated':
        return [valid(holder), valid(holder)];
      default:
        return undefined;
    }
  }

  private otherJar(item: PlanItem): Map<string, string> {
    const others = this.allHolders().filter((h) => h.jar.size > 0 && h.kind !== item.state && !h.kind.startsWith('api'));
    return others.length === 0 ? new Map() : others[item.index % others.length]!.jar;
  }

  private encodeField(name: string, v: FieldValue, ctx: Ctx): [string, string][] {
    if ('many' in v) return v.many.map((x) => [name, this.value(x, ctx, name)]);
    if ('json' in v) return [[name, JSON.stringify(this.jsonValue(v, ctx, name))]];
    return [[name, this.value(v, ctx, name)]];
  }

  private jsonValue(v: FieldValue, ctx: Ctx, name: string): unknown {
    if ('many' in v) return v.many.map((x) => this.value(x, ctx, name));
    if ('json' in v) {
      switch (v.json) {
        case 'number':
          return 1 + (ctx.item.index % 50_000);
        case 'negative':
          return -1;
        case 'float':
          return 1.5;
        case 'huge':
          return 1e21;
        case 'null':
          return null;
        case 'true':
          return true;
        case 'array':
          return ['123456'];
        case 'object':
          return { code: '123456' };
        case 'nested':
          return [[[[{}]]]];
      }
    }
    return this.value(v, ctx, name);
  }

  private describeFields(fields: [string, FieldValue][]): string {
    const one = (v: FieldValue): string => {
      if ('many' in v) return `[${v.many.map(one).join(', ')}]`;
      if ('json' in v) return `<${v.json}>`;
      if ('sym' in v) return `<${v.sym}${v.transform ? `:${v.transform}` : ''}>`;
      return JSON.stringify(v.lit.length > 80 ? `${v.lit.slice(0, 80)}…(${v.lit.length})` : v.lit);
    };
    return fields.map(([name, v]) => `${name}=${one(v)}`).join(' ');
  }

  private value(v: Value, ctx: Ctx, fieldName: string): string {
    if ('lit' in v) return v.lit;
    const raw = this.symbol(v.sym, v.pick, ctx, fieldName);
    return v.transform ? transform(raw, v.transform) : raw;
  }

  private symbol(name: Sym, pick: number, ctx: Ctx, fieldName: string): string {
    const { holder, item } = ctx;
    const slug = holder.slug;
    const choose = <T>(items: readonly T[], fallback: T): T => (items.length === 0 ? fallback : items[pick % items.length]!);
    const victims = this.options.victims[item.slug];
    switch (name) {
      case 'contractId':
      case 'ownContractId': {
        // Mostly another customer; now and then the state's own contract (its own password).
        const own = name === 'ownContractId' || (holder.customer !== undefined && pick % 7 === 0);
        ctx.subject = own && holder.customer ? holder.customer : choose([...victims, ...demoCustomers(item.slug)], victims[0]!);
        return ctx.subject.contractId;
      }
      case 'loginPassword':
        return (ctx.subject ?? holder.customer ?? victims[0]!).loginPassword;
      case 'confirmation':
        return '246810';
      case 'confirmationDigit': {
        const position = Number(/^position(\d)$/.exec(fieldName)?.[1] ?? '1');
        return '246810'[position - 1] ?? '2';
      }
      case 'code': {
        const codes = holder.codes ?? holder.operator?.codes;
        if (!codes) return String(100_000 + (pick % 900_000));
        // Both usable steps used already: a replay of the last code (counted as a wrong code), or
        // three times in four a code of the wrong length (not counted), so that the states'
        // customers are not all locked within a minute of the run.
        const code = codes.take() ?? (pick % 4 === 0 ? codes.replay() : codes.replay().slice(0, 5));
        this.secrets.add(code);
        return code;
      }
      case 'freshSerial':
        return this.freshToken(item).serial;
      case 'freshCode': {
        // The same token as the request's serial (the same pick); the authority throttles a token
        // after 20 wrong codes, so a new one joins every few hundred requests.
        const code = this.freshToken(item).token.codeAt(Date.now());
        this.secrets.add(code);
        return code;
      }
      case 'ownAccountId':
        return choose(holder.seen.accounts, choose(this.global.accounts, 'acc_none'));
      case 'otherAccountId':
        return choose(this.global.accounts.filter((a) => !holder.seen.accounts.includes(a)), 'acc_none');
      case 'payeeBank':
      case 'payeeBranch':
      case 'payeeAccount':
      case 'payeeName': {
        const payee = this.payee(item, slug);
        return { payeeBank: payee.bank, payeeBranch: payee.branch, payeeAccount: payee.account, payeeName: payee.name }[name];
      }
      case 'amount':
        return String(1 + (pick % 3000));
      case 'limitManYen':
        return choose(['10', '30', '50', '100', '200', '1'], '10');
      case 'transferId':
        // Mostly one still waiting for its confirmation, so that some are confirmed.
        if (holder.seen.pending.length > 0 && pick % 4 !== 0) return choose(holder.seen.pending, '');
        return choose([...holder.seen.transfers, ...holder.seen.done], `tr_${'0'.repeat(32)}`);
      case 'doneTransferId':
        return choose(holder.seen.done, choose(holder.seen.transfers, `tr_${'0'.repeat(32)}`));
      case 'otherTransferId':
        return choose(this.global.transfers.filter((id) => !holder.seen.transfers.includes(id)), `tr_${'1'.repeat(32)}`);
      case 'payeeId':
        return choose(holder.seen.payees, `py_${'0'.repeat(32)}`);
      case 'otherPayeeId':
        return choose(this.global.payees, `py_${'1'.repeat(32)}`);
      case 'proposalId':
        return choose(this.global.proposals[slug], `prp_${'0'.repeat(32)}`);
      case 'consoleContractId':
        return choose([...victims.map((c) => c.contractId), '1000000001', '1000000002', ...this.global.contracts[slug]], '1000000001');
      case 'operatorLogin':
        // Never a signed-in state's own operator (wrong passwords would lock it for good), nor a
        // spare: the operatorPassword state's wrong codes lock those often enough.
        return choose(['teller', 'supervisor', 'fuzz-new1', 'fuzz-new2', ...this.global.logins.filter((l) => !l.startsWith('fuzz-spare'))], 'teller');
      case 'operatorTarget':
        // The administrator unlocks and resets the spares and the unenrolled: the fuzz keeps them going.
        return choose(['teller', 'supervisor', 'fuzz-spare1', 'fuzz-spare2', 'fuzz-spare3', 'fuzz-spare4', 'fuzz-new1', 'fuzz-new2', ...this.global.logins], 'fuzz-spare1');
      case 'operatorPassword':
        return OPERATOR_PASSWORD;
      case 'cardPassword':
        return holder.card?.loginPassword ?? 'Mamori-2026';
      case 'newPassword':
        return `Fuzz${item.index}x2026`;
      case 'formDefault': {
        const form = holder.seen.forms.get(ctx.item.route.url.includes(':') ? this.formPathOf(item, ctx) : item.route.url);
        return form?.get(fieldName) ?? '';
      }
      case 'bindingId':
        return choose(this.global.bindings, `bnd_${'0'.repeat(22)}`);
    }
  }

  /** One of the three newest tokens of the fuzzer's own, the same for every field of a request. */
  private freshToken(item: PlanItem): FuzzCodes {
    const recent = this.fresh.slice(-3);
    return recent[item.index % recent.length]!;
  }

  /** The concrete action path a form of this request would have had (the resolved path). */
  private formPathOf(item: PlanItem, ctx: Ctx): string {
    return item.route.url.replace(/:([A-Za-z]+)/g, (match, name: string) => {
      const param = item.params[name];
      if (param === undefined || 'raw' in param) return match;
      return percentEncode(this.value(param, ctx, name));
    });
  }

  /** A payee for this request: another customer of the bank (by name), or an account elsewhere. */
  private payee(item: PlanItem, slug: Slug): { bank: string; branch: string; account: string; name: string } {
    const victims = this.options.victims[slug];
    const choice = item.index % (victims.length + 4);
    if (choice < victims.length) return { bank: BANK_CODES[slug], branch: '001', account: victims[choice]!.accountNumber, name: 'ﾃﾞﾓ ｹｲﾔｸｼｬ' };
    switch (choice - victims.length) {
      case 0:
        return { bank: BANK_CODES[slug], branch: '001', account: demoAccountNumber('1000000002'), name: DEMO_HOLDER_NAMES['1000000002']! };
      case 1:
        return { bank: '0001', branch: '100', account: '1234567', name: 'ﾔﾏﾀﾞ ﾀﾛｳ' };
      case 2:
        return { bank: BANK_CODES[slug === 'demo' ? 'sample' : 'demo'], branch: '001', account: demoAccountNumber('1000000001'), name: DEMO_HOLDER_NAMES['1000000001']! };
      default:
        return { bank: 'ﾐｽﾞﾎ', branch: 'ﾎﾝﾃﾝ', account: '7654321', name: 'ｶ)ﾌｻﾞ' };
    }
  }

  // --- learning from answers ---------------------------------------------------------------

  private harvest(holder: Holder, item: PlanItem, request: Resolved, answer: Received): void {
    const body = answer.body;
    const location = typeof answer.headers.location === 'string' ? answer.headers.location : '';
    this.learn(holder, request.path.split('?')[0]!, body, location);
    if (item.route.url.startsWith('/authority/v1/bindings') && answer.status === 201) {
      const id = /"bindingId":"([^"]+)"/.exec(body)?.[1];
      if (id) remember(this.global.bindings, id, 50);
    }
    // 利用開始, 利用登録/交換 and 利用中止 done by the fuzz (200 is only their result page): the
    // customer's token is now one of the fuzzer's own, or none.
    if (holder.customer && item.method === 'POST' && answer.status === 200 && /\/(?:register\/token|exchange\/new|deregister\/token)$/.test(item.route.url)) {
      // Without a token, the customer serves the states that need none. With one of the
      // fuzzer's own tokens it is not used again: those tokens take the fuzz's wrong codes and
      // are throttled by the authority (20 wrong codes in 5 minutes).
      if (item.route.url.endsWith('/deregister/token')) this.knownOf(holder.customer).codes = undefined;
      else this.burnt.add(holder.customer.contractId);
      // The state's customer no longer fits it (or, exchanged, has new codes): let it go when
      // the state is next established (not now: another request may be establishing it).
      if (item.state === 'exchangeCurrentVerified' || item.state === 'deregisterVerified' || item.state === 'registerVerified') holder.letGo = true;
      holder.suspect = true;
    }
    // Did the answer end or replace the state's session? Then check it before its next use.
    if (item.state === 'anon' || item.state.startsWith('api')) return;
    const cookieName = item.route.url.startsWith('/branch/') ? 'mamori_branch' : 'mamori_session';
    const setCookies = ([] as string[]).concat(answer.headers['set-cookie'] ?? []);
    const touched = setCookies.some((c) => c.startsWith(`${cookieName}=`));
    const toLogin = answer.status === 303 && /^\/(?:ib|branch)\/[^/]+\/(?:\?.*)?$/.test(location);
    const refused = [403, 409, 423].includes(answer.status) && item.body.kind === 'form' && item.body.csrf === 'valid';
    if (touched || toLogin || refused) holder.suspect = true;
  }

  /** Ids and forms a page shows, for the symbols of later requests. */
  learn(holder: Holder, path: string, body: string, location = ''): void {
    const text = `${location}\n${body}`;
    for (const m of text.matchAll(/\/transfers\/(tr_[0-9a-f]{32})(\/result)?/g)) {
      remember(m[2] ? holder.seen.done : holder.seen.transfers, m[1]!, 30);
      remember(this.global.transfers, m[1]!, 100);
      if (m[2]) forget(holder.seen.pending, m[1]!);
    }
    // A transfer just prepared (303 to its 内容の確認): waiting for its confirmation.
    const prepared = /^\/ib\/[^/]+\/transfers\/(tr_[0-9a-f]{32})$/.exec(location)?.[1];
    if (prepared) remember(holder.seen.pending, prepared, 10);
    for (const m of text.matchAll(/\b(py_[0-9a-f]{32})\b/g)) {
      remember(holder.seen.payees, m[1]!, 20);
      remember(this.global.payees, m[1]!, 100);
    }
    if (path.startsWith('/ib/')) {
      for (const m of text.matchAll(/\b(acc_[0-9a-f]{32})\b/g)) {
        remember(holder.seen.accounts, m[1]!, 5);
        remember(this.global.accounts, m[1]!, 100);
      }
    }
    if (path.startsWith('/branch/')) {
      const slug = path.split('/')[2] as Slug;
      if (slug === 'demo' || slug === 'sample') {
        for (const m of text.matchAll(/\b(prp_[0-9a-f]{32})\b/g)) remember(this.global.proposals[slug], m[1]!, 30);
        const stateContracts = new Set(this.allHolders().map((h) => h.customer?.contractId));
        for (const m of text.matchAll(/customers\/(\d{10})\b/g)) if (!stateContracts.has(m[1]!)) remember(this.global.contracts[slug], m[1]!, 30);
        const stateLogins = new Set(['fuzz-teller', 'fuzz-supervisor', 'fuzz-admin']);
        for (const m of text.matchAll(/operators\/([a-z][a-z0-9._-]{1,31})\/(?:unlock|reset-token)/g)) if (!stateLogins.has(m[1]!)) remember(this.global.logins, m[1]!, 20);
        // A card shown once: its initial password is a secret of this run from now on.
        for (const m of body.matchAll(/<dd class="customer-card__value">([^<]*)/g)) this.secrets.add(m[1]!);
      }
    }
    // Forms: their fields (for the check that the plan knows every field) and preset values.
    for (const form of body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
      const action = /\baction="([^"]*)"/.exec(form[1]!)?.[1];
      if (action === undefined) continue;
      const method = (/\bmethod="([^"]*)"/.exec(form[1]!)?.[1] ?? 'get').toUpperCase();
      const actionPath = unescapeHtml(action).split('?')[0]!;
      const values = holder.seen.forms.get(actionPath) ?? new Map<string, string>();
      const names = new Set<string>();
      for (const control of form[2]!.matchAll(/<(input|select|textarea|button)\b([^>]*)>/g)) {
        const name = /\bname="([^"]*)"/.exec(control[2]!)?.[1];
        if (name === undefined) continue;
        names.add(name);
        const value = /\bvalue="([^"]*)"/.exec(control[2]!)?.[1];
        if (control[1] === 'input' && value !== undefined && /type="hidden"/.test(control[2]!)) values.set(name, unescapeHtml(value));
      }
      if (values.size > 0) {
        holder.seen.forms.set(actionPath, values);
        if (holder.seen.forms.size > 40) holder.seen.forms.delete(holder.seen.forms.keys().next().value as string);
      }
      const key = `${method} ${actionPath}`;
      const known = this.formFields.get(key) ?? new Set<string>();
      for (const name of names) known.add(name);
      this.formFields.set(key, known);
    }
  }

  // --- the wire ----------------------------------------------------------------------------

  /**
   * Sends one request. A request that went out on a reused keep-alive socket which the server
   * had just closed as idle (its keepAliveTimeout, 5 s: the close and the reuse cross on the
   * wire — under load the client's notice of the close comes late) dies with ECONNRESET before
   * any answer: HTTP lets a client retry that (RFC 9112 §9.3.1), browsers do, and so does this
   * client, once, on a fresh connection. Any other lost answer is the server's and counts.
   */
  async send(request: Resolved): Promise<Received> {
    const first = await this.sendOnce(request, this.agent);
    if (!first.reusedSocketReset) return first.received;
    return (await this.sendOnce(request, false)).received;
  }

  private sendOnce(request: Resolved, agent: http.Agent | false): Promise<{ received: Received; reusedSocketReset: boolean }> {
    return new Promise((resolveOnce) => {
      let reusedSocketReset = false;
      const resolve = (received: Received) => resolveOnce({ received, reusedSocketReset });
      const started = Date.now();
      let settled = false;
      const done = (received: Received) => {
        if (settled) return;
        settled = true;
        resolve(received);
      };
      let req: http.ClientRequest;
      try {
        req = http.request({ host: this.base.hostname, port: this.base.port, method: request.method, path: request.path, headers: request.headers, agent });
      } catch (error) {
        done({ status: 0, headers: {}, body: '', error: `the client could not send it: ${(error as Error).message}`, ms: 0 });
        return;
      }
      req.setTimeout(REQUEST_TIMEOUT_MS, () => {
        req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`));
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: Date.now() - started }));
        res.on('error', (error) => done({ status: 0, headers: {}, body: '', error: error.message, ms: Date.now() - started }));
      });
      let answered = false;
      req.on('response', () => {
        answered = true;
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        reusedSocketReset = !answered && req.reusedSocket && error.code === 'ECONNRESET';
        // The server may answer a request it refuses (413, 431) before the body is sent, and
        // close: that answer is what counts, not the broken pipe of the rest of the body.
        done({ status: 0, headers: {}, body: '', error: `${error.code ?? ''} ${error.message}`.trim(), ms: Date.now() - started });
      });
      if (request.body !== undefined) req.end(request.body);
      else req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }

  /** Real secrets of this run (codes sent, initial passwords) never appear in a failure message. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (secret.length >= 6) out = out.split(secret).join('<secret>');
    for (const key of Object.values(this.apiKeys)) if (key) out = out.split(key).join('<api key>');
    return out.replace(/\b(csrf=)[A-Za-z0-9_-]{43}\b/g, '$1<token>').replace(/name="csrf" value="[^"]*"/g, 'name="csrf" value="<token>"');
  }

  summaryOfStates(): string {
    return this.allHolders()
      .filter((h) => h.refreshes > 0 || h.degradedTimes > 0)
      .map((h) => `${h.kind}/${h.slug}: ${h.refreshes} re-established${h.degradedTimes > 0 ? `, ${h.degradedTimes}× anonymous for a while (${[...h.problems].join('; ') || 'no usable operator left'})` : ''}`)
      .join('; ');
  }

  poolUse(): string {
    return `${(['demo', 'sample'] as const).map((slug) => `${slug} ${this.drawn[slug]}`).join(', ')} (${this.burnt.size} of them locked or unusable by the end)`;
  }
}

interface Ctx {
  item: PlanItem;
  holder: Holder;
  /** The contract a request's credentials are about (the login password follows it). */
  subject: Customer | undefined;
}

export interface Resolved {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** What the request carried, symbols named rather than their values (no secret in it). */
  description: string;
}

export interface Received {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  error?: string;
  ms: number;
}

const JUNK_COOKIES = [
  'mamori_session=%E0%A4%A',
  'mamori_session=; mamori_session=x; mamori_pre=',
  `mamori_session=${'x'.repeat(4000)}`,
  'mamori_branch="unterminated',
  '=; ;; ==; a',
  'mamori_lang=xx; mamori_pre=../../',
  '__proto__=1; constructor=2',
  'mamori_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
];

const JUNK_CSRF = ['', ' ', 'null', `${'A'.repeat(42)}=`, 'A'.repeat(44), '\u00e9'.repeat(43), '%41'.repeat(43), '[object Object]'];

function demoCustomers(slug: Slug): Customer[] {
  return ['1000000001', '1000000002'].map((contractId) => ({ slug, contractId, loginPassword: 'Mamori-2026', confirmationPassword: '246810', accountNumber: demoAccountNumber(contractId) }));
}

/**
 * encodeURIComponent, but for any string: a lone surrogate (which encodeURIComponent refuses)
 * goes out as the UTF-8 of U+FFFD, as a browser would send it.
 */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => (/[A-Za-z0-9\-_.!~*'()]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

function forget(list: string[], value: string): void {
  const at = list.indexOf(value);
  if (at >= 0) list.splice(at, 1);
}

function remember(list: string[], value: string, max: number): void {
  if (list.includes(value)) return;
  list.push(value);
  if (list.length > max) list.shift();
}

function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function withJar(target: Target, holder: Holder): Outsider {
  const outsider = new Outsider(target.url);
  for (const [k, v] of holder.jar) outsider.cookies.set(k, v);
  return outsider;
}

/** The confirmation-password fields a page asks for, answered with `password`. */
function confirmationOf(body: string, password: string): Record<string, string> {
  const positions = [...body.matchAll(/name="position(\d)"/g)].map((m) => Number(m[1]));
  if (positions.length === 0) return { confirmationPassword: password };
  return Object.fromEntries(positions.map((p) => [`position${p}`, password[p - 1]!]));
}

function transform(value: string, how: NonNullable<Extract<Value, { sym: Sym }>['transform']>): string {
  switch (how) {
    case 'fullwidth':
      return value.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    case 'spaced':
      return value.length > 1 ? `${value.slice(0, Math.ceil(value.length / 2))} ${value.slice(Math.ceil(value.length / 2))}` : ` ${value}`;
    case 'hyphen':
      return value.length > 1 ? `${value.slice(0, Math.ceil(value.length / 2))}-${value.slice(Math.ceil(value.length / 2))}` : `-${value}`;
    case 'padded':
      return ` ${value} `;
    case 'lower':
      return value.toLowerCase();
    case 'upper':
      return value.toUpperCase();
    case 'trailingJunk':
      return `${value}x`;
    case 'leadingZero':
      return `0${value}`;
    case 'doubled':
      return `${value}${value}`;
  }
}
