// Zero-downtime rotation of an institution's API key: the previous key's hash and the moment it
// stops working, so that bank processes can move to the new key one at a time. Frozen once shipped.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('relying_parties').addColumn('previous_api_key_hash', 'text').execute();
  await db.schema.alterTable('relying_parties').addColumn('previous_key_expires_at', 'bigint').execute();
  await db.schema.createIndex('relying_parties_previous_key').on('relying_parties').column('previous_api_key_hash').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('relying_parties_previous_key').execute();
  await db.schema.alterTable('relying_parties').dropColumn('previous_key_expires_at').execute();
  await db.schema.alterTable('relying_parties').dropColumn('previous_api_key_hash').execute();
}
