// Proves that prisma/schema.prisma and the hand-written migrations under prisma/migrations describe the
// same database, the check `prisma migrate diff --from-migrations ... --to-schema ...` would make if its
// engine could run here (it cannot: the binary is downloaded on first use).
//
// How: apply the migrations with the app's own runner to a fresh SQLite file, parse schema.prisma with the
// small parser below, derive the tables, columns, indexes and foreign keys Prisma would create for it on
// SQLite, and compare both ways with what SQLite's catalogue (PRAGMA table_info, index_list, index_xinfo,
// foreign_key_list) says the migrations actually created.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { readMigrations } from "./migrate";
import { applyMigrations } from "./migrate-sqlite";

const root = path.resolve(import.meta.dirname, "../..");
const schemaFile = path.join(root, "prisma", "schema.prisma");
const migrationsDir = path.join(root, "prisma", "migrations");
const schemaText = fs.readFileSync(schemaFile, "utf8");

// ---------------------------------------------------------------------------------------------------
// A small parser for the subset of the Prisma schema language the app uses. Anything outside that subset
// makes it throw rather than be silently ignored, so a later schema change cannot slip past the check.
// ---------------------------------------------------------------------------------------------------

/** One attribute, e.g. `@map("x")` or `@@index([a, b], map: "y")`, with its arguments split but not interpreted. */
interface Attr {
  name: string;
  positional: string[];
  named: Record<string, string>;
}

interface Field {
  name: string;
  type: string;
  list: boolean;
  optional: boolean;
  attrs: Attr[];
}

interface Model {
  name: string;
  fields: Field[];
  attrs: Attr[];
}

interface Schema {
  provider: string | undefined;
  models: Model[];
}

/** Drops `//` (and `///`) comments, leaving any `//` inside a string literal alone. */
function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\" && inString) i++;
    else if (line[i] === '"') inString = !inString;
    else if (!inString && line.startsWith("//", i)) return line.slice(0, i);
  }
  return line;
}

/** The index of the bracket closing the one at `open`, skipping nested brackets and string literals. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error(`unbalanced brackets in: ${text}`);
}

/** Splits on commas that are not inside brackets or strings. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[") i = closingBracket(text, i);
    else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === ",") {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part !== "");
}

function parseAttributes(text: string): Attr[] {
  const attrs: Attr[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    const match = /^@@?[A-Za-z][\w.]*/.exec(text.slice(i));
    if (!match) throw new Error(`cannot read the attributes in: ${text}`);
    i += match[0].length;
    const attr: Attr = { name: match[0], positional: [], named: {} };
    if (text[i] === "(") {
      const close = closingBracket(text, i);
      for (const arg of splitTopLevel(text.slice(i + 1, close))) {
        const named = /^(\w+)\s*:\s*([\s\S]+)$/.exec(arg);
        if (named) attr.named[named[1]] = named[2].trim();
        else attr.positional.push(arg);
      }
      i = close + 1;
    }
    attrs.push(attr);
  }
  return attrs;
}

function parseSchema(text: string): Schema {
  const schema: Schema = { provider: undefined, models: [] };
  const lines = text.split(/\r?\n/).map((line) => stripComment(line).trim());
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === "") continue;
    const block = /^(\w+)\s+(\w+)\s*\{$/.exec(lines[i]);
    if (!block) throw new Error(`unexpected line outside a block: ${lines[i]}`);
    const [, kind, name] = block;
    const body: string[] = [];
    for (i++; lines[i] !== "}"; i++) {
      if (i >= lines.length) throw new Error(`block ${kind} ${name} is never closed`);
      if (lines[i] !== "") body.push(lines[i]);
    }
    if (kind === "generator") continue; // client-side only
    if (kind === "datasource") {
      const provider = body.map((line) => /^provider\s*=\s*"([^"]*)"$/.exec(line)).find(Boolean);
      schema.provider = provider?.[1];
      continue;
    }
    // enum, view and type blocks are not supported by Prisma on SQLite (or not used here): refuse them.
    if (kind !== "model") throw new Error(`this test does not understand "${kind}" blocks (${kind} ${name})`);
    const model: Model = { name, fields: [], attrs: [] };
    for (const line of body) {
      if (line.startsWith("@@")) {
        model.attrs.push(...parseAttributes(line));
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?(?:\s+([\s\S]*))?$/.exec(line);
      if (!field) throw new Error(`cannot read the field in model ${name}: ${line}`);
      model.fields.push({
        name: field[1],
        type: field[2],
        list: field[3] !== undefined,
        optional: field[4] !== undefined,
        attrs: parseAttributes(field[5] ?? ""),
      });
    }
    schema.models.push(model);
  }
  return schema;
}

