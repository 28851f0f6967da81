// The sweep deletes only what every institution's policy has already expired: a live session,
// a recent session-end note or a current rate-limit window must survive it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS, skipReason, withTestDatabase } from '../../test/support/db/testing.js';
import { manualClock } from '../shared/clock.js';
import { sweepExpiredState } from './index.js';

const NOW = Date.UTC(2026, 10, 21, 3, 0, 0);
const MINUTE = 60_000;

for (const dialect of DIALECTS) {
  describe(`expired state sweep [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('deletes expired sessions, old rate-limit windows and expired passkey challenges, keeps live ones', () =>
      withTestDatabase(dialect, async (database) => {
        const session = (id: string, startedAt: number, lastSeenAt: number) => ({
          id_hash: id,
          institution: 'demo',
          contract_id: '1000000001',
          stage: 'signed_in' as const,
          data: '{}',
          csrf_token: 'x',
          started_at: startedAt,
          created_at: lastSeenAt,
          last_seen_at: lastSeenAt,
        });
        await database.db
          .insertInto('sessions')
          .values([
            session('live', NOW - 60 * MINUTE, NOW - 2 * MINUTE), // inside the default 5-minute idle time
            session('idle', NOW - 60 * MINUTE, NOW - 6 * MINUTE), // idle past the longest policy (no institutions: defaults)
            session('old', NOW - 13 * 60 * MINUTE, NOW - 1 * MINUTE), // past the 12-hour absolute lifetime
          ])
          .execute();
        await database.db
          .insertInto('rate_limits')
          .values([
            { key: 'current', window_start: NOW - 10 * MINUTE, count: 3 },
            { key: 'stale', window_start: NOW - 25 * 60 * MINUTE, count: 9 },
          ])
          .execute();

        const challenge = (id: string, expiresAt: number) => ({ challenge: id, institution: 'demo', purpose: 'sign_in' as const, principal: 'customer' as const, subject: null, binding_hash: 'b', operation_hash: null, user_handle: null, created_at: expiresAt - 5 * MINUTE, expires_at: expiresAt });
        await database.db.insertInto('passkey_challenges').values([challenge('open', NOW + MINUTE), challenge('expired', NOW)]).execute();

        const report = await sweepExpiredState({ db: database.db, clock: manualClock(NOW) });

        assert.equal(report.sessions, 2);
        assert.equal(report.rateLimitWindows, 1);
        assert.equal(report.passkeyChallenges, 1);
        assert.deepEqual((await database.db.selectFrom('passkey_challenges').select('challenge').execute()).map((c) => c.challenge), ['open']);
        const sessions = await database.db.selectFrom('sessions').select('id_hash').execute();
        assert.deepEqual(sessions.map((s) => s.id_hash), ['live']);
        const windows = await database.db.selectFrom('rate_limits').select('key').execute();
        assert.deepEqual(windows.map((w) => w.key), ['current']);
      }));
  });
}
