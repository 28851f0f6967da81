/**
 * Mamori's own transaction-code vectors (suite OCRA-1:HOTP-SHA1-6:QN20-T1M, see
 * transaction-code.ts). No RFC covers Mamori's challenge layout, so these were computed by an
 * independent construction — node:crypto's createHmac over the DataInput of RFC 6287 §5.1
 * assembled byte by byte, sharing no code with src/otp — and transaction-code.test.ts repeats
 * that construction. The token app, the CLI token and the authority can all test against this
 * table. Secret: the ASCII string "12345678901234567890" (the RFC 4226 seed).
 */
export const MAMORI_TRANSACTION_SECRET_HEX = '3132333435363738393031323334353637383930';

export interface MamoriTransactionVector {
  readonly payeeAccount: string;
  readonly amountYen?: number;
  readonly nowMs: number;
  /** The numeric OCRA challenge: marker "1", account, amount. */
  readonly challenge: string;
  /** T: minutes since the Unix epoch. */
  readonly timeStep: number;
  readonly code: string;
}

export const MAMORI_TRANSACTION_VECTORS: readonly MamoriTransactionVector[] = [
  { payeeAccount: '1234567', nowMs: 1767225600000, challenge: '11234567', timeStep: 29453760, code: '998185' },
  { payeeAccount: '1234567', amountYen: 50000, nowMs: 1767225600000, challenge: '1123456750000', timeStep: 29453760, code: '527063' },
  // These two rows would share one challenge number without the marker digit.
  { payeeAccount: '0123456', amountYen: 78000, nowMs: 1767259815000, challenge: '1012345678000', timeStep: 29454330, code: '079637' },
  { payeeAccount: '1234567', amountYen: 8000, nowMs: 1767259815000, challenge: '112345678000', timeStep: 29454330, code: '181336' },
  { payeeAccount: '0000001', amountYen: 1, nowMs: 1775087999000, challenge: '100000011', timeStep: 29584799, code: '926405' },
  {
    payeeAccount: '9999999',
    amountYen: 999999999999,
    nowMs: 1924948800000,
    challenge: '19999999999999999999',
    timeStep: 32082480,
    code: '044043',
  },
];
