// Each institution's policies (DESIGN §4), stored as JSON and validated by one function, so the
// CLI's `institution set-policy`, the demo data and every reader agree on what is valid.
export type TransactionAuthMode = 'off' | 'account' | 'account_amount';

/** Which completed sign-ins are mailed to the customer (ログイン通知): every one, those from a browser not seen before, none. */
export type SignInNoticeMode = 'all' | 'new_environment' | 'off';
export const SIGN_IN_NOTICE_MODES: readonly SignInNoticeMode[] = ['all', 'new_environment', 'off'];

export interface InstitutionPolicy {
  /** Consecutive wrong one-time passwords, on any path, that lock internet banking. */
  otpLockThreshold: number;
  /** The wrong code that warns 「あと1回誤るとロックされます」. */
  otpWarnAt: number;
  /** Consecutive wrong passwords (login or confirmation) that lock the contract. */
  passwordLockThreshold: number;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** Japan calendar date from which the desktop token kind can no longer be registered. */
  desktopRegistrationClosedFrom: string | null;
  /** After an operator reissue, registration reopens after this many minutes. */
  reissueWaitMinutes: number;
  dailyLimitDefaultYen: number;
  /** The highest daily limit without a registered token. */
  dailyLimitWithoutTokenYen: number;
  /** Days after deregistration when a higher limit falls back to dailyLimitWithoutTokenYen. */
  limitFallbackAfterDays: number;
  transactionAuth: TransactionAuthMode;
  /**
   * Credential stuffing: password attempts that fail, per client address per window, across
   * every contract of the institution (the bank site's password steps; the console's operator
   * sign-in has a count of its own with the same numbers). Taken before the password is checked
   * and given back when it was right, so customers behind one carrier NAT are not limited by
   * each other's successful sign-ins, and a burst can never have more checked than this.
   */
  signInFailuresPerAddress: number;
  signInAddressWindowMinutes: number;
  /** ログイン通知 (issue 14 §2): mail every completed sign-in, only one from a new environment (device cookie), or none. */
  signInNotice: SignInNoticeMode;
  /**
   * Limits shaped in time (issue 14 §5), each in the Japan calendar day. A raise of the daily
   * limit by the customer waits until 0:00 JST of the next day (a lowering is at once).
   */
  limitRaiseNextDay: boolean;
  /**
   * For this many Japan calendar days from the day a contract is opened, and from each 利用開始
   * and 利用登録/交換 of a token, the day's transfers together are capped at
   * newContractOrTokenCapYen (0 days: no such cap). The branch may lift it for a contract.
   */
  newContractOrTokenCapDays: number;
  newContractOrTokenCapYen: number;
  /**
   * A payee registered today, or an account entered by hand that the contract has never paid on
   * an earlier day, may receive at most this much today, all such payees together (null: no cap).
   */
  newPayeeCapYen: number | null;
}

export const DEFAULT_POLICY: Readonly<InstitutionPolicy> = Object.freeze({
  otpLockThreshold: 5,
  otpWarnAt: 4,
  passwordLockThreshold: 5,
  sessionIdleMinutes: 5,
  sessionAbsoluteHours: 12,
  desktopRegistrationClosedFrom: null,
  reissueWaitMinutes: 30,
  dailyLimitDefaultYen: 500_000,
  dailyLimitWithoutTokenYen: 500_000,
  limitFallbackAfterDays: 30,
  transactionAuth: 'off',
  signInFailuresPerAddress: 20,
  signInAddressWindowMinutes: 15,
  signInNotice: 'new_environment',
  limitRaiseNextDay: true,
  newContractOrTokenCapDays: 7,
  newContractOrTokenCapYen: 100_000,
  newPayeeCapYen: 100_000,
});

export const POLICY_KEYS = Object.keys(DEFAULT_POLICY) as (keyof InstitutionPolicy)[];

export type PolicyResult = { ok: true; policy: InstitutionPolicy } | { ok: false; errors: string[] };

