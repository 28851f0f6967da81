// What package.json declares is what the product uses: a runtime dependency nothing imports is
// still installed, shipped and scanned (the unused @fastify/static of issue 18 was flagged by every
// scanner for advisories of a package Mamori never loaded), and the packages replaced for a reason
// (argon2, whose bundled prebuild crashed on load here) stay out of the installed tree.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };

/** Packages kept out of the tree on purpose, with the reason. */
const REMOVED: Record<string, string> = {
  '@fastify/static': 'nothing imports it, and its 8.x line is inside four 2026 advisories',
  argon2: 'its prebuild crashed on load on Debian 12 and was silently rebuilt; @node-rs/argon2 replaced it',
};

/** The product's own sources, tests left out: what a production install runs. */
function productSources(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) found.push(path);
    }
  };
  for (const dir of ['src', 'bin']) walk(join(root, dir));
  return found;
}

/** Whether `source` loads `name`: an import, an `import()`, a require or a loader registration. */
function loads(source: string, name: string): boolean {
  const quoted = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(?:from\\s*|import\\s*\\(\\s*|\\(\\s*)['"]${quoted}(?:/[^'"]*)?['"]`).test(source);
}

describe('dependencies', () => {
  const sources = productSources().map((file) => readFileSync(file, 'utf8'));

  it('every runtime dependency in package.json is loaded by the product', () => {
    const unused = Object.keys(manifest.dependencies).filter((name) => !sources.some((source) => loads(source, name)));
    assert.deepEqual(unused, [], 'declared in dependencies but loaded by nothing under src/ or bin/');
  });

  it('the packages removed on purpose are neither declared nor in the installed tree', () => {
    for (const [name, reason] of Object.entries(REMOVED)) {
      assert.equal(manifest.dependencies[name], undefined, `${name}: ${reason}`);
      assert.equal(lock.packages[`node_modules/${name}`], undefined, `${name} is still in package-lock.json: ${reason}`);
    }
  });

  it('catches what it guards against', () => {
    assert.equal(loads("import x from '@fastify/static';", '@fastify/static'), true);
    assert.equal(loads("const d = createRequire(import.meta.url)('zengin-code');", 'zengin-code'), true);
    assert.equal(loads("import { register } from 'tsx/esm/api';", 'tsx'), true);
    assert.equal(loads("import x from 'pg-pool';", 'pg'), false);
    assert.equal(loads('// the pg package', 'pg'), false);
  });
});
