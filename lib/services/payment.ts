/**
 * The payment service: a balance per account, one charge per order, and its own ledger of charges and
 * refunds. Its tables (payment_service_*) are its own; every write commits in a transaction of its own.
 *
 *   charge(order, account, amount)   201 charged, 402 Insufficient funds, 404 User not found
 *   refund(order)                    200 refunded, or nothing_to_undo when the charge never arrived; then
 *                                    a late charge for that order is refused (409): no charge after its refund
 */
import type { Tx } from "../db/client";
import { insertRows, type BulkRow, type RowTable } from "../db/insert-rows";
import type { Prisma } from "../generated/prisma/client";
import { answer, earlierOutcome, NOTHING_TO_UNDO, refusal, refusedUnlessEarlier, type Answer } from "./answer";
import { requestsTable, type RequestLog } from "./idempotency";
import type { OrderRecord } from "./schemas";
import { forgetWorld, seedOnce } from "./seeded";

export const SERVICE = "payment";

/** What every world's balances start as, and what a reset restores: the seed's, in cents. */
export const initialBalances: Readonly<Record<string, number>> = { user_1: 100_000, user_2: 50_000, user_3: 20_000 };

export const requests: RequestLog = {
  find: (tx, worldId, key) =>
    tx.paymentServiceRequest.findUnique({
      where: { worldId_key: { worldId, key } },
      select: { requestHash: true, status: true, body: true },
    }),
  table: requestsTable("payment_service_requests"),
};

// A charge and a ledger entry are each written with one INSERT (lib/db/insert-rows.ts: cheaper than the
// model API's create, and on every order), in the columns schema.prisma maps.
export const chargesTable: RowTable<BulkRow<Prisma.PaymentServiceChargeCreateManyInput>> = {
  name: "payment_service_charges",
  columns: {
    worldId: "world_id",
    orderId: "order_id",
    accountId: "account_id",
    amountCents: "amount_cents",
    status: "status",
    createdAt: "created_at",
    updatedAt: "updated_at",
  },
};

export const ledgerTable: RowTable<BulkRow<Omit<Prisma.PaymentServiceLedgerEntryCreateManyInput, "id">>> = {
  name: "payment_service_ledger",
  columns: {
    worldId: "world_id",
    orderId: "order_id",
    accountId: "account_id",
    kind: "kind",
    amountCents: "amount_cents",
    createdAt: "created_at",
  },
};

async function seeded(tx: Tx, worldId: string): Promise<void> {
  await seedOnce(
    SERVICE,
    worldId,
    () => tx.paymentServiceAccount.findFirst({ where: { worldId }, select: { worldId: true } }),
    () =>
      tx.paymentServiceAccount.createMany({
        data: Object.entries(initialBalances).map(([accountId, balanceCents]) => ({
          worldId,
          accountId,
          balanceCents,
          updatedAt: new Date(),
        })),
      }),
  );
}

const chargeBody = (row: { orderId: string; accountId: string; amountCents: number; status: string }) => ({
  order_id: row.orderId,
  account_id: row.accountId,
  amount_cents: row.amountCents,
  status: row.status,
});

/**
 * Charges an account for an order, once per order. With `lookFirst` (idempotency.ts: a repeat, or a
 * request that met an earlier one's row), what an earlier request for the order left is looked for
 * first; without it, the charge's INSERT finds it (its unique key), and the request is asked again so.
 */
export async function charge(
  tx: Tx,
  worldId: string,
  input: { order_id: string; account_id: string; amount_cents: number },
  lookFirst: boolean,
): Promise<Answer> {
  await seeded(tx, worldId);
  // The same order again (another key): its charge, as it stands. Never a second charge.
  const earlier = async () =>
    earlierOutcome(
      await tx.paymentServiceCharge.findUnique({ where: { worldId_orderId: { worldId, orderId: input.order_id } } }),
      "charged",
      chargeBody,
      `The charge of order ${input.order_id} was refunded before it arrived`,
    );
  const before = lookFirst ? await earlier() : undefined;
  if (before) return before;
  const now = new Date();
  const taken = await tx.paymentServiceAccount.updateMany({
    where: { worldId, accountId: input.account_id, balanceCents: { gte: input.amount_cents } },
    data: { balanceCents: { decrement: input.amount_cents }, updatedAt: now },
  });
  if (taken.count === 0)
    return refusedUnlessEarlier(lookFirst, earlier, async () => {
      const account = await tx.paymentServiceAccount.count({ where: { worldId, accountId: input.account_id } });
      return account ? refusal(402, "Insufficient funds") : refusal(404, "User not found");
    });
  const row = {
    worldId,
    orderId: input.order_id,
    accountId: input.account_id,
    amountCents: input.amount_cents,
    status: "charged",
    createdAt: now,
    updatedAt: now,
  };
  await insertRows(tx, chargesTable, [row]);
  await insertRows(tx, ledgerTable, [
    { worldId, orderId: input.order_id, accountId: input.account_id, kind: "charge", amountCents: -input.amount_cents, createdAt: now },
  ]);
  return answer(201, chargeBody(row));
}

