/** The seed's demo data: what every demo world starts with, and what POST /reset restores. */
import { orderEventWrites, type Tx } from "../db/client";
import { deleteSagas } from "../saga/store";
import { DEFAULT_WORLD } from "../world-id";

export const demoProducts = [
  { id: "product_1", name: "Mechanical keyboard", stock: 100 },
  { id: "product_2", name: "Noise-cancelling headphones", stock: 50 },
  { id: "product_3", name: "4K monitor", stock: 25 },
] as const;

/** user_3 has no valid shipping address: shipping fails for them, as in the seed. */
export const demoAccounts = [
  { id: "user_1", name: "Ada", balanceCents: 100_000, shippingAddress: "1 Analytical Way, London" },
  { id: "user_2", name: "Grace", balanceCents: 50_000, shippingAddress: "7 Compiler Court, Arlington" },
  { id: "user_3", name: "Linus", balanceCents: 20_000, shippingAddress: null },
] as const;

/**
 * Puts one world back as the seed made it: its orders and order sagas forgotten (with the orders go
 * their reservations, payments, shipments and idempotency keys), its stock and balances restored.
 * Other worlds are untouched. Call inside a transaction.
 */
export async function restoreDemoData(tx: Tx, world: string): Promise<void> {
  // On PostgreSQL, the locks an order's transaction takes come in this order: its product and account
  // rows (its steps), the lock that orders event writes, its world's row (its count). A reset takes them
  // in the same order, so the two cannot deadlock, and it waits for an order under way to commit, so
  // the deletes below see it and the count it sets to 0 is right.
  const updatedAt = new Date();
  await tx.product.updateMany({ where: { worldId: world }, data: { updatedAt } });
  await tx.account.updateMany({ where: { worldId: world }, data: { updatedAt } });
  await orderEventWrites(tx);
  await tx.world.updateMany({ where: { id: world }, data: { orderCount: 0 } });
  await deleteSagas(tx, "order", world);
  await tx.order.deleteMany({ where: { worldId: world } });
  await tx.product.deleteMany({ where: { worldId: world } });
  await tx.account.deleteMany({ where: { worldId: world } });
  await tx.product.createMany({ data: demoProducts.map((p) => ({ ...p, worldId: world, updatedAt })) });
  await tx.account.createMany({ data: demoAccounts.map((a) => ({ ...a, worldId: world, updatedAt })) });
}

/** Seeds the shared world of a brand-new database, in the caller's transaction; a database that has ever been seeded is left as it is. */
export async function seedIfEmpty(tx: Tx): Promise<boolean> {
  const where = { worldId: DEFAULT_WORLD };
  if ((await tx.product.count({ where })) + (await tx.account.count({ where })) > 0) return false;
  await restoreDemoData(tx, DEFAULT_WORLD);
  return true;
}
