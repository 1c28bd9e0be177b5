// Sliding-window statistics for non-stationary rewards: a ring buffer of the last `window_size`
// rewards per arm (plain arrays, persistable), whose statistics are what the policy sees
// (Garivier & Moulines 2011, "On upper-confidence bound policies for switching bandit problems",
// ALT, sliding-window UCB; here the window is per arm).

import { InvalidArgumentError } from "../errors.js";
import { assertReward } from "./validation.js";
import type { ArmStats } from "./types.js";

/** One arm's ring buffer: `buffer` holds at most window_size rewards; `head` is the oldest once full. */
export interface SlidingWindowState {
  readonly arm_id: string;
  readonly window_size: number;
  readonly buffer: number[];
  readonly head: number;
}

/** An empty window (window_size from non_stationary_params.window_size). */
export function initialSlidingWindow(arm_id: string, window_size: number): SlidingWindowState {
  if (!(Number.isInteger(window_size) && window_size >= 1)) throw new InvalidArgumentError(`window_size must be an integer >= 1, got ${window_size}`, "non_stationary_params.window_size");
  return { arm_id, window_size, buffer: [], head: 0 };
}

/** New window with `reward` appended, dropping the oldest reward when full (O(window) copy). */
export function applyWindowedReward(state: SlidingWindowState, reward: number): SlidingWindowState {
  assertReward(reward);
  if (state.buffer.length < state.window_size) return { ...state, buffer: [...state.buffer, reward] };
  const buffer = [...state.buffer];
  buffer[state.head] = reward;
  return { ...state, buffer, head: (state.head + 1) % state.window_size };
}

/** The rewards in the window, oldest first. */
export function windowRewards(state: SlidingWindowState): number[] {
  if (state.buffer.length < state.window_size) return [...state.buffer];
  return [...state.buffer.slice(state.head), ...state.buffer.slice(0, state.head)];
}

/** Arm statistics of the rewards in the window (summed exactly, no running-sum drift). */
export function windowedStats(state: SlidingWindowState): ArmStats {
  let sum = 0;
  let sumSq = 0;
  for (const r of state.buffer) {
    sum += r;
    sumSq += r * r;
  }
  return { arm_id: state.arm_id, n: state.buffer.length, sum, sum_sq: sumSq };
}
