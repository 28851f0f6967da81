import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { systemRandomBytes } from '../shared/clock.js';
import { addKey, createKeyring, KEY_FILE_NAME, KeyringError, loadKeyring, parseMasterKeySpec } from './keyring.js';

const key = (fill: number) => new Uint8Array(32).fill(fill);
const keyring = (ids: [string, number][], active: string) =>
  createKeyring({ keys: new Map(ids.map(([id, fill]) => [id, key(fill)])), activeKeyId: active, randomBytes: systemRandomBytes });
const secret = new TextEncoder().encode('12345678901234567890');

function withTempDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-keys-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('keyring', () => {
  it('seals and opens a secret (round trip), with a fresh IV each time', () => {
    const ring = keyring([['k1', 1]], 'k1');
    const a = ring.seal(secret, 'MMOB12345678');
    const b = ring.seal(secret, 'MMOB12345678');
    assert.equal(a.keyId, 'k1');
    assert.notEqual(a.ciphertext, b.ciphertext);
    assert.deepEqual(ring.open(a, 'MMOB12345678'), secret);
    assert.equal(Buffer.from(a.ciphertext, 'base64url').length, 12 + secret.length + 16);
  });

  it('refuses a tampered ciphertext, IV or tag', () => {
    const ring = keyring([['k1', 1]], 'k1');
    const sealed = ring.seal(secret, 'MMOB12345678');
    const bytes = Buffer.from(sealed.ciphertext, 'base64url');
    for (const position of [0, 12, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[position] = (tampered[position] ?? 0) ^ 1;
      assert.throws(() => ring.open({ keyId: 'k1', ciphertext: tampered.toString('base64url') }, 'MMOB12345678'), KeyringError);
    }
    assert.throws(() => ring.open({ keyId: 'k1', ciphertext: 'AAAA' }, 'MMOB12345678'), KeyringError);
  });

  it('refuses a ciphertext moved to another row (wrong aad), an unknown key id or another key', () => {
    const ring = keyring([['k1', 1]], 'k1');
    const sealed = ring.seal(secret, 'MMOB12345678');
    assert.throws(() => ring.open(sealed, 'MMOB12345686'), KeyringError);
    assert.throws(() => ring.open({ ...sealed, keyId: 'k9' }, 'MMOB12345678'), /no master key "k9"/);
    const other = keyring([['k1', 2]], 'k1');
    assert.throws(() => other.open(sealed, 'MMOB12345678'), KeyringError);
  });

  it('keeps opening old keys after rotation and seals with the active one', () => {
    const old = keyring([['k1', 1]], 'k1').seal(secret, 's');
    const rotated = keyring([['k1', 1], ['k2', 2]], 'k2');
    assert.deepEqual(rotated.open(old, 's'), secret);
    assert.equal(rotated.seal(secret, 's').keyId, 'k2');
  });

  it('parses MAMORI_MASTER_KEY: one key is "k1", several are named and the last is active', () => {
    const one = Buffer.from(key(7)).toString('base64');
    assert.equal(parseMasterKeySpec(one).activeKeyId, 'k1');
    const spec = `old:${one},new:${Buffer.from(key(8)).toString('base64url')}`;
    const parsed = parseMasterKeySpec(spec);
    assert.equal(parsed.activeKeyId, 'new');
    assert.deepEqual([...parsed.keys.keys()], ['old', 'new']);
    assert.throws(() => parseMasterKeySpec('c2hvcnQ='), /32 bytes/);
    assert.throws(() => parseMasterKeySpec(`${one},${one}`), /name each one/);
    assert.throws(() => parseMasterKeySpec(`a:${one},a:${one}`), /twice/);
    assert.throws(() => parseMasterKeySpec('a:not base64!'), /not base64/);
  });

  it('creates the key file with mode 0600 on first use and loads it again', () => {
    withTempDir((dir) => {
      const first = loadKeyring({ masterKey: undefined, dataDir: dir, randomBytes: systemRandomBytes });
      const path = join(dir, KEY_FILE_NAME);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const file = JSON.parse(readFileSync(path, 'utf8')) as { active: string; keys: Record<string, string> };
      assert.equal(file.active, 'k1');
      assert.equal(Buffer.from(file.keys.k1 ?? '', 'base64').length, 32);
      const sealed = first.seal(secret, 's');
      const again = loadKeyring({ masterKey: undefined, dataDir: dir, randomBytes: systemRandomBytes });
      assert.deepEqual(again.open(sealed, 's'), secret);
    });
  });

  it('prefers MAMORI_MASTER_KEY and then writes no file', () => {
    withTempDir((dir) => {
      const ring = loadKeyring({ masterKey: Buffer.from(key(3)).toString('base64'), dataDir: dir, randomBytes: systemRandomBytes });
      assert.equal(ring.activeKeyId, 'k1');
      assert.throws(() => statSync(join(dir, KEY_FILE_NAME)), /ENOENT/);
    });
  });

  it('addKey rotates: a new active key, old keys kept, file still 0600', () => {
    withTempDir((dir) => {
      const before = loadKeyring({ masterKey: undefined, dataDir: dir, randomBytes: systemRandomBytes });
      const sealed = before.seal(secret, 's');
      assert.deepEqual(addKey({ dataDir: dir, randomBytes: systemRandomBytes }), { keyId: 'k2' });
      const path = join(dir, KEY_FILE_NAME);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const after = loadKeyring({ masterKey: undefined, dataDir: dir, randomBytes: systemRandomBytes });
      assert.equal(after.activeKeyId, 'k2');
      assert.deepEqual(after.open(sealed, 's'), secret);
      // A process started before the rotation learns the new key when it meets it.
      const movedToK2 = after.seal(secret, 's');
      assert.deepEqual(before.open(movedToK2, 's'), secret);
      assert.equal(before.activeKeyId, 'k1');
    });
  });

  it('refuses a damaged key file with a clear message', () => {
    withTempDir((dir) => {
      writeFileSync(join(dir, KEY_FILE_NAME), '{"active":"k1","keys":{"k1":"c2hvcnQ="}}', { mode: 0o600 });
      assert.throws(() => loadKeyring({ masterKey: undefined, dataDir: dir, randomBytes: systemRandomBytes }), /32 bytes/);
      writeFileSync(join(dir, KEY_FILE_NAME), 'not json');
      assert.throws(() => loadKeyring({ masterKey: undefined, dataDir: dir, randomBytes: systemRandomBytes }), /cannot read/);
      writeFileSync(join(dir, KEY_FILE_NAME), '{"active":"k2","keys":{}}');
      assert.throws(() => loadKeyring({ masterKey: undefined, dataDir: dir, randomBytes: systemRandomBytes }), /active master key "k2"/);
    });
  });
});
