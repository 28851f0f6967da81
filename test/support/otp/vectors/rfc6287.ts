/**
 * RFC 6287 Appendix C — OCRA Test Vectors, every row.
 * https://www.rfc-editor.org/rfc/rfc6287#appendix-C
 *
 * Keys (Appendix C): SEED = "12345678901234567890" (20 bytes), SEED32 = 32 bytes and SEED64 =
 * 64 bytes of the ASCII digits "1234567890" repeated. The PIN is "1234", whose SHA-1 hash
 * 7110eda4d09e062aa5e4a390b0a572ac0d2c0220 is the P input of the PSHA1 suites. The time-based
 * rows use T = 0x132d0b6, the minutes since the epoch at "Mar 25 2008, 12:06:30 GMT".
 */
export const RFC6287_KEYS_HEX = {
  SEED: '3132333435363738393031323334353637383930',
  SEED32: '3132333435363738393031323334353637383930313233343536373839303132',
  SEED64:
    '31323334353637383930313233343536373839303132333435363738393031323334353637383930' +
    '313233343536373839303132333435363738393031323334',
} as const;

export const RFC6287_PIN = '1234';
export const RFC6287_PIN_SHA1_HEX = '7110eda4d09e062aa5e4a390b0a572ac0d2c0220';
export const RFC6287_TIME_STEP = 0x132d0b6;
/** The instant the Appendix C time step was taken from, in Unix milliseconds. */
export const RFC6287_TIME_MS = Date.UTC(2008, 2, 25, 12, 6, 30);

export interface Rfc6287Vector {
  readonly section: 'C.1' | 'C.2' | 'C.3';
  /** Who computes the value in the RFC's mutual challenge-response rows. */
  readonly role?: 'server' | 'client';
  readonly suite: string;
  readonly key: keyof typeof RFC6287_KEYS_HEX;
  readonly challenge: string;
  readonly counter?: number;
  /** True when the suite has PSHA1 and the PIN hash above is the P input. */
  readonly pin?: true;
  readonly timeStep?: number;
  readonly response: string;
}

function rows(
  common: Omit<Rfc6287Vector, 'challenge' | 'response'>,
  table: readonly (readonly [challenge: string, response: string])[],
): Rfc6287Vector[] {
  return table.map(([challenge, response]) => ({ ...common, challenge, response }));
}

export const RFC6287_VECTORS: readonly Rfc6287Vector[] = [
  // C.1 One-Way Challenge Response
  ...rows({ section: 'C.1', suite: 'OCRA-1:HOTP-SHA1-6:QN08', key: 'SEED' }, [
    ['00000000', '237653'],
    ['11111111', '243178'],
    ['22222222', '653583'],
    ['33333333', '740991'],
    ['44444444', '608993'],
    ['55555555', '388898'],
    ['66666666', '816933'],
    ['77777777', '224598'],
    ['88888888', '750600'],
    ['99999999', '294470'],
  ]),
  ...(
    [
      [0, '65347737'],
      [1, '86775851'],
      [2, '78192410'],
      [3, '71565254'],
      [4, '10104329'],
      [5, '65983500'],
      [6, '70069104'],
      [7, '91771096'],
      [8, '75011558'],
      [9, '08522129'],
    ] as const
  ).map(
    ([counter, response]): Rfc6287Vector => ({
      section: 'C.1',
      suite: 'OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1',
      key: 'SEED32',
      counter,
      challenge: '12345678',
      pin: true,
      response,
    }),
  ),
  ...rows({ section: 'C.1', suite: 'OCRA-1:HOTP-SHA256-8:QN08-PSHA1', key: 'SEED32', pin: true }, [
    ['00000000', '83238735'],
    ['11111111', '01501458'],
    ['22222222', '17957585'],
    ['33333333', '86776967'],
    ['44444444', '86807031'],
  ]),
  ...(
    [
      [0, '00000000', '07016083'],
      [1, '11111111', '63947962'],
      [2, '22222222', '70123924'],
      [3, '33333333', '25341727'],
      [4, '44444444', '33203315'],
      [5, '55555555', '34205738'],
      [6, '66666666', '44343969'],
      [7, '77777777', '51946085'],
      [8, '88888888', '20403879'],
      [9, '99999999', '31409299'],
    ] as const
  ).map(
    ([counter, challenge, response]): Rfc6287Vector => ({
      section: 'C.1',
      suite: 'OCRA-1:HOTP-SHA512-8:C-QN08',
      key: 'SEED64',
      counter,
      challenge,
      response,
    }),
  ),
  ...rows({ section: 'C.1', suite: 'OCRA-1:HOTP-SHA512-8:QN08-T1M', key: 'SEED64', timeStep: RFC6287_TIME_STEP }, [
    ['00000000', '95209754'],
    ['11111111', '55907591'],
    ['22222222', '22048402'],
    ['33333333', '24218844'],
    ['44444444', '36209546'],
  ]),

  // C.2 Mutual Challenge-Response
  ...rows({ section: 'C.2', role: 'server', suite: 'OCRA-1:HOTP-SHA256-8:QA08', key: 'SEED32' }, [
    ['CLI22220SRV11110', '28247970'],
    ['CLI22221SRV11111', '01984843'],
    ['CLI22222SRV11112', '65387857'],
    ['CLI22223SRV11113', '03351211'],
    ['CLI22224SRV11114', '83412541'],
  ]),
  ...rows({ section: 'C.2', role: 'client', suite: 'OCRA-1:HOTP-SHA256-8:QA08', key: 'SEED32' }, [
    ['SRV11110CLI22220', '15510767'],
    ['SRV11111CLI22221', '90175646'],
    ['SRV11112CLI22222', '33777207'],
    ['SRV11113CLI22223', '95285278'],
    ['SRV11114CLI22224', '28934924'],
  ]),
  ...rows({ section: 'C.2', role: 'server', suite: 'OCRA-1:HOTP-SHA512-8:QA08', key: 'SEED64' }, [
    ['CLI22220SRV11110', '79496648'],
    ['CLI22221SRV11111', '76831980'],
    ['CLI22222SRV11112', '12250499'],
    ['CLI22223SRV11113', '90856481'],
    ['CLI22224SRV11114', '12761449'],
  ]),
  ...rows({ section: 'C.2', role: 'client', suite: 'OCRA-1:HOTP-SHA512-8:QA08-PSHA1', key: 'SEED64', pin: true }, [
    ['SRV11110CLI22220', '18806276'],
    ['SRV11111CLI22221', '70020315'],
    ['SRV11112CLI22222', '01600026'],
    ['SRV11113CLI22223', '18951020'],
    ['SRV11114CLI22224', '32528969'],
  ]),

  // C.3 Plain Signature
  ...rows({ section: 'C.3', suite: 'OCRA-1:HOTP-SHA256-8:QA08', key: 'SEED32' }, [
    ['SIG10000', '53095496'],
    ['SIG11000', '04110475'],
    ['SIG12000', '31331128'],
    ['SIG13000', '76028668'],
    ['SIG14000', '46554205'],
  ]),
  ...rows({ section: 'C.3', suite: 'OCRA-1:HOTP-SHA512-8:QA10-T1M', key: 'SEED64', timeStep: RFC6287_TIME_STEP }, [
    ['SIG1000000', '77537423'],
    ['SIG1100000', '31970405'],
    ['SIG1200000', '10235557'],
    ['SIG1300000', '95213541'],
    ['SIG1400000', '65360607'],
  ]),
];
