// A child process for the crash test: confirms a stream of transfers against a shared database
// until it is killed, printing `ack <transferId> <referenceNo>` after each commit. At start it
// first confirms whatever transfers an earlier (killed) run left pending: the retry path.
import { openDatabase, type DatabaseLocation } from '../../src/db/database.js';
import { confirmTransfer } from '../../src/banking/transfers/confirm-transfer.js';
import { prepareTransfer } from '../../src/banking/transfers/prepare-transfer.js';
import { fakePorts, RIGHT_CODE } from '../support/banking/transfers/test-world.js';
import { transferFromRow, type TransferView } from '../../src/banking/transfers/transfer-store.js';
import { DEFAULT_POLICY } from '../../src/banking/institution-policy.js';
import { systemClock, systemRandomBytes } from '../../src/shared/clock.js';

interface StreamOrder {
  location: DatabaseLocation;
  run: number;
  parties: { contractId: string; accountId: string; accountNumber: string; name: string }[];
}

const order = JSON.parse(process.argv[2] ?? '{}') as StreamOrder;
const database = openDatabase(order.location);
const db = database.db;
const policy = { ...DEFAULT_POLICY, dailyLimitDefaultYen: 1_000_000_000_000 };
const institution = { slug: 'demo', bankCode: '9990', policy, confirmation: { mode: 'whole' as const, positions: 2 } };
let binding = 0;

async function confirm(transfer: TransferView) {
  const result = await confirmTransfer(
    db,
    // A short lease: the next run retries what a killed run was confirming.
    { clock: systemClock, randomBytes: systemRandomBytes, ports: fakePorts(), confirmLeaseMs: 300, confirmWaitMs: 2000 },
    {
      institution,
      contractId: transfer.contractId,
      // A fresh binding per confirm: the fake authority's replay memory lives in this process.
      customer: { bindingId: `run${order.run}_${binding++}`, otpLocked: false, passwordLocked: false },
      transferId: transfer.id,
      idempotencyKey: transfer.idempotencyKey,
      body: { payee: { ...transfer.payee }, amountYen: transfer.amountYen },
      answer: { kind: 'code', code: RIGHT_CODE },
    },
  );
  if (result.ok) process.stdout.write(`ack ${transfer.id} ${result.receipt.referenceNo}\n`);
  else if (!['insufficient_funds', 'transfer_expired', 'transfer_in_progress'].includes(result.error)) throw new Error(`confirm failed: ${result.error}`);
}

const leftovers = await db.selectFrom('transfers').selectAll().where('status', '=', 'pending').execute();
process.stdout.write(`ready ${leftovers.length}\n`);
for (const row of leftovers) await confirm(transferFromRow(row));

for (let i = 0; ; i++) {
  const from = order.parties[i % order.parties.length]!;
  const to = order.parties[(i + 1) % order.parties.length]!;
  const external = i % 3 === 2;
  const prepared = await prepareTransfer(
    db,
    { clock: systemClock, randomBytes: systemRandomBytes, fees: { sameInstitutionYen: 0, otherBankYen: 220 } },
    {
      institution,
      contractId: from.contractId,
      sourceAccountId: from.accountId,
      amount: String(1 + (i % 997)),
      payee: external
        ? { bankCode: '0001', branchCode: '100', accountType: 'ordinary', accountNumber: '0000001', name: 'ｿﾄ' }
        : { bankCode: '9990', branchCode: '001', accountType: 'ordinary', accountNumber: to.accountNumber, name: to.name },
    },
  );
  if (!prepared.ok) throw new Error(`prepare failed: ${prepared.error}`);
  await confirm(prepared.transfer);
}
