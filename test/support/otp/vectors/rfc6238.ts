/**
 * RFC 6238 Appendix B — TOTP Test Vectors (8 digits, X = 30 s, T0 = 0).
 * https://www.rfc-editor.org/rfc/rfc6238#appendix-B
 *
 * The seeds are those of the reference implementation in Appendix A (seed, seed32, seed64):
 * the ASCII digits "1234567890" repeated to 20 bytes for HMAC-SHA1, 32 bytes for HMAC-SHA256
 * and 64 bytes for HMAC-SHA512 (the prose above the table names only the 20-byte one).
 */
import type { HashAlgorithm } from '../../../../src/otp/hash-algorithm.js';

export const RFC6238_SEED_HEX: Readonly<Record<HashAlgorithm, string>> = {
  SHA1: '3132333435363738393031323334353637383930',
  SHA256: '3132333435363738393031323334353637383930313233343536373839303132',
  SHA512:
    '31323334353637383930313233343536373839303132333435363738393031323334353637383930' +
    '313233343536373839303132333435363738393031323334',
};

export const RFC6238_PERIOD_SECONDS = 30;
export const RFC6238_DIGITS = 8;

export interface Rfc6238Vector {
  readonly timeSeconds: number;
  /** "Value of T (hex)" column. */
  readonly timeStepHex: string;
  readonly algorithm: HashAlgorithm;
  readonly totp: string;
}

export const RFC6238_VECTORS: readonly Rfc6238Vector[] = [
  { timeSeconds: 59, timeStepHex: '0000000000000001', algorithm: 'SHA1', totp: '94287082' },
  { timeSeconds: 59, timeStepHex: '0000000000000001', algorithm: 'SHA256', totp: '46119246' },
  { timeSeconds: 59, timeStepHex: '0000000000000001', algorithm: 'SHA512', totp: '90693936' },
  { timeSeconds: 1111111109, timeStepHex: '00000000023523EC', algorithm: 'SHA1', totp: '07081804' },
  { timeSeconds: 1111111109, timeStepHex: '00000000023523EC', algorithm: 'SHA256', totp: '68084774' },
  { timeSeconds: 1111111109, timeStepHex: '00000000023523EC', algorithm: 'SHA512', totp: '25091201' },
  { timeSeconds: 1111111111, timeStepHex: '00000000023523ED', algorithm: 'SHA1', totp: '14050471' },
  { timeSeconds: 1111111111, timeStepHex: '00000000023523ED', algorithm: 'SHA256', totp: '67062674' },
  { timeSeconds: 1111111111, timeStepHex: '00000000023523ED', algorithm: 'SHA512', totp: '99943326' },
  { timeSeconds: 1234567890, timeStepHex: '000000000273EF07', algorithm: 'SHA1', totp: '89005924' },
  { timeSeconds: 1234567890, timeStepHex: '000000000273EF07', algorithm: 'SHA256', totp: '91819424' },
  { timeSeconds: 1234567890, timeStepHex: '000000000273EF07', algorithm: 'SHA512', totp: '93441116' },
  { timeSeconds: 2000000000, timeStepHex: '0000000003F940AA', algorithm: 'SHA1', totp: '69279037' },
  { timeSeconds: 2000000000, timeStepHex: '0000000003F940AA', algorithm: 'SHA256', totp: '90698825' },
  { timeSeconds: 2000000000, timeStepHex: '0000000003F940AA', algorithm: 'SHA512', totp: '38618901' },
  { timeSeconds: 20000000000, timeStepHex: '0000000027BC86AA', algorithm: 'SHA1', totp: '65353130' },
  { timeSeconds: 20000000000, timeStepHex: '0000000027BC86AA', algorithm: 'SHA256', totp: '77737706' },
  { timeSeconds: 20000000000, timeStepHex: '0000000027BC86AA', algorithm: 'SHA512', totp: '47863826' },
];
