// Rows of `relying_parties`: institutions and the SHA-256 of their API keys. A key is 256
// random bits, so a fast hash suffices (no dictionary to guess from) and lookup by hash is an
// index probe on a value the caller cannot steer byte by byte: constant-time in effect.
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';

type Db = Kysely<Schema>;

export async function insertRelyingParty(db: Db, input: { id: string; name: string; apiKeyHash: string; nowMs: number }): Promise<boolean> {
  const result = await db
    .insertInto('relying_parties')
    .values({ id: input.id, name: input.name, api_key_hash: input.apiKeyHash, created_at: input.nowMs })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/**
 * The new key's hash replaces the current one. With `previousExpiresAt`, the current key becomes
 * the previous one and keeps working until then; without, it stops at once. A key older than
 * the current one never survives a rotation.
 */
export async function replaceApiKeyHash(db: Db, input: { id: string; apiKeyHash: string; previousExpiresAt: number | null }): Promise<boolean> {
  const result = await db
    .updateTable('relying_parties')
    .set((eb) =>
      input.previousExpiresAt === null
        ? { api_key_hash: input.apiKeyHash, previous_api_key_hash: null, previous_key_expires_at: null }
        : { api_key_hash: input.apiKeyHash, previous_api_key_hash: eb.ref('api_key_hash'), previous_key_expires_at: input.previousExpiresAt },
    )
    .where('id', '=', input.id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The relying party whose current key, or whose previous key still inside its overlap, this is. */
export async function findRelyingPartyIdByKeyHash(db: Db, apiKeyHash: string, nowMs: number): Promise<{ id: string; expiresAtMs: number | null } | undefined> {
  const current = await db.selectFrom('relying_parties').select('id').where('api_key_hash', '=', apiKeyHash).executeTakeFirst();
  if (current !== undefined) return { id: current.id, expiresAtMs: null };
  const previous = await db
    .selectFrom('relying_parties')
    .select(['id', 'previous_key_expires_at'])
    .where('previous_api_key_hash', '=', apiKeyHash)
    .where('previous_key_expires_at', '>', nowMs)
    .executeTakeFirst();
  return previous === undefined ? undefined : { id: previous.id, expiresAtMs: Number(previous.previous_key_expires_at) };
}

export async function findRelyingParty(db: Db, id: string): Promise<{ id: string; name: string } | undefined> {
  return db.selectFrom('relying_parties').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}
