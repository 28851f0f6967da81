// The bank side of a split deployment (`mamori serve bank`): one HTTP AuthorityClient per
// institution, each with that institution's API key (MAMORI_RP_KEYS). An institution without a
// key fails closed like an unreachable authority: its customers see 「しばらくしてから再度お試し
// ください」 and the log says which key is missing. Keys are never logged.
import { AuthorityUnavailableError, type AuthorityClient } from './authority/authority-client.js';
import { createHttpAuthorityClient } from './authority/http/http-authority-client.js';

export interface RelyingPartyClientsInput {
  authorityUrl: string;
  keys: ReadonlyMap<string, string>;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
}

export function createRelyingPartyClients(input: RelyingPartyClientsInput): (slug: string) => AuthorityClient {
  const clients = new Map<string, AuthorityClient>();
  for (const [slug, apiKey] of input.keys) {
    clients.set(slug, createHttpAuthorityClient({ baseUrl: input.authorityUrl, apiKey, timeoutMs: input.timeoutMs, ...(input.fetch ? { fetch: input.fetch } : {}) }));
  }
  return (slug) => clients.get(slug) ?? withoutKey(slug);
}

function withoutKey(slug: string): AuthorityClient {
  const refuse = () => Promise.reject(new AuthorityUnavailableError(`no API key for institution "${slug}" in MAMORI_RP_KEYS (make one with \`mamori keys rp ${slug}\`)`));
  return { bind: refuse, verify: refuse, unbind: refuse, resync: refuse };
}
