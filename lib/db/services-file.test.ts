// The services' own SQLite file: migrated, and given the rows an earlier app left for them in its file,
// once, and never lost when a start stops between the copy and the delete.
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { migrationsDir } from "./config";
import { migrateFile } from "./migrate-sqlite";
import { prepareServicesFile } from "./services-file";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "saga-studio-services-file-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const at = Date.UTC(2026, 11, 7);

/** An app's file as the app before the services' thread left it: their rows in its own tables. */
function appFileWithServicesRows(): string {
  const file = path.join(dir, `${randomUUID()}.db`);
  migrateFile(file, migrationsDir("sqlite"));
  const db = new Database(file);
  db.prepare(
    `INSERT INTO inventory_service_stock (world_id, product_id, available, updated_at) VALUES ('default', 'product_1', 93, ?)`,
  ).run(at);
  db.prepare(
    `INSERT INTO payment_service_accounts (world_id, account_id, balance_cents, updated_at) VALUES ('default', 'user_1', 98000, ?)`,
  ).run(at);
  db.prepare(
    `INSERT INTO payment_service_ledger (world_id, order_id, account_id, kind, amount_cents, created_at) VALUES ('default', 'o-1', 'user_1', 'charge', -2000, ?)`,
  ).run(at);
  db.close();
  return file;
}

/** Puts `from`'s file in place of `to`'s. */
function restore(to: string, from: string): void {
  fs.copyFileSync(from, to);
  for (const suffix of ["-wal", "-shm"]) fs.rmSync(to + suffix, { force: true });
}

const rows = (file: string, sql: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
};
const stock = `SELECT product_id, available FROM inventory_service_stock`;
const ledger = `SELECT order_id, kind, amount_cents FROM payment_service_ledger`;

it("moves the services' rows out of the app's file into theirs, once", () => {
  const app = appFileWithServicesRows();
  const services = path.join(dir, `${randomUUID()}-services.db`);
  expect(prepareServicesFile(app, services, migrationsDir("sqlite"))).toBe(3);
  expect(rows(services, stock)).toEqual([{ product_id: "product_1", available: 93 }]);
  expect(rows(services, `SELECT account_id, balance_cents FROM payment_service_accounts`)).toEqual([
    { account_id: "user_1", balance_cents: 98000 },
  ]);
  expect(rows(services, ledger)).toEqual([{ order_id: "o-1", kind: "charge", amount_cents: -2000 }]);
  expect([rows(app, stock), rows(app, ledger)]).toEqual([[], []]);
  // The next start finds nothing to move, and the services' rows stay as they are, changed since or not.
  const db = new Database(services);
  db.prepare(`UPDATE inventory_service_stock SET available = 92`).run();
  db.close();
  expect(prepareServicesFile(app, services, migrationsDir("sqlite"))).toBe(0);
  expect(rows(services, stock)).toEqual([{ product_id: "product_1", available: 92 }]);
});

it("a start that stopped after the copy, before the delete: the next one deletes them from the app's file", () => {
  const app = appFileWithServicesRows();
  const services = path.join(dir, `${randomUUID()}-services.db`);
  prepareServicesFile(app, services, migrationsDir("sqlite"));
  // As if the delete had not happened: the app's file holds the same rows again.
  restore(app, appFileWithServicesRows());
  expect(prepareServicesFile(app, services, migrationsDir("sqlite"))).toBe(0);
  expect(rows(services, stock)).toEqual([{ product_id: "product_1", available: 93 }]);
  expect(rows(services, ledger)).toHaveLength(1);
  expect([rows(app, stock), rows(app, ledger)]).toEqual([[], []]);
});

it("rows the services' file lacks, written into the app's file after the move, stop the start and stay where they are", () => {
  const app = appFileWithServicesRows();
  const services = path.join(dir, `${randomUUID()}-services.db`);
  prepareServicesFile(app, services, migrationsDir("sqlite"));
  // An earlier version run on the app's file since: it seeded stock anew and wrote a ledger row of its own.
  restore(app, appFileWithServicesRows());
  const db = new Database(app);
  db.prepare(`UPDATE inventory_service_stock SET available = 100`).run();
  db.close();
  expect(() => prepareServicesFile(app, services, migrationsDir("sqlite"))).toThrow(
    /holds rows of the services \(inventory_service_stock\) that their own file, .* does not/,
  );
  expect(rows(app, stock)).toEqual([{ product_id: "product_1", available: 100 }]);
  expect(rows(services, stock)).toEqual([{ product_id: "product_1", available: 93 }]);
});

it("a new database: the services' file is made and migrated, and nothing moves", () => {
  const app = path.join(dir, `${randomUUID()}.db`);
  migrateFile(app, migrationsDir("sqlite"));
  const services = path.join(dir, `${randomUUID()}-services.db`);
  expect(prepareServicesFile(app, services, migrationsDir("sqlite"))).toBe(0);
  expect(rows(services, `SELECT COUNT(*) AS n FROM _prisma_migrations`)).toEqual(rows(app, `SELECT COUNT(*) AS n FROM _prisma_migrations`));
});
