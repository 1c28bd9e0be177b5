// HTTP tests of /v1/experiments: creation and combinations, every validation rule of the data model
// (400 for shape, 422 for rules, with paths), reads, the list filter and PATCH rules.
// Runs against MVX_TEST_DATABASE_URL when set (shared server: fresh ids, no global counts).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detailPaths, experimentBody, testApp, type TestApp } from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const variable = (name: string, levels: unknown[], type = "categorical") => ({ name, levels, type });

describe("POST /v1/experiments", () => {
  it("creates a Draft FullFactorial experiment with every combination at equal traffic", async () => {
    const { status, body } = await t.json("POST", "/v1/experiments", experimentBody());
    expect(status).toBe(201);
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.status).toBe("Draft");
    expect(body.kind).toBe("multivariate");
    expect(body.design_type).toBe("FullFactorial");
    expect(body.allocation_version).toBe(0);
    expect(body.hash_salt).toBe(body.id);
    expect(body.power_analysis).toBeNull();
    expect(body.combinations).toHaveLength(6);
    expect(body.combinations.map((c: { combination_id: string }) => c.combination_id)).toEqual(["c01", "c02", "c03", "c04", "c05", "c06"]);
    // Standard (Yates) order from core: the first variable fastest, levels in declared order.
    expect(body.combinations[0].variable_values).toEqual({ color: "red", size: 1 });
    expect(body.combinations[1].variable_values).toEqual({ color: "blue", size: 1 });
    expect(body.combinations[2].variable_values).toEqual({ color: "red", size: 2 });
    expect(body.combinations[5].variable_values).toEqual({ color: "blue", size: 3 });
    expect(body.design_properties).toMatchObject({ design_type: "FullFactorial", runs: 6, levels: [2, 3], factor_letters: { A: "color", B: "size" } });
    const sum = body.combinations.reduce((s: number, c: { traffic_allocation: number }) => s + c.traffic_allocation, 0);
    expect(sum).toBeCloseTo(1, 12);
    for (const c of body.combinations) expect(c.traffic_allocation).toBeCloseTo(1 / 6, 12);
    expect(body.created_at).toMatch(/Z$/);
  });

  it("accepts the largest design: 5 variables x 4 levels = 1024 combinations, ids c0001..c1024", async () => {
    const variables = ["A", "B", "C", "D", "E"].map((n) => variable(n, [0, 1, 2, 3], "continuous"));
    const { status, body } = await t.json("POST", "/v1/experiments", experimentBody({ variables }));
    expect(status).toBe(201);
    expect(body.combinations).toHaveLength(1024);
    expect(body.combinations[0].combination_id).toBe("c0001");
    expect(body.combinations[1023].combination_id).toBe("c1024");
    expect(new Set(body.combinations.map((c: { combination_id: string }) => c.combination_id)).size).toBe(1024);
  });

  it("accepts custom traffic when every combination is listed once and they sum to 1", async () => {
    const { status, body } = await t.json(
      "POST",
      "/v1/experiments",
      experimentBody({
        variables: [variable("color", ["red", "blue"])],
        combinations: [
          { combination_id: "control", variable_values: { color: "red" }, traffic_allocation: 0.7 },
          { variable_values: { color: "blue" }, traffic_allocation: 0.3 },
        ],
        interaction_matrix: [],
        design_options: { seed: 7 },
      }),
    );
    expect(status).toBe(201);
    expect(body.combinations).toEqual([
      { combination_id: "control", variable_values: { color: "red" }, traffic_allocation: 0.7 },
      { combination_id: "c02", variable_values: { color: "blue" }, traffic_allocation: 0.3 },
    ]);
    expect(body.design_options).toEqual({ seed: 7 });
  });

  it("stores an interaction matrix of declared variables", async () => {
    const { status, body } = await t.json("POST", "/v1/experiments", experimentBody({ interaction_matrix: [["color", "size"]] }));
    expect(status).toBe(201);
    expect(body.interaction_matrix).toEqual([["color", "size"]]);
  });

  describe("422 rules of the data model, naming the path", () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ["6 variables", { variables: ["A", "B", "C", "D", "E", "F"].map((n) => variable(n, [0, 1])) }, "variables"],
      ["no variable", { variables: [] }, "variables"],
      ["5 levels", { variables: [variable("color", ["a", "b", "c", "d", "e"])] }, "variables.0.levels"],
      ["1 level", { variables: [variable("x", ["a", "b"]), variable("color", ["a"])] }, "variables.1.levels"],
      ["duplicate variable names", { variables: [variable("color", ["a", "b"]), variable("color", ["c", "d"])] }, "variables.1.name"],
      ["duplicate levels", { variables: [variable("color", ["a", "b", "a"])] }, "variables.0.levels.2"],
      ["continuous with a non-numeric level", { variables: [variable("size", [1, "large"], "continuous")] }, "variables.0.levels.1"],
      ["unknown interaction variable", { interaction_matrix: [["color", "shape"]] }, "interaction_matrix.0.1"],
      ["duplicate interaction", { interaction_matrix: [["color", "size"], ["size", "color"]] }, "interaction_matrix.1"],
      ["a variable twice in one interaction", { interaction_matrix: [["color", "color"]] }, "interaction_matrix.0.1"],
      ["a FractionalFactorial of two variables (no fraction exists)", { design_type: "FractionalFactorial" }, "variables"],
      ["a LatinSquare of two variables", { design_type: "LatinSquare" }, "variables"],
      ["FullFactorial with generators", { design_options: { generators: { C: "AB" } } }, "design_options.generators"],
      ["FullFactorial with the wrong run count", { design_options: { runs: 4 } }, "design_options.runs"],
    ];
    for (const [name, overrides, path] of cases) {
      it(name, async () => {
        const { status, body } = await t.json("POST", "/v1/experiments", experimentBody(overrides));
        expect(status).toBe(422);
        expect(body.error.code).toBe("rule_violation");
        expect(detailPaths(body)).toContain(path);
        expect(body.error.message).toContain(path);
      });
    }

    it("names variable names case-sensitively (Color and color may coexist)", async () => {
      const { status } = await t.json(
        "POST",
        "/v1/experiments",
        experimentBody({ variables: [variable("color", ["a", "b"]), variable("Color", ["a", "b"])] }),
      );
      expect(status).toBe(201);
    });

    it("says what would work when the design type does not fit the variables", async () => {
      const { body } = await t.json("POST", "/v1/experiments", experimentBody({ design_type: "FractionalFactorial" }));
      expect(body.error.message).toMatch(/use FullFactorial/);
    });

    const two = [variable("color", ["red", "blue"])];
    const combo = (color: string, traffic: number, id?: string) => ({
      ...(id ? { combination_id: id } : {}),
      variable_values: { color },
      traffic_allocation: traffic,
    });
    const trafficCases: [string, unknown[], string][] = [
      ["traffic not summing to 1", [combo("red", 0.5), combo("blue", 0.4)], "combinations"],
      ["a combination missing", [combo("red", 1)], "combinations"],
      ["a combination listed twice", [combo("red", 0.5), combo("red", 0.25), combo("blue", 0.25)], "combinations.1"],
      ["an unknown level", [combo("red", 0.5), combo("green", 0.5)], "combinations.1.variable_values.color"],
      ["a negative traffic", [combo("red", 1.5), combo("blue", -0.5)], "combinations.1.traffic_allocation"],
      ["duplicate combination ids", [combo("red", 0.5, "x"), combo("blue", 0.5, "x")], "combinations.1.combination_id"],
      [
        "an unknown variable in variable_values",
        [{ variable_values: { color: "red", shape: "round" }, traffic_allocation: 1 }, combo("blue", 0)],
        "combinations.0.variable_values",
      ],
    ];
    for (const [name, combinations, path] of trafficCases) {
      it(`custom combinations: ${name}`, async () => {
        const { status, body } = await t.json("POST", "/v1/experiments", experimentBody({ variables: two, combinations }));
        expect(status).toBe(422);
        expect(detailPaths(body)).toContain(path);
      });
    }

    it("accepts traffic summing to 1 within 1e-6", async () => {
      const { status } = await t.json(
        "POST",
        "/v1/experiments",
        experimentBody({ variables: two, combinations: [combo("red", 0.3333333), combo("blue", 0.6666666)] }),
      );
      expect(status).toBe(201);
    });

    it("reports every broken rule at once", async () => {
      const { status, body } = await t.json(
        "POST",
        "/v1/experiments",
        experimentBody({
          variables: [variable("a", [1, 2, 3, 4, 5]), variable("a", [1]), variable("c", ["x", "x"])],
        }),
      );
      expect(status).toBe(422);
      expect(detailPaths(body)).toEqual(expect.arrayContaining(["variables.0.levels", "variables.1.name", "variables.1.levels", "variables.2.levels.1"]));
    });
  });

  describe("400 for malformed or schema-invalid requests", () => {
    it("malformed JSON -> invalid_json", async () => {
      const { status, body } = await t.json("POST", "/v1/experiments", '{"name": "x",');
      expect(status).toBe(400);
      expect(body.error.code).toBe("invalid_json");
      expect(body.error.details).toEqual([]);
    });

    const cases: [string, Record<string, unknown>, string][] = [
      ["bad variable type", { variables: [variable("color", ["a", "b"], "ordinal")] }, "variables.0.type"],
      ["unknown design type", { design_type: "Taguchi" }, "design_type"],
      ["empty name", { name: "  " }, "name"],
      ["name over 200 characters", { name: "x".repeat(201) }, "name"],
      ["levels not an array", { variables: [{ name: "color", levels: "red", type: "categorical" }] }, "variables.0.levels"],
      ["a level that is an object", { variables: [variable("color", ["a", { b: 1 }])] }, "variables.0.levels.1"],
      ["unknown field", { colour: "red" }, ""],
      ["interaction of one variable", { interaction_matrix: [["color"]] }, "interaction_matrix.0"],
      ["bad design option", { design_options: { runs: -1 } }, "design_options.runs"],
    ];
    for (const [name, overrides, path] of cases) {
      it(name, async () => {
        const { status, body } = await t.json("POST", "/v1/experiments", experimentBody(overrides));
        expect(status).toBe(400);
        expect(body.error.code).toBe("validation_error");
        expect(detailPaths(body)).toContain(path);
      });
    }

    it("missing required fields are named", async () => {
      const { status, body } = await t.json("POST", "/v1/experiments", {});
      expect(status).toBe(400);
      expect(detailPaths(body)).toEqual(expect.arrayContaining(["name", "design_type", "variables"]));
    });

    it("a JSON array or scalar body is a validation error, not a 500", async () => {
      for (const b of ["[]", "null", "42", '"x"']) {
        const { status, body } = await t.json("POST", "/v1/experiments", b);
        expect(status).toBe(400);
        expect(body.error.code).toBe("validation_error");
      }
    });

    it("a non-JSON content type is 415 with the error body", async () => {
      const { status, body } = await t.json("POST", "/v1/experiments", "name=x", { "content-type": "text/plain" });
      expect(status).toBe(415);
      expect(body.error.code).toBe("unsupported_media_type");
    });
  });
});

