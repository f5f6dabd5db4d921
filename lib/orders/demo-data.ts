/** The seed's demo data: what the first start seeds and POST /reset restores. */
import type { Tx } from "../db/client";
import { deleteSagas } from "../saga/store";

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

/** Replaces every row of demo data, orders and order sagas with the seed's; call inside a transaction. */
export async function restoreDemoData(tx: Tx): Promise<void> {
  await deleteSagas(tx, "order");
  await tx.idempotencyKey.deleteMany();
  await tx.order.deleteMany();
  await tx.inventoryReservation.deleteMany();
  await tx.payment.deleteMany();
  await tx.shipment.deleteMany();
  await tx.product.deleteMany();
  await tx.account.deleteMany();
  const updatedAt = new Date();
  await tx.product.createMany({ data: demoProducts.map((p) => ({ ...p, updatedAt })) });
  await tx.account.createMany({ data: demoAccounts.map((a) => ({ ...a, updatedAt })) });
}

/** Seeds a brand-new database, in the caller's transaction; a database that has ever been seeded is left as it is. */
export async function seedIfEmpty(tx: Tx): Promise<boolean> {
  if ((await tx.product.count()) + (await tx.account.count()) > 0) return false;
  await restoreDemoData(tx);
  return true;
}
