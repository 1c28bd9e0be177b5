// Probabilities of the four exposure conditions for every node under the cluster design,
// estimated by replaying the randomisation scheme R times with a seeded rng (Aronow & Samii 2017,
// sec. 5: the probabilities "can be computed ... by simulating the design"). With `recordJoint`,
// each node's condition in every replay is also kept as bitsets, from which the joint
// probabilities pi_ij(k, l) of the Aronow-Samii variance are counted.
//
// Speed ("bounded" strategy, the default; "full" computes every hop for every node and gives
// the same classification, as the tests check). Treatments are constant on clusters and the
// exposure is linear in them: e_i = sum_c B_ic Z_c + (hop-3 part), B >= 0, total mass
// sum_h c_h (1 - D_h) known. (1) Nodes whose condition follows from their own cluster's arm
// (own weight above the threshold, the rest below it) are never replayed: they take their
// cluster's arm in each replay. (2) The others accumulate their largest cluster weights (hops
// 1-2) first and stop once the remaining mass cannot carry them across the threshold. (3) The
// few still undecided get their exact exposure from complete cluster forms, built on first need.
// Nodes are renumbered cluster by cluster so that the sparse work reads local memory.

import { InvalidArgumentError } from "../errors.js";
import type { Rng } from "../random/rng.js";
import { conditionsInto } from "./exposure-conditions.js";
import { createExposureWorkspace, EXPOSURE_TOLERANCE, exposureInto, type ExposureModel } from "./exposure-model.js";
import type { ClusterAssignmentScheme } from "./types.js";

export interface ExposureProbabilityOptions {
  /** Replays of the design (default 1000). */
  readonly replays?: number;
  /** Seeded source for the replays. */
  readonly rng: Rng;
  /** Keep per-replay condition bitsets (n x R bits per condition) for joint probabilities. */
  readonly recordJoint?: boolean;
  /** "bounded" (default) or "full" (every hop for every node; same result, slower). */
  readonly strategy?: "bounded" | "full";
}

/** Estimated exposure-condition probabilities. */
export interface ExposureProbabilities {
  readonly replays: number;
  /** probabilities[k][i]: share of replays in which node i was in condition k (k = 0..3). */
  readonly probabilities: readonly Float64Array[];
  /** indicators[k][i * words + (r >> 5)] bit (r & 31): node i in condition k in replay r. */
  readonly indicators?: readonly Uint32Array[];
  readonly words: number;
}

/**
 * A replay engine: condition codes for one cluster assignment, in the engine's node order.
 * Nodes whose condition follows from their own cluster's arm alone ("own-determined") are not
 * replayed: they take `ifTreated` / `ifControl` codes from their cluster's arm in each replay.
 */
interface ReplayEngine {
  /** order[u] = graph node at engine position u (null: graph order). */
  readonly order: Int32Array | null;
  /** Positions the replay writes (null: all). */
  readonly active: Int32Array | null;
  readonly ownDetermined: { readonly positions: Int32Array; readonly ifTreated: Uint8Array; readonly ifControl: Uint8Array } | null;
  /** Cluster of each engine position. */
  readonly cluster: Int32Array;
  readonly replay: (arms: Int32Array) => Uint8Array;
}

function fullEngine(model: ExposureModel, clusterOf: Int32Array): ReplayEngine {
  const n = model.graph.nodeCount;
  const z = new Float64Array(n);
  const e = new Float64Array(n);
  const cond = new Uint8Array(n);
  const work = createExposureWorkspace(model);
  return {
    order: null,
    active: null,
    ownDetermined: null,
    cluster: clusterOf,
    replay: (arms) => {
      for (let i = 0; i < n; i++) z[i] = arms[clusterOf[i]!]! !== 0 ? 1 : 0;
      exposureInto(model, z, e, work);
      return conditionsInto(z, e, model.spillover.threshold, cond);
    },
  };
}

/**
 * Exposure-condition probabilities by R replays of `scheme` (cluster arms, 0 = control), each
 * mapped to nodes through `clusterOf` and the exposure model.
 */
