// Master keys that seal token secrets at rest (DESIGN §5): AES-256-GCM, a fresh 96-bit IV per
// seal (NIST SP 800-38D §8.2.2: random IVs are safe far beyond our number of seals), the
// 128-bit tag appended, and the token's serial as additional authenticated data so a
// ciphertext copied into another row does not open there.
//
// Keys come from MAMORI_MASTER_KEY (`base64` of 32 bytes, which is key "k1", or
// `id:base64,id:base64,…` with the LAST as the active key), or else from a key file
// `<dataDir>/master-keys.json` (mode 0600) created on first use:
//   { "active": "k1", "keys": { "k1": "<base64 of 32 bytes>" } }
// Every ciphertext is stored with the id of the key that sealed it, so old keys keep opening
// old rows after a rotation until `reencryptTokenSecrets` has moved them to the active key.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RandomBytes } from '../shared/clock.js';
import { writeFileAtomically } from './atomic-file.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;

export const KEY_FILE_NAME = 'master-keys.json';

export interface SealedSecret {
  readonly keyId: string;
  /** base64url(iv | ciphertext | tag) */
  readonly ciphertext: string;
}

export interface Keyring {
  readonly activeKeyId: string;
  readonly keyIds: readonly string[];
  seal(plaintext: Uint8Array, aad: string): SealedSecret;
  /** Throws when the key id is unknown, or the ciphertext, tag or aad do not fit (tampering). */
  open(sealed: SealedSecret, aad: string): Uint8Array;
}

export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

/** A keyring over the given keys (id → 32 bytes). */
export function createKeyring(input: { keys: ReadonlyMap<string, Uint8Array>; activeKeyId: string; randomBytes: RandomBytes }): Keyring {
  const keys = new Map<string, Buffer>();
  for (const [id, key] of input.keys) {
    if (!KEY_ID_PATTERN.test(id)) throw new KeyringError(`invalid master key id "${id}"`);
    if (key.length !== KEY_BYTES) throw new KeyringError(`master key "${id}" must be ${KEY_BYTES} bytes`);
    keys.set(id, Buffer.from(key));
  }
  const activeKey = keys.get(input.activeKeyId);
  if (activeKey === undefined) throw new KeyringError(`the active master key "${input.activeKeyId}" is not in the keyring`);
  const { randomBytes } = input;
  return {
    activeKeyId: input.activeKeyId,
    keyIds: [...keys.keys()],
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      if (iv.length !== IV_BYTES) throw new KeyringError('randomBytes returned the wrong length');
      const cipher = createCipheriv('aes-256-gcm', activeKey, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]);
      return { keyId: input.activeKeyId, ciphertext: sealed.toString('base64url') };
    },
    open(sealed, aad) {
      const key = keys.get(sealed.keyId);
      if (key === undefined) throw new KeyringError(`no master key "${sealed.keyId}" in the keyring (was it removed too early?)`);
      const bytes = Buffer.from(sealed.ciphertext, 'base64url');
      if (bytes.length < IV_BYTES + TAG_BYTES) throw new KeyringError('sealed secret is too short');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      try {
        const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
        return new Uint8Array(plain.buffer, plain.byteOffset, plain.length);
      } catch {
        // Never say more: which part failed is of use only to an attacker.
        throw new KeyringError('sealed secret does not authenticate (tampered, or sealed for another row)');
      }
    },
  };
}

/** Parses MAMORI_MASTER_KEY: `base64` (key "k1") or `id:base64,…`, the last being active. */
export function parseMasterKeySpec(spec: string): { keys: Map<string, Uint8Array>; activeKeyId: string } {
  const keys = new Map<string, Uint8Array>();
  let activeKeyId = '';
  const parts = spec.split(',').map((part) => part.trim());
  for (const part of parts) {
    const colon = part.indexOf(':');
    const id = colon === -1 ? (parts.length === 1 ? 'k1' : '') : part.slice(0, colon);
    if (id === '') throw new KeyringError('MAMORI_MASTER_KEY with several keys must name each one: id:base64,id:base64');
    if (keys.has(id)) throw new KeyringError(`MAMORI_MASTER_KEY names key "${id}" twice`);
    keys.set(id, decodeKey(colon === -1 ? part : part.slice(colon + 1), `MAMORI_MASTER_KEY key "${id}"`));
    activeKeyId = id;
  }
  return { keys, activeKeyId };
}

interface KeyFile {
  active: string;
  keys: Record<string, string>;
}