export async function refund(tx: Tx, worldId: string, input: { order_id: string }): Promise<Answer> {
  await seeded(tx, worldId);
  const where = { worldId_orderId: { worldId, orderId: input.order_id } };
  const existing = await tx.paymentServiceCharge.findUnique({ where });
  const now = new Date();
  if (!existing) {
    // Refunded before the charge arrived (its request was lost, or is late): remembered, so the late charge is refused.
    await insertRows(tx, chargesTable, [
      { worldId, orderId: input.order_id, accountId: "", amountCents: 0, status: "voided", createdAt: now, updatedAt: now },
    ]);
    return answer(200, { order_id: input.order_id, status: NOTHING_TO_UNDO });
  }
  if (existing.status === "voided") return answer(200, { order_id: input.order_id, status: NOTHING_TO_UNDO });
  if (existing.status === "charged") {
    await tx.paymentServiceAccount.updateMany({
      where: { worldId, accountId: existing.accountId },
      data: { balanceCents: { increment: existing.amountCents }, updatedAt: now },
    });
    await tx.paymentServiceCharge.update({ where, data: { status: "refunded", updatedAt: now }, select: { orderId: true } });
    await insertRows(tx, ledgerTable, [
      {
        worldId,
        orderId: existing.orderId,
        accountId: existing.accountId,
        kind: "refund",
        amountCents: existing.amountCents,
        createdAt: now,
      },
    ]);
  }
  return answer(200, chargeBody({ ...existing, status: "refunded" }));
}

/** Each account's balance in a world, in cents. */
export async function balances(tx: Tx, worldId: string): Promise<{ account_id: string; balance_cents: number }[]> {
  await seeded(tx, worldId);
  const rows = await tx.paymentServiceAccount.findMany({
    where: { worldId },
    orderBy: { accountId: "asc" },
    select: { accountId: true, balanceCents: true },
  });
  return rows.map((row) => ({ account_id: row.accountId, balance_cents: row.balanceCents }));
}

/** The service's ledger of a world, oldest first: every charge (negative) and refund (positive). */
export async function ledger(
  tx: Tx,
  worldId: string,
): Promise<{ order_id: string; account_id: string; kind: string; amount_cents: number; at: string }[]> {
  // Seeds a world as every read does (lib/services/http.ts remembers a world a read has seen).
  await seeded(tx, worldId);
  const rows = await tx.paymentServiceLedgerEntry.findMany({ where: { worldId }, orderBy: { id: "asc" }, take: 1_000 });
  return rows.map((row) => ({
    order_id: row.orderId,
    account_id: row.accountId,
    kind: row.kind,
    amount_cents: row.amountCents,
    at: row.createdAt.toISOString(),
  }));
}

/**
 * What the service holds for one order: its charge, and its ledger's entries for it. They are two
 * reads (outside any transaction, as every read of a known world), which must agree: a refund that
 * commits between them would show a refunded charge without its refund, or the reverse. So the charge's
 * status is read before and after the entries, and the entries again while it moved. A charge's status
 * only moves on (none, then charged or voided; charged, then refunded) until a reset removes it: the
 * same status twice means nothing committed for the order in between, and the loop ends.
 */
export async function orderRecord(tx: Tx, worldId: string, orderId: string): Promise<OrderRecord> {
  const status = async () =>
    (await tx.paymentServiceCharge.findUnique({ where: { worldId_orderId: { worldId, orderId } }, select: { status: true } }))?.status ??
    null;
  let before = await status();
  let entries;
  for (;;) {
    entries = await tx.paymentServiceLedgerEntry.findMany({ where: { worldId, orderId }, orderBy: { id: "asc" } });
    const after = await status();
    if (after === before) break;
    before = after;
  }
  return {
    order_id: orderId,
    status: before,
    movements: entries.map((entry) => ({
      kind: entry.kind === "refund" ? "refund" : "charge",
      account: entry.accountId,
      unit: "money",
      delta: entry.amountCents,
      undoes: entry.kind === "refund",
      at: entry.createdAt.toISOString(),
    })),
  };
}

/** Puts a world's balances back as seeded, and forgets its charges, ledger and answered requests. */
export async function reset(tx: Tx, worldId: string): Promise<void> {
  await tx.paymentServiceLedgerEntry.deleteMany({ where: { worldId } });
  await tx.paymentServiceCharge.deleteMany({ where: { worldId } });
  await tx.paymentServiceRequest.deleteMany({ where: { worldId } });
  await tx.paymentServiceAccount.deleteMany({ where: { worldId } });
  forgetWorld(SERVICE, worldId);
  await seeded(tx, worldId);
}

/** Forgets every row of the worlds named: the orchestrator removed them (an idle world's sweep). */
export async function forget(tx: Tx, worlds: string[]): Promise<void> {
  await tx.paymentServiceLedgerEntry.deleteMany({ where: { worldId: { in: worlds } } });
  await tx.paymentServiceCharge.deleteMany({ where: { worldId: { in: worlds } } });
  await tx.paymentServiceRequest.deleteMany({ where: { worldId: { in: worlds } } });
  await tx.paymentServiceAccount.deleteMany({ where: { worldId: { in: worlds } } });
  for (const worldId of worlds) forgetWorld(SERVICE, worldId);
}
