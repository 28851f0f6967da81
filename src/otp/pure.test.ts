// The browser token bundles pure.ts: node:crypto (or any node: module) anywhere in its import
// graph would break that bundle, and src/otp must import nothing outside itself.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as index from './index.js';
import * as pure from './pure.js';

const here = dirname(fileURLToPath(import.meta.url));
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

function specifiersOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(SPECIFIER)].map((match) => (match[1] ?? match[2]) as string);
}

/** Every file reachable from `entry` through static imports and re-exports. */
function importGraph(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of specifiersOf(file)) {
      if (specifier.startsWith('.')) {
        pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      } else {
        external.add(specifier);
      }
    }
  }
  return { files, external };
}

describe('module boundaries', () => {
  it('keeps node:crypto and every other non-relative import out of pure.ts', () => {
    const { files, external } = importGraph(join(here, 'pure.ts'));
    assert.deepEqual([...external], []);
    assert.ok(files.has(join(here, 'transaction-code.ts')));
    assert.ok(!files.has(join(here, 'hmac-node.ts')));
  });

  it('has exactly one source file importing node:crypto (hmac-node.ts), and nothing outside src/otp', () => {
    const sources = readdirSync(here).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
    const importing: string[] = [];
    for (const name of sources) {
      for (const specifier of specifiersOf(join(here, name))) {
        if (specifier === 'node:crypto') importing.push(name);
        if (!specifier.startsWith('.')) assert.equal(specifier, 'node:crypto', `${name} imports ${specifier}`);
        else assert.ok(resolve(here, dirname(name), specifier).startsWith(here), `${name} imports ${specifier}`);
      }
    }
    assert.deepEqual(importing, ['hmac-node.ts']);
  });

  it('index.ts exports everything pure.ts does, plus the Node HMAC', () => {
    for (const name of Object.keys(pure)) {
      assert.ok(name in index, name);
    }
    assert.equal(typeof index.createHmacKey, 'function');
    assert.equal('createHmacKey' in pure, false);
    // A sanity check that the two entry points share the same functions, not copies.
    assert.equal(index.verifyTotp, pure.verifyTotp);
  });
});
