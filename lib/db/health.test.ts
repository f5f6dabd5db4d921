import fs from "node:fs";
import { afterEach, expect, it } from "vitest";
import { checkDatabase } from "./health";
import { closeDb, getDb, openedDatabase } from "./sqlite";

afterEach(() => closeDb());

function removeDatabaseFiles(file: string) {
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
}

it("is healthy while the open file is the one at the path", () => {
  getDb();
  expect(checkDatabase()).toEqual({ ok: true });
});

it("notices the file removed from under an open connection, though queries on it still succeed", () => {
  const db = getDb();
  removeDatabaseFiles(openedDatabase()!.path);
  expect(db.prepare("SELECT 1 FROM sagas LIMIT 1").all()).toBeDefined();
  expect(checkDatabase()).toEqual({ ok: false, reason: "Database file was removed while the server was running" });
});

it("notices the file replaced by another one", () => {
  getDb();
  const file = openedDatabase()!.path;
  removeDatabaseFiles(file);
  fs.writeFileSync(file, "");
  expect(checkDatabase()).toEqual({ ok: false, reason: "Database file was replaced while the server was running" });
  fs.rmSync(file);
});

it("reports a query that fails", () => {
  getDb().exec("DROP TABLE saga_events; DROP TABLE saga_steps; DROP TABLE sagas");
  const health = checkDatabase();
  expect(health.ok).toBe(false);
  expect(health.ok === false && health.reason).toMatch(/^Database query failed: no such table: sagas/);
  removeDatabaseFiles(openedDatabase()!.path);
});
