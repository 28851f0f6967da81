import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPasswordHasher, TEST_ARGON2 } from './password-hasher.js';

// Made by the `argon2` package (0.45.1, argon2.hash with type argon2id) before Mamori moved to
// `@node-rs/argon2`: the stored hashes of every existing customer and operator look like these
// (that package writes the parameters m, p, t in that order; the new one writes m, t, p).
const OLD_LIBRARY_HASHES: readonly [password: string, hash: string][] = [
  ['Mamori-2026', '$argon2id$v=19$m=19456,p=1,t=2$QU1Ndnaf4ZArdkUNkNotBg$jWUdEDAX9fqV7SbfXcaUgPyFjnNrRQfmE+YWlBWHQ5E'],
  ['246810', '$argon2id$v=19$m=1024,p=1,t=1$21GAsjf4MMpZ6ngm00Lw6A$yTDCPBOXTE+TtJ1dsNw+sucOimoXGuyIJds1WpN0WSQ'],
  ['Mamori-Branch-2026', '$argon2id$v=19$m=65536,p=4,t=3$ioWYAMlygcf3GZ+9YjnCuA$IbHK9Fb+o8iSUlfVtEJ3FOFVQF1PqgpAZA4+5zce8RI'],
];

describe('password hasher (argon2id)', () => {
  const hasher = createPasswordHasher(TEST_ARGON2);

  it('verifies the hashes the previous library stored, and refuses a wrong password against them', async () => {
    for (const [password, hash] of OLD_LIBRARY_HASHES) {
      assert.equal(await hasher.verify(hash, password), true, password);
      assert.equal(await hasher.verify(hash, `${password}x`), false, password);
    }
  });

  it('hashes argon2id with the given parameters and a fresh salt each time', async () => {
    const one = await hasher.hash('Mamori-2026');
    const two = await hasher.hash('Mamori-2026');
    assert.match(one, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.notEqual(one, two);
    assert.equal(await hasher.verify(one, 'Mamori-2026'), true);
    assert.equal(await hasher.verify(two, 'mamori-2026'), false);
  });

  it('a malformed stored hash verifies nothing, and the dummy check always says no', async () => {
    for (const broken of ['', 'plain', '$argon2id$v=19$m=1024,t=1,p=1$short$short', '$bcrypt$x']) assert.equal(await hasher.verify(broken, 'x'), false);
    assert.equal(await hasher.verifyDummy('Mamori-2026'), false);
  });
});
