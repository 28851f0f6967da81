#!/usr/bin/env node
// CI's engine check: every package of package-lock.json declares a Node.js range (`engines.node`)
// that the tested runtimes meet, and every production package also the oldest Node our own
// `engines` promises. npm only warns (EBADENGINE) and installs anyway; cookie@2, needing Node
// 22 under @fastify/cookie, was such a warning on Node 20 (now held at 1.x by `overrides`).
//   node scripts/check-engines.js [version…]   (default: the Node.js running it)
import { readFileSync } from 'node:fs';
import semver from 'semver';

const root = new URL('..', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8'));
const runtimes = process.argv.length > 2 ? process.argv.slice(2) : [process.version];
const oldestPromised = semver.minVersion(manifest.engines.node).version;

const problems = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  const range = entry.engines?.node;
  if (path === '' || typeof range !== 'string') continue;
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const versions = entry.dev || entry.optional ? runtimes : [...runtimes, oldestPromised];
  for (const version of versions) {
    if (!semver.satisfies(version, range)) problems.push(`${name}@${entry.version} needs Node ${range}, not ${version}${version === oldestPromised ? ` (package.json promises ${manifest.engines.node})` : ''}`);
  }
}
if (problems.length > 0) {
  console.error(`engines: ${problems.length} package(s) do not run on the tested runtimes:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`engines: every package runs on Node ${[...new Set([...runtimes, oldestPromised])].join(', ')}`);
