// Converts the experiment API's raw effect ({effect_size, metric}) into Cohen's f for one term of
// a factorial model, the standardised effect that factorialPower works with (f = sd of the term's
// effects over the residual sd; Cohen 1988, "Statistical Power Analysis for the Behavioral
// Sciences", 2nd ed., §8.2). The conventions, all reducing to f = (effect_size / 2) / sd for a
// two-level factor and for the interaction of two two-level factors:
//
// - Two-level contrast: effect_size is the difference between the means of the two halves of a
//   ±1 contrast (the 2^k "effect" of Box, Hunter & Hunter), so the effects are ±effect_size / 2 and
//   f = (|effect_size| / 2) / sd — Cohen's f = d / 2 for two equal groups.
// - L-level main effect: effect_size is the largest difference between two level means, with the
//   other levels at their midpoint: Cohen's pattern 1, the configuration of least f for that
//   range, f = d / √(2L) with d = |effect_size| / sd (Cohen 1988 §8.2.1).
// - Interaction of an L_i- and an L_j-level factor: the same ±1 contrast on the interaction's
//   cells: a tetrad (two levels of each factor) carries interaction effects ±effect_size / 2, all
//   other cells 0, so effect_size is the difference between the tetrad's two halves (half the
//   difference of differences) and f = d / √(L_i L_j). For L_i ≠ L_j this is not the least-f
//   configuration of that range (e.g. 2×3: one cell against the rest gives f = d / √8 < d / √6).
// - Binary metric: the F test is applied to 0/1 outcomes (normal approximation), with
//   sd = √(p̄ (1 − p̄)) at p̄ = baseline_rate + effect_size / 2, the mean of the two halves'
//   rates; baseline_rate and baseline_rate + effect_size must both be proportions in (0, 1).

import { InvalidArgumentError } from "../errors.js";
import { requireAbove, requireNumber, requireOpenInterval } from "./validate.js";

/** The outcome metric of POST /v1/experiments/:id/power-analysis. */
export type PowerMetric = { type: "binary"; baseline_rate: number } | { type: "continuous"; sd: number };

/** A raw effect as the experiment API states it. */
export interface RawEffect {
  /** Difference of means (continuous) or of rates (binary) between the two halves of a contrast. */
  effect_size: number;
  metric: PowerMetric;
}

/**
 * The residual sd an effect is standardised by: metric.sd, or √(p̄ (1 − p̄)) with
 * p̄ = baseline_rate + effect_size / 2 for a binary metric (normal approximation).
 */
export function effectStandardDeviation(effect: RawEffect): number {
  if (effect === null || typeof effect !== "object") throw new InvalidArgumentError("effect must be an object");
  const d = requireNumber(effect.effect_size, "effect_size");
  if (d === 0) throw new InvalidArgumentError("effect_size must be non-zero", "effect_size");
  const metric = effect.metric;
  if (metric === null || typeof metric !== "object") throw new InvalidArgumentError("metric must be an object", "metric");
  if (metric.type === "continuous") return requireAbove(metric.sd, 0, "metric.sd");
  if (metric.type === "binary") {
    const p0 = requireOpenInterval(metric.baseline_rate, 0, 1, "metric.baseline_rate");
    const p1 = p0 + d;
    if (!(p1 > 0 && p1 < 1)) {
      throw new InvalidArgumentError(`baseline_rate + effect_size must lie in (0, 1), got ${p1}`, "effect_size");
    }
    const mean = p0 + d / 2;
    return Math.sqrt(mean * (1 - mean));
  }
  throw new InvalidArgumentError(
    `metric.type must be "binary" or "continuous", got ${JSON.stringify((metric as { type?: unknown }).type)}`,
    "metric.type",
  );
}

/**
 * Cohen's f of one factorial term from a raw effect (Cohen 1988 §8.2, pattern 1 for main effects;
 * see the module comment): termLevels is [L] for a main effect, [L_i, L_j] for a two-factor
 * interaction; f = d / √(2L) or d / √(L_i L_j), d = |effect_size| / sd.
 */
export function effectSizeToCohensF(effect: RawEffect, termLevels: readonly number[]): number {
  const sd = effectStandardDeviation(effect);
  const d = Math.abs(effect.effect_size) / sd;
  if (!Array.isArray(termLevels) || termLevels.length < 1 || termLevels.length > 2) {
    throw new InvalidArgumentError("termLevels must hold one (main effect) or two (interaction) level counts", "termLevels");
  }
  termLevels.forEach((l, i) => {
    if (!(Number.isInteger(l) && l >= 2)) throw new InvalidArgumentError(`termLevels.${i} must be an integer >= 2, got ${l}`, `termLevels.${i}`);
  });
  if (termLevels.length === 1) return d / Math.sqrt(2 * termLevels[0]!);
  return d / Math.sqrt(termLevels[0]! * termLevels[1]!);
}
