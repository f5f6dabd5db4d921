// Proves that prisma/schema.prisma and the hand-written migrations under prisma/migrations describe the
// same database, the check `prisma migrate diff --from-migrations ... --to-schema ...` would make if its
// engine could run here (it cannot: the binary is downloaded on first use).
//
// How: apply the migrations with the app's own runner to a fresh SQLite file, parse schema.prisma with a
// small parser (tests/schema/prisma-schema.ts), derive the tables, columns, indexes and foreign keys
// Prisma would create for it on SQLite (tests/schema/expected-tables.ts), and compare both ways with what
// SQLite's catalogue says the migrations actually created (tests/schema/compare.ts).
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { compare } from "../../tests/schema/compare";
import { parseSchema } from "../../tests/schema/prisma-schema";
import { readMigrations } from "./migrate";
import { applyMigrations } from "./migrate-sqlite";

const root = path.resolve(import.meta.dirname, "../..");
const schemaFile = path.join(root, "prisma", "schema.prisma");
const migrationsDir = path.join(root, "prisma", "migrations");
const schemaText = fs.readFileSync(schemaFile, "utf8");

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "saga-studio-schema-"));
const opened: Database.Database[] = [];

/** A fresh SQLite file with every migration applied by the app's own runner. */
function migratedDb(): Database.Database {
  const db = new Database(path.join(tempDir, `${opened.length}.db`));
  opened.push(db);
  applyMigrations(db, migrationsDir);
  return db;
}

afterAll(() => {
  for (const db of opened) db.close();
  fs.rmSync(tempDir, { recursive: true, force: true });
});

/** The schema with one exact piece of text replaced; fails if the text is not there, so no mutation is a no-op. */
function alter(from: string, to: string): string {
  expect(schemaText.split(from)).toHaveLength(2);
  return schemaText.replace(from, to);
}

describe("schema.prisma and prisma/migrations", () => {
  it("the parser reads every model of schema.prisma", () => {
    const schema = parseSchema(schemaText);
    expect(schema.provider).toBe("sqlite");
    const declared = [...schemaText.matchAll(/^model\s+(\w+)/gm)].map((m) => m[1]);
    expect(schema.models.map((m) => m.name)).toEqual(declared);
    expect(declared.length).toBeGreaterThan(0);
  });

  it("describe the same tables, columns, keys, indexes and foreign keys", () => {
    expect(compare(schemaText, migratedDb())).toEqual([]);
  });
});

