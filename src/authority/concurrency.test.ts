// Concurrency: a replay mark is one conditional write, so of many identical requests exactly
// one is accepted — in one process (SQLite's one connection, PostgreSQL's pool) and across
// OS processes sharing one database file or one PostgreSQL server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { DIALECTS, skipReason } from '../../test/support/db/testing.js';
import type { VerifyResult } from './authority-client.js';
import { boundTestToken, provisionTestToken, STEP_MS, withTestAuthority } from '../../test/support/authority/authority-testing.js';

const CHILD = fileURLToPath(new URL('../../test/support/authority/verify-burst.child.ts', import.meta.url));

function tally(results: VerifyResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.valid ? 'valid' : r.reason;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

interface Child {
  go(): void;
  results: Promise<VerifyResult[]>;
}

async function startChild(order: object): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(order)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (output.startsWith('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  await ready;
  const results = once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`child exited with ${String(code)}`);
    const last = output.trim().split('\n').at(-1) ?? '[]';
    return JSON.parse(last) as VerifyResult[];
  });
  return { go: () => child.stdin.end('go\n'), results };
}

for (const dialect of DIALECTS) {
  describe(`concurrency [${dialect}]`, { skip: skipReason(dialect) }, () => {
    it('accepts exactly one of 50 identical verifications sent at once', () =>
      withTestAuthority(dialect, { poolSize: 20 }, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const code = token.codeAt(t.clock.nowMs());
        const results = await Promise.all(Array.from({ length: 50 }, () => client.verify({ bindingId, code })));
        assert.deepEqual(tally(results), { valid: 1, replayed: 49 });
      }));

    it('counts every one of 50 concurrent wrong codes against the throttle', () =>
      withTestAuthority(dialect, { poolSize: 20, policy: { throttleMaxFailures: 1000 } }, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const wrong = token.codeAt(t.clock.nowMs() + 10 * STEP_MS);
        await Promise.all(Array.from({ length: 50 }, () => client.verify({ bindingId, code: wrong })));
        const row = await t.database.db.selectFrom('tokens').select('throttle_failures').executeTakeFirstOrThrow();
        assert.equal(row.throttle_failures, 50);
      }));

    it('binds exactly once when 20 identical binds race', () =>
      withTestAuthority(dialect, { poolSize: 20 }, async (t) => {
        const token = await provisionTestToken(t);
        const client = t.authority.clientFor('bank-a');
        const code = token.codeAt(t.clock.nowMs());
        const results = await Promise.all(Array.from({ length: 20 }, () => client.bind({ serial: token.serial, subject: '1000000001', code })));
        assert.equal(results.filter((r) => r.ok).length, 1);
        assert.equal((await t.database.db.selectFrom('bindings').selectAll().execute()).length, 1);
      }));

    it('accepts exactly one of 2 × 25 identical verifications from two OS processes', () =>
      withTestAuthority(dialect, async (t) => {
        const { token, bindingId } = await boundTestToken(t);
        const order = {
          location: t.database.location,
          masterKeySpec: t.masterKeySpec,
          nowMs: t.clock.nowMs(),
          relyingPartyId: 'bank-a',
          bindingId,
          code: token.codeAt(t.clock.nowMs()),
          count: 25,
        };
        const children = await Promise.all([startChild(order), startChild(order)]);
        for (const child of children) child.go();
        const results = (await Promise.all(children.map((c) => c.results))).flat();
        assert.equal(results.length, 50);
        assert.deepEqual(tally(results), { valid: 1, replayed: 49 });
      }));
  });
}
