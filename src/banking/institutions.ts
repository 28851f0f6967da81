// Institutions (当金庫): name, branding, how the confirmation password is asked, policies.
import type { Kysely, Selectable } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { Schema } from '../db/schema.js';
import type { ConfirmationMode, InstitutionTable } from './banking.tables.js';
import {
  parsePolicyValue,
  parseStoredPolicy,
  POLICY_KEYS,
  validateInstitutionPolicy,
  type InstitutionPolicy,
} from './institution-policy.js';

export interface Institution {
  slug: string;
  name: string;
  nameEn: string;
  bankCode: string;
  primaryColour: string;
  support: { name: string; nameEn: string; phone: string; hours: string; hoursEn: string };
  confirmation: { mode: ConfirmationMode; positions: number; name: string; nameEn: string };
  policy: InstitutionPolicy;
}

export interface NewInstitution extends Omit<Institution, 'policy'> {
  policy?: Partial<InstitutionPolicy>;
}

export const SLUG_PATTERN = /^[a-z][a-z0-9-]{1,30}$/;

export function institutionFromRow(row: Selectable<InstitutionTable>): Institution {
  return {
    slug: row.slug,
    name: row.name,
    nameEn: row.name_en,
    bankCode: row.bank_code,
    primaryColour: row.primary_colour,
    support: {
      name: row.support_name,
      nameEn: row.support_name_en || row.support_name,
      phone: row.support_phone,
      hours: row.support_hours,
      hoursEn: row.support_hours_en || row.support_hours,
    },
    confirmation: {
      mode: row.confirmation_mode,
      positions: row.confirmation_positions,
      name: row.confirmation_name,
      nameEn: row.confirmation_name_en,
    },
    policy: parseStoredPolicy(row.policy),
  };
}

export async function findInstitution(db: Kysely<Schema>, slug: string): Promise<Institution | undefined> {
  if (!SLUG_PATTERN.test(slug)) return undefined;
  const row = await db.selectFrom('institutions').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row ? institutionFromRow(row) : undefined;
}

export async function listInstitutions(db: Kysely<Schema>): Promise<Institution[]> {
  const rows = await db.selectFrom('institutions').selectAll().orderBy('slug').execute();
  return rows.map(institutionFromRow);
}

/** Inserts an institution; misuse (bad slug, code, colour or policy) throws a TypeError. */
export async function createInstitution(db: Kysely<Schema>, input: NewInstitution, nowMs: number): Promise<Institution> {
  if (!SLUG_PATTERN.test(input.slug)) throw new TypeError(`invalid institution slug "${input.slug}"`);
  if (!/^\d{4}$/.test(input.bankCode)) throw new TypeError('bank code must be 4 digits');
  if (!/^#[0-9a-f]{6}$/i.test(input.primaryColour)) throw new TypeError('primary colour must be #rrggbb');
  if (input.confirmation.mode === 'positions' && (input.confirmation.positions < 1 || input.confirmation.positions > 5)) {
    throw new TypeError('confirmation positions must be 1 to 5');
  }
  const policy = validateInstitutionPolicy(input.policy ?? {});
  if (!policy.ok) throw new TypeError(policy.errors.join('; '));
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('institutions')
      .values({
        slug: input.slug,
        name: input.name,
        name_en: input.nameEn,
        bank_code: input.bankCode,
        primary_colour: input.primaryColour.toLowerCase(),
        support_name: input.support.name,
        support_name_en: input.support.nameEn,
        support_phone: input.support.phone,
        support_hours: input.support.hours,
        support_hours_en: input.support.hoursEn,
        confirmation_mode: input.confirmation.mode,
        confirmation_positions: input.confirmation.positions,
        confirmation_name: input.confirmation.name,
        confirmation_name_en: input.confirmation.nameEn,
        policy: JSON.stringify(policy.policy),
        created_at: nowMs,
      })
      .execute();
    await appendAudit(trx, { chain: input.slug, at: nowMs, actor: 'system', action: 'institution_created', subject: input.slug });
  });
  return { ...input, policy: policy.policy };
}

export type SetPolicyResult =
  | { ok: true; policy: InstitutionPolicy }
  | { ok: false; reason: 'unknown_institution' } 
  | { ok: false; reason: 'invalid'; errors: string[] };

/** Extra keys besides the policy JSON that `institution set-policy` may change. */
export const INSTITUTION_SETTING_KEYS = ['confirmationMode'] as const;

/**
 * `institution set-policy <slug> key=value`: `value` is the command-line text (or an already
 * typed value); the whole policy is validated after the change, in one audited transaction.
 */
export async function setInstitutionPolicy(
  db: Kysely<Schema>,
  slug: string,
  key: string,
  value: unknown,
  options: { nowMs: number; actor?: string },
): Promise<SetPolicyResult> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('institutions').selectAll().where('slug', '=', slug).executeTakeFirst();
    if (!row) return { ok: false, reason: 'unknown_institution' } as const;
    const current = parseStoredPolicy(row.policy);
    if (key === 'confirmationMode') {
      if (value !== 'whole' && value !== 'positions') return { ok: false, reason: 'invalid', errors: ['confirmationMode must be whole or positions'] } as const;
      await trx.updateTable('institutions').set({ confirmation_mode: value }).where('slug', '=', slug).execute();
    } else {
      if (!(POLICY_KEYS as string[]).includes(key)) {
        return { ok: false, reason: 'invalid', errors: [`unknown policy key "${key}" (known: ${[...POLICY_KEYS, ...INSTITUTION_SETTING_KEYS].join(', ')})`] } as const;
      }
      const typed = typeof value === 'string' ? parsePolicyValue(key as keyof InstitutionPolicy, value) : value;
      const result = validateInstitutionPolicy({ ...current, [key]: typed });
      if (!result.ok) return { ok: false, reason: 'invalid', errors: result.errors } as const;
      await trx.updateTable('institutions').set({ policy: JSON.stringify(result.policy) }).where('slug', '=', slug).execute();
    }
    const after = await trx.selectFrom('institutions').select('policy').where('slug', '=', slug).executeTakeFirstOrThrow();
    await appendAudit(trx, {
      chain: slug,
      at: options.nowMs,
      actor: options.actor ?? 'cli',
      action: 'institution_policy_set',
      subject: slug,
      details: { key, value: typeof value === 'string' || typeof value === 'number' || value === null ? value : JSON.stringify(value) },
    });
    return { ok: true, policy: parseStoredPolicy(after.policy) } as const;
  });
}
