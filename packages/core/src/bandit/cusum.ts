// Two-sided CUSUM change detection (Page 1954, "Continuous inspection schemes", Biometrika 41;
// Montgomery, Introduction to Statistical Quality Control, 7th ed., section 9.1, tabular CUSUM):
//   S+_t = max(0, S+_{t-1} + x_t - mu0 - k),  S-_t = max(0, S-_{t-1} - x_t + mu0 - k),
// alarm when S+ or S- exceeds h = drift_threshold. mu0 is given, or estimated as the mean of the
// first `warmup` observations (no alarm during warm-up). A change tells the caller to reset.

import { InvalidArgumentError } from "../errors.js";
import { assertReward } from "./validation.js";
import type { ChangeDetection } from "./page-hinkley.js";

export interface CusumState {
  readonly n: number;
  /** Running mean during warm-up; the reference mean mu0 afterwards. */
  readonly target: number;
  readonly s_up: number;
  readonly s_down: number;
}

export interface CusumOptions {
  /** Decision interval h (drift_threshold), > 0. */
  readonly threshold: number;
  /** Slack k >= 0 (default 0.005; Montgomery suggests half the shift to detect). */
  readonly slack?: number;
  /** Known in-control mean mu0; when absent it is the mean of the first `warmup` observations. */
  readonly target?: number;
  /** Observations used to estimate mu0 when `target` is absent (default 30). */
  readonly warmup?: number;
}

/** A detector with no observation. */
export function initialCusum(options?: Pick<CusumOptions, "target">): CusumState {
  return { n: 0, target: options?.target ?? 0, s_up: 0, s_down: 0 };
}

/** One two-sided CUSUM step (Page 1954; Montgomery section 9.1). */
export function cusumUpdate(state: CusumState, x: number, options: CusumOptions): ChangeDetection<CusumState> {
  assertReward(x, "x");
  const h = options.threshold;
  const k = options.slack ?? 0.005;
  if (!(Number.isFinite(h) && h > 0)) throw new InvalidArgumentError(`threshold (drift_threshold) must be > 0, got ${h}`, "non_stationary_params.drift_threshold");
  if (!(Number.isFinite(k) && k >= 0)) throw new InvalidArgumentError(`slack must be >= 0, got ${k}`, "slack");
  const n = state.n + 1;
  if (options.target === undefined) {
    const warmup = options.warmup ?? 30;
    if (n <= warmup) return { state: { ...state, n, target: state.target + (x - state.target) / n }, change: false };
  }
  const mu0 = options.target ?? state.target;
  const s_up = Math.max(0, state.s_up + x - mu0 - k);
  const s_down = Math.max(0, state.s_down - x + mu0 - k);
  const next: CusumState = { n, target: mu0, s_up, s_down };
  if (s_up > h) return { state: next, change: true, direction: "up" };
  if (s_down > h) return { state: next, change: true, direction: "down" };
  return { state: next, change: false };
}
