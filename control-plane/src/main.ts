// Entry point of the control plane (`tsx control-plane/src/main.ts`): parse the environment, open
// and migrate the database, start the outbox dispatcher, the retention job and the HTTP server,
// and stop them cleanly on SIGINT / SIGTERM.

import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { openDb } from "./db/client.js";
import { EnvError, ensureDatabaseDirectory, parseEnv } from "./env.js";
import { createEdgeClient } from "./services/edge-client.js";
import { createBoLoop } from "./services/bo-loop.js";
import { createOutboxDispatcher } from "./services/outbox.js";
import { createRetentionJob } from "./services/retention.js";

async function main(): Promise<void> {
  const env = parseEnv();
  ensureDatabaseDirectory(env.DATABASE_URL);
  const db = await openDb(env.DATABASE_URL, env.DATABASE_AUTH_TOKEN);
  const edgeClient = createEdgeClient({ edgeUrl: env.EDGE_URL, syncSecret: env.MVX_SYNC_SECRET });
  const outbox = createOutboxDispatcher({ db, edgeClient });
  const retention = createRetentionJob({ db });
  const app = createApp({ db, env, outbox });

  const server = serve({ fetch: app.fetch, hostname: env.CP_HOST, port: env.CP_PORT }, (info) => {
    console.log(`mvx control plane listening on http://${env.CP_HOST}:${info.port}`);
  });
  server.on("error", (err) => {
    console.error(`mvx control plane: cannot listen on ${env.CP_HOST}:${env.CP_PORT}: ${err.message}`);
    process.exit(1);
  });
  outbox.start();
  void import("./services/model-jobs.js").then((m) => m.modelJobRunner(db).recover()); // re-queue / fail fits left by a previous run
  retention.start();
  const boLoop = createBoLoop({ db, onEnqueue: () => outbox.kick() }).start(); // BO rounds through the edge (MVX_BO_LOOP_INTERVAL_MS)

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`mvx control plane: ${signal}, stopping`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    server.close();
    await outbox.stop();
    await retention.stop();
    await boLoop.stop();
    db.$client.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err: unknown) => {
  if (err instanceof EnvError) console.error(`mvx control plane: ${err.message}`);
  else console.error("mvx control plane: failed to start:", err);
  process.exit(1);
});
