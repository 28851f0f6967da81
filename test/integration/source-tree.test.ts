// src/ is the product, and the build ships it alone: no product file under src/ imports or spawns
// anything in test/, and what serves only tests (harnesses, fixtures, the child processes a test
// spawns, shared suites, vectors) lives in test/support/, mirroring src/. Tests (*.test.ts) stay
// beside the code they test and may import test/support/, so their imports are not read here.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));
const src = join(root, 'src');

/** Names that only test support has; none of them may stand in src/. */
const SUPPORT_FILE = /(?:-testing|^testing|^test-world|^test-fixtures|\.child|\.contract)\.ts$/;
const SUPPORT_FOLDER = 'testing';
/** A file found by URL beside the module, as a child process is before it is spawned. */
const LOCATED = /new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g;

/** Every file and folder below `dir` (absolute), built output (`dist`, ignored by git) left out. */
function walk(dir: string): { files: string[]; folders: string[] } {
  const found = { files: [] as string[], folders: [] as string[] };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (!entry.isDirectory()) found.files.push(path);
    else if (entry.name !== 'node_modules' && entry.name !== 'dist') {
      const below = walk(path);
      found.folders.push(path, ...below.folders);
      found.files.push(...below.files);
    }
  }
  return found;
}

/**
 * What `source` (at `file`) reaches by relative path, resolved: its imports as TypeScript's
 * scanner reads them (static, `export … from`, `import type`, `import()` with a literal) and the
 * files it locates with `new URL('…', import.meta.url)`.
 */
function referencesOf(file: string, source: string): string[] {
  const imported = ts.preProcessFile(source, true, true).importedFiles.map(({ fileName }) => fileName);
  const located = [...source.matchAll(LOCATED)].map((match) => match[1] as string);
  return [...imported, ...located].filter((specifier) => specifier.startsWith('.')).map((specifier) => resolve(dirname(file), specifier));
}

/** `file → target` for every reference of a product file into test/. */
function intoTest(files: readonly { file: string; source: string }[]): string[] {
  const testDir = join(root, 'test');
  return files
    .filter(({ file }) => /\.(ts|js)$/.test(file) && !file.endsWith('.test.ts'))
    .flatMap(({ file, source }) =>
      referencesOf(file, source)
        .filter((target) => target === testDir || target.startsWith(testDir + sep))
        .map((target) => `${relative(root, file)} → ${relative(root, target)}`),
    );
}

/** The paths named as only test support names its files and folders. */
function misplacedSupport(tree: { files: readonly string[]; folders: readonly string[] }): string[] {
  return [...tree.files.filter((file) => SUPPORT_FILE.test(basename(file))), ...tree.folders.filter((folder) => basename(folder) === SUPPORT_FOLDER)].map(
    (path) => relative(root, path),
  );
}

const tree = walk(src);
const sources = tree.files.filter((file) => /\.(ts|js)$/.test(file)).map((file) => ({ file, source: readFileSync(file, 'utf8') }));

describe('the source tree', () => {
  it('reads the imports (a check that the scanner sees them)', () => {
    const references = sources.flatMap(({ file, source }) => referencesOf(file, source));
    assert.ok(references.length > 1000, `only ${references.length} relative references read under src/`);
    assert.ok(references.includes(join(src, 'web', 'app.js')), 'no import of web/app.js was read');
  });

  it('has no product file under src/ that imports or spawns anything in test/', () => {
    assert.deepEqual(intoTest(sources), []);
  });

  it('holds no test support: no *-testing.ts, testing.ts, test-world.ts, test-fixtures.ts, *.child.ts, *.contract.ts or testing/ folder', () => {
    assert.deepEqual(misplacedSupport(tree), []);
  });

  it('catches what it guards against', () => {
    const at = (path: string) => join(src, path);
    assert.deepEqual(intoTest([{ file: at('config.ts'), source: "import { skipReason } from '../test/support/db/testing.js';" }]), [
      'src/config.ts → test/support/db/testing.js',
    ]);
    assert.equal(intoTest([{ file: at('web/a.ts'), source: "export type { X } from '../../test/support/x.js';" }]).length, 1);
    assert.equal(intoTest([{ file: at('web/a.ts'), source: "const m = await import('../../test/support/x.js');" }]).length, 1);
    assert.equal(intoTest([{ file: at('db/a.ts'), source: "const CHILD = new URL('../../test/support/db/a.child.ts', import.meta.url);" }]).length, 1);
    // A test beside the code may import test support; a comment naming it imports nothing.
    assert.deepEqual(intoTest([{ file: at('db/a.test.ts'), source: "import { DIALECTS } from '../../test/support/db/testing.js';" }]), []);
    assert.deepEqual(intoTest([{ file: at('db/a.ts'), source: "// see '../../test/support/db/testing.js'\nimport { x } from './x.js';" }]), []);
    assert.deepEqual(
      misplacedSupport({
        files: [at('db/testing.ts'), at('web/x-testing.ts'), at('banking/test-world.ts'), at('banking/test-fixtures.ts'), at('a/b.child.ts'), at('a/c.contract.ts'), at('branch/open-contract.ts')],
        folders: [at('notifications/testing'), at('notifications/web')],
      }),
      ['src/db/testing.ts', 'src/web/x-testing.ts', 'src/banking/test-world.ts', 'src/banking/test-fixtures.ts', 'src/a/b.child.ts', 'src/a/c.contract.ts', 'src/notifications/testing'],
    );
  });
});
