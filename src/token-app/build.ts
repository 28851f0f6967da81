// Builds the browser token into src/token-app/dist/ with esbuild: app.js (minified ESM bundle
// of app.ts, the pure src/otp modules, the shared message shape and date format, src/shared/text.ts
// and src/shared/japan-time.ts), sw.js,
// styles.css, index.html, the manifest and the icons. The server (serve.ts) calls
// `ensureTokenAppBuilt` at startup, so `npm start` needs no separate build step; by hand:
// `node --import tsx src/token-app/build.ts`.
//
// A build is skipped when dist/build-info.json records the fingerprint of the current sources.
// Builds are deterministic and each file is replaced atomically (write, then rename), so two
// processes starting at once on one checkout both end with the same, whole files.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
// Types only (erased): esbuild itself is loaded on demand, so a deployment that ships a
// prebuilt dist/ does not need it.
import type * as EsbuildModule from 'esbuild';
import { ICON_FILES, renderIconPng } from './icons.js';

export const TOKEN_APP_DIR = fileURLToPath(new URL('.', import.meta.url));
export const DEFAULT_DIST_DIR = join(TOKEN_APP_DIR, 'dist');
const OTP_DIR = fileURLToPath(new URL('../otp/', import.meta.url));
/**
 * The files outside src/token-app and src/otp that the app bundles (pure), relative to src/: the
 * words' shape, the date format. The build refuses a bundle with any other; the layers test
 * (test/integration/layers.test.ts) checks the imports against the same list.
 */
export const BROWSER_SHARED: readonly string[] = ['shared/text.ts', 'shared/japan-time.ts'];
const SHARED_FILES = BROWSER_SHARED.map((file) => fileURLToPath(new URL(`../${file}`, import.meta.url)));
const SHARED_INPUTS: readonly string[] = BROWSER_SHARED.map((file) => `src/${file}`);
const REPOSITORY_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** Budget from issue 4: the app's JavaScript, gzipped. */
export const APP_JS_GZIP_BUDGET_BYTES = 60 * 1024;

/** Paths under /token/ that make up the app shell (cached by the service worker). */
export const SHELL_FILES = ['index.html', 'app.js', 'styles.css', 'manifest.webmanifest', ...ICON_FILES.map((icon) => icon.file)] as const;
export const ALL_FILES = [...SHELL_FILES, 'sw.js'] as const;
export type TokenAppFile = (typeof ALL_FILES)[number];

export interface BuildInfo {
  /** Hash of the sources the build was made from. */
  readonly fingerprint: string;
  /** Hash of the shell files: names the service worker's cache. */
  readonly buildId: string;
  readonly appJsBytes: number;
  readonly appJsGzipBytes: number;
}

const BUILD_INFO_FILE = 'build-info.json';

function listFiles(dir: string, keep: (path: string) => boolean): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'dist' && name !== 'node_modules') found.push(...listFiles(path, keep));
    } else if (keep(path)) {
      found.push(path);
    }
  }
  return found.sort();
}

/** Every source file the build reads (tests excluded), in a stable order. */
function sourceFiles(): string[] {
  const notTest = (path: string) => !path.endsWith('.test.ts');
  return [
    ...listFiles(TOKEN_APP_DIR, (path) => notTest(path) && /\.(ts|css|html|webmanifest)$/.test(path)),
    ...listFiles(OTP_DIR, (path) => notTest(path) && path.endsWith('.ts')),
    ...SHARED_FILES,
  ];
}

