// Deterministic assignment: the same unit gets the same combination while the allocation is
// unchanged, and units split by the traffic weights. (Own file: the pool's per-request cost grows
// with each file's request count, workers-sdk#15446.)

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { assign, getArms, newExperimentId, pushAllocation, stubFor } from "./helpers";

describe("sticky assignment", () => {
  it("gives each of 200 units the same combination on every request, and logs every decision", async () => {
    const id = newExperimentId("sticky");
    await pushAllocation(id);
    const units = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const first = await Promise.all(units.map((u) => assign(id, u)));
    // The second round calls the object's RPC method directly (the route's only step after
    // validation), to keep this file's HTTP request count low.
    const stub = stubFor(id);
    const second = await Promise.all(units.map((u) => stub.assign({ experiment_id: id, unit_id: u })));
    for (let i = 0; i < units.length; i++) {
      expect(first[i]!.status).toBe(200);
      const again = second[i]!;
      if (again.outcome !== "assigned") throw new Error(`unexpected ${again.outcome}`);
      expect(again.decision.combination_id).toBe(first[i]!.body.combination_id);
      expect(again.decision.decision_id).not.toBe(first[i]!.body.decision_id);
    }
    expect((await assign(id, "user-7")).body.combination_id).toBe(first[7]!.body.combination_id);
    expect(new Set(first.map((r) => r.body.combination_id)).size).toBe(3);
    const arms = (await getArms(id)).body.arms as { decisions: number }[];
    expect(arms.reduce((s, a) => s + a.decisions, 0)).toBe(401);
    const rows = await runInDurableObject(stubFor(id), (_instance, state) => ({
      decisions: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM decisions").one().n,
      outbox: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n,
    }));
    expect(rows).toEqual({ decisions: 401, outbox: 401 });
  }, 30_000);

  it("splits 5,000 units roughly by the traffic weights 0.5 / 0.3 / 0.2", async () => {
    const id = newExperimentId("distribution");
    await pushAllocation(id);
    // Calls the object's assign() in place: the same method the route calls, without 5,000 HTTP hops.
    const counts = await runInDurableObject(stubFor(id), async (instance) => {
      const c: Record<string, number> = {};
      for (let i = 0; i < 5000; i++) {
        const r = await instance.assign({ experiment_id: id, unit_id: `unit-${i}` });
        if (r.outcome !== "assigned") throw new Error(`unexpected ${r.outcome}`);
        c[r.decision.combination_id] = (c[r.decision.combination_id] ?? 0) + 1;
        const again = await instance.assign({ experiment_id: id, unit_id: `unit-${i}` });
        if (again.outcome !== "assigned" || again.decision.combination_id !== r.decision.combination_id) throw new Error("not sticky");
      }
      return c;
    });
    // Binomial sd of a share at n = 5000 is at most sqrt(0.25 / 5000) = 0.0071; 0.025 is 3.5 sd.
    expect(Math.abs((counts.c01 ?? 0) / 5000 - 0.5)).toBeLessThan(0.025);
    expect(Math.abs((counts.c02 ?? 0) / 5000 - 0.3)).toBeLessThan(0.025);
    expect(Math.abs((counts.c03 ?? 0) / 5000 - 0.2)).toBeLessThan(0.025);
  }, 30_000);
});
