// Master-key rotation while the authority works (issue 7, "Keys"): a running `mamori serve
// authority` process answers verifications over HTTP, one after another, while `mamori keys
// rotate` runs in ANOTHER process on the same database and key file — adding a key and
// re-sealing every token secret in small batches. Every verification before, during and after
// the rotation succeeds (the server learns the new key id when it first meets it), and
// afterwards every token row carries the new key id. On both dialects.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createAuthority, loadKeyring } from '../../src/authority/authority.js';
import { createHttpAuthorityClient } from '../../src/authority/http/http-authority-client.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { DIALECTS, skipReason } from '../support/db/testing.js';
import { createHmacKey, decodeBase32, generateTotp } from '../../src/otp/index.js';
import { systemClock, systemRandomBytes } from '../../src/shared/clock.js';
import { createSandbox, runMamori } from './cli-helpers.js';
import { createScratchDatabase, startMamori, STEP_MS } from './deployment-helpers.js';

const TOKENS = 60;

for (const dialect of DIALECTS) {
  describe(`mamori keys rotate beside a serving authority [${dialect}]`, { skip: skipReason(dialect), timeout: 300_000 }, () => {
    it('keeps every verification succeeding, and leaves every secret sealed with the new key', async () => {
      const sandbox = createSandbox();
      const scratch = dialect === 'postgres' ? await createScratchDatabase() : undefined;
      const env: NodeJS.ProcessEnv = { ...sandbox.env, LOG_LEVEL: 'warn', ...(scratch ? { DATABASE_URL: scratch.url } : {}) };
      const server = await startMamori('authority', env); // creates the key file (k1) in the data directory
      let database: Database | undefined;
      try {
        database = openDatabase(scratch ? { dialect: 'postgres', url: scratch.url } : { dialect: 'sqlite', file: join(env.MAMORI_DATA_DIR!, 'mamori.sqlite') });
        // Tokens are made here, beside the server, with the same key file (no provisioning rate limit).
        const authority = createAuthority({ database, keyring: loadKeyring({ masterKey: undefined, dataDir: env.MAMORI_DATA_DIR!, randomBytes: systemRandomBytes }), clock: systemClock, randomBytes: systemRandomBytes });
        await authority.ensureRelyingParty({ id: 'demo', name: 'デモ信用金庫' });
        const { apiKey } = await authority.rotateRelyingPartyKey('demo');
        const client = createHttpAuthorityClient({ baseUrl: server.url, apiKey, timeoutMs: 10_000 });
        const bindings: { bindingId: string; codeAt(nowMs: number): string; lastStep: number }[] = [];
        for (let i = 0; i < TOKENS; i++) {
          const provisioned = await authority.provisionToken({ kind: 'mobile' });
          assert.ok(provisioned.ok && 'secret' in provisioned.token);
          const key = createHmacKey('SHA1', decodeBase32(provisioned.token.secret));
          const codeAt = (nowMs: number) => generateTotp({ key, nowMs, periodSeconds: 30, digits: 6 });
          // Bound with the previous step's code, so the current step is fresh for the first verify.
          const bound = await authority.clientFor('demo').bind({ serial: provisioned.token.serial, subject: String(1_000_000_000 + i), code: codeAt(Date.now() - STEP_MS) });
          assert.ok(bound.ok);
          bindings.push({ bindingId: bound.bindingId, codeAt, lastStep: bound.timeStep });
        }
        const keyIds = async () => (await database!.db.selectFrom('tokens').select('secret_key_id').execute()).map((r) => r.secret_key_id);
        assert.deepEqual(new Set(await keyIds()), new Set(['k1']));

        // Verifications one after another over HTTP, each with a step its binding has not used.
        const results: string[] = [];
        let rotating = true;
        let next = 0;
        const verifyLoop = (async () => {
          let afterRotation = 0;
          while (rotating || afterRotation++ < 10) {
            const step = Math.floor(Date.now() / STEP_MS);
            const binding = bindings[next++ % TOKENS]!;
            if (binding.lastStep >= step) {
              // Every binding used this step: wait for the next one.
              if (bindings.every((b) => b.lastStep >= step)) await new Promise((resolve) => setTimeout(resolve, (step + 1) * STEP_MS - Date.now() + 50));
              continue;
            }
            const nowMs = Date.now();
            const answer = await client.verify({ bindingId: binding.bindingId, code: binding.codeAt(nowMs) });
            binding.lastStep = Math.floor(nowMs / STEP_MS);
            results.push(answer.valid ? 'valid' : answer.reason);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })();

        await new Promise((resolve) => setTimeout(resolve, 300)); // verifications are running
        const rotated = await runMamori(['keys', 'rotate', '--batch-size', '7'], env);
        rotating = false;
        await verifyLoop;

        assert.equal(rotated.code, 0, rotated.stderr);
        assert.match(rotated.stdout, /^added master key k2 /m);
        assert.match(rotated.stdout, new RegExp(`^re-encrypted ${TOKENS} token secrets with key k2$`, 'm'));
        assert.ok(results.length >= 20, `only ${results.length} verifications ran`);
        assert.deepEqual(results.filter((r) => r !== 'valid'), [], 'every verification succeeded');
        assert.deepEqual(new Set(await keyIds()), new Set(['k2']));
      } finally {
        await server.stop();
        await database?.close();
        await scratch?.drop();
        sandbox.remove();
      }
    });
  });
}
