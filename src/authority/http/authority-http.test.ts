// The HTTP API: status codes, bodies, and that bad input of any shape is a 4xx with a
// snake_case error code — never a 500, never a coerced type, never a partial write.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { DIALECTS, skipReason } from '../../../test/support/db/testing.js';
import { provisionTestToken, STEP_MS, type TestToken } from '../../../test/support/authority/authority-testing.js';
import { createTestApi, type TestApi } from '../../../test/support/authority/http/authority-http-testing.js';
import { buildAuthorityOpenApi } from './openapi.js';

const openApi = buildAuthorityOpenApi();
const ajv = new Ajv({ strict: false });
ajv.addSchema(openApi, 'openapi');
const conforms = (schemaName: string, value: unknown) => {
  const validate = ajv.compile({ $ref: `openapi#/components/schemas/${schemaName}` });
  return validate(value) ? true : JSON.stringify(validate.errors);
};

function assertClientError(response: { statusCode: number; body: string }, status: number, error?: string) {
  assert.equal(response.statusCode, status, response.body);
  const body = JSON.parse(response.body) as { error: string; message: string };
  assert.match(body.error, /^[a-z][a-z_]*$/);
  assert.equal(typeof body.message, 'string');
  if (error !== undefined) assert.equal(body.error, error, response.body);
  return body;
}

async function bound(api: TestApi): Promise<{ token: TestToken; bindingId: string }> {
  const token = await provisionTestToken(api.t);
  api.t.clock.advance(-STEP_MS);
  const response = await api.call({ method: 'POST', url: '/bindings', body: { serial: token.serial, subject: '1000000001', code: token.codeAt(api.t.clock.nowMs()) } });
  api.t.clock.advance(STEP_MS);
  assert.equal(response.statusCode, 201, response.body);
  return { token, bindingId: (JSON.parse(response.body) as { bindingId: string }).bindingId };
}

