// Orphan rows: a child row whose parent is gone (a session of a contract that does not exist,
// a posting of an unknown account, an operator session of an unknown operator…). Many of these
// relationships are foreign keys the database enforces; others are not declared (sessions,
// outbox rows, operator sessions, the transfer→entry half of their pair) because the rows are
// written by another part, or are hot and short-lived. Both kinds are checked here, from the
// tables alone, on SQLite and PostgreSQL: after a crash or fuzz test, after a restore, or when
// a database was changed outside Mamori (foreign keys off, a hand-made `delete`).
//
// Only relationships INSIDE one part's database are listed. The bank's customers and operators
// name their token binding at the authority (`token_binding_id`), but an authority shared by
// several banks has a database of its own (docs/OPERATIONS.md), so that reference is not a row
// of the same database and is not checked here.
import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.js';

type TableName = keyof Schema & string;

export interface Relationship {
  /** For people: `sessions → customers`. */
  readonly name: string;
  readonly child: TableName;
  /** The child's columns naming the parent; a row with any of them null has no parent to miss. */
  readonly columns: readonly string[];
  readonly parent: TableName;
  readonly parentColumns: readonly string[];
  /** Columns that identify an orphan in a report: never a secret, never the hash of one. */
  readonly describedBy: readonly string[];
  /** A foreign key of the migrations (the database refuses such orphans while it is on). */
  readonly declared: boolean;
  /** Only the child rows with this value in this column (a table whose rows name parents of two kinds). */
  readonly when?: { readonly column: string; readonly value: string };
}

const customerKey = ['institution', 'contract_id'] as const;

function to(
  child: TableName,
  columns: readonly string[],
  parent: TableName,
  parentColumns: readonly string[],
  describedBy: readonly string[],
  declared: boolean,
  when?: Relationship['when'],
): Relationship {
  const name = `${child}(${columns.join(', ')})${when ? ` where ${when.column} = '${when.value}'` : ''} → ${parent}`;
  return { name, child, columns, parent, parentColumns, describedBy, declared, ...(when ? { when } : {}) };
}

/** Every child → parent relationship of the schema (src/db/migrations). */
export const RELATIONSHIPS: readonly Relationship[] = [
  // The token authority (0001, 0003).
  to('bindings', ['relying_party_id'], 'relying_parties', ['id'], ['id'], true),
  to('bindings', ['serial'], 'tokens', ['serial'], ['id'], true),
  // The audit log: every chain has its head (the head is what makes a cut tail detectable).
  to('audit_log', ['chain'], 'audit_heads', ['chain'], ['chain', 'seq'], false),
  // The bank site (0002).
  to('customers', ['institution'], 'institutions', ['slug'], customerKey, true),
  to('sessions', customerKey, 'customers', customerKey, [...customerKey, 'stage'], false),
  // Money (0004).
  to('branches', ['institution'], 'institutions', ['slug'], ['institution', 'code'], true),
  to('accounts', ['institution'], 'institutions', ['slug'], ['id'], true),
  to('accounts', ['institution', 'branch_code'], 'branches', ['institution', 'code'], ['id'], true),
  to('accounts', customerKey, 'customers', customerKey, ['id'], true),
  to('transfers', customerKey, 'customers', customerKey, ['id'], true),
  to('transfers', ['source_account_id'], 'accounts', ['id'], ['id'], true),
  to('transfers', ['payee_account_id'], 'accounts', ['id'], ['id'], true),
  to('transfers', ['entry_id'], 'journal_entries', ['id'], ['id'], false),
  to('journal_entries', ['institution'], 'institutions', ['slug'], ['id'], true),
  to('journal_entries', ['transfer_id'], 'transfers', ['id'], ['id'], true),
  to('postings', ['account_id'], 'accounts', ['id'], ['account_id', 'seq'], true),
  to('postings', ['entry_id'], 'journal_entries', ['id'], ['account_id', 'seq'], true),
  to('reference_counters', ['institution'], 'institutions', ['slug'], ['institution', 'business_day'], false),
  to('registered_payees', customerKey, 'customers', customerKey, ['id'], true),
  to('transfer_limits', customerKey, 'customers', customerKey, customerKey, true),
  to('daily_usage', customerKey, 'customers', customerKey, [...customerKey, 'business_day'], true),
  // The notification address being changed (0012).
  to('notification_address_changes', customerKey, 'customers', customerKey, [...customerKey, 'started_at'], true),
  // Limits shaped in time (0014).
  to('limit_cap_lifts', customerKey, 'customers', customerKey, customerKey, true),
  // The branch console (0005).
  to('operators', ['institution'], 'institutions', ['slug'], ['institution', 'login'], true),
  to('operator_sessions', ['institution', 'login'], 'operators', ['institution', 'login'], ['institution', 'login', 'stage'], false),
  to('branch_proposals', customerKey, 'customers', customerKey, ['id'], true),
  to('branch_proposals', ['institution', 'proposed_by'], 'operators', ['institution', 'login'], ['id'], false),
  to('branch_proposals', ['institution', 'decided_by'], 'operators', ['institution', 'login'], ['id'], false),
  to('password_change_requirements', customerKey, 'customers', customerKey, customerKey, true),
  to('session_end_notices', customerKey, 'customers', customerKey, [...customerKey, 'cause'], false),
  // 新規契約 per form (0010).
  to('contract_openings', customerKey, 'customers', customerKey, [...customerKey, 'opened_at'], true),
  to('contract_openings', ['institution', 'opened_by'], 'operators', ['institution', 'login'], [...customerKey, 'opened_at'], false),
  // The customer's own defences (0013): the browsers signed in from, the 「心当たりがない」 reports.
  to('sign_in_devices', customerKey, 'customers', customerKey, [...customerKey, 'first_signed_in_at'], true),
  to('sign_in_reports', customerKey, 'customers', customerKey, ['id'], true),
  // Notifications (0006).
  to('notification_outbox', customerKey, 'customers', customerKey, ['id'], false),
  // Passkeys (0015): a credential names a customer's contract or an operator; a challenge its institution.
  to('passkeys', ['institution', 'subject'], 'customers', customerKey, ['id'], false, { column: 'principal', value: 'customer' }),
  to('passkeys', ['institution', 'subject'], 'operators', ['institution', 'login'], ['id'], false, { column: 'principal', value: 'operator' }),
  to('passkey_challenges', ['institution'], 'institutions', ['slug'], ['institution', 'purpose', 'expires_at'], false),
];

