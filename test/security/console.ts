// The branch console as the attack suite reaches it: over HTTP, with the pages' own forms. An
// operator signs in with password + one-time password; at the first sign-in the operator
// enrols a token of their own — provisioned at the authority's public endpoint, exactly as the
// console asks (serial + a current code), nothing read from the server's side. The operator's
// token is remembered per target, so a later sign-in of the same operator uses the same codes
// (each step once: the CodeSource waits for the clock when the ±1 window is used up).
//
// The demo operators `teller` and `supervisor` (password `Mamori-Branch-2026`) exist at both
// demo institutions. A teller proposes what needs a second person; a supervisor who did not
// propose it approves (src/branch/permissions.ts), so `actionWithApproval(maker, checker, …)`
// takes a teller as the maker and a supervisor as the checker.
import { csrfOf, newToken, Outsider, type Answer, type CodeSource } from './outsider.js';
import type { Target } from './target.js';

export const OPERATOR_PASSWORD = 'Mamori-Branch-2026';

/** What an operator's written request (届出) carries into every customer action. */
export interface WrittenRequest {
  requestFormNo?: string;
  reason?: string;
}

export type CustomerActionKind = 'unlock_otp' | 'unlock_password' | 'reissue_token' | 'suspend' | 'resume' | 'change_limit' | 'reset_password' | 'change_email';

export interface SignedInOperator {
  readonly slug: string;
  readonly login: string;
  /** /branch/<slug>/ */
  readonly base: string;
  /** The operator's browser, with the signed-in console session in its jar. */
  readonly outsider: Outsider;
  /** The operator's token: the same source at every sign-in of this operator on this target. */
  readonly codes: CodeSource;
}

// Per target: the operators' tokens (by "slug/login"), and a queue per operator so that two
// sign-ins of one operator never race (both would try to enrol, or to use the same step).
const operatorTokens = new WeakMap<Target, Map<string, CodeSource>>();
const signInQueues = new WeakMap<Target, Map<string, Promise<unknown>>>();

function perTarget<T>(map: WeakMap<Target, Map<string, T>>, target: Target): Map<string, T> {
  let entry = map.get(target);
  if (!entry) {
    entry = new Map();
    map.set(target, entry);
  }
  return entry;
}

/** The token an operator enrolled through `signInOperator` on this target, if any. */
export function operatorToken(target: Target, slug: string, login: string): CodeSource | undefined {
  return perTarget(operatorTokens, target).get(`${slug}/${login}`);
}

/**
 * Signs `login` in at /branch/<slug>/ through the pages: password, then the one-time password,
 * or — at the operator's first sign-in — the enrolment of a new token. Throws unless the
 * operator ends on the console's home page. Each call is a new browser (a new session).
 */
export async function signInOperator(
  target: Target,
  slug: string,
  login: string,
  options: { password?: string; baseUrl?: string } = {},
): Promise<SignedInOperator> {
  const queues = perTarget(signInQueues, target);
  const key = `${slug}/${login}`;
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => signInOnce(target, slug, login, options));
  queues.set(key, next);
  return next;
}

async function signInOnce(target: Target, slug: string, login: string, options: { password?: string; baseUrl?: string }): Promise<SignedInOperator> {
  const base = `/branch/${slug}/`;
  const key = `${slug}/${login}`;
  const outsider = new Outsider(options.baseUrl ?? target.url);
  const password = await outsider.submit(base, { login, password: options.password ?? OPERATOR_PASSWORD }, `${base}login`);
  const tokens = perTarget(operatorTokens, target);
  let codes = tokens.get(key);
  let answer: Answer;
  if (password.status === 303 && password.location === `${base}login/enrol`) {
    if (codes !== undefined) throw new Error(`operator ${key} is asked to enrol again (was the token reset?)`);
    codes = await newToken(target);
    answer = await outsider.submit(`${base}login/enrol`, { serial: codes.serial, code: await codes.next() });
    if (answer.location === `${base}home`) tokens.set(key, codes);
  } else if (password.status === 303 && password.location === `${base}login/otp`) {
    if (codes === undefined) throw new Error(`operator ${key} enrolled a token outside signInOperator: its codes are unknown here`);
    answer = await outsider.submit(`${base}login/otp`, { code: await codes.next() });
  } else {
    throw new Error(`password step of operator ${key}: ${password.status} ${password.location ?? ''}`);
  }
  if (answer.status !== 303 || answer.location !== `${base}home`) throw new Error(`code step of operator ${key}: ${answer.status} ${answer.location ?? ''} ${answer.body.slice(0, 300)}`);
  return { slug, login, base, outsider, codes };
}

