// Latin squares of order n <= 4 and sets of mutually orthogonal ones, by exhaustive
// enumeration (2 squares of order 2, 12 of order 3, 576 of order 4), and a sampler
// that draws uniformly from all of them. The set of all squares is closed under permutations of
// rows, columns and symbols, so a uniform draw over it is the Fisher-Yates randomisation
// (random standard square, then random row, column and symbol permutations) done exactly; it
// reaches every square, cyclic or not. (Fisher & Yates, Statistical Tables, 1938; Montgomery,
// DAE, 8th ed., sec. 4.2; Jacobson & Matthews 1996 for larger orders, not needed here.)

import { InvalidArgumentError } from "../errors.js";
import type { Rng } from "../random/rng.js";

/** A Latin square as rows of symbols 0..n-1. */
export type Square = number[][];

const squareCache = new Map<number, Square[]>();
const tableCache = new Map<number, { orth: Uint8Array; mates: number[][] }>();

/** Every Latin square of order n (n <= 4), in lexicographic order of their rows (McKay & Wanless count: 2, 12, 576). */
export function allLatinSquares(n: number): Square[] {
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new InvalidArgumentError(`Latin squares are enumerated for orders 1 to 4, got ${n}`);
  const hit = squareCache.get(n);
  if (hit) return hit;
  const out: Square[] = [];
  const grid = [...Array(n)].map(() => new Array<number>(n).fill(-1));
  const fill = (cell: number): void => {
    if (cell === n * n) return void out.push(grid.map((r) => [...r]));
    const r = Math.floor(cell / n);
    const c = cell % n;
    for (let s = 0; s < n; s++) {
      let ok = true;
      for (let i = 0; i < c && ok; i++) if (grid[r]![i] === s) ok = false;
      for (let i = 0; i < r && ok; i++) if (grid[i]![c] === s) ok = false;
      if (!ok) continue;
      grid[r]![c] = s;
      fill(cell + 1);
      grid[r]![c] = -1;
    }
  };
  fill(0);
  squareCache.set(n, out);
  return out;
}

/** True when superimposing the two squares shows every ordered pair of symbols once (Montgomery, DAE, sec. 4.3). */
export function areOrthogonal(a: Square, b: Square): boolean {
  const n = a.length;
  const seen = new Array<boolean>(n * n).fill(false);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const key = a[r]![c]! * n + b[r]![c]!;
      if (seen[key]) return false;
      seen[key] = true;
    }
  }
  return true;
}

/** Orthogonality table of all squares of order n, and each square's orthogonal mates. */
function orthogonalityTable(n: number): { orth: Uint8Array; mates: number[][] } {
  const hit = tableCache.get(n);
  if (hit) return hit;
  const squares = allLatinSquares(n);
  const flat = squares.map((sq) => Uint8Array.from(sq.flat()));
  const count = squares.length;
  const orth = new Uint8Array(count * count);
  const seen = new Uint32Array(n * n);
  let stamp = 0;
  for (let i = 0; i < count; i++) {
    const a = flat[i]!;
    for (let j = i + 1; j < count; j++) {
      const b = flat[j]!;
      stamp++;
      let ok = true;
      for (let c = 0; c < n * n && ok; c++) {
        const key = a[c]! * n + b[c]!;
        if (seen[key] === stamp) ok = false;
        else seen[key] = stamp;
      }
      if (ok) orth[i * count + j] = orth[j * count + i] = 1;
    }
  }
  const mates = squares.map((_, i) => squares.map((__, j) => j).filter((j) => orth[i * count + j] === 1));
  const table = { orth, mates };
  tableCache.set(n, table);
  return table;
}

/** Index tuples of t mutually orthogonal squares, extending `tuples` one square at a time. */
function extend(n: number, tuples: number[][]): number[][] {
  const { orth, mates } = orthogonalityTable(n);
  const count = allLatinSquares(n).length;
  const next: number[][] = [];
  for (const tuple of tuples) {
    for (const j of mates[tuple[0]!]!) if (tuple.every((i) => orth[i * count + j] === 1)) next.push([...tuple, j]);
  }
  return next;
}

/**
 * Every ordered t-tuple of mutually orthogonal Latin squares of order n (t = 1: all squares;
 * t = 2: Graeco-Latin squares; t = 3: hyper-Graeco-Latin). At most n - 1 exist; none for n = 2, t = 2
 * (Bose 1938; Montgomery, DAE, sec. 4.3).
 */
export function mutuallyOrthogonalSquares(n: number, t: number): Square[][] {
  const squares = allLatinSquares(n);
  let tuples: number[][] = squares.map((_, i) => [i]);
  for (let size = 1; size < t; size++) tuples = extend(n, tuples);
  return tuples.map((tuple) => tuple.map((i) => squares[i]!));
}

const pairCache = new Map<number, number[][]>();

/**
 * A uniformly random t-tuple of mutually orthogonal Latin squares of order n (t = 1: a
 * uniformly random Latin square). For t = 3 a pair is drawn with probability proportional to
 * its number of third squares, then one of those uniformly, so every triple is equally likely
 * (the randomisation of Fisher & Yates 1938, exact for n <= 4).
 */
export function sampleOrthogonalSquares(n: number, t: number, rng: Rng): { squares: Square[]; population: number } {
  const squares = allLatinSquares(n);
  const pick = (size: number) => Math.min(size - 1, Math.floor(rng() * size));
  let chosen: number[];
  let population: number;
  if (t === 1) {
    population = squares.length;
    chosen = [pick(population)];
  } else {
    let pairs = pairCache.get(n);
    if (!pairs) {
      pairs = extend(n, squares.map((_, i) => [i]));
      pairCache.set(n, pairs);
    }
    if (t === 2) {
      population = pairs.length;
      chosen = population > 0 ? pairs[pick(population)]! : [];
    } else if (t === 3) {
      const { orth, mates } = orthogonalityTable(n);
      const count = squares.length;
      const thirds = (pair: number[]) => mates[pair[0]!]!.filter((j) => orth[pair[1]! * count + j] === 1);
      const weights = pairs.map((pair) => thirds(pair).length);
      population = weights.reduce((a, b) => a + b, 0);
      chosen = [];
      if (population > 0) {
        let target = pick(population);
        const i = weights.findIndex((w) => (target -= w) < 0);
        const options = thirds(pairs[i]!);
        chosen = [...pairs[i]!, options[pick(options.length)]!];
      }
    } else {
      population = 0;
      chosen = [];
    }
  }
  if (population === 0) throw new InvalidArgumentError(`no ${t} mutually orthogonal Latin squares of order ${n} exist`);
  return { squares: chosen.map((i) => squares[i]!.map((r) => [...r])), population };
}
