/**
 * The zod schemas of the services' HTTP API: the bodies their writes take (lib/services/http.ts validates
 * each request with these) and the bodies they answer. The OpenAPI document (lib/docs/openapi-services.ts)
 * is converted from them; lib/docs/openapi-services.test.ts and tests/openapi.test.ts hold real answers
 * against what they document.
 */
import { z } from "zod";
import { DEFAULT_WORLD, isWorldId } from "../world-id";
import { MAX_AMOUNT, MAX_ID_LENGTH, MAX_QUANTITY } from "../api/schemas";
import { NOTHING_TO_UNDO } from "./answer";

const id = (description: string) => z.string().min(1).max(MAX_ID_LENGTH).describe(description);
const orderId = () => id("The order the request is for: one reservation, charge or shipment per order");

// ---------------------------------------------------------------------------------------------------
// Requests

export const ReservationRequestSchema = z.object({
  order_id: orderId(),
  product_id: id("The product to reserve, e.g. product_1"),
  quantity: z.int().min(1).max(MAX_QUANTITY).meta({ pydanticType: "int", description: "Units to reserve, a positive integer" }),
});

export const ChargeRequestSchema = z.object({
  order_id: orderId(),
  account_id: id("The account to charge, e.g. user_1"),
  amount_cents: z
    .int()
    .min(1)
    .max(MAX_AMOUNT * 100)
    .meta({ pydanticType: "int", description: "What to charge, in cents, a positive integer" }),
});

export const ShipmentRequestSchema = z.object({
  order_id: orderId(),
  user_id: id("The user to ship to, at the address the service holds for them, e.g. user_1"),
});

/** A compensation's body (a release, a refund, a cancellation): the order whose action it undoes. */
export const CompensationRequestSchema = z.object({ order_id: orderId() });

// ---------------------------------------------------------------------------------------------------
// Answers

/** What a compensation answers when its action never arrived: nothing was undone, and a late action is refused. */
export const NothingToUndoSchema = z.object({
  order_id: z.string(),
  status: z
    .literal(NOTHING_TO_UNDO)
    .describe("The action never arrived: nothing was undone, and that action is refused (409) if it arrives later"),
});

export const StockLevelSchema = z.object({
  product_id: z.string(),
  available: z.int().describe("Units on hand and not reserved"),
});
export const StockListSchema = z.array(StockLevelSchema);

export const ReservationSchema = z.object({
  order_id: z.string(),
  product_id: z.string(),
  quantity: z.int(),
  status: z.enum(["reserved", "released"]).describe("reserved, until a release puts its units back: released"),
});

export const AccountBalanceSchema = z.object({
  account_id: z.string(),
  balance_cents: z.int().describe("The account's balance, in cents"),
});
export const AccountListSchema = z.array(AccountBalanceSchema);

export const ChargeSchema = z.object({
  order_id: z.string(),
  account_id: z.string(),
  amount_cents: z.int().describe("What was charged, in cents"),
  status: z.enum(["charged", "refunded"]).describe("charged, until a refund gives the amount back: refunded"),
});

export const LedgerEntrySchema = z.object({
  order_id: z.string(),
  account_id: z.string(),
  kind: z.enum(["charge", "refund"]),
  amount_cents: z.int().describe("What moved, in cents: negative for a charge, positive for a refund"),
  at: z.iso.datetime().describe("When"),
});
export const LedgerSchema = z.array(LedgerEntrySchema);

export const ShipmentSchema = z.object({
  order_id: z.string(),
  user_id: z.string(),
  address: z.string().nullable().describe("Where it ships: the user's address, as the service holds it"),
  status: z.enum(["created", "cancelled"]).describe("created, until a cancellation: cancelled"),
});
export const ShipmentListSchema = z.array(ShipmentSchema);

/** A movement of stock or money a service made for an order: what its own data says it did. */
export const MovementSchema = z.object({
  kind: z.enum(["reserve", "release", "charge", "refund"]),
  account: z.string().describe("What moved: a product's stock (reserve, release) or an account's balance (charge, refund)"),
  unit: z.enum(["stock", "money"]).describe("stock in units, money in cents"),
  delta: z.int().describe("What moved: negative when taken (reserve, charge), positive when given back (release, refund)"),
  undoes: z.boolean().describe("Whether it undoes an earlier movement of the order (a release, a refund)"),
  at: z.iso.datetime().describe("When"),
});

/** What a service holds for one order: its reservation's, charge's or shipment's status, and what it moved. */
export const OrderRecordSchema = z.object({
  order_id: z.string(),
  status: z
    .string()
    .nullable()
    .describe(
      "Its reservation, charge or shipment as the service holds it (reserved | released, charged | refunded, created | cancelled), " +
        "voided when its compensation came first (a late action is refused), or null when the service never heard of the order",
    ),
  movements: z.array(MovementSchema).describe("The stock or money it moved for the order, oldest first (shipping moves neither)"),
});

export type OrderRecord = z.infer<typeof OrderRecordSchema>;

/** GET /api/orders/{order_id}/services: what each service holds for the order, as the orchestrator asked them. */
export const OrderServicesSchema = z.object({
  order_id: z.string(),
  services: z
    .array(OrderRecordSchema.omit({ order_id: true }).extend({ service: z.enum(["inventory", "payment", "shipping"]) }))
    .describe("Inventory, payment and shipping, in the saga's order"),
});
export type OrderServices = z.infer<typeof OrderServicesSchema>;

export const SERVICE_RESET_MESSAGE = "The service's data of this world is reset to its seed.";
export const ServiceResetResponseSchema = z.object({ message: z.literal(SERVICE_RESET_MESSAGE) });

/** How many worlds one request may have a service forget (a page of the orchestrator's sweep). */
export const FORGET_PAGE = 100;
export const ForgetRequestSchema = z.object({
  worlds: z
    .array(z.string().refine((value) => value === DEFAULT_WORLD || isWorldId(value), 'A demo world\'s id, or "default"'))
    .max(FORGET_PAGE)
    .describe("The worlds the orchestrator removed (an idle world's sweep): every row of each is forgotten"),
});
export const ForgetResponseSchema = z.object({ forgotten: z.int().describe("How many worlds were named") });