describe("the comparison notices a disagreement", () => {
  // Each case changes schema.prisma in one way; the comparison must report exactly what changed.
  it.each([
    {
      change: "an extra field",
      schema: () => alter("  available Int\n", "  available Int\n  sku       String\n"),
      differences: ["inventory_service_stock.sku: in schema.prisma, not created by the migrations"],
    },
    {
      change: "a dropped @@index",
      schema: () => alter("  @@index([scope, status, createdAt, id])\n", ""),
      differences: [
        'sagas: index sagas_scope_status_created_at_id_idx ["scope","status","created_at","id"] is created by the migrations, not in schema.prisma',
      ],
    },
    {
      change: "a dropped @unique",
      schema: () => alter("  id          String   @unique\n", "  id          String\n"),
      differences: ['orders: unique index orders_id_key ["id"] is created by the migrations, not in schema.prisma'],
    },
    {
      change: "@@index columns in another order",
      schema: () => alter("@@index([sagaId, id])", "@@index([id, sagaId])"),
      differences: [
        'saga_events: index saga_events_id_saga_id_idx ["id","saga_id"] is in schema.prisma, not created by the migrations',
        'saga_events: index saga_events_saga_id_id_idx ["saga_id","id"] is created by the migrations, not in schema.prisma',
      ],
    },
    {
      change: "a required field made optional",
      schema: () => alter("  name            String\n", "  name            String?\n"),
      differences: ["accounts.name: NOT NULL in the migrations, nullable in schema.prisma"],
    },
    {
      change: "another type",
      schema: () => alter("  available Int\n", "  available BigInt\n"),
      differences: ["inventory_service_stock.available: type is INTEGER in the migrations, BIGINT in schema.prisma"],
    },
    {
      change: "another default",
      schema: () => alter("attempts              Int       @default(0)", "attempts              Int       @default(1)"),
      differences: ['saga_steps.attempts: default is "0" in the migrations, "1" in schema.prisma'],
    },
    {
      change: "another column name",
      schema: () => alter('@map("balance_cents")', '@map("balance")'),
      differences: [
        "payment_service_accounts.balance: in schema.prisma, not created by the migrations",
        "payment_service_accounts.balance_cents: created by the migrations, no field in schema.prisma maps to it",
      ],
    },
    {
      change: "another table name",
      schema: () => alter('@@map("shipping_service_shipments")', '@@map("shipping_service_shipment")'),
      differences: [
        "table shipping_service_shipment: in schema.prisma, not created by the migrations",
        "table shipping_service_shipments: created by the migrations, no model in schema.prisma maps to it",
      ],
    },
    {
      change: "a composite primary key in another order",
      schema: () => alter("@@id([sagaId, position])", "@@id([position, sagaId])"),
      differences: ['saga_steps: primary key is ["saga_id","position"] in the migrations, ["position","saga_id"] in schema.prisma'],
    },
    {
      change: "no autoincrement",
      schema: () => alter("  id        Int      @id @default(autoincrement())\n", "  id        Int      @id\n"),
      differences: ["saga_events: primary key is AUTOINCREMENT in the migrations, not in schema.prisma"],
    },
    {
      change: "the default onDelete instead of Cascade",
      schema: () =>
        alter(
          "saga                  Saga      @relation(fields: [sagaId], references: [id], onDelete: Cascade)",
          "saga                  Saga      @relation(fields: [sagaId], references: [id])",
        ),
      differences: [
        "saga_steps: foreign key (saga_id) REFERENCES sagas (id) ON DELETE RESTRICT ON UPDATE CASCADE is in schema.prisma, not created by the migrations",
        "saga_steps: foreign key (saga_id) REFERENCES sagas (id) ON DELETE CASCADE ON UPDATE CASCADE is created by the migrations, not in schema.prisma",
      ],
    },
  ])("in schema.prisma: $change", ({ schema, differences }) => {
    expect(compare(schema(), migratedDb())).toEqual(differences);
  });

  // And the other direction: the migrations create something schema.prisma does not describe.
  it.each([
    {
      change: "an extra table",
      sql: `CREATE TABLE "audit" ("id" INTEGER NOT NULL PRIMARY KEY)`,
      differences: ["table audit: created by the migrations, no model in schema.prisma maps to it"],
    },
    {
      change: "an extra column",
      sql: `ALTER TABLE "payment_service_charges" ADD COLUMN "note" TEXT`,
      differences: ["payment_service_charges.note: created by the migrations, no field in schema.prisma maps to it"],
    },
    {
      change: "an extra index",
      sql: `CREATE INDEX "orders_status_idx" ON "orders"("status")`,
      differences: ['orders: index orders_status_idx ["status"] is created by the migrations, not in schema.prisma'],
    },
    {
      change: "a missing index",
      sql: `DROP INDEX "payment_service_ledger_world_id_id_idx"`,
      differences: [
        'payment_service_ledger: index payment_service_ledger_world_id_id_idx ["world_id","id"] is in schema.prisma, not created by the migrations',
      ],
    },
    {
      change: "a trigger",
      sql: `CREATE TRIGGER "touch" AFTER INSERT ON "products" BEGIN SELECT 1; END`,
      differences: ['trigger "touch": created by the migrations, schema.prisma cannot describe it'],
    },
  ])("in the database: $change", ({ sql, differences }) => {
    const db = migratedDb();
    db.exec(sql);
    expect(compare(schemaText, db)).toEqual(differences);
  });

  it("refuses schema syntax it does not understand instead of ignoring it", () => {
    expect(() => compare(alter("  available Int\n", "  available Int @db.Whatever\n"), migratedDb())).toThrow(
      /does not understand @db.Whatever/,
    );
    expect(() => compare(`${schemaText}\nenum Status {\n  A\n}\n`, migratedDb())).toThrow(/does not understand "enum" blocks/);
  });
});

describe("the migration runner's bookkeeping", () => {
  it("records each migration in _prisma_migrations the way `prisma migrate deploy` does", () => {
    const directories = fs
      .readdirSync(migrationsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(directories.length).toBeGreaterThan(0);
    // readMigrations skips a directory without migration.sql; Prisma would refuse it, so none may lack one.
    for (const name of directories) expect(fs.existsSync(path.join(migrationsDir, name, "migration.sql"))).toBe(true);
    expect(readMigrations(migrationsDir).map((m) => m.name)).toEqual(directories);
    // Prisma refuses to deploy when migration_lock.toml names another provider than the datasource.
    expect(fs.readFileSync(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toMatch(/^provider = "sqlite"$/m);

    const before = Date.now();
    const db = new Database(path.join(tempDir, "ledger.db"));
    opened.push(db);
    expect(applyMigrations(db, migrationsDir)).toEqual(directories);
    const after = Date.now();

    const rows = db.prepare(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`).all() as Record<string, unknown>[];
    expect(rows.map((r) => r.migration_name)).toEqual(directories);
    for (const [i, row] of rows.entries()) {
      // Prisma's checksum is the sha256 of the file's bytes, in lower-case hex.
      const bytes = fs.readFileSync(path.join(migrationsDir, directories[i], "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      // Prisma's SQLite engine stores these DATETIME columns as integer epoch milliseconds.
      for (const column of ["started_at", "finished_at"]) {
        expect(Number.isInteger(row[column]), column).toBe(true);
        expect(row[column] as number).toBeGreaterThanOrEqual(before);
        expect(row[column] as number).toBeLessThanOrEqual(after);
      }
      expect(row.finished_at as number).toBeGreaterThanOrEqual(row.started_at as number);
    }

    // A second run finds everything finished: it applies nothing and writes nothing.
    expect(applyMigrations(db, migrationsDir)).toEqual([]);
    expect(db.prepare(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`).all()).toEqual(rows);
  });
});
