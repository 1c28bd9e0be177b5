// Arithmetic in the small Galois fields GF(2), GF(3), GF(4) and GF(5) that the orthogonal-array
// constructions need. Elements are the integers 0..q-1; for GF(4) = GF(2)[a]/(a^2 + a + 1) the
// element 2 is a and 3 is a + 1 = a^2, so addition is bitwise XOR.

import { InvalidArgumentError } from "../errors.js";

/** Addition and multiplication tables of GF(q). */
export interface GaloisField {
  q: number;
  add: number[][];
  mul: number[][];
}

const cache = new Map<number, GaloisField>();

/** The field GF(q) for q in {2, 3, 4, 5} (Lidl & Niederreiter, Finite Fields, ch. 1). */
export function galoisField(q: number): GaloisField {
  const hit = cache.get(q);
  if (hit) return hit;
  let field: GaloisField;
  if (q === 2 || q === 3 || q === 5) {
    const range = [...Array(q).keys()];
    field = {
      q,
      add: range.map((a) => range.map((b) => (a + b) % q)),
      mul: range.map((a) => range.map((b) => (a * b) % q)),
    };
  } else if (q === 4) {
    // a * a = a + 1; a * (a + 1) = 1; (a + 1)^2 = a.
    field = {
      q,
      add: [0, 1, 2, 3].map((a) => [0, 1, 2, 3].map((b) => a ^ b)),
      mul: [
        [0, 0, 0, 0],
        [0, 1, 2, 3],
        [0, 2, 3, 1],
        [0, 3, 1, 2],
      ],
    };
  } else {
    throw new InvalidArgumentError(`GF(${q}) is not available: the design catalogue uses q = 2, 3, 4, 5`);
  }
  cache.set(q, field);
  return field;
}
