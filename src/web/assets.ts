// The shared static assets (one stylesheet, one icon, the bank site's idle-timeout script),
// served from memory under /assets/.
// Registered once per app even if several parts (bank site, branch console) ask for them.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { setSecurityHeaders } from './security-headers.js';

export const STYLESHEET_PATH = '/assets/mamori.css';
export const ICON_PATH = '/assets/favicon.svg';
/** The warning before a signed-in page's idle timeout (personal-web/layout.ts); the page works without it. */
export const SESSION_TIMER_PATH = '/assets/session-timer.js';

const ASSETS: { path: string; file: string; type: string }[] = [
  { path: STYLESHEET_PATH, file: 'mamori.css', type: 'text/css; charset=utf-8' },
  { path: ICON_PATH, file: 'favicon.svg', type: 'image/svg+xml' },
  { path: SESSION_TIMER_PATH, file: 'session-timer.js', type: 'text/javascript; charset=utf-8' },
];

export function registerAssets(app: FastifyInstance): void {
  for (const asset of ASSETS) {
    if (app.hasRoute({ method: 'GET', url: asset.path })) continue;
    const body = readFileSync(new URL(`./assets/${asset.file}`, import.meta.url));
    app.get(asset.path, async (_request, reply) => {
      setSecurityHeaders(reply);
      return reply.header('Content-Type', asset.type).header('Cache-Control', 'public, max-age=3600').send(body);
    });
  }
}
