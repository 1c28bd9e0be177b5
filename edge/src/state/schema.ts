// SQLite schema of the ExperimentState Durable Object and its forward-only migrations. The object
// applies them in blockConcurrencyWhile before serving anything; `schema_version` records the
// highest migration applied, and each migration runs in one transaction with its version bump.

/** One forward-only migration: DDL statements run in one transaction. */
export interface Migration {
  version: number;
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: [
      // Small key/value settings (e.g. the outbox's delivery attempt count).
      `CREATE TABLE meta (
         key TEXT PRIMARY KEY,
         value TEXT NOT NULL
       )`,
      // The allocation last pushed by the control plane (one row).
      `CREATE TABLE allocation (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         experiment_id TEXT NOT NULL,
         version INTEGER NOT NULL,
         status TEXT NOT NULL,
         hash_version INTEGER NOT NULL,
         salt TEXT NOT NULL,
         combinations TEXT NOT NULL,
         issued_at TEXT,
         applied_at TEXT NOT NULL
       )`,
      // Arm sufficient statistics; rows outlive allocation changes.
      `CREATE TABLE arms (
         arm_id TEXT PRIMARY KEY,
         combination_id TEXT NOT NULL,
         decisions INTEGER NOT NULL DEFAULT 0,
         rewards INTEGER NOT NULL DEFAULT 0,
         reward_sum REAL NOT NULL DEFAULT 0,
         reward_sum_sq REAL NOT NULL DEFAULT 0,
         reward_min REAL,
         reward_max REAL,
         created_at TEXT NOT NULL
       )`,
      // Decision log, for attributing rewards (by decision_id or a unit's latest decision).
      `CREATE TABLE decisions (
         decision_id TEXT PRIMARY KEY,
         unit_id TEXT NOT NULL,
         combination_id TEXT NOT NULL,
         arm_id TEXT NOT NULL,
         probability REAL NOT NULL,
         allocation_version INTEGER NOT NULL,
         created_at TEXT NOT NULL
       )`,
      `CREATE INDEX decisions_unit_created ON decisions (unit_id, created_at)`,
      // Reward event ids counted so far: idempotency forever.
      `CREATE TABLE seen_events (
         event_id TEXT PRIMARY KEY,
         decision_id TEXT NOT NULL,
         received_at TEXT NOT NULL
       )`,
      // Decision and reward events waiting for delivery to the control plane, in seq order.
      `CREATE TABLE outbox (
         seq INTEGER PRIMARY KEY AUTOINCREMENT,
         payload TEXT NOT NULL
       )`,
    ],
  },
  {
    version: 2,
    statements: [
      // The pushed bandit configuration (JSON of the push's `bandit`), null for plain bucketing.
      `ALTER TABLE allocation ADD COLUMN bandit TEXT`,
      // What a bandit decision logged: its algorithm, every arm's probability and, for Contextual,
      // the feature vector x the reward must update A and b with.
      `ALTER TABLE decisions ADD COLUMN algorithm TEXT`,
      `ALTER TABLE decisions ADD COLUMN context_vector TEXT`,
      // The bandit policy's statistics per arm, since the last drift reset: live (n, sum, sum_sq,
      // state = JSON {linear, window, detector}) and published (pub_*): what the policy sees,
      // copied from live at most every update_frequency seconds. Pending = live - published.
      `CREATE TABLE bandit_arms (
         arm_id TEXT PRIMARY KEY,
         n REAL NOT NULL DEFAULT 0,
         sum REAL NOT NULL DEFAULT 0,
         sum_sq REAL NOT NULL DEFAULT 0,
         state TEXT NOT NULL DEFAULT '{}',
         pub_n REAL NOT NULL DEFAULT 0,
         pub_sum REAL NOT NULL DEFAULT 0,
         pub_sum_sq REAL NOT NULL DEFAULT 0,
         pub_state TEXT NOT NULL DEFAULT '{}',
         drifts INTEGER NOT NULL DEFAULT 0,
         last_drift_at TEXT
       )`,
      // Changes detected by the non-stationarity detector (each also sent through the outbox).
      `CREATE TABLE drift_events (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         arm_id TEXT NOT NULL,
         detector TEXT NOT NULL,
         statistic REAL NOT NULL,
         detected_at TEXT NOT NULL
       )`,
    ],
  },
  {
    version: 3,
    statements: [
      // The pushed network (JSON of the push's `network` without its nodes), null without one.
      `ALTER TABLE allocation ADD COLUMN network TEXT`,
      // node -> cluster and treatment index of the network in force; replaced with each push.
      `CREATE TABLE network_nodes (
         node_id TEXT PRIMARY KEY,
         cluster_id TEXT NOT NULL,
         treatment INTEGER NOT NULL
       )`,
    ],
  },
];

/** The schema version this code expects. */
export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** Applies every migration above the recorded version; returns the version now in force. */
export function applyMigrations(storage: DurableObjectStorage): number {
  const sql = storage.sql;
  sql.exec(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`);
  const row = sql.exec<{ version: number }>(`SELECT max(version) AS version FROM schema_version`).one();
  let current = row.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(`stored schema version ${current} is newer than this code's ${SCHEMA_VERSION}; refusing to run`);
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    storage.transactionSync(() => {
      for (const statement of migration.statements) sql.exec(statement);
      sql.exec(`DELETE FROM schema_version`);
      sql.exec(`INSERT INTO schema_version (version) VALUES (?)`, migration.version);
    });
    current = migration.version;
  }
  return current;
}
