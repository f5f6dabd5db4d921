import fs from "node:fs";
import { afterEach, expect, it } from "vitest";
import { closeDatabase, database } from "./client";
import { checkDatabase } from "./health";

afterEach(() => closeDatabase());

function removeDatabaseFiles(file: string) {
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
}

it("is healthy while the open file is the one at the path", async () => {
  await database();
  expect(await checkDatabase()).toEqual({ ok: true });
});

it("notices the file removed from under the open connections", async () => {
  const db = await database();
  removeDatabaseFiles(db.file);
  expect(await checkDatabase()).toEqual({ ok: false, reason: "Database file was removed while the server was running" });
});

it("notices the file replaced by another one", async () => {
  const db = await database();
  removeDatabaseFiles(db.file);
  fs.writeFileSync(db.file, "");
  expect(await checkDatabase()).toEqual({ ok: false, reason: "Database file was replaced while the server was running" });
  fs.rmSync(db.file);
});

it("reports a query that fails", async () => {
  const db = await database();
  // A table the app needs, gone: no model API drops a table, so this is raw SQL (lib/db may use it).
  await db.write((tx) => tx.$executeRawUnsafe("DROP TABLE saga_events"));
  await db.write((tx) => tx.$executeRawUnsafe("DROP TABLE saga_steps"));
  await db.write((tx) => tx.$executeRawUnsafe("DROP TABLE orders"));
  await db.write((tx) => tx.$executeRawUnsafe("DROP TABLE sagas"));
  const health = await checkDatabase();
  expect(health.ok).toBe(false);
  expect(health.ok === false && health.reason).toMatch(/^Database query failed: .*(no such table|does not exist)/);
  removeDatabaseFiles(db.file);
});
