// Each institution's policies (DESIGN §4), stored as JSON and validated by one function, so the
// CLI's `institution set-policy`, the demo data and every reader agree on what is valid.
export type TransactionAuthMode = 'off' | 'account' | 'account_amount';

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
  if (key === 'transactionAuth') return text;
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
