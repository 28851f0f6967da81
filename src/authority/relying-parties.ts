// Relying parties (institutions) and their API keys. A key is shown once, when made; the
// authority keeps only its SHA-256 (see relying-party-store.ts for why a fast hash suffices).
import { createHash } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.js';
import { AUTHORITY_AUDIT_CHAIN, type AuthorityContext } from './authority-context.js';
import { findRelyingParty, findRelyingPartyIdByKeyHash, insertRelyingParty, replaceApiKeyHash } from './relying-party-store.js';

export const API_KEY_PREFIX = 'mamori_rp_';
const API_KEY_PATTERN = /^mamori_rp_[A-Za-z0-9_-]{43}$/;
const RELYING_PARTY_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export class RelyingPartyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RelyingPartyError';
  }
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

function newApiKey(ctx: AuthorityContext): string {
  return API_KEY_PREFIX + Buffer.from(ctx.randomBytes(32)).toString('base64url');
}

/** Registers an institution; throws RelyingPartyError when the id is taken or not a slug. */
export async function registerRelyingParty(ctx: AuthorityContext, input: { id: string; name: string; actor?: string }): Promise<{ apiKey: string }> {
  if (typeof input.id !== 'string' || !RELYING_PARTY_ID_PATTERN.test(input.id)) throw new RelyingPartyError('relying party id must be a slug: a-z, 0-9 and -, at most 40');
  if (typeof input.name !== 'string' || input.name.length === 0 || input.name.length > 200) throw new RelyingPartyError('relying party name must be 1 to 200 characters');
  const apiKey = newApiKey(ctx);
  const nowMs = ctx.clock.nowMs();
  const created = await ctx.database.db.transaction().execute(async (trx) => {
    if (!(await insertRelyingParty(trx, { id: input.id, name: input.name, apiKeyHash: hashApiKey(apiKey), nowMs }))) return false;
    await appendAudit(trx, { chain: AUTHORITY_AUDIT_CHAIN, at: nowMs, actor: input.actor ?? 'system', action: 'relying_party_registered', subject: input.id, details: { name: input.name } });
    return true;
  });
  if (!created) throw new RelyingPartyError(`relying party "${input.id}" is already registered (rotate its key instead)`);
  return { apiKey };
}

/**
 * For a single process that calls the authority in-process and needs no API key (e.g. the
 * demo data on first start): registers the relying party unless it exists.
 */
export async function ensureRelyingParty(ctx: AuthorityContext, input: { id: string; name: string; actor?: string }): Promise<{ created: boolean }> {
  if ((await findRelyingParty(ctx.database.db, input.id)) !== undefined) return { created: false };
  try {
    await registerRelyingParty(ctx, input);
    return { created: true };
  } catch (error) {
    // Another process registered it in between: that is what we wanted.
    if (error instanceof RelyingPartyError && (await findRelyingParty(ctx.database.db, input.id)) !== undefined) return { created: false };
    throw error;
  }
}

/** The longest a previous key may keep working after a rotation. */
export const MAX_KEY_OVERLAP_MS = 7 * 24 * 3600_000;

/**
 * A new key for the relying party; throws RelyingPartyError for an unknown id. The previous key
 * stops at once (a leaked key), or — with `overlapMs` — keeps working that long, so that the
 * bank processes can be given the new key and restarted one at a time (zero downtime). Only one
 * previous key is kept: rotating again ends the older one's overlap.
 */
export async function rotateRelyingPartyKey(ctx: AuthorityContext, id: string, options: { actor?: string; overlapMs?: number } = {}): Promise<{ apiKey: string }> {
  const overlapMs = options.overlapMs ?? 0;
  if (!Number.isSafeInteger(overlapMs) || overlapMs < 0 || overlapMs > MAX_KEY_OVERLAP_MS) throw new RelyingPartyError('the overlap of the previous key must be 0 to 7 days');
  const apiKey = newApiKey(ctx);
  const nowMs = ctx.clock.nowMs();
  const rotated = await ctx.database.db.transaction().execute(async (trx) => {
    if (!(await replaceApiKeyHash(trx, { id, apiKeyHash: hashApiKey(apiKey), previousExpiresAt: overlapMs > 0 ? nowMs + overlapMs : null }))) return false;
    await appendAudit(trx, {
      chain: AUTHORITY_AUDIT_CHAIN,
      at: nowMs,
      actor: options.actor ?? 'system',
      action: 'relying_party_key_rotated',
      subject: id,
      ...(overlapMs > 0 ? { details: { previousKeyWorksUntil: new Date(nowMs + overlapMs).toISOString() } } : {}),
    });
    return true;
  });
  if (!rotated) throw new RelyingPartyError(`no relying party "${id}"`);
  return { apiKey };
}

/**
 * Recently authenticated keys, so that a verification over HTTP costs no extra query (the
 * verify hot path, DESIGN §6). Only successes are kept, for `ttlMs`: a key rotated by another
 * process keeps working here for at most that long; rotation in this process clears it at once.
 * A cache of database state, not state of its own: every process may drop it at any time.
 */
export interface ApiKeyCache {
  get(keyHash: string, nowMs: number): string | undefined;
  /** `expiresAtMs`: the key itself stops then (a previous key in its overlap); never cached past it. */
  set(keyHash: string, relyingPartyId: string, nowMs: number, expiresAtMs?: number | null): void;
  clear(): void;
}

export function createApiKeyCache(options: { ttlMs: number; maxEntries: number }): ApiKeyCache {
  const entries = new Map<string, { relyingPartyId: string; expiresAtMs: number }>();
  return {
    get(keyHash, nowMs) {
      const entry = entries.get(keyHash);
      if (entry === undefined) return undefined;
      if (entry.expiresAtMs <= nowMs || entry.expiresAtMs - nowMs > options.ttlMs) {
        entries.delete(keyHash); // expired, or the clock went back: ask the database again
        return undefined;
      }
      return entry.relyingPartyId;
    },
    set(keyHash, relyingPartyId, nowMs, expiresAtMs) {
      if (entries.size >= options.maxEntries) entries.clear();
      entries.set(keyHash, { relyingPartyId, expiresAtMs: Math.min(nowMs + options.ttlMs, expiresAtMs ?? Infinity) });
    },
    clear: () => entries.clear(),
  };
}

/** The relying party an API key belongs to, or undefined. */
export async function authenticateRelyingParty(ctx: AuthorityContext, apiKey: string, cache?: ApiKeyCache): Promise<string | undefined> {
  if (typeof apiKey !== 'string' || !API_KEY_PATTERN.test(apiKey)) return undefined;
  const keyHash = hashApiKey(apiKey);
  const nowMs = ctx.clock.nowMs();
  const cached = cache?.get(keyHash, nowMs);
  if (cached !== undefined) return cached;
  const found = await findRelyingPartyIdByKeyHash(ctx.database.db, keyHash, nowMs);
  if (found !== undefined) cache?.set(keyHash, found.id, nowMs, found.expiresAtMs);
  return found?.id;
}
