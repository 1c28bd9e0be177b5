// The edge's tests run inside workerd with real Durable Objects (@cloudflare/vitest-pool-workers).
// CONTROL_PLANE_URL points at a closed port so outbox deliveries fail unless a test intercepts them,
// and the outbox's batching window is an hour so deliveries run only when a test runs the alarm.
// Every request through exports.default.fetch gets slower as a file's request count grows
// (workers-sdk#15446): keep each file under a few hundred requests; files get fresh workerd runners.
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "../wrangler.toml" },
      miniflare: { bindings: { CONTROL_PLANE_URL: "http://127.0.0.1:9", MVX_OUTBOX_FLUSH_DELAY_MS: "3600000" } },
    }),
  ],
  test: { name: "edge", include: ["test/**/*.test.ts"], testTimeout: 30_000 },
});
