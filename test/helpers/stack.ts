// Starts mvx exactly as `npm start` does (node scripts/start.mjs) on free ports with a temporary
// libSQL file and Durable Object store, and stops it again. Used by the end-to-end tests.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { signPayload } from "@mvx/core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Stack {
  cpUrl: string;
  edgeUrl: string;
  apiKey: string;
  webhookSecret: string;
  syncSecret: string;
  dataDir: string;
  output: () => string;
  stop: () => Promise<number | null>;
}

export async function startStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  const cpPort = await freePort();
  const edgePort = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "mvx-e2e-"));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    CP_PORT: String(cpPort),
    EDGE_PORT: String(edgePort),
    DATABASE_URL: `file:${path.join(dataDir, "mvx.db")}`,
    EDGE_PERSIST_DIR: path.join(dataDir, "edge"),
    MVX_API_KEY: "e2e-admin-key",
    MVX_WEBHOOK_SECRET: "e2e-webhook-secret",
    MVX_SYNC_SECRET: "e2e-sync-secret",
    ...extraEnv,
  };
  delete env.NODE_ENV; // vitest sets NODE_ENV=test; start the stack as a user would
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, "scripts/start.mjs")], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const deadline = Date.now() + 90_000;
  while (!out.includes("mvx is up")) {
    if (child.exitCode !== null) throw new Error(`npm start exited early (${child.exitCode}):\n${out}`);
    if (Date.now() > deadline) {
      child.kill("SIGINT");
      throw new Error(`mvx did not come up within 90 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    cpUrl: `http://127.0.0.1:${cpPort}`,
    edgeUrl: `http://127.0.0.1:${edgePort}`,
    apiKey: env.MVX_API_KEY!,
    webhookSecret: env.MVX_WEBHOOK_SECRET!,
    syncSecret: env.MVX_SYNC_SECRET!,
    dataDir,
    output: () => out,
    stop: async () => {
      child.kill("SIGINT");
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** JSON request helper returning status and parsed body. */
export async function http(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* keep text */
  }
  return { status: res.status, body: parsed };
}

/** A signed request (X-MVX-Signature) with the given secret. */
export async function signedHttp(method: string, url: string, secret: string, body?: unknown) {
  const raw = body === undefined ? "" : JSON.stringify(body);
  const sig = await signPayload(secret, raw, Date.now() / 1000);
  return http(method, url, body === undefined ? undefined : raw, { "X-MVX-Signature": sig });
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