/** The csrf token of the operator's session (read from a page of the console). */
export async function operatorCsrf(operator: SignedInOperator): Promise<string> {
  const page = await operator.outsider.request(`${operator.base}home`);
  const token = csrfOf(page.body);
  if (page.status !== 200 || token === '') throw new Error(`console home of ${operator.slug}/${operator.login}: ${page.status} ${page.location ?? ''}`);
  return token;
}

/** The fields of a customer action's form, as the customer page's form would send them. */
export function customerActionForm(kind: CustomerActionKind, input: WrittenRequest & { newLimitYen?: number | string } = {}): Record<string, string> {
  return {
    requestFormNo: input.requestFormNo ?? 'R-2026-0001',
    reason: input.reason ?? `attack suite: ${kind}`,
    ...(kind === 'change_limit' ? { newLimitYen: String(input.newLimitYen ?? 100_000) } : {}),
    ...(kind === 'change_email' ? { newEmail: `attack.suite.${Date.now()}@example.jp` } : {}),
  };
}

/**
 * Starts a customer action from the customer's page (/branch/<slug>/customers/<id>). The
 * answer is 303 to the customer page with `?done=done|suspended|proposed` when it was taken.
 */
export function startCustomerAction(
  operator: SignedInOperator,
  contractId: string,
  kind: CustomerActionKind,
  input: WrittenRequest & { newLimitYen?: number | string } = {},
): Promise<Answer> {
  return operator.outsider.submit(`${operator.base}customers/${contractId}`, customerActionForm(kind, input), `${operator.base}customers/${contractId}/actions/${kind}`);
}

export interface PendingProposal {
  readonly id: string;
  readonly contractId: string;
}

/** The pending proposals on the approvals page of the operator's institution, in page order. */
export async function pendingProposals(operator: SignedInOperator): Promise<PendingProposal[]> {
  const page = await operator.outsider.request(`${operator.base}approvals`);
  if (page.status !== 200) throw new Error(`approvals page of ${operator.slug}/${operator.login}: ${page.status} ${page.location ?? ''}`);
  return proposalsOnPage(page.body, operator.base);
}

export function proposalsOnPage(body: string, base: string): PendingProposal[] {
  const escapedBase = base.replace(/[/]/g, '\\/');
  const item = new RegExp(`id="proposal-(prp_[0-9a-f]{32})">\\s*<p><a href="${escapedBase}customers/(\\d{10})">`, 'g');
  return [...body.matchAll(item)].map((m) => ({ id: m[1]!, contractId: m[2]! }));
}

/** 「承認」 or 「却下」 of a proposal from the approvals page. */
export function decideProposal(operator: SignedInOperator, proposalId: string, decision: 'approve' | 'reject', note = 'attack suite'): Promise<Answer> {
  return operator.outsider.submit(`${operator.base}approvals`, decision === 'reject' ? { note } : {}, `${operator.base}approvals/${proposalId}/${decision}`);
}

/** The maker proposes `kind`; returns the new proposal's id (throws unless it was proposed). */
export async function proposeCustomerAction(
  maker: SignedInOperator,
  contractId: string,
  kind: CustomerActionKind,
  input: WrittenRequest & { newLimitYen?: number | string } = {},
): Promise<string> {
  const before = new Set((await pendingProposals(maker)).map((p) => p.id));
  const started = await startCustomerAction(maker, contractId, kind, input);
  if (started.status !== 303 || started.location !== `${maker.base}customers/${contractId}?done=proposed`) {
    throw new Error(`${kind} for ${contractId} was not proposed: ${started.status} ${started.location ?? ''} ${started.body.slice(0, 300)}`);
  }
  const added = (await pendingProposals(maker)).filter((p) => !before.has(p.id) && p.contractId === contractId);
  if (added.length !== 1) throw new Error(`expected one new proposal for ${contractId}, found ${added.length}`);
  return added[0]!.id;
}

