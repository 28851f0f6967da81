// RFC 4648 §6 — the Base 32 alphabet, used for TOTP secrets in key URIs and the API.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Character code -> 5-bit value, -1 for anything else. Lower case is accepted on input. */
const VALUES: Int8Array = (() => {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) {
    values[ALPHABET.charCodeAt(i)] = i;
    values[ALPHABET.toLowerCase().charCodeAt(i)] = i;
  }
  return values;
})();

/**
 * Base32 of RFC 4648 §6, upper case and without the '=' padding: otpauth URIs (Google's Key
 * Uri Format) and Mamori's API both carry secrets unpadded.
 */
export function encodeBase32(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError('bytes must be a Uint8Array');
  }
  let text = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff; // never more than 12 bits are pending
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += ALPHABET[(buffer >>> bits) & 0x1f];
    }
  }
  if (bits > 0) {
    text += ALPHABET[(buffer << (5 - bits)) & 0x1f];
  }
  return text;
}

/** RFC 4648 §6: the number of characters of a final quantum that carry data, by input bytes. */
const VALID_TAIL_LENGTHS = new Set([0, 2, 4, 5, 7]);

/**
 * Decodes RFC 4648 §6 Base32, tolerant of how people and apps write secrets: lower case,
 * spaces anywhere, and the '=' padding, which may be left out; if present it must be exactly
 * the padding an encoder would write. Throws a TypeError on any other character, on a length
 * no encoder produces (a last group of 1, 3 or 6 characters), or on non-zero bits after the
 * last byte (§3.5 canonical encoding), so a secret has one spelling up to case, spaces and
 * padding.
 */
export function decodeBase32(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') {
    throw new TypeError('base32 text must be a string');
  }
  const compact = text.replace(/ /g, '');
  const firstPad = compact.indexOf('=');
  const data = firstPad === -1 ? compact : compact.slice(0, firstPad);
  if (firstPad !== -1) {
    const padding = compact.slice(firstPad);
    if (!/^=+$/.test(padding)) {
      throw new TypeError('base32 padding may only appear at the end');
    }
    if (compact.length % 8 !== 0 || padding.length >= 8 || data.length % 8 === 0) {
      throw new TypeError('base32 padding does not match the data length');
    }
  }
  if (!VALID_TAIL_LENGTHS.has(data.length % 8)) {
    throw new TypeError('base32 text has an impossible length');
  }
  const bytes = new Uint8Array(Math.floor((data.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (let i = 0; i < data.length; i++) {
    const unit = data.charCodeAt(i);
    const value = unit < 128 ? (VALUES[unit] as number) : -1;
    if (value === -1) {
      throw new TypeError(`invalid base32 character at position ${i}`);
    }
    buffer = ((buffer << 5) | value) & 0xfff; // never more than 12 bits are pending
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[index++] = (buffer >>> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) {
    throw new TypeError('base32 text has non-zero bits after the last byte');
  }
  return bytes;
}
