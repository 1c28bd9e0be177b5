// How raw row values are read (API.md: numeric-looking values are numbers, strings are
// factors): missing values, numeric coercion, R's as.character of numbers for factor levels,
// and R's level order (numbers numerically, strings by collation as R's sort()).

/** A cell after coercion: a number, a factor label, or missing. */
export type Cell = number | string | null;

const NA_STRINGS = new Set(["", "NA", "NaN", "null", "NULL"]);
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Coerces one raw value: numbers and numeric-looking strings -> number, booleans -> "TRUE"/"FALSE". */
export function coerceCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : Number.isNaN(v) ? null : v;
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string") {
    const s = v.trim();
    if (NA_STRINGS.has(s)) return null;
    if (NUMERIC.test(s)) return Number(s);
    if (s === "Inf" || s === "-Inf") return s === "Inf" ? Infinity : -Infinity;
    return v;
  }
  return String(v);
}

/** R's as.character of a number (15 significant digits; `1e+05` when shorter). */
export function numberLabel(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : x > 0 ? "Inf" : "-Inf";
  const r = Number(x.toPrecision(15));
  const fixed = String(r).includes("e") ? r.toFixed(20).replace(/\.?0+$/, "") : String(r);
  const [mant, exp] = r.toExponential().split("e") as [string, string];
  const e = Number(exp);
  const sci = `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return sci.length < fixed.length ? sci : fixed;
}

const collator = new Intl.Collator("en", { sensitivity: "variant", numeric: false });

/**
 * Sorted distinct levels as R's factor() orders them: numeric sources numerically, strings by
 * locale collation (R's sort() in an en/C.UTF-8 ICU locale: a < A < b < B), ties by code unit.
 */
export function sortLevels(values: Iterable<number | string>): string[] {
  const nums = new Set<number>();
  const strs = new Set<string>();
  for (const v of values) {
    if (typeof v === "number") nums.add(v);
    else strs.add(v);
  }
  if (strs.size === 0) return [...nums].sort((a, b) => a - b).map(numberLabel);
  for (const n of nums) strs.add(numberLabel(n));
  return [...strs].sort((a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}
