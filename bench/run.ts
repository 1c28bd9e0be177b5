// `npm run bench`: runs every benchmark and prints its tables. Set BENCH=edge,bayesopt (comma-
// separated) to run a subset; BENCH_DURATION (s per row) and BENCH_CONNECTIONS tune the edge load.
import { runBanditBench } from "./bandit.js";
import { runBayesoptBench } from "./bayesopt.js";
import { runDesignBench } from "./design.js";
import { runEdgeBench } from "./edge.js";
import { runNetworkBench } from "./network.js";
import { runStatsBench } from "./stats.js";
import { runStatsApiBench } from "./stats-api.js";

const benches: Record<string, () => Promise<void>> = { edge: runEdgeBench, design: runDesignBench, bayesopt: runBayesoptBench, network: runNetworkBench, stats: runStatsBench, "stats-api": runStatsApiBench, bandit: runBanditBench };
const only = process.env.BENCH?.split(",").map((s) => s.trim());
for (const [name, fn] of Object.entries(benches)) {
  if (only && !only.includes(name)) continue;
  await fn();
}
