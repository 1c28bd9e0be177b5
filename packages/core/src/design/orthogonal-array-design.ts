// Designs taken from the orthogonal-array catalogue: the smallest array whose columns fit the
// variables' level counts, with the variables assigned to columns so that every requested
// interaction stays clear (not aliased with a main effect or another requested interaction)
// and, among such assignments, the word-length pattern is least aberrant. For arrays linear over
// one field (L4, L8, L16, L32, L9, L27, L16(4^5), L25) the assignments are enumerated as
// generator sets: some variables take the basic columns (1, 2, 4, ... / 1, 2, 5), the others
// interaction columns, which covers every design up to relabelling (the linear-graph /
// interaction-table method: in L8, columns 1 and 2 interact in column 3). Other arrays are
// searched column by column with pruning. Runs are the array's rows in order.
// (Taguchi, System of Experimental Design, 1987; Wu & Hamada, Experiments, 2nd ed., sec. 7.2-7.8
// and 8.7; Xu & Wu 2001 for the aberration of non-regular and mixed-level designs.)

import { toCombinations } from "./combinations.js";
import { DesignMismatchError } from "./design-mismatch-error.js";
import { describeFinding, signedWordsOf } from "./describe-alias.js";
import { EffectSpaces, sharedDegreesOfFreedom, type AliasFinding } from "./effect-space.js";
import { factorLetter } from "./factor-names.js";
import { findOrthogonalArray, orthogonalArrayCatalogue } from "./orthogonal-array-catalogue.js";
import type { OrthogonalArray } from "./orthogonal-array.js";
import { formatRegularWord, regularDefiningWords, regularWordLengthPattern } from "./regular-defining-relation.js";
import { aliasStructure, formatSignedWord } from "./two-level-fraction.js";
import type { Design, DesignProperties, DesignType } from "./types.js";
import { roman, type NormalizedRequest } from "./validate-request.js";
import { comparePatterns, generalizedWordLengthPattern, resolutionFromPattern } from "./word-length-pattern.js";

const LEAF_LIMIT = 20_000;

/** A column assignment that passed every check. */
interface Candidate {
  array: OrthogonalArray;
  columns: number[];
  runs: number[][];
  gwlp: number[];
}

/** Why the first rejected assignment of an array failed. */
interface Failure {
  array: OrthogonalArray;
  runs: number[][];
  /** The factors the runs hold (all, when absent). */
  factors?: number[];
  finding?: AliasFinding;
  resolution?: number;
  duplicates?: boolean;
}

