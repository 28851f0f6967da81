// Rows of `bindings`: which relying party bound which token to which subject, and the replay
// floors. The floors only move up, by one conditional UPDATE each (DESIGN §5): whichever
// request (any process) writes first wins, every other sees 0 rows and is a replay.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { BindingTable } from './authority.tables.js';
import type { TokenRow } from './token-store.js';

export type BindingRow = Selectable<BindingTable>;
type Db = Kysely<Schema>;

/** A live binding of this relying party with its token, in one read (the verify hot path). */
export type BindingWithToken = Pick<BindingRow, 'id' | 'serial' | 'subject' | 'last_step' | 'last_transaction_step'> &
  Pick<
    TokenRow,
    | 'kind'
    | 'algorithm'
    | 'digits'
    | 'period_seconds'
    | 'secret_ciphertext'
    | 'secret_key_id'
    | 'state'
    | 'drift_steps'
    | 'throttle_failures'
    | 'throttle_window_start'
  >;

export async function findLiveBindingWithToken(db: Db, input: { bindingId: string; relyingPartyId: string }): Promise<BindingWithToken | undefined> {
  const row = await db
    .selectFrom('bindings as b')
    .innerJoin('tokens as t', 't.serial', 'b.serial')
    .select([
      'b.id',
      'b.serial',
      'b.subject',
      'b.last_step',
      'b.last_transaction_step',
      't.kind',
      't.algorithm',
      't.digits',
      't.period_seconds',
      't.secret_ciphertext',
      't.secret_key_id',
      't.state',
      't.drift_steps',
      't.throttle_failures',
      't.throttle_window_start',
    ])
    .where('b.id', '=', input.bindingId)
    .where('b.relying_party_id', '=', input.relyingPartyId)
    .where('b.deleted_at', 'is', null)
    .executeTakeFirst();
  // PostgreSQL returns BIGINT as numbers already (database.ts); the floors are BIGINT too.
  return row === undefined ? undefined : { ...row, last_step: Number(row.last_step), last_transaction_step: Number(row.last_transaction_step) };
}

export type ReplayFloor = 'last_step' | 'last_transaction_step';

/**
 * Claims `step` for the binding: `UPDATE … SET floor = step WHERE id = … AND floor < step`,
 * and only while the token is active and not throttled, so neither a guess that raced past
 * the throttle check nor a code checked just before the token was disabled can be accepted.
 * True when this request won.
 */
export async function claimStep(
  db: Db,
  input: { bindingId: string; serial: string; floor: ReplayFloor; step: number; nowMs: number; maxFailures: number; throttleWindowMs: number },
): Promise<boolean> {
  const result = await db
    .updateTable('bindings')
    .set(input.floor === 'last_step' ? { last_step: input.step } : { last_transaction_step: input.step })
    .where('id', '=', input.bindingId)
    .where('deleted_at', 'is', null)
    .where(input.floor, '<', input.step)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('tokens')
          .select(sql.lit(1).as('one'))
          .where('tokens.serial', '=', input.serial)
          .where('tokens.state', '=', 'active')
          .where((eb) =>
            eb.or([eb('tokens.throttle_failures', '<', input.maxFailures), eb('tokens.throttle_window_start', '<=', input.nowMs - input.throttleWindowMs)]),
          ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Creates a binding unless this relying party already has a live one for (subject, serial). */
export async function insertBindingIfAbsent(
  db: Db,
  input: { id: string; relyingPartyId: string; serial: string; subject: string; step: number; nowMs: number },
): Promise<boolean> {
  // No conflict target: the partial unique index (migration 0003) is the one that can conflict.
  const result = await db
    .insertInto('bindings')
    .values({
      id: input.id,
      relying_party_id: input.relyingPartyId,
      serial: input.serial,
      subject: input.subject,
      last_step: input.step,
      created_at: input.nowMs,
      deleted_at: null,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Binding the same token to the same subject again: claim the step on the live binding. */
export async function claimStepOnLiveBinding(
  db: Db,
  input: { relyingPartyId: string; serial: string; subject: string; step: number },
): Promise<string | undefined> {
  const row = await db
    .updateTable('bindings')
    .set({ last_step: input.step })
    .where('relying_party_id', '=', input.relyingPartyId)
    .where('serial', '=', input.serial)
    .where('subject', '=', input.subject)
    .where('deleted_at', 'is', null)
    .where('last_step', '<', input.step)
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function markBindingDeleted(
  db: Db,
  input: { bindingId: string; relyingPartyId: string; nowMs: number },
): Promise<Pick<BindingRow, 'serial' | 'subject'> | undefined> {
  return db
    .updateTable('bindings')
    .set({ deleted_at: input.nowMs })
    .where('id', '=', input.bindingId)
    .where('relying_party_id', '=', input.relyingPartyId)
    .where('deleted_at', 'is', null)
    .returning(['serial', 'subject'])
    .executeTakeFirst();
}

export async function hasLiveBinding(db: Db, input: { relyingPartyId: string; serial: string }): Promise<boolean> {
  const row = await db
    .selectFrom('bindings')
    .select('id')
    .where('relying_party_id', '=', input.relyingPartyId)
    .where('serial', '=', input.serial)
    .where('deleted_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Raises the login floor of every live binding of a token (codes shown to an operator). */
export async function raiseLoginFloors(db: Db, input: { serial: string; step: number }): Promise<void> {
  await db
    .updateTable('bindings')
    .set({ last_step: input.step })
    .where('serial', '=', input.serial)
    .where('deleted_at', 'is', null)
    .where('last_step', '<', input.step)
    .execute();
}
