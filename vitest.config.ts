// One `vitest run` for the whole repository: core and control plane in Node, the edge inside
// workerd (its own project config), and the cross-process tests in test/.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/core", "control-plane", "edge", "test"],
  },
});
