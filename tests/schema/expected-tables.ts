// For lib/db/schema.test.ts: the tables, columns, indexes and foreign keys Prisma would create on SQLite
// for a parsed schema.prisma, as SQLite's catalogue would describe them.
import { parseAttributes, splitTopLevel, type Attr, type Model, type Schema } from "./prisma-schema";

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

export interface Table {
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

export function describeForeignKey(from: string[], table: string, to: string[], onDelete: string, onUpdate: string): string {
  return `(${from.join(", ")}) REFERENCES ${table} (${to.join(", ")}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;
}

export function expectedTables(schema: Schema): Map<string, Table> {
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