/**
 * The keyring of the deployment: MAMORI_MASTER_KEY when set, else the key file in the data
 * directory, created (0600) with one fresh key when absent.
 *
 * A file-based keyring re-reads the file when it meets a key id it does not know, so a server
 * that was running when `mamori keys rotate` added a key can still open rows that
 * `reencryptTokenSecrets` moved to it. (With MAMORI_MASTER_KEY, restart every process with the
 * new list before re-encrypting: docs/authority.md.)
 */
export function loadKeyring(input: { masterKey: string | undefined; dataDir: string; randomBytes: RandomBytes }): Keyring {
  const { randomBytes } = input;
  if (input.masterKey !== undefined) return createKeyring({ ...parseMasterKeySpec(input.masterKey), randomBytes });
  const path = join(input.dataDir, KEY_FILE_NAME);
  if (!existsSync(path)) createKeyFile({ path, randomBytes });
  let current = createKeyring({ ...readKeyFile(path), randomBytes });
  return {
    activeKeyId: current.activeKeyId,
    get keyIds() {
      return current.keyIds;
    },
    seal: (plaintext, aad) => current.seal(plaintext, aad),
    open(sealed, aad) {
      if (!current.keyIds.includes(sealed.keyId)) {
        const reread = readKeyFile(path);
        // Keep sealing with the key this process started with; only learn the new ones.
        if (reread.keys.has(current.activeKeyId)) current = createKeyring({ keys: reread.keys, activeKeyId: current.activeKeyId, randomBytes });
      }
      return current.open(sealed, aad);
    },
  };
}

/** First use: one fresh key. When two processes race here, the first file wins for both. */
function createKeyFile(input: { path: string; randomBytes: RandomBytes }): void {
  const file: KeyFile = { active: 'k1', keys: { k1: Buffer.from(freshKey(input.randomBytes)).toString('base64') } };
  writeFileAtomically(input.path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, exclusive: true });
}

/**
 * Adds a fresh key to the key file and makes it active (`mamori keys rotate`), creating the
 * file when absent. The file is replaced atomically (write, fsync, rename) with mode 0600, so
 * a crash leaves either the old or the new file, never a torn one. Returns the new key's id.
 * Old keys stay: rows sealed with them still open until they are re-encrypted. Run one
 * rotation at a time (it is an operator's command).
 */
export function addKey(input: { dataDir: string; randomBytes: RandomBytes }): { keyId: string } {
  const path = join(input.dataDir, KEY_FILE_NAME);
  if (!existsSync(path)) {
    createKeyFile({ path, randomBytes: input.randomBytes });
    return { keyId: readKeyFile(path).activeKeyId };
  }
  const current = readKeyFile(path);
  let next = current.keys.size + 1;
  while (current.keys.has(`k${next}`)) next += 1;
  const keyId = `k${next}`;
  const file: KeyFile = { active: keyId, keys: {} };
  for (const [id, bytes] of current.keys) file.keys[id] = Buffer.from(bytes).toString('base64');
  file.keys[keyId] = Buffer.from(freshKey(input.randomBytes)).toString('base64');
  writeFileAtomically(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return { keyId };
}

function freshKey(randomBytes: RandomBytes): Uint8Array {
  const key = randomBytes(KEY_BYTES);
  if (key.length !== KEY_BYTES) throw new KeyringError('randomBytes returned the wrong length');
  return key;
}

function readKeyFile(path: string): { keys: Map<string, Uint8Array>; activeKeyId: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new KeyringError(`cannot read the master key file ${path}: ${(error as Error).message}`);
  }
  if (!isKeyFile(parsed)) throw new KeyringError(`the master key file ${path} is not {"active": id, "keys": {id: base64}}`);
  const keys = new Map<string, Uint8Array>();
  for (const [id, base64] of Object.entries(parsed.keys)) keys.set(id, decodeKey(base64, `key "${id}" of ${path}`));
  return { keys, activeKeyId: parsed.active };
}

function isKeyFile(value: unknown): value is KeyFile {
  if (typeof value !== 'object' || value === null) return false;
  const { active, keys } = value as Partial<KeyFile>;
  return typeof active === 'string' && typeof keys === 'object' && keys !== null && Object.values(keys).every((v) => typeof v === 'string');
}

function decodeKey(base64: string, what: string): Uint8Array {
  // Buffer.from(…, 'base64') skips characters it does not know; refuse them instead.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(base64)) throw new KeyringError(`${what} is not base64`);
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== KEY_BYTES) throw new KeyringError(`${what} must be ${KEY_BYTES} bytes (base64 of 32 random bytes)`);
  return new Uint8Array(bytes);
}
