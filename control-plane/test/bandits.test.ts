// Bandit configurations over HTTP (API.md "Bandits"): every validation rule of DATA-MODEL.md
// (exploration rate, >= 2 arms, unique arm ids, existing combinations, context features declared
// in the experiment's context_schema), one active configuration per experiment (409), the
// allocation push carrying the `bandit` object (docs/sync-protocol.md) on create, on PATCH and on
// every later transition. Runs against MVX_TEST_DATABASE_URL when set.

import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPowerAnalysis } from "../src/db/repositories/experiments.js";
import { syncOutbox } from "../src/db/schema/index.js";
import { detailPaths, experimentBody, testApp, type TestApp, STORED_POWER_ANALYSIS } from "./helpers.js";

let t: TestApp;
let kicks = 0;
const NOW = Date.parse("2026-11-24T12:00:00.000Z");
beforeAll(async () => {
  t = await testApp({ outbox: { kick: () => kicks++ }, clock: () => NOW });
});
afterAll(() => t.close());

const analysis = STORED_POWER_ANALYSIS;

const contextSchema = { user: { country: "categorical", age: "numeric" }, content: { category: "categorical" } };

async function experiment(overrides: Record<string, unknown> = {}): Promise<{ id: string; combinations: { combination_id: string; variable_values: Record<string, unknown> }[] }> {
  const { status, body } = await t.json("POST", "/v1/experiments", experimentBody({ context_schema: contextSchema, ...overrides }));
  expect(status, JSON.stringify(body)).toBe(201);
  return body;
}

async function running(): Promise<string> {
  const e = await experiment();
  await setPowerAnalysis(t.db, e.id, analysis, new Date(NOW).toISOString());
  expect((await t.json("POST", `/v1/experiments/${e.id}/transition`, { status: "Running" })).status).toBe(200);
  return e.id;
}

const banditBody = (overrides: Record<string, unknown> = {}) => ({
  algorithm: "ThompsonSampling",
  exploration_rate: 0.1,
  update_frequency: 0,
  regret_threshold: 0.01,
  is_active: true,
  ...overrides,
});

async function outbox(id: string) {
  return t.db.select().from(syncOutbox).where(eq(syncOutbox.experiment_id, id)).orderBy(asc(syncOutbox.id));
}

