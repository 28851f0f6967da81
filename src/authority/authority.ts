// The token authority's public entry: what the rest of Mamori (server, CLI, bank) imports.
// Everything else in this folder is its inside.
export { createAuthority, type Authority, type CreateAuthorityInput } from './authority-service.js';
export type { AuthorityPolicy } from './authority-policy.js';
export { DEFAULT_AUTHORITY_POLICY, TOKEN_PARAMETERS } from './authority-policy.js';
export type * from './authority-client.js';
export { AuthorityUnavailableError } from './authority-client.js';
export { addKey, createKeyring, KEY_FILE_NAME, KeyringError, loadKeyring, parseMasterKeySpec, type Keyring, type SealedSecret } from './keyring.js';
export { deriveClientTokenSecret } from './key-agreement.js';
export type { AgreedProvisionedToken, PlainProvisionedToken, ProvisionInput, ProvisionResult } from './provision.js';
export { reencryptTokenSecrets, type ReencryptResult } from './reencrypt.js';
export { API_KEY_PREFIX, RelyingPartyError } from './relying-parties.js';
export type { SetTokenStateResult } from './token-state.js';
