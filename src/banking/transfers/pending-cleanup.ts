// Pending transfers that were never confirmed hold no money and no limit; they only need to
// go once nobody can confirm them any more. Kept a day past expiry, so a late double submit
// still finds its transfer and gets "expired" rather than "not found".
import type { Kysely } from 'kysely';
import type { Schema } from '../../db/schema.js';

export const PENDING_RETENTION_MS = 24 * 3600_000;

export async function deleteStalePendingTransfers(db: Kysely<Schema>, deps: { nowMs: number }): Promise<{ deleted: number }> {
  const result = await db
    .deleteFrom('transfers')
    .where('status', '=', 'pending')
    .where('expires_at', '<', deps.nowMs - PENDING_RETENTION_MS)
    .executeTakeFirst();
  return { deleted: Number(result.numDeletedRows) };
}
