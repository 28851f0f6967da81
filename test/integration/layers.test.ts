// The floors of src/ (docs/ARCHITECTURE.md, "Parts and boundaries"): every product file sits on
// one floor and imports only from its own floor or the floors below, never up; no file imports,
// even as `import type`, something that imports it back (a circle); the browser token reaches
// only its own files, what src/otp/pure.ts reaches and the words' shape (src/shared/text.ts); outside src/authority/, only the wiring
// sees more of the authority than the `AuthorityClient` interface. Tests (*.test.ts) may import
// anything below or beside them and test/support/, so they are not read here.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
// Besides src/otp/pure.ts's reach, what the browser token may bundle: the build's own list.
import { BROWSER_SHARED } from '../../src/token-app/build.js';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * Lowest first. A file belongs to the floor of the longest path (relative to src/, `/`-separated)
 * that it starts with; a path ending in `/` names a folder, any other a file.
 */
const FLOORS: readonly { readonly name: string; readonly paths: readonly string[] }[] = [
  { name: 'otp', paths: ['otp/'] }, // pure: imports nothing outside itself (src/otp/pure.test.ts)
  { name: 'shared', paths: ['shared/'] },
  { name: 'observability', paths: ['observability/'] }, // the process's metrics and log options: any part counts, as it logs
  { name: 'db', paths: ['db/'] }, // with every *.tables.ts, wherever it sits (see floorOf)
  { name: 'audit', paths: ['audit/'] },
  { name: 'notifications', paths: ['notifications/'] }, // the outbox, written in the event's transaction
  { name: 'identity', paths: ['identity/'] }, // sessions, sign-in steps, attempts and locks of any principal
  { name: 'authority', paths: ['authority/'] },
  { name: 'banking', paths: ['banking/'] }, // with ledger/, limits/, transfers/
  { name: 'branch', paths: ['branch/'] },
  { name: 'web kit', paths: ['web/'] },
  {
    name: 'site parts',
    paths: ['web/personal-web/', 'web/transfers/', 'branch/web/', 'notifications/web/', 'observability/web/', 'authority/http/', 'token-app/'],
  },
  { name: 'jobs', paths: ['jobs/'] },
  { name: 'wiring', paths: ['config.ts', 'demo-seed.ts', 'split-deployment.ts'] },
  { name: 'server', paths: ['server.ts'] },
  { name: 'cli', paths: ['cli/'] },
];

/**
 * Imports up a floor that stay for now, each with who removes it (none today). Keys:
 * `from -> to`, paths relative to src/.
 */
const ALLOWED_UP: ReadonlySet<string> = new Set<string>([]);

/** The browser token's entry points (src/token-app/build.ts bundles them). */
const BROWSER_ENTRIES = ['token-app/app.ts', 'token-app/sw.ts'];
/** What may see all of src/authority/ (the others see only authority-client.ts). */
const WIRING_FLOORS = new Set(['wiring', 'server', 'cli']);

/** The floor of a file (path relative to src/), or undefined when none names it. */
function floorOf(path: string): number | undefined {
  // Table types are the schema's, declared beside their part: db/schema.ts composes them.
  if (path.endsWith('.tables.ts')) return FLOORS.findIndex((floor) => floor.name === 'db');
  let best: { floor: number; length: number } | undefined;
  FLOORS.forEach((floor, index) => {
    for (const prefix of floor.paths) {
      const matches = prefix.endsWith('/') ? path.startsWith(prefix) : path === prefix;
      if (matches && (best === undefined || prefix.length > best.length)) best = { floor: index, length: prefix.length };
    }
  });
  return best?.floor;
}

type ImportEdge = readonly [from: string, to: string, specifier: string];

function upFloorImports(edges: readonly ImportEdge[]): string[] {
  const found: string[] = [];
  for (const [from, to, specifier] of edges) {
    const [fromFloor, toFloor] = [floorOf(from), floorOf(to)];
    if (fromFloor === undefined || toFloor === undefined || toFloor <= fromFloor || ALLOWED_UP.has(`${from} -> ${to}`)) continue;
    found.push(`src/${from} imports '${specifier}' (src/${to}): floor ${FLOORS[fromFloor]?.name} may not import floor ${FLOORS[toFloor]?.name}, above it`);
  }
  return found;
}

/** Every strongly connected group of two or more files (or a file importing itself), with its edges. */
function circles(edges: readonly ImportEdge[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    if (!next.has(from)) next.set(from, new Set());
    if (!next.has(to)) next.set(to, new Set());
    next.get(from)?.add(to);
  }
  // Tarjan's algorithm, iterative so that a deep chain of imports cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  for (const start of [...next.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; targets: string[] }[] = [];
    const enter = (node: string) => {
      index.set(node, index.size);
      low.set(node, index.get(node) as number);
      stack.push(node);
      onStack.add(node);
      work.push({ node, targets: [...(next.get(node) ?? [])].sort() });
    };
    enter(start);
    while (work.length > 0) {
      const top = work[work.length - 1] as { node: string; targets: string[] };
      const target = top.targets.shift();
      if (target !== undefined) {
        if (!index.has(target)) enter(target);
        else if (onStack.has(target)) low.set(top.node, Math.min(low.get(top.node) as number, index.get(target) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(top.node) as number));
      if (low.get(top.node) !== index.get(top.node)) continue;
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        group.push(member);
      } while (member !== top.node);
      if (group.length > 1 || next.get(top.node)?.has(top.node)) groups.push(group.sort());
    }
  }
  return groups.map((group) => {
    const members = new Set(group);
    const inside = edges.filter(([from, to]) => members.has(from) && members.has(to)).map(([from, , specifier]) => `src/${from} imports '${specifier}'`);
    return `circle of ${group.map((file) => `src/${file}`).join(', ')}: ${inside.join('; ')}`;
  });
}

