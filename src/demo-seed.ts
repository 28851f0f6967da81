// The demo data of DESIGN §3.4 as `npm start` (development) and `mamori demo` create it: the
// institutions and their customers (banking/demo-data.ts), each customer's ordinary account
// with ¥3,000,000 (banking/ledger/demo-accounts.ts), and the branch operators. Idempotent and
// safe for several processes starting at once on one database.
import { DEMO_CUSTOMERS, seedDemoData, type RelyingPartyRegistrar } from './banking/demo-data.js';
import { ensureDemoAccount, ensureDemoAccounts } from './banking/ledger/demo-accounts.js';
import type { PasswordHasher } from './banking/password-hasher.js';
import { seedDemoOperators } from './branch/operators.js';
import type { Database } from './db/database.js';
import type { Clock, RandomBytes } from './shared/clock.js';

export interface SeedDemoInput {
  database: Database;
  /**
   * Registers the demo institutions as relying parties: the authority itself in one process.
   * A bank process of a split deployment cannot (the authority's operator runs `mamori keys rp`):
   * it passes NO_RELYING_PARTY_REGISTRAR.
   */
  registrar: RelyingPartyRegistrar;
  clock: Clock;
  randomBytes: RandomBytes;
  hasher: PasswordHasher;
  confirmationPepper: Uint8Array;
}

export const NO_RELYING_PARTY_REGISTRAR: RelyingPartyRegistrar = { ensureRelyingParty: async () => ({ created: false }) };

/** Lines saying what was created (empty when everything existed). */
export async function seedDemo(input: SeedDemoInput): Promise<string[]> {
  const { database, clock, randomBytes } = input;
  const seeded = await seedDemoData({
    database,
    authority: input.registrar,
    clock,
    hasher: input.hasher,
    confirmationPepper: input.confirmationPepper,
    onCustomerCreated: async ({ institution, contractId }) => {
      await ensureDemoAccount(database.db, { clock, randomBytes }, { institution, contractId });
    },
  });
  // A start interrupted between a customer and its account is repaired here.
  const repaired = await ensureDemoAccounts(database.db, { clock, randomBytes }, DEMO_CUSTOMERS.map((c) => c.contractId));
  const operators = await seedDemoOperators({ database, hasher: input.hasher, clock });
  return [
    ...seeded.createdInstitutions.map((slug) => `created institution ${slug}`),
    ...seeded.createdCustomers.map((customer) => `created customer ${customer}`),
    ...(repaired > 0 ? [`opened ${repaired} missing demo accounts`] : []),
    ...operators.created.map((operator) => `created operator ${operator}`),
  ];
}
