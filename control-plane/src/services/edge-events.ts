// Ingestion of the edge's decision and reward logs (docs/sync-protocol.md, "Edge -> control plane"):
// decisions become experiment_assignments (and bandit_allocations for bandit decisions of an
// experiment with an active bandit configuration), rewards become experiment_results (and fill the
// reward of the matching bandit allocation), drift events become bandit_drift_events. Repeated
// deliveries insert nothing new; events of unknown experiments are acknowledged and counted.

import { randomUUID } from "node:crypto";
import { z } from "@hono/zod-openapi";
import type { Db } from "../db/client.js";
import {
  activeBanditConfigs,
  existingExperimentIds,
  experimentsWithBandits,
  insertEvents,
  type EventRows,
} from "../db/repositories/events.js";

const id = z.string().min(1).max(256);
const nullableId = id.nullable().optional();
const timestamp = z.string().min(1).max(64);

export const DecisionEventSchema = z.object({
  type: z.literal("decision"),
  seq: z.number().int().optional(),
  decision_id: id,
  experiment_id: id.optional(),
  unit_id: z.string().min(1).max(512),
  combination_id: nullableId,
  arm_id: nullableId,
  variable_values: z.record(z.string(), z.unknown()).nullable().optional(),
  probability: z.number().min(0).max(1).nullable().optional(),
  algorithm: z.string().max(64).nullable().optional(),
  arm_probabilities: z.record(z.string(), z.number().min(0).max(1)).nullable().optional(),
  allocation_version: z.number().int().nullable().optional(),
  context: z.unknown().optional(),
  decided_at: timestamp.optional(),
});

export const RewardEventSchema = z.object({
  type: z.literal("reward"),
  seq: z.number().int().optional(),
  event_id: id,
  experiment_id: id.optional(),
  decision_id: nullableId,
  unit_id: z.string().min(1).max(512).nullable().optional(),
  combination_id: nullableId,
  arm_id: nullableId,
  metric: z.string().min(1).max(64).optional(),
  reward: z.number(),
  occurred_at: timestamp.optional(),
  received_at: timestamp.optional(),
});

export const DriftEventSchema = z.object({
  type: z.literal("drift"),
  seq: z.number().int().optional(),
  experiment_id: id.optional(),
  arm_id: nullableId,
  detector: z.string().min(1).max(64),
  statistic: z.number().nullable().optional(),
  detected_at: timestamp,
});

/** POST /internal/edge-events body. Unknown fields are ignored (the protocol may grow). */
export const EdgeEventsSchema = z
  .object({
    experiment_id: id.optional(),
    events: z.array(z.discriminatedUnion("type", [DecisionEventSchema, RewardEventSchema, DriftEventSchema])).max(5000),
  })
  .superRefine((body, ctx) => {
    body.events.forEach((e, i) => {
      if (!e.experiment_id && !body.experiment_id) {
        ctx.addIssue({ code: "custom", path: ["events", i, "experiment_id"], message: "experiment_id is required (on the event or the batch)" });
      }
    });
  });
export type EdgeEvents = z.infer<typeof EdgeEventsSchema>;

export interface IngestReport {
  /** New rows stored. */
  accepted: number;
  /** Events already stored by an earlier delivery (or repeated within this one). */
  duplicates: number;
  /** Events of experiments this control plane does not know (acknowledged, not stored). */
  unknown: number;
}

/** An ISO timestamp in the canonical form (so that stored times sort as strings); as given if unparseable. */
function normalizeTime(t: string): string {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

/** Stores a batch of edge events; `now` (ISO) stands in for missing timestamps. */
export async function ingestEdgeEvents(db: Db, body: EdgeEvents, now: string): Promise<IngestReport> {
  const withExperiment = body.events.map((e) => ({ ...e, experiment_id: (e.experiment_id ?? body.experiment_id) as string }));
  const known = await existingExperimentIds(
    db,
    withExperiment.map((e) => e.experiment_id),
  );
  const events = withExperiment.filter((e) => known.has(e.experiment_id));
  const unknown = withExperiment.length - events.length;
  const bandits = await activeBanditConfigs(db, [
    ...new Set(events.filter((e) => e.type === "decision" && e.algorithm).map((e) => e.experiment_id)),
    ...new Set(events.filter((e) => e.type === "drift").map((e) => e.experiment_id)),
  ]);
  // A reward joins its bandit allocation even if the configuration was deactivated meanwhile.
  const withBandits = await experimentsWithBandits(
    db,
    events.filter((e) => e.type === "reward" && e.decision_id).map((e) => e.experiment_id),
  );

  const rows: EventRows = { assignments: [], results: [], banditAllocations: [], banditRewards: [], driftEvents: [] };
  for (const e of events) {
    if (e.type === "decision") {
      const assigned_at = e.decided_at ?? now;
      rows.assignments.push({
        id: randomUUID(),
        experiment_id: e.experiment_id,
        decision_id: e.decision_id,
        unit_id: e.unit_id,
        combination_id: e.combination_id ?? null,
        arm_id: e.arm_id ?? e.combination_id ?? null,
        variable_values: (e.variable_values ?? null) as Record<string, unknown> | null,
        probability: e.probability ?? null,
        algorithm: e.algorithm ?? null,
        allocation_version: e.allocation_version ?? null,
        context: e.context ?? null,
        assigned_at,
      });
      const configId = e.algorithm ? bandits.get(e.experiment_id) : undefined;
      const arm = e.arm_id ?? e.combination_id;
      if (configId && arm) {
        rows.banditAllocations.push({
          id: randomUUID(),
          bandit_config_id: configId,
          decision_id: e.decision_id,
          timestamp: normalizeTime(assigned_at),
          // Every arm's probability when the edge reports it, else the chosen arm's propensity.
          arm_probabilities: e.arm_probabilities ?? (e.probability == null ? {} : { [arm]: e.probability }),
          selected_arm: arm,
          reward: null,
          context: e.context ?? null,
        });
      }
    } else if (e.type === "drift") {
      const detected_at = normalizeTime(e.detected_at);
      rows.driftEvents.push({
        id: randomUUID(),
        event_key: JSON.stringify([e.experiment_id, e.arm_id ?? null, e.detector, detected_at]),
        experiment_id: e.experiment_id,
        bandit_config_id: bandits.get(e.experiment_id) ?? null,
        seq: e.seq ?? null,
        arm_id: e.arm_id ?? null,
        detector: e.detector,
        statistic: e.statistic ?? null,
        detected_at,
        received_at: now,
      });
    } else {
      rows.results.push({
        id: randomUUID(),
        experiment_id: e.experiment_id,
        event_id: e.event_id,
        decision_id: e.decision_id ?? null,
        unit_id: e.unit_id ?? null,
        combination_id: e.combination_id ?? null,
        arm_id: e.arm_id ?? e.combination_id ?? null,
        metric: e.metric ?? "reward",
        value: e.reward,
        occurred_at: e.occurred_at ?? e.received_at ?? now,
        received_at: e.received_at ?? now,
      });
      if (e.decision_id && withBandits.has(e.experiment_id)) rows.banditRewards.push({ decision_id: e.decision_id, reward: e.reward });
    }
  }
  const { inserted } = await insertEvents(db, rows);
  return { accepted: inserted, duplicates: events.length - inserted, unknown };
}