/** Every product file under src/ (relative, `/`-separated). */
function productFiles(dir = src): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') files.push(...productFiles(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      files.push(relative(src, path).split(sep).join('/'));
    }
  }
  return files.sort();
}

/**
 * A file's imports: `import … from`, `import '…'`, `export … from`, `import type`, and `import()`
 * with a literal (TypeScript's own scanner, so comments and strings are not mistaken for imports).
 */
function importsOf(file: string): { relative: ImportEdge[]; bare: string[] } {
  const info = ts.preProcessFile(readFileSync(join(src, file), 'utf8'), true, true);
  const edges: ImportEdge[] = [];
  const bare: string[] = [];
  for (const { fileName: specifier } of info.importedFiles) {
    if (!specifier.startsWith('.')) {
      bare.push(specifier);
      continue;
    }
    const target = relative(src, resolve(src, dirname(file), specifier)).split(sep).join('/').replace(/\.js$/, '.ts');
    edges.push([file, target, specifier]);
  }
  return { relative: edges, bare };
}

const files = productFiles();
const imports = new Map(files.map((file) => [file, importsOf(file)]));
const edges = [...imports.values()].flatMap((found) => found.relative);

/** Files reachable from `entries` (the entries included). */
function reach(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, to] of imports.get(file)?.relative ?? []) pending.push(to);
  }
  return seen;
}

describe('floors of src/', () => {
  it('reads the imports (a check that the scanner sees them)', () => {
    assert.ok(files.length > 200, `only ${files.length} product files under src/`);
    assert.ok(edges.length > 1000, `only ${edges.length} relative imports read under src/`);
    assert.ok(
      edges.some(([from, to]) => from === 'server.ts' && to === 'web/app.ts'),
      'the import of web/app.js by server.ts was not read',
    );
  });

  it('puts every product file on a floor', () => {
    assert.deepEqual(
      files.filter((file) => floorOf(file) === undefined),
      [],
      'add the folder to FLOORS here and to the table of docs/ARCHITECTURE.md',
    );
  });

  it('keeps the table types on the db floor free of code: a *.tables.ts file imports nothing of src/', () => {
    assert.deepEqual(
      edges.filter(([from]) => from.endsWith('.tables.ts')).map(([from, , specifier]) => `src/${from} imports '${specifier}'`),
      [],
    );
  });

  it('has no import up a floor', () => {
    assert.deepEqual(upFloorImports(edges), []);
  });

  it('has no circle of imports', () => {
    assert.deepEqual(circles(edges), []);
  });

  it('bundles into the browser token only its own files, what src/otp/pure.ts reaches and src/shared/text.ts, and no one imports those', () => {
    const pure = reach(['otp/pure.ts', ...BROWSER_SHARED]);
    const browser = reach(BROWSER_ENTRIES);
    const outside = [...browser].flatMap((file) => {
      const found = imports.get(file) ?? { relative: [], bare: [] };
      return [
        ...found.relative.filter(([, to]) => !pure.has(to) && !to.startsWith('token-app/')).map(([, to, specifier]) => `src/${file} imports '${specifier}' (src/${to})`),
        ...found.bare.map((specifier) => `src/${file} imports '${specifier}'`),
      ];
    });
    assert.deepEqual(outside.sort(), []);
    // And the other way: what both sides share (the 取引認証 payload) lives in src/otp, so the
    // server side never imports the token's browser code.
    const intoBrowser = edges.filter(([from, to]) => to.startsWith('token-app/') && browser.has(to) && !browser.has(from));
    assert.deepEqual(
      intoBrowser.map(([from, , specifier]) => `src/${from} imports '${specifier}'`),
      [],
    );
  });

  it('shows the authority outside src/authority/ only as the AuthorityClient interface, except to the wiring', () => {
    const seeing = edges.filter(([from, to]) => {
      if (from.startsWith('authority/') || !to.startsWith('authority/')) return false;
      if (to === 'authority/authority-client.ts' || to.endsWith('.tables.ts')) return false;
      return !WIRING_FLOORS.has(FLOORS[floorOf(from) ?? -1]?.name ?? '');
    });
    assert.deepEqual(
      seeing.map(([from, , specifier]) => `src/${from} imports '${specifier}'`),
      [],
    );
  });

  it('catches what it guards against', () => {
    assert.equal(upFloorImports([['otp/hotp.ts', 'shared/clock.ts', '../shared/clock.js']]).length, 1);
    assert.equal(upFloorImports([['banking/customers.ts', 'web/personal-web/messages.ts', '../web/personal-web/messages.js']]).length, 1);
    assert.equal(upFloorImports([['web/transfers/part.ts', 'web/personal-web/i18n.ts', '../personal-web/i18n.js']]).length, 0); // beside
    assert.equal(upFloorImports([['db/schema.ts', 'banking/banking.tables.ts', '../banking/banking.tables.js']]).length, 0);
    assert.equal(floorOf('web/app.ts'), floorOf('web/i18n.ts'));
    assert.notEqual(floorOf('web/app.ts'), floorOf('web/personal-web/part.ts'));
    assert.equal(
      circles([
        ['a/x.ts', 'a/y.ts', './y.js'],
        ['a/y.ts', 'a/z.ts', './z.js'],
        ['a/z.ts', 'a/x.ts', './x.js'],
        ['a/z.ts', 'a/w.ts', './w.js'],
      ]).length,
      1,
    );
    assert.deepEqual(circles([['a/x.ts', 'a/y.ts', './y.js']]), []);
  });
});
