#!/usr/bin/env node
// What the test suite needs from the machine besides its npm packages, made sure of before any
// test starts: `npm test` (scripts/run-tests.js) and CI (.ci/run) both run this one script.
//
// Missing Debian packages are installed when we can (root, with apt-get); otherwise the run
// stops at once and prints the exact command to run — a suite that fails half an hour in, in
// the browser journeys, is how a fresh machine used to find out.
//
//   node scripts/prepare-test-machine.js     check, install what it can, exit 1 with the command
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Whether `name` is an executable file on PATH (no shell, no `which`: neither is guaranteed). */
function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, name)));
}

function hasJapaneseFont() {
  const list = spawnSync('fc-list', [], { encoding: 'utf8' });
  return list.status === 0 && /ipagothic|noto sans cjk/i.test(list.stdout);
}

/**
 * What the suite needs, each with the Debian package that brings it. `required: false` only
 * makes the screenshots prettier: installed when we can, never a reason to stop.
 */
export function machineNeeds(env = process.env) {
  const usesPostgres = env.MAMORI_REQUIRE_POSTGRES === '1' || Boolean(env.DATABASE_URL);
  return [
    { package: 'chromium', why: 'the browser journeys (/usr/bin/chromium)', present: () => existsSync('/usr/bin/chromium'), required: true },
    { package: 'oathtool', why: 'the interoperability check of the one-time codes', present: () => onPath('oathtool'), required: true },
    ...(usesPostgres
      ? [{ package: 'postgresql-client', why: 'pg_dump, for the backup and restore drill on PostgreSQL', present: () => onPath('pg_dump'), required: true }]
      : []),
    { package: 'fonts-ipafont-gothic', why: 'Japanese glyphs in the saved screenshots', present: hasJapaneseFont, required: false },
  ];
}

function aptInstall(packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { env, stdio: ['ignore', 'inherit', 'inherit'] }).status === 0;
  return run(['update', '-qq']) && run(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
}

/**
 * Makes sure the machine has what the suite needs. Returns null when it does, or the message
 * to stop with: what is missing, why, and the exact command that installs it.
 */
export function prepareTestMachine({ log = console.log } = {}) {
  const missing = machineNeeds().filter((need) => !need.present());
  if (missing.length === 0) return null;
  const canInstall = process.getuid?.() === 0 && onPath('apt-get');
  if (canInstall) {
    log(`installing Debian packages the tests need: ${missing.map((m) => m.package).join(' ')}`);
    aptInstall(missing.map((m) => m.package));
  }
  const stillMissing = missing.filter((need) => need.required && !need.present());
  if (stillMissing.length === 0) return null;
  const names = stillMissing.map((m) => m.package).join(' ');
  return [
    'The test suite needs Debian packages that this machine does not have:',
    ...stillMissing.map((m) => `  ${m.package}: ${m.why}`),
    canInstall ? 'apt-get could not install them (see its output above). Install them with:' : 'Install them with:',
    `  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${names}`,
    'and run the tests again.',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const problem = prepareTestMachine();
  if (problem !== null) {
    console.error(problem);
    process.exit(1);
  }
  console.log('the machine has what the tests need');
}
