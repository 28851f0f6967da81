// The pure-JavaScript SHA-1/SHA-256/SHA-512 and HMAC are checked against OpenSSL (node:crypto):
// published vectors first, then every message length around the block boundaries, then
// random keys and messages.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HASH_ALGORITHMS } from './hash-algorithm.js';
import { createPureHmacKey, hashBytes } from './hmac-pure.js';
import { SHA256_INITIAL_STATE, SHA256_K, SHA512_INITIAL_STATE, SHA512_K_HIGH, SHA512_K_LOW } from './sha-constants.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const nodeName = (algorithm: string): string => algorithm.toLowerCase();

describe('pure SHA (FIPS 180-4)', () => {
  it('derives the published constants (FIPS 180-4 §4.2.2, §4.2.3, §5.3.3, §5.3.5)', () => {
    assert.equal(SHA256_K.length, 64);
    assert.equal(SHA512_K_HIGH.length, 80);
    assert.equal(SHA256_K[0]! >>> 0, 0x428a2f98);
    assert.equal(SHA256_K[63]! >>> 0, 0xc67178f2);
    assert.equal(SHA512_K_LOW[0]! >>> 0, 0xd728ae22);
    assert.equal(SHA512_K_HIGH[79]! >>> 0, 0x6c44198c);
    assert.equal(SHA512_K_LOW[79]! >>> 0, 0x4a475817);
    assert.deepEqual([...SHA256_INITIAL_STATE].map((word) => word >>> 0), [
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]);
    assert.equal(SHA512_INITIAL_STATE[1]! >>> 0, 0xf3bcc908);
  });

  it('hashes "abc" and the empty string like OpenSSL', () => {
    for (const algorithm of HASH_ALGORITHMS) {
      for (const text of ['', 'abc', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq']) {
        assert.equal(hex(hashBytes(algorithm, ascii(text))), createHash(nodeName(algorithm)).update(text).digest('hex'));
      }
    }
  });

  it('pads correctly at every length from 0 to 300 bytes (both block sizes, one- and two-block tails)', () => {
    const data = new Uint8Array(300).map((_, i) => (i * 151 + 7) & 0xff);
    for (const algorithm of HASH_ALGORITHMS) {
      for (let length = 0; length <= 300; length++) {
        const message = data.subarray(0, length);
        assert.equal(hex(hashBytes(algorithm, message)), createHash(nodeName(algorithm)).update(message).digest('hex'), `${algorithm} ${length}`);
      }
    }
  });

  it('agrees with OpenSSL on random messages', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HASH_ALGORITHMS), fc.uint8Array({ maxLength: 1000 }), (algorithm, message) => {
        assert.equal(hex(hashBytes(algorithm, message)), createHash(nodeName(algorithm)).update(message).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('createPureHmacKey (RFC 2104)', () => {
  it('reproduces RFC 4231 test cases 1 and 2 and RFC 2202 test case 1', () => {
    const key1 = new Uint8Array(20).fill(0x0b);
    const hiThere = ascii('Hi There');
    assert.equal(hex(createPureHmacKey('SHA1', key1).sign(hiThere)), 'b617318655057264e28bc0b6fb378c8ef146be00');
    assert.equal(
      hex(createPureHmacKey('SHA256', key1).sign(hiThere)),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
    assert.equal(
      hex(createPureHmacKey('SHA512', key1).sign(hiThere)),
      '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde' +
        'daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854',
    );
    const jefe = ascii('Jefe');
    const question = ascii('what do ya want for nothing?');
    assert.equal(
      hex(createPureHmacKey('SHA256', jefe).sign(question)),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('agrees with createHmac for random keys (shorter and longer than a block) and messages', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HASH_ALGORITHMS),
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 3 }),
        (algorithm, secret, messages) => {
          const key = createPureHmacKey(algorithm, secret);
          for (const message of messages) {
            assert.equal(hex(key.sign(message)), createHmac(nodeName(algorithm), secret).update(message).digest('hex'));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps keys independent although they share scratch memory', () => {
    const a = createPureHmacKey('SHA1', ascii('key-a'));
    const b = createPureHmacKey('SHA512', ascii('key-b'));
    const message = ascii('message');
    const first = hex(a.sign(message));
    b.sign(message);
    assert.equal(hex(a.sign(message)), first);
  });

  it('throws a TypeError on misuse', () => {
    assert.throws(() => createPureHmacKey('SHA1', new Uint8Array(0)), TypeError);
    assert.throws(() => createPureHmacKey('MD5' as never, new Uint8Array(1)), TypeError);
    assert.throws(() => createPureHmacKey('SHA1', 'secret' as never), TypeError);
    assert.throws(() => createPureHmacKey('SHA1', new Uint8Array(1)).sign('x' as never), TypeError);
    assert.throws(() => hashBytes('SHA1', 'x' as never), TypeError);
  });
});
