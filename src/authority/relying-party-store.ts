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

export async function replaceApiKeyHash(db: Db, input: { id: string; apiKeyHash: string }): Promise<boolean> {
  const result = await db.updateTable('relying_parties').set({ api_key_hash: input.apiKeyHash }).where('id', '=', input.id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findRelyingPartyIdByKeyHash(db: Db, apiKeyHash: string): Promise<string | undefined> {
  const row = await db.selectFrom('relying_parties').select('id').where('api_key_hash', '=', apiKeyHash).executeTakeFirst();
  return row?.id;
}

export async function findRelyingParty(db: Db, id: string): Promise<{ id: string; name: string } | undefined> {
  return db.selectFrom('relying_parties').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}
