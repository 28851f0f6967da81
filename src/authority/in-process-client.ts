// The AuthorityClient of the single-process deployment, and the authority's own side of every
// call from the HTTP API: direct calls, as one relying party, each answer counted by result
// (mamori_authority_code_checks_total: what the authority itself checked, whoever asked).
import { metrics } from '../observability/mamori-metrics.js';
import type { AuthorityClient } from './authority-client.js';
import type { AuthorityContext } from './authority-context.js';
import { bindToken, unbindToken } from './bindings.js';
import { resyncToken } from './resync.js';
import { verifyCode } from './verify.js';

async function counted<T>(operation: 'verify' | 'bind' | 'resync', answer: Promise<T>, resultOf: (answer: T) => string): Promise<T> {
  const value = await answer;
  metrics.authorityCodeChecks.inc({ operation, result: resultOf(value) });
  return value;
}

export function createInProcessAuthorityClient(ctx: AuthorityContext, relyingPartyId: string): AuthorityClient {
  return {
    bind: (input) => counted('bind', bindToken(ctx, relyingPartyId, input), (a) => (a.ok ? 'valid' : a.reason)),
    verify: (input) => counted('verify', verifyCode(ctx, relyingPartyId, input), (a) => (a.valid ? 'valid' : a.reason)),
    unbind: (bindingId) => unbindToken(ctx, relyingPartyId, bindingId),
    resync: (input) => counted('resync', resyncToken(ctx, relyingPartyId, input), (a) => (a.ok ? 'valid' : a.reason)),
  };
}
