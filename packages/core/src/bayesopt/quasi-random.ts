// Low-discrepancy start points for the acquisition search: the Halton sequence (Halton 1960) with a
// seeded Cranley-Patterson rotation (Cranley & Patterson 1976), so that every seed gives a
// different, equally well-spread set in the unit cube.

import type { Rng } from "../random/rng.js";

function primes(count: number): number[] {
  const out: number[] = [];
  for (let c = 2; out.length < count; c++) if (out.every((p) => c % p !== 0)) out.push(c);
  return out;
}

function radicalInverse(i: number, base: number): number {
  let f = 1;
  let r = 0;
  while (i > 0) {
    f /= base;
    r += f * (i % base);
    i = Math.floor(i / base);
  }
  return r;
}

/** `count` points of the d-dimensional Halton sequence, each coordinate shifted by a seeded uniform modulo 1. */
export function haltonPoints(count: number, d: number, rng: Rng): number[][] {
  const bases = primes(d);
  const shift = bases.map(() => rng());
  const out: number[][] = [];
  for (let i = 1; i <= count; i++) out.push(bases.map((b, j) => (radicalInverse(i, b) + (shift[j] as number)) % 1));
  return out;
}
