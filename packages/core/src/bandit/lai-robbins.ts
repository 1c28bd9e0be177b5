// The Lai-Robbins asymptotic lower bound on the regret of any uniformly good policy against
// Bernoulli arms, used by `npm run simulate` to put each policy's regret beside the best possible
// growth rate: sum over suboptimal arms of (mu* - mu_a) / KL(mu_a, mu*), times ln T.

import { InvalidArgumentError } from "../errors.js";

/** x ln(x / y) with the conventions 0 ln(0 / y) = 0 and x ln(x / 0) = +Infinity for x > 0. */
function xlogxy(x: number, y: number): number {
  if (x === 0) return 0;
  if (y === 0) return Infinity;
  return x * Math.log(x / y);
}

function assertProbability(p: number, path: string): void {
  if (!(typeof p === "number" && p >= 0 && p <= 1)) throw new InvalidArgumentError(`a Bernoulli mean must be in [0, 1], got ${p}`, path);
}

/**
 * Kullback-Leibler divergence KL(Ber(p) || Ber(q)) = p ln(p/q) + (1-p) ln((1-p)/(1-q)), in nats;
 * +Infinity when q puts no mass where p does (e.g. q = 1 and p < 1). Reference: Cover & Thomas
 * (2006), Elements of Information Theory, 2nd ed., eq. 2.26.
 */
export function bernoulliKl(p: number, q: number): number {
  assertProbability(p, "p");
  assertProbability(q, "q");
  return xlogxy(p, q) + xlogxy(1 - p, 1 - q);
}

/** One suboptimal arm's share of the Lai-Robbins constant: gap / KL(mu_a, mu*). */
export interface LaiRobbinsTerm {
  readonly arm_index: number;
  readonly gap: number;
  readonly kl: number;
  /** gap / kl: the arm's contribution to the constant (0 when the KL is infinite, i.e. mu* = 1). */
  readonly contribution: number;
}

export interface LaiRobbinsBound {
  /** C = sum_{a: mu_a < mu*} (mu* - mu_a) / KL(mu_a, mu*): regret >= (C - o(1)) ln T. */
  readonly constant: number;
  /** C ln T. */
  readonly bound: number;
  readonly terms: LaiRobbinsTerm[];
}

/**
 * The Lai-Robbins constant for Bernoulli arms: C = sum_{a: mu_a < mu*} (mu* - mu_a) / KL(mu_a, mu*).
 * Reference: T. L. Lai & H. Robbins (1985), "Asymptotically efficient adaptive allocation rules",
 * Advances in Applied Mathematics 6(1), 4-22, Theorem 2 (E T_a(n) >= ln n / KL(mu_a, mu*) (1 - o(1))
 * for every suboptimal arm a of a uniformly good policy; multiplied by the gaps for the regret).
 */
export function laiRobbinsConstant(arms: readonly number[]): { constant: number; terms: LaiRobbinsTerm[] } {
  if (!Array.isArray(arms) || arms.length < 2) throw new InvalidArgumentError(`at least 2 arms are needed, got ${arms?.length ?? 0}`, "arms");
  arms.forEach((m, i) => assertProbability(m, `arms.${i}`));
  const best = Math.max(...arms);
  const terms: LaiRobbinsTerm[] = [];
  arms.forEach((m, i) => {
    if (!(m < best)) return;
    const gap = best - m;
    const kl = bernoulliKl(m, best);
    terms.push({ arm_index: i, gap, kl, contribution: Number.isFinite(kl) ? gap / kl : 0 });
  });
  return { constant: terms.reduce((s, t) => s + t.contribution, 0), terms };
}

/**
 * The asymptotic Lai-Robbins lower bound on the pseudo-regret after `horizon` rounds against
 * Bernoulli arms: C ln T with C from laiRobbinsConstant (Lai & Robbins 1985, Theorem 2). It is an
 * asymptotic rate, not a finite-horizon guarantee: a policy may sit below it for small T.
 */
export function laiRobbinsBound(arms: readonly number[], horizon: number): LaiRobbinsBound {
  if (!(Number.isInteger(horizon) && horizon >= 1)) throw new InvalidArgumentError(`horizon must be an integer >= 1, got ${horizon}`, "horizon");
  const { constant, terms } = laiRobbinsConstant(arms);
  return { constant, bound: constant * Math.log(horizon), terms };
}
