// The limit fallback rule (DESIGN §4, seed 000): once a contract's token has been deregistered
// for the policy's days (30), a daily limit above the no-token ceiling (¥500,000) falls back
// to that ceiling. Run by `mamori jobs run` and on a timer inside `serve` (src/jobs).
//
// Each contract is lowered with a compare-and-set update that re-checks, in the same
// statement, that the limit is still the one read and that the contract still has no token:
// a customer who registers a token again at that moment keeps the limit.
import type { Kysely } from 'kysely';
import { appendAudit } from '../../audit/audit-log.js';
import type { Schema } from '../../db/schema.js';
import { enqueueNotification } from '../../notifications/enqueue-notification.js';
import type { Clock } from '../../shared/clock.js';
import { parseStoredPolicy } from '../institution-policy.js';

const DAY_MS = 86_400_000;

export interface LoweredLimit {
  institution: string;
  contractId: string;
  fromYen: number;
  toYen: number;
  deregisteredAtMs: number;
}

export interface LimitDowngradeReport {
  lowered: LoweredLimit[];
}

export async function runLimitDowngradeJob(
  db: Kysely<Schema>,
  deps: { clock: Clock; /** Overrides every institution's limitFallbackAfterDays (tests, operators). */ policyDays?: number },
): Promise<LimitDowngradeReport> {
  const nowMs = deps.clock.nowMs();
  const lowered: LoweredLimit[] = [];
  const institutions = await db.selectFrom('institutions').select(['slug', 'policy']).orderBy('slug').execute();
  for (const institution of institutions) {
    const policy = parseStoredPolicy(institution.policy);
    const ceilingYen = policy.dailyLimitWithoutTokenYen;
    const cutoffMs = nowMs - (deps.policyDays ?? policy.limitFallbackAfterDays) * DAY_MS;
    const candidates = await db
      .selectFrom('transfer_limits as l')
      .innerJoin('customers as c', (join) => join.onRef('c.institution', '=', 'l.institution').onRef('c.contract_id', '=', 'l.contract_id'))
      .select(['l.contract_id', 'l.daily_limit_yen', 'l.pending_limit_yen', 'l.pending_from_ms', 'c.token_deregistered_at'])
      .where('l.institution', '=', institution.slug)
      // A raise still pending (issue 14 §5) above the ceiling falls back with the limit.
      .where((eb) => eb.or([eb('l.daily_limit_yen', '>', ceilingYen), eb('l.pending_limit_yen', '>', ceilingYen)]))
      .where('c.token_binding_id', 'is', null)
      .where('c.token_deregistered_at', 'is not', null)
      .where('c.token_deregistered_at', '<=', cutoffMs)
      .orderBy('l.contract_id')
      .execute();
    for (const candidate of candidates) {
      const storedYen = Number(candidate.daily_limit_yen);
      const pendingDue = candidate.pending_limit_yen !== null && candidate.pending_from_ms !== null && Number(candidate.pending_from_ms) <= nowMs;
      const fromYen = pendingDue ? Number(candidate.pending_limit_yen) : storedYen; // the limit in force now
      const toYen = Math.min(fromYen, ceilingYen);
      const done = await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('transfer_limits')
          .set({ daily_limit_yen: toYen, pending_limit_yen: null, pending_from_ms: null, updated_at: nowMs })
          .where('institution', '=', institution.slug)
          .where('contract_id', '=', candidate.contract_id)
          .where('daily_limit_yen', '=', storedYen)
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom('customers')
                .select('contract_id')
                .where('institution', '=', institution.slug)
                .where('contract_id', '=', candidate.contract_id)
                .where('token_binding_id', 'is', null)
                .where('token_deregistered_at', '<=', cutoffMs),
            ),
          )
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return false;
        await appendAudit(trx, {
          chain: institution.slug,
          at: nowMs,
          actor: 'system',
          action: 'daily_limit_lowered',
          subject: candidate.contract_id,
          details: {
            fromYen,
            toYen,
            reason: 'token_deregistered',
            deregisteredAtMs: Number(candidate.token_deregistered_at),
            ...(candidate.pending_limit_yen === null ? {} : { droppedPendingYen: Number(candidate.pending_limit_yen) }),
          },
        });
        await enqueueNotification(trx, { institution: institution.slug, contractId: candidate.contract_id, atMs: nowMs, event: { kind: 'limit_changed', fromYen, toYen, by: 'rule' } });
        return true;
      });
      if (done) {
        lowered.push({
          institution: institution.slug,
          contractId: candidate.contract_id,
          fromYen,
          toYen,
          deregisteredAtMs: Number(candidate.token_deregistered_at),
        });
      }
    }
  }
  return { lowered };
}
