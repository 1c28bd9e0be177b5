// POST /v1/rewards (signed with MVX_WEBHOOK_SECRET): one event or {events: [...]}, grouped by
// experiment, each group recorded by its experiment's Durable Object in one transaction.

import { Hono } from "hono";
import { experimentStub, type AppEnv } from "../app-env.js";
import { ApiError } from "../http/errors.js";
import { BODY_LIMITS, limitBody, parseJson, readSignedBody, validate } from "../http/request.js";
import { rewardBatchSchema, rewardEventSchema, type RewardEventInput } from "../schemas.js";
import type { Env } from "../env.js";
import type { RewardRejection } from "../state/types.js";

export const rewardRoutes = new Hono<AppEnv>();

interface RewardsSummary {
  accepted: number;
  duplicates: number;
  rejected: RewardRejection[];
}

/** Records a batch that may span experiments: one RPC per experiment, in parallel. */
async function recordAll(env: Env, events: RewardEventInput[]): Promise<RewardsSummary> {
  const groups = new Map<string, RewardEventInput[]>();
  for (const event of events) {
    const group = groups.get(event.experiment_id);
    if (group) group.push(event);
    else groups.set(event.experiment_id, [event]);
  }
  const results = await Promise.all(
    [...groups].map(async ([experimentId, group]) => ({ group, result: await experimentStub(env, experimentId).recordRewards(group) })),
  );
  const summary: RewardsSummary = { accepted: 0, duplicates: 0, rejected: [] };
  for (const { group, result } of results) {
    if (result.outcome === "experiment_not_found") {
      for (const event of group) summary.rejected.push({ event_id: event.event_id, reason: "experiment_not_found" });
      continue;
    }
    summary.accepted += result.accepted;
    summary.duplicates += result.duplicates;
    summary.rejected.push(...result.rejected);
  }
  return summary;
}

const REJECTION_MESSAGES: Record<RewardRejection["reason"], string> = {
  experiment_not_found: "the experiment has no allocation at the edge",
  decision_not_found: "no decision with this decision_id in this experiment",
  decision_unit_mismatch: "the decision was served to a different unit_id",
  no_decision_for_unit: "no decision was served to this unit_id in this experiment",
  missing_attribution: "a reward needs a decision_id or a unit_id",
};

rewardRoutes.post("/v1/rewards", limitBody(BODY_LIMITS.rewards), async (c) => {
  const body = parseJson(await readSignedBody(c, [c.var.secrets.webhook]));
  if (typeof body === "object" && body !== null && !Array.isArray(body) && "events" in body) {
    const { events } = validate(rewardBatchSchema, body);
    return c.json(await recordAll(c.env, events), 202);
  }
  const event = validate(rewardEventSchema, body);
  const summary = await recordAll(c.env, [event]);
  const rejection = summary.rejected[0];
  if (rejection !== undefined) {
    const status = rejection.reason === "experiment_not_found" ? 404 : 422;
    const path = rejection.reason === "experiment_not_found" ? "experiment_id" : rejection.reason === "no_decision_for_unit" ? "unit_id" : "decision_id";
    throw new ApiError(status, rejection.reason, `reward event ${event.event_id} rejected: ${REJECTION_MESSAGES[rejection.reason]}`, [
      { path, message: REJECTION_MESSAGES[rejection.reason] },
    ]);
  }
  return c.json(summary, 202);
});
