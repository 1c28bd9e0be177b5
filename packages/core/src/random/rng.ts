// Seeded pseudo-random numbers for every randomised algorithm in core: randomness is always an
// argument, never the global generator. sfc32 (Chris Doty-Humphrey's Small Fast Counting generator,
// PractRand-tested) seeded from a string through MurmurHash3.

import { murmur3 } from "./murmur3.js";

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** sfc32 generator from four 32-bit words. */
export function sfc32(a: number, b: number, c: number, d: number): Rng {
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** A seeded generator from a number or string seed; the same seed always gives the same stream. */
export function createRng(seed: number | string): Rng {
  const s = String(seed);
  const rng = sfc32(murmur3(s, 1), murmur3(s, 2), murmur3(s, 3), murmur3(s, 4));
  for (let i = 0; i < 12; i++) rng(); // discard the warm-up outputs
  return rng;
}

/** A standard normal draw (Box-Muller) from a uniform source. */
export function normalDraw(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
