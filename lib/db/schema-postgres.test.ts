// The PostgreSQL side of the schema's agreement. lib/db/schema.test.ts proves that schema.prisma and the
// SQLite migrations describe the same tables; here, that prisma/postgresql/schema.prisma is schema.prisma
// with only the provider and the client's output changed, and that the PostgreSQL migrations, applied to
// a real server, create the same tables as the SQLite ones: columns (type, null), primary keys, indexes
// and foreign keys. (Runs in the PostgreSQL project.)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { migrateFile } from "./migrate-sqlite";
import { migratePostgres } from "./migrate-postgres";
// @ts-expect-error: a plain ES module shared with `npm install`
import { postgresFrom, postgresSchema, sqliteSchema } from "../../scripts/prisma-schemas.mjs";

const root = path.resolve(import.meta.dirname, "../..");

interface Shape {
  columns: Record<string, string>;
  primaryKey: string[];
  indexes: Record<string, string>;
  foreignKeys: string[];
}

// A column's type by family: each provider spells them its own way.
const family = (type: string) =>
  /^(text|character varying)$/i.test(type)
    ? "text"
    : /^(integer|int4)$/i.test(type)
      ? "integer"
      : /^(datetime|timestamp)/i.test(type)
        ? "timestamp"
        : type.toLowerCase();

function sqliteShape(file: string): Record<string, Shape> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (
      db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`)
        .all() as { name: string }[]
    ).map((t) => t.name);
    return Object.fromEntries(
      tables.map((table) => {
        const columns = db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; type: string; notnull: number; pk: number }[];
        const indexes = (db.prepare(`PRAGMA index_list("${table}")`).all() as { name: string; unique: number; origin: string }[]).filter(
          (i) => i.origin !== "pk",
        );
        const fks = db.prepare(`PRAGMA foreign_key_list("${table}")`).all() as {
          table: string;
          from: string;
          to: string;
          on_delete: string;
        }[];
        return [
          table,
          {
            // An INTEGER PRIMARY KEY is NOT NULL whatever PRAGMA says.
            columns: Object.fromEntries(columns.map((c) => [c.name, `${family(c.type)}${c.notnull || c.pk ? " not null" : ""}`])),
            primaryKey: columns
              .filter((c) => c.pk > 0)
              .sort((a, b) => a.pk - b.pk)
              .map((c) => c.name),
            indexes: Object.fromEntries(
              indexes.map((i) => [
                i.name,
                `${i.unique ? "unique " : ""}(${(db.prepare(`PRAGMA index_info("${i.name}")`).all() as { name: string }[]).map((k) => k.name).join(", ")})`,
              ]),
            ),
            foreignKeys: fks.map((f) => `${f.from} -> ${f.table}.${f.to} on delete ${f.on_delete.toLowerCase()}`).sort(),
          },
        ];
      }),
    );
  } finally {
    db.close();
  }
}

async function postgresShape(url: string): Promise<Record<string, Shape>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: columns } = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const { rows: keys } = await client.query<{ table: string; index: string; primary: boolean; unique: boolean; columns: string[] }>(
      `SELECT t.relname AS table, i.relname AS index, x.indisprimary AS primary, x.indisunique AS unique,
              array_agg(a.attname ORDER BY k.n) AS columns
         FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_namespace s ON s.oid = t.relnamespace
         CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        WHERE s.nspname = 'public' AND t.relname <> '_prisma_migrations'
        GROUP BY t.relname, i.relname, x.indisprimary, x.indisunique`,
    );
    const { rows: fks } = await client.query<{ table: string; from: string; target: string; to: string; on_delete: string }>(
      `SELECT c.conrelid::regclass::text AS table, a.attname AS from, c.confrelid::regclass::text AS target, b.attname AS to,
              CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'n' THEN 'set null' ELSE 'set default' END AS on_delete
         FROM pg_constraint c
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1]
        WHERE c.contype = 'f'`,
    );
    const shape: Record<string, Shape> = {};
    for (const c of columns) {
      shape[c.table_name] ??= { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [] };
      shape[c.table_name].columns[c.column_name] = `${family(c.data_type)}${c.is_nullable === "NO" ? " not null" : ""}`;
    }
    for (const k of keys) {
      const columns = typeof k.columns === "string" ? (k.columns as string).replace(/^\{|\}$/g, "").split(",") : k.columns;
      if (k.primary) shape[k.table].primaryKey = columns;
      else shape[k.table].indexes[k.index] = `${k.unique ? "unique " : ""}(${columns.join(", ")})`;
    }
    for (const f of fks) shape[f.table].foreignKeys.push(`${f.from} -> ${f.target}.${f.to} on delete ${f.on_delete}`);
    for (const table of Object.values(shape)) table.foreignKeys.sort();
    return shape;
  } finally {
    await client.end();
  }
}

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "saga-studio-schemas-"));
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

it("prisma/postgresql/schema.prisma is schema.prisma with only the provider and the client's output changed", () => {
  const sqlite = fs.readFileSync(sqliteSchema, "utf8");
  const postgres = fs.readFileSync(postgresSchema, "utf8");
  expect(postgres).toBe(postgresFrom(sqlite));
  const changed = postgres
    .split("\n")
    .slice(1)
    .filter((line, i) => line !== sqlite.split("\n")[i]);
  expect(changed.map((line) => line.trim())).toEqual(['output       = "../../lib/generated/prisma-pg"', 'provider = "postgresql"']);
});

it("the PostgreSQL migrations make the same tables as the SQLite ones: columns, keys, indexes, foreign keys", async () => {
  const file = path.join(tempDir, "schema.db");
  migrateFile(file, path.join(root, "prisma", "migrations"));
  const url = process.env.DATABASE_URL!;
  expect(url).toMatch(/^postgresql:/);
  await migratePostgres(url, path.join(root, "prisma", "postgresql", "migrations"));
  const sqlite = sqliteShape(file);
  expect(Object.keys(sqlite).sort()).toEqual(
    [
      ...["accounts", "idempotency_keys", "orders", "products", "saga_events", "saga_steps", "sagas", "worlds"],
      // The services' own (lib/services).
      ...["inventory_service_requests", "inventory_service_reservations", "inventory_service_stock"],
      ...["payment_service_accounts", "payment_service_charges", "payment_service_ledger", "payment_service_requests"],
      ...["shipping_service_addresses", "shipping_service_requests", "shipping_service_shipments"],
    ].sort(),
  );
  expect(sqlite.sagas.indexes).toMatchObject({ sagas_scope_status_created_at_id_idx: "(scope, status, created_at, id)" });
  expect(sqlite.products.foreignKeys).toEqual(["world_id -> worlds.id on delete cascade"]);
  expect(await postgresShape(url)).toEqual(sqlite);
});
