// The engine writes its steps and events with one INSERT each (insert-rows.ts): what it writes must read
// back through Prisma's model API exactly as Prisma's own create would have written it, every field in
// its own column, on both databases.
import { afterEach, expect, it } from "vitest";
import { closeDatabase, database } from "./client";
import { ordersTable } from "../orders/service";
import { insertRows, sagaEventsTable, sagasTable, sagaStepsTable, updateRows } from "./insert-rows";

afterEach(() => closeDatabase());

it("writes every field of steps and events to the column the schema maps it to", async () => {
  const db = await database();
  const at = new Date("2026-11-30T12:34:56.789Z");
  const later = new Date("2026-11-30T12:35:00.001Z");
  // Every field given, each with a value of its own, so a column swapped with another would show.
  const step = {
    sagaId: "saga-1",
    position: 2,
    name: "reserve_inventory",
    compensationName: "release_inventory",
    status: "compensated",
    attempts: 3,
    compensationAttempts: 4,
    error: "Payment declined",
    startedAt: at,
    finishedAt: later,
    compensationStartedAt: new Date("2026-11-30T12:35:01.000Z"),
    compensatedAt: new Date("2026-11-30T12:35:02.000Z"),
    output: '{"reservation":"r-1"}',
    compensationOutput: '{"released":true}',
  };
  const events = [
    {
      sagaId: "saga-1",
      position: 2,
      step: "reserve_inventory",
      phase: "action",
      outcome: "failed",
      error: "Out of stock",
      detail: "Reserved 2 units",
      call: '{"status":409,"replayed":false}',
      createdAt: at,
    },
    // A saga-level event: no step, and the fields it leaves out are stored as NULL.
    { sagaId: "saga-1", phase: "saga", outcome: "pending", createdAt: later },
  ];
  await db.write(async (tx) => {
    await tx.saga.create({
      data: { id: "saga-1", definition: "test", subjectType: "thing", subjectId: "t-1", status: "running", createdAt: at, updatedAt: at },
    });
    await insertRows(tx, sagaStepsTable, [
      step,
      {
        sagaId: "saga-1",
        position: 3,
        name: "ship_order",
        compensationName: "cancel_shipment",
        status: "pending",
        attempts: 0,
        compensationAttempts: 0,
      },
    ]);
    await insertRows(tx, sagaEventsTable, events);
    await insertRows(tx, sagaEventsTable, []);
  });

  const steps = await db.read.sagaStep.findMany({ where: { sagaId: "saga-1" }, orderBy: { position: "asc" } });
  expect(steps).toEqual([
    step,
    {
      sagaId: "saga-1",
      position: 3,
      name: "ship_order",
      compensationName: "cancel_shipment",
      status: "pending",
      attempts: 0,
      compensationAttempts: 0,
      error: null,
      startedAt: null,
      finishedAt: null,
      compensationStartedAt: null,
      compensatedAt: null,
      output: null,
      compensationOutput: null,
    },
  ]);
  const stored = await db.read.sagaEvent.findMany({ where: { sagaId: "saga-1" }, orderBy: { id: "asc" } });
  expect(stored.map(({ id, ...event }) => (expect(id).toBeGreaterThan(0), event))).toEqual([
    events[0],
    { ...events[1], position: null, step: null, error: null, detail: null, call: null },
  ]);
  expect(stored[1].id).toBeGreaterThan(stored[0].id);
});

it("refuses a field the table does not map, rather than drop it", async () => {
  const db = await database();
  const row = { sagaId: "saga-2", phase: "saga", outcome: "pending", createdAt: new Date(), note: "not a column" };
  await expect(db.write((tx) => insertRows(tx, sagaEventsTable, [row as never]))).rejects.toThrow(
    'saga_events has no column for the field "note"',
  );
});

