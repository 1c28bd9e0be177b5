// The catalogue of orthogonal arrays designs are taken from, smallest first. Every array is
// constructed (never typed in) and checked for balance and strength 2 in the tests:
//   L4(2^3), L8(2^7), L16(2^15), L32(2^31)  Sylvester / GF(2) linear
//   L9(3^4), L27(3^13)                      GF(3) linear
//   L16(4^5)                                GF(4) linear
//   L25(5^6)                                GF(5) linear (levels > 4 cannot be requested)
//   L12(2^11)                               Plackett-Burman
//   L18(2^1 3^7)                            difference scheme D(6,6,3)
//   L8(2^4 4^1), L16(2^12 4^1), L16(2^9 4^2), L16(2^6 4^3), L16(2^3 4^4), L32(2^1 4^9)
//                                           method of replacement

import { InvalidArgumentError } from "../errors.js";
import { differenceSchemeL18 } from "./difference-scheme-array.js";
import { linearOrthogonalArray } from "./linear-array.js";
import type { OrthogonalArray } from "./orthogonal-array.js";
import { plackettBurman12 } from "./plackett-burman.js";
import { replacementArray } from "./replacement-array.js";

let catalogue: OrthogonalArray[] | undefined;

/** All catalogue arrays, by run count, then most columns first (Taguchi 1987; Wu & Hamada, Experiments, App. 7A/8A). */
export function orthogonalArrayCatalogue(): readonly OrthogonalArray[] {
  if (catalogue) return catalogue;
  const list = [
    linearOrthogonalArray(2, 2),
    linearOrthogonalArray(2, 3),
    replacementArray(3, 1),
    linearOrthogonalArray(3, 2),
    plackettBurman12(),
    linearOrthogonalArray(2, 4),
    replacementArray(4, 1),
    replacementArray(4, 2),
    replacementArray(4, 3),
    replacementArray(4, 4),
    linearOrthogonalArray(4, 2),
    differenceSchemeL18(),
    linearOrthogonalArray(5, 2),
    linearOrthogonalArray(3, 3),
    linearOrthogonalArray(2, 5),
    replacementArray(5, 9, 1),
  ];
  catalogue = list.sort((a, b) => a.runs - b.runs || b.levels.length - a.levels.length);
  return catalogue;
}

/** A catalogue array by name: "L8(2^7)", or "L8" when only one array has that run count. */
export function findOrthogonalArray(name: string): OrthogonalArray {
  const key = name.replace(/\s+/g, "").toUpperCase();
  const all = orthogonalArrayCatalogue();
  const exact = all.find((a) => a.name.replace(/\s+/g, "").toUpperCase() === key);
  if (exact) return exact;
  const byRuns = all.filter((a) => `L${a.runs}` === key);
  if (byRuns.length === 1) return byRuns[0]!;
  const names = all.map((a) => a.name).join(", ");
  if (byRuns.length > 1) {
    throw new InvalidArgumentError(`array ${name} is ambiguous: name one of ${byRuns.map((a) => a.name).join(", ")}`, "design_options.array");
  }
  throw new InvalidArgumentError(`unknown array ${name}: the catalogue has ${names}`, "design_options.array");
}
