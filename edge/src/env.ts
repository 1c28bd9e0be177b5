// The edge worker's environment (wrangler.toml bindings and vars, plus secrets) and the one place
// that decides which HMAC secrets are in force. A Worker has no start-up hook, so "a missing
// secret in production is a start-up error" is enforced per request: the worker answers 503 to
// every request while a secret is missing, and the Durable Object refuses to sign outbox flushes.

import type { ExperimentState } from "./state/experiment-state.js";

export interface Env {
  EXPERIMENTS: DurableObjectNamespace<ExperimentState>;
  /** Where the outbox delivers decision and reward logs (POST {url}/internal/edge-events). */
  CONTROL_PLANE_URL: string;
  /** "production" turns missing secrets into errors instead of dev defaults. */
  MVX_ENV?: string;
  MVX_WEBHOOK_SECRET?: string;
  MVX_SYNC_SECRET?: string;
  /** Batching window of the outbox in ms before its first delivery attempt (default 1000). */
  MVX_OUTBOX_FLUSH_DELAY_MS?: string;
}

export interface Secrets {
  /** Signs reward webhooks (POST /v1/rewards). */
  webhook: string;
  /** Signs every control plane <-> edge call. */
  sync: string;
}

export type SecretsResolution = { ok: true; secrets: Secrets } | { ok: false; missing: string[] };

export const DEV_WEBHOOK_SECRET = "dev-webhook-secret";
export const DEV_SYNC_SECRET = "dev-sync-secret";

let warned = false;

/** The secrets in force: the configured ones, dev defaults outside production, or what is missing. */
export function resolveSecrets(env: Pick<Env, "MVX_ENV" | "MVX_WEBHOOK_SECRET" | "MVX_SYNC_SECRET">): SecretsResolution {
  const webhook = env.MVX_WEBHOOK_SECRET || undefined;
  const sync = env.MVX_SYNC_SECRET || undefined;
  if (webhook !== undefined && sync !== undefined) return { ok: true, secrets: { webhook, sync } };
  const missing = [...(webhook === undefined ? ["MVX_WEBHOOK_SECRET"] : []), ...(sync === undefined ? ["MVX_SYNC_SECRET"] : [])];
  if (env.MVX_ENV === "production") return { ok: false, missing };
  if (!warned) {
    warned = true;
    console.warn(`mvx edge: ${missing.join(" and ")} not set; using development defaults (never do this in production)`);
  }
  return { ok: true, secrets: { webhook: webhook ?? DEV_WEBHOOK_SECRET, sync: sync ?? DEV_SYNC_SECRET } };
}
