/**
 * The examples of the services' part of the OpenAPI document (lib/docs/openapi-{inventory,payment,shipping}.ts):
 * their seeds, and what they answer an order's requests. lib/docs/openapi-services.test.ts checks each
 * against what the services really answer.
 */
import type { z } from "zod";
import { NOTHING_TO_UNDO } from "../services/answer";
import { KEY_REUSED } from "../services/idempotency";
import { initialStock } from "../services/inventory";
import { initialBalances } from "../services/payment";
import { initialAddresses } from "../services/shipping";
import type * as services from "../services/schemas";
import { at, exampleIds } from "./openapi-examples";

type In<S extends z.ZodType> = z.input<S>;

const order = exampleIds.order;

export const serviceStockExample: In<typeof services.StockListSchema> = Object.entries(initialStock).map(([product_id, available]) => ({
  product_id,
  available,
}));
export const serviceAccountsExample: In<typeof services.AccountListSchema> = Object.entries(initialBalances).map(
  ([account_id, balance_cents]) => ({ account_id, balance_cents }),
);

export const reservationRequestExample: In<typeof services.ReservationRequestSchema> = {
  order_id: order,
  product_id: "product_1",
  quantity: 2,
};
export const chargeRequestExample: In<typeof services.ChargeRequestSchema> = {
  order_id: order,
  account_id: "user_1",
  amount_cents: 10_000,
};
export const shipmentRequestExample: In<typeof services.ShipmentRequestSchema> = { order_id: order, user_id: "user_1" };
export const compensationRequestExample: In<typeof services.CompensationRequestSchema> = { order_id: order };

export const reservationExample = (status: "reserved" | "released"): In<typeof services.ReservationSchema> => ({
  ...reservationRequestExample,
  status,
});
export const chargeExample = (status: "charged" | "refunded"): In<typeof services.ChargeSchema> => ({ ...chargeRequestExample, status });
export const shipmentExample = (status: "created" | "cancelled"): In<typeof services.ShipmentSchema> => ({
  ...shipmentRequestExample,
  address: initialAddresses.user_1,
  status,
});
export const shipmentsExample: In<typeof services.ShipmentListSchema> = [shipmentExample("created")];

/** A charge, then its refund, as the payment service's ledger records them. */
export const ledgerExample: In<typeof services.LedgerSchema> = [
  { order_id: order, account_id: "user_1", kind: "charge", amount_cents: -10_000, at: at(207) },
  { order_id: order, account_id: "user_1", kind: "refund", amount_cents: 10_000, at: at(1_207) },
];

/** What a compensation answers when the action it undoes never arrived. */
export const nothingToUndoExample: In<typeof services.NothingToUndoSchema> = { order_id: order, status: NOTHING_TO_UNDO };

/** The same key sent again with another body. */
export const keyReusedExample = { detail: KEY_REUSED };

/** A late action, refused: its compensation came first (and answered nothing_to_undo). */
export const lateActionDetail = (action: "reservation" | "charge" | "shipment", undone: "released" | "refunded" | "cancelled") =>
  `The ${action} of order ${order} was ${undone} before it arrived`;

/** What the services hold for an order whose shipping failed: its stock reserved and released, its charge refunded. */
export const orderRecordExamples: { [S in "inventory" | "payment" | "shipping"]: In<typeof services.OrderRecordSchema> } = {
  inventory: {
    order_id: order,
    status: "released",
    movements: [
      { kind: "reserve", account: "product_1", unit: "stock", delta: -2, undoes: false, at: at(105) },
      { kind: "release", account: "product_1", unit: "stock", delta: 2, undoes: true, at: at(1_310) },
    ],
  },
  payment: {
    order_id: order,
    status: "refunded",
    movements: [
      { kind: "charge", account: "user_1", unit: "money", delta: -10_000, undoes: false, at: at(207) },
      { kind: "refund", account: "user_1", unit: "money", delta: 10_000, undoes: true, at: at(1_207) },
    ],
  },
  shipping: { order_id: order, status: null, movements: [] },
};

export const orderServicesExample: In<typeof services.OrderServicesSchema> = {
  order_id: order,
  services: (["inventory", "payment", "shipping"] as const).map((service) => {
    const { status, movements } = orderRecordExamples[service];
    return { service, status, movements };
  }),
};