describe("POST /v1/experiments/:id/bandits", () => {
  it("201 with one arm per combination when arm_definitions is absent", async () => {
    const e = await experiment();
    const { status, body } = await t.json("POST", `/v1/experiments/${e.id}/bandits`, banditBody({ non_stationary_params: { window_size: 500, drift_threshold: 5 } }));
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body.experiment_id).toBe(e.id);
    expect(body.algorithm).toBe("ThompsonSampling");
    expect(body.is_active).toBe(true);
    expect(body.reward_type).toBe("binary");
    expect(body.arm_definitions).toHaveLength(6);
    expect(body.arm_definitions[0]).toEqual({
      arm_id: e.combinations[0]!.combination_id,
      combination_id: e.combinations[0]!.combination_id,
      configuration: e.combinations[0]!.variable_values,
    });
    expect(body).not.toHaveProperty("edge_bandit");
    // A Draft experiment is not pushed.
    expect(await outbox(e.id)).toHaveLength(0);
  });

  it("accepts explicit arms, resolving combinations by arm_id, and declared context features", async () => {
    const e = await experiment();
    const [c0, c1] = e.combinations;
    const { status, body } = await t.json(
      "POST",
      `/v1/experiments/${e.id}/bandits`,
      banditBody({
        algorithm: "Contextual",
        arm_definitions: [
          { arm_id: c0!.combination_id, prior: { alpha: 2, beta: 3 } },
          { arm_id: "custom", combination_id: c1!.combination_id },
          { arm_id: "free", configuration: { copy: "Buy now" } },
        ],
        context_features: {
          user_features: ["age", { name: "country", type: "categorical", vocabulary: ["DE", "FR"] }],
          content_features: [{ name: "category", type: "hashed", buckets: 8 }],
        },
      }),
    );
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body.arm_definitions).toEqual([
      { arm_id: c0!.combination_id, combination_id: c0!.combination_id, configuration: c0!.variable_values, prior: { alpha: 2, beta: 3 } },
      { arm_id: "custom", combination_id: c1!.combination_id, configuration: c1!.variable_values },
      { arm_id: "free", combination_id: null, configuration: { copy: "Buy now" } },
    ]);
  });

  const invalid: [string, Record<string, unknown>, number, string][] = [
    ["exploration_rate above 1", { exploration_rate: 1.5 }, 422, "exploration_rate"],
    ["exploration_rate below 0", { exploration_rate: -0.1 }, 422, "exploration_rate"],
    ["exploration_rate not a number", { exploration_rate: "high" }, 400, "exploration_rate"],
    ["unknown algorithm", { algorithm: "Greedy" }, 400, "algorithm"],
    ["a single arm", { arm_definitions: [{ arm_id: "a" }] }, 422, "arm_definitions"],
    ["no arms", { arm_definitions: [] }, 422, "arm_definitions"],
    ["duplicate arm ids", { arm_definitions: [{ arm_id: "a" }, { arm_id: "a" }] }, 422, "arm_definitions.1.arm_id"],
    ["an empty arm id", { arm_definitions: [{ arm_id: "" }, { arm_id: "b" }] }, 422, "arm_definitions.0.arm_id"],
    ["an unknown combination", { arm_definitions: [{ arm_id: "a", combination_id: "nope" }, { arm_id: "b" }] }, 422, "arm_definitions.0.combination_id"],
    ["a non-positive prior", { arm_definitions: [{ arm_id: "a", prior: { alpha: 0 } }, { arm_id: "b" }] }, 422, "arm_definitions.0.prior.alpha"],
    ["a negative regret_threshold", { regret_threshold: -1 }, 422, "regret_threshold"],
    ["a negative update_frequency", { update_frequency: -1 }, 400, "update_frequency"],
    ["a zero window_size", { non_stationary_params: { window_size: 0 } }, 422, "non_stationary_params.window_size"],
    ["an undeclared user feature", { context_features: { user_features: ["age", "income"] } }, 422, "context_features.user_features.1"],
    ["an undeclared content feature", { context_features: { content_features: ["colour"] } }, 422, "context_features.content_features.0"],
    ["a user feature declared only for content", { context_features: { user_features: ["category"] } }, 422, "context_features.user_features.0"],
    ["a categorical feature used as numeric", { context_features: { user_features: ["country"] } }, 422, "context_features.user_features.0"],
    [
      "a numeric feature used as categorical",
      { context_features: { user_features: [{ name: "age", type: "categorical", vocabulary: ["x"] }] } },
      422,
      "context_features.user_features.0",
    ],
    ["a feature declared twice", { context_features: { user_features: ["age", "age"] } }, 422, "context_features.user_features.1"],
    ["an unknown control arm", { control_arm_id: "nope" }, 422, "control_arm_id"],
    ["an unknown field", { colour: "red" }, 400, ""],
  ];
  for (const [name, overrides, status, path] of invalid) {
    it(`${status} for ${name}${path ? ` (path ${path})` : ""}`, async () => {
      const e = await experiment();
      const res = await t.json("POST", `/v1/experiments/${e.id}/bandits`, banditBody(overrides));
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.code).toBe(status === 400 ? "validation_error" : "rule_violation");
      if (path) expect(detailPaths(res.body)).toContain(path);
    });
  }

  it("422 for any context feature when the experiment declares no context_schema", async () => {
    const { body: e } = await t.json("POST", "/v1/experiments", experimentBody());
    expect(e.context_schema).toBeNull();
    const res = await t.json("POST", `/v1/experiments/${e.id}/bandits`, banditBody({ context_features: { user_features: ["age"] } }));
    expect(res.status).toBe(422);
    expect(detailPaths(res.body)).toEqual(["context_features.user_features.0"]);
    expect(res.body.error.message).toContain('"age"');
  });

  it("404 for an unknown experiment, 400 for a malformed id", async () => {
    expect((await t.json("POST", "/v1/experiments/6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10/bandits", banditBody())).status).toBe(404);
    expect((await t.json("POST", "/v1/experiments/nope/bandits", banditBody())).status).toBe(400);
  });

  it("409 when another configuration is active; an inactive one may be added", async () => {
    const e = await experiment();
    const first = await t.json("POST", `/v1/experiments/${e.id}/bandits`, banditBody());
    expect(first.status).toBe(201);
    const second = await t.json("POST", `/v1/experiments/${e.id}/bandits`, banditBody({ algorithm: "UCB" }));
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("conflict");
    expect(second.body.error.message).toContain(first.body.id);
    const inactive = await t.json("POST", `/v1/experiments/${e.id}/bandits`, banditBody({ algorithm: "UCB", is_active: false }));
    expect(inactive.status).toBe(201);
    // Activating it while the first is active: 409; after deactivating the first: 200.
    expect((await t.json("PATCH", `/v1/bandits/${inactive.body.id}`, { is_active: true })).status).toBe(409);
    expect((await t.json("PATCH", `/v1/bandits/${first.body.id}`, { is_active: false })).status).toBe(200);
    const activated = await t.json("PATCH", `/v1/bandits/${inactive.body.id}`, { is_active: true });
    expect(activated.status).toBe(200);
    expect(activated.body.is_active).toBe(true);
  });
});