describe("GET /v1/experiments/:id", () => {
  it("reads an experiment back", async () => {
    const created = await t.json("POST", "/v1/experiments", experimentBody());
    const { status, body } = await t.json("GET", `/v1/experiments/${created.body.id}`);
    expect(status).toBe(200);
    expect(body).toEqual(created.body);
  });

  it("404 for a well-formed unknown id", async () => {
    const { status, body } = await t.json("GET", "/v1/experiments/00000000-0000-4000-8000-000000000000");
    expect(status).toBe(404);
    expect(body.error.code).toBe("not_found");
  });

  it("400 for a malformed id, naming the path parameter", async () => {
    const { status, body } = await t.json("GET", "/v1/experiments/not-a-uuid");
    expect(status).toBe(400);
    expect(body.error.code).toBe("validation_error");
    expect(detailPaths(body)).toContain("id");
  });
});

describe("GET /v1/experiments", () => {
  it("filters by status and pages", async () => {
    const a = await t.json("POST", "/v1/experiments", experimentBody({ name: "list-a" }));
    const b = await t.json("POST", "/v1/experiments", experimentBody({ name: "list-b" }));
    await t.json("POST", `/v1/experiments/${b.body.id}/transition`, { status: "Archived" });

    const drafts = await t.json("GET", "/v1/experiments?status=Draft&limit=500");
    expect(drafts.status).toBe(200);
    const draftIds = drafts.body.items.map((e: { id: string }) => e.id);
    expect(draftIds).toContain(a.body.id);
    expect(draftIds).not.toContain(b.body.id);
    expect(drafts.body.items.every((e: { status: string }) => e.status === "Draft")).toBe(true);

    const archived = await t.json("GET", "/v1/experiments?status=Archived&limit=500");
    expect(archived.body.items.map((e: { id: string }) => e.id)).toContain(b.body.id);

    const page = await t.json("GET", "/v1/experiments?limit=1&offset=0");
    expect(page.body.items).toHaveLength(1);
    expect(page.body.limit).toBe(1);
    expect(page.body.offset).toBe(0);
    expect(page.body.total).toBeGreaterThanOrEqual(2);
  });

  it("400 for an unknown status or a bad limit", async () => {
    const bad = await t.json("GET", "/v1/experiments?status=Live");
    expect(bad.status).toBe(400);
    expect(detailPaths(bad.body)).toContain("status");
    const limit = await t.json("GET", "/v1/experiments?limit=0");
    expect(limit.status).toBe(400);
    expect(detailPaths(limit.body)).toContain("limit");
  });
});

