#!/usr/bin/env node
// Runs the test suite with node:test. Test files are listed explicitly (a runner given no files
// may run none and still exit 0), grouped so that CI and people can run a part:
//   node scripts/run-tests.js            all groups
//   node scripts/run-tests.js unit e2e   some groups
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { prepareTestMachine } from './prepare-test-machine.js';

const root = new URL('..', import.meta.url).pathname;

/** Files ending in `suffix` under `dir`, sorted, as paths relative to the repository. */
function findFiles(dir, suffix) {
  const found = [];
  const walk = (current) => {
    for (const name of readdirSync(current)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(suffix)) found.push(relative(root, path));
    }
  };
  try {
    walk(join(root, dir));
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  return found.sort();
}

const groups = {
  unit: () => [...findFiles('src', '.test.ts'), ...findFiles('test/integration', '.test.ts')],
  e2e: () => findFiles('test/e2e', '.test.ts'),
  // The attack suite and the fuzzer: real servers reached over HTTP only (test/security).
  security: () => findFiles('test/security', '.test.ts'),
  // The production artefact: built, installed with production dependencies only, run (issue 18).
  artefact: () => findFiles('test/artefact', '.test.ts'),
};

// Chromium, oathtool and friends first: a missing one stops the run now, with the command to
// install it, not half an hour in.
const problem = prepareTestMachine();
if (problem !== null) {
  console.error(problem);
  process.exit(1);
}

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(groups);
let failed = false;
for (const name of names) {
  const list = groups[name];
  if (!list) {
    console.error(`unknown test group "${name}" (known: ${Object.keys(groups).join(', ')})`);
    process.exit(2);
  }
  const files = list();
  if (files.length === 0) {
    console.error(`test group "${name}" has no test files`);
    process.exit(1);
  }
  console.log(`\n# ${name}: ${files.length} test files`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
    { cwd: root, stdio: 'inherit', env: process.env },
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
