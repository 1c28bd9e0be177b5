// Linear orthogonal arrays over GF(q): the rows are all of GF(q)^m and each column is a linear
// form <v, x> for one representative v of each point of the projective geometry PG(m-1, q).
// For q = 2 this is Sylvester's Hadamard construction (H = H_2 (x) ... (x) H_2, entries
// (-1)^<r, j>) without its constant column: L4, L8, L16, L32. For q = 3, 4, 5 it gives L9, L27,
// L16(4^5) and L25(5^6) (Bose's construction; Hedayat, Sloane & Stufken, Orthogonal Arrays,
// sec. 3.4; Wu & Hamada, Experiments, 2nd ed., sec. 6.3 and 7.8).
//
// Column order reproduces Taguchi's: vectors are normalised to last non-zero coordinate 1 and
// listed by that coordinate's position, the earlier coordinates counting up with the first
// fastest. So the basic columns are 1, 2, 4, 8, 16 (two-level) and 1, 2, 5 (L27), and in L8
// columns 1 and 2 interact in column 3; in L27, columns 1 and 5 in columns 6 and 7.

import { galoisField } from "./galois-field.js";
import { arrayName, type OrthogonalArray } from "./orthogonal-array.js";

/** Normalised vectors of PG(m-1, q) in Taguchi's column order. */
export function projectivePoints(q: number, m: number): number[][] {
  const points: number[][] = [];
  for (let t = 0; t < m; t++) {
    const lower = q ** t;
    for (let c = 0; c < lower; c++) {
      const v = new Array<number>(m).fill(0);
      let rest = c;
      for (let i = 0; i < t; i++) {
        v[i] = rest % q;
        rest = Math.floor(rest / q);
      }
      v[t] = 1;
      points.push(v);
    }
  }
  return points;
}

/** The GF(q)^m coordinates of run r, first coordinate slowest (Bose 1947, Sankhya 8). */
export function runVector(r: number, q: number, m: number): number[] {
  const x = new Array<number>(m).fill(0);
  let rest = r;
  for (let i = m - 1; i >= 0; i--) {
    x[i] = rest % q;
    rest = Math.floor(rest / q);
  }
  return x;
}

/** Value of the linear form <v, x> over GF(q) (Bose 1947, Sankhya 8). */
export function linearForm(v: readonly number[], x: readonly number[], q: number): number {
  const f = galoisField(q);
  let s = 0;
  for (let i = 0; i < v.length; i++) s = f.add[s]![f.mul[v[i]!]![x[i]!]!]!;
  return s;
}

/** The linear array OA(q^m, q^((q^m - 1)/(q - 1))) of strength 2 (Bose 1947; Hedayat, Sloane & Stufken, thm. 3.20). */
export function linearOrthogonalArray(q: number, m: number): OrthogonalArray {
  const vectors = projectivePoints(q, m);
  const runs = q ** m;
  const rows: number[][] = [];
  for (let r = 0; r < runs; r++) {
    const x = runVector(r, q, m);
    rows.push(vectors.map((v) => linearForm(v, x, q)));
  }
  const levels = vectors.map(() => q);
  return {
    name: arrayName(runs, levels),
    runs,
    levels,
    rows,
    construction:
      q === 2
        ? `Sylvester Hadamard matrix of order ${runs} without its constant column (GF(2) linear forms; Taguchi column order)`
        : `linear forms over GF(${q}) on GF(${q})^${m} (Bose's construction; Taguchi column order)`,
    linear: { q, m, vectors },
  };
}
