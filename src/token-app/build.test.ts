// The build: a browser bundle that stays small (issue 4: under 60 KB gzipped), imports nothing
// but the app, src/otp's pure modules and src/shared/text.ts, is reproducible, and is redone only
// when a source changes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ALL_FILES, APP_JS_GZIP_BUDGET_BYTES, buildTokenApp, ensureTokenAppBuilt, readBuildInfo, type BuildInfo } from './build.js';

describe('token app build', () => {
  let dir: string;
  let info: BuildInfo;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mamori-token-build-'));
    info = await buildTokenApp({ outDir: dir });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`keeps app.js under ${APP_JS_GZIP_BUDGET_BYTES / 1024} KB gzipped`, (t) => {
    const appJs = readFileSync(join(dir, 'app.js'));
    const gzipped = gzipSync(appJs, { level: 9 }).length;
    t.diagnostic(`app.js: ${appJs.length} bytes, ${gzipped} bytes gzipped (${(gzipped / 1024).toFixed(1)} KB; budget ${APP_JS_GZIP_BUDGET_BYTES / 1024} KB)`);
    assert.equal(info.appJsBytes, appJs.length);
    assert.equal(info.appJsGzipBytes, gzipped);
    assert.ok(gzipped < APP_JS_GZIP_BUDGET_BYTES, `app.js is ${gzipped} bytes gzipped`);
  });

  it('writes every file the server serves, and build-info.json', () => {
    for (const file of ALL_FILES) assert.ok(statSync(join(dir, file)).size > 0, file);
    assert.deepEqual(readBuildInfo(dir), info);
  });

  it('bundles for the browser: no Node built-in, no node:crypto HMAC, no require', () => {
    const appJs = readFileSync(join(dir, 'app.js'), 'utf8');
    assert.doesNotMatch(appJs, /node:|require\(|createHmac|Buffer\./);
    assert.match(appJs, /crypto\.subtle|subtle\./);
  });

  it('names the service worker cache after the shell it caches', () => {
    const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
    assert.ok(sw.includes(info.buildId), 'sw.js carries the build id');
    for (const path of ['/token/', '/token/app.js', '/token/styles.css', '/token/manifest.webmanifest', '/token/icon-192.png']) {
      assert.ok(sw.includes(`"${path}"`), `sw.js caches ${path}`);
    }
  });

  it('writes valid PNG icons of the sizes the manifest names', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.webmanifest'), 'utf8')) as { icons: { src: string; sizes: string }[] };
    assert.ok(manifest.icons.length >= 2);
    for (const icon of manifest.icons) {
      const png = readFileSync(join(dir, icon.src.replace('/token/', '')));
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
      assert.equal(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, icon.sizes);
    }
  });

  it('is reproducible, and skipped when the sources have not changed', async () => {
    const first = readFileSync(join(dir, 'app.js'));
    const again = await ensureTokenAppBuilt({ outDir: dir });
    assert.equal(again.built, false);
    assert.deepEqual(again.info, info);
    const rebuilt = await buildTokenApp({ outDir: dir });
    assert.equal(rebuilt.buildId, info.buildId);
    assert.deepEqual(readFileSync(join(dir, 'app.js')), first);
  });

  it('builds when dist is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mamori-token-build-'));
    try {
      const result = await ensureTokenAppBuilt({ outDir: join(empty, 'dist') });
      assert.equal(result.built, true);
      assert.equal(result.info.buildId, info.buildId);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
