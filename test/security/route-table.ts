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