it("changes each step named with its own changes in one statement, and nothing else", async () => {
  const db = await database();
  const at = new Date("2026-12-06T10:00:00.000Z");
  const later = new Date("2026-12-06T10:00:01.250Z");
  const pending = { status: "pending", attempts: 0, compensationAttempts: 0 };
  const stepsOf = (sagaId: string) =>
    [0, 1, 2].map((position) => ({ sagaId, position, name: `step_${position}`, compensationName: `undo_${position}`, ...pending }));
  await db.write(async (tx) => {
    for (const id of ["saga-3", "saga-4"])
      await tx.saga.create({
        data: { id, definition: "test", subjectType: "thing", subjectId: id, status: "running", createdAt: at, updatedAt: at },
      });
    await insertRows(tx, sagaStepsTable, [...stepsOf("saga-3"), ...stepsOf("saga-4")]);
  });
  const before = await db.read.sagaStep.findMany({ where: { sagaId: "saga-3" }, orderBy: { position: "asc" } });

  // A transition's two: step 0 finished (an error cleared, its output), step 1 begun (its first attempt).
  const changed = await db.write((tx) =>
    updateRows(tx, sagaStepsTable, { sagaId: "saga-3" }, "position", [
      { key: 0, data: { status: "completed", error: null, finishedAt: later, output: '{"ok":true}' } },
      { key: 1, data: { status: "running", attempts: 1, error: null, startedAt: later, finishedAt: null } },
    ]),
  );
  expect(changed).toBe(2);
  const after = await db.read.sagaStep.findMany({ where: { sagaId: "saga-3" }, orderBy: { position: "asc" } });
  expect(after).toEqual([
    { ...before[0], status: "completed", finishedAt: later, output: '{"ok":true}' },
    { ...before[1], status: "running", attempts: 1, startedAt: later },
    before[2],
  ]);
  // One change alone; the other saga's steps of the same positions untouched.
  await db.write((tx) =>
    updateRows(tx, sagaStepsTable, { sagaId: "saga-3" }, "position", [{ key: 2, data: { status: "failed", error: "Injected failure" } }]),
  );
  expect(await db.read.sagaStep.findUnique({ where: { sagaId_position: { sagaId: "saga-3", position: 2 } } })).toEqual({
    ...before[2],
    status: "failed",
    error: "Injected failure",
  });
  const other = await db.read.sagaStep.findMany({ where: { sagaId: "saga-4" }, orderBy: { position: "asc" } });
  expect(other.map((step) => step.status)).toEqual(["pending", "pending", "pending"]);
});

it("writes a saga's row and an order's to the columns the schema maps, as the model API reads them back", async () => {
  const db = await database();
  const at = new Date("2026-12-07T09:00:00.125Z");
  const later = new Date("2026-12-07T09:00:30.500Z");
  // Every field with a value of its own (the saga waiting, with an error and a lease), so that two
  // columns swapped would show; then one with every nullable field null.
  const waiting = {
    id: "saga-w",
    definition: "order",
    definitionVersion: "v-1",
    subjectType: "order",
    subjectId: "order-w",
    scope: "world-w",
    status: "pending",
    error: "Payment declined",
    options: '{"step_by_step":true}',
    createdAt: at,
    updatedAt: later,
    leaseOwner: "replica-1",
    leaseExpiresAt: new Date("2026-12-07T09:01:00.000Z"),
    waitingBefore: "reserve_inventory",
    waitingPhase: "action",
    waitingSince: new Date("2026-12-07T09:00:31.000Z"),
    waitingUntil: new Date("2026-12-07T09:05:31.000Z"),
  };
  const plain = {
    ...waiting,
    id: "saga-p",
    subjectId: "order-p",
    error: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    waitingBefore: null,
    waitingPhase: null,
    waitingSince: null,
    waitingUntil: null,
  };
  const order = {
    id: "order-w",
    worldId: "world-w",
    userId: "user_2",
    productId: "product_3",
    quantity: 4,
    amountCents: 12_345,
    status: "processing",
    sagaId: "saga-w",
    createdAt: at,
    updatedAt: later,
  };
  await db.write(async (tx) => {
    await tx.world.create({ data: { id: "world-w", createdAt: at, lastSeenAt: at }, select: { id: true } });
    await insertRows(tx, sagasTable, [waiting, plain]);
    await insertRows(tx, ordersTable, [order, { ...order, id: "order-p", sagaId: "saga-p" }]);
  });
  expect(await db.read.saga.findUnique({ where: { id: "saga-w" } })).toEqual(waiting);
  expect(await db.read.saga.findUnique({ where: { id: "saga-p" } })).toEqual(plain);
  const [first, second] = await db.read.order.findMany({ where: { worldId: "world-w" }, orderBy: { seq: "asc" } });
  expect(first).toEqual({ ...order, seq: expect.any(Number) });
  // The database numbers the orders as it did under the model API's create.
  expect(second.seq).toBeGreaterThan(first.seq);
});