describe("context_schema on experiments", () => {
  it("is stored on create, returned, and editable with PATCH", async () => {
    const e = await experiment();
    const got = await t.json("GET", `/v1/experiments/${e.id}`);
    expect(got.body.context_schema).toEqual(contextSchema);
    const patched = await t.json("PATCH", `/v1/experiments/${e.id}`, { context_schema: { user: { plan: "categorical" } } });
    expect(patched.status).toBe(200);
    expect(patched.body.context_schema).toEqual({ user: { plan: "categorical" } });
    const cleared = await t.json("PATCH", `/v1/experiments/${e.id}`, { context_schema: null });
    expect(cleared.body.context_schema).toBeNull();
  });

  it("400 for a feature type other than numeric or categorical", async () => {
    const res = await t.json("POST", "/v1/experiments", experimentBody({ context_schema: { user: { age: "integer" } } }));
    expect(res.status).toBe(400);
    expect(detailPaths(res.body)[0]).toContain("context_schema.user.age");
  });
});

describe("PATCH /v1/bandits/:id", () => {
  it("edits the allowed fields and checks them like create", async () => {
    const e = await experiment();
    const { body: b } = await t.json("POST", `/v1/experiments/${e.id}/bandits`, banditBody());
    const res = await t.json("PATCH", `/v1/bandits/${b.id}`, {
      exploration_rate: 0.2,
      update_frequency: 30,
      regret_threshold: 0.05,
      non_stationary_params: { window_size: 100, drift_threshold: 3, detector: "cusum" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ exploration_rate: 0.2, update_frequency: 30, regret_threshold: 0.05, non_stationary_params: { window_size: 100, drift_threshold: 3, detector: "cusum" } });
    const bad = await t.json("PATCH", `/v1/bandits/${b.id}`, { exploration_rate: 2 });
    expect(bad.status).toBe(422);
    expect(detailPaths(bad.body)).toEqual(["exploration_rate"]);
    expect((await t.json("PATCH", `/v1/bandits/${b.id}`, {})).status).toBe(400);
    expect((await t.json("PATCH", `/v1/bandits/${b.id}`, { algorithm: "UCB" })).status).toBe(400);
    expect((await t.json("PATCH", "/v1/bandits/6f0c1c1e-8a3b-4c55-9d0e-2b7f4f9b1a10", { is_active: false })).status).toBe(404);
  });
});

describe("allocation pushes carry the bandit", () => {
  it("create on a Running experiment bumps the version and pushes the bandit object; transitions keep it; deactivation drops it", async () => {
    const id = await running();
    const before = kicks;
    const { status, body: b } = await t.json(
      "POST",
      `/v1/experiments/${id}/bandits`,
      banditBody({ exploration_rate: 0.1, non_stationary_params: { window_size: 500, drift_threshold: 5 }, context_features: { user_features: ["age"] } }),
    );
    expect(status).toBe(201);
    expect(kicks).toBe(before + 1);
    let rows = await outbox(id);
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    const exp = await t.json("GET", `/v1/experiments/${id}`);
    expect(exp.body.allocation_version).toBe(2);
    const payload = rows[1]!.payload as Record<string, unknown> & { bandit: Record<string, unknown> & { arms: unknown[] } };
    expect(payload).toMatchObject({ experiment_id: id, version: 2, status: "Running", salt: id });
    expect(payload["combinations"]).toEqual(exp.body.combinations);
    expect(payload.bandit).toEqual({
      bandit_config_id: b.id,
      algorithm: "ThompsonSampling",
      exploration_rate: 0.1,
      update_frequency: 0,
      reward_type: "binary",
      arms: exp.body.combinations.map((c: { combination_id: string; variable_values: unknown }) => ({
        arm_id: c.combination_id,
        combination_id: c.combination_id,
        variable_values: c.variable_values,
        prior: { alpha: 1, beta: 1 },
      })),
      context_features: { user_features: ["age"] },
      non_stationary_params: { window_size: 500, drift_threshold: 5, detector: "page-hinkley" },
      min_arm_share: 0.01,
      control_arm_id: null,
      control_share: 0,
      winner_arm_id: null,
      shards: 1,
    });
    // The first push (the transition before the bandit existed) has no bandit key at all.
    expect(rows[0]!.payload).not.toHaveProperty("bandit");

    // Later transitions keep the bandit.
    expect((await t.json("POST", `/v1/experiments/${id}/transition`, { status: "Paused" })).status).toBe(200);
    expect((await t.json("POST", `/v1/experiments/${id}/transition`, { status: "Running" })).status).toBe(200);
    rows = await outbox(id);
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4]);
    for (const r of rows.slice(2)) expect((r.payload as { bandit: unknown }).bandit).toEqual(payload.bandit);
    expect((rows[2]!.payload as { status: string }).status).toBe("Paused");

    // PATCH while Running pushes the edited bandit.
    const patched = await t.json("PATCH", `/v1/bandits/${b.id}`, { exploration_rate: 0.3 });
    expect(patched.status).toBe(200);
    rows = await outbox(id);
    expect(rows.at(-1)!.version).toBe(5);
    expect((rows.at(-1)!.payload as { bandit: { exploration_rate: number } }).bandit.exploration_rate).toBe(0.3);

    // Deactivating pushes an allocation without the bandit.
    expect((await t.json("PATCH", `/v1/bandits/${b.id}`, { is_active: false })).status).toBe(200);
    rows = await outbox(id);
    expect(rows.at(-1)!.version).toBe(6);
    expect(rows.at(-1)!.payload).not.toHaveProperty("bandit");
    // Editing an inactive configuration pushes nothing.
    expect((await t.json("PATCH", `/v1/bandits/${b.id}`, { exploration_rate: 0.4 })).status).toBe(200);
    expect(await outbox(id)).toHaveLength(6);
  });

  it("an arm that is no combination is pushed with combination_id = arm_id and its configuration", async () => {
    const id = await running();
    const { body: exp } = await t.json("GET", `/v1/experiments/${id}`);
    const c0 = exp.combinations[0];
    const res = await t.json(
      "POST",
      `/v1/experiments/${id}/bandits`,
      banditBody({ arm_definitions: [{ arm_id: c0.combination_id }, { arm_id: "free", configuration: { copy: "Buy now" }, prior: { alpha: 2, beta: 5 } }], control_arm_id: "free", control_share: 0.1 }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const rows = await outbox(id);
    const bandit = (rows.at(-1)!.payload as { bandit: { arms: unknown[]; control_arm_id: string; control_share: number } }).bandit;
    expect(bandit.arms).toEqual([
      { arm_id: c0.combination_id, combination_id: c0.combination_id, variable_values: c0.variable_values, prior: { alpha: 1, beta: 1 } },
      { arm_id: "free", combination_id: "free", variable_values: { copy: "Buy now" }, prior: { alpha: 2, beta: 5 } },
    ]);
    expect(bandit).toMatchObject({ control_arm_id: "free", control_share: 0.1 });
  });

  it("the OpenAPI document lists the bandit routes", async () => {
    const res = await t.call("GET", "/openapi.json");
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    for (const path of ["/v1/experiments/{id}/bandits", "/v1/bandits/{id}", "/v1/bandits/{id}/allocations"]) expect(doc.paths).toHaveProperty([path]);
  });

  it("a bandit created while Draft is pushed with the first Draft -> Running", async () => {
    const e = await experiment();
    await setPowerAnalysis(t.db, e.id, analysis, new Date(NOW).toISOString());
    const { body: b } = await t.json("POST", `/v1/experiments/${e.id}/bandits`, banditBody({ algorithm: "EpsilonGreedy" }));
    expect(await outbox(e.id)).toHaveLength(0);
    expect((await t.json("POST", `/v1/experiments/${e.id}/transition`, { status: "Running" })).status).toBe(200);
    const rows = await outbox(e.id);
    expect(rows).toHaveLength(1);
    expect((rows[0]!.payload as { bandit: { bandit_config_id: string; algorithm: string } }).bandit).toMatchObject({ bandit_config_id: b.id, algorithm: "EpsilonGreedy" });
  });
});
