// The HTTP shell of createApp(): open routes (/health, /openapi.json, /docs), bearer auth on /v1/*,
// the error body for unknown routes, malformed JSON and oversized bodies, the generic 500, and a
// property test: arbitrary JSON bodies never give a 5xx.

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { API_KEY, experimentBody, testApp, type TestApp } from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ maxBodyBytes: 64 * 1024 });
});
afterAll(() => t.close());

describe("open routes", () => {
  it("GET /health needs no key", async () => {
    const res = await t.app.request("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("GET /openapi.json is an OpenAPI 3.1 document of the routes, with the bearer scheme", async () => {
    const res = await t.app.request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown; requestBody?: unknown }>>;
      components: { securitySchemes: Record<string, { type: string; scheme?: string }>; schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    for (const [path, method] of [
      ["/v1/experiments", "post"],
      ["/v1/experiments", "get"],
      ["/v1/experiments/{id}", "get"],
      ["/v1/experiments/{id}", "patch"],
      ["/v1/experiments/{id}/power-analysis", "post"],
      ["/v1/experiments/{id}/transition", "post"],
      ["/v1/experiments/{id}/sync", "get"],
      ["/v1/experiments/{id}/assignments", "get"],
      ["/v1/experiments/{id}/results", "get"],
      ["/v1/experiments/{id}/summary", "get"],
      ["/v1/power", "post"],
      ["/internal/edge-events", "post"],
      ["/health", "get"],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(doc.paths["/v1/experiments"]?.post?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths["/health"]?.get?.security).toBeUndefined();
    const experiment = doc.components.schemas.Experiment as { properties: Record<string, { anyOf?: unknown[] }> };
    expect(experiment.properties.power_analysis?.anyOf).toContainEqual({ type: "null" });
    for (const name of ["Experiment", "CreateExperiment", "Variable", "Combination", "PowerAnalysis", "Error", "PowerRequest"]) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
  });

  it("GET /docs serves the Swagger UI pointing at /openapi.json", async () => {
    const res = await t.app.request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain("/openapi.json");
    // Every asset the page loads is served locally (the page works offline).
    const assets = [...html.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    expect(html).not.toMatch(/https?:\/\//);
    for (const a of assets) {
      const r = await t.app.request(a);
      expect(r.status, a).toBe(200);
      expect((await r.arrayBuffer()).byteLength, a).toBeGreaterThan(100);
    }
    expect((await t.app.request("/docs/assets/nope.js")).status).toBe(404);
  });
});

describe("bearer auth on /v1/*", () => {
  const cases: [string, Record<string, string>][] = [
    ["missing", {}],
    ["wrong key", { authorization: "Bearer nope" }],
    ["key prefix", { authorization: `Bearer ${API_KEY.slice(0, -1)}` }],
    ["wrong scheme", { authorization: `Basic ${API_KEY}` }],
    ["empty bearer", { authorization: "Bearer " }],
  ];
  for (const [name, headers] of cases) {
    it(`401 for a ${name} authorization`, async () => {
      const res = await t.app.request("/v1/experiments", { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const body = (await res.json()) as { error: { code: string; message: string; details: unknown[] } };
      expect(body.error.code).toBe("unauthorized");
      expect(body.error.details).toEqual([]);
    });
  }

  it("401 comes before validation and before reading the body", async () => {
    const res = await t.app.request("/v1/experiments", { method: "POST", body: "{not json", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(401);
  });

  it("401 for unknown /v1 routes without the key; 404 with it", async () => {
    expect((await t.app.request("/v1/nothing")).status).toBe(401);
    const res = await t.call("GET", "/v1/nothing");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("accepts the scheme case-insensitively", async () => {
    const res = await t.app.request("/v1/experiments", { headers: { authorization: `bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
  });
});

describe("error body for every failure", () => {
  it("404 for unknown routes and wrong methods", async () => {
    for (const [method, path] of [
      ["GET", "/nothing"],
      ["DELETE", "/v1/experiments"],
      ["GET", "/internal/edge-events"],
    ] as const) {
      const res = await t.call(method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe("not_found");
    }
  });

  it("413 payload_too_large above MVX_MAX_BODY_BYTES (with or without content-length)", async () => {
    const big = JSON.stringify(experimentBody({ description: "x".repeat(70 * 1024) }));
    const res = await t.call("POST", "/v1/experiments", big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");

    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 80; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
        controller.close();
      },
    });
    const chunked = await t.app.request("/v1/experiments", {
      method: "POST",
      body: stream,
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
      // @ts-expect-error Node's fetch needs duplex for a stream body
      duplex: "half",
    });
    expect(chunked.status).toBe(413);
  });

  it("an unexpected error is a 500 with a generic message and no stack", async () => {
    const logged: unknown[] = [];
    const db = t.db;
    const app = createApp({
      db,
      env: { MVX_API_KEY: API_KEY, MVX_SYNC_SECRET: "s", MVX_MAX_BODY_BYTES: 1024 },
      logError: (_m, e) => logged.push(e),
    });
    app.get("/v1/boom", () => {
      throw new Error("secret internals at /srv/app.ts:12");
    });
    const res = await app.request("/v1/boom", { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "internal_error", message: "internal server error", details: [] } });
    expect(text).not.toContain("secret internals");
    expect(logged).toHaveLength(1);
  });
});

describe("property: arbitrary bodies never give a 5xx", () => {
  const level = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null));
  const variableLike = fc.record(
    {
      name: fc.oneof(fc.constantFrom("A", "B", "C", "a"), fc.string({ maxLength: 3 }), fc.integer()),
      levels: fc.oneof(fc.array(level, { maxLength: 6 }), level),
      type: fc.oneof(fc.constantFrom("categorical", "continuous"), fc.string({ maxLength: 5 })),
    },
    { requiredKeys: [] },
  );
  const experimentLike = fc.record(
    {
      name: fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null)),
      description: fc.oneof(fc.string({ maxLength: 10 }), fc.constant(null)),
      design_type: fc.oneof(fc.constantFrom("FullFactorial", "FractionalFactorial", "LatinSquare", "OrthogonalArray"), fc.string({ maxLength: 5 })),
      variables: fc.oneof(fc.array(variableLike, { maxLength: 7 }), fc.jsonValue({ maxDepth: 2 })),
      interaction_matrix: fc.oneof(fc.array(fc.array(fc.constantFrom("A", "B", "C", "Z"), { maxLength: 3 }), { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
      design_options: fc.oneof(fc.record({ seed: fc.integer(), runs: fc.integer() }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 2 })),
      combinations: fc.oneof(
        fc.array(
          fc.record(
            {
              combination_id: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()),
              variable_values: fc.dictionary(fc.constantFrom("A", "B", "C"), level, { maxKeys: 3 }),
              traffic_allocation: fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, 0.25, 0.5, 1)),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 5 },
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    },
    { requiredKeys: [] },
  );

  it("POST /v1/experiments answers 201, 400 or 422 with the error body", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(experimentLike, fc.jsonValue({ maxDepth: 3 })), async (body) => {
        const res = await t.call("POST", "/v1/experiments", JSON.stringify(body));
        expect([201, 400, 422]).toContain(res.status);
        const json = (await res.json()) as { error?: { code: string; message: string; details: unknown[] } };
        if (res.status !== 201) {
          expect(typeof json.error?.code).toBe("string");
          expect(typeof json.error?.message).toBe("string");
          expect(Array.isArray(json.error?.details)).toBe(true);
        }
      }),
      { numRuns: 300, seed: 20261124 },
    );
  });

  it("arbitrary strings as bodies of every POST/PATCH route answer 4xx", async () => {
    const { body: created } = await t.json("POST", "/v1/experiments", experimentBody());
    const routes: [string, string][] = [
      ["POST", "/v1/experiments"],
      ["PATCH", `/v1/experiments/${created.id}`],
      ["POST", `/v1/experiments/${created.id}/power-analysis`],
      ["POST", `/v1/experiments/${created.id}/transition`],
      ["POST", "/v1/power"],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(fc.string(), fc.json()), async ([method, path], raw) => {
        const res = await t.call(method, path, raw);
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
