/** The seed's demo data: what the first start seeds and POST /reset restores. */
import type { Db } from "../db/sqlite";
import { isoNow } from "../db/time";

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

const TABLES = ["saga_events", "saga_steps", "sagas", "orders", "inventory_reservations", "payments", "shipments", "products", "accounts"];

/** Replaces every row of demo data, orders and sagas with the seed's; call inside a transaction. */
export function restoreDemoData(db: Db): void {
  for (const table of TABLES) db.prepare(`DELETE FROM ${table}`).run();
  const at = isoNow();
  const product = db.prepare(`INSERT INTO products (id, name, stock, updated_at) VALUES (?, ?, ?, ?)`);
  for (const p of demoProducts) product.run(p.id, p.name, p.stock, at);
  const account = db.prepare(`INSERT INTO accounts (id, name, balance_cents, shipping_address, updated_at) VALUES (?, ?, ?, ?, ?)`);
  for (const a of demoAccounts) account.run(a.id, a.name, a.balanceCents, a.shippingAddress, at);
}

/** Seeds a brand-new database; a database that has ever been seeded is left as it is. */
export function seedIfEmpty(db: Db): boolean {
  const { count } = db.prepare(`SELECT (SELECT COUNT(*) FROM products) + (SELECT COUNT(*) FROM accounts) AS count`).get() as {
    count: number;
  };
  if (count > 0) return false;
  restoreDemoData(db);
  return true;
}
