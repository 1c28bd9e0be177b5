// A fractional factorial run end to end, as a user runs it: `npm start`, a 2^(4-1) design
// (D = ABC, resolution IV), factorial power analysis, run, 1,200 units assigned at the edge,
// rewards with known effects posted as signed webhooks, and the effects analysis of the control
// plane recovering them with alias chains.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng, normalDraw } from "@mvx/core";
import { http, signedHttp, startStack, waitFor, type Stack } from "./helpers/stack.js";

let stack: Stack;
const auth = () => ({ Authorization: `Bearer ${stack.apiKey}` });

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  if (stack) await stack.stop();
});

// True model of the simulated reward: 10 + 2 [A = on] + 1 [B = on] + 0 [C] + 0 [D] + N(0, 1).
const TRUE_DIFF: Record<string, number> = { A: 2, B: 1, C: 0, D: 0 };

describe("designs end to end: fraction -> edge -> rewards -> effects", () => {
  it("recovers the main effects of a 2^(4-1) with their alias chains", async () => {
    const variables = ["A", "B", "C", "D"].map((name) => ({ name, levels: ["off", "on"], type: "categorical" }));
    const created = await http("POST", `${stack.cpUrl}/v1/experiments`, {
      name: "fraction e2e",
      design_type: "FractionalFactorial",
      variables,
      design_options: { generators: { D: "ABC" } },
    }, auth());
    expect(created.status).toBe(201);
    expect(created.body.combinations).toHaveLength(8);
    expect(created.body.design_properties.resolution).toBe(4);
    const id: string = created.body.id;

    const power = await http("POST", `${stack.cpUrl}/v1/experiments/${id}/power-analysis`,
      { effect_size: 1, metric: { type: "continuous", sd: 1 }, target: "main_effects" }, auth());
    expect(power.status).toBe(200);
    expect(power.body.power_analysis.required_sample_size).toBeGreaterThan(8);
    expect((await http("POST", `${stack.cpUrl}/v1/experiments/${id}/transition`, { status: "Running" }, auth())).status).toBe(200);

    await waitFor(async () => (await http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: id, unit_id: "probe" })).body?.assigned === true,
      30_000, "the allocation to reach the edge");

    const rng = createRng("designs-e2e");
    const events: { event_id: string; experiment_id: string; decision_id: string; reward: number }[] = [];
    for (let i = 0; i < 1200; i += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, (_, j) =>
        http("POST", `${stack.edgeUrl}/v1/assign`, { experiment_id: id, unit_id: `unit-${i + j}` })));
      for (const [j, r] of batch.entries()) {
        expect(r.body.assigned).toBe(true);
        const v = r.body.variable_values as Record<string, string>;
        let reward = 10 + normalDraw(rng);
        for (const [name, diff] of Object.entries(TRUE_DIFF)) if (v[name] === "on") reward += diff;
        events.push({ event_id: `e2e-${i + j}`, experiment_id: id, decision_id: r.body.decision_id, reward });
      }
    }
    for (let i = 0; i < events.length; i += 500) {
      const res = await signedHttp("POST", `${stack.edgeUrl}/v1/rewards`, stack.webhookSecret, { events: events.slice(i, i + 500) });
      expect(res.status).toBe(202);
    }
    await waitFor(async () => {
      const r = await http("GET", `${stack.cpUrl}/v1/experiments/${id}/results?limit=1&offset=0`, undefined, auth());
      return r.body?.total === 1200;
    }, 60_000, "1,200 results in the control plane");

    const effects = await http("GET", `${stack.cpUrl}/v1/experiments/${id}/effects`, undefined, auth());
    expect(effects.status).toBe(200);
    expect(effects.body.n).toBe(1200);
    type Effect = { term: string; alias_chain: string[]; difference: number; ci_lower: number; ci_upper: number; estimate: number };
    const byTerm = new Map<string, Effect>(effects.body.effects.map((e: Effect) => [e.term, e]));
    for (const [term, diff] of Object.entries(TRUE_DIFF)) {
      const e = byTerm.get(term)!;
      expect(e, term).toBeDefined();
      // Resolution IV: main effects are clear of two-factor interactions (aliased only with 3FIs).
      expect(e.alias_chain, term).toEqual([term]);
      // difference = 2 x the +-1-coded estimate; its sd here is 2/sqrt(1200) ~ 0.058, so 0.25 is
      // over 4 sd (the split of units over combinations depends on the random experiment id).
      expect(Math.abs(e.difference - diff), term).toBeLessThan(0.25);
      expect(e.difference).toBeCloseTo(2 * e.estimate, 12);
      // The 95% interval of the estimate: +-1.96 x se(estimate) ~ +-0.057 around it.
      expect(e.ci_lower).toBeLessThan(e.estimate);
      expect(e.ci_upper).toBeGreaterThan(e.estimate);
      expect(e.ci_upper - e.ci_lower).toBeGreaterThan(0.05);
      expect(e.ci_upper - e.ci_lower).toBeLessThan(0.2);
    }
    const anovaTerms = effects.body.anova.map((r: { term: string }) => r.term);
    expect(anovaTerms).toContain("Residual");
  });
});
