// The release of Mamori this process runs: package.json's version, read once at start. /healthz
// and `mamori --version` say it, so an operator can tell which release answers where.
import { readFileSync } from 'node:fs';

function readVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error('package.json has no version');
  return manifest.version;
}

export const MAMORI_VERSION: string = readVersion();
