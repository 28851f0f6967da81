// The AuthorityClient of the single-process deployment: direct calls, as one relying party.
import type { AuthorityClient } from './authority-client.js';
import type { AuthorityContext } from './authority-context.js';
import { bindToken, unbindToken } from './bindings.js';
import { resyncToken } from './resync.js';
import { verifyCode } from './verify.js';

export function createInProcessAuthorityClient(ctx: AuthorityContext, relyingPartyId: string): AuthorityClient {
  return {
    bind: (input) => bindToken(ctx, relyingPartyId, input),
    verify: (input) => verifyCode(ctx, relyingPartyId, input),
    unbind: (bindingId) => unbindToken(ctx, relyingPartyId, bindingId),
    resync: (input) => resyncToken(ctx, relyingPartyId, input),
  };
}
