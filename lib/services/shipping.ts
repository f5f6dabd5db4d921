/**
 * The shipping service: an address per user (user_3 has none, as in the seed), and one shipment per
 * order. Its tables (shipping_service_*) are its own; every write commits in a transaction of its own.
 *
 *   ship(order, user)   201 created, 409 Shipping address invalid, 404 User not found
 *   cancel(order)       200 cancelled, or nothing_to_undo when the shipment never arrived; then a late
 *                       shipment for that order is refused (409)
 */
import type { Tx } from "../db/client";
import { insertRows, type BulkRow, type RowTable } from "../db/insert-rows";
import type { Prisma } from "../generated/prisma/client";
import { answer, earlierOutcome, NOTHING_TO_UNDO, refusal, refusedUnlessEarlier, type Answer } from "./answer";
import { requestsTable, type RequestLog } from "./idempotency";
import type { OrderRecord } from "./schemas";
import { forgetWorld, seedOnce } from "./seeded";

export const SERVICE = "shipping";

/** Where each user's orders ship, as seeded: user_3 has no valid address, so shipping fails for them. */
export const initialAddresses: Readonly<Record<string, string | null>> = {
  user_1: "1 Analytical Way, London",
  user_2: "7 Compiler Court, Arlington",
  user_3: null,
};

export const requests: RequestLog = {
  find: (tx, worldId, key) =>
    tx.shippingServiceRequest.findUnique({
      where: { worldId_key: { worldId, key } },
      select: { requestHash: true, status: true, body: true },
    }),
  table: requestsTable("shipping_service_requests"),
};

// A shipment is written with one INSERT (lib/db/insert-rows.ts: cheaper than the model API's create, and on
// every order), in the columns schema.prisma maps.
export const shipmentsTable: RowTable<BulkRow<Prisma.ShippingServiceShipmentCreateManyInput>> = {
  name: "shipping_service_shipments",
  columns: {
    worldId: "world_id",
    orderId: "order_id",
    userId: "user_id",
    address: "address",
    status: "status",
    createdAt: "created_at",
    updatedAt: "updated_at",
  },
};

async function seeded(tx: Tx, worldId: string): Promise<void> {
  await seedOnce(
    SERVICE,
    worldId,
    () => tx.shippingServiceAddress.findFirst({ where: { worldId }, select: { worldId: true } }),
    () =>
      tx.shippingServiceAddress.createMany({
        data: Object.entries(initialAddresses).map(([userId, address]) => ({ worldId, userId, address })),
      }),
  );
}

const shipmentBody = (row: { orderId: string; userId: string; address: string | null; status: string }) => ({
  order_id: row.orderId,
  user_id: row.userId,
  address: row.address,
  status: row.status,
});

/**
 * Ships an order to its user's address, once per order. With `lookFirst` (idempotency.ts: a repeat, or
 * a request that met an earlier one's row), what an earlier request for the order left is looked for
 * first; without it, the shipment's INSERT finds it (its unique key), and the request is asked again so.
 */
export async function ship(tx: Tx, worldId: string, input: { order_id: string; user_id: string }, lookFirst: boolean): Promise<Answer> {
  await seeded(tx, worldId);
  // The same order again (another key): its shipment, as it stands.
  const earlier = async () =>
    earlierOutcome(
      await tx.shippingServiceShipment.findUnique({ where: { worldId_orderId: { worldId, orderId: input.order_id } } }),
      "created",
      shipmentBody,
      `The shipment of order ${input.order_id} was cancelled before it arrived`,
    );
  const before = lookFirst ? await earlier() : undefined;
  if (before) return before;
  const user = await tx.shippingServiceAddress.findUnique({ where: { worldId_userId: { worldId, userId: input.user_id } } });
  if (!user?.address)
    return refusedUnlessEarlier(lookFirst, earlier, async () =>
      user ? refusal(409, "Shipping address invalid") : refusal(404, "User not found"),
    );
  const now = new Date();
  const row = {
    worldId,
    orderId: input.order_id,
    userId: input.user_id,
    address: user.address,
    status: "created",
    createdAt: now,
    updatedAt: now,
  };
  await insertRows(tx, shipmentsTable, [row]);
  return answer(201, shipmentBody(row));
}

export async function cancel(tx: Tx, worldId: string, input: { order_id: string }): Promise<Answer> {
  await seeded(tx, worldId);
  const where = { worldId_orderId: { worldId, orderId: input.order_id } };
  const existing = await tx.shippingServiceShipment.findUnique({ where });
  const now = new Date();
  if (!existing) {
    // Cancelled before the shipment arrived: remembered, so the late one is refused.
    await insertRows(tx, shipmentsTable, [
      { worldId, orderId: input.order_id, userId: "", address: null, status: "voided", createdAt: now, updatedAt: now },
    ]);
    return answer(200, { order_id: input.order_id, status: NOTHING_TO_UNDO });
  }
  if (existing.status === "voided") return answer(200, { order_id: input.order_id, status: NOTHING_TO_UNDO });
  if (existing.status === "created")
    await tx.shippingServiceShipment.update({ where, data: { status: "cancelled", updatedAt: now }, select: { orderId: true } });
  return answer(200, shipmentBody({ ...existing, status: "cancelled" }));
}

/** A world's shipments, newest first (at most a thousand). */
export async function shipments(tx: Tx, worldId: string): Promise<ReturnType<typeof shipmentBody>[]> {
  // Seeds a world as every read does (lib/services/http.ts remembers a world a read has seen).
  await seeded(tx, worldId);
  const rows = await tx.shippingServiceShipment.findMany({
    where: { worldId, status: { not: "voided" } },
    orderBy: { createdAt: "desc" },
    take: 1_000,
  });
  return rows.map(shipmentBody);
}

/** What the service holds for one order: its shipment's status (a shipment moves no stock or money). */
export async function orderRecord(tx: Tx, worldId: string, orderId: string): Promise<OrderRecord> {
  const row = await tx.shippingServiceShipment.findUnique({ where: { worldId_orderId: { worldId, orderId } }, select: { status: true } });
  return { order_id: orderId, status: row?.status ?? null, movements: [] };
}

/** Puts a world's addresses back as seeded, and forgets its shipments and answered requests. */
export async function reset(tx: Tx, worldId: string): Promise<void> {
  await tx.shippingServiceShipment.deleteMany({ where: { worldId } });
  await tx.shippingServiceRequest.deleteMany({ where: { worldId } });
  await tx.shippingServiceAddress.deleteMany({ where: { worldId } });
  forgetWorld(SERVICE, worldId);
  await seeded(tx, worldId);
}

/** Forgets every row of the worlds named: the orchestrator removed them (an idle world's sweep). */
export async function forget(tx: Tx, worlds: string[]): Promise<void> {
  await tx.shippingServiceShipment.deleteMany({ where: { worldId: { in: worlds } } });
  await tx.shippingServiceRequest.deleteMany({ where: { worldId: { in: worlds } } });
  await tx.shippingServiceAddress.deleteMany({ where: { worldId: { in: worlds } } });
  for (const worldId of worlds) forgetWorld(SERVICE, worldId);
}
