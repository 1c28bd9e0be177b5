// `npm run simulate`: regret of the core bandit policies (the ones the edge runs) against
// Bernoulli arms, as a table; `--json` adds one JSON object per row, the last line being
// {algorithm, horizon, runs, mean_regret, ci95: [lo, hi], final_arm_shares, lai_robbins_bound}
// (the last field additive); each row also shows the Lai-Robbins asymptotic lower bound
// sum_a (mu* - mu_a) / KL(mu_a, mu*) ln T (Lai & Robbins 1985) and regret / bound; `--svg` writes the
// mean cumulative regret curves (log-scaled rounds) as a hand-written SVG.
//
//   npm run simulate -- --algorithm <ThompsonSampling|UCB|EpsilonGreedy|Contextual|all>
//     --arms 0.05,0.04 [--horizon 1000[,10000]] [--runs 100] [--seed 1]
//     [--exploration-rate E] [--ucb-variant ucb1|ucb1-tuned|ucb-v]
//     [--contextual-model linucb|lints] [--epsilon-decay none|inverse|inverse-sqrt]
//     [--json] [--svg out.svg]
//
// Default exploration rates (DEFAULT_EXPLORATION_RATES in core): EpsilonGreedy 0.1 (epsilon),
// UCB 1 (the UCB1 bonus as published), ThompsonSampling 0 (plain Thompson sampling),
// Contextual 1 (LinUCB alpha = 1 over the intercept alone). Bad flags: a message and exit code 2.

import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { BANDIT_ALGORITHMS, DEFAULT_EXPLORATION_RATES, laiRobbinsBound, simulateBernoulli } from "../packages/core/src/bandit/index.js";
import type { BanditAlgorithm, PolicyOptions, SimulationResult } from "../packages/core/src/bandit/index.js";

const USAGE = `usage: npm run simulate -- --algorithm <${BANDIT_ALGORITHMS.join("|")}|all> --arms 0.05,0.04
       [--horizon N[,N...]] (default 1000) [--runs R] (default 100) [--seed S] (default 1)
       [--exploration-rate E] (0-1; defaults: ${BANDIT_ALGORITHMS.map((a) => `${a} ${DEFAULT_EXPLORATION_RATES[a]}`).join(", ")})
       [--ucb-variant ucb1|ucb1-tuned|ucb-v] [--contextual-model linucb|lints]
       [--epsilon-decay none|inverse|inverse-sqrt] [--json] [--svg out.svg]`;

class UsageError extends Error {}

function positiveIntegers(flag: string, text: string): number[] {
  const values = text.split(",").map((s) => s.trim());
  return values.map((v) => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${flag} must be a positive integer (or a comma-separated list), got "${v}"`);
    return Number(v);
  });
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}, got "${value}"`);
  return value as T;
}

interface Plan {
  algorithms: BanditAlgorithm[];
  arms: number[];
  horizons: number[];
  runs: number;
  seed: string | number;
  exploration_rate?: number;
  options: PolicyOptions;
  json: boolean;
  svg?: string;
}

function parse(argv: string[]): Plan | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        algorithm: { type: "string" },
        arms: { type: "string" },
        horizon: { type: "string" },
        runs: { type: "string" },
        seed: { type: "string" },
        "exploration-rate": { type: "string" },
        "ucb-variant": { type: "string" },
        "contextual-model": { type: "string" },
        "epsilon-decay": { type: "string" },
        json: { type: "boolean" },
        svg: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return "help";
  if (v.algorithm === undefined) throw new UsageError("--algorithm is required");
  const algorithms: BanditAlgorithm[] = v.algorithm === "all" ? [...BANDIT_ALGORITHMS] : [oneOf("algorithm", v.algorithm, BANDIT_ALGORITHMS)!];
  if (v.arms === undefined) throw new UsageError("--arms is required (comma-separated success probabilities, e.g. 0.05,0.04)");
  const arms = v.arms.split(",").map((s) => {
    const t = s.trim();
    const m = Number(t);
    if (t === "" || !Number.isFinite(m) || m < 0 || m > 1) throw new UsageError(`--arms must be probabilities in [0, 1], got "${s}"`);
    return m;
  });
  if (arms.length < 2) throw new UsageError("--arms needs at least 2 arms");
  const horizons = positiveIntegers("horizon", v.horizon ?? "1000");
  const runs = positiveIntegers("runs", v.runs ?? "100");
  if (runs.length !== 1) throw new UsageError("--runs takes one value");
  const seedText = v.seed ?? "1";
  if (seedText.trim() === "") throw new UsageError("--seed must not be empty");
  const seed = /^-?\d+$/.test(seedText) ? Number(seedText) : seedText;
  let exploration_rate: number | undefined;
  if (v["exploration-rate"] !== undefined) {
    exploration_rate = Number(v["exploration-rate"]);
    if (v["exploration-rate"].trim() === "" || !Number.isFinite(exploration_rate) || exploration_rate < 0 || exploration_rate > 1) {
      throw new UsageError(`--exploration-rate must be a number between 0 and 1, got "${v["exploration-rate"]}"`);
    }
  }
  if (v.svg !== undefined && v.svg.trim() === "") throw new UsageError("--svg needs a file name");
  const options: PolicyOptions = {
    ucb_variant: oneOf("ucb-variant", v["ucb-variant"], ["ucb1", "ucb1-tuned", "ucb-v"] as const),
    contextual_model: oneOf("contextual-model", v["contextual-model"], ["linucb", "lints"] as const),
    epsilon_decay: oneOf("epsilon-decay", v["epsilon-decay"], ["none", "inverse", "inverse-sqrt"] as const),
  };
  return { algorithms, arms, horizons, runs: runs[0]!, seed, exploration_rate, options, json: v.json ?? false, svg: v.svg };
}