describe("PATCH /v1/experiments/:id", () => {
  it("changes name and description at any status", async () => {
    const created = await t.json("POST", "/v1/experiments", experimentBody());
    const id = created.body.id;
    await t.json("POST", `/v1/experiments/${id}/transition`, { status: "Archived" });
    const { status, body } = await t.json("PATCH", `/v1/experiments/${id}`, { name: "Renamed", description: null });
    expect(status).toBe(200);
    expect(body.name).toBe("Renamed");
    expect(body.description).toBeNull();
    expect(body.status).toBe("Archived");
  });

  it("regenerates combinations while Draft and clears a stale power analysis", async () => {
    const created = await t.json("POST", "/v1/experiments", experimentBody());
    const id = created.body.id;
    const { status, body } = await t.json("PATCH", `/v1/experiments/${id}`, {
      variables: [{ name: "color", levels: ["red", "blue", "green"], type: "categorical" }],
    });
    expect(status).toBe(200);
    expect(body.combinations).toHaveLength(3);
    expect(body.combinations[2]).toEqual({ combination_id: "c03", variable_values: { color: "green" }, traffic_allocation: 1 / 3 });
    expect(body.power_analysis).toBeNull();
  });

  it("checks the data-model rules on a design change (422)", async () => {
    const created = await t.json("POST", "/v1/experiments", experimentBody());
    const { status, body } = await t.json("PATCH", `/v1/experiments/${created.body.id}`, {
      variables: [{ name: "color", levels: ["a", "b", "c", "d", "e"], type: "categorical" }],
    });
    expect(status).toBe(422);
    expect(detailPaths(body)).toContain("variables.0.levels");
  });

  it("keeps custom traffic when only the interaction matrix changes", async () => {
    const created = await t.json(
      "POST",
      "/v1/experiments",
      experimentBody({
        variables: [{ name: "color", levels: ["red", "blue"], type: "categorical" }, { name: "size", levels: [1, 2], type: "continuous" }],
        combinations: [
          { variable_values: { color: "red", size: 1 }, traffic_allocation: 0.4 },
          { variable_values: { color: "red", size: 2 }, traffic_allocation: 0.2 },
          { variable_values: { color: "blue", size: 1 }, traffic_allocation: 0.2 },
          { variable_values: { color: "blue", size: 2 }, traffic_allocation: 0.2 },
        ],
      }),
    );
    expect(created.status).toBe(201);
    const { body } = await t.json("PATCH", `/v1/experiments/${created.body.id}`, { interaction_matrix: [["color", "size"]] });
    expect(body.combinations[0].traffic_allocation).toBe(0.4);
    expect(body.interaction_matrix).toEqual([["color", "size"]]);
  });

  it("409 for design fields outside Draft", async () => {
    const created = await t.json("POST", "/v1/experiments", experimentBody());
    const id = created.body.id;
    await t.json("POST", `/v1/experiments/${id}/transition`, { status: "Archived" });
    for (const patch of [
      { design_type: "FullFactorial" },
      { variables: [{ name: "x", levels: [1, 2], type: "continuous" }] },
      { interaction_matrix: [] },
      { design_options: { seed: 1 } },
      { combinations: null },
    ]) {
      const { status, body } = await t.json("PATCH", `/v1/experiments/${id}`, patch);
      expect(status).toBe(409);
      expect(body.error.code).toBe("conflict");
    }
  });

  it("400 for an empty patch or unknown fields; 404 for an unknown experiment", async () => {
    const created = await t.json("POST", "/v1/experiments", experimentBody());
    expect((await t.json("PATCH", `/v1/experiments/${created.body.id}`, {})).status).toBe(400);
    expect((await t.json("PATCH", `/v1/experiments/${created.body.id}`, { status: "Running" })).status).toBe(400);
    expect((await t.json("PATCH", "/v1/experiments/00000000-0000-4000-8000-000000000001", { name: "x" })).status).toBe(404);
  });
});
