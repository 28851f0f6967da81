// The constants of SHA-256 and SHA-512, derived as FIPS 180-4 defines them rather than copied
// from a table, so there is no digit to mistype: K (§4.2.2, §4.2.3) holds the first 32 or 64
// bits of the fractional parts of the cube roots of the first 64 or 80 primes, and H(0)
// (§5.3.3, §5.3.5) those of the square roots of the first 8 primes. SHA-256's values are the
// high halves of SHA-512's. Computed once, when the module loads, with exact BigInt roots.

function firstPrimes(count: number): number[] {
  const primes: number[] = [];
  for (let candidate = 2; primes.length < count; candidate++) {
    if (primes.every((prime) => candidate % prime !== 0)) {
      primes.push(candidate);
    }
  }
  return primes;
}

/** floor(value^(1/degree)) for a positive BigInt, by Newton's method. */
function integerRoot(value: bigint, degree: bigint): bigint {
  let root = 1n << BigInt(Math.ceil(value.toString(2).length / Number(degree)) + 1);
  for (;;) {
    const next = ((degree - 1n) * root + value / root ** (degree - 1n)) / degree;
    if (next >= root) break;
    root = next;
  }
  while (root ** degree > value) root--;
  while ((root + 1n) ** degree <= value) root++;
  return root;
}

/** The first 64 fractional bits of prime^(1/degree), as [high 32 bits, low 32 bits] int32s. */
function fractionBits(prime: number, degree: bigint): [number, number] {
  const root = integerRoot(BigInt(prime) << (64n * degree), degree) & ((1n << 64n) - 1n);
  return [Number(BigInt.asIntN(32, root >> 32n)), Number(BigInt.asIntN(32, root))];
}

const cubeRoots = firstPrimes(80).map((prime) => fractionBits(prime, 3n));
const squareRoots = firstPrimes(8).map((prime) => fractionBits(prime, 2n));

/** SHA-512 K as two arrays of halves. */
export const SHA512_K_HIGH = Int32Array.from(cubeRoots, ([high]) => high);
export const SHA512_K_LOW = Int32Array.from(cubeRoots, ([, low]) => low);
/** SHA-512 H(0), high word first for each of the 8 64-bit words. */
export const SHA512_INITIAL_STATE = Int32Array.from(squareRoots.flat());
export const SHA256_K = SHA512_K_HIGH.slice(0, 64);
export const SHA256_INITIAL_STATE = Int32Array.from(squareRoots, ([high]) => high);
