// Accounts and the double-entry ledger, transfers, registered payees and daily limits
// (issue 5). Frozen once shipped: add a new migration rather than edit this one.
//
// Institutions and customers belong to the Personal Web migration (0002-banking); rows here
// name them by institution slug and contract ID, with foreign keys to those tables. System
// accounts (clearing, fees, demo funding) have no contract, so their key is not checked.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // 取引店舗: an institution's branches, named as the transfer pages show them.
  await db.schema
    .createTable('branches')
    .addColumn('institution', 'text', (c) => c.notNull().references('institutions.slug'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kana', 'text', (c) => c.notNull())
    .addColumn('last_account_number', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('branches_pk', ['institution', 'code'])
    .execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sqlIn('role', ['customer', 'clearing', 'fees', 'demo_funding'])))
    .addColumn('contract_id', 'text')
    .addColumn('branch_code', 'text')
    .addColumn('account_number', 'text')
    .addColumn('account_type', 'text', (c) => c.notNull().check(sqlIn('account_type', ['ordinary'])))
    .addColumn('holder_name', 'text', (c) => c.notNull())
    .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('opened_at', 'bigint', (c) => c.notNull())
    // The second wall behind the conditional debit: the database itself refuses an overdraft.
    .addCheckConstraint('accounts_customer_balance_not_negative', sql`role <> 'customer' or balance >= 0`)
    .addForeignKeyConstraint('accounts_institution_fk', ['institution'], 'institutions', ['slug'])
    .addForeignKeyConstraint('accounts_branch_fk', ['institution', 'branch_code'], 'branches', ['institution', 'code'])
    .addForeignKeyConstraint('accounts_customer_fk', ['institution', 'contract_id'], 'customers', ['institution', 'contract_id'])
    .addCheckConstraint(
      'accounts_customer_has_owner_and_number',
      sql`role <> 'customer' or (contract_id is not null and branch_code is not null and account_number is not null)`,
    )
    .execute();
  await db.schema
    .createIndex('accounts_by_number')
    .on('accounts')
    .columns(['institution', 'branch_code', 'account_number'])
    .unique()
    .execute();
  await db.schema.createIndex('accounts_by_contract').on('accounts').columns(['institution', 'contract_id']).execute();

  await db.schema
    .createTable('transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('source_account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', ['internal', 'external'])))
    .addColumn('payee_bank_code', 'text', (c) => c.notNull())
    .addColumn('payee_bank_name', 'text', (c) => c.notNull())
    .addColumn('payee_branch_code', 'text', (c) => c.notNull())
    .addColumn('payee_branch_name', 'text', (c) => c.notNull())
    .addColumn('payee_account_type', 'text', (c) => c.notNull().check(sqlIn('payee_account_type', ['ordinary', 'current', 'savings'])))
    .addColumn('payee_account_number', 'text', (c) => c.notNull())
    .addColumn('payee_name', 'text', (c) => c.notNull())
    .addColumn('payee_account_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('amount_yen', 'bigint', (c) => c.notNull().check(sql`amount_yen > 0`))
    .addColumn('fee_yen', 'bigint', (c) => c.notNull().check(sql`fee_yen >= 0`))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['pending', 'done'])))
    .addColumn('password_positions', 'text')
    .addColumn('confirming_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint')
    .addColumn('business_day', 'text')
    .addColumn('reference_no', 'text')
    .addColumn('entry_id', 'text') // journal_entries.transfer_id is the foreign key of the pair
    .addColumn('exported_at', 'bigint')
    .addForeignKeyConstraint('transfers_customer_fk', ['institution', 'contract_id'], 'customers', ['institution', 'contract_id'])
    .addCheckConstraint(
      'transfers_done_is_complete',
      sql`status <> 'done' or (entry_id is not null and confirmed_at is not null and business_day is not null)`,
    )
    .execute();
  await db.schema.createIndex('transfers_by_reference').on('transfers').columns(['institution', 'reference_no']).unique().execute();
  await db.schema.createIndex('transfers_by_contract').on('transfers').columns(['institution', 'contract_id', 'created_at']).execute();
  await db.schema.createIndex('transfers_for_export').on('transfers').columns(['institution', 'kind', 'status', 'exported_at']).execute();

  await db.schema
    .createTable('journal_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', ['deposit', 'transfer'])))
    .addColumn('transfer_id', 'text', (c) => c.references('transfers.id'))
    .addColumn('posted_at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('journal_entries_institution_fk', ['institution'], 'institutions', ['slug'])
    .execute();
  // One transfer, one entry: the database refuses a second posting of the same transfer.
  await db.schema.createIndex('journal_entries_by_transfer').on('journal_entries').column('transfer_id').unique().execute();

  await db.schema
    .createTable('postings')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('entry_id', 'text', (c) => c.notNull().references('journal_entries.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount <> 0`))
    .addColumn('balance_after', 'bigint', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('posted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('postings_pk', ['account_id', 'seq'])
    .execute();
  await db.schema.createIndex('postings_by_entry').on('postings').column('entry_id').execute();

  await db.schema
    .createTable('reference_counters')
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('business_day', 'text', (c) => c.notNull())
    .addColumn('last_value', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('reference_counters_pk', ['institution', 'business_day'])
    .execute();

  await db.schema
    .createTable('registered_payees')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('bank_code', 'text', (c) => c.notNull())
    .addColumn('bank_name', 'text', (c) => c.notNull())
    .addColumn('branch_code', 'text', (c) => c.notNull())
    .addColumn('branch_name', 'text', (c) => c.notNull())
    .addColumn('account_type', 'text', (c) => c.notNull().check(sqlIn('account_type', ['ordinary', 'current', 'savings'])))
    .addColumn('account_number', 'text', (c) => c.notNull())
    .addColumn('payee_name', 'text', (c) => c.notNull())
    .addColumn('nickname', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint('registered_payees_customer_fk', ['institution', 'contract_id'], 'customers', ['institution', 'contract_id'])
    .execute();
  await db.schema
    .createIndex('registered_payees_unique')
    .on('registered_payees')
    .columns(['institution', 'contract_id', 'bank_code', 'branch_code', 'account_type', 'account_number'])
    .unique()
    .execute();

  await db.schema
    .createTable('transfer_limits')
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('daily_limit_yen', 'bigint', (c) => c.notNull().check(sql`daily_limit_yen >= 0`))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('transfer_limits_pk', ['institution', 'contract_id'])
    .addForeignKeyConstraint('transfer_limits_customer_fk', ['institution', 'contract_id'], 'customers', ['institution', 'contract_id'])
    .execute();

  await db.schema
    .createTable('daily_usage')
    .addColumn('institution', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('business_day', 'text', (c) => c.notNull())
    .addColumn('used_yen', 'bigint', (c) => c.notNull().check(sql`used_yen >= 0`))
    .addPrimaryKeyConstraint('daily_usage_pk', ['institution', 'contract_id', 'business_day'])
    .addForeignKeyConstraint('daily_usage_customer_fk', ['institution', 'contract_id'], 'customers', ['institution', 'contract_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['daily_usage', 'transfer_limits', 'registered_payees', 'reference_counters', 'postings', 'journal_entries', 'transfers', 'accounts', 'branches']) {
    await db.schema.dropTable(table).execute();
  }
}

function sqlIn(column: string, values: string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}
