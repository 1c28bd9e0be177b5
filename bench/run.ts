// `npm run bench`: runs every benchmark and prints its tables. Set BENCH=edge (comma-separated)
// to run a subset; BENCH_DURATION (s per row) and BENCH_CONNECTIONS tune the load.
import { runEdgeBench } from "./edge.js";

const benches: Record<string, () => Promise<void>> = { edge: runEdgeBench };
const only = process.env.BENCH?.split(",").map((s) => s.trim());
for (const [name, fn] of Object.entries(benches)) {
  if (only && !only.includes(name)) continue;
  await fn();
}
