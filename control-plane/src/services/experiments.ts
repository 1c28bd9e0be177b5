// Experiment orchestration: create and edit designs (rules, combinations and design properties from
// services/design, which generates them with core's design module),
// store power analyses, and run lifecycle transitions that enqueue an allocation push to the edge
// in the same transaction (then kick the outbox so the push leaves at once).

import { CURRENT_HASH_VERSION } from "@mvx/core";
import { randomUUID } from "node:crypto";
import type { ExperimentStatus, PowerAnalysis } from "../domain/experiment.js";
import type { CreateExperimentBody, PatchExperimentBody } from "../routes/experiments/schemas.js";
import type { Db } from "../db/client.js";
import {
  findExperiment,
  insertExperiment,
  listExperiments,
  setPowerAnalysis,
  transitionExperiment,
  updateExperiment,
  type ExperimentChanges,
  type ExperimentRecord,
} from "../db/repositories/experiments.js";
import { ConflictError, IllegalTransitionError, NotFoundError, RuleViolationError } from "../errors.js";
import { buildDesign, type Design, type DesignInput } from "./design.js";
import { TRANSITIONS, isAllowedTransition } from "./lifecycle.js";

/** The clock of the control plane: milliseconds since the epoch (injectable for tests). */
export type Clock = () => number;

/** What a service needs to run: the database, the clock and a way to wake the outbox. */
export interface ServiceContext {
  db: Db;
  clock: Clock;
  /** Called after an allocation push was enqueued. */
  onEnqueue: () => void;
  /** Seed source of randomised designs given without a seed (crypto by default; injectable for tests). */
  randomSeed?: () => number;
}

/** Request bodies, as their zod schemas define them. */
export type CreateExperimentInput = CreateExperimentBody;
export type PatchExperimentInput = PatchExperimentBody;

const DESIGN_FIELDS = ["design_type", "variables", "interaction_matrix", "design_options", "combinations"] as const;

function iso(clock: Clock): string {
  return new Date(clock()).toISOString();
}

function designDeps(ctx: ServiceContext) {
  return ctx.randomSeed ? { randomSeed: ctx.randomSeed } : {};
}

export async function createExperiment(ctx: ServiceContext, input: CreateExperimentInput): Promise<ExperimentRecord> {
  const design = buildDesign(input, designDeps(ctx));
  const now = iso(ctx.clock);
  const id = randomUUID();
  const record: ExperimentRecord = {
    id,
    name: input.name,
    description: input.description ?? null,
    status: "Draft",
    kind: "multivariate",
    design_type: input.design_type,
    variables: input.variables,
    combinations: design.combinations,
    interaction_matrix: design.interaction_matrix,
    design_options: design.design_options,
    design_properties: design.design_properties,
    power_analysis: null,
    allocation_version: 0,
    hash_salt: id,
    context_schema: input.context_schema ?? null,
    created_at: now,
    updated_at: now,
    ended_at: null,
  };
  await insertExperiment(ctx.db, record);
  return record;
}

export async function getExperiment(ctx: ServiceContext, id: string): Promise<ExperimentRecord> {
  const found = await findExperiment(ctx.db, id);
  if (!found) throw new NotFoundError(`experiment ${id} not found`);
  return found;
}

