// The platform's own institutions as bank-directory entries, so that a customer can pick a
// payee at their own bank (or at another institution on this platform) by name or code.
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../../db/schema.js';
import type { BankEntry } from './bank-directory.js';

export async function platformBanks(db: Kysely<Schema> | Transaction<Schema>): Promise<BankEntry[]> {
  const [institutions, branches] = await Promise.all([
    db.selectFrom('institutions').select(['slug', 'name', 'name_en', 'bank_code']).orderBy('bank_code').execute(),
    db.selectFrom('branches').select(['institution', 'code', 'name', 'kana']).orderBy('code').execute(),
  ]);
  return institutions.map((institution) => ({
    code: institution.bank_code,
    // The directory lists zengin names without 「信用金庫」; ours keep their full name.
    name: institution.name,
    nameEn: institution.name_en,
    kana: '',
    branches: branches.filter((b) => b.institution === institution.slug).map((b) => ({ code: b.code, name: b.name, kana: b.kana })),
  }));
}