export function estimateExposureProbabilities(
  model: ExposureModel,
  clusterOf: Int32Array,
  scheme: ClusterAssignmentScheme,
  options: ExposureProbabilityOptions,
): ExposureProbabilities {
  const R = options.replays ?? 1000;
  if (!Number.isInteger(R) || R < 1 || R > 1_000_000) throw new InvalidArgumentError(`replays must be an integer in [1, 1e6], got ${R}`, "replays");
  if (typeof options.rng !== "function") throw new InvalidArgumentError("exposure probabilities need a seeded rng", "rng");
  const strategy = options.strategy ?? "bounded";
  if (strategy !== "bounded" && strategy !== "full") throw new InvalidArgumentError(`strategy must be "bounded" or "full"`, "strategy");
  const n = model.graph.nodeCount;
  if (clusterOf.length !== n) throw new InvalidArgumentError(`clustering covers ${clusterOf.length} nodes, the graph has ${n}`, "clusters");
  let K = 0;
  for (let i = 0; i < n; i++) {
    if (!(clusterOf[i]! >= 0)) throw new InvalidArgumentError(`node '${model.graph.nodeIds[i]}' is in no cluster`, "clusters");
    if (clusterOf[i]! + 1 > K) K = clusterOf[i]! + 1;
  }
  const words = Math.ceil(R / 32);
  const raw = options.recordJoint ? [0, 1, 2, 3].map(() => new Uint32Array(n * words)) : undefined;
  const counts = new Int32Array(4 * n);
  const engine = strategy === "full" ? fullEngine(model, clusterOf) : boundedEngine(model, clusterOf, K);
  const active = engine.active;
  const A = active ? active.length : n;
  const treatedReplays = new Int32Array(K);
  const clusterBits = raw && engine.ownDetermined ? new Uint32Array(K * words) : undefined;
  for (let r = 0; r < R; r++) {
    const arms = scheme(options.rng);
    if (arms.length !== K) throw new InvalidArgumentError(`the scheme assigned ${arms.length} clusters, expected ${K}`, "scheme");
    const cond = engine.replay(arms);
    const word = r >>> 5;
    const bit = 1 << (r & 31);
    for (let c = 0; c < K; c++) {
      if (arms[c]! !== 0) {
        treatedReplays[c]!++;
        if (clusterBits) clusterBits[c * words + word]! |= bit;
      }
    }
    for (let a = 0; a < A; a++) {
      const u = active ? active[a]! : a;
      const k = cond[u]!;
      counts[k * n + u]!++;
      if (raw) raw[k]![u * words + word]! |= bit;
    }
  }
  const own = engine.ownDetermined;
  if (own) {
    const lastMask = R % 32 === 0 ? 0xffffffff : (1 << (R % 32)) - 1;
    for (let k = 0; k < own.positions.length; k++) {
      const u = own.positions[k]!;
      const c = engine.cluster[u]!;
      counts[own.ifTreated[k]! * n + u]! += treatedReplays[c]!;
      counts[own.ifControl[k]! * n + u]! += R - treatedReplays[c]!;
      if (raw && clusterBits) {
        const bt = raw[own.ifTreated[k]!]!;
        const bc = raw[own.ifControl[k]!]!;
        for (let w = 0; w < words; w++) {
          const bits = clusterBits[c * words + w]!;
          bt[u * words + w] = bits;
          bc[u * words + w] = ~bits & (w === words - 1 ? lastMask : 0xffffffff);
        }
      }
    }
  }
  // Back to graph order.
  const order = engine.order;
  const probabilities = [0, 1, 2, 3].map((k) => {
    const p = new Float64Array(n);
    for (let u = 0; u < n; u++) p[order ? order[u]! : u] = counts[k * n + u]! / R;
    return p;
  });
  let indicators = raw;
  if (raw && order) {
    indicators = raw.map((bits) => {
      const out = new Uint32Array(n * words);
      for (let u = 0; u < n; u++) out.set(bits.subarray(u * words, (u + 1) * words), order[u]! * words);
      return out;
    });
  }
  return indicators ? { replays: R, probabilities, indicators, words } : { replays: R, probabilities, words };
}

