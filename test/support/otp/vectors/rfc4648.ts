/**
 * RFC 4648 §10 — Test Vectors, BASE32 (the §6 alphabet), with the padding the RFC shows.
 * https://www.rfc-editor.org/rfc/rfc4648#section-10
 */
export interface Rfc4648Base32Vector {
  readonly input: string; // ASCII
  readonly base32: string;
}

export const RFC4648_BASE32_VECTORS: readonly Rfc4648Base32Vector[] = [
  { input: '', base32: '' },
  { input: 'f', base32: 'MY======' },
  { input: 'fo', base32: 'MZXQ====' },
  { input: 'foo', base32: 'MZXW6===' },
  { input: 'foob', base32: 'MZXW6YQ=' },
  { input: 'fooba', base32: 'MZXW6YTB' },
  { input: 'foobar', base32: 'MZXW6YTBOI======' },
];
