// Page-Hinkley change detection of a shift in the mean reward, two-sided (Page 1954,
// "Continuous inspection schemes", Biometrika 41; Hinkley 1971, "Inference about the
// change-point from cumulative sum tests", Biometrika 58; formulation of Gama et al. 2014,
// "A survey on concept drift adaptation", ACM CSUR, section 3.2):
//   up:   m_T = sum_{t<=T} (x_t - xbar_t - delta),  alarm when m_T - min_t m_t > lambda
//   down: n_T = sum_{t<=T} (x_t - xbar_t + delta),  alarm when max_t n_t - n_T > lambda
// lambda is non_stationary_params.drift_threshold; delta is the tolerated magnitude. A detected
// change tells the caller to reset (or re-weight) the arm's statistics and this detector.

import { InvalidArgumentError } from "../errors.js";
import { assertReward } from "./validation.js";

export interface PageHinkleyState {
  readonly n: number;
  readonly mean: number;
  readonly m_up: number;
  readonly min_up: number;
  readonly m_down: number;
  readonly max_down: number;
}

export interface PageHinkleyOptions {
  /** Alarm threshold lambda (drift_threshold), > 0. */
  readonly threshold: number;
  /** Tolerated magnitude delta >= 0 (default 0.005). */
  readonly delta?: number;
  /** No alarm before this many observations (default 1). */
  readonly min_samples?: number;
}

/** A detector result: the new state and whether (and which way) the mean changed. */
export interface ChangeDetection<S> {
  readonly state: S;
  readonly change: boolean;
  readonly direction?: "up" | "down";
}

/** A detector with no observation. */
export function initialPageHinkley(): PageHinkleyState {
  return { n: 0, mean: 0, m_up: 0, min_up: 0, m_down: 0, max_down: 0 };
}

/** One Page-Hinkley step (Page 1954; Hinkley 1971; Gama et al. 2014). */
export function pageHinkleyUpdate(state: PageHinkleyState, x: number, options: PageHinkleyOptions): ChangeDetection<PageHinkleyState> {
  assertReward(x, "x");
  const lambda = options.threshold;
  const delta = options.delta ?? 0.005;
  if (!(Number.isFinite(lambda) && lambda > 0)) throw new InvalidArgumentError(`threshold (drift_threshold) must be > 0, got ${lambda}`, "non_stationary_params.drift_threshold");
  if (!(Number.isFinite(delta) && delta >= 0)) throw new InvalidArgumentError(`delta must be >= 0, got ${delta}`, "delta");
  const n = state.n + 1;
  const mean = state.mean + (x - state.mean) / n;
  const m_up = state.m_up + (x - mean - delta);
  const m_down = state.m_down + (x - mean + delta);
  const next: PageHinkleyState = { n, mean, m_up, min_up: Math.min(state.min_up, m_up), m_down, max_down: Math.max(state.max_down, m_down) };
  if (n < (options.min_samples ?? 1)) return { state: next, change: false };
  if (next.m_up - next.min_up > lambda) return { state: next, change: true, direction: "up" };
  if (next.max_down - next.m_down > lambda) return { state: next, change: true, direction: "down" };
  return { state: next, change: false };
}
