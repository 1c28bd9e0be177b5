// Sync aggregate: the transactional outbox of allocation pushes to the edge. A row is written in
// the same transaction as the state change it announces and delivered in id order per experiment
// by services/outbox.ts (docs/sync-protocol.md).

import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import { experiments } from "./experiments.js";

export const OUTBOX_KINDS = ["allocation"] as const;

export const syncOutbox = sqliteTable(
  "sync_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    experiment_id: text("experiment_id")
      .notNull()
      .references(() => experiments.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: OUTBOX_KINDS }).notNull(),
    /** The experiment's allocation_version this entry carries. */
    version: integer("version").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    next_attempt_at: text("next_attempt_at").notNull(),
    last_error: text("last_error"),
    created_at: text("created_at").notNull(),
    delivered_at: text("delivered_at"),
  },
  (t) => [
    unique("sync_outbox_experiment_kind_version_unique").on(t.experiment_id, t.kind, t.version),
    index("sync_outbox_pending_idx").on(t.experiment_id, t.id).where(sql`${t.delivered_at} IS NULL`),
    check("sync_outbox_kind_check", sql`${t.kind} IN ('allocation')`),
  ],
);
