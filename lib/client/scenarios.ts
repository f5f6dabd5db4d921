/**
 * The seed's four scenarios (shared/API.md), as one-click presets of the order form. Each says what it
 * will show, from a freshly reset state.
 */

export interface Scenario {
  id: "happy-path" | "insufficient-funds" | "shipping-failure" | "insufficient-inventory";
  title: string;
  outcome: "completed" | "failed";
  description: string;
  order: { user_id: string; product_id: string; quantity: number; amount: number };
}

export const scenarios: readonly Scenario[] = [
  {
    id: "happy-path",
    title: "Happy path",
    outcome: "completed",
    description: "Every step completes: product_1 drops to 98 and user_1 to $900.00.",
    order: { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 },
  },
  {
    id: "insufficient-funds",
    title: "Insufficient funds",
    outcome: "failed",
    description: "Payment fails for user_3 ($200 < $500), so the reserved unit is released and nothing changes.",
    order: { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 500 },
  },
  {
    id: "shipping-failure",
    title: "Shipping failure",
    outcome: "failed",
    description: "Shipping fails (user_3 has no valid address): the payment is refunded, then the inventory released.",
    order: { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 },
  },
  {
    id: "insufficient-inventory",
    title: "Insufficient inventory",
    outcome: "failed",
    description: "Only 100 units of product_1 exist, so reserving 200 fails and nothing is charged.",
    order: { user_id: "user_1", product_id: "product_1", quantity: 200, amount: 100 },
  },
];