for (const dialect of DIALECTS) {
  describe(`authority HTTP API [${dialect}]`, { skip: skipReason(dialect) }, () => {
    const withApi = (run: (api: TestApi) => Promise<void>, options: Parameters<typeof createTestApi>[1] = {}) => async () => {
      const api = await createTestApi(dialect, options);
      try {
        await run(api);
      } finally {
        await api.close();
      }
    };

    it('POST /tokens issues plain and key-agreed tokens as the OpenAPI document says', withApi(async (api) => {
      const plain = await api.call({ method: 'POST', url: '/tokens', body: { kind: 'mobile' }, as: null });
      assert.equal(plain.statusCode, 201);
      assert.equal(plain.headers['cache-control'], 'no-store');
      assert.equal(conforms('PlainToken', JSON.parse(plain.body)), true);
      const pair = await globalThis.crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
      const clientPublicKey = Buffer.from(await globalThis.crypto.subtle.exportKey('raw', pair.publicKey)).toString('base64url');
      const agreed = await api.call({ method: 'POST', url: '/tokens', body: { kind: 'desktop', clientPublicKey }, as: null });
      assert.equal(agreed.statusCode, 201);
      assert.equal(conforms('AgreedToken', JSON.parse(agreed.body)), true);
      assertClientError(await api.call({ method: 'POST', url: '/tokens', body: { kind: 'mobile', clientPublicKey: Buffer.alloc(65, 1).toString('base64url') }, as: null }), 400, 'invalid_public_key');
      assertClientError(await api.call({ method: 'POST', url: '/tokens', body: { kind: 'mobile', clientPublicKey: 'has spaces' }, as: null }), 400, 'invalid_public_key');
      assertClientError(await api.call({ method: 'POST', url: '/tokens', body: { kind: 'mobile', clientPublicKey: 42 }, as: null }), 400, 'invalid_public_key');
    }));

    it('POST /tokens is rate limited per client address, shared through the database', withApi(async (api) => {
      for (let i = 0; i < 3; i++) assert.equal((await api.call({ method: 'POST', url: '/tokens', body: { kind: 'mobile' }, as: null })).statusCode, 201);
      const limited = await api.call({ method: 'POST', url: '/tokens', body: { kind: 'mobile' }, as: null });
      assertClientError(limited, 429, 'rate_limited');
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      const other = await api.app.inject({ method: 'POST', url: '/authority/v1/tokens', remoteAddress: '203.0.113.9', headers: { 'content-type': 'application/json' }, payload: '{"kind":"mobile"}' });
      assert.equal(other.statusCode, 201);
      api.t.clock.advance(60_000);
      assert.equal((await api.call({ method: 'POST', url: '/tokens', body: { kind: 'mobile' }, as: null })).statusCode, 201);
    }, { policy: { provisionLimitPerAddress: 3, provisionWindowMs: 60_000 } }));

    it('relying-party routes need a valid API key (401, WWW-Authenticate), and it picks the relying party', withApi(async (api) => {
      const { token, bindingId } = await bound(api);
      const code = token.codeAt(api.t.clock.nowMs());
      const url = `/bindings/${bindingId}/verify`;
      for (const authorization of [undefined, '', 'Bearer', 'Bearer ', `Basic ${api.keys['bank-a']}`, 'Bearer mamori_rp_wrong', `Bearer ${api.keys['bank-a']}x`, `Bearer  ${api.keys['bank-a']}`]) {
        const response = await api.call({ method: 'POST', url, body: { code }, as: null, headers: authorization === undefined ? {} : { authorization } });
        assertClientError(response, 401, 'unauthorized');
        assert.match(String(response.headers['www-authenticate']), /^Bearer/);
      }
      // 401 comes before the body is even read.
      assertClientError(await api.call({ method: 'POST', url, body: '{not json', as: null }), 401, 'unauthorized');
      const asB = await api.call({ method: 'POST', url, body: { code }, as: 'bank-b' });
      assert.deepEqual(JSON.parse(asB.body), { valid: false, reason: 'binding_not_found' });
      const lowerScheme = await api.call({ method: 'POST', url, body: { code }, as: null, headers: { authorization: `bearer ${api.keys['bank-a']}` } });
      assert.deepEqual(JSON.parse(lowerScheme.body), { valid: true, timeStep: Math.floor(api.t.clock.nowMs() / STEP_MS) });
      // A rotated key stops working at once.
      await api.t.authority.rotateRelyingPartyKey('bank-a');
      assertClientError(await api.call({ method: 'POST', url, body: { code } }), 401, 'unauthorized');
    }));

    it('POST /bindings answers 201, or the failure with its own code', withApi(async (api) => {
      const token = await provisionTestToken(api.t);
      const code = token.codeAt(api.t.clock.nowMs());
      assertClientError(await api.call({ method: 'POST', url: '/bindings', body: { serial: 'MMOB1234', subject: '1', code } }), 400, 'malformed_serial');
      assertClientError(await api.call({ method: 'POST', url: '/bindings', body: { serial: 'MMOB00000000', subject: '1', code } }), 422, 'unknown_serial');
      assertClientError(await api.call({ method: 'POST', url: '/bindings', body: { serial: token.serial, subject: '1', code: '12345' } }), 400, 'malformed_code');
      const wrong = code === '000000' ? '000001' : '000000';
      assertClientError(await api.call({ method: 'POST', url: '/bindings', body: { serial: token.serial, subject: '1', code: wrong } }), 422, 'invalid_code');
      const created = await api.call({ method: 'POST', url: '/bindings', body: { serial: token.serial, subject: '契約者 1000000001', code } });
      assert.equal(created.statusCode, 201);
      assert.equal(conforms('Binding', JSON.parse(created.body)), true);
    }));

    it('POST /bindings/{id}/verify answers 200 with the outcome, conforming to the document', withApi(async (api) => {
      const { token, bindingId } = await bound(api);
      const code = token.codeAt(api.t.clock.nowMs());
      const first = await api.call({ method: 'POST', url: `/bindings/${bindingId}/verify`, body: { code } });
      const second = await api.call({ method: 'POST', url: `/bindings/${bindingId}/verify`, body: { code } });
      assert.deepEqual([first.statusCode, second.statusCode], [200, 200]);
      assert.equal(conforms('VerifyResult', JSON.parse(first.body)), true);
      assert.deepEqual(JSON.parse(second.body), { valid: false, reason: 'replayed' });
      assert.equal(conforms('VerifyResult', JSON.parse(second.body)), true);
      const transaction = { payeeAccount: '7654321', amount: 12_345 };
      const tx = await api.call({ method: 'POST', url: `/bindings/${bindingId}/verify`, body: { code: token.transactionCodeAt({ nowMs: api.t.clock.nowMs(), payeeAccount: '7654321', amountYen: 12_345 }), transaction } });
      assert.deepEqual(JSON.parse(tx.body), { valid: true, timeStep: Math.floor(api.t.clock.nowMs() / 60_000) });
      for (const id of ['%00', 'nope', 'a%2Fb', '..%2F..', '%E2%80%AE']) {
        const response = await api.call({ method: 'POST', url: `/bindings/${id}/verify`, body: { code } });
        assert.deepEqual([response.statusCode, JSON.parse(response.body)], [200, { valid: false, reason: 'binding_not_found' }], id);
      }
    }));

    it('DELETE /bindings/{id} answers 204, then 404 binding_not_found', withApi(async (api) => {
      const { bindingId } = await bound(api);
      assertClientError(await api.call({ method: 'DELETE', url: `/bindings/${bindingId}`, as: 'bank-b' }), 404, 'binding_not_found');
      const deleted = await api.call({ method: 'DELETE', url: `/bindings/${bindingId}` });
      assert.equal(deleted.statusCode, 204);
      assert.equal(deleted.body, '');
      assertClientError(await api.call({ method: 'DELETE', url: `/bindings/${bindingId}` }), 404, 'binding_not_found');
    }));

    it('POST /tokens/{serial}/sync answers the drift, or the failure', withApi(async (api) => {
      const { token } = await bound(api);
      const now = api.t.clock.nowMs();
      const synced = await api.call({ method: 'POST', url: `/tokens/${token.serial}/sync`, body: { code1: token.codeAt(now + 2 * STEP_MS), code2: token.codeAt(now + 3 * STEP_MS) } });
      assert.deepEqual([synced.statusCode, JSON.parse(synced.body)], [200, { driftSteps: 3 }]);
      assert.equal(conforms('SyncResult', JSON.parse(synced.body)), true);
      assertClientError(await api.call({ method: 'POST', url: `/tokens/${token.serial}/sync`, body: { code1: token.codeAt(now), code2: token.codeAt(now) } }), 422, 'not_consecutive');
      assertClientError(await api.call({ method: 'POST', url: '/tokens/MMOB1/sync', body: { code1: '123456', code2: '123456' } }), 400, 'malformed_serial');
      assertClientError(await api.call({ method: 'POST', url: `/tokens/${token.serial}/sync`, body: { code1: 123456, code2: '123456' } }), 400, 'invalid_code_format');
    }));

    it('refuses codes of any type but string, without coercing: 400 invalid_code_format', withApi(async (api) => {
      const { token, bindingId } = await bound(api);
      const code = token.codeAt(api.t.clock.nowMs());
      for (const value of [Number(code), [code], { code }, null, true, 1e21, '1'.repeat(33)]) {
        assertClientError(await api.call({ method: 'POST', url: `/bindings/${bindingId}/verify`, body: { code: value } }), 400, 'invalid_code_format');
        assertClientError(await api.call({ method: 'POST', url: '/bindings', body: { serial: token.serial, subject: '1', code: value } }), 400, 'invalid_code_format');
      }
      // Nothing was spent: the right code still works.
      assert.deepEqual(JSON.parse((await api.call({ method: 'POST', url: `/bindings/${bindingId}/verify`, body: { code } })).body).valid, true);
    }));

    it('answers bad requests of every shape with a 4xx JSON error, never a 500', withApi(async (api) => {
      const { bindingId } = await bound(api);
      const verify = `/bindings/${bindingId}/verify`;
      const cases: { method?: 'GET' | 'POST' | 'DELETE' | 'PUT'; url?: string; body?: unknown; headers?: Record<string, string>; status: number; error: string }[] = [
        { body: '', status: 400, error: 'invalid_json' },
        { body: '{', status: 400, error: 'invalid_json' },
        { body: "{'code':'1'}", status: 400, error: 'invalid_json' },
        { body: 'null', status: 400, error: 'bad_request' },
        { body: '[]', status: 400, error: 'bad_request' },
        { body: '"123456"', status: 400, error: 'bad_request' },
        { body: '123456', status: 400, error: 'bad_request' },
        { body: {}, status: 400, error: 'bad_request' },
        { body: { code: '123456', extra: 1 }, status: 400, error: 'bad_request' },
        { body: { code: '123456', transaction: { payeeAccount: '1234567', amount: '1000' } }, status: 400, error: 'bad_request' },
        { body: { code: '123456', transaction: { payeeAccount: '1234567', amount: 1.5 } }, status: 400, error: 'bad_request' },
        { body: { code: '123456', transaction: { payeeAccount: '1234567', amount: -1 } }, status: 400, error: 'bad_request' },
        { body: { code: '123456', transaction: { payeeAccount: '1234567', amount: 1e15 } }, status: 400, error: 'bad_request' },
        { body: { code: '123456', transaction: { payeeAccount: 1234567 } }, status: 400, error: 'bad_request' },
        { body: { code: '123456', transaction: { payeeAccount: '１２３４５６７' } }, status: 400, error: 'bad_request' },
        { body: { code: '123456', transaction: null }, status: 400, error: 'bad_request' },
        { body: '{"code":"123456","__proto__":{"x":1}}', status: 400, error: 'invalid_json' }, // secure-json-parse refuses it outright
        { body: '{"code":"123456","constructor":{"prototype":{"x":1}}}', status: 400, error: 'invalid_json' },
        { body: { code: 'x'.repeat(5000) }, status: 413, error: 'payload_too_large' },
        { body: 'code=123456', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, error: 'unsupported_media_type' },
        { body: '{"code":"123456"}', headers: { 'content-type': 'text/plain' }, status: 415, error: 'unsupported_media_type' },
        { body: '{"code":"123456"}', headers: { 'content-type': 'application/json-patch+json' }, status: 415, error: 'unsupported_media_type' },
        { body: '{"code":"123456"}', headers: { 'content-type': '' }, status: 415, error: 'unsupported_media_type' },
        { method: 'GET', status: 404, error: 'not_found' },
        { method: 'PUT', body: { code: '123456' }, status: 404, error: 'not_found' },
        { url: '/nothing-here', body: {}, status: 404, error: 'not_found' },
        // Refused by the router before any route (Fastify's own 4xx body; see the report): any 4xx.
        { url: `/bindings/${'x'.repeat(300)}/verify`, body: { code: '123456' }, status: 0, error: '' },
        { url: '/bindings/%E0%A4%A/verify', body: { code: '123456' }, status: 0, error: '' },
        { url: '/bindings', body: { serial: 'MMOB00000000', subject: 'a\u0000b', code: '123456' }, status: 400, error: 'bad_request' },
        { url: '/bindings', body: { serial: 'MMOB00000000', subject: 'x'.repeat(65), code: '123456' }, status: 400, error: 'bad_request' },
        { url: '/bindings', body: { serial: 'MMOB00000000', subject: '', code: '123456' }, status: 400, error: 'bad_request' },
        { url: '/bindings', body: { serial: ['MMOB00000000'], subject: '1', code: '123456' }, status: 400, error: 'bad_request' },
        { url: '/bindings', body: { serial: 'MMOB\u0000', subject: '1', code: '123456' }, status: 400, error: 'malformed_serial' },
        { url: '/bindings', body: { serial: '\ud800', subject: '\udfff', code: '123456' }, status: 400, error: 'malformed_serial' },
        { url: '/tokens', body: { kind: 'MOBILE' }, headers: { authorization: '' }, status: 400, error: 'bad_request' },
        { url: '/tokens', body: { kind: ['mobile'] }, status: 400, error: 'bad_request' },
        { url: '/tokens', body: { kind: 'mobile', secret: 'JBSWY3DPEHPK3PXP' }, status: 400, error: 'bad_request' },
      ];
      for (const c of cases) {
        const response = await api.call({ method: c.method ?? 'POST', url: c.url ?? verify, ...(c.body === undefined ? {} : { body: c.body }), ...(c.headers ? { headers: c.headers } : {}) });
        const label = JSON.stringify(c).slice(0, 160);
        if (c.status === 0) {
          assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${label} → ${response.statusCode}`);
          continue;
        }
        assert.equal(response.statusCode, c.status, `${label} → ${response.body}`);
        assert.equal((JSON.parse(response.body) as { error: string }).error, c.error, label);
      }
    }));

    it('never answers 500 to arbitrary JSON bodies on any route (property)', withApi(async (api) => {
      const { bindingId } = await bound(api);
      const urls = ['/tokens', '/bindings', `/bindings/${bindingId}/verify`, '/tokens/MMOB00000000/sync'];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...urls), fc.jsonValue(), async (url, value) => {
          const response = await api.call({ method: 'POST', url, body: JSON.stringify(value) });
          assert.ok(response.statusCode < 500, `${url} ${JSON.stringify(value)} → ${response.statusCode} ${response.body}`);
          if (response.statusCode >= 400) assert.match((JSON.parse(response.body) as { error: string }).error, /^[a-z_]+$/);
        }),
        { numRuns: 150 },
      );
      const bodies = fc.record({ code: fc.oneof(fc.string(), fc.jsonValue()), transaction: fc.option(fc.record({ payeeAccount: fc.oneof(fc.string(), fc.jsonValue()), amount: fc.jsonValue() }, { requiredKeys: [] }), { nil: undefined }) }, { requiredKeys: [] });
      await fc.assert(
        fc.asyncProperty(bodies, async (body) => {
          const response = await api.call({ method: 'POST', url: `/bindings/${bindingId}/verify`, body });
          assert.ok(response.statusCode < 500, `${JSON.stringify(body)} → ${response.body}`);
        }),
        { numRuns: 150 },
      );
    }));

    it('serves an OpenAPI 3.1 document naming every route and error code, identical to docs/authority-openapi.json', withApi(async (api) => {
      const response = await api.call({ method: 'GET', url: '/openapi.json', as: null });
      assert.equal(response.statusCode, 200);
      const served = JSON.parse(response.body) as typeof openApi;
      assert.equal(served.openapi, '3.1.0');
      assert.deepEqual(Object.keys(served.paths).sort(), ['/bindings', '/bindings/{id}', '/bindings/{id}/verify', '/openapi.json', '/tokens', '/tokens/{serial}/sync']);
      assert.match(JSON.stringify(served), /HKDF-SHA256/);
      const file = JSON.parse(readFileSync(new URL('../../../docs/authority-openapi.json', import.meta.url), 'utf8')) as unknown;
      assert.deepEqual(file, served, 'docs/authority-openapi.json is stale: run `node --import tsx src/authority/http/write-openapi.ts`');
    }));
  });
}
