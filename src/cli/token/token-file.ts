// Where the CLI token keeps its secret: one JSON file only its owner can read.
//
//   $MAMORI_TOKEN_FILE, else ${XDG_CONFIG_HOME:-~/.config}/mamori/token.json
//
// The file is the token: whoever copies it can make codes, and whoever deletes it has lost the
// token for good (the authority never gives a secret out twice). So it is created 0600 in a
// 0700 directory, written atomically (a crash leaves the old file or the new one, never half
// of one), and never replaced silently.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { MAX_CODE_DIGITS, MIN_CODE_DIGITS, normalizeSerial } from '../../otp/index.js';

export interface StoredToken {
  version: 1;
  serial: string; // 12 characters, normalised (no spaces or hyphens)
  kind: 'mobile' | 'desktop';
  secret: string; // RFC 4648 base32, no padding
  algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  digits: number;
  periodSeconds: number;
  authority: string; // the authority's base URL it was provisioned from
  createdAt: string; // ISO 8601, UTC
}

export function tokenFilePath(env: NodeJS.ProcessEnv): string {
  if (env.MAMORI_TOKEN_FILE) return env.MAMORI_TOKEN_FILE;
  // XDG Base Directory spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const configHome = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(configHome, 'mamori', 'token.json');
}

export type ReadTokenResult =
  | { found: true; token: StoredToken; readableByOthers: boolean }
  | { found: false }
  | { found: 'invalid'; problem: string };

export function readTokenFile(path: string): ReadTokenResult {
  let text: string;
  let mode: number;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { found: false };
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { found: 'invalid', problem: 'it is not JSON' };
  }
  const problem = describeInvalidToken(data);
  if (problem !== undefined) return { found: 'invalid', problem };
  return { found: true, token: data as StoredToken, readableByOthers: (mode & 0o077) !== 0 };
}

function describeInvalidToken(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return 'it is not a JSON object';
  const t = data as Record<string, unknown>;
  if (t.version !== 1) return `its version is ${JSON.stringify(t.version)}, this mamori reads version 1`;
  if (typeof t.serial !== 'string') return 'its serial is missing';
  const serial = normalizeSerial(t.serial);
  if (!serial.ok || serial.serial !== t.serial) return 'its serial is malformed';
  if (t.kind !== 'mobile' && t.kind !== 'desktop') return 'its kind is missing or unknown';
  if (typeof t.secret !== 'string' || !/^[A-Z2-7]+$/.test(t.secret)) return 'its secret is missing or not base32';
  if (t.algorithm !== 'SHA1' && t.algorithm !== 'SHA256' && t.algorithm !== 'SHA512') return 'its algorithm is missing or unknown';
  if (!Number.isInteger(t.digits) || (t.digits as number) < MIN_CODE_DIGITS || (t.digits as number) > MAX_CODE_DIGITS) return 'its digits are missing or out of range';
  if (!Number.isInteger(t.periodSeconds) || (t.periodSeconds as number) < 1) return 'its periodSeconds is missing or not positive';
  if (typeof t.authority !== 'string') return 'its authority is missing';
  if (typeof t.createdAt !== 'string') return 'its createdAt is missing';
  return undefined;
}

export type WriteTokenResult = { written: true } | { written: false; reason: 'exists' };

/**
 * Writes the token atomically with mode 0600. Without `replace`, an existing file is never
 * overwritten, even by a concurrent `token new`: the file is published with link(2), which
 * fails when the name exists, instead of rename(2), which would replace it.
 */
export function writeTokenFile(path: string, token: StoredToken, { replace }: { replace: boolean }): WriteTokenResult {
  const dir = dirname(path);
  // 0700 applies only to directories created here; an existing one is the user's to decide.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = join(dir, `.token-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  // 'wx' + 0600 at creation: the secret is never in a file anyone else could open, not even
  // for the moment between writing and a later chmod.
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    try {
      writeSync(fd, `${JSON.stringify(token, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (replace) {
      renameSync(temporary, path);
    } else {
      try {
        linkSync(temporary, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { written: false, reason: 'exists' };
        throw error;
      }
    }
    syncDirectory(dir);
    return { written: true };
  } finally {
    try {
      unlinkSync(temporary); // after link(2), or when anything failed
    } catch {
      // already renamed into place
    }
  }
}

function syncDirectory(dir: string): void {
  // The new directory entry is durable only once the directory itself is synced (POSIX).
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms (Windows) cannot open a directory; the rename is still atomic there.
  }
}
