// After a master key rotation: re-seal every token secret with the active key, online, in
// batches. Each row is replaced with a compare-and-set on its old ciphertext, so a concurrent
// write to the same row is never overwritten (that row is counted as skipped and left for the
// next run). Verifications go on meanwhile: both the old and the new key open.
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { Keyring } from './keyring.js';
import { listTokensSealedWithOtherKeys, replaceSecretIfUnchanged } from './token-store.js';

export interface ReencryptResult {
  reencrypted: number;
  skipped: number; // changed by someone else meanwhile; run again
}

export async function reencryptTokenSecrets(db: Kysely<Schema>, keyring: Keyring, options: { batchSize?: number } = {}): Promise<ReencryptResult> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new TypeError('batchSize must be a positive integer');
  let reencrypted = 0;
  let skipped = 0;
  let afterSerial = '';
  for (;;) {
    // Keyset pagination: rows skipped in this run are not fetched again by it.
    const rows = await listTokensSealedWithOtherKeys(db, { activeKeyId: keyring.activeKeyId, afterSerial, limit: batchSize });
    if (rows.length === 0) break;
    for (const row of rows) {
      const secret = keyring.open({ keyId: row.secret_key_id, ciphertext: row.secret_ciphertext }, row.serial);
      const sealed = keyring.seal(secret, row.serial);
      secret.fill(0);
      const replaced = await replaceSecretIfUnchanged(db, { serial: row.serial, fromCiphertext: row.secret_ciphertext, toCiphertext: sealed.ciphertext, toKeyId: sealed.keyId });
      if (replaced) reencrypted += 1;
      else skipped += 1;
    }
    afterSerial = rows[rows.length - 1]?.serial ?? afterSerial;
  }
  return { reencrypted, skipped };
}
