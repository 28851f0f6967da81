// What the bad-input attack files (bad-input-*.test.ts) share: a log of every answer so that a
// test can assert that none was a 5xx, the checks that an answer smuggled no header and
// reflected no markup, the messages a page shows for a field, and a snapshot of everything
// malformed input must leave as it was, read back from the bank's database.
import assert from 'node:assert/strict';
import { after, afterEach, before } from 'node:test';
import type { Answer, Outsider, RequestOptions } from './outsider.js';
import { startTarget, type Target, type TargetOptions } from './target.js';

/** Every answer a test received, to assert at the end that the server never failed (5xx). */
export class AnswerLog {
  private readonly answers: { label: string; status: number }[] = [];

  record(label: string, answer: Answer): Answer {
    this.answers.push({ label, status: answer.status });
    return answer;
  }

  /** Sends, records, and checks the answer for smuggled headers and reflected markup. */
  async send(outsider: Outsider, path: string, options: RequestOptions, label: string): Promise<Answer> {
    const answer = this.record(label, await outsider.request(path, options));
    assertNothingSmuggled(answer, label);
    return answer;
  }

  get count(): number {
    return this.answers.length;
  }

  assertNoServerError(): void {
    assert.ok(this.answers.length > 0, 'the test sent nothing');
    assert.deepEqual(this.answers.filter((a) => a.status >= 500), [], 'no answer to bad input may be a 5xx');
  }
}

/** The cookies Mamori sets; anything else in a Set-Cookie came from the input. */
const OUR_COOKIES = new Set(['mamori_pre', 'mamori_session', 'mamori_lang', 'mamori_device', 'mamori_branch_pre', 'mamori_branch']);

/** Markup the attack files send; none may come back as markup. */
export const SCRIPT_PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>"] as const;

/**
 * No header injection (no cookie, Location or header named by the input), no redirect off the
 * site, and no payload of SCRIPT_PAYLOADS echoed unescaped.
 */
export function assertNothingSmuggled(answer: Answer, label: string): void {
  for (const cookie of answer.setCookies) {
    const name = cookie.split('=')[0]!.trim();
    assert.ok(OUR_COOKIES.has(name), `${label}: a cookie Mamori never sets: ${name}`);
  }
  if (answer.location !== null) assert.match(answer.location, /^\/(ib|branch)\/[a-z0-9-]+\/[\w/.?=-]*$/, `${label}: a redirect off the site's own paths`);
  for (const [name, value] of answer.headers) {
    assert.doesNotMatch(`${name}: ${value}`, /evil\.example|^x:|^set-cookie: x=/i, `${label}: header ${name} carries the input`);
  }
  for (const payload of SCRIPT_PAYLOADS) assert.ok(!answer.body.includes(payload), `${label}: ${payload} came back unescaped`);
  // An element the input made (an escaped echo such as `&lt;svg onload=…` is text, not markup).
  assert.doesNotMatch(answer.body, /<script>alert|<img[^>]*onerror=|<svg[^>]*onload=/i, `${label}: markup came back unescaped`);
}

