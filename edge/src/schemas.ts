// zod schemas of every body the edge accepts: the single source of the route and RPC input types
// (API.md's edge routes and docs/sync-protocol.md's allocation push).

import { HASH_VERSIONS, InvalidArgumentError, validateWeights } from "@mvx/core";
import { z } from "zod";

export const EXPERIMENT_STATUSES = ["Draft", "Running", "Paused", "Completed", "Archived"] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

const identifier = z.string().min(1).max(256);
const isoTimestamp = z.iso.datetime({ offset: true });
/** A JSON scalar. */
type JsonScalar = string | number | boolean | null;
type Json1 = JsonScalar | JsonScalar[] | { [key: string]: JsonScalar };
type Json2 = JsonScalar | Json1[] | { [key: string]: Json1 };
/**
 * A JSON value, its type written out to a fixed depth: a recursive JSON type is too deep for the
 * Durable Object RPC stub types. Values come from JSON.parse, so only the type is narrowed here.
 */
export type JsonValue = JsonScalar | Json2[] | { [key: string]: Json2 };
const jsonObject = z.record(z.string(), z.custom<JsonValue>((v) => v !== undefined));

export const combinationSchema = z.object({
  combination_id: identifier,
  variable_values: jsonObject,
  traffic_allocation: z.number().min(0).max(1),
});
export type Combination = z.output<typeof combinationSchema>;

/** PUT /internal/experiments/:id/allocation (docs/sync-protocol.md). */
export const allocationSchema = z
  .object({
    experiment_id: identifier,
    version: z.number().int().min(0),
    status: z.enum(EXPERIMENT_STATUSES),
    hash_version: z
      .number()
      .int()
      .refine((v) => (HASH_VERSIONS as readonly number[]).includes(v), { message: `hash_version must be one of ${HASH_VERSIONS.join(", ")}` }),
    salt: z.string().min(1).max(256),
    combinations: z.array(combinationSchema).min(1).max(1024),
    issued_at: isoTimestamp.optional(),
  })
  .superRefine((allocation, ctx) => {
    const seen = new Set<string>();
    allocation.combinations.forEach((combination, i) => {
      if (seen.has(combination.combination_id)) {
        ctx.addIssue({ code: "custom", path: ["combinations", i, "combination_id"], message: `duplicate combination_id "${combination.combination_id}"` });
      }
      seen.add(combination.combination_id);
    });
    try {
      validateWeights(allocation.combinations.map((c) => c.traffic_allocation));
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
      ctx.addIssue({ code: "custom", path: ["combinations"], message: `traffic_allocation: ${err.message}` });
    }
  });
export type AllocationInput = z.output<typeof allocationSchema>;

/** POST /v1/assign. */
export const assignSchema = z.object({
  experiment_id: identifier,
  unit_id: z.string().min(1).max(256),
  context: z
    .object({
      user: jsonObject.optional(),
      content: jsonObject.optional(),
    })
    .optional(),
});
export type AssignInput = z.output<typeof assignSchema>;

/** One reward event of POST /v1/rewards; null optional fields count as absent. */
export const rewardEventSchema = z.object({
  event_id: identifier,
  experiment_id: identifier,
  decision_id: identifier.nullish().transform((v) => v ?? undefined),
  unit_id: z
    .string()
    .min(1)
    .max(256)
    .nullish()
    .transform((v) => v ?? undefined),
  reward: z.number(),
  occurred_at: isoTimestamp.nullish().transform((v) => v ?? undefined),
});
export type RewardEventInput = z.output<typeof rewardEventSchema>;

export const MAX_REWARD_EVENTS = 1000;

/** POST /v1/rewards with several events (they may span experiments). */
export const rewardBatchSchema = z.object({
  events: z.array(rewardEventSchema).min(1).max(MAX_REWARD_EVENTS),
});

/** An experiment id in a route path. */
export const experimentIdParam = identifier;
