// Prisma's better-sqlite3 adapter opens one connection per client, and its mutex orders interactive
// transactions only among themselves: a plain query sent on a client while one of its transactions is
// open runs inside that transaction. These tests show what that lets through when one client serves
// both (the naive design), and that lib/db/client.ts's design (writes only through one queue of
// transactions on the writer, reads on a read-only client) lets nothing leak and loses nothing.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { afterAll, beforeEach, expect, it } from "vitest";
import { PrismaClient } from "../generated/prisma/client";
import { demoAccounts, demoProducts } from "../orders/demo-data";
import { placeOrder, resetDemo } from "../orders/service";
import { database, type Tx } from "./client";

interface Design {
  read: Pick<PrismaClient, "product" | "world">;
  /** An interactive transaction. */
  transaction(fn: (tx: Tx) => Promise<void>): Promise<void>;
  /** Another request takes one from the default world's order count while that transaction is open. */
  takeOne(): Promise<unknown>;
}

/**
 * One transaction writes a row, then fails; while it is open, another request reads that row and takes
 * one from a counter (the default world's order count). Leaked: the read saw the uncommitted row. Lost:
 * the one taken is back.
 */
async function rollbackWhileOthersWork(design: Design) {
  const before = (await design.read.world.findUniqueOrThrow({ where: { id: "default" } })).orderCount;
  const suffix = Math.random().toString(36).slice(2);
  let opened = () => {};
  const isOpen = new Promise<void>((resolve) => (opened = resolve));
  let finish = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const failing = design
    .transaction(async (tx) => {
      await tx.product.create({
        data: { worldId: "default", id: `uncommitted-${suffix}`, name: "never committed", updatedAt: new Date() },
      });
      opened();
      await finished;
      throw new Error("this transaction fails");
    })
    .catch(() => "rolled back");
  await isOpen;
  const seen = await design.read.product.findUnique({ where: { worldId_id: { worldId: "default", id: `uncommitted-${suffix}` } } });
  const other = design.takeOne();
  // Give the other write every chance to run before the failing transaction ends.
  await new Promise((resolve) => setTimeout(resolve, 50));
  finish();
  expect(await failing).toBe("rolled back");
  await other;
  const after = await design.read.world.findUnique({ where: { id: "default" } });
  return { leaked: seen !== null, lost: after?.orderCount !== before - 1 };
}

const naive = await (async () => {
  const db = await database();
  return new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${db.file}` }) });
})();
afterAll(() => naive.$disconnect());

beforeEach(() => resetDemo());

it("one client for both (the naive design) lets a read see a row its transaction never commits", async () => {
  const outcome = await rollbackWhileOthersWork({
    read: naive,
    transaction: (fn) => naive.$transaction((tx) => fn(tx)),
    // A single statement: Prisma wraps some model writes in a transaction of their own (which the
    // adapter's mutex then orders), but a plain statement runs at once, inside the open transaction.
    takeOne: () => naive.$executeRaw`UPDATE worlds SET order_count = order_count - 1 WHERE id = 'default'`,
  });
  expect(outcome.leaked).toBe(true);
  // (With @prisma/client 7.10 the plain write waits for the transaction to end; the adapter alone would
  // have run it inside, and rolled it back. The app's design does not depend on either.)
});

it("the app's design leaks nothing and loses nothing", async () => {
  const db = await database();
  const outcome = await rollbackWhileOthersWork({
    read: db.read,
    transaction: (fn) => db.write(fn),
    takeOne: () => db.write((tx) => tx.world.updateMany({ where: { id: "default" }, data: { orderCount: { decrement: 1 } } })),
  });
  expect(outcome).toEqual({ leaked: false, lost: false });
});

it("concurrent sagas, some rolled back mid-step, while others read: every read is a committed state, nothing is lost", async () => {
  const db = await database();
  process.env.SAGA_DELAY_SCALE = "0";
  // user_3's payments of $150 succeed until the balance runs out; later ones are refused by the payment
  // service after the reservation, which is then released.
  const orders = Array.from({ length: 40 }, (_, i) => ({
    user_id: i % 2 === 0 ? "user_3" : "user_2",
    product_id: i % 3 === 0 ? "product_2" : "product_3",
    quantity: 1,
    amount: i % 2 === 0 ? 150 : 20,
  }));
  let reads = 0;
  let placing = true;
  const world = { worldId: "default" };
  const reader = (async () => {
    while (placing) {
      // One read transaction: a snapshot of the services' data. Stock plus what is reserved, and balance
      // plus what is charged, always equal the seed: a read never sees a service's writes half done.
      const [stock, reservations, accounts, charges] = await db.read.$transaction([
        db.read.inventoryServiceStock.findMany({ where: world }),
        db.read.inventoryServiceReservation.findMany({ where: { ...world, status: "reserved" } }),
        db.read.paymentServiceAccount.findMany({ where: world }),
        db.read.paymentServiceCharge.findMany({ where: { ...world, status: "charged" } }),
      ]);
      for (const product of demoProducts) {
        const held = reservations.filter((r) => r.productId === product.id).reduce((sum, r) => sum + r.quantity, 0);
        expect(stock.find((p) => p.productId === product.id)!.available + held).toBe(product.stock);
      }
      for (const account of demoAccounts) {
        const charged = charges.filter((c) => c.accountId === account.id).reduce((sum, c) => sum + c.amountCents, 0);
        expect(accounts.find((a) => a.accountId === account.id)!.balanceCents + charged).toBe(account.balanceCents);
      }
      reads++;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  const results = await Promise.all(orders.map((order) => placeOrder(order)));
  placing = false;
  await reader;
  expect(reads).toBeGreaterThan(0);
  expect(results.filter((r) => r?.steps[2].error_message === "Insufficient funds").length).toBeGreaterThan(0);
  // Nothing lost: every order ended, and what the completed ones took is exactly what is gone.
  expect(results.every((r) => r?.status === "completed" || r?.status === "failed")).toBe(true);
  const completed = orders.filter((_, i) => results[i]?.status === "completed");
  const stock = await db.read.inventoryServiceStock.findMany({ where: world });
  for (const product of demoProducts) {
    const sold = completed.filter((o) => o.product_id === product.id).length;
    expect(stock.find((p) => p.productId === product.id)!.available).toBe(product.stock - sold);
  }
  expect(await db.read.order.count()).toBe(40);
});
