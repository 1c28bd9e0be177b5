// The libSQL connection: one drizzle handle over @libsql/client for `file:`, `:memory:` and remote
// (`libsql://`, `http(s)://`, sqld or Turso) URLs, and the start-up migration from the committed
// drizzle-kit output in ./migrations.

import { createClient, type Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { fileURLToPath } from "node:url";
import * as schema from "./schema/index.js";

export type Db = LibSQLDatabase<typeof schema> & { $client: Client };

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

function isLocal(url: string): boolean {
  return url === ":memory:" || url.startsWith("file:");
}

/**
 * Opens the database at `url`. Local databases get one connection: the native driver is
 * synchronous, so a pool would add no parallelism, and per-connection settings (foreign keys,
 * busy timeout) then hold for every statement. Writes that must be atomic use `db.batch`, which
 * is one implicit transaction locally and one round trip remotely.
 */
export async function createDb(url: string, authToken?: string): Promise<Db> {
  const local = isLocal(url);
  const client = createClient({ url, ...(authToken ? { authToken } : {}), ...(local ? { concurrency: 1 } : {}) });
  if (local) {
    await client.execute("PRAGMA foreign_keys = ON");
    if (url.startsWith("file:") && !url.includes(":memory:")) {
      await client.execute("PRAGMA busy_timeout = 5000");
      await client.execute("PRAGMA journal_mode = WAL");
    }
  }
  return drizzle(client, { schema }) as Db;
}

/**
 * Applies every pending migration of ./migrations (idempotent). Against a shared server another
 * process may be applying the same migrations at the same moment; the loser's batch fails and is
 * retried, and then finds them recorded.
 */
export async function migrateDb(db: Db, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
      return;
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** i));
    }
  }
}

/** createDb + migrateDb: a ready-to-use database. */
export async function openDb(url: string, authToken?: string): Promise<Db> {
  const db = await createDb(url, authToken);
  await migrateDb(db);
  return db;
}
