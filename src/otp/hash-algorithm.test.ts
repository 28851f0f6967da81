import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { BLOCK_BYTES, DIGEST_BYTES, HASH_ALGORITHMS, assertHashAlgorithm, isHashAlgorithm } from './hash-algorithm.js';

describe('hash-algorithm', () => {
  it('recognises exactly SHA1, SHA256 and SHA512', () => {
    for (const algorithm of HASH_ALGORITHMS) assert.equal(isHashAlgorithm(algorithm), true);
    for (const other of ['sha1', 'SHA-1', 'MD5', 'SHA384', '', null, undefined, 1, {}]) {
      assert.equal(isHashAlgorithm(other), false, String(other));
      assert.throws(() => assertHashAlgorithm(other), TypeError);
    }
  });

  it('states the digest sizes OpenSSL produces and the FIPS 180-4 block sizes', () => {
    for (const algorithm of HASH_ALGORITHMS) {
      assert.equal(createHash(algorithm.toLowerCase()).update('x').digest().length, DIGEST_BYTES[algorithm]);
    }
    assert.deepEqual(BLOCK_BYTES, { SHA1: 64, SHA256: 64, SHA512: 128 });
  });
});
