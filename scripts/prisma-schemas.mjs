// The data model is written once, in prisma/schema.prisma (SQLite). Prisma takes one provider per schema
// (an env() provider is refused, P1012) and a generated client refuses another provider's adapter, so
// PostgreSQL gets a schema of its own, derived from that one: the same models, another datasource and
// another client. lib/db/schema-postgres.test.ts checks that the two differ only there.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const sqliteSchema = path.join(root, "prisma", "schema.prisma");
export const postgresSchema = path.join(root, "prisma", "postgresql", "schema.prisma");

const HEADER =
  "// GENERATED from prisma/schema.prisma by scripts/prisma-schemas.mjs (npm install runs it): edit that file, not this one.\n";

/** The PostgreSQL schema for a SQLite one: its datasource's provider and its client's output differ, nothing else. */
export function postgresFrom(sqlite) {
  const provider = 'provider = "sqlite"';
  const output = 'output       = "../lib/generated/prisma"';
  if (!sqlite.includes(provider) || !sqlite.includes(output))
    throw new Error("prisma/schema.prisma: its datasource provider or client output is not where scripts/prisma-schemas.mjs expects it");
  return HEADER + sqlite.replace(provider, 'provider = "postgresql"').replace(output, 'output       = "../../lib/generated/prisma-pg"');
}

/** Writes prisma/postgresql/schema.prisma when it is missing or stale; true when it wrote. */
export function writePostgresSchema() {
  const wanted = postgresFrom(fs.readFileSync(sqliteSchema, "utf8"));
  if (fs.existsSync(postgresSchema) && fs.readFileSync(postgresSchema, "utf8") === wanted) return false;
  fs.mkdirSync(path.dirname(postgresSchema), { recursive: true });
  fs.writeFileSync(postgresSchema, wanted);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writePostgresSchema();
