// The control plane's environment, parsed once at boot with zod (API.md "Processes and
// configuration"). Secrets fall back to development defaults outside production only, with a
// warning; with NODE_ENV=production a missing secret is a start-up error naming it.

import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const DEV_API_KEY = "dev-admin-key";
export const DEV_WEBHOOK_SECRET = "dev-webhook-secret";
export const DEV_SYNC_SECRET = "dev-sync-secret";
/** API.md: at least 50 MB per request is accepted by default. */
export const DEFAULT_MAX_BODY_BYTES = 52_428_800;

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

/** An optional numeric variable: `fallback` when unset, else the number it spells. */
const numberVar = (fallback: number) => optionalString.transform((v) => (v === undefined ? fallback : Number(v)));

export const envSchema = z.object({
  NODE_ENV: z.string().default("development"),
  DATABASE_URL: optionalString.transform((v) => v ?? "file:./data/mvx.db"),
  DATABASE_AUTH_TOKEN: optionalString,
  MVX_API_KEY: optionalString,
  MVX_WEBHOOK_SECRET: optionalString,
  MVX_SYNC_SECRET: optionalString,
  EDGE_URL: optionalString.pipe(z.url().default("http://127.0.0.1:8787")),
  CONTROL_PLANE_URL: optionalString,
  CP_HOST: optionalString.transform((v) => v ?? "127.0.0.1"),
  CP_PORT: numberVar(8790).pipe(z.number().int().min(1).max(65535)),
  MVX_MAX_BODY_BYTES: numberVar(DEFAULT_MAX_BODY_BYTES).pipe(z.number().int().min(1)),
});

/** The parsed environment, with every secret resolved. */
export interface Env {
  NODE_ENV: string;
  DATABASE_URL: string;
  DATABASE_AUTH_TOKEN: string | undefined;
  MVX_API_KEY: string;
  MVX_WEBHOOK_SECRET: string;
  MVX_SYNC_SECRET: string;
  EDGE_URL: string;
  CONTROL_PLANE_URL: string;
  CP_HOST: string;
  CP_PORT: number;
  MVX_MAX_BODY_BYTES: number;
}

/** A start-up error: the environment is invalid or a production secret is missing. */
export class EnvError extends Error {
  override readonly name = "EnvError";
}

const SECRET_DEFAULTS = {
  MVX_API_KEY: DEV_API_KEY,
  MVX_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
  MVX_SYNC_SECRET: DEV_SYNC_SECRET,
} as const;

/** Parses `source` (process.env by default) into an Env; throws EnvError naming what is wrong. */
export function parseEnv(
  source: Record<string, string | undefined> = process.env,
  warn: (message: string) => void = (m) => console.warn(m),
): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new EnvError(`invalid environment: ${issues}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const secrets = {} as Record<keyof typeof SECRET_DEFAULTS, string>;
  const missing: string[] = [];
  for (const name of Object.keys(SECRET_DEFAULTS) as (keyof typeof SECRET_DEFAULTS)[]) {
    const value = e[name];
    if (value !== undefined) {
      secrets[name] = value;
    } else if (production) {
      missing.push(name);
    } else {
      warn(`mvx control plane: ${name} is not set; using the development default (never do this in production)`);
      secrets[name] = SECRET_DEFAULTS[name];
    }
  }
  if (missing.length > 0) {
    throw new EnvError(`NODE_ENV=production and ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set`);
  }
  return {
    NODE_ENV: e.NODE_ENV,
    DATABASE_URL: e.DATABASE_URL,
    DATABASE_AUTH_TOKEN: e.DATABASE_AUTH_TOKEN,
    ...secrets,
    EDGE_URL: e.EDGE_URL.replace(/\/+$/, ""),
    CONTROL_PLANE_URL: e.CONTROL_PLANE_URL ?? `http://${e.CP_HOST}:${e.CP_PORT}`,
    CP_HOST: e.CP_HOST,
    CP_PORT: e.CP_PORT,
    MVX_MAX_BODY_BYTES: e.MVX_MAX_BODY_BYTES,
  };
}

/** For a `file:` URL, creates the directory that will hold the database file. */
export function ensureDatabaseDirectory(url: string): void {
  if (!url.startsWith("file:")) return;
  let p = url.slice("file:".length).split("?")[0] ?? "";
  if (p === "" || p === ":memory:") return;
  if (p.startsWith("//")) p = fileURLToPath(`file:${p}`);
  mkdirSync(path.dirname(path.resolve(p)), { recursive: true });
}
