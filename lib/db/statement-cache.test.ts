// lib/db/statement-cache.ts reaches into Prisma's better-sqlite3 adapter: its connection at `client`,
// and only `prepare(sql).bind(args)`, then `reader`, `columns()`, `raw().all()` or `run()` on what that
// returns. Nothing checks that shape at compile time, so this does: on the version package.json pins, a
// read, a write, a statement that returns nothing and a transaction must each go through the cache. An
// update of the adapter that breaks it fails here, saying what moved, instead of in production.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import Sqlite from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PrismaClient } from "../generated/prisma/client";
import { migrationsDir } from "./config";
import { migrateFile } from "./migrate-sqlite";
import { withStatementCache } from "./statement-cache";

const root = path.resolve(import.meta.dirname, "../..");
const ADAPTER = "@prisma/adapter-better-sqlite3";
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.restoreAllMocks();
});

describe("the adapter statement-cache.ts relies on", () => {
  it("is pinned to one exact version, the one installed and locked", () => {
    const pinned: string = readJson("package.json").dependencies[ADAPTER];
    expect(
      pinned,
      `package.json must pin ${ADAPTER} to an exact version (no ^ or ~): statement-cache.ts relies on its private shape`,
    ).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readJson(`node_modules/${ADAPTER}/package.json`).version).toBe(pinned);
    expect(readJson("package-lock.json").packages[`node_modules/${ADAPTER}`].version).toBe(pinned);
  });

  it("hands its better-sqlite3 connection to the cache, and every statement goes through the cache", async () => {
    const file = path.join(os.tmpdir(), `saga-studio-statement-cache-${randomUUID()}.db`);
    cleanups.push(
      () => fs.rmSync(file, { force: true }),
      () => fs.rmSync(`${file}-wal`, { force: true }),
      () => fs.rmSync(`${file}-shm`, { force: true }),
    );
    migrateFile(file, migrationsDir());
    // Counts the real prepares, under the cache.
    const prepare = vi.spyOn(Sqlite.prototype, "prepare");
    const counter = { statements: 0 };
    let connection: unknown;
    const client = new PrismaClient({
      adapter: withStatementCache(new PrismaBetterSqlite3({ url: `file:${file}` }), counter, (opened) => (connection = opened)),
    });
    cleanups.push(() => client.$disconnect());

    const read = () => client.product.findMany({ where: { worldId: "default" }, select: { id: true, name: true } });
    expect(await read()).toEqual([]);
    expect(
      connection,
      "the adapter did not open its connection through factory.connect(), or keeps it elsewhere than `client`",
    ).toBeInstanceOf(Sqlite);
    const afterFirstRead = { statements: counter.statements, prepared: prepare.mock.calls.length };
    expect(afterFirstRead.statements, "the adapter no longer prepares its statements through `client.prepare`").toBeGreaterThan(0);

    // A transaction (BEGIN, a write, a read, COMMIT), then the same read again: each through the cache.
    const updatedAt = new Date();
    await client.$transaction(async (tx) => {
      await tx.product.create({ data: { worldId: "default", id: "p1", name: "P1", updatedAt } });
      await tx.product.updateMany({ where: { worldId: "default", id: "p1" }, data: { name: "P4" } });
      // A statement that returns no rows (the adapter runs it rather than reads it).
      await tx.$executeRaw`UPDATE products SET name = name WHERE id = 'none'`;
    });
    expect(await read()).toEqual([{ id: "p1", name: "P4" }]);
    expect(counter.statements).toBeGreaterThan(afterFirstRead.statements + 4);

    // Asked again, every statement comes from the cache: nothing more is prepared.
    const prepared = prepare.mock.calls.length;
    const counted = counter.statements;
    expect(await read()).toEqual([{ id: "p1", name: "P4" }]);
    expect(counter.statements).toBeGreaterThan(counted);
    expect(prepare.mock.calls.length, "a statement asked twice was prepared twice: the cache is bypassed").toBe(prepared);
  });
});
