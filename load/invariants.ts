// What must still hold after the load (read from the database, the processes' metrics and the
// bank's own tools, once every journey has ended):
//  - replay: every deliberately replayed code was refused; no login step was accepted twice
//    (the bank's audit records each OTP sign-in with its time step: no contract has one step
//    twice); the authority's replay floor of every binding (`bindings.last_step`) lies between
//    the highest step the customers saw accepted and the highest they sent — so the authority
//    accepted nothing the customers did not send and forgot nothing it accepted; and the bank
//    processes' own count of accepted verifications equals the customers' count of accepted
//    codes, so no code was accepted twice unseen;
//  - limit: no contract's usage of a day is above its daily limit, and each day's usage equals
//    the sum of that day's done transfers (`checkTransferInvariants`); the transfers done in the
//    database are the ones the customers were given a 受付番号 for;
//  - ledger: `mamori ledger check` and `mamori audit verify` exit 0.
// Where a request timed out or failed after its code was sent, the client cannot know whether
// the server accepted it; those codes widen the expected ranges (and are reported).
import { findInstitution } from '../src/banking/institutions.js';
import { checkTransferInvariants } from '../src/banking/transfers/transfer-invariants.js';
import { openDatabase } from '../src/db/database.js';
import type { Deployment } from './deployment.js';
import type { WorkloadState } from './workload.js';

