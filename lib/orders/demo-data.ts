/** The seed's demo data: what every demo world starts with, and what POST /reset restores. */
import { orderEventWrites, type Tx } from "../db/client";
import { deleteSagas } from "../saga/store";
import { initialStock } from "../services/inventory";
import { initialBalances } from "../services/payment";
import { initialAddresses } from "../services/shipping";
import { DEFAULT_WORLD } from "../world-id";

// What each world starts with. The stock, the balances and the addresses are the services' own seeds
// (lib/services): the orchestrator keeps only the names, for display, and the ids it validates.
export const demoProducts = [
  { id: "product_1", name: "Mechanical keyboard" },
  { id: "product_2", name: "Noise-cancelling headphones" },
  { id: "product_3", name: "4K monitor" },
].map((product) => ({ ...product, stock: initialStock[product.id] }));

/** user_3 has no valid shipping address: shipping fails for them, as in the seed. */
export const demoAccounts = [
  { id: "user_1", name: "Ada" },
  { id: "user_2", name: "Grace" },
  { id: "user_3", name: "Linus" },
].map((account) => ({ ...account, balanceCents: initialBalances[account.id], shippingAddress: initialAddresses[account.id] }));

/** The rows of a world's products and accounts, as the orchestrator keeps them. */
export function demoRows(worldId: string, updatedAt: Date) {
  return {
    products: demoProducts.map(({ id, name }) => ({ worldId, id, name, updatedAt })),
    accounts: demoAccounts.map(({ id, name }) => ({ worldId, id, name, updatedAt })),
  };
}

/**
 * Puts the orchestrator's part of one world back as the seed made it: its orders and order sagas
 * forgotten (with the orders go their idempotency keys). The services' data (stock, balances, what each
 * did) is theirs to reset (resetDemo asks them). Other worlds are untouched. Call inside a transaction.
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
  const rows = demoRows(world, updatedAt);
  await tx.product.createMany({ data: rows.products });
  await tx.account.createMany({ data: rows.accounts });
}

/** Seeds the shared world of a brand-new database, in the caller's transaction; a database that has ever been seeded is left as it is. */
export async function seedIfEmpty(tx: Tx): Promise<boolean> {
  const where = { worldId: DEFAULT_WORLD };
  if ((await tx.product.count({ where })) + (await tx.account.count({ where })) > 0) return false;
  await restoreDemoData(tx, DEFAULT_WORLD);
  return true;
}