/**
 * The exposure model's arrays with the nodes renumbered cluster by cluster (position u holds
 * graph node order[u]), so that sparse products read memory that is mostly local.
 */
interface Layout {
  readonly n: number;
  readonly order: Int32Array;
  readonly cluster: Int32Array;
  readonly offsets: Int32Array;
  readonly neighbors: Int32Array;
  readonly P: Float64Array;
  /** Node-to-cluster transitions: row u lists (cluster, sum of P[u][v] over v in it). */
  readonly qOffsets: Int32Array;
  readonly qCluster: Int32Array;
  readonly qWeight: Float64Array;
  readonly c1: Float64Array;
  readonly c2: Float64Array;
  readonly c3: Float64Array;
  readonly d2: Float64Array;
  readonly d3: Float64Array;
}

function clusterLayout(model: ExposureModel, clusterOf: Int32Array, K: number): Layout {
  const g = model.graph;
  const n = g.nodeCount;
  const start = new Int32Array(K + 1);
  for (let i = 0; i < n; i++) start[clusterOf[i]! + 1]!++;
  for (let c = 0; c < K; c++) start[c + 1]! += start[c]!;
  const order = new Int32Array(n);
  const rank = new Int32Array(n);
  const fill = start.slice(0, K);
  for (let i = 0; i < n; i++) {
    const u = fill[clusterOf[i]!]!++;
    order[u] = i;
    rank[i] = u;
  }
  const offsets = new Int32Array(n + 1);
  const neighbors = new Int32Array(g.neighbors.length);
  const P = new Float64Array(g.neighbors.length);
  const cluster = new Int32Array(n);
  const qOffsets = new Int32Array(n + 1);
  const qc = new Int32Array(g.neighbors.length);
  const qw = new Float64Array(g.neighbors.length);
  let qLen = 0;
  const acc = new Float64Array(K);
  const stamp = new Int32Array(K).fill(-1);
  const list = new Int32Array(K);
  let a = 0;
  for (let u = 0; u < n; u++) {
    const i = order[u]!;
    cluster[u] = clusterOf[i]!;
    let nl = 0;
    for (let p = g.offsets[i]!; p < g.offsets[i + 1]!; p++, a++) {
      const j = g.neighbors[p]!;
      neighbors[a] = rank[j]!;
      P[a] = model.transition[p]!;
      const c = clusterOf[j]!;
      if (stamp[c] !== u) {
        stamp[c] = u;
        acc[c] = 0;
        list[nl++] = c;
      }
      acc[c]! += model.transition[p]!;
    }
    offsets[u + 1] = a;
    for (let t = 0; t < nl; t++) {
      qc[qLen] = list[t]!;
      qw[qLen] = acc[list[t]!]!;
      qLen++;
    }
    qOffsets[u + 1] = qLen;
  }
  const permute = (x: Float64Array | undefined) => {
    const out = new Float64Array(n);
    if (x) for (let u = 0; u < n; u++) out[u] = x[order[u]!]!;
    return out;
  };
  return {
    n,
    order,
    cluster,
    offsets,
    neighbors,
    P,
    qOffsets,
    qCluster: qc.slice(0, qLen),
    qWeight: qw.slice(0, qLen),
    c1: permute(model.hopCoefficients[0]),
    c2: permute(model.hopCoefficients[1]),
    c3: permute(model.hopCoefficients[2]),
    d2: permute(model.returnProbabilities[1]),
    d3: permute(model.returnProbabilities[2]),
  };
}

/**
 * Per node: the total mass of its exposure form e_u = sum_c B_uc Z_c + (hop-3 part), where
 * B_uc = c1 Q_uc + c2 (PQ)_uc - [c = own] c2 D2 >= 0, i.e. sum_h c_h (1 - D_h), an upper bound of
 * e_u; and the hop-1/2 weight of its own cluster, B_u,own.
 */
