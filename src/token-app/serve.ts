// Serves the browser token at /token/ as a part of the app (web/app.ts `buildApp`):
//
//   /token/                      index.html (a /token without the slash redirects here)
//   /token/app.js, /token/sw.js  the bundles (sw.js with Service-Worker-Allowed: /token/)
//   /token/styles.css, /token/manifest.webmanifest, /token/icon-*.png
//
// The files are built at startup when dist/ is missing or stale (build.ts), then served from
// memory with an ETag and, for text, gzip. Everything carries the app's own CSP: unlike the
// bank pages it needs `connect-src 'self'` (provisioning at /authority/v1/tokens), a service
// worker and the camera (QR codes), and it has no inline script or style either.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppParts } from '../web/app.js';
import { ALL_FILES, DEFAULT_DIST_DIR, ensureTokenAppBuilt, type BuildInfo, type TokenAppFile } from './build.js';

export const TOKEN_APP_BASE_PATH = '/token/';

export const TOKEN_APP_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  webmanifest: 'application/manifest+json; charset=utf-8',
  png: 'image/png',
};

interface Asset {
  readonly body: Buffer;
  readonly gzipped: Buffer | undefined;
  readonly contentType: string;
  readonly etag: string;
}

export interface TokenAppAssets {
  readonly info: BuildInfo;
  readonly files: ReadonlyMap<TokenAppFile, Asset>;
}

export interface TokenAppPartOptions {
  /** Where the built files are (default src/token-app/dist). */
  readonly distDir?: string;
}

function contentTypeOf(file: string): string {
  const extension = file.slice(file.lastIndexOf('.') + 1);
  const type = CONTENT_TYPES[extension];
  if (type === undefined) throw new Error(`no content type for ${file}`);
  return type;
}

async function loadAssets(distDir: string): Promise<TokenAppAssets> {
  const { info } = await ensureTokenAppBuilt({ outDir: distDir });
  const files = new Map<TokenAppFile, Asset>();
  for (const file of ALL_FILES) {
    const body = readFileSync(join(distDir, file));
    const contentType = contentTypeOf(file);
    const compressed = contentType.startsWith('image/') ? undefined : gzipSync(body, { level: 9 });
    files.set(file, {
      body,
      gzipped: compressed !== undefined && compressed.length < body.length ? compressed : undefined,
      contentType,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    });
  }
  return { info, files };
}

// One build and load per dist directory per process, however many apps a test suite builds.
const loading = new Map<string, Promise<TokenAppAssets>>();

export function loadTokenAppAssets(distDir: string = DEFAULT_DIST_DIR): Promise<TokenAppAssets> {
  let assets = loading.get(distDir);
  if (assets === undefined) {
    assets = loadAssets(distDir);
    loading.set(distDir, assets);
    assets.catch(() => loading.delete(distDir)); // a failed build is retried by the next caller
  }
  return assets;
}

function setTokenAppHeaders(reply: FastifyReply): void {
  reply.header('Content-Security-Policy', TOKEN_APP_CONTENT_SECURITY_POLICY);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'no-referrer');
  reply.header('X-Frame-Options', 'DENY');
  reply.header('Cross-Origin-Opener-Policy', 'same-origin');
  reply.header('Cross-Origin-Resource-Policy', 'same-origin');
  reply.header('Permissions-Policy', 'camera=(self), microphone=(), geolocation=(), payment=()');
}

function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding'];
  return typeof header === 'string' && /\bgzip\b/.test(header) && !/\bgzip;\s*q=0(\.0*)?\b/.test(header);
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  setTokenAppHeaders(reply);
  // no-cache = revalidate each time (cheap: 304 by ETag). Offline use comes from the service
  // worker's cache, not the HTTP cache, so a new build reaches people at their next visit.
  reply.header('Cache-Control', 'no-cache');
  reply.header('ETag', asset.etag);
  reply.header('Content-Type', asset.contentType);
  if (asset.gzipped !== undefined) reply.header('Vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
  if (asset.gzipped !== undefined && acceptsGzip(request)) {
    reply.header('Content-Encoding', 'gzip');
    return reply.send(asset.gzipped);
  }
  return reply.send(asset.body);
}

/** The Fastify part serving the browser token; pass it to `buildApp`. */
export function tokenAppPart(options: TokenAppPartOptions = {}): AppParts {
  return {
    async register(app: FastifyInstance) {
      const { files } = await loadTokenAppAssets(options.distDir ?? DEFAULT_DIST_DIR);
      const asset = (file: TokenAppFile): Asset => files.get(file) as Asset;

      app.get('/token', async (request, reply) => {
        const query = request.url.indexOf('?');
        setTokenAppHeaders(reply);
        return reply.redirect(TOKEN_APP_BASE_PATH + (query === -1 ? '' : request.url.slice(query)), 301);
      });
      app.get(TOKEN_APP_BASE_PATH, async (request, reply) => sendAsset(request, reply, asset('index.html')));
      for (const file of ALL_FILES) {
        app.get(`${TOKEN_APP_BASE_PATH}${file}`, async (request, reply) => {
          if (file === 'sw.js') reply.header('Service-Worker-Allowed', TOKEN_APP_BASE_PATH);
          return sendAsset(request, reply, asset(file));
        });
      }
    },
  };
}