const WHOLE_NUMBER_RANGES: Partial<Record<keyof InstitutionPolicy, [number, number]>> = {
  otpLockThreshold: [1, 100],
  otpWarnAt: [0, 100],
  passwordLockThreshold: [1, 100],
  sessionIdleMinutes: [1, 24 * 60],
  sessionAbsoluteHours: [1, 7 * 24],
  reissueWaitMinutes: [0, 7 * 24 * 60],
  dailyLimitDefaultYen: [0, 1_000_000_000_000],
  dailyLimitWithoutTokenYen: [0, 1_000_000_000_000],
  limitFallbackAfterDays: [0, 3650],
  signInFailuresPerAddress: [1, 100_000],
  signInAddressWindowMinutes: [1, 24 * 60],
  newContractOrTokenCapDays: [0, 366],
  newContractOrTokenCapYen: [0, 1_000_000_000_000],
};

/** The one validator: unknown keys, wrong types and out-of-range values are all errors. */
export function validateInstitutionPolicy(input: unknown): PolicyResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, errors: ['policy must be an object'] };
  const record = input as Record<string, unknown>;
  const errors: string[] = [];
  for (const key of Object.keys(record)) {
    if (!(POLICY_KEYS as string[]).includes(key)) errors.push(`unknown policy key "${key}" (known: ${POLICY_KEYS.join(', ')})`);
  }
  const policy = { ...DEFAULT_POLICY, ...record } as InstitutionPolicy;
  for (const [key, [min, max]] of Object.entries(WHOLE_NUMBER_RANGES) as [keyof InstitutionPolicy, [number, number]][]) {
    const value = policy[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      errors.push(`${key} must be a whole number from ${min} to ${max}`);
    }
  }
  if (policy.otpWarnAt >= policy.otpLockThreshold) errors.push('otpWarnAt must be below otpLockThreshold (0 turns the warning off)');
  const closed = policy.desktopRegistrationClosedFrom;
  if (closed !== null && !(typeof closed === 'string' && isCalendarDate(closed))) {
    errors.push('desktopRegistrationClosedFrom must be a date YYYY-MM-DD or null');
  }
  if (!['off', 'account', 'account_amount'].includes(policy.transactionAuth)) {
    errors.push('transactionAuth must be off, account or account_amount');
  }
  if (!SIGN_IN_NOTICE_MODES.includes(policy.signInNotice)) errors.push('signInNotice must be all, new_environment or off');
  if (typeof policy.limitRaiseNextDay !== 'boolean') errors.push('limitRaiseNextDay must be true or false');
  const payeeCap = policy.newPayeeCapYen;
  if (payeeCap !== null && !(typeof payeeCap === 'number' && Number.isSafeInteger(payeeCap) && payeeCap >= 0 && payeeCap <= 1_000_000_000_000)) {
    errors.push('newPayeeCapYen must be a whole number from 0 to 1000000000000, or null (no cap)');
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, policy };
}

/** Reads a stored policy; a row that no longer validates is a bug, so it throws. */
export function parseStoredPolicy(json: string): InstitutionPolicy {
  const result = validateInstitutionPolicy(JSON.parse(json));
  if (!result.ok) throw new Error(`stored institution policy is invalid: ${result.errors.join('; ')}`);
  return result.policy;
}

/** A command-line value ("5", "none", "2018-04-01", "account") as the key's JSON type. */
export function parsePolicyValue(key: keyof InstitutionPolicy, text: string): unknown {
  if (key === 'desktopRegistrationClosedFrom') return /^(none|null|)$/i.test(text) ? null : text;
  if (key === 'transactionAuth' || key === 'signInNotice') return text;
  if (key === 'limitRaiseNextDay') return /^(true|on|yes)$/i.test(text) ? true : /^(false|off|no)$/i.test(text) ? false : text;
  if (key === 'newPayeeCapYen' && /^(none|null|off)$/i.test(text)) return null;
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** Whether a kind of token may be registered at `nowMs` (the date is a Japan calendar day). */
export function isDesktopRegistrationClosed(policy: InstitutionPolicy, nowMs: number): boolean {
  if (policy.desktopRegistrationClosedFrom === null) return false;
  return japanDate(nowMs) >= policy.desktopRegistrationClosedFrom;
}

/** YYYY-MM-DD of the Japan calendar day (UTC+9, no daylight saving). */
export function japanDate(nowMs: number): string {
  return new Date(nowMs + 9 * 3600_000).toISOString().slice(0, 10);
}

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
