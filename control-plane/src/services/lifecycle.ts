// The experiment lifecycle (DATA-MODEL.md status enum): which status transitions are allowed.
//   Draft -> Running | Archived;  Running -> Paused | Completed;  Paused -> Running | Completed;
//   Completed -> Archived;  Archived is final. A same-status "transition" is not allowed.

import type { ExperimentStatus } from "../domain/experiment.js";

export const TRANSITIONS: Readonly<Record<ExperimentStatus, readonly ExperimentStatus[]>> = {
  Draft: ["Running", "Archived"],
  Running: ["Paused", "Completed"],
  Paused: ["Running", "Completed"],
  Completed: ["Archived"],
  Archived: [],
};

export function isAllowedTransition(from: ExperimentStatus, to: ExperimentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
