// For lib/db/schema.test.ts: what the migrations actually created, read back from SQLite's own catalogue
// (PRAGMA table_info, index_list, index_xinfo, foreign_key_list), compared in both directions with what
// schema.prisma says Prisma would create. Each difference is one human-readable line.
import type Database from "better-sqlite3";
import { describeForeignKey, expectedTables, type Table } from "./expected-tables";
import { parseSchema } from "./prisma-schema";

function actualTables(db: Database.Database): { tables: Map<string, Table>; differences: string[] } {
  const differences: string[] = [];
  const tables = new Map<string, Table>();
  const objects = db
    .prepare(`SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`)
    .all() as { type: string; name: string; sql: string | null }[];
  for (const object of objects) {
    // Views and triggers are nothing schema.prisma can describe: a migration creating one disagrees with it.
    if (object.type === "view" || object.type === "trigger") {
      differences.push(`${object.type} "${object.name}": created by the migrations, schema.prisma cannot describe it`);
    }
    if (object.type !== "table") continue;
    const q = JSON.stringify(object.name); // a double-quoted identifier for the PRAGMAs
    const columns = db.prepare(`PRAGMA table_info(${q})`).all() as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }[];
    const table: Table = {
      name: object.name,
      columns: new Map(columns.map((c) => [c.name, { type: c.type.toUpperCase(), notNull: c.notnull === 1, defaultValue: c.dflt_value }])),
      primaryKey: columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      // The catalogue records AUTOINCREMENT nowhere but in the table's CREATE statement.
      autoincrement: /\bAUTOINCREMENT\b/i.test(object.sql ?? ""),
      indexes: new Map(),
      foreignKeys: [],
    };

    const indexes = db.prepare(`PRAGMA index_list(${q})`).all() as { name: string; unique: number; origin: string; partial: number }[];
    for (const index of indexes) {
      // origin "pk": the automatic index behind a non-INTEGER primary key, checked with the primary key.
      if (index.origin === "pk") continue;
      // origin "u": an inline UNIQUE constraint's unnamed sqlite_autoindex_*; Prisma always writes named
      // CREATE UNIQUE INDEX statements instead, so it is a difference even if the columns are right.
      if (index.origin === "u") {
        differences.push(`${table.name}: index ${index.name} comes from an inline UNIQUE constraint, Prisma creates named unique indexes`);
      }
      if (index.partial) differences.push(`${table.name}: index ${index.name} is partial, schema.prisma cannot describe that`);
      const keys = (
        db.prepare(`PRAGMA index_xinfo(${JSON.stringify(index.name)})`).all() as { name: string | null; desc: number; key: number }[]
      )
        .filter((k) => k.key === 1)
        .map((k) => `${k.name ?? "<expression>"}${k.desc ? " DESC" : ""}`);
      table.indexes.set(index.name, { unique: index.unique === 1, columns: keys });
    }

    const fkRows = db.prepare(`PRAGMA foreign_key_list(${q})`).all() as {
      id: number;
      seq: number;
      table: string;
      from: string;
      to: string | null;
      on_update: string;
      on_delete: string;
    }[];
    for (const id of [...new Set(fkRows.map((r) => r.id))]) {
      const rows = fkRows.filter((r) => r.id === id).sort((a, b) => a.seq - b.seq);
      table.foreignKeys.push(
        describeForeignKey(
          rows.map((r) => r.from),
          rows[0].table,
          // `to` is null when the REFERENCES clause names no columns (the parent's primary key is meant).
          rows.map((r) => r.to ?? "<primary key>"),
          rows[0].on_delete,
          rows[0].on_update,
        ),
      );
    }
    tables.set(table.name, table);
  }
  return { tables, differences };
}

const show = (value: unknown) => (value === null ? "none" : JSON.stringify(value));

export function compare(schemaSource: string, db: Database.Database): string[] {
  const expected = expectedTables(parseSchema(schemaSource));
  const { tables: actual, differences } = actualTables(db);

  for (const name of expected.keys()) {
    if (!actual.has(name)) differences.push(`table ${name}: in schema.prisma, not created by the migrations`);
  }
  for (const name of actual.keys()) {
    if (!expected.has(name)) differences.push(`table ${name}: created by the migrations, no model in schema.prisma maps to it`);
  }

  for (const [name, want] of expected) {
    const have = actual.get(name);
    if (!have) continue;

    for (const [column, spec] of want.columns) {
      const got = have.columns.get(column);
      if (!got) {
        differences.push(`${name}.${column}: in schema.prisma, not created by the migrations`);
        continue;
      }
      if (got.type !== spec.type)
        differences.push(`${name}.${column}: type is ${got.type} in the migrations, ${spec.type} in schema.prisma`);
      if (got.notNull !== spec.notNull) {
        differences.push(
          `${name}.${column}: ${got.notNull ? "NOT NULL" : "nullable"} in the migrations, ${spec.notNull ? "NOT NULL" : "nullable"} in schema.prisma`,
        );
      }
      if (got.defaultValue !== spec.defaultValue) {
        differences.push(
          `${name}.${column}: default is ${show(got.defaultValue)} in the migrations, ${show(spec.defaultValue)} in schema.prisma`,
        );
      }
    }
    for (const column of have.columns.keys()) {
      if (!want.columns.has(column)) differences.push(`${name}.${column}: created by the migrations, no field in schema.prisma maps to it`);
    }

    if (show(have.primaryKey) !== show(want.primaryKey)) {
      differences.push(`${name}: primary key is ${show(have.primaryKey)} in the migrations, ${show(want.primaryKey)} in schema.prisma`);
    }
    if (have.autoincrement !== want.autoincrement) {
      differences.push(
        `${name}: primary key is ${have.autoincrement ? "" : "not "}AUTOINCREMENT in the migrations, ${want.autoincrement ? "" : "not "}in schema.prisma`,
      );
    }

    for (const [index, spec] of want.indexes) {
      const got = have.indexes.get(index);
      const kind = spec.unique ? "unique index" : "index";
      if (!got) {
        differences.push(`${name}: ${kind} ${index} ${show(spec.columns)} is in schema.prisma, not created by the migrations`);
        continue;
      }
      if (got.unique !== spec.unique)
        differences.push(
          `${name}: index ${index} is ${got.unique ? "" : "not "}UNIQUE in the migrations, ${spec.unique ? "" : "not "}in schema.prisma`,
        );
      if (show(got.columns) !== show(spec.columns)) {
        differences.push(`${name}: index ${index} is on ${show(got.columns)} in the migrations, ${show(spec.columns)} in schema.prisma`);
      }
    }
    for (const [index, got] of have.indexes) {
      if (!want.indexes.has(index)) {
        differences.push(
          `${name}: ${got.unique ? "unique index" : "index"} ${index} ${show(got.columns)} is created by the migrations, not in schema.prisma`,
        );
      }
    }

    // Compared as multisets of canonical descriptions: a changed action shows as one missing and one extra.
    const unmatched = [...have.foreignKeys];
    for (const fk of want.foreignKeys) {
      const at = unmatched.indexOf(fk);
      if (at >= 0) unmatched.splice(at, 1);
      else differences.push(`${name}: foreign key ${fk} is in schema.prisma, not created by the migrations`);
    }
    for (const fk of unmatched) differences.push(`${name}: foreign key ${fk} is created by the migrations, not in schema.prisma`);
  }
  return differences;
}
