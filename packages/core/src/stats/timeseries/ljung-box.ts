// The Ljung–Box portmanteau test of residual autocorrelation (Ljung & Box 1978, Biometrika
// 65:297–303), as R's Box.test(x, lag, type = "Ljung-Box", fitdf):
// Q = n (n + 2) Σ_{k=1..lag} r_k² / (n − k), compared with χ²(lag − fitdf).

import { InvalidArgumentError } from "../../errors.js";
import { chiSquareUpper } from "../inference/chi-square.js";

export interface LjungBoxResult {
  readonly statistic: number;
  readonly df: number;
  readonly p_value: number;
  readonly lag: number;
}

/** Sample autocorrelations r_1..r_lag of x (R: acf(x, lag.max, demean = TRUE, na.action = na.pass)). */
export function autocorrelations(x: ArrayLike<number>, lag: number): Float64Array {
  const n = x.length;
  let sum = 0;
  let cnt = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(x[i]!)) {
    sum += x[i]!;
    cnt++;
  }
  const mean = sum / cnt;
  let c0 = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(x[i]!)) c0 += (x[i]! - mean) ** 2;
  const r = new Float64Array(lag);
  for (let k = 1; k <= lag; k++) {
    let s = 0;
    let pairs = 0;
    for (let i = 0; i + k < n; i++) {
      const a = x[i]!;
      const b = x[i + k]!;
      if (!Number.isNaN(a) && !Number.isNaN(b)) {
        s += (a - mean) * (b - mean);
        pairs++;
      }
    }
    // R's acf with na.pass (C acf0): lag-k sum over complete pairs divided by pairs + k.
    r[k - 1] = pairs > 0 ? s / (pairs + k) / (c0 / cnt) : NaN;
  }
  return r;
}

/** Ljung–Box test (R: Box.test(x, lag, type = "Ljung-Box", fitdf)). */
export function ljungBox(x: ArrayLike<number>, lag = 1, fitdf = 0): LjungBoxResult {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) n++;
  if (!Number.isInteger(lag) || lag < 1 || lag >= n) throw new InvalidArgumentError(`lag must be an integer in [1, ${n - 1}]`, "lag");
  if (!Number.isInteger(fitdf) || fitdf < 0 || fitdf >= lag) throw new InvalidArgumentError("fitdf must be an integer in [0, lag)", "fitdf");
  const r = autocorrelations(x, lag);
  let q = 0;
  for (let k = 1; k <= lag; k++) q += (r[k - 1]! ** 2) / (n - k);
  const statistic = n * (n + 2) * q;
  const df = lag - fitdf;
  return { statistic, df, p_value: chiSquareUpper(statistic, df), lag };
}