/** Level counts as "2^2 3^1". */
export function levelSignature(levelCounts: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const s of levelCounts) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s}^${c}`).join(" ");
}

/** True when the array has enough columns of each level count for the factors (Taguchi 1987; Wu & Hamada, sec. 7.2). */
export function arrayFits(array: OrthogonalArray, levelCounts: readonly number[]): boolean {
  const need = new Map<number, number>();
  for (const s of levelCounts) need.set(s, (need.get(s) ?? 0) + 1);
  return [...need.entries()].every(([s, c]) => array.levels.filter((l) => l === s).length >= c);
}

function subsets(n: number, size: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, acc: number[]) => {
    if (acc.length === size) return void out.push([...acc]);
    for (let i = start; i < n; i++) rec(i + 1, [...acc, i]);
  };
  rec(0, []);
  return out;
}

/** Generator-set assignments of k factors to a linear array's columns (basic columns for a subset of m factors). */
function* linearAssignments(array: OrthogonalArray, k: number): Generator<number[]> {
  const { m, vectors } = array.linear!;
  if (k < m) return;
  const basic = [...Array(m).keys()].map((t) => vectors.findIndex((v) => v.every((x, i) => (i === t ? x === 1 : x === 0))));
  const nonBasic = vectors.map((v, j) => (v.filter((x) => x !== 0).length >= 2 ? j : -1)).filter((j) => j >= 0);
  for (const base of subsets(k, m)) {
    const others = [...Array(k).keys()].filter((f) => !base.includes(f));
    const columns = new Array<number>(k).fill(-1);
    base.forEach((f, t) => (columns[f] = basic[t]!));
    const used = new Set<number>();
    function* place(j: number): Generator<number[]> {
      if (j === others.length) return yield [...columns];
      for (const c of nonBasic) {
        if (used.has(c)) continue;
        used.add(c);
        columns[others[j]!] = c;
        yield* place(j + 1);
        used.delete(c);
      }
    }
    yield* place(0);
  }
}

class ArraySearch {
  best: Candidate | undefined;
  failure: Failure | undefined;
  leaves = 0;
  private spaces: EffectSpaces | undefined;
  private readonly shared = new Map<string, number>();

  constructor(
    readonly array: OrthogonalArray,
    readonly levelCounts: readonly number[],
    readonly interactions: readonly (readonly number[])[],
    readonly minResolution: number | undefined,
  ) {}

  project(columns: readonly number[]): number[][] {
    return this.array.rows.map((row) => columns.map((c) => row[c]!));
  }

  fail(f: Failure): void {
    if (!this.failure) this.failure = f;
  }

  /** Effect space of a set of array columns (the array's own columns as factors), memoised. */
  private space(cols: readonly number[]): number[][] {
    this.spaces ??= new EffectSpaces(this.array.rows, this.array.levels);
    return this.spaces.space([...cols].sort((x, y) => x - y));
  }

  /** Degrees of freedom shared by the effects of two sets of columns, memoised. */
  private sharedDf(a: readonly number[], b: readonly number[]): number {
    const key = `${[...a].sort((x, y) => x - y).join(",")}|${[...b].sort((x, y) => x - y).join(",")}`;
    let v = this.shared.get(key);
    if (v === undefined) {
      v = sharedDegreesOfFreedom(this.space(a), this.space(b));
      this.shared.set(key, v);
    }
    return v;
  }

  /**
   * The first requested interaction among the assigned factors that is not clear. With
   * `newest`, only the checks involving that factor are made (the others passed earlier).
   */
  findAlias(columns: readonly number[], assigned: readonly boolean[], newest?: number): AliasFinding | undefined {
    const tol = 1e-9;
    const local = this.interactions.filter((t) => t.every((x) => assigned[x]));
    const cols = (t: readonly number[]) => t.map((f) => columns[f]!);
    for (const t of local) {
      const tNew = newest === undefined || t.includes(newest);
      const st = this.space(cols(t));
      const full = t.reduce((p, f) => p * (this.levelCounts[f]! - 1), 1);
      if (tNew && st.length < full) return { interaction: [...t], other: [], shared: full - st.length, interactionDf: full, otherDf: 0 };
      for (let g = 0; g < columns.length; g++) {
        if (!assigned[g] || t.includes(g) || (!tNew && g !== newest)) continue;
        const shared = this.sharedDf(cols(t), [columns[g]!]);
        if (shared > tol) return { interaction: [...t], other: [g], shared, interactionDf: st.length, otherDf: this.levelCounts[g]! - 1 };
      }
      for (const u of local) {
        if (u === t || (!tNew && !u.includes(newest!))) continue;
        const shared = this.sharedDf(cols(t), cols(u));
        if (shared > tol) return { interaction: [...t], other: [...u], shared, interactionDf: st.length, otherDf: this.space(cols(u)).length };
      }
    }
    return undefined;
  }

  evaluate(columns: readonly number[], interactionsChecked: boolean): void {
    this.leaves++;
    const runs = this.project(columns);
    if (new Set(runs.map((r) => r.join(","))).size !== runs.length) return this.fail({ array: this.array, runs, duplicates: true });
    if (!interactionsChecked && this.interactions.length > 0) {
      const finding = this.findAlias(columns, columns.map(() => true));
      if (finding) return this.fail({ array: this.array, runs, finding });
    }
    const gwlp = generalizedWordLengthPattern(runs, this.levelCounts);
    const res = resolutionFromPattern(gwlp);
    if (this.minResolution !== undefined && res !== undefined && res < this.minResolution) {
      return this.fail({ array: this.array, runs, resolution: res });
    }
    if (!this.best || comparePatterns(gwlp, this.best.gwlp) < 0) this.best = { array: this.array, columns: [...columns], runs, gwlp };
  }

  run(): void {
    const k = this.levelCounts.length;
    const lin = this.array.linear;
    if (lin && this.levelCounts.every((s) => s === lin.q)) {
      for (const columns of linearAssignments(this.array, k)) this.evaluate(columns, false);
      return;
    }
    const columns = new Array<number>(k).fill(-1);
    const assigned = new Array<boolean>(k).fill(false);
    const used = new Set<number>();
    // Factors in requested interactions first (most constrained first), so that aliases prune early.
    const involvement = [...Array(k).keys()].map((f) => this.interactions.filter((t) => t.includes(f)).length);
    const order = [...Array(k).keys()].sort((a, b) => involvement[b]! - involvement[a]! || a - b);
    // A factor in no requested interaction can trade columns with another such factor of the
    // same level count without changing any check or the word-length pattern: such factors
    // take columns in increasing order.
    const previousFree = order.map((f, i) => {
      if (involvement[f]! > 0) return -1;
      for (let j = i - 1; j >= 0; j--) if (involvement[order[j]!] === 0 && this.levelCounts[order[j]!] === this.levelCounts[f]) return order[j]!;
      return -1;
    });
    const assign = (i: number): void => {
      if (this.leaves >= LEAF_LIMIT) return;
      if (i === k) return this.evaluate(columns, true);
      const f = order[i]!;
      const start = previousFree[i]! >= 0 ? columns[previousFree[i]!]! + 1 : 0;
      for (let c = start; c < this.array.levels.length; c++) {
        if (used.has(c) || this.array.levels[c] !== this.levelCounts[f]) continue;
        columns[f] = c;
        assigned[f] = true;
        const finding = this.interactions.length > 0 ? this.findAlias(columns, assigned, f) : undefined;
        if (finding) {
          assigned[f] = false;
          const factors = [...Array(k).keys()].filter((g) => assigned[g] || g === f);
          this.fail({ array: this.array, runs: this.project(factors.map((g) => columns[g]!)), factors, finding });
          continue;
        }
        used.add(c);
        assign(i + 1);
        used.delete(c);
        assigned[f] = false;
      }
    };
    assign(0);
  }
}

/** Best assignment over the given arrays, smallest run count first; ties in runs go to the least aberrant. */
function searchArrays(arrays: readonly OrthogonalArray[], req: NormalizedRequest, minResolution: number | undefined) {
  const failures: Failure[] = [];
  const sizes = [...new Set(arrays.map((a) => a.runs))].sort((a, b) => a - b);
  const q = req.levelCounts[0]!;
  const singleField = (a: OrthogonalArray) => a.linear !== undefined && a.linear.q === q && req.levelCounts.every((s) => s === q);
  for (const size of sizes) {
    let best: Candidate | undefined;
    let ofSize = arrays.filter((a) => a.runs === size);
    // A linear array over the factors' own field holds every design the mixed arrays of its
    // size could give them (their columns are some of its columns, or lines of them).
    if (ofSize.some(singleField)) ofSize = ofSize.filter(singleField);
    for (const array of ofSize) {
      const search = new ArraySearch(array, req.levelCounts, req.interactions, minResolution);
      search.run();
      if (search.best && (!best || comparePatterns(search.best.gwlp, best.gwlp) < 0)) best = search.best;
      if (search.failure) failures.push(search.failure);
    }
    if (best) return { best, failures };
  }
  return { best: undefined, failures };
}

function failureMessage(f: Failure, req: NormalizedRequest, total: number): string {
  if (f.finding) {
    const factors = f.factors ?? req.names.map((_, i) => i);
    const local = (t: readonly number[]) => t.map((x) => factors.indexOf(x));
    const finding = { ...f.finding, interaction: local(f.finding.interaction), other: local(f.finding.other) };
    const text = describeFinding(f.runs, factors.map((x) => req.levelCounts[x]!), factors.map((x) => req.names[x]!), finding);
    return `in ${f.array.name}, ${text}`;
  }
  if (f.resolution !== undefined) {
    return `${f.array.name} reaches resolution ${roman(f.resolution)} for these factors, below the requested ${roman(req.options.resolution!)}`;
  }
  return `${f.array.name} repeats runs for these ${req.names.length} factors (${f.array.runs} rows, ${total} distinct combinations)`;
}

/**
 * A design from the catalogue for a validated request: OrthogonalArray, or FractionalFactorial
 * of factors with more than two levels (then the array must have fewer runs than the full factorial)
 * (Taguchi 1987; Wu & Hamada, Experiments, ch. 7-8).
 */
export function orthogonalArrayDesign(req: NormalizedRequest, designType: DesignType): Design {
  const total = req.levelCounts.reduce((p, s) => p * s, 1);
  const fraction = designType === "FractionalFactorial";
  const sig = levelSignature(req.levelCounts);
  if (req.options.generators !== undefined) {
    throw new DesignMismatchError(
      fraction
        ? `generators define two-level fractions; levels ${sig} are not all two-level, so the design comes from an orthogonal array: remove design_options.generators`
        : "generators define FractionalFactorial designs; an OrthogonalArray design takes its columns from the array: remove design_options.generators",
      "design_options.generators",
    );
  }
  if (req.names.length === 1) {
    throw new DesignMismatchError(
      `${fraction ? "a fraction" : "an orthogonal array"} needs at least two variables; one variable's ${total} levels are a FullFactorial design (${total} runs)`,
      "variables",
    );
  }
  const catalogue = orthogonalArrayCatalogue().filter((a) => !fraction || a.runs < total);
  let pool = catalogue;
  let restriction: string | undefined;
  if (req.options.array !== undefined) {
    const named = findOrthogonalArray(req.options.array);
    pool = [named].filter((a) => !fraction || a.runs < total);
    restriction =
      fraction && named.runs >= total
        ? `${named.name} has ${named.runs} runs, no fewer than the full factorial (${total})`
        : `${named.name} has no columns for levels ${sig}`;
  } else if (req.options.runs !== undefined) {
    pool = catalogue.filter((a) => a.runs === req.options.runs);
    restriction =
      fraction && req.options.runs >= total
        ? `a fraction of levels ${sig} needs fewer than ${total} runs (the full factorial), not ${req.options.runs}`
        : `no ${req.options.runs}-run array in the catalogue has columns for levels ${sig}`;
  }
  const fitting = pool.filter((a) => arrayFits(a, req.levelCounts));
  const fullFactorial = `use FullFactorial (${total} runs)`;
  const path = req.options.array !== undefined ? "design_options.array" : req.options.runs !== undefined ? "design_options.runs" : "variables";
  const minResolution = req.options.resolution;

  const unrestricted = () => (restriction ? searchArrays(catalogue.filter((a) => arrayFits(a, req.levelCounts)), req, minResolution).best : undefined);
  const alternative = () => {
    const alt = unrestricted();
    return alt ? `${alt.array.name} (${alt.array.runs} runs) works` : fullFactorial;
  };

  if (fitting.length === 0) {
    const anyFit = catalogue.filter((a) => arrayFits(a, req.levelCounts));
    const lead =
      restriction ??
      `no orthogonal array in the catalogue has columns for levels ${sig}${fraction ? ` in fewer than ${total} runs (the full factorial)` : ""}`;
    const mixed = req.levelCounts.filter((x) => x === 2).length > 1 && req.levelCounts.includes(3) && !req.levelCounts.includes(4) && !restriction ? "; mixed two- and three-level arrays take only one two-level factor (L18(2^1 3^7))" : "";
    const hint = anyFit.length > 0 && restriction ? `arrays that fit: ${anyFit.map((a) => a.name).join(", ")}` : fullFactorial;
    throw new DesignMismatchError(`${lead}${mixed}; ${hint}`, path);
  }

  const { best, failures } = searchArrays(fitting, req, minResolution);
  if (!best) {
    const f = failures.find((x) => x.finding) ?? failures.find((x) => x.resolution !== undefined) ?? failures[0];
    const why = f ? failureMessage(f, req, total) : `no column assignment of ${fitting.map((a) => a.name).join(", ")} works`;
    throw new DesignMismatchError(`${why}; ${restriction ? alternative() : fraction ? `no smaller array does: ${fullFactorial}` : fullFactorial}`, f?.finding ? "interaction_matrix" : path);
  }
  return buildArrayDesign(best, req, designType);
}

