// The production artefact as a bank's platform team installs it (issue 18): `npm run build`,
// dist/ copied to a host, `npm ci --omit=dev` in it — no tsx, no esbuild, no TypeScript — the
// tree made read-only, and `mamori serve` run from it: the browser token is served prebuilt, a
// token is provisioned, registered through the pages (利用開始) and a customer signs in with
// its one-time password.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../integration/cli-helpers.js';
import { codeStep, HttpBrowser, passwordStep, provisionHttpToken, registerTokenThroughPages, startMamori, STEP_MS, type MamoriProcess } from '../integration/deployment-helpers.js';

/** Runs a command to its end; throws with its output when it fails. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
}

/** Every file and folder below `dir` made read-only (the artefact on a read-only root). */
function makeReadOnly(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) makeReadOnly(path);
    chmodSync(path, stat.mode & ~0o222);
  }
  chmodSync(dir, statSync(dir).mode & ~0o222);
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) makeWritable(path);
    else chmodSync(path, 0o644);
  }
}

describe('the built artefact, installed with production dependencies only', { timeout: 20 * 60_000 }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'mamori-artefact-'));
  const app = join(scratch, 'app');
  let server: MamoriProcess | undefined;

  before(() => {
    run(process.execPath, ['scripts/build.js'], ROOT);
    cpSync(join(ROOT, 'dist'), app, { recursive: true });
    // Native modules are compiled for the Node.js running this test, against its own headers
    // (the npm package of a newer Node carries them in include/; the system's are under /usr).
    const nodedir = dirname(dirname(process.execPath));
    const env = { ...process.env, ...(existsSync(join(nodedir, 'include', 'node')) ? { npm_config_nodedir: nodedir } : {}) };
    run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], app, env);
    makeReadOnly(app);
  });

  after(async () => {
    await server?.stop();
    if (existsSync(app)) makeWritable(app);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('holds the compiled product and its prebuilt token, and none of the build tools', () => {
    for (const file of ['bin/mamori.js', 'src/cli/main.js', 'src/server.js', 'src/token-app/dist/app.js', 'src/token-app/dist/build-info.json', 'src/web/assets/mamori.css', 'src/branch/web/console.js', 'package.json', 'LICENSE']) {
      assert.ok(existsSync(join(app, file)), file);
    }
    for (const tool of ['tsx', 'esbuild', 'typescript', 'playwright-core', 'eslint']) assert.equal(existsSync(join(app, 'node_modules', tool)), false, `${tool} is not installed`);
    assert.deepEqual(readdirSync(join(app, 'src')).filter((name) => name.endsWith('.ts')), [], 'no TypeScript sources');
  });

  it('serves from the read-only tree: the token app, 利用開始 and a sign-in with a one-time password', async () => {
    const dataDir = join(scratch, 'data');
    server = await startMamori('all', { MAMORI_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, { installDir: app });
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { status: string; version: string };
    assert.equal(health.status, 'ok');
    assert.equal((await fetch(`${server.url}/token/app.js`)).status, 200);

    const token = await provisionHttpToken(server.url);
    const registeredAt = Date.now();
    const registered = await registerTokenThroughPages(server.url, { slug: 'demo', contractId: '1000000001', token, nowMs: registeredAt });
    assert.equal(registered.status, 200, registered.body.slice(0, 300));
    assert.match(registered.body, /ワンタイムパスワードの利用開始が完了しました/);

    const browser = new HttpBrowser();
    assert.equal((await passwordStep(browser, server.url, { slug: 'demo', contractId: '1000000001' })).location, '/ib/demo/login/otp');
    // The step after the registration's: fresh, inside the authority's ±1 window.
    const signedIn = await codeStep(browser, server.url, { slug: 'demo', code: token.codeAt(registeredAt + STEP_MS) });
    assert.equal(signedIn.location, '/ib/demo/main');
    const main = await browser.request(`${server.url}/ib/demo/main`);
    assert.equal(main.status, 200);
    assert.match(main.body, /ログアウト/);
  });
});
