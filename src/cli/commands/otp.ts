// `mamori otp totp`: an RFC 6238 code from a base32 secret, for checking tokens and other
// implementations by hand (`--time 59 --digits 8` on the RFC's SHA1 seed prints 94287082).
// Printing the code is the point of this command; the secret itself is never echoed.
import { createHmacKey, decodeBase32, generateTotp, MAX_CODE_DIGITS, MIN_CODE_DIGITS, type HashAlgorithm } from '../../otp/index.js';
import { parseFlags, parseTimeFlag, parseWholeNumber, takeSubcommand, UsageError, type Command } from '../command.js';

export const command: Command = {
  usage: [
    'usage: mamori otp totp --secret BASE32 [--time UNIX_SECONDS] [--digits N] [--algorithm SHA1|SHA256|SHA512] [--period S]',
    '',
    `Prints the TOTP code (RFC 6238). Defaults: now, 6 digits (${MIN_CODE_DIGITS}-${MAX_CODE_DIGITS}), SHA1, 30 seconds.`,
    'The secret is RFC 4648 base32; case, spaces, hyphens and "=" padding are ignored.',
  ].join('\n'),

  async run(args, io) {
    const [, rest] = takeSubcommand(args, ['totp'] as const);
    const { values } = parseFlags(rest, {
      secret: { type: 'string' },
      time: { type: 'string' },
      digits: { type: 'string' },
      algorithm: { type: 'string' },
      period: { type: 'string' },
    });
    if (values.secret === undefined) throw new UsageError('--secret BASE32 is required');
    const secret = parseBase32Secret(values.secret);
    const algorithm = parseAlgorithm(values.algorithm ?? 'SHA1');
    const digits = values.digits === undefined ? 6 : parseWholeNumber('--digits', values.digits, { min: MIN_CODE_DIGITS, max: MAX_CODE_DIGITS });
    const periodSeconds = values.period === undefined ? 30 : parseWholeNumber('--period', values.period, { min: 1, max: 86_400 });
    const nowMs = parseTimeFlag(values.time, Date.now);
    io.out(generateTotp({ key: createHmacKey(algorithm, secret), nowMs, periodSeconds, digits }));
    return 0;
  },
};

/** Base32 as people copy it: any case, grouped with spaces or hyphens, padded or not. */
export function parseBase32Secret(text: string): Uint8Array {
  const compact = text.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  if (compact === '') throw new UsageError('--secret is empty');
  const bad = compact.match(/[^A-Z2-7]/);
  // Say which character is wrong, not the secret: error output can end up in a terminal log.
  if (bad) throw new UsageError(`--secret is not base32: "${bad[0]}" is not one of A-Z, 2-7`);
  let secret: Uint8Array;
  try {
    secret = decodeBase32(compact);
  } catch (error) {
    // decodeBase32's messages name a length or a position, never the text itself.
    throw new UsageError(`--secret is not valid base32: ${(error as Error).message}`);
  }
  if (secret.length === 0) throw new UsageError('--secret decodes to no bytes');
  return secret;
}

function parseAlgorithm(text: string): HashAlgorithm {
  // Accept the spellings people use (sha1, SHA-256) but print the canonical one in errors.
  const name = text.toUpperCase().replace('-', '');
  if (name === 'SHA1' || name === 'SHA256' || name === 'SHA512') return name;
  throw new UsageError(`--algorithm must be SHA1, SHA256 or SHA512, not "${text}"`);
}
