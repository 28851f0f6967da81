// Test support for the HTTP API: a fresh app per test over a fresh database, with API keys.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { DialectName } from '../../../../src/db/database.js';
import { systemRandomBytes } from '../../../../src/shared/clock.js';
import { buildApp } from '../../../../src/web/app.js';
import type { AuthorityPolicy } from '../../../../src/authority/authority-policy.js';
import { createTestAuthority, type TestAuthority } from '../authority-testing.js';
import { authorityHttpPart } from '../../../../src/authority/http/authority-http.js';

export interface TestApi {
  t: TestAuthority;
  app: FastifyInstance;
  keys: { 'bank-a': string; 'bank-b': string };
  /** A JSON request as bank-a (or without credentials: `as: null`). */
  call(input: { method: 'GET' | 'POST' | 'DELETE' | 'PUT'; url: string; body?: unknown; as?: 'bank-a' | 'bank-b' | null; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function createTestApi(dialect: DialectName, options: { policy?: Partial<AuthorityPolicy> } = {}): Promise<TestApi> {
  const t = await createTestAuthority(dialect, options.policy ? { policy: options.policy } : {});
  const app = await buildApp({ database: t.database, clock: t.clock, randomBytes: systemRandomBytes }, [authorityHttpPart({ authority: t.authority })]);
  const keys = {
    'bank-a': (await t.authority.rotateRelyingPartyKey('bank-a')).apiKey,
    'bank-b': (await t.authority.rotateRelyingPartyKey('bank-b')).apiKey,
  };
  return {
    t,
    app,
    keys,
    call: ({ method, url, body, as = 'bank-a', headers = {} }) =>
      app.inject({
        method,
        url: `/authority/v1${url}`,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(as === null ? {} : { authorization: `Bearer ${keys[as]}` }),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    close: async () => {
      await app.close();
      await t.close();
    },
  };
}
