// The browser token's bundle (docs/token-app.md, issue 4): built with the token app's own build
// (src/token-app/build.ts) into a temporary directory, so the served dist/ is left alone, and
// gzipped here at level 9 like `gzip -9`. Budget: 60 KB gzipped for app.js.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { APP_JS_GZIP_BUDGET_BYTES, buildTokenApp } from '../src/token-app/build.js';

export interface BundleFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface BundleResult {
  files: BundleFile[];
  appJs: BundleFile;
  budgetGzipBytes: number;
  pass: boolean;
}

export async function benchBundleSize(): Promise<BundleResult> {
  const outDir = mkdtempSync(join(tmpdir(), 'mamori-bench-token-app-'));
  try {
    await buildTokenApp({ outDir });
    const files = ['app.js', 'sw.js', 'styles.css', 'index.html'].map((file) => {
      const bytes = readFileSync(join(outDir, file));
      return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
    });
    const appJs = files[0]!;
    return { files, appJs, budgetGzipBytes: APP_JS_GZIP_BUDGET_BYTES, pass: appJs.gzipBytes < APP_JS_GZIP_BUDGET_BYTES };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
