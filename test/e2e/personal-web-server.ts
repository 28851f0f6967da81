// A real server for the Personal Web browser journeys: a temp data directory with SQLite, the
// token authority (in-process, plus its HTTP API for the CLI token), the demo data, and the
// bank site, listening on an ephemeral port with the real clock.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAuthority, createKeyring } from '../../src/authority/authority.js';
import { authorityHttpPart } from '../../src/authority/http/authority-http.js';
import { seedDemoData } from '../../src/banking/demo-data.js';
import { createPasswordHasher } from '../../src/banking/password-hasher.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { systemClock, systemRandomBytes } from '../../src/shared/clock.js';
import { buildApp } from '../../src/web/app.js';
import { createPersonalWebPart } from '../../src/web/personal-web/part.js';

const run = promisify(execFile);
const REPO = new URL('../../', import.meta.url).pathname;

export interface PersonalWebServer {
  readonly baseUrl: string;
  readonly database: Database;
  readonly dir: string;
  close(): Promise<void>;
}

export async function startPersonalWebServer(): Promise<PersonalWebServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-e2e-bank-'));
  const database = openDatabase({ dialect: 'sqlite', file: join(dir, 'mamori.sqlite') });
  const migrated = await migrateToLatest(database.db);
  if (!migrated.ok) throw new Error(`migration failed: ${String(migrated.error)}`);
  const keyring = createKeyring({ keys: new Map([['k1', systemRandomBytes(32)]]), activeKeyId: 'k1', randomBytes: systemRandomBytes });
  const authority = createAuthority({ database, keyring, clock: systemClock, randomBytes: systemRandomBytes });
  const hasher = createPasswordHasher();
  const confirmationPepper = systemRandomBytes(32);
  await seedDemoData({ database, authority, clock: systemClock, hasher, confirmationPepper });
  const app = await buildApp({ database, clock: systemClock, randomBytes: systemRandomBytes }, [
    authorityHttpPart({ authority }),
    createPersonalWebPart({
      database,
      clock: systemClock,
      randomBytes: systemRandomBytes,
      authorityFor: (slug) => authority.clientFor(slug),
      confirmationPepper,
      hasher,
    }),
  ]);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    database,
    dir,
    async close() {
      await app.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const STEP_MS = 30_000;

/**
 * A token made and read with the CLI token (`mamori token new|show|code`), in a file of its own.
 * A code once accepted is never accepted again (nor an older one), so `freshCode` waits for
 * the next 30-second step when this token's code of the current step was already used.
 */
export class CliToken {
  private lastUsedStep = -1;
  private constructor(
    private readonly file: string,
    readonly serial: string,
  ) {}

  static async create(input: { authorityUrl: string; dir: string; name: string; kind?: 'mobile' | 'desktop' }): Promise<CliToken> {
    const file = join(input.dir, `${input.name}.json`);
    await cli(file, ['token', 'new', '--authority', input.authorityUrl, ...(input.kind ? ['--kind', input.kind] : [])]);
    const shown = await cli(file, ['token', 'show']);
    const serial = shown.split('\n')[0]!.replace(/\s/g, '');
    if (!/^[A-Z]{4}\d{8}$/.test(serial)) throw new Error(`token show printed no serial: ${shown}`);
    return new CliToken(file, serial);
  }

  /** The code of a step no code of this token has been used in yet. */
  async freshCode(): Promise<string> {
    for (;;) {
      const step = Math.floor(Date.now() / STEP_MS);
      if (step > this.lastUsedStep) break;
      await new Promise((resolve) => setTimeout(resolve, (step + 1) * STEP_MS - Date.now() + 250));
    }
    const before = Math.floor(Date.now() / STEP_MS);
    const code = (await cli(this.file, ['token', 'code'])).trim();
    if (!/^\d{6}$/.test(code)) throw new Error(`token code printed ${code}`);
    // If the step turned while the CLI ran, the code may be of either step: count the later.
    this.lastUsedStep = Math.max(before, Math.floor(Date.now() / STEP_MS));
    return code;
  }

  /** A code this token does not show now, nor one step around it. */
  async wrongCode(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const near = new Set<string>();
    for (const offset of [-60, -30, 0, 30, 60]) near.add((await cli(this.file, ['token', 'code', '--time', String(now + offset)])).trim());
    for (let n = 0; ; n++) {
      const code = String((314_159 + n * 7_919) % 1_000_000).padStart(6, '0');
      if (!near.has(code)) return code;
    }
  }
}

async function cli(tokenFile: string, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [join(REPO, 'bin/mamori.js'), ...args], {
    cwd: REPO,
    env: { ...process.env, MAMORI_TOKEN_FILE: tokenFile, XDG_CONFIG_HOME: join(tokenFile, '..') },
    timeout: 30_000,
  });
  return stdout;
}
