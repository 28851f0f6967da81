// The authority's rules in one place, one line each (DESIGN §4). Institutions share tokens, so
// these are the authority's, not an institution's.
export interface AuthorityPolicy {
  /** Accept the current step ± this many, around the token's learned drift. */
  readonly windowSteps: number;
  /** Drift learned from accepted codes stays within ± this many steps (30 s each). */
  readonly maxLearnedDriftSteps: number;
  /** An operator's resync searches ± this many steps for two consecutive codes. */
  readonly resyncWindowSteps: number;
  /** After this many wrong codes for one token inside the throttle window, refuse until it ends. */
  readonly throttleMaxFailures: number;
  readonly throttleWindowMs: number;
  /** Shown by authenticator apps above the account (otpauth:// issuer). */
  readonly issuer: string;
  /** Provisioning needs no credentials, so each client address may ask this often per window. */
  readonly provisionLimitPerAddress: number;
  readonly provisionWindowMs: number;
  /** How long a process trusts an API key it has checked (a key rotated elsewhere works that much longer). */
  readonly apiKeyCacheMs: number;
}

export const DEFAULT_AUTHORITY_POLICY: AuthorityPolicy = {
  windowSteps: 1,
  maxLearnedDriftSteps: 10,
  resyncWindowSteps: 50,
  throttleMaxFailures: 20,
  throttleWindowMs: 5 * 60_000,
  issuer: 'Mamori',
  provisionLimitPerAddress: 20,
  provisionWindowMs: 15 * 60_000,
  apiKeyCacheMs: 10_000,
};

/** Every token the authority issues: RFC 6238 defaults that every authenticator app supports. */
export const TOKEN_PARAMETERS = { algorithm: 'SHA1', digits: 6, periodSeconds: 30 } as const;
