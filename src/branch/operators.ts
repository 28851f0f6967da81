// Operators (branch staff) of an institution: creation with an argon2id password, lookup, and
// `addOperator` for the CLI's `mamori operator add`.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import { DEMO_INSTITUTIONS } from '../banking/demo-data.js';
import { findInstitution } from '../banking/institutions.js';
import { createPasswordHasher, type PasswordHasher } from '../banking/password-hasher.js';
import { isUniqueViolation } from '../banking/ledger/transact.js';
import type { Database } from '../db/database.js';
import type { Schema } from '../db/schema.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { OperatorRole, OperatorTable } from './branch.tables.js';
import { OPERATOR_ROLES } from './permissions.js';
import { hasControlCharacters } from './written-request.js';

export type Operator = Selectable<OperatorTable>;
type Db = Kysely<Schema> | Transaction<Schema>;

export const OPERATOR_LOGIN_PATTERN = /^[a-z][a-z0-9._-]{1,31}$/;
export const OPERATOR_PASSWORD_MIN_LENGTH = 12;
export const OPERATOR_PASSWORD_MAX_LENGTH = 128;

/** The subject of an operator's binding at the authority (the institution's relying party). */
export function operatorSubject(login: string): string {
  return `operator:${login}`;
}

/** The audit actor of an operator. */
export function operatorActor(login: string): string {
  return `operator:${login}`;
}

export function isOperatorRole(value: unknown): value is OperatorRole {
  return typeof value === 'string' && (OPERATOR_ROLES as readonly string[]).includes(value);
}

export function findOperator(db: Db, institution: string, login: string): Promise<Operator | undefined> {
  return db.selectFrom('operators').selectAll().where('institution', '=', institution).where('login', '=', login).executeTakeFirst();
}

export function listOperators(db: Db, institution: string): Promise<Operator[]> {
  return db.selectFrom('operators').selectAll().where('institution', '=', institution).orderBy('login').execute();
}

export type AddOperatorResult =
  | { ok: true; operator: { institution: string; login: string; role: OperatorRole } }
  | { ok: false; reason: 'unknown_institution' | 'invalid_login' | 'invalid_role' | 'weak_password' | 'login_taken' };

export interface AddOperatorInput {
  db: Kysely<Schema>;
  institution: string;
  login: string;
  role: OperatorRole | string;
  password: string;
  /** Default: argon2id with the production parameters. */
  hasher?: PasswordHasher;
  clock?: Clock;
  /** Who adds the operator, for the audit record ('cli', 'system', 'operator:<login>'). */
  actor?: string;
}

/** Validates every field, hashes the password off the event loop, inserts with its audit record. */
export async function addOperator(input: AddOperatorInput): Promise<AddOperatorResult> {
  if (!OPERATOR_LOGIN_PATTERN.test(input.login)) return { ok: false, reason: 'invalid_login' };
  if (!isOperatorRole(input.role)) return { ok: false, reason: 'invalid_role' };
  const role = input.role;
  if (!isAcceptablePassword(input.password)) return { ok: false, reason: 'weak_password' };
  if (!(await findInstitution(input.db, input.institution))) return { ok: false, reason: 'unknown_institution' };
  const hasher = input.hasher ?? createPasswordHasher();
  const nowMs = (input.clock ?? systemClock).nowMs();
  const passwordHash = await hasher.hash(input.password);
  try {
    await input.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('operators')
        .values({
          institution: input.institution,
          login: input.login,
          role,
          password_hash: passwordHash,
          token_binding_id: null,
          token_serial: null,
          token_enrolled_at: null,
          last_sign_in_at: null,
          created_at: nowMs,
          updated_at: nowMs,
        })
        .execute();
      await appendAudit(trx, {
        chain: input.institution,
        at: nowMs,
        actor: input.actor ?? 'cli',
        action: 'operator_created',
        subject: input.login,
        details: { role },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: 'login_taken' };
    throw error;
  }
  return { ok: true, operator: { institution: input.institution, login: input.login, role } };
}

/** At least 12 characters, at most 128, no control characters. */
export function isAcceptablePassword(password: string): boolean {
  return (
    typeof password === 'string' &&
    password.length >= OPERATOR_PASSWORD_MIN_LENGTH &&
    password.length <= OPERATOR_PASSWORD_MAX_LENGTH &&
    !hasControlCharacters(password)
  );
}

// --- demo ----------------------------------------------------------------------------------

export const DEMO_OPERATOR_PASSWORD = 'Mamori-Branch-2026';
export const DEMO_OPERATORS: readonly { login: string; role: OperatorRole }[] = [
  { login: 'teller', role: 'teller' },
  { login: 'supervisor', role: 'supervisor' },
];

export interface SeedDemoOperatorsDeps {
  database: Pick<Database, 'db'>;
  hasher: PasswordHasher;
  clock: Clock;
  /** Institutions to seed; default: the demo institutions that exist (DESIGN §3.4). */
  institutions?: readonly string[];
}

/**
 * Creates the demo operators `teller` and `supervisor` (password `Mamori-Branch-2026`, token
 * enrolled at first sign-in) at each demo institution where they are missing. Idempotent, and
 * safe when several processes seed one database at once.
 */
export async function seedDemoOperators(deps: SeedDemoOperatorsDeps): Promise<{ created: string[] }> {
  const { db } = deps.database;
  const slugs = deps.institutions ?? DEMO_INSTITUTIONS.map((i) => i.slug);
  const created: string[] = [];
  for (const institution of slugs) {
    if (!(await findInstitution(db, institution))) continue;
    for (const spec of DEMO_OPERATORS) {
      if (await findOperator(db, institution, spec.login)) continue;
      const result = await addOperator({ db, institution, ...spec, password: DEMO_OPERATOR_PASSWORD, hasher: deps.hasher, clock: deps.clock, actor: 'system' });
      if (result.ok) created.push(`${institution}/${spec.login}`);
      else if (result.reason !== 'login_taken') throw new Error(`demo operator ${institution}/${spec.login}: ${result.reason}`);
    }
  }
  return { created };
}

/** Lines for the start-up banner: where the console is and how the demo operators sign in. */
export function demoOperatorsBanner(baseUrl: string, slugs: readonly string[] = DEMO_INSTITUTIONS.map((i) => i.slug)): string[] {
  const base = baseUrl.replace(/\/+$/, '');
  return [
    'Branch console (operators):',
    ...slugs.map((slug) => `  ${base}/branch/${slug}/`),
    `  operators: ${DEMO_OPERATORS.map((o) => `${o.login} (${o.role})`).join(', ')}; password: ${DEMO_OPERATOR_PASSWORD}`,
    `  first sign-in asks for a token: make one with \`npm run -s mamori -- token new --authority ${base}\` or at ${base}/token/`,
  ];
}