/**
 * Maker-checker: the maker (a teller) proposes, the checker (a supervisor) approves. Returns
 * the approval's answer — a 303 to the approvals page, or (a password reset) the page that
 * shows the new initial password once: `initialPasswordOf(answer.body)`.
 */
export async function actionWithApproval(
  maker: SignedInOperator,
  checker: SignedInOperator,
  contractId: string,
  kind: CustomerActionKind,
  input: WrittenRequest & { newLimitYen?: number | string } = {},
): Promise<{ proposalId: string; approval: Answer }> {
  const proposalId = await proposeCustomerAction(maker, contractId, kind, input);
  const approval = await decideProposal(checker, proposalId, 'approve');
  const approved = (approval.status === 303 && approval.location === `${checker.base}approvals?done=approved`) || (approval.status === 200 && kind === 'reset_password');
  if (!approved) throw new Error(`approval of ${kind} for ${contractId}: ${approval.status} ${approval.location ?? ''} ${approval.body.slice(0, 300)}`);
  return { proposalId, approval };
}

/** The initial login password on the page a password reset's approval shows once. */
export function initialPasswordOf(body: string): string {
  const match = /<code class="secret">([^<]+)<\/code>/.exec(body);
  if (!match) throw new Error('no initial password on the page');
  return match[1]!;
}

/** The お客様カード of a contract opened at the console (shown once, in that response). */
export interface CustomerCard {
  readonly contractId: string;
  readonly loginPassword: string;
  readonly confirmationPassword: string;
  readonly accountNumber: string;
}

export interface ContractFields extends WrittenRequest {
  name: string;
  holderName: string;
  branchCode?: string;
}

/** The hidden fields of a 新規契約 form the console has just shown: one idempotency key per form. */
export interface ContractForm {
  readonly csrf: string;
  readonly idempotencyKey: string;
}

/** GET 新規契約: a new form (its key names no contract yet). */
export async function newContractForm(operator: Pick<SignedInOperator, 'outsider' | 'base'>): Promise<ContractForm> {
  const page = await operator.outsider.request(`${operator.base}contracts/new`);
  const idempotencyKey = /name="idempotencyKey" value="([^"]+)"/.exec(page.body)?.[1];
  if (page.status !== 200 || idempotencyKey === undefined) throw new Error(`新規契約 form: ${page.status} ${page.location ?? ''} ${page.body.slice(0, 300)}`);
  return { csrf: csrfOf(page.body), idempotencyKey };
}

/** POST the form (again, for a resubmission): what the browser sends when 「契約する」 is pressed or the card page reloaded. */
export function submitContractForm(operator: Pick<SignedInOperator, 'outsider' | 'base'>, form: ContractForm, input: ContractFields): Promise<Answer> {
  return operator.outsider.request(`${operator.base}contracts`, {
    form: {
      csrf: form.csrf,
      idempotencyKey: form.idempotencyKey,
      name: input.name,
      holderName: input.holderName,
      branchCode: input.branchCode ?? '001',
      requestFormNo: input.requestFormNo ?? 'R-2026-0100',
      reason: input.reason ?? 'attack suite: new contract',
    },
  });
}

/** The values an お客様カード page shows in large type: contract ID, then (on the first card only) both passwords. */
export function cardValuesOf(body: string): string[] {
  return [...body.matchAll(/<dd class="customer-card__value">([^<]*)/g)].map((m) => m[1]!);
}

/** 新規契約 through the console's form (branch 001 by default); throws unless the card is shown. */
export async function openContractAtBranch(operator: SignedInOperator, input: ContractFields): Promise<CustomerCard> {
  const answer = await submitContractForm(operator, await newContractForm(operator), input);
  const values = cardValuesOf(answer.body);
  const account = /\(\d{3}\) \S+ (\d{7}) /.exec(answer.body);
  if (answer.status !== 200 || values.length !== 3 || !account) throw new Error(`新規契約 at ${operator.slug}: ${answer.status} ${answer.body.slice(0, 300)}`);
  return { contractId: values[0]!, loginPassword: values[1]!, confirmationPassword: values[2]!, accountNumber: account[1]! };
}