// ---------------------------------------------------------------------------------------------------
// What Prisma would create on SQLite for a parsed schema.
// ---------------------------------------------------------------------------------------------------

/** Prisma's SQLite column type for each scalar type (what `prisma migrate dev` writes in CREATE TABLE). */
const SQLITE_TYPES: Record<string, string> = {
  String: "TEXT",
  Int: "INTEGER",
  BigInt: "BIGINT",
  Float: "REAL",
  Decimal: "DECIMAL",
  Boolean: "BOOLEAN",
  DateTime: "DATETIME",
  Bytes: "BLOB",
};

/** Prisma's referential action names, as SQLite's foreign_key_list spells them. */
const ACTIONS: Record<string, string> = {
  Cascade: "CASCADE",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetNull: "SET NULL",
  SetDefault: "SET DEFAULT",
};

const FIELD_ATTRS = new Set(["@id", "@unique", "@default", "@map", "@relation", "@updatedAt"]);
const MODEL_ATTRS = new Set(["@@id", "@@unique", "@@index", "@@map"]);

interface Table {
  name: string;
  /** column name -> declared type, NOT NULL, and DEFAULT expression (null for none) */
  columns: Map<string, { type: string; notNull: boolean; defaultValue: string | null }>;
  primaryKey: string[];
  autoincrement: boolean;
  /** index name -> whether it is UNIQUE and its key columns in order ("col" or "col DESC") */
  indexes: Map<string, { unique: boolean; columns: string[] }>;
  /** one canonical line per foreign key, see describeForeignKey */
  foreignKeys: string[];
}

function unquote(literal: string): string {
  const match = /^"((?:[^"\\]|\\.)*)"$/.exec(literal.trim());
  if (!match) throw new Error(`expected a string literal, got ${literal}`);
  return JSON.parse(`"${match[1]}"`) as string;
}

/** `[a, b(sort: Desc)]` -> [{ name: "a", desc: false }, { name: "b", desc: true }] */
function fieldList(literal: string): { name: string; desc: boolean }[] {
  const match = /^\[([\s\S]*)\]$/.exec(literal.trim());
  if (!match) throw new Error(`expected a list of fields, got ${literal}`);
  return splitTopLevel(match[1]).map((item) => {
    const entry = /^(\w+)(?:\(([\s\S]*)\))?$/.exec(item);
    if (!entry) throw new Error(`cannot read the field reference ${item}`);
    const args = parseAttributes(`@x(${entry[2] ?? ""})`)[0].named;
    return { name: entry[1], desc: args.sort === "Desc" };
  });
}

function attr(attrs: Attr[], name: string): Attr | undefined {
  return attrs.find((a) => a.name === name);
}

/** An argument given by name or, failing that, at a position (`@@index([a])` and `@@index(fields: [a])` alike). */
function arg(a: Attr, name: string, position?: number): string | undefined {
  return a.named[name] ?? (position === undefined ? undefined : a.positional[position]);
}

/** The DEFAULT expression Prisma writes for a `@default(...)` value, or null when the default lives in the client. */
function sqliteDefault(value: string): string | null {
  if (/^-?\d+(\.\d+)?$/.test(value)) return value;
  if (value === "true" || value === "false") return value;
  if (value.startsWith('"')) return `'${unquote(value).replaceAll("'", "''")}'`;
  if (value === "now()") return "CURRENT_TIMESTAMP";
  if (/^(autoincrement|cuid|uuid|nanoid|ulid)\(.*\)$/.test(value)) return null;
  throw new Error(`this test does not know which DEFAULT Prisma writes for @default(${value})`);
}