function fmt(x: number, digits = 2): string {
  return x.toFixed(digits);
}

function table(plan: Plan, rows: SimulationResult[]): string {
  const header = ["algorithm", "exploration", "horizon", "runs", "mean regret", "95% CI", "Lai-Robbins bound", "regret / bound", "final arm shares"];
  const body = rows.map((r) => {
    const bound = laiRobbinsBound(plan.arms, r.horizon).bound;
    return [
      r.algorithm,
      String(r.exploration_rate),
      String(r.horizon),
      String(r.runs),
      fmt(r.mean_regret),
      `[${fmt(r.ci95[0])}, ${fmt(r.ci95[1])}]`,
      fmt(bound),
      bound > 0 ? fmt(r.mean_regret / bound) : "n/a",
      r.final_arm_shares.map((s) => fmt(s, 3)).join(" "),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  const best = Math.max(...plan.arms);
  return [
    `Bernoulli arms ${plan.arms.join(", ")} (best ${best}); seed ${plan.seed}; regret = pseudo-regret sum_a (mu* - mu_a) pulls_a, mean over runs;`,
    `Lai-Robbins bound = sum_{a: mu_a < mu*} (mu* - mu_a) / KL(mu_a, mu*) x ln T (Lai & Robbins 1985; asymptotic, so regret / bound may be < 1 at small T)`,
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...body.map(line),
  ].join("\n");
}

const COLOURS: Record<BanditAlgorithm, string> = { ThompsonSampling: "#1f77b4", UCB: "#d62728", EpsilonGreedy: "#2ca02c", Contextual: "#9467bd" };
const DASHES = ["", "6 3", "2 3", "8 3 2 3"];

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function svgPlot(plan: Plan, rows: SimulationResult[]): string {
  const W = 760, H = 460, left = 70, right = 230, top = 40, bottom = 50;
  const pw = W - left - right, ph = H - top - bottom;
  const tMax = Math.max(...rows.map((r) => r.horizon));
  const yMax = Math.max(1e-9, ...rows.flatMap((r) => r.regret_curve)) * 1.05;
  const lx = Math.log10(Math.max(10, tMax));
  const px = (t: number) => left + (Math.log10(t) / lx) * pw;
  const py = (y: number) => top + ph - (y / yMax) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${left}" y="22" font-size="14">${escapeXml(`Mean cumulative pseudo-regret, arms ${plan.arms.join(", ")}, ${plan.runs} runs, seed ${plan.seed}`)}</text>`);
  for (let e = 0; e <= Math.floor(lx); e++) {
    const x = px(10 ** e);
    out.push(`<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${top + ph}" stroke="#ddd"/>`);
    out.push(`<text x="${x.toFixed(1)}" y="${top + ph + 16}" text-anchor="middle">${10 ** e}</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const y = (yMax / 5) * i;
    out.push(`<line x1="${left}" y1="${py(y).toFixed(1)}" x2="${left + pw}" y2="${py(y).toFixed(1)}" stroke="#eee"/>`);
    out.push(`<text x="${left - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end">${y >= 100 ? y.toFixed(0) : y.toFixed(1)}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${left + pw / 2}" y="${H - 12}" text-anchor="middle">round t (log scale)</text>`);
  out.push(`<text transform="translate(18 ${top + ph / 2}) rotate(-90)" text-anchor="middle">regret</text>`);
  const horizons = [...new Set(rows.map((r) => r.horizon))];
  rows.forEach((r, i) => {
    const dash = DASHES[horizons.indexOf(r.horizon) % DASHES.length]!;
    const pts = r.checkpoints.map((t, j) => `${px(t).toFixed(1)},${py(r.regret_curve[j]!).toFixed(1)}`).join(" ");
    out.push(`<polyline fill="none" stroke="${COLOURS[r.algorithm]}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""} points="${pts}"/>`);
    const ly = top + 10 + i * 18;
    out.push(`<line x1="${left + pw + 12}" y1="${ly}" x2="${left + pw + 36}" y2="${ly}" stroke="${COLOURS[r.algorithm]}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`);
    out.push(`<text x="${left + pw + 42}" y="${ly + 4}">${escapeXml(`${r.algorithm} T=${r.horizon}: ${fmt(r.mean_regret, 1)}`)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function main(argv: string[]): number {
  let plan: Plan | "help";
  try {
    plan = parse(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`simulate: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (plan === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const rows: SimulationResult[] = [];
  for (const algorithm of plan.algorithms) {
    for (const horizon of plan.horizons) {
      rows.push(simulateBernoulli({ policy: { algorithm, exploration_rate: plan.exploration_rate, options: plan.options }, arms: plan.arms, horizon, runs: plan.runs, seed: plan.seed }));
    }
  }
  process.stdout.write(`${table(plan, rows)}\n`);
  if (plan.svg) {
    writeFileSync(plan.svg, svgPlot(plan, rows));
    process.stdout.write(`regret curves written to ${plan.svg}\n`);
  }
  if (plan.json) {
    for (const r of rows) {
      process.stdout.write(`${JSON.stringify({ algorithm: r.algorithm, horizon: r.horizon, runs: r.runs, mean_regret: r.mean_regret, ci95: r.ci95, final_arm_shares: r.final_arm_shares, lai_robbins_bound: laiRobbinsBound(plan.arms, r.horizon).bound })}\n`);
    }
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
