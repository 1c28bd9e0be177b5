// The 12-run Plackett-Burman design L12(2^11): eleven cyclic shifts of a generating row plus a
// row of all low levels. The generating row comes from Paley's construction: position i is high
// when i = 0 or i is a quadratic residue mod 11, which is Plackett & Burman's published row
// + + - + + + - - - + - (Plackett & Burman 1946, Biometrika 33; Montgomery, Design and
// Analysis of Experiments, 8th ed., Table 8.23).

import { arrayName, type OrthogonalArray } from "./orthogonal-array.js";

/** The generating row of the N = p + 1 Plackett-Burman design for a prime p = 3 mod 4, as +1/-1 (Paley 1933). */
export function paleyGeneratingRow(p: number): number[] {
  const residues = new Set<number>();
  for (let x = 1; x < p; x++) residues.add((x * x) % p);
  return [...Array(p).keys()].map((i) => (i === 0 || residues.has(i) ? 1 : -1));
}

/** L12(2^11): Plackett-Burman, rows in Plackett & Burman's order (cyclic shifts, then all low). */
export function plackettBurman12(): OrthogonalArray {
  const p = 11;
  const gen = paleyGeneratingRow(p);
  const rows: number[][] = [];
  // Row i, column j holds gen[(j - i) mod p]: each column is the generator shifted down by j.
  for (let i = 0; i < p; i++) rows.push([...Array(p).keys()].map((j) => (gen[(j - i + p) % p] === 1 ? 1 : 0)));
  rows.push(new Array<number>(p).fill(0));
  const levels = new Array<number>(p).fill(2);
  return {
    name: arrayName(12, levels),
    runs: 12,
    levels,
    rows,
    construction: "Plackett-Burman: cyclic shifts of the Paley (quadratic residue mod 11) generating row plus a row of low levels",
  };
}
