// drizzle-kit configuration: `npx drizzle-kit generate` (from control-plane/) writes SQL
// migrations from src/db/schema into src/db/migrations, which are committed and applied at
// start-up by drizzle's migrate(). "turso" is drizzle-kit's dialect for libSQL.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "turso",
  schema: "./src/db/schema",
  out: "./src/db/migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "file:./data/mvx.db" },
});