/** A hash over the names and contents of the build's sources. */
export function sourceFingerprint(): string {
  // The built artefact (npm run build) holds the compiled modules and the prebuilt dist/, not
  // the sources: nothing to compare with, so its build is used as it is.
  if (!existsSync(join(TOKEN_APP_DIR, 'app.ts'))) throw new Error('the token app\'s sources are not here');
  const hash = createHash('sha256');
  for (const path of sourceFiles()) {
    hash.update(relative(REPOSITORY_DIR, path).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(path));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function writeAtomically(path: string, bytes: Uint8Array | string): void {
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

type Esbuild = typeof EsbuildModule;

async function loadEsbuild(): Promise<Esbuild> {
  try {
    return await import('esbuild');
  } catch (error) {
    throw new Error(
      'The browser token (/token/) needs building and esbuild is not installed. ' +
        'Run `npm install` (development dependencies included), or build it where esbuild is available ' +
        'with `npm run build` and deploy the artefact in dist/ (docs/OPERATIONS.md).',
      { cause: error },
    );
  }
}

const BROWSER_TARGETS = ['es2022', 'chrome100', 'edge100', 'firefox100', 'safari15.4'];

/**
 * The app bundle. Its inputs are checked: the app may import only its own files, src/otp (whose
 * pure.ts keeps node:crypto out; platform 'browser' would fail on a Node built-in anyway) and
 * src/shared/text.ts and src/shared/japan-time.ts.
 */
async function bundleApp(esbuild: Esbuild): Promise<Uint8Array> {
  const result = await esbuild.build({
    entryPoints: [join(TOKEN_APP_DIR, 'app.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: BROWSER_TARGETS,
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: REPOSITORY_DIR,
  });
  for (const input of Object.keys(result.metafile.inputs)) {
    if (!input.startsWith('src/token-app/') && !input.startsWith('src/otp/') && !SHARED_INPUTS.includes(input)) {
      throw new Error(`the token app must import only src/token-app, src/otp and ${SHARED_INPUTS.join(', ')}, but the bundle includes ${input}`);
    }
    if (input.startsWith('src/otp/') && input.endsWith('hmac-node.ts')) {
      throw new Error('the token app bundle includes src/otp/hmac-node.ts (node:crypto); import src/otp/pure.js');
    }
  }
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no app.js');
  return output.contents;
}

async function bundleServiceWorker(esbuild: Esbuild, buildId: string): Promise<Uint8Array> {
  const result = await esbuild.build({
    entryPoints: [join(TOKEN_APP_DIR, 'sw.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: BROWSER_TARGETS,
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    define: {
      BUILD_ID: JSON.stringify(buildId),
      SHELL_PATHS: JSON.stringify(['/token/', ...SHELL_FILES.filter((file) => file !== 'index.html').map((file) => `/token/${file}`)]),
    },
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no sw.js');
  return output.contents;
}

/** Builds everything into `outDir` and returns what was built. */
export async function buildTokenApp({ outDir = DEFAULT_DIST_DIR }: { outDir?: string } = {}): Promise<BuildInfo> {
  const esbuild = await loadEsbuild();
  const fingerprint = sourceFingerprint();
  const read = (name: string) => readFileSync(join(TOKEN_APP_DIR, name));

  const appJs = await bundleApp(esbuild);
  const css = (await esbuild.transform(read('styles.css').toString('utf8'), { loader: 'css', minify: true, charset: 'utf8' })).code;
  const manifest = JSON.stringify(JSON.parse(read('manifest.webmanifest').toString('utf8')));
  const shell: Record<(typeof SHELL_FILES)[number], Uint8Array | string> = {
    'index.html': read('index.html'),
    'app.js': appJs,
    'styles.css': css,
    'manifest.webmanifest': manifest,
    'icon-192.png': new Uint8Array(0),
    'icon-512.png': new Uint8Array(0),
    'icon-maskable-512.png': new Uint8Array(0),
  };
  for (const icon of ICON_FILES) shell[icon.file] = renderIconPng(icon.options);

  const idHash = createHash('sha256');
  for (const file of SHELL_FILES) idHash.update(file).update('\0').update(shell[file]).update('\0');
  const buildId = idHash.digest('hex').slice(0, 16);
  const serviceWorker = await bundleServiceWorker(esbuild, buildId);

  mkdirSync(outDir, { recursive: true });
  for (const file of SHELL_FILES) writeAtomically(join(outDir, file), shell[file]);
  writeAtomically(join(outDir, 'sw.js'), serviceWorker);
  const info: BuildInfo = {
    fingerprint,
    buildId,
    appJsBytes: appJs.length,
    appJsGzipBytes: gzipSync(appJs, { level: 9 }).length,
  };
  // Written last: a build interrupted before this point is redone at the next start.
  writeAtomically(join(outDir, BUILD_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

export function readBuildInfo(outDir: string): BuildInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(outDir, BUILD_INFO_FILE), 'utf8')) as BuildInfo;
    return typeof info.fingerprint === 'string' && typeof info.buildId === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

function hasAllFiles(outDir: string): boolean {
  return ALL_FILES.every((file) => {
    try {
      return statSync(join(outDir, file)).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Builds unless `outDir` already holds a build of the current sources. When the sources are
 * not there (a deployment that ships only dist/), an existing complete build is used as is.
 */
export async function ensureTokenAppBuilt({ outDir = DEFAULT_DIST_DIR }: { outDir?: string } = {}): Promise<{ built: boolean; info: BuildInfo }> {
  const existing = readBuildInfo(outDir);
  let fingerprint: string | undefined;
  try {
    fingerprint = sourceFingerprint();
  } catch {
    fingerprint = undefined; // no sources to compare with
  }
  if (existing !== undefined && hasAllFiles(outDir) && (fingerprint === undefined || existing.fingerprint === fingerprint)) {
    return { built: false, info: existing };
  }
  return { built: true, info: await buildTokenApp({ outDir }) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const info = await buildTokenApp();
  console.log(`token app built in ${relative(process.cwd(), DEFAULT_DIST_DIR) || '.'} (build ${info.buildId})`);
  console.log(`app.js: ${info.appJsBytes} bytes, ${info.appJsGzipBytes} bytes gzipped (budget ${APP_JS_GZIP_BUDGET_BYTES})`);
  if (info.appJsGzipBytes >= APP_JS_GZIP_BUDGET_BYTES) process.exitCode = 1;
}
