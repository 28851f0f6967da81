// The routes a server of each role answers, from `mamori routes` (the app's own catalogue), so
// that a test aiming at "every route" cannot silently miss one added later.
import { runMamori } from '../integration/cli-helpers.js';

export interface Route {
  readonly method: string;
  /** Fastify's pattern: `/ib/:slug/transfers/:id`, `/ib/:slug/*`. */
  readonly url: string;
}

export async function routeTable(role: 'all' | 'authority' | 'bank', env: NodeJS.ProcessEnv = { PATH: process.env.PATH }): Promise<Route[]> {
  const result = await runMamori(['routes', role], env);
  if (result.code !== 0) throw new Error(`mamori routes ${role} failed (${result.code}): ${result.stderr}`);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [method, url] = line.split(' ') as [string, string];
      return { method, url };
    });
}

/** A concrete URL of `route` at institution demo (ids of the right shape; none needs to exist). */
export function concretePath(route: Route, contractId: string): string {
  return route.url
    .replace(':slug', 'demo')
    .replace(':contractId', contractId)
    .replace(':kind', 'suspend')
    .replace(':login', 'teller')
    .replace(':transferId', `tr_${'0'.repeat(32)}`)
    .replace(':id', route.url.includes('/approvals/') ? '1' : route.url.includes('/payees/') ? 'py_0' : `tr_${'0'.repeat(32)}`)
    .replace('*', 'elsewhere');
}

/** The site routes a page on another site can make a browser request: everything under /ib/ and /branch/. */
export async function siteRoutes(): Promise<Route[]> {
  const routes = await routeTable('all');
  return routes.filter((r) => (r.url.startsWith('/ib/') || r.url.startsWith('/branch/')) && (r.method === 'GET' || r.method === 'POST'));
}