/** Tables that are no row's child: everything else appears as a child above (a test checks it). */
export const ROOT_TABLES: readonly TableName[] = ['relying_parties', 'tokens', 'audit_heads', 'rate_limits', 'institutions'];

/** At most this many orphans of a relationship are named in a report (the count is exact). */
const EXAMPLES_PER_RELATIONSHIP = 5;

export interface OrphanGroup {
  relationship: string;
  child: TableName;
  count: number;
  /** Up to five orphans, by their `describedBy` columns. */
  examples: Record<string, string | number | null>[];
}

export type OrphanCheck = { ok: true; relationships: number } | { ok: false; relationships: number; orphans: OrphanGroup[] };

export async function findOrphans(db: Kysely<Schema>, relationships: readonly Relationship[] = RELATIONSHIPS): Promise<OrphanCheck> {
  const orphans: OrphanGroup[] = [];
  for (const relationship of relationships) {
    const condition = orphanCondition(relationship);
    const counted = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(relationship.child)} as c where ${condition}`.execute(db);
    const count = Number(counted.rows[0]?.n ?? 0);
    if (count === 0) continue;
    const columns = sql.join(relationship.describedBy.map((column) => sql.ref(`c.${column}`)));
    const examples = await sql<Record<string, string | number | null>>`select ${columns} from ${sql.table(relationship.child)} as c where ${condition} order by ${columns} limit ${sql.lit(EXAMPLES_PER_RELATIONSHIP)}`.execute(db);
    orphans.push({ relationship: relationship.name, child: relationship.child, count, examples: examples.rows });
  }
  return orphans.length === 0 ? { ok: true, relationships: relationships.length } : { ok: false, relationships: relationships.length, orphans };
}

/** `c.a is not null and … and not exists (select 1 from parent p where p.x = c.a and …)`. */
function orphanCondition(relationship: Relationship) {
  if (relationship.columns.length !== relationship.parentColumns.length) throw new TypeError(`${relationship.name}: columns and parent columns differ in number`);
  const present = relationship.columns.map((column) => sql`${sql.ref(`c.${column}`)} is not null`);
  if (relationship.when) present.push(sql`${sql.ref(`c.${relationship.when.column}`)} = ${relationship.when.value}`);
  const matches = relationship.columns.map((column, i) => sql`${sql.ref(`p.${relationship.parentColumns[i]!}`)} = ${sql.ref(`c.${column}`)}`);
  return sql`${sql.join(present, sql` and `)} and not exists (select 1 from ${sql.table(relationship.parent)} as p where ${sql.join(matches, sql` and `)})`;
}
