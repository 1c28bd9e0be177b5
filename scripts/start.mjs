#!/usr/bin/env node
// `npm start`: runs the mvx control plane (Hono on Node, embedded libSQL file) and the edge
// (wrangler dev, local workerd) wired to each other. Ctrl-C stops both.
//
// Environment (see README): CP_PORT, EDGE_PORT, EDGE_URL, CONTROL_PLANE_URL, DATABASE_URL,
// MVX_API_KEY, MVX_WEBHOOK_SECRET, MVX_SYNC_SECRET, MVX_ENV/NODE_ENV are passed through; the edge
// gets its settings as `wrangler dev --var` values. EDGE_PERSIST_DIR sets where the local
// Durable Object storage lives (default .wrangler/state).

import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env };
const cpPort = env.CP_PORT ?? "8790";
const edgePort = env.EDGE_PORT ?? "8787";
env.CP_PORT = cpPort;
env.EDGE_PORT = edgePort;
env.EDGE_URL ??= `http://127.0.0.1:${edgePort}`;
env.CONTROL_PLANE_URL ??= `http://127.0.0.1:${cpPort}`;
env.DATABASE_URL ??= "file:./data/mvx.db";

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const children = [];
let stopping = false;

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM"); // the whole process group (workerd included)
      } catch {
        /* already gone */
      }
    }
  }
  const deadline = setTimeout(() => {
    for (const child of children) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    process.exit(code);
  }, 5000);
  deadline.unref();
  Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once("exit", r))))).then(
    () => process.exit(code),
  );
}

function run(name, cmd, args, extraEnv = {}) {
  const child = spawn(cmd, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ["ignore", "inherit", "inherit"], detached: true });
  child.once("exit", (code, signal) => {
    if (!stopping) {
      console.error(`mvx: ${name} exited (${signal ?? code}); stopping`);
      stopAll(code === 0 ? 1 : (code ?? 1));
    }
  });
  children.push(child);
  return child;
}

async function waitHealthy(url, name, timeoutMs = 60_000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs && !stopping) {
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!stopping) console.error(`mvx: ${name} did not become healthy at ${url}`);
  return false;
}

process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

const vars = ["CONTROL_PLANE_URL", "MVX_WEBHOOK_SECRET", "MVX_SYNC_SECRET", "MVX_ENV"]
  .filter((k) => env[k] !== undefined && env[k] !== "")
  .flatMap((k) => ["--var", `${k}:${env[k]}`]);

const inspectorPort = await freePort();
run("control plane", path.join(root, "node_modules/.bin/tsx"), ["control-plane/src/main.ts"]);
run(
  "edge",
  path.join(root, "node_modules/.bin/wrangler"),
  [
    "dev",
    "--ip", "127.0.0.1",
    "--port", edgePort,
    "--inspector-port", String(inspectorPort),
    "--log-level", env.EDGE_LOG_LEVEL ?? "warn",
    "--show-interactive-dev-session=false",
    "--persist-to", env.EDGE_PERSIST_DIR ?? ".wrangler/state",
    ...vars,
  ],
  { WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
);

const [cpOk, edgeOk] = await Promise.all([
  waitHealthy(`http://127.0.0.1:${cpPort}/health`, "control plane"),
  waitHealthy(`http://127.0.0.1:${edgePort}/health`, "edge"),
]);
if (cpOk && edgeOk) {
  console.log(`mvx is up: control plane http://127.0.0.1:${cpPort} (docs at /docs), edge http://127.0.0.1:${edgePort}. Ctrl-C stops both.`);
} else if (!stopping) {
  stopAll(1);
}
