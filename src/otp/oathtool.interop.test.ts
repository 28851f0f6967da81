// Interoperability with oathtool (OATH Toolkit, Debian package `oathtool`), an implementation
// independent of ours: codes must agree in both directions for random secrets and times.
// Without oathtool the suite is skipped, except under CI (CI set), where it fails.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeBase32 } from './base32.js';
import { createHmacKey } from './hmac-node.js';
import { generateHotp, verifyHotp } from './hotp.js';
import { generateTotp, verifyTotp } from './totp.js';

function oathtoolVersion(): string | null {
  try {
    return execFileSync('oathtool', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  } catch {
    return null;
  }
}

const version = oathtoolVersion();
const missing = 'oathtool is not installed (sudo apt-get install -y oathtool, or run `npm test`, which installs it)';

/** Runs oathtool without a shell; returns stdout trimmed, or null when it exits non-zero. */
function oathtool(args: readonly string[]): string | null {
  try {
    return execFileSync('oathtool', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return null;
  }
}

const totpCase = fc.record({
  secret: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  algorithm: fc.constantFrom('SHA1', 'SHA256', 'SHA512' as const),
  digits: fc.constantFrom(6, 8),
  periodSeconds: fc.constantFrom(30, 60),
  nowSeconds: fc.integer({ min: 0, max: 4_102_444_800 }), // 1970 .. 2100
});

const hotpCase = fc.record({
  secret: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  digits: fc.constantFrom(6, 7, 8),
  counter: fc.nat({ max: 2 ** 40 }),
});

function totpArgs(c: { algorithm: string; digits: number; periodSeconds: number; nowSeconds: number }, base32: string): string[] {
  return [`--totp=${c.algorithm}`, '-b', '-d', String(c.digits), '-s', `${c.periodSeconds}s`, '--now', `@${c.nowSeconds}`, base32];
}

describe(`oathtool interoperability (${version ?? 'missing'})`, () => {
  if (version === null) {
    // `npm test` installs oathtool or stops first (scripts/prepare-test-machine.js), so this is
    // reached only by running the file on its own: it fails, it is never skipped.
    it('requires oathtool', () => assert.fail(missing));
    return;
  }

  it('matches the brief example: --totp=SHA256 -b -d 8 -s 60 --now "2026-01-01 00:00:00 UTC"', () => {
    const secret = new Uint8Array(Buffer.from('12345678901234567890123456789012'));
    const base32 = encodeBase32(secret);
    const theirs = oathtool(['--totp=SHA256', '-b', '-d', '8', '-s', '60', '--now', '2026-01-01 00:00:00 UTC', base32]);
    const ours = generateTotp({ key: createHmacKey('SHA256', secret), nowMs: Date.UTC(2026, 0, 1), periodSeconds: 60, digits: 8 });
    assert.equal(ours, theirs);
  });

  it('TOTP: our codes equal oathtool\'s, and each side verifies the other\'s', () => {
    fc.assert(
      fc.property(totpCase, (c) => {
        const key = createHmacKey(c.algorithm, c.secret);
        const base32 = encodeBase32(c.secret);
        const nowMs = c.nowSeconds * 1000;
        const ours = generateTotp({ key, nowMs, periodSeconds: c.periodSeconds, digits: c.digits });
        const theirs = oathtool(totpArgs(c, base32));
        assert.equal(ours, theirs);
        // oathtool's code verifies with ours …
        assert.deepEqual(verifyTotp({ key, code: theirs ?? '', nowMs, periodSeconds: c.periodSeconds, digits: c.digits, window: 0 }), {
          valid: true,
          timeStep: Math.floor(c.nowSeconds / c.periodSeconds),
          offset: 0,
        });
        // … and oathtool validates ours (it prints the matching window position, 0).
        assert.equal(oathtool([...totpArgs(c, base32), ours]), '0');
      }),
      { numRuns: 50 },
    );
  });

  it('TOTP: a code oathtool prints for the previous step still verifies within our window', () => {
    fc.assert(
      fc.property(totpCase, (c) => {
        fc.pre(c.nowSeconds >= c.periodSeconds);
        const key = createHmacKey(c.algorithm, c.secret);
        const earlier = { ...c, nowSeconds: c.nowSeconds - c.periodSeconds };
        const theirs = oathtool(totpArgs(earlier, encodeBase32(c.secret))) ?? '';
        const result = verifyTotp({ key, code: theirs, nowMs: c.nowSeconds * 1000, periodSeconds: c.periodSeconds, digits: c.digits });
        assert.equal(result.valid, true);
      }),
      { numRuns: 20 },
    );
  });

  it('HOTP: our codes equal `oathtool -c N`, and each side verifies the other\'s', () => {
    fc.assert(
      fc.property(hotpCase, (c) => {
        const key = createHmacKey('SHA1', c.secret);
        const base32 = encodeBase32(c.secret);
        const args = ['-b', '-d', String(c.digits), '-c', String(c.counter), base32];
        const theirs = oathtool(args);
        const ours = generateHotp({ key, counter: c.counter, digits: c.digits });
        assert.equal(ours, theirs);
        assert.deepEqual(verifyHotp({ key, code: theirs ?? '', counter: c.counter, digits: c.digits }), {
          valid: true,
          counter: c.counter,
          offset: 0,
        });
        assert.equal(oathtool([...args, ours]), '0');
      }),
      { numRuns: 50 },
    );
  });
});