export async function listExperimentsPage(
  ctx: ServiceContext,
  opts: { status?: ExperimentStatus | undefined; limit: number; offset: number },
) {
  return listExperiments(ctx.db, opts);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Edits an experiment. Name and description may change at any time; design fields only while it
 * is Draft (409 otherwise). A design change regenerates the combinations and clears a power
 * analysis that no longer matches.
 */
export async function patchExperiment(ctx: ServiceContext, id: string, patch: PatchExperimentInput): Promise<ExperimentRecord> {
  const current = await getExperiment(ctx, id);
  const touched = DESIGN_FIELDS.filter((f) => patch[f] !== undefined);
  const changes: ExperimentChanges = {};
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.description !== undefined) changes.description = patch.description;
  if (patch.context_schema !== undefined) changes.context_schema = patch.context_schema;

  if (touched.length > 0) {
    if (current.status !== "Draft") {
      throw new ConflictError(`design fields can change only while the experiment is Draft; it is ${current.status}`, touched.map((f) => ({ path: f, message: `cannot change ${f} of a ${current.status} experiment` })));
    }
    const design_type = patch.design_type ?? current.design_type;
    const variables = patch.variables ?? current.variables;
    const interaction_matrix = patch.interaction_matrix ?? current.interaction_matrix;
    const design_options = patch.design_options === undefined ? current.design_options : patch.design_options;
    const base: DesignInput = { design_type, variables, interaction_matrix, design_options };
    const design = designFor(ctx, base, patch.combinations, current.combinations);
    const changed =
      design_type !== current.design_type ||
      !sameJson(variables, current.variables) ||
      !sameJson(design.combinations, current.combinations) ||
      !sameJson(design.interaction_matrix, current.interaction_matrix) ||
      !sameJson(design.design_options, current.design_options);
    if (changed) {
      changes.design = {
        design_type,
        variables,
        combinations: design.combinations,
        interaction_matrix: design.interaction_matrix,
        design_options: design.design_options,
        design_properties: design.design_properties,
        power_analysis: null,
      };
    }
  }
  if (changes.name === undefined && changes.description === undefined && changes.context_schema === undefined && !changes.design) return current;

  const ok = await updateExperiment(ctx.db, id, changes, iso(ctx.clock));
  if (!ok) {
    const now = await getExperiment(ctx, id);
    throw new ConflictError(`design fields can change only while the experiment is Draft; it is ${now.status}`);
  }
  return getExperiment(ctx, id);
}

/** A set of combinations as comparable keys of their variable values. */
function valueSet(combinations: { variable_values: unknown }[]): string {
  return JSON.stringify(combinations.map((c) => JSON.stringify(c.variable_values)).sort());
}

/**
 * The design of a patch. `combinations` null drops custom traffic; an array sets it; absent, the
 * current custom traffic (and ids) survive when the patched design has the same set of
 * combinations (e.g. only the interaction matrix changed), else the design's own are used.
 */
function designFor(
  ctx: ServiceContext,
  input: DesignInput,
  patched: PatchExperimentInput["combinations"],
  current: ExperimentRecord["combinations"],
): Design {
  if (patched === null) return buildDesign(input, designDeps(ctx));
  if (patched !== undefined) return buildDesign({ ...input, combinations: patched }, designDeps(ctx));
  const fresh = buildDesign(input, designDeps(ctx));
  if (valueSet(fresh.combinations) !== valueSet(current)) return fresh;
  return buildDesign({ ...input, design_options: fresh.design_options, combinations: current }, designDeps(ctx));
}

export async function storePowerAnalysis(ctx: ServiceContext, id: string, analysis: PowerAnalysis): Promise<ExperimentRecord> {
  const ok = await setPowerAnalysis(ctx.db, id, analysis, iso(ctx.clock));
  if (!ok) throw new NotFoundError(`experiment ${id} not found`);
  return getExperiment(ctx, id);
}

/**
 * Moves an experiment to `to`: checks the lifecycle (409 illegal_transition), requires a power
 * analysis before the first run (422 power_analysis_required), then changes the status,
 * increments allocation_version and enqueues the allocation push in one transaction.
 */
export async function transition(ctx: ServiceContext, id: string, to: ExperimentStatus): Promise<ExperimentRecord> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await getExperiment(ctx, id);
    const from = current.status;
    if (!isAllowedTransition(from, to)) throw new IllegalTransitionError(from, to, TRANSITIONS[from]);
    if (from === "Draft" && to === "Running" && !current.power_analysis) {
      throw new RuleViolationError(
        "a power analysis is required before running: POST /v1/experiments/{id}/power-analysis first",
        [{ path: "power_analysis", message: "required before Draft -> Running" }],
        "power_analysis_required",
      );
    }
    const ok = await transitionExperiment(ctx.db, {
      id,
      from,
      to,
      expectedVersion: current.allocation_version,
      hashVersion: CURRENT_HASH_VERSION,
      now: iso(ctx.clock),
    });
    if (ok) {
      ctx.onEnqueue();
      return getExperiment(ctx, id);
    }
    // A concurrent write changed the experiment between the read and the write: re-check.
  }
  throw new ConflictError("the experiment changed concurrently; retry the transition");
}
