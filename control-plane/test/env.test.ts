// parseEnv(): defaults, development fallbacks for secrets (with a warning), production refusing a
// missing secret by name, and the database directory of file: URLs.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES, EnvError, ensureDatabaseDirectory, parseEnv } from "../src/env.js";

describe("parseEnv", () => {
  it("applies the documented defaults outside production, warning once per defaulted secret", () => {
    const warnings: string[] = [];
    const env = parseEnv({}, (m) => warnings.push(m));
    expect(env).toEqual({
      NODE_ENV: "development",
      DATABASE_URL: "file:./data/mvx.db",
      DATABASE_AUTH_TOKEN: undefined,
      MVX_API_KEY: "dev-admin-key",
      MVX_WEBHOOK_SECRET: "dev-webhook-secret",
      MVX_SYNC_SECRET: "dev-sync-secret",
      EDGE_URL: "http://127.0.0.1:8787",
      CONTROL_PLANE_URL: "http://127.0.0.1:8790",
      CP_HOST: "127.0.0.1",
      CP_PORT: 8790,
      MVX_MAX_BODY_BYTES: DEFAULT_MAX_BODY_BYTES,
    });
    expect(DEFAULT_MAX_BODY_BYTES).toBeGreaterThanOrEqual(50 * 1024 * 1024);
    expect(warnings).toHaveLength(3);
    expect(warnings.join("\n")).toMatch(/MVX_API_KEY[\s\S]*MVX_WEBHOOK_SECRET[\s\S]*MVX_SYNC_SECRET/);
  });

  it("reads every variable", () => {
    const env = parseEnv(
      {
        NODE_ENV: "production",
        DATABASE_URL: "http://127.0.0.1:8080",
        DATABASE_AUTH_TOKEN: "tok",
        MVX_API_KEY: "k",
        MVX_WEBHOOK_SECRET: "w",
        MVX_SYNC_SECRET: "s",
        EDGE_URL: "http://edge:9000/",
        CONTROL_PLANE_URL: "http://cp:1",
        CP_HOST: "0.0.0.0",
        CP_PORT: "9999",
        MVX_MAX_BODY_BYTES: "104857600",
      },
      () => {
        throw new Error("no warning expected");
      },
    );
    expect(env).toMatchObject({
      DATABASE_URL: "http://127.0.0.1:8080",
      DATABASE_AUTH_TOKEN: "tok",
      MVX_API_KEY: "k",
      EDGE_URL: "http://edge:9000",
      CP_PORT: 9999,
      CP_HOST: "0.0.0.0",
      MVX_MAX_BODY_BYTES: 104857600,
    });
  });

  it("in production, a missing (or empty) secret is a start-up error naming it", () => {
    const base = { NODE_ENV: "production", MVX_API_KEY: "k", MVX_WEBHOOK_SECRET: "w", MVX_SYNC_SECRET: "s" };
    expect(() => parseEnv({ ...base, MVX_SYNC_SECRET: undefined })).toThrow(EnvError);
    expect(() => parseEnv({ ...base, MVX_SYNC_SECRET: undefined })).toThrow(/MVX_SYNC_SECRET/);
    expect(() => parseEnv({ ...base, MVX_API_KEY: "" })).toThrow(/MVX_API_KEY/);
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/MVX_API_KEY, MVX_WEBHOOK_SECRET, MVX_SYNC_SECRET/);
  });

  it("rejects malformed numbers and URLs, naming the variable", () => {
    expect(() => parseEnv({ CP_PORT: "eighty" }, () => undefined)).toThrow(/CP_PORT/);
    expect(() => parseEnv({ CP_PORT: "70000" }, () => undefined)).toThrow(/CP_PORT/);
    expect(() => parseEnv({ MVX_MAX_BODY_BYTES: "-1" }, () => undefined)).toThrow(/MVX_MAX_BODY_BYTES/);
    expect(() => parseEnv({ EDGE_URL: "not a url" }, () => undefined)).toThrow(/EDGE_URL/);
  });
});

describe("ensureDatabaseDirectory", () => {
  it("creates the directory of a file: URL, and ignores other URLs", () => {
    const root = mkdtempSync(path.join(tmpdir(), "mvx-env-"));
    try {
      const dir = path.join(root, "nested", "data");
      ensureDatabaseDirectory(`file:${path.join(dir, "mvx.db")}`);
      expect(existsSync(dir)).toBe(true);
      ensureDatabaseDirectory(":memory:");
      ensureDatabaseDirectory("http://127.0.0.1:8080");
      ensureDatabaseDirectory("file::memory:");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
