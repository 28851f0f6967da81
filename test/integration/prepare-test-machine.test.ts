// `npm test` on a fresh machine: the set-up script that both `npm test` and `.ci/run` run first
// must stop at once, before any test starts, with the exact command that installs what is
// missing — here oathtool, hidden by a PATH that holds nothing but `node`, with no apt-get.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const bareBin = mkdtempSync(join(tmpdir(), 'mamori-bare-path-'));
symlinkSync(process.execPath, join(bareBin, 'node'));
after(() => rmSync(bareBin, { recursive: true, force: true }));

function run(script: string, args: string[], path: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path };
  delete env['MAMORI_REQUIRE_POSTGRES'];
  delete env['DATABASE_URL'];
  return spawnSync(process.execPath, [join(root, script), ...args], { cwd: root, env, encoding: 'utf8' });
}

describe('the test machine set-up', () => {
  it('passes on this machine, which has what the suite needs', () => {
    const result = run('scripts/prepare-test-machine.js', [], process.env['PATH'] ?? '');
    assert.equal(result.status, 0, result.stderr);
  });

  it('stops with the exact install command when oathtool is missing and apt-get is not there', () => {
    const result = run('scripts/prepare-test-machine.js', [], bareBin);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /oathtool: the interoperability check/);
    assert.match(result.stderr, /sudo apt-get update && sudo apt-get install -y --no-install-recommends oathtool\n/);
    // The fonts only make screenshots prettier: never a reason to stop.
    assert.doesNotMatch(result.stderr, /fonts-ipafont-gothic/);
  });

  it('stops `npm test` before any test starts', () => {
    const result = run('scripts/run-tests.js', ['unit'], bareBin);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /install -y --no-install-recommends oathtool/);
    assert.doesNotMatch(result.stdout, /# unit/);
  });

  it('asks for pg_dump only when the run uses PostgreSQL', () => {
    const env = { ...process.env, PATH: bareBin, MAMORI_REQUIRE_POSTGRES: '1' };
    const result = spawnSync(process.execPath, [join(root, 'scripts/prepare-test-machine.js')], { cwd: root, env, encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /--no-install-recommends oathtool postgresql-client\n/);
  });
});
