/** The payment service's operations in the OpenAPI document (lib/services/payment.ts); what they share is in openapi-services.ts. */
import * as examples from "./openapi-services-examples";
import { ref } from "./openapi-components";
import { json, type Paths } from "./openapi-operation";
import {
  requestBody,
  answered,
  refused,
  writeErrors,
  read,
  reset,
  write,
  atLeastOne,
  replay,
  compensation,
  forget,
  orderRead,
} from "./openapi-services";

export const paymentPaths: Paths = {
  "/services/payment/accounts": {
    get: read(
      "payment",
      "payment_accounts",
      "Balances by account",
      "Each account's balance in cents, as the payment service holds it: a charge lowers it, a refund gives the amount back. " +
        "A world's first call seeds its accounts.",
      { description: "Balances in cents, by account", content: json(ref("AccountList"), examples.serviceAccountsExample) },
    ),
  },
  "/services/payment/ledger": {
    get: read(
      "payment",
      "payment_ledger",
      "The payment service's ledger",
      "Every charge (negative) and refund (positive) in the world, oldest first, at most a thousand: " +
        "the money that moved, and for which order.",
      { description: "Ledger entries, oldest first", content: json(ref("Ledger"), examples.ledgerExample) },
    ),
  },
  "/services/payment/charges": {
    post: write("payment", {
      summary: "Charge an account for an order",
      operationId: "payment_charge",
      description:
        "Takes `amount_cents` from the account for the order: one charge per order, never a second. " +
        "The same order again, under another key, answers its charge as it stands and moves no money.",
      requestBody: requestBody("ChargeRequest", "The order, the account and the amount in cents", examples.chargeRequestExample),
      responses: {
        "201": answered("Charged", ref("Charge"), {
          charged: { summary: "Charged", value: examples.chargeExample("charged") },
          replayed: replay(examples.chargeExample("charged")),
        }),
        "402": refused("The balance is lower than the amount", { funds: { summary: "Not enough money", detail: "Insufficient funds" } }),
        "404": refused("No such account", { account: { summary: "Unknown account", detail: "User not found" } }),
        "409": refused("The order's charge was refunded before it arrived", {
          late: { summary: "Refunded before it arrived", detail: examples.lateActionDetail("charge", "refunded") },
        }),
        ...writeErrors(atLeastOne("amount_cents")),
      },
    }),
  },
  "/services/payment/refunds": {
    post: compensation("payment", {
      summary: "Refund an order's charge",
      operationId: "payment_refund",
      action: "charge",
      status: "refunded",
      undo: "the amount goes back to the account, and the ledger records the refund",
      bodyDescription: "The order whose charge to refund",
      answer: { name: "Charge", title: "Refunded", example: examples.chargeExample("refunded") },
    }),
  },
  "/services/payment/orders/{order_id}": { get: orderRead("payment", "charge", examples.orderRecordExamples.payment) },
  "/services/payment/reset": { post: reset("payment", "balances", "charges, its ledger") },
  "/services/payment/forget": { post: forget("payment") },
};
