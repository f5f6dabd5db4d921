/** Statements prepared once per connection and reused: preparing is most of the cost of a small query. */
import type { Statement } from "better-sqlite3";
import type { Db } from "./sqlite";

const cache = new WeakMap<Db, Map<string, Statement>>();

export function statement(db: Db, sql: string): Statement {
  let byText = cache.get(db);
  if (!byText) {
    byText = new Map();
    cache.set(db, byText);
  }
  let prepared = byText.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    byText.set(sql, prepared);
  }
  return prepared;
}

export function get<T>(db: Db, sql: string, ...params: unknown[]): T | undefined {
  return statement(db, sql).get(...params) as T | undefined;
}

export function all<T>(db: Db, sql: string, ...params: unknown[]): T[] {
  return statement(db, sql).all(...params) as T[];
}

/** Runs a write and returns how many rows it changed. */
export function run(db: Db, sql: string, ...params: unknown[]): number {
  return statement(db, sql).run(...params).changes;
}
