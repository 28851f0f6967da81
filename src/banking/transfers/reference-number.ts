// 受付番号: what the customer quotes when they call the bank about a transfer. Human-readable
// and unique per institution: the Japan calendar date and that day's sequence number,
// e.g. 20261121-000042. The counter row is bumped with UPDATE … RETURNING inside the
// transfer's transaction, so numbers are never handed out twice and a rolled-back transfer
// gives its number back.
import type { Transaction } from 'kysely';
import type { Schema } from '../../db/schema.js';

export async function takeReferenceNo(trx: Transaction<Schema>, input: { institution: string; businessDay: string }): Promise<string> {
  await trx
    .insertInto('reference_counters')
    .values({ institution: input.institution, business_day: input.businessDay, last_value: 0 })
    .onConflict((oc) => oc.columns(['institution', 'business_day']).doNothing())
    .execute();
  const row = await trx
    .updateTable('reference_counters')
    .set((eb) => ({ last_value: eb('last_value', '+', 1) }))
    .where('institution', '=', input.institution)
    .where('business_day', '=', input.businessDay)
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return formatReferenceNo(input.businessDay, Number(row.last_value));
}

export function formatReferenceNo(businessDay: string, sequence: number): string {
  return `${businessDay.replaceAll('-', '')}-${String(sequence).padStart(6, '0')}`;
}
