/**
 * The process's one read-write SQLite connection. Every write of the app goes through it, in
 * synchronous better-sqlite3 transactions: a transaction runs start to finish inside one turn of the
 * event loop, so no two can interleave and no lock is ever held across an `await`.
 *
 * Durability: WAL with synchronous=NORMAL. A commit is in the WAL file before the call returns, so a
 * process crash (even SIGKILL) loses no committed transition; only an OS crash or power cut could lose
 * the last few, which FULL would prevent at the cost of an fsync per transition.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { databasePath, migrationsDir } from "./config";
import { applyMigrations } from "./migrate";

export type Db = Database.Database;

/** Which file on disk a path named when it was opened: a file removed or replaced later has another (or none). */
export interface FileIdentity {
  dev: number;
  ino: number;
}

const globalForDb = globalThis as unknown as { sagaStudioDb?: { path: string; db: Db; identity?: FileIdentity } };

export function openDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  applyMigrations(db, migrationsDir());
  return db;
}

/** The shared connection, opened (and migrated) on first use. */
export function getDb(): Db {
  const file = databasePath();
  const current = globalForDb.sagaStudioDb;
  if (current && current.path === file && current.db.open) return current.db;
  const db = openDatabase(file);
  const { dev, ino } = fs.statSync(file);
  globalForDb.sagaStudioDb = { path: file, db, identity: { dev, ino } };
  return db;
}

/** The shared connection's file and its identity when opened, if a connection is open (for the health check). */
export function openedDatabase(): { path: string; db: Db; identity?: FileIdentity } | undefined {
  const current = globalForDb.sagaStudioDb;
  return current?.db.open ? current : undefined;
}

/** Runs `fn` in an IMMEDIATE transaction: it takes the write lock up front, so it never fails half-way on a lock. */
export function transaction<T>(fn: (db: Db) => T): T {
  const db = getDb();
  return db.transaction(() => fn(db)).immediate();
}

export function closeDb(): void {
  globalForDb.sagaStudioDb?.db.close();
  globalForDb.sagaStudioDb = undefined;
}
