// Vitest project of the control plane: Node environment, real libSQL (`:memory:` by default,
// or the server named by MVX_TEST_DATABASE_URL for the repository tests).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "control-plane",
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
  },
});