function ownWeightAndMass(layout: Layout): { mass: Float64Array; ownWeight: Float64Array } {
  const { n, offsets, neighbors, P, qOffsets, qCluster, qWeight, c1, c2, c3, d2, d3, cluster: cl } = layout;
  const mass = new Float64Array(n);
  const ownWeight = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    const own = cl[u]!;
    let w1 = 0;
    for (let r = qOffsets[u]!; r < qOffsets[u + 1]!; r++) if (qCluster[r] === own) w1 = qWeight[r]!;
    let w2 = 0;
    if (c2[u]! > 0) {
      for (let p = offsets[u]!; p < offsets[u + 1]!; p++) {
        const v = neighbors[p]!;
        for (let r = qOffsets[v]!; r < qOffsets[v + 1]!; r++) {
          if (qCluster[r] === own) {
            w2 += P[p]! * qWeight[r]!;
            break;
          }
        }
      }
      w2 -= d2[u]!;
    }
    ownWeight[u] = Math.max(0, c1[u]! * w1 + c2[u]! * w2);
    mass[u] = c1[u]! + c2[u]! * (1 - d2[u]!) + c3[u]! * (1 - d3[u]!);
  }
  return { mass, ownWeight };
}

/**
 * For the given nodes, the L largest entries of B_u (see ownWeightAndMass), node-major
 * (weight[a * L + r]); `used` counts them, `exact` marks rows that are the whole form (no hop 3,
 * at most L clusters).
 */
function topClusterWeights(layout: Layout, nodes: Int32Array, K: number, L: number) {
  const { offsets, neighbors, P, qOffsets, qCluster, qWeight, c1, c2, c3, d2, cluster: own } = layout;
  const A = nodes.length;
  const cluster = new Int32Array(A * L);
  const weight = new Float64Array(A * L);
  const used = new Uint8Array(A);
  const exact = new Uint8Array(A);
  const acc = new Float64Array(K);
  const stamp = new Int32Array(K).fill(-1);
  const list = new Int32Array(K);
  for (let a = 0; a < A; a++) {
    const u = nodes[a]!;
    let nl = 0;
    const a1 = c1[u]!;
    for (let p = qOffsets[u]!; p < qOffsets[u + 1]!; p++) {
      const c = qCluster[p]!;
      if (stamp[c] !== a) {
        stamp[c] = a;
        acc[c] = 0;
        list[nl++] = c;
      }
      acc[c]! += a1 * qWeight[p]!;
    }
    const a2 = c2[u]!;
    if (a2 > 0) {
      for (let p = offsets[u]!; p < offsets[u + 1]!; p++) {
        const v = neighbors[p]!;
        const pv = a2 * P[p]!;
        for (let r = qOffsets[v]!; r < qOffsets[v + 1]!; r++) {
          const c = qCluster[r]!;
          if (stamp[c] !== a) {
            stamp[c] = a;
            acc[c] = 0;
            list[nl++] = c;
          }
          acc[c]! += pv * qWeight[r]!;
        }
      }
      acc[own[u]!]! -= a2 * d2[u]!;
    }
    let k = 0;
    const base = a * L;
    for (let t = 0; t < nl; t++) {
      const c = list[t]!;
      const w = Math.max(0, acc[c]!);
      if (k < L || w > weight[base + k - 1]!) {
        let pos = k < L ? k++ : L - 1;
        while (pos > 0 && weight[base + pos - 1]! < w) {
          weight[base + pos] = weight[base + pos - 1]!;
          cluster[base + pos] = cluster[base + pos - 1]!;
          pos--;
        }
        weight[base + pos] = w;
        cluster[base + pos] = c;
      }
    }
    used[a] = k;
    exact[a] = nl <= L && c3[u]! === 0 ? 1 : 0;
  }
  return { cluster, weight, used, exact };
}

