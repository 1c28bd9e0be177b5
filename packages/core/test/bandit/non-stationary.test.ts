import { describe, expect, it } from "vitest";
import { createRng, InvalidArgumentError } from "../../src/index.js";
import {
  applyDiscountedReward,
  applyWindowedReward,
  cusumUpdate,
  gammaForWindow,
  initialCusum,
  initialPageHinkley,
  initialSlidingWindow,
  pageHinkleyUpdate,
  windowedStats,
  windowRewards,
} from "../../src/bandit/index.js";
import type { ChangeDetection } from "../../src/bandit/index.js";
import type { Rng } from "../../src/random/rng.js";

describe("sliding window", () => {
  it("keeps the last window_size rewards in a ring buffer of plain arrays", () => {
    let w = initialSlidingWindow("a", 3);
    const first = w;
    for (const r of [1, 2, 3, 4, 5]) w = applyWindowedReward(w, r);
    expect(first.buffer).toEqual([]);
    expect(windowRewards(w)).toEqual([3, 4, 5]);
    expect(windowedStats(w)).toEqual({ arm_id: "a", n: 3, sum: 12, sum_sq: 50 });
    expect(JSON.parse(JSON.stringify(w))).toEqual(w);
    expect(() => initialSlidingWindow("a", 0)).toThrow(InvalidArgumentError);
  });
});

describe("exponential discounting", () => {
  it("multiplies every arm's totals by gamma before adding the reward (D-UCB)", () => {
    const s0 = [{ arm_id: "a", n: 10, sum: 4, sum_sq: 4 }, { arm_id: "b", n: 2, sum: 1, sum_sq: 1 }];
    const s1 = applyDiscountedReward(s0, 1, 1, 0.9);
    expect(s1[0]).toEqual({ arm_id: "a", n: 9, sum: 3.6, sum_sq: 3.6 });
    expect(s1[1]!.n).toBeCloseTo(2.8, 14);
    expect(s1[1]!.sum).toBeCloseTo(1.9, 14);
    expect(gammaForWindow(100)).toBeCloseTo(0.99, 15);
    expect(() => applyDiscountedReward(s0, 0, 1, 1.5)).toThrow(InvalidArgumentError);
  });
});

type Detector<S> = { init: () => S; step: (s: S, x: number) => ChangeDetection<S> };

/** First alarm time (1-based) over a stream, or 0. */
function firstAlarm<S>(det: Detector<S>, stream: (t: number, rng: Rng) => number, length: number, seed: string): { t: number; direction?: string } {
  const rng = createRng(seed);
  let s = det.init();
  for (let t = 1; t <= length; t++) {
    const r = det.step(s, stream(t, rng));
    if (r.change) return { t, direction: r.direction };
    s = r.state;
  }
  return { t: 0 };
}

// Bernoulli rewards, drift_threshold lambda = 10, tolerance delta = slack k = 0.15 (half the
// shift to detect, Montgomery 9.1.3), seeded streams "ns-<i>". Expected delay ~ lambda / (0.3 - 0.15) = 67.
const detectors: [string, Detector<unknown>][] = [
  ["Page-Hinkley", { init: initialPageHinkley, step: (s, x) => pageHinkleyUpdate(s as never, x, { threshold: 10, delta: 0.15 }) } as Detector<unknown>],
  ["CUSUM", { init: () => initialCusum(), step: (s, x) => cusumUpdate(s as never, x, { threshold: 10, slack: 0.15, warmup: 200 }) } as Detector<unknown>],
];

describe.each(detectors)("%s change detection", (_name, det) => {
  it("raises no alarm on stationary seeded streams", () => {
    for (let i = 0; i < 20; i++) {
      expect(firstAlarm(det, (_t, rng) => (rng() < 0.2 ? 1 : 0), 3000, `ns-${i}`).t).toBe(0);
    }
  });

  it("detects a mean shift 0.2 -> 0.5 at t = 1000 within 200 rewards, and the reverse shift", () => {
    for (let i = 0; i < 20; i++) {
      const up = firstAlarm(det, (t, rng) => (rng() < (t <= 1000 ? 0.2 : 0.5) ? 1 : 0), 3000, `ns-${i}`);
      expect(up.t).toBeGreaterThan(1000);
      expect(up.t).toBeLessThanOrEqual(1200);
      expect(up.direction).toBe("up");
      const down = firstAlarm(det, (t, rng) => (rng() < (t <= 1000 ? 0.5 : 0.2) ? 1 : 0), 3000, `ns-${i}`);
      expect(down.t).toBeGreaterThan(1000);
      expect(down.t).toBeLessThanOrEqual(1200);
      expect(down.direction).toBe("down");
    }
  });
});

describe("change detector arguments", () => {
  it("refuse a non-positive drift_threshold", () => {
    expect(() => pageHinkleyUpdate(initialPageHinkley(), 1, { threshold: 0 })).toThrow(InvalidArgumentError);
    expect(() => cusumUpdate(initialCusum(), 1, { threshold: -1 })).toThrow(InvalidArgumentError);
  });

  it("CUSUM with a known target alarms from the first observations", () => {
    let s = initialCusum({ target: 0 });
    let alarm = 0;
    for (let t = 1; t <= 10 && !alarm; t++) {
      const r = cusumUpdate(s, 1, { threshold: 3.5, slack: 0, target: 0 });
      s = r.state;
      if (r.change) alarm = t;
    }
    expect(alarm).toBe(4);
  });
});
