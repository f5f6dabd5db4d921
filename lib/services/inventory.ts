/**
 * The inventory service: stock per product, and one reservation per order. Its tables
 * (inventory_service_*) are its own; every write commits in a transaction of its own.
 *
 *   reserve(order, product, quantity)   201 reserved, 409 Insufficient inventory, 404 Product not found
 *   release(order)                      200 released, or nothing_to_undo when the reservation never
 *                                       arrived; then a late reservation for that order is refused (409)
 */
import type { Tx } from "../db/client";
import { insertRows, type BulkRow, type RowTable } from "../db/insert-rows";
import type { Prisma } from "../generated/prisma/client";
import { answer, earlierOutcome, NOTHING_TO_UNDO, refusal, refusedUnlessEarlier, type Answer } from "./answer";
import { requestsTable, type RequestLog } from "./idempotency";
import type { OrderRecord } from "./schemas";
import { forgetWorld, seedOnce } from "./seeded";

export const SERVICE = "inventory";

/** What every world's stock starts as, and what a reset restores: the seed's units per product. */
export const initialStock: Readonly<Record<string, number>> = { product_1: 100, product_2: 50, product_3: 25 };

export const requests: RequestLog = {
  find: (tx, worldId, key) =>
    tx.inventoryServiceRequest.findUnique({
      where: { worldId_key: { worldId, key } },
      select: { requestHash: true, status: true, body: true },
    }),
  table: requestsTable("inventory_service_requests"),
};

// A reservation is written with one INSERT (lib/db/insert-rows.ts: cheaper than the model API's create, and on
// every order), in the columns schema.prisma maps.
export const reservationsTable: RowTable<BulkRow<Prisma.InventoryServiceReservationCreateManyInput>> = {
  name: "inventory_service_reservations",
  columns: {
    worldId: "world_id",
    orderId: "order_id",
    productId: "product_id",
    quantity: "quantity",
    status: "status",
    createdAt: "created_at",
    updatedAt: "updated_at",
  },
};

async function seeded(tx: Tx, worldId: string): Promise<void> {
  await seedOnce(
    SERVICE,
    worldId,
    () => tx.inventoryServiceStock.findFirst({ where: { worldId }, select: { worldId: true } }),
    () =>
      tx.inventoryServiceStock.createMany({
        data: Object.entries(initialStock).map(([productId, available]) => ({ worldId, productId, available, updatedAt: new Date() })),
      }),
  );
}

const reservationBody = (row: { orderId: string; productId: string; quantity: number; status: string }) => ({
  order_id: row.orderId,
  product_id: row.productId,
  quantity: row.quantity,
  status: row.status,
});

/**
 * Reserves units of a product for an order, once per order. With `lookFirst` (idempotency.ts: a repeat,
 * or a request that met an earlier one's row), what an earlier request for the order left is looked for
 * first; without it, the reservation's INSERT finds it (its unique key), and the request is asked again so.
 */
export async function reserve(
  tx: Tx,
  worldId: string,
  input: { order_id: string; product_id: string; quantity: number },
  lookFirst: boolean,
): Promise<Answer> {
  await seeded(tx, worldId);
  // The same order again (another key): its reservation, as it stands.
  const earlier = async () =>
    earlierOutcome(
      await tx.inventoryServiceReservation.findUnique({ where: { worldId_orderId: { worldId, orderId: input.order_id } } }),
      "reserved",
      reservationBody,
      `The reservation of order ${input.order_id} was released before it arrived`,
    );
  const before = lookFirst ? await earlier() : undefined;
  if (before) return before;
  const now = new Date();
  const taken = await tx.inventoryServiceStock.updateMany({
    where: { worldId, productId: input.product_id, available: { gte: input.quantity } },
    data: { available: { decrement: input.quantity }, updatedAt: now },
  });
  if (taken.count === 0)
    return refusedUnlessEarlier(lookFirst, earlier, async () => {
      const product = await tx.inventoryServiceStock.count({ where: { worldId, productId: input.product_id } });
      return refusal(product ? 409 : 404, product ? "Insufficient inventory" : "Product not found");
    });
  const row = {
    worldId,
    orderId: input.order_id,
    productId: input.product_id,
    quantity: input.quantity,
    status: "reserved",
    createdAt: now,
    updatedAt: now,
  };
  await insertRows(tx, reservationsTable, [row]);
  return answer(201, reservationBody(row));
}

