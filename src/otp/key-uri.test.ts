import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeBase32 } from './base32.js';
import { HASH_ALGORITHMS } from './hash-algorithm.js';
import { buildKeyUri, parseKeyUri, type KeyUriOptions } from './key-uri.js';

const secret = new Uint8Array(Buffer.from('12345678901234567890'));

describe('key URI (Google Authenticator Key Uri Format)', () => {
  it('builds the TOTP form with issuer prefix, issuer parameter and percent-encoding', () => {
    assert.equal(
      buildKeyUri({ issuer: 'Mamori', accountName: 'MMOB12345674', secret, algorithm: 'SHA1', digits: 6, periodSeconds: 30 }),
      'otpauth://totp/Mamori:MMOB12345674?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Mamori&algorithm=SHA1&digits=6&period=30',
    );
    assert.equal(
      buildKeyUri({ issuer: 'デモ信用金庫', accountName: 'Alice Smith@x', secret, algorithm: 'SHA256', digits: 8, periodSeconds: 60 }),
      'otpauth://totp/%E3%83%87%E3%83%A2%E4%BF%A1%E7%94%A8%E9%87%91%E5%BA%AB:Alice%20Smith%40x' +
        '?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%E3%83%87%E3%83%A2%E4%BF%A1%E7%94%A8%E9%87%91%E5%BA%AB' +
        '&algorithm=SHA256&digits=8&period=60',
    );
    assert.equal(
      buildKeyUri({ type: 'hotp', issuer: 'Mamori', accountName: 'a', secret, algorithm: 'SHA1', digits: 6, counter: 7 }),
      'otpauth://hotp/Mamori:a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Mamori&algorithm=SHA1&digits=6&counter=7',
    );
  });

  it('parses the format\'s own example and applies its defaults', () => {
    const parsed = parseKeyUri('otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example');
    assert.deepEqual(parsed, {
      type: 'totp',
      issuer: 'Example',
      accountName: 'alice@google.com',
      secret: decodeBase32('JBSWY3DPEHPK3PXP'),
      algorithm: 'SHA1',
      digits: 6,
      periodSeconds: 30,
    });
    const variants = parseKeyUri('otpauth://totp/ACME%20Co%3A%20%20john.doe%40email.com?secret=jbswy3dpehpk3pxp&algorithm=sha512&digits=8&period=60&image=https%3A%2F%2Fx');
    assert.equal(variants.issuer, 'ACME Co');
    assert.equal(variants.accountName, 'john.doe@email.com');
    assert.equal(variants.algorithm, 'SHA512');
    assert.equal(variants.digits, 8);
    assert.equal(variants.type === 'totp' && variants.periodSeconds, 60);
    const noIssuer = parseKeyUri('otpauth://hotp/bob?secret=JBSWY3DPEHPK3PXP&counter=0');
    assert.equal(noIssuer.issuer, null);
    assert.equal(noIssuer.type === 'hotp' && noIssuer.counter, 0);
  });

  it('round-trips through build and parse', () => {
    const labelPart = fc
      .string({ minLength: 1, maxLength: 20, unit: 'grapheme' })
      .filter((part) => !part.includes(':') && part.trim() === part);
    const common = {
      issuer: labelPart,
      accountName: labelPart,
      secret: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      algorithm: fc.constantFrom(...HASH_ALGORITHMS),
      digits: fc.integer({ min: 6, max: 8 }),
    };
    const options = fc.oneof(
      fc.record({ ...common, periodSeconds: fc.integer({ min: 1, max: 3600 }) }),
      fc.record({ ...common, type: fc.constant('hotp' as const), counter: fc.maxSafeNat() }),
    );
    fc.assert(
      fc.property(options, (input: KeyUriOptions) => {
        const { type: _type, ...rest } = { type: 'totp', ...input };
        assert.deepEqual(parseKeyUri(buildKeyUri(input)), { type: input.type ?? 'totp', ...rest });
      }),
    );
  });

  it('throws a TypeError with a clear message, never quoting the secret', () => {
    const invalid: [string, RegExp][] = [
      ['https://totp/x?secret=JBSWY3DPEHPK3PXP', /otpauth:\/\/TYPE\/LABEL/],
      ['otpauth://motp/x?secret=JBSWY3DPEHPK3PXP', /totp or hotp/],
      ['otpauth://totp/x', /secret parameter is missing/],
      ['otpauth://totp/x?secret=', /secret parameter is missing/],
      ['otpauth://totp/x?secret=JBSWY3DPEHPK3PX1', /not valid base32/],
      ['otpauth://totp/?secret=JBSWY3DPEHPK3PXP', /no account name/],
      ['otpauth://totp/A:?secret=JBSWY3DPEHPK3PXP', /no account name/],
      ['otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=B', /differ/],
      ['otpauth://totp/b?secret=JBSWY3DPEHPK3PXP&algorithm=MD5', /algorithm/],
      ['otpauth://totp/b?secret=JBSWY3DPEHPK3PXP&digits=10', /digits/],
      ['otpauth://totp/b?secret=JBSWY3DPEHPK3PXP&digits=six', /digits/],
      ['otpauth://totp/b?secret=JBSWY3DPEHPK3PXP&period=0', /period/],
      ['otpauth://totp/b?secret=JBSWY3DPEHPK3PXP&period=-30', /period/],
      ['otpauth://totp/b?secret=JBSWY3DPEHPK3PXP&period=30&period=60', /twice/],
      ['otpauth://hotp/b?secret=JBSWY3DPEHPK3PXP', /counter/],
      ['otpauth://hotp/b?secret=JBSWY3DPEHPK3PXP&counter=1.5', /counter/],
      ['otpauth://totp/%E0%A4%A?secret=JBSWY3DPEHPK3PXP', /percent-encoding/],
      ['otpauth://totp/b?secret=JBSWY3DPEHPK3PXP#frag', /otpauth:\/\/TYPE/],
    ];
    for (const [uri, message] of invalid) {
      assert.throws(() => parseKeyUri(uri), (error: unknown) => {
        assert.ok(error instanceof TypeError, uri);
        assert.match(error.message, message, uri);
        assert.doesNotMatch(error.message, /JBSWY3DPEHPK3PX/, 'the secret must not appear in the message');
        return true;
      });
    }
    const base = { issuer: 'Mamori', accountName: 'a', secret, algorithm: 'SHA1', digits: 6, periodSeconds: 30 } as const;
    for (const misuse of [
      { issuer: '' },
      { issuer: 'a:b' },
      { accountName: 'x:y' },
      { accountName: ' x' },
      { secret: new Uint8Array(0) },
      { algorithm: 'MD5' },
      { digits: 5 },
      { periodSeconds: 0 },
    ]) {
      assert.throws(() => buildKeyUri({ ...base, ...misuse } as never), TypeError, JSON.stringify(misuse));
    }
    assert.throws(() => buildKeyUri({ ...base, type: 'hotp', counter: -1 }), TypeError);
  });
});
