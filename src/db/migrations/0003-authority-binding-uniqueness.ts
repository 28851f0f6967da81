// One live binding per (relying party, subject, token): binding the same token to the same
// subject again reuses the live binding (and its replay floor) instead of adding a second one
// whose floor would let the same code be accepted twice for one subject. A partial unique
// index, so unbound (deleted) bindings do not count. Frozen once shipped.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('bindings_live_unique')
    .on('bindings')
    .columns(['relying_party_id', 'subject', 'serial'])
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('bindings_live_unique').execute();
}
