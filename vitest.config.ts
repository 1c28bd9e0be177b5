// One `vitest run` for the whole repository: core and control plane in Node, the control plane's
// repository tests a second time against a real libSQL server (sqld), the edge inside workerd
// (its own project config), and the cross-process tests in test/.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  test: {
    projects: [
      "packages/core",
      "control-plane",
      {
        test: {
          environment: "node",
          testTimeout: 20_000,
          name: "control-plane-sqld",
          root: here("./control-plane"),
          include: ["test/{remote-db,repositories,experiments,designs,effects,transitions,edge-events,power,app,bandits,bandit-analytics,network-graphs,network-graphs-spillover,bayesian-models,bo-loop,statistical-models,statistical-models-estimation,observations}.test.ts"],
          globalSetup: [here("./test/sqld/global-setup.ts")],
        },
      },
      "edge",
      "test",
    ],
  },
});
