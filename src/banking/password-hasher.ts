// argon2id for login and confirmation passwords. `@node-rs/argon2` hashes on libuv's
// threadpool, so a login never blocks the event loop (DESIGN §6); it ships prebuilt binaries as
// ordinary registry packages, so a host needs no compiler for it. Its PHC strings are the same
// as those of the `argon2` package it replaced (password-hasher.test.ts verifies hashes made by
// that package), so every stored hash keeps verifying.
import { hash as argon2Hash, verify as argon2Verify, type Algorithm } from '@node-rs/argon2';

/** `Algorithm.Argon2id`: the package declares it as a const enum, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm;

export interface Argon2Params {
  memoryCost: number; // KiB
  timeCost: number;
  parallelism: number;
}

/** OWASP's argon2id baseline (19 MiB, t=2, p=1); a deployment may raise it. */
export const PRODUCTION_ARGON2: Readonly<Argon2Params> = Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
/** Only for tests: the same algorithm, cheap enough to hash in every test. */
export const TEST_ARGON2: Readonly<Argon2Params> = Object.freeze({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

export interface PasswordHasher {
  hash(plain: string): Promise<string>;
  verify(hash: string, plain: string): Promise<boolean>;
  /**
   * Spends the same work as `verify` against a hash no password matches, so an unknown
   * contract ID answers in about the time a known one does.
   */
  verifyDummy(plain: string): Promise<false>;
}

export function createPasswordHasher(params: Argon2Params = PRODUCTION_ARGON2): PasswordHasher {
  let dummy: Promise<string> | undefined;
  const hash = (plain: string) => argon2Hash(plain, { algorithm: ARGON2ID, ...params });
  const verify = async (digest: string, plain: string) => {
    try {
      return await argon2Verify(digest, plain);
    } catch {
      return false; // a malformed stored hash verifies nothing
    }
  };
  return {
    hash,
    verify,
    async verifyDummy(plain) {
      dummy ??= hash('\u0000dummy password no one can type\u0000');
      await verify(await dummy, plain);
      return false;
    },
  };
}
