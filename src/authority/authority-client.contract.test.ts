// Runs the AuthorityClient contract against both implementations: in-process, and HTTP
// against a real listening server (the routes, the JSON, the client's mapping back).
import type { FastifyInstance } from 'fastify';
import { systemRandomBytes } from '../shared/clock.js';
import { buildApp } from '../web/app.js';
import { runAuthorityClientContract } from '../../test/support/authority/authority-client.contract.js';
import { createTestAuthority } from '../../test/support/authority/authority-testing.js';
import { authorityHttpPart } from './http/authority-http.js';
import { createHttpAuthorityClient } from './http/http-authority-client.js';

runAuthorityClientContract('in-process', async (dialect) => {
  const t = await createTestAuthority(dialect);
  return { t, clientFor: (rp) => t.authority.clientFor(rp), close: () => t.close() };
});

runAuthorityClientContract('HTTP', async (dialect) => {
  const t = await createTestAuthority(dialect);
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({ database: t.database, clock: t.clock, randomBytes: systemRandomBytes }, [authorityHttpPart({ authority: t.authority })]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const keys = {
      'bank-a': (await t.authority.rotateRelyingPartyKey('bank-a')).apiKey,
      'bank-b': (await t.authority.rotateRelyingPartyKey('bank-b')).apiKey,
    };
    const clients = {
      'bank-a': createHttpAuthorityClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: keys['bank-a'] }),
      'bank-b': createHttpAuthorityClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: keys['bank-b'] }),
    };
    const running = app;
    return {
      t,
      clientFor: (rp) => clients[rp],
      close: async () => {
        await running.close();
        await t.close();
      },
    };
  } catch (error) {
    await app?.close();
    await t.close();
    throw error;
  }
});