function buildArrayDesign(best: Candidate, req: NormalizedRequest, designType: DesignType): Design {
  const k = req.names.length;
  const { array, columns, runs, gwlp } = best;
  const properties: DesignProperties = {
    design_type: designType,
    runs: runs.length,
    factor_letters: Object.fromEntries(req.names.map((n, i) => [factorLetter(i), n])),
    levels: [...req.levelCounts],
    interactions: req.interactions.map((t) => t.map((f) => req.names[f]!)),
    generalized_word_length_pattern: gwlp,
    array: array.name,
    column_assignment: Object.fromEntries(req.names.map((n, i) => [n, columns[i]! + 1])),
  };
  const resolution = resolutionFromPattern(gwlp);
  if (resolution !== undefined) properties.resolution = resolution;
  if (req.interactions.length > 0) {
    const spaces = new EffectSpaces(array.rows, array.levels);
    properties.interaction_columns = Object.fromEntries(
      req.interactions.map((t) => {
        const cols = t.map((f) => columns[f]!).sort((a, b) => a - b);
        const st = spaces.space(cols);
        const carried = array.levels
          .map((_, c) => c)
          .filter((c) => !cols.includes(c) && Math.abs(sharedDegreesOfFreedom(st, spaces.space([c])) - (array.levels[c]! - 1)) < 1e-6);
        return [t.map((f) => req.names[f]!).join(":"), carried.map((c) => c + 1)];
      }),
    );
  }
  const s = req.levelCounts[0]!;
  if (req.levelCounts.every((x) => x === s)) {
    const words = regularDefiningWords(runs, s, k);
    if (words && words.length > 0) {
      properties.word_length_pattern = regularWordLengthPattern(words, k);
      if (s === 2) {
        const signed = signedWordsOf(runs, k)!;
        properties.defining_relation = signed.map(formatSignedWord);
        properties.aliases = aliasStructure(signed, k);
      } else properties.defining_relation = words.map(formatRegularWord);
    }
  }
  if (!array.linear && array.levels.every((l) => l === 2)) {
    properties.notes = [`${array.name} is a non-regular array: two-factor interactions are partially aliased with main effects`];
  }
  return { combinations: toCombinations(runs, req.variables), properties };
}