/**
 * The bounded strategy. Nodes whose condition follows from their own cluster's arm are settled
 * once (see ReplayEngine). For the others, exposure is accumulated over their largest cluster
 * weights first and stops as soon as the remaining mass cannot carry it across the threshold;
 * nodes still undecided get their exact exposure from a complete cluster form (all hops), built
 * on first need and kept.
 */
function boundedEngine(model: ExposureModel, clusterOf: Int32Array, K: number): ReplayEngine {
  const layout = clusterLayout(model, clusterOf, K);
  const { n, order, cluster: cl, offsets, neighbors, P, qOffsets, qCluster, qWeight, c1, c2, c3, d2, d3 } = layout;
  const H = model.hops;
  const L = 8;
  const { mass, ownWeight } = ownWeightAndMass(layout);
  const t = model.spillover.threshold - EXPOSURE_TOLERANCE;
  const margin = 1e-9;
  // Own-determined nodes: with the own cluster treated, e >= B_own (exposed) or e <= mass
  // (unexposed) settles it; with it in control, e <= mass - B_own must fall below the threshold.
  const activeList: number[] = [];
  const ownPos: number[] = [];
  const ifT: number[] = [];
  const ifC: number[] = [];
  for (let u = 0; u < n; u++) {
    const m = mass[u]!;
    const w = ownWeight[u]!;
    const whenTreated = w >= t + margin ? 0 : m < t - margin ? 1 : -1;
    const whenControl = m - w < t - margin ? 3 : -1;
    if (whenTreated >= 0 && whenControl >= 0) {
      ownPos.push(u);
      ifT.push(whenTreated);
      ifC.push(whenControl);
    } else activeList.push(u);
  }
  const active = Int32Array.from(activeList);
  const A = active.length;
  // The active nodes' largest weights, contiguous per node.
  const { cluster: aTc, weight: aTw, used: aUsed, exact: aExact } = topClusterWeights(layout, active, K, L);
  const aCl = new Int32Array(A);
  const aMass = new Float64Array(A);
  for (let a = 0; a < A; a++) {
    aCl[a] = cl[active[a]!]!;
    aMass[a] = mass[active[a]!]!;
  }

  // Exact cluster forms e = sum_c F_c Z_c, built on first need and kept: the hop-1/2 part (with
  // its own-treatment correction; complete when H <= 2) and, for H = 3, the complete form.
  const acc = new Float64Array(K);
  const stamp = new Int32Array(K).fill(-1);
  const list = new Int32Array(K);
  let stampNow = 0;
  const partial = new ClusterFormPool(A);
  const complete = new ClusterFormPool(H >= 3 ? A : 0);
  const buildForm = (a: number, hops: number, pool: ClusterFormPool) => {
    const u = active[a]!;
    stampNow++;
    let nl = 0;
    const add = (from: number, scale: number) => {
      for (let r = qOffsets[from]!; r < qOffsets[from + 1]!; r++) {
        const c = qCluster[r]!;
        if (stamp[c] !== stampNow) {
          stamp[c] = stampNow;
          acc[c] = 0;
          list[nl++] = c;
        }
        acc[c]! += scale * qWeight[r]!;
      }
    };
    add(u, c1[u]!);
    if (hops >= 2) {
      for (let p = offsets[u]!; p < offsets[u + 1]!; p++) {
        const v = neighbors[p]!;
        add(v, c2[u]! * P[p]!);
        if (hops >= 3) {
          const s3 = c3[u]! * P[p]!;
          for (let q = offsets[v]!; q < offsets[v + 1]!; q++) add(neighbors[q]!, s3 * P[q]!);
        }
      }
      const own = cl[u]!;
      if (stamp[own] !== stampNow) {
        stamp[own] = stampNow;
        acc[own] = 0;
        list[nl++] = own;
      }
      acc[own]! -= c2[u]! * d2[u]! + (hops >= 3 ? c3[u]! * d3[u]! : 0);
    }
    pool.store(a, list, acc, nl);
  };
  const partialHops = Math.min(H, 2);
  const Z = new Float64Array(K);
  const condP = new Uint8Array(n);
  const pending = new Int32Array(A);
  const replay = (arms: Int32Array): Uint8Array => {
    for (let c = 0; c < K; c++) Z[c] = arms[c]! !== 0 ? 1 : 0;
    const np = decideByTopWeights(A, L, aCl, Z, aMass, aUsed, aTw, aTc, aExact, t, margin, active, condP, pending);
    for (let k = 0; k < np; k++) {
      const a = pending[k]!;
      const u = active[a]!;
      if (!partial.has(a)) buildForm(a, partialHops, partial);
      let e = partial.evaluate(a, Z);
      if (H === 3 && e < t + margin && e + c3[u]! * (1 - d3[u]!) >= t - margin) {
        if (!complete.has(a)) buildForm(a, 3, complete);
        e = complete.evaluate(a, Z);
      }
      const treated = Z[aCl[a]!] === 1;
      const exposed = e >= t;
      condP[u] = treated ? (exposed ? 0 : 1) : exposed ? 2 : 3;
    }
    return condP;
  };
  return {
    order,
    active,
    ownDetermined: { positions: Int32Array.from(ownPos), ifTreated: Uint8Array.from(ifT), ifControl: Uint8Array.from(ifC) },
    cluster: cl,
    replay,
  };
}

