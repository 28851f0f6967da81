// The token authority (DESIGN §2): one object per process over the shared database. Relying
// parties reach it through `clientFor(id)` in-process, or through the HTTP API (http/).
import type { Database } from '../db/database.js';
import { hitRateLimit, type RateLimitResult } from '../db/rate-limit.js';
import type { Clock, RandomBytes } from '../shared/clock.js';
import type { TokenState } from './authority.tables.js';
import type { AuthorityClient } from './authority-client.js';
import type { AuthorityContext } from './authority-context.js';
import { DEFAULT_AUTHORITY_POLICY, type AuthorityPolicy } from './authority-policy.js';
import { createInProcessAuthorityClient } from './in-process-client.js';
import type { Keyring } from './keyring.js';
import { provisionToken, type ProvisionInput, type ProvisionResult } from './provision.js';
import { reencryptTokenSecrets, type ReencryptResult } from './reencrypt.js';
import { authenticateRelyingParty, createApiKeyCache, ensureRelyingParty, registerRelyingParty, rotateRelyingPartyKey } from './relying-parties.js';
import { setTokenState, type SetTokenStateResult } from './token-state.js';

export interface Authority {
  readonly policy: AuthorityPolicy;
  provisionToken(input: ProvisionInput): Promise<ProvisionResult>;
  registerRelyingParty(input: { id: string; name: string; actor?: string }): Promise<{ apiKey: string }>;
  ensureRelyingParty(input: { id: string; name: string; actor?: string }): Promise<{ created: boolean }>;
  rotateRelyingPartyKey(id: string, options?: { actor?: string; overlapMs?: number }): Promise<{ apiKey: string }>;
  authenticateRelyingParty(apiKey: string): Promise<string | undefined>;
  clientFor(relyingPartyId: string): AuthorityClient;
  setTokenState(serial: string, state: TokenState, options?: { actor?: string }): Promise<SetTokenStateResult>;
  reencryptTokenSecrets(options?: { batchSize?: number }): Promise<ReencryptResult>;
  /** Counts one provisioning request from `clientAddress` (shared by every process). */
  allowProvisioning(clientAddress: string): Promise<RateLimitResult>;
}

export interface CreateAuthorityInput {
  database: Database;
  keyring: Keyring;
  clock: Clock;
  randomBytes: RandomBytes;
  policy?: Partial<AuthorityPolicy>;
}

export function createAuthority(input: CreateAuthorityInput): Authority {
  const policy: AuthorityPolicy = { ...DEFAULT_AUTHORITY_POLICY, ...input.policy };
  assertPolicy(policy);
  const ctx: AuthorityContext = { database: input.database, keyring: input.keyring, clock: input.clock, randomBytes: input.randomBytes, policy };
  const apiKeys = createApiKeyCache({ ttlMs: policy.apiKeyCacheMs, maxEntries: 1000 });
  return {
    policy,
    provisionToken: (request) => provisionToken(ctx, request),
    registerRelyingParty: (request) => registerRelyingParty(ctx, request),
    ensureRelyingParty: (request) => ensureRelyingParty(ctx, request),
    rotateRelyingPartyKey: async (id, options) => {
      const rotated = await rotateRelyingPartyKey(ctx, id, options);
      apiKeys.clear();
      return rotated;
    },
    authenticateRelyingParty: (apiKey) => authenticateRelyingParty(ctx, apiKey, apiKeys),
    clientFor: (relyingPartyId) => createInProcessAuthorityClient(ctx, relyingPartyId),
    setTokenState: (serial, state, options) => setTokenState(ctx, serial, state, options),
    reencryptTokenSecrets: (options) => reencryptTokenSecrets(input.database.db, input.keyring, options),
    allowProvisioning: (clientAddress) =>
      hitRateLimit(input.database.db, {
        key: `authority:provision:${clientAddress}`,
        limit: policy.provisionLimitPerAddress,
        windowMs: policy.provisionWindowMs,
        nowMs: input.clock.nowMs(),
      }),
  };
}

function assertPolicy(policy: AuthorityPolicy): void {
  const whole = (value: number, min: number, max: number) => Number.isSafeInteger(value) && value >= min && value <= max;
  if (!whole(policy.windowSteps, 0, 10)) throw new TypeError('windowSteps must be 0 to 10');
  if (!whole(policy.maxLearnedDriftSteps, 0, 100)) throw new TypeError('maxLearnedDriftSteps must be 0 to 100');
  if (!whole(policy.resyncWindowSteps, 1, 1000)) throw new TypeError('resyncWindowSteps must be 1 to 1000');
  if (!whole(policy.throttleMaxFailures, 1, 1_000_000)) throw new TypeError('throttleMaxFailures must be a positive integer');
  if (!whole(policy.throttleWindowMs, 1, 24 * 3_600_000)) throw new TypeError('throttleWindowMs must be 1 ms to 24 h');
  if (!whole(policy.apiKeyCacheMs, 0, 300_000)) throw new TypeError('apiKeyCacheMs must be 0 to 300000');
  if (!whole(policy.provisionLimitPerAddress, 1, 1_000_000)) throw new TypeError('provisionLimitPerAddress must be a positive integer');
  if (!whole(policy.provisionWindowMs, 1, 24 * 3_600_000)) throw new TypeError('provisionWindowMs must be 1 ms to 24 h');
  if (typeof policy.issuer !== 'string' || policy.issuer.length === 0 || policy.issuer.includes(':')) throw new TypeError('issuer must be a non-empty string without ":"');
}
