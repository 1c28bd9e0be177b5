// The `npm run simulate` command line (scripts/simulate.ts, run by tsx as the npm script does).

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "scripts/simulate.ts", ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });

describe("npm run simulate", () => {
  it("prints the regret table and, with --json, one JSON object as the last line", () => {
    const r = run("--algorithm", "ThompsonSampling", "--arms", "0.05,0.04", "--horizon", "300", "--runs", "4", "--seed", "9", "--json");
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.some((l) => l.startsWith("ThompsonSampling"))).toBe(true);
    const last = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    // The contract's fields, in order, then the additive Lai-Robbins bound.
    expect(Object.keys(last)).toEqual(["algorithm", "horizon", "runs", "mean_regret", "ci95", "final_arm_shares", "lai_robbins_bound"]);
    expect(last).toMatchObject({ algorithm: "ThompsonSampling", horizon: 300, runs: 4 });
    // 0.01 / KL(0.04, 0.05) x ln 300, KL(0.04, 0.05) = 0.04 ln 0.8 + 0.96 ln(0.96 / 0.95) (by hand).
    const kl = 0.04 * Math.log(0.8) + 0.96 * Math.log(0.96 / 0.95);
    expect(last.lai_robbins_bound as number).toBeCloseTo((0.01 / kl) * Math.log(300), 9);
    const header = lines.find((l) => l.startsWith("algorithm"))!;
    expect(header).toContain("Lai-Robbins bound");
    expect(header).toContain("regret / bound");
  }, 60_000);

  it("exits with code 2 and a clear message on bad flags", () => {
    for (const args of [["--algorithm", "Nope", "--arms", "0.1,0.2"], ["--algorithm", "UCB", "--arms", "0.1"], ["--algorithm", "UCB", "--arms", "0.1,0.2", "--frobnicate"], ["--algorithm", "UCB", "--arms", "0.1,0.2", "--exploration-rate", "1.2"]]) {
      const r = run(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^simulate: /);
    }
  }, 60_000);
});