/** Sparse cluster forms kept in one growable pool: row a is (cluster, weight) pairs. */
class ClusterFormPool {
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private cluster = new Int32Array(4096);
  private weight = new Float64Array(4096);
  private len = 0;
  constructor(rows: number) {
    this.start = new Int32Array(rows).fill(-1);
    this.end = new Int32Array(rows);
  }
  has(a: number): boolean {
    return this.start[a] !== -1;
  }
  store(a: number, list: Int32Array, acc: Float64Array, count: number): void {
    if (this.len + count > this.cluster.length) {
      const cap = Math.max(this.cluster.length * 2, this.len + count);
      const c = new Int32Array(cap);
      c.set(this.cluster.subarray(0, this.len));
      const w = new Float64Array(cap);
      w.set(this.weight.subarray(0, this.len));
      this.cluster = c;
      this.weight = w;
    }
    this.start[a] = this.len;
    for (let k = 0; k < count; k++) {
      this.cluster[this.len] = list[k]!;
      this.weight[this.len] = acc[list[k]!]!;
      this.len++;
    }
    this.end[a] = this.len;
  }
  evaluate(a: number, Z: Float64Array): number {
    const { cluster, weight } = this;
    let e = 0;
    for (let p = this.start[a]!; p < this.end[a]!; p++) e += weight[p]! * Z[cluster[p]!]!;
    return e;
  }
}

/** The fast pass of the bounded strategy over the active nodes; returns how many it left in `pending`. */
function decideByTopWeights(
  A: number,
  L: number,
  aCl: Int32Array,
  Z: Float64Array,
  aMass: Float64Array,
  aUsed: Uint8Array,
  aTw: Float64Array,
  aTc: Int32Array,
  aExact: Uint8Array,
  t: number,
  margin: number,
  active: Int32Array,
  cond: Uint8Array,
  pending: Int32Array,
): number {
  let np = 0;
  const hi = t + margin;
  const lo = t - margin;
  for (let a = 0; a < A; a++) {
    const treated = Z[aCl[a]!]! === 1;
    let remaining = aMass[a]!;
    let decided = -1;
    if (remaining < lo) decided = 0;
    else {
      let acc = 0;
      const end = a * L + aUsed[a]!;
      for (let idx = a * L; idx < end; idx++) {
        const w = aTw[idx]!;
        acc += w * Z[aTc[idx]!]!;
        remaining -= w;
        if (acc >= hi) {
          decided = 1;
          break;
        }
        if (acc + remaining < lo) {
          decided = 0;
          break;
        }
      }
      if (decided === -1 && aExact[a]) decided = acc >= t ? 1 : 0;
    }
    if (decided === -1) pending[np++] = a;
    else cond[active[a]!] = treated ? (decided ? 0 : 1) : decided ? 2 : 3;
  }
  return np;
}
