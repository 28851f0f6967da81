// The demo data of DESIGN §3.4, created idempotently on first start (and by `mamori demo`):
// two institutions registered with the authority as relying parties, each with two customers.
// Guides, README and tests rely on these exact values.
import type { Kysely, Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { createCustomer, findCustomer } from './customers.js';
import { createInstitution, findInstitution, type NewInstitution } from './institutions.js';
import type { PasswordHasher } from './password-hasher.js';

// Bank codes 9901 and 9902 are absent from the zengin-code list of real banks (checked against
// zengin-code 1.0.0-p20260824: the 99xx range holds only 9900 ゆうちょ銀行).
export const DEMO_INSTITUTIONS: readonly NewInstitution[] = [
  {
    slug: 'demo',
    name: 'デモ信用金庫',
    nameEn: 'Demo Shinkin Bank',
    bankCode: '9901',
    primaryColour: '#00588f',
    support: {
      name: 'デモ信用金庫 EBサポートセンター',
      nameEn: 'Demo Shinkin Bank EB Support Center',
      phone: '0120-000-000',
      hours: '受付時間 9:00~17:00(土・日・祝日および12/31~1/3を除く)',
      hoursEn: 'Open 9:00–17:00 (closed on Saturdays, Sundays, public holidays and 31 Dec – 3 Jan)',
    },
    confirmation: { mode: 'whole', positions: 6, name: '確認用パスワード', nameEn: 'confirmation password' },
    policy: { desktopRegistrationClosedFrom: '2018-04-01' },
  },
  {
    slug: 'sample',
    name: 'サンプル信用金庫',
    nameEn: 'Sample Shinkin Bank',
    bankCode: '9902',
    primaryColour: '#1b7a3e',
    support: {
      name: 'サンプル信用金庫 EBサポートセンター',
      nameEn: 'Sample Shinkin Bank EB Support Center',
      phone: '0120-111-111',
      hours: '受付時間 9:00~17:00(土・日・祝日および12/31~1/3を除く)',
      hoursEn: 'Open 9:00–17:00 (closed on Saturdays, Sundays, public holidays and 31 Dec – 3 Jan)',
    },
    confirmation: { mode: 'positions', positions: 2, name: '資金移動用パスワード', nameEn: 'funds-transfer password' },
    policy: { desktopRegistrationClosedFrom: null },
  },
];

export const DEMO_LOGIN_PASSWORD = 'Mamori-2026';
export const DEMO_CONFIRMATION_PASSWORD = '246810';
/** How long before the first start the demo contracts were opened (they are not new contracts). */
export const DEMO_CONTRACT_AGE_MS = 365 * 86_400_000;
export const DEMO_CUSTOMERS = [
  { contractId: '1000000001', name: '守 太郎' },
  { contractId: '1000000002', name: '守 花子' },
] as const;

/** Demo customers' notifications go to `<contractId>@demo.mamori.example` (RFC 2606-style: never delivered). */
export function demoEmail(contractId: string): string {
  return `${contractId}@demo.mamori.example`;
}

/** What seeding needs from the authority: only an idempotent relying-party registration. */
export interface RelyingPartyRegistrar {
  ensureRelyingParty(input: { id: string; name: string; actor?: string }): Promise<{ created: boolean }>;
}

export interface SeedDemoDataDeps {
  database: { db: Kysely<Schema> };
  authority: RelyingPartyRegistrar;
  clock: Clock;
  hasher: PasswordHasher;
  confirmationPepper: Uint8Array;
  /**
   * Hook for issue 5 (accounts): called once per demo customer created, so the ledger can open
   * the ordinary account holding ¥3,000,000 of DESIGN §3.4.
   */
  onCustomerCreated?: (input: { db: Kysely<Schema> | Transaction<Schema>; institution: string; contractId: string }) => Promise<void>;
}

export interface SeedDemoDataResult {
  /** Institutions created by this call (empty when the demo data already existed). */
  createdInstitutions: string[];
  /** Customers created by this call, as `slug/contractId`. */
  createdCustomers: string[];
}

/** Creates what is missing of the demo data; running it again changes nothing. */
export async function seedDemoData(deps: SeedDemoDataDeps): Promise<SeedDemoDataResult> {
  const { db } = deps.database;
  const createdInstitutions: string[] = [];
  const createdCustomers: string[] = [];
  for (const spec of DEMO_INSTITUTIONS) {
    // Relying party first: an institution row always has its relying party at the authority.
    // (A split deployment gets the bank's API key with `mamori keys`, not from here.)
    await deps.authority.ensureRelyingParty({ id: spec.slug, name: spec.name, actor: 'system' });
    if (!(await findInstitution(db, spec.slug))) {
      const created = await unlessCreatedMeanwhile(
        () => createInstitution(db, spec, deps.clock.nowMs()),
        async () => (await findInstitution(db, spec.slug)) !== undefined,
      );
      if (created) createdInstitutions.push(spec.slug);
    }
    for (const customer of DEMO_CUSTOMERS) {
      const existing = await findCustomer(db, spec.slug, customer.contractId);
      if (existing) {
        // Demo data made before notifications existed gets its addresses (once; idempotent).
        if (existing.email === null) {
          await db.updateTable('customers').set({ email: demoEmail(customer.contractId) })
            .where('institution', '=', spec.slug).where('contract_id', '=', customer.contractId).where('email', 'is', null).execute();
        }
        continue;
      }
      const created = await unlessCreatedMeanwhile(
        () =>
          createCustomer(
            db,
            { institution: spec.slug, ...customer, loginPassword: DEMO_LOGIN_PASSWORD, confirmationPassword: DEMO_CONFIRMATION_PASSWORD, email: demoEmail(customer.contractId) },
            { hasher: deps.hasher, confirmationPepper: deps.confirmationPepper, nowMs: deps.clock.nowMs() },
          ),
        async () => (await findCustomer(db, spec.slug, customer.contractId)) !== undefined,
      );
      if (!created) continue;
      // The demo contracts stand for customers of long standing, opened a year before: the cap
      // of a new contract's first days (limit-shaping.ts) is not theirs. A token they register
      // starts its cap as anyone's does.
      await db.updateTable('customers').set({ created_at: deps.clock.nowMs() - DEMO_CONTRACT_AGE_MS })
        .where('institution', '=', spec.slug).where('contract_id', '=', customer.contractId).execute();
      createdCustomers.push(`${spec.slug}/${customer.contractId}`);
      await deps.onCustomerCreated?.({ db, institution: spec.slug, contractId: customer.contractId });
    }
  }
  return { createdInstitutions, createdCustomers };
}

/**
 * Several processes may start on one PostgreSQL database at once: when an insert fails because
 * another process inserted the same row meanwhile, that is what we wanted.
 */
async function unlessCreatedMeanwhile(create: () => Promise<unknown>, exists: () => Promise<boolean>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (error) {
    if (await exists()) return false;
    throw error;
  }
}

/** The lines `npm start` prints: where each demo bank is and how to sign in. */
export function demoDataBanner(baseUrl: string): string[] {
  const base = baseUrl.replace(/\/+$/, '');
  const lines = ['Personal Web (demo institutions):'];
  for (const spec of DEMO_INSTITUTIONS) {
    const asked = spec.confirmation.mode === 'whole' ? 'asked whole' : `${spec.confirmation.positions} digit positions asked`;
    lines.push(`  ${spec.name} (${spec.nameEn}, bank code ${spec.bankCode}): ${base}/ib/${spec.slug}/`);
    lines.push(`    ${spec.confirmation.name}: ${asked}`);
  }
  lines.push(`  customers: ${DEMO_CUSTOMERS.map((c) => c.contractId).join(', ')}`);
  lines.push(`  ログインパスワード (login password): ${DEMO_LOGIN_PASSWORD}`);
  lines.push(`  確認用パスワード / 資金移動用パスワード (confirmation password): ${DEMO_CONFIRMATION_PASSWORD}`);
  lines.push(`  a token: \`npm run -s mamori -- token new --authority ${base}\`, then register it at 利用開始`);
  return lines;
}
