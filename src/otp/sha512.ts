// SHA-512 compression, FIPS 180-4 §6.4.2 (functions §4.1.3). JavaScript has no 64-bit integer
// arithmetic on numbers, so each 64-bit word is a pair of int32 halves (high, low): rotations
// combine both halves, and additions sum the low halves as unsigned numbers (exact below
// 2^53) and carry into the high halves.
import type { HashEngine } from './hash-engine.js';
import { SHA512_INITIAL_STATE, SHA512_K_HIGH, SHA512_K_LOW } from './sha-constants.js';

const TWO_POW_32 = 0x1_0000_0000;
const W_HIGH = new Int32Array(80);
const W_LOW = new Int32Array(80);

function compressSha512(state: Int32Array, block: Int32Array): void {
  for (let t = 0; t < 16; t++) {
    W_HIGH[t] = block[2 * t] as number;
    W_LOW[t] = block[2 * t + 1] as number;
  }
  for (let t = 16; t < 80; t++) {
    // σ0(x) = ROTR^1(x) ^ ROTR^8(x) ^ SHR^7(x)
    let xh = W_HIGH[t - 15] as number;
    let xl = W_LOW[t - 15] as number;
    const sigma0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
    const sigma0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
    // σ1(x) = ROTR^19(x) ^ ROTR^61(x) ^ SHR^6(x)
    xh = W_HIGH[t - 2] as number;
    xl = W_LOW[t - 2] as number;
    const sigma1h = ((xh >>> 19) | (xl << 13)) ^ ((xl >>> 29) | (xh << 3)) ^ (xh >>> 6);
    const sigma1l = ((xl >>> 19) | (xh << 13)) ^ ((xh >>> 29) | (xl << 3)) ^ ((xl >>> 6) | (xh << 26));
    // W_t = σ1(W_t-2) + W_t-7 + σ0(W_t-15) + W_t-16
    const low = (sigma1l >>> 0) + ((W_LOW[t - 7] as number) >>> 0) + (sigma0l >>> 0) + ((W_LOW[t - 16] as number) >>> 0);
    W_HIGH[t] = (sigma1h + (W_HIGH[t - 7] as number) + sigma0h + (W_HIGH[t - 16] as number) + ((low / TWO_POW_32) | 0)) | 0;
    W_LOW[t] = low | 0;
  }
  let ah = state[0] as number, al = state[1] as number;
  let bh = state[2] as number, bl = state[3] as number;
  let ch = state[4] as number, cl = state[5] as number;
  let dh = state[6] as number, dl = state[7] as number;
  let eh = state[8] as number, el = state[9] as number;
  let fh = state[10] as number, fl = state[11] as number;
  let gh = state[12] as number, gl = state[13] as number;
  let hh = state[14] as number, hl = state[15] as number;
  for (let t = 0; t < 80; t++) {
    // Σ1(e) = ROTR^14(e) ^ ROTR^18(e) ^ ROTR^41(e)
    const bigSigma1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
    const bigSigma1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
    // Ch(e, f, g) = (e & f) ^ (~e & g)
    const chooseh = (eh & fh) ^ (~eh & gh);
    const choosel = (el & fl) ^ (~el & gl);
    // T1 = h + Σ1(e) + Ch(e, f, g) + K_t + W_t
    const t1Sum =
      (hl >>> 0) + (bigSigma1l >>> 0) + (choosel >>> 0) + ((SHA512_K_LOW[t] as number) >>> 0) + ((W_LOW[t] as number) >>> 0);
    const t1h = (hh + bigSigma1h + chooseh + (SHA512_K_HIGH[t] as number) + (W_HIGH[t] as number) + ((t1Sum / TWO_POW_32) | 0)) | 0;
    const t1l = t1Sum | 0;
    // Σ0(a) = ROTR^28(a) ^ ROTR^34(a) ^ ROTR^39(a)
    const bigSigma0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
    const bigSigma0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
    // Maj(a, b, c) = (a & b) ^ (a & c) ^ (b & c); T2 = Σ0(a) + Maj(a, b, c)
    const majorityh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
    const majorityl = (al & bl) ^ (al & cl) ^ (bl & cl);
    const t2Sum = (bigSigma0l >>> 0) + (majorityl >>> 0);
    const t2h = (bigSigma0h + majorityh + ((t2Sum / TWO_POW_32) | 0)) | 0;
    const t2l = t2Sum | 0;
    hh = gh; hl = gl;
    gh = fh; gl = fl;
    fh = eh; fl = el;
    // e = d + T1
    const eSum = (dl >>> 0) + (t1l >>> 0);
    eh = (dh + t1h + ((eSum / TWO_POW_32) | 0)) | 0;
    el = eSum | 0;
    dh = ch; dl = cl;
    ch = bh; cl = bl;
    bh = ah; bl = al;
    // a = T1 + T2
    const aSum = (t1l >>> 0) + (t2l >>> 0);
    ah = (t1h + t2h + ((aSum / TWO_POW_32) | 0)) | 0;
    al = aSum | 0;
  }
  addWord(state, 0, ah, al);
  addWord(state, 2, bh, bl);
  addWord(state, 4, ch, cl);
  addWord(state, 6, dh, dl);
  addWord(state, 8, eh, el);
  addWord(state, 10, fh, fl);
  addWord(state, 12, gh, gl);
  addWord(state, 14, hh, hl);
}

/** state[index..index+1] += (high, low), modulo 2^64. */
function addWord(state: Int32Array, index: number, high: number, low: number): void {
  const sum = ((state[index + 1] as number) >>> 0) + (low >>> 0);
  state[index] = ((state[index] as number) + high + ((sum / TWO_POW_32) | 0)) | 0;
  state[index + 1] = sum | 0;
}

export const SHA512_ENGINE: HashEngine = {
  algorithm: 'SHA512',
  blockBytes: 128,
  digestBytes: 64,
  lengthFieldBytes: 16,
  initialState: SHA512_INITIAL_STATE,
  compress: compressSha512,
};
