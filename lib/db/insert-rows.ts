/**
 * Many rows into one table, in one statement: for the engine's steps and events, written with every
 * transition (and `updateRows`: the steps a transition changes, in one statement too), and for the rows
 * written with every order, one each (its saga and the order itself; at the services, a reservation, a
 * charge and its ledger entry, a shipment, and each service's record of the request): an INSERT costs
 * less than the model API's create.
 *
 * Prisma Client's model API can say this (`createMany`, or a nested `create`), but at several times the
 * cost, measured here: Prisma 7 compiles a `createMany`'s query plan anew on every call (its plan cache
 * leaves createMany out), and a nested create of a saga's 4 steps and 10 events renders its query
 * templates row by row, 1.6 ms of a 5 ms saga. One tagged-template INSERT ... VALUES (...), (...)
 * costs less than half of that (scripts/bench-engine.ts times each call a saga makes). So the
 * engine's bulk inserts come here, the one place that writes them as SQL, through Prisma's `$executeRaw`
 * with every value a bound parameter; both databases take the same statement.
 */
import { Prisma } from "../generated/prisma/client";
import type { Tx } from "./types";

/** A table, and the column each field of its rows is stored in (a row's fields are the model's). */
export interface RowTable<Row> {
  name: string;
  columns: { readonly [Field in keyof Row]-?: string };
}

/**
 * A model's row as `insertRows` takes it: dates as Date only (the adapter writes a Date as Prisma's
 * model API does; a string would go in as it is), and `required` given even where the database has a
 * default (a multi-row INSERT names every column, so a field left out would be NULL).
 */
export type BulkRow<Input, Required extends keyof Input = never> = {
  [Field in keyof Input]: Date extends Input[Field] ? Exclude<Input[Field], string> : Input[Field];
} & { [Field in Required]-?: Exclude<Input[Field], undefined> };

/**
 * The engine's tables that take rows in bulk, as schema.prisma maps them (lib/db/insert-rows.test.ts
 * holds them to it, on both databases).
 */
/** A saga's row, as a transition that creates one inserts it (every column given: a NULL is a NULL). */
export const sagasTable: RowTable<
  BulkRow<Prisma.SagaCreateManyInput, "definitionVersion" | "scope" | "options" | "error" | "leaseOwner" | "leaseExpiresAt">
> = {
  name: "sagas",
  columns: {
    id: "id",
    definition: "definition",
    definitionVersion: "definition_version",
    subjectType: "subject_type",
    subjectId: "subject_id",
    scope: "scope",
    status: "status",
    error: "error",
    options: "options",
    createdAt: "created_at",
    updatedAt: "updated_at",
    leaseOwner: "lease_owner",
    leaseExpiresAt: "lease_expires_at",
    waitingBefore: "waiting_before",
    waitingPhase: "waiting_phase",
    waitingSince: "waiting_since",
    waitingUntil: "waiting_until",
  },
};

/** A saga step's row, as insertRows and updateRows take it. */
export type SagaStepFields = BulkRow<Prisma.SagaStepCreateManyInput, "attempts" | "compensationAttempts">;

export const sagaStepsTable: RowTable<SagaStepFields> = {
  name: "saga_steps",
  columns: {
    sagaId: "saga_id",
    position: "position",
    name: "name",
    compensationName: "compensation_name",
    status: "status",
    attempts: "attempts",
    compensationAttempts: "compensation_attempts",
    error: "error",
    startedAt: "started_at",
    finishedAt: "finished_at",
    compensationStartedAt: "compensation_started_at",
    compensatedAt: "compensated_at",
    output: "output",
    compensationOutput: "compensation_output",
  },
};

export const sagaEventsTable: RowTable<BulkRow<Omit<Prisma.SagaEventCreateManyInput, "id">>> = {
  name: "saga_events",
  columns: {
    sagaId: "saga_id",
    position: "position",
    step: "step",
    phase: "phase",
    outcome: "outcome",
    error: "error",
    detail: "detail",
    call: "call",
    createdAt: "created_at",
  },
};

/**
 * Inserts `rows` into `table` with one statement, in the caller's transaction. Every column of the
 * table's map is written (a field a row leaves out is NULL); a field the map does not name is refused,
 * not dropped.
 */
export async function insertRows<Row extends object>(tx: Tx, table: RowTable<Row>, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const fields = Object.keys(table.columns) as (keyof Row & string)[];
  for (const row of rows) {
    const unknown = Object.keys(row).find((field) => !Object.hasOwn(table.columns, field));
    if (unknown) throw new Error(`${table.name} has no column for the field "${unknown}"`);
  }
  const columns = Prisma.raw(fields.map((field) => `"${table.columns[field]}"`).join(", "));
  const values = Prisma.join(rows.map((row) => Prisma.sql`(${Prisma.join(fields.map((field) => row[field] ?? null))})`));
  await tx.$executeRaw`INSERT INTO ${Prisma.raw(`"${table.name}"`)} (${columns}) VALUES ${values}`;
}

/**
 * Changes some rows of one parent (`parent`: the saga's id, say) in one statement, each row picked by
 * its `key` field (a step's position) and given changes of its own: for the engine's transitions, which
 * finish one step and begin the next. Prisma's model API needs an `updateMany` a row, and each call
 * costs far more than the statement (scripts/bench-engine.ts). A column a row's changes leave out keeps
 * its value (CASE ... ELSE the column), and a row the changes do not name is not touched. Resolves with
 * the rows changed.
 */
export async function updateRows<Row extends object, Key extends keyof Row & string>(
  tx: Tx,
  table: RowTable<Row>,
  parent: Partial<Row>,
  key: Key,
  changes: readonly { key: Row[Key]; data: Partial<Row> }[],
): Promise<number> {
  if (changes.length === 0) return 0;
  const column = (field: string) => {
    if (!Object.hasOwn(table.columns, field)) throw new Error(`${table.name} has no column for the field "${field}"`);
    return Prisma.raw(`"${table.columns[field as keyof Row]}"`);
  };
  const fields = [...new Set(changes.flatMap((change) => Object.keys(change.data)))];
  const keyColumn = column(key);
  const set = fields.map((field) => {
    const target = column(field);
    if (changes.length === 1) return Prisma.sql`${target} = ${changes[0].data[field as keyof Row] ?? null}`;
    const cases = changes
      .filter((change) => Object.hasOwn(change.data, field))
      .map((change) => Prisma.sql`WHEN ${change.key} THEN ${change.data[field as keyof Row] ?? null}`);
    return Prisma.sql`${target} = CASE ${keyColumn} ${Prisma.join(cases, " ")} ELSE ${target} END`;
  });
  const where = Object.entries(parent).map(([field, value]) => Prisma.sql`${column(field)} = ${value}`);
  return tx.$executeRaw`UPDATE ${Prisma.raw(`"${table.name}"`)} SET ${Prisma.join(set)} WHERE ${Prisma.join(where, " AND ")} AND ${keyColumn} IN (${Prisma.join(changes.map((change) => change.key))})`;
}