function describeForeignKey(from: string[], table: string, to: string[], onDelete: string, onUpdate: string): string {
  return `(${from.join(", ")}) REFERENCES ${table} (${to.join(", ")}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;
}

function expectedTables(schema: Schema): Map<string, Table> {
  const models = new Map(schema.models.map((m) => [m.name, m]));
  const tableName = (m: Model) => {
    const map = attr(m.attrs, "@@map");
    return map ? unquote(arg(map, "name", 0)!) : m.name;
  };
  const columnName = (m: Model, fieldName: string) => {
    const field = m.fields.find((f) => f.name === fieldName);
    if (!field) throw new Error(`model ${m.name} has no field ${fieldName}`);
    const map = attr(field.attrs, "@map");
    return map ? unquote(arg(map, "name", 0)!) : field.name;
  };
  // Prisma's default constraint names join the table name and the *column* names (after @map).
  const indexName = (m: Model, a: Attr, columns: string[], suffix: string) => {
    const map = arg(a, "map");
    return map ? unquote(map) : `${tableName(m)}_${columns.join("_")}_${suffix}`;
  };

  const tables = new Map<string, Table>();
  for (const model of schema.models) {
    const table: Table = {
      name: tableName(model),
      columns: new Map(),
      primaryKey: [],
      autoincrement: false,
      indexes: new Map(),
      foreignKeys: [],
    };
    for (const a of model.attrs) {
      if (!MODEL_ATTRS.has(a.name)) throw new Error(`this test does not understand ${a.name} (model ${model.name})`);
    }

    for (const field of model.fields) {
      for (const a of field.attrs) {
        if (!FIELD_ATTRS.has(a.name)) throw new Error(`this test does not understand ${a.name} (${model.name}.${field.name})`);
      }
      const target = models.get(field.type);
      if (target) {
        // A relation field is no column; the side holding `fields:` owns the foreign key.
        const relation = attr(field.attrs, "@relation");
        const fields = relation && arg(relation, "fields");
        if (!relation || !fields) continue;
        const references = arg(relation, "references");
        if (!references) throw new Error(`${model.name}.${field.name}: @relation has fields but no references`);
        // Prisma's defaults for SQLite's foreign keys: a required relation restricts deletes, an optional
        // one sets the key to NULL; updates cascade either way.
        const onDelete = arg(relation, "onDelete") ?? (field.optional ? "SetNull" : "Restrict");
        const onUpdate = arg(relation, "onUpdate") ?? "Cascade";
        if (!ACTIONS[onDelete] || !ACTIONS[onUpdate]) throw new Error(`${model.name}.${field.name}: unknown referential action`);
        table.foreignKeys.push(
          describeForeignKey(
            fieldList(fields).map((f) => columnName(model, f.name)),
            tableName(target),
            fieldList(references).map((f) => columnName(target, f.name)),
            ACTIONS[onDelete],
            ACTIONS[onUpdate],
          ),
        );
        continue;
      }

      const type = SQLITE_TYPES[field.type];
      if (!type) throw new Error(`${model.name}.${field.name}: no known SQLite mapping for type ${field.type}`);
      if (field.list) throw new Error(`${model.name}.${field.name}: scalar lists are not supported on SQLite`);
      const column = columnName(model, field.name);
      const dflt = attr(field.attrs, "@default");
      const defaultExpr = dflt ? arg(dflt, "value", 0)! : undefined;
      table.columns.set(column, {
        type,
        notNull: !field.optional,
        defaultValue: defaultExpr === undefined ? null : sqliteDefault(defaultExpr),
      });
      if (attr(field.attrs, "@id")) {
        table.primaryKey = [column];
        // Prisma writes `INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT` for `Int @id @default(autoincrement())`.
        table.autoincrement = defaultExpr === "autoincrement()";
      }
      const unique = attr(field.attrs, "@unique");
      if (unique) table.indexes.set(indexName(model, unique, [column], "key"), { unique: true, columns: [column] });
    }

    for (const a of model.attrs) {
      if (a.name === "@@map") continue;
      const fields = fieldList(arg(a, "fields", 0)!);
      const columns = fields.map((f) => columnName(model, f.name));
      if (a.name === "@@id") {
        table.primaryKey = columns;
        continue;
      }
      const keyColumns = fields.map((f, i) => (f.desc ? `${columns[i]} DESC` : columns[i]));
      const unique = a.name === "@@unique";
      table.indexes.set(indexName(model, a, columns, unique ? "key" : "idx"), { unique, columns: keyColumns });
    }
    tables.set(table.name, table);
  }
  return tables;
}

// ---------------------------------------------------------------------------------------------------
// What the migrations actually created, read back from SQLite's own catalogue.
// ---------------------------------------------------------------------------------------------------

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
      primaryKey: columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
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
      const keys = (db.prepare(`PRAGMA index_xinfo(${JSON.stringify(index.name)})`).all() as { name: string | null; desc: number; key: number }[])
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

// ---------------------------------------------------------------------------------------------------
// The comparison, in both directions. Each difference is one human-readable line.
// ---------------------------------------------------------------------------------------------------

const show = (value: unknown) => (value === null ? "none" : JSON.stringify(value));

function compare(schemaSource: string, db: Database.Database): string[] {
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
      if (got.type !== spec.type) differences.push(`${name}.${column}: type is ${got.type} in the migrations, ${spec.type} in schema.prisma`);
      if (got.notNull !== spec.notNull) {
        differences.push(`${name}.${column}: ${got.notNull ? "NOT NULL" : "nullable"} in the migrations, ${spec.notNull ? "NOT NULL" : "nullable"} in schema.prisma`);
      }
      if (got.defaultValue !== spec.defaultValue) {
        differences.push(`${name}.${column}: default is ${show(got.defaultValue)} in the migrations, ${show(spec.defaultValue)} in schema.prisma`);
      }
    }
    for (const column of have.columns.keys()) {
      if (!want.columns.has(column)) differences.push(`${name}.${column}: created by the migrations, no field in schema.prisma maps to it`);
    }

    if (show(have.primaryKey) !== show(want.primaryKey)) {
      differences.push(`${name}: primary key is ${show(have.primaryKey)} in the migrations, ${show(want.primaryKey)} in schema.prisma`);
    }
    if (have.autoincrement !== want.autoincrement) {
      differences.push(`${name}: primary key is ${have.autoincrement ? "" : "not "}AUTOINCREMENT in the migrations, ${want.autoincrement ? "" : "not "}in schema.prisma`);
    }

    for (const [index, spec] of want.indexes) {
      const got = have.indexes.get(index);
      const kind = spec.unique ? "unique index" : "index";
      if (!got) {
        differences.push(`${name}: ${kind} ${index} ${show(spec.columns)} is in schema.prisma, not created by the migrations`);
        continue;
      }
      if (got.unique !== spec.unique) differences.push(`${name}: index ${index} is ${got.unique ? "" : "not "}UNIQUE in the migrations, ${spec.unique ? "" : "not "}in schema.prisma`);
      if (show(got.columns) !== show(spec.columns)) {
        differences.push(`${name}: index ${index} is on ${show(got.columns)} in the migrations, ${show(spec.columns)} in schema.prisma`);
      }
    }
    for (const [index, got] of have.indexes) {
      if (!want.indexes.has(index)) {
        differences.push(`${name}: ${got.unique ? "unique index" : "index"} ${index} ${show(got.columns)} is created by the migrations, not in schema.prisma`);
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

// ---------------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------------

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
      schema: () => alter("  stock     Int\n", "  stock     Int\n  sku       String\n"),
      differences: ["products.sku: in schema.prisma, not created by the migrations"],
    },
    {
      change: "a dropped @@index",
      schema: () => alter("  @@index([scope, status, createdAt, id])\n", ""),
      differences: ['sagas: index sagas_scope_status_created_at_id_idx ["scope","status","created_at","id"] is created by the migrations, not in schema.prisma'],
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
      schema: () => alter("  stock     Int\n", "  stock     BigInt\n"),
      differences: ["products.stock: type is INTEGER in the migrations, BIGINT in schema.prisma"],
    },
    {
      change: "another default",
      schema: () => alter("attempts              Int       @default(0)", "attempts              Int       @default(1)"),
      differences: ['saga_steps.attempts: default is "0" in the migrations, "1" in schema.prisma'],
    },
    {
      change: "another column name",
      schema: () => alter('@map("shipping_address")', '@map("address")'),
      differences: [
        "accounts.address: in schema.prisma, not created by the migrations",
        "accounts.shipping_address: created by the migrations, no field in schema.prisma maps to it",
      ],
    },
    {
      change: "another table name",
      schema: () => alter('@@map("shipments")', '@@map("shipment")'),
      differences: [
        "table shipment: in schema.prisma, not created by the migrations",
        "table shipments: created by the migrations, no model in schema.prisma maps to it",
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
      sql: `ALTER TABLE "payments" ADD COLUMN "note" TEXT`,
      differences: ["payments.note: created by the migrations, no field in schema.prisma maps to it"],
    },
    {
      change: "an extra index",
      sql: `CREATE INDEX "orders_status_idx" ON "orders"("status")`,
      differences: ['orders: index orders_status_idx ["status"] is created by the migrations, not in schema.prisma'],
    },
    {
      change: "a missing index",
      sql: `DROP INDEX "payments_user_id_idx"`,
      differences: ['payments: index payments_user_id_idx ["user_id"] is in schema.prisma, not created by the migrations'],
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
    expect(() => compare(alter("  stock     Int\n", "  stock     Int @db.Whatever\n"), migratedDb())).toThrow(/does not understand @db.Whatever/);
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