/** The message a page shows under one field (`<span class="field-error" id="f-<name>-error">`). */
export function fieldError(body: string, name: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<span class="field-error" id="f-${escaped}-error">([^<]*)</span>`).exec(body)?.[1];
}

/** The page's alert box as plain text (role="alert"), for a message without a field. */
export function alertText(body: string): string {
  const box = /role="alert">([\s\S]*?)<\/div>/.exec(body)?.[1] ?? '';
  return box.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The coded JSON error of the app and the authority (src/web/errors.ts, authority-errors.ts). */
export function jsonError(answer: Answer): { error?: string; message?: string; field?: string } {
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/, `a JSON error body, got ${answer.status} ${answer.body.slice(0, 120)}`);
  return JSON.parse(answer.body) as { error?: string; message?: string; field?: string };
}

// --- what must not change --------------------------------------------------------------------

/**
 * Columns that move without any write of state: when a session or operator session was last
 * seen (every request of a live session touches it), and how the outbox worker is getting on
 * with a notification of an earlier, legitimate step.
 */
const VOLATILE: Record<string, readonly string[]> = {
  sessions: ['last_seen_at'],
  operator_sessions: ['last_seen_at'],
  notification_outbox: ['status', 'attempts', 'next_attempt_at', 'claim_token', 'claimed_until', 'last_error', 'transport', 'sent_at'],
};

/**
 * Every table of the schema except `rate_limits` (the provisioning windows of the authority's
 * public endpoint move with every token a test provisions, which is no bad input's doing).
 */
const TABLES = [
  'institutions',
  'customers',
  'sessions',
  'relying_parties',
  'tokens',
  'bindings',
  'audit_heads',
  'audit_log',
  'branches',
  'accounts',
  'journal_entries',
  'postings',
  'transfers',
  'reference_counters',
  'registered_payees',
  'transfer_limits',
  'daily_usage',
  'operators',
  'operator_sessions',
  'branch_proposals',
  'password_change_requirements',
  'session_end_notices',
  'contract_openings',
  'notification_outbox',
  'sign_in_devices',
  'sign_in_reports',
] as const;

export type Snapshot = Record<string, string[]>;

/**
 * The whole state, table by table, as sorted JSON rows. Read through the bank's own view of the
 * database (`target.bankDatabase()`): an outsider cannot see it, and the point of the attack
 * files is that malformed input leaves every row exactly as it was.
 */
export async function snapshot(target: Target): Promise<Snapshot> {
  const { db } = target.bankDatabase();
  const state: Snapshot = {};
  for (const table of TABLES) {
    const rows = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    const volatile = VOLATILE[table] ?? [];
    state[table] = rows
      .map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).filter(([column]) => !volatile.includes(column))), (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)))
      .sort();
  }
  return state;
}

/** Asserts that nothing changed between two snapshots, naming the tables and rows that did. */
export function assertUnchanged(before: Snapshot, after: Snapshot, label: string): void {
  const changes: string[] = [];
  for (const table of Object.keys(before)) {
    const was = new Set(before[table]);
    const now = new Set(after[table]);
    const gone = before[table]!.filter((row) => !now.has(row));
    const added = after[table]!.filter((row) => !was.has(row));
    if (gone.length > 0 || added.length > 0) changes.push(`${table}: -${gone.length} +${added.length} ${[...gone.map((r) => `- ${r}`), ...added.map((r) => `+ ${r}`)].join('\n').slice(0, 800)}`);
  }
  assert.deepEqual(changes, [], `${label}: bad input changed the database`);
}

/** The fail counters and token of one contract, read back the same way as `snapshot`. */
export async function customerRow(target: Target, slug: string, contractId: string) {
  return target
    .bankDatabase()
    .db.selectFrom('customers')
    .select(['status', 'otp_failures', 'password_failures', 'token_binding_id', 'token_serial'])
    .where('institution', '=', slug)
    .where('contract_id', '=', contractId)
    .executeTakeFirstOrThrow();
}

/** A customer account's balance in yen (branch 001), read back the same way as `snapshot`. */
export async function balanceOf(target: Target, slug: string, accountNumber: string): Promise<number> {
  const row = await target
    .bankDatabase()
    .db.selectFrom('accounts')
    .select('balance')
    .where('institution', '=', slug)
    .where('branch_code', '=', '001')
    .where('account_number', '=', accountNumber)
    .executeTakeFirstOrThrow();
  return Number(row.balance);
}

/** The bank's own checks (ledger, audit chain) after a group of attacks. */
export async function assertBooksIntact(target: Target): Promise<void> {
  const checked = await target.check();
  assert.ok(checked.ok, checked.report);
}

/** A target under attack and the log of its answers. */
export interface AttackedSite {
  readonly target: Target;
  readonly log: AnswerLog;
}

/**
 * For the describe block it is called in: a target started before the tests, stopped after
 * them, and after each test the bank's own checks pass and no answer so far was a 5xx.
 */
export function attackedSite(options: TargetOptions): AttackedSite {
  let started: AttackedSite | undefined;
  const site = (): AttackedSite => {
    if (started === undefined) throw new Error('the target is not started yet (use the site inside tests)');
    return started;
  };
  before(async () => {
    started = { target: await startTarget(options), log: new AnswerLog() };
  });
  after(async () => {
    await started?.target.stop();
  });
  afterEach(async () => {
    await assertBooksIntact(site().target);
    site().log.assertNoServerError();
  });
  return {
    get target() {
      return site().target;
    },
    get log() {
      return site().log;
    },
  };
}

// --- digits of other scripts, as customers' keyboards type them ------------------------------

export const fullWidth = (text: string): string => text.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
export const arabicIndic = (text: string): string => text.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));
