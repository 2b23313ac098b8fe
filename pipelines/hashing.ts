/** Small non-cryptographic hashing shared by the generator and the release linker. */

/** Bijective 32-bit integer mix (lowbias32): seeds, id scrambling, MinHash permutations. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