export interface InvariantCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** Sums a counter series over the processes' /metrics texts (labels in any order). */
export function sumMetric(texts: string[], name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`)) continue;
      const labelText = line.slice(name.length + 1, line.indexOf('}'));
      if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

const within = (value: number, low: number, high: number) => value >= low && value <= high;
const range = (low: number, high: number) => (low === high ? String(low) : `${low}–${high}`);

export async function checkInvariants(input: { deployment: Deployment; state: WorkloadState; replaysRefused: number; replayAccepted: string[] }): Promise<InvariantCheck[]> {
  const { deployment, state } = input;
  const checks: InvariantCheck[] = [];
  const ambiguous = state.ambiguousCodes;
  const database = openDatabase({ dialect: 'postgres', url: deployment.databaseUrl, poolSize: 2 });
  try {
    // --- replay ---
    checks.push({
      name: 'replay: every replayed code refused',
      ok: input.replayAccepted.length === 0,
      detail:
        input.replayAccepted.length === 0
          ? `${input.replaysRefused} of ${state.replaysSent} replays refused, none accepted${input.replaysRefused < state.replaysSent ? ' (the others ended in an error first)' : ''}`
          : input.replayAccepted.join('; '),
    });

    const signedIn = await database.db.selectFrom('audit_log').select(['chain', 'subject', 'details']).where('action', '=', 'signed_in').execute();
    const seen = new Set<string>();
    const duplicates: string[] = [];
    let otpSignIns = 0;
    for (const row of signedIn) {
      const details = JSON.parse(row.details) as { otp?: boolean; timeStep?: number };
      if (details.otp !== true) continue;
      otpSignIns++;
      const key = `${row.chain}/${row.subject}/${details.timeStep}`;
      if (seen.has(key)) duplicates.push(key);
      seen.add(key);
    }
    checks.push({
      name: 'replay: no login time step accepted twice (bank audit)',
      ok: duplicates.length === 0 && within(otpSignIns, state.acceptedCodes.login, state.acceptedCodes.login + ambiguous),
      detail: `${otpSignIns} OTP sign-ins audited, all with distinct (contract, step); customers saw ${range(state.acceptedCodes.login, state.acceptedCodes.login + ambiguous)} accepted${duplicates.length ? `; DUPLICATES: ${duplicates.slice(0, 5).join(', ')}` : ''}`,
    });

    const bindingIds = state.customers.map((c) => c.seeded.bindingId);
    const floors = new Map<string, number>();
    for (let i = 0; i < bindingIds.length; i += 1000) {
      const rows = await database.db.selectFrom('bindings').select(['id', 'last_step']).where('id', 'in', bindingIds.slice(i, i + 1000)).execute();
      for (const row of rows) floors.set(row.id, Number(row.last_step));
    }
    const floorProblems: string[] = [];
    for (const customer of state.customers) {
      const id = customer.seeded.bindingId;
      const floor = floors.get(id);
      const acceptedMax = Math.max(customer.seeded.registeredStep, ...(state.acceptedByBinding.get(id) ?? []));
      const sentMax = Math.max(acceptedMax, state.sentMaxByBinding.get(id) ?? -Infinity);
      if (floor === undefined || !within(floor, acceptedMax, sentMax)) floorProblems.push(`${id}: last_step ${floor} not in ${range(acceptedMax, sentMax)}`);
    }
    checks.push({
      name: 'replay: authority replay floors match the codes used',
      ok: floorProblems.length === 0,
      detail: floorProblems.length === 0 ? `${floors.size} bindings: last_step between the highest accepted and the highest sent step` : floorProblems.slice(0, 5).join('; '),
    });

    const metrics = await Promise.all(deployment.banks.map(async (bank) => (await fetch(`${bank.url}/metrics`)).text()));
    const valid = sumMetric(metrics, 'mamori_code_verifications_total', { operation: 'verify', result: 'valid' });
    const replayed = sumMetric(metrics, 'mamori_code_verifications_total', { operation: 'verify', result: 'replayed' });
    const invalid = sumMetric(metrics, 'mamori_code_verifications_total', { operation: 'verify', result: 'invalid_code' });
    const accepted = state.acceptedCodes.login + state.acceptedCodes.transfer;
    checks.push({
      name: 'replay: accepted verifications = codes the customers saw accepted',
      ok: within(valid, accepted, accepted + ambiguous) && within(replayed + invalid, input.replaysRefused, state.replaysSent + ambiguous),
      detail: `bank processes counted ${valid} valid (customers: ${range(accepted, accepted + ambiguous)}), ${replayed} replayed and ${invalid} invalid (replays sent: ${state.replaysSent}, refused: ${input.replaysRefused})`,
    });

    // --- limit ---
    const limits = new Map<string, number>();
    for (const row of await database.db.selectFrom('transfer_limits').select(['institution', 'contract_id', 'daily_limit_yen']).execute()) {
      limits.set(`${row.institution}/${row.contract_id}`, Number(row.daily_limit_yen));
    }
    const defaults = new Map<string, number>();
    for (const slug of ['demo', 'sample']) defaults.set(slug, (await findInstitution(database.db, slug))!.policy.dailyLimitDefaultYen);
    const usage = await database.db.selectFrom('daily_usage').select(['institution', 'contract_id', 'business_day', 'used_yen']).execute();
    const over = usage.filter((u) => Number(u.used_yen) > (limits.get(`${u.institution}/${u.contract_id}`) ?? defaults.get(u.institution) ?? Infinity));
    const atLimit = usage.filter((u) => Number(u.used_yen) === limits.get(`${u.institution}/${u.contract_id}`)).length;
    checks.push({
      name: 'limit: no daily usage above the contract\'s limit',
      ok: over.length === 0,
      detail: over.length === 0 ? `${usage.length} usage rows, all within their limits (${atLimit} exactly at a lowered limit)` : over.slice(0, 5).map((u) => `${u.institution}/${u.contract_id} ${u.business_day}: ¥${u.used_yen}`).join('; '),
    });
    const transfers = await checkTransferInvariants(database.db);
    const doneRows = await database.db.selectFrom('transfers').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'done').executeTakeFirstOrThrow();
    const done = Number(doneRows.n);
    checks.push({
      name: 'limit: usage = sum of the day\'s transfers; done transfers = receipts seen',
      ok: transfers.ok && within(done, state.transfersDone, state.transfersDone + ambiguous),
      detail: transfers.ok
        ? `${transfers.done} done and ${transfers.pending} pending transfers consistent with their entries and the usage rows; customers saw ${range(state.transfersDone, state.transfersDone + ambiguous)} 受付番号`
        : transfers.problems.slice(0, 5).map((p) => JSON.stringify(p)).join('; '),
    });
  } finally {
    await database.close();
  }

  // --- ledger and audit, with the bank's own tools ---
  const ledger = await deployment.mamori(['ledger', 'check']);
  checks.push({ name: 'ledger: mamori ledger check', ok: ledger.code === 0, detail: `exit ${ledger.code}: ${(ledger.stdout + ledger.stderr).trim().split('\n').slice(0, 5).join(' | ')}` });
  const audit = await deployment.mamori(['audit', 'verify']);
  checks.push({ name: 'ledger: mamori audit verify', ok: audit.code === 0, detail: `exit ${audit.code}: ${(audit.stdout + audit.stderr).trim().split('\n').slice(0, 5).join(' | ')}` });
  return checks;
}
