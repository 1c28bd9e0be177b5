import { defineConfig } from "vitest/config";

// Some seeded simulation tests (coverage over seeds, Monte Carlo checks) take seconds; on a
// loaded 2-core machine they must not trip the default 5 s timeout.
export default defineConfig({
  test: { name: "core", include: ["test/**/*.test.ts"], testTimeout: 60_000 },
});
