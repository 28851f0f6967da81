// Transactions whose outcome is a tagged union: a `{ ok: false }` outcome rolls everything
// back (so a refused transfer leaves no trace but its answer), `{ ok: true }` commits.
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../../db/schema.js';

class RolledBack<T> extends Error {
  constructor(readonly outcome: T) {
    super('rolled back');
  }
}

export async function transactOutcome<T extends { ok: boolean }>(
  db: Kysely<Schema>,
  work: (trx: Transaction<Schema>) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction().execute(async (trx) => {
      const outcome = await work(trx);
      if (!outcome.ok) throw new RolledBack(outcome);
      return outcome;
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.outcome as T;
    throw error;
  }
}

/** A unique-constraint violation, on SQLite or PostgreSQL (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** A random identifier: prefix + 128 bits in hex. */
export function newId(randomBytes: (size: number) => Uint8Array, prefix: string): string {
  return `${prefix}_${Buffer.from(randomBytes(16)).toString('hex')}`;
}