export async function release(tx: Tx, worldId: string, input: { order_id: string }): Promise<Answer> {
  await seeded(tx, worldId);
  const where = { worldId_orderId: { worldId, orderId: input.order_id } };
  const existing = await tx.inventoryServiceReservation.findUnique({ where });
  const now = new Date();
  if (!existing) {
    // Released before it arrived (its request was lost, or is late): remembered, so the late one is refused.
    await insertRows(tx, reservationsTable, [
      { worldId, orderId: input.order_id, productId: "", quantity: 0, status: "voided", createdAt: now, updatedAt: now },
    ]);
    return answer(200, { order_id: input.order_id, status: NOTHING_TO_UNDO });
  }
  if (existing.status === "voided") return answer(200, { order_id: input.order_id, status: NOTHING_TO_UNDO });
  if (existing.status === "reserved") {
    await tx.inventoryServiceStock.updateMany({
      where: { worldId, productId: existing.productId },
      data: { available: { increment: existing.quantity }, updatedAt: now },
    });
    await tx.inventoryServiceReservation.update({ where, data: { status: "released", updatedAt: now }, select: { orderId: true } });
  }
  return answer(200, reservationBody({ ...existing, status: "released" }));
}

/** Units available per product in a world. */
export async function stock(tx: Tx, worldId: string): Promise<{ product_id: string; available: number }[]> {
  await seeded(tx, worldId);
  const rows = await tx.inventoryServiceStock.findMany({
    where: { worldId },
    orderBy: { productId: "asc" },
    select: { productId: true, available: true },
  });
  return rows.map((row) => ({ product_id: row.productId, available: row.available }));
}

/** What the service holds for one order: its reservation, and the stock it took and gave back. */
export async function orderRecord(tx: Tx, worldId: string, orderId: string): Promise<OrderRecord> {
  const row = await tx.inventoryServiceReservation.findUnique({ where: { worldId_orderId: { worldId, orderId } } });
  const movements: OrderRecord["movements"] = [];
  if (row && row.status !== "voided") {
    const moved = { account: row.productId, unit: "stock" as const };
    movements.push({ kind: "reserve", ...moved, delta: -row.quantity, undoes: false, at: row.createdAt.toISOString() });
    if (row.status === "released")
      movements.push({ kind: "release", ...moved, delta: row.quantity, undoes: true, at: row.updatedAt.toISOString() });
  }
  return { order_id: orderId, status: row?.status ?? null, movements };
}

/** Puts a world's stock back as seeded, and forgets its reservations and answered requests. */
export async function reset(tx: Tx, worldId: string): Promise<void> {
  await tx.inventoryServiceReservation.deleteMany({ where: { worldId } });
  await tx.inventoryServiceRequest.deleteMany({ where: { worldId } });
  await tx.inventoryServiceStock.deleteMany({ where: { worldId } });
  forgetWorld(SERVICE, worldId);
  await seeded(tx, worldId);
}

/** Forgets every row of the worlds named: the orchestrator removed them (an idle world's sweep). */
export async function forget(tx: Tx, worlds: string[]): Promise<void> {
  await tx.inventoryServiceReservation.deleteMany({ where: { worldId: { in: worlds } } });
  await tx.inventoryServiceRequest.deleteMany({ where: { worldId: { in: worlds } } });
  await tx.inventoryServiceStock.deleteMany({ where: { worldId: { in: worlds } } });
  for (const worldId of worlds) forgetWorld(SERVICE, worldId);
}
