/**
 * The zod schemas of the API: each gives the TypeScript type, the request validation (in the route
 * handlers and in the browser's form) and, later, the OpenAPI document.
 */
import { z } from "zod";
import { RunOptionsSchema } from "../saga/options";

export const MAX_QUANTITY = 1_000_000;
export const MAX_AMOUNT = 1_000_000_000;
export const MAX_ID_LENGTH = 100;

// Pydantic's lax mode takes numbers sent as strings ("2", "12.5"); so do we, for seed clients that do.
const integerText = /^\s*[-+]?\d+\s*$/;
const decimalText = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
const fromText = (pattern: RegExp) => (value: unknown) => (typeof value === "string" && pattern.test(value) ? Number(value) : value);

/** True when the amount is a whole number of cents, as a decimal with at most two places is. */
function hasAtMostTwoDecimals(amount: number): boolean {
  return Math.round(amount * 100) / 100 === amount;
}

// PostgreSQL's text cannot hold the NUL character: refused on every database alike, so the API answers
// the same whichever one it runs on.
const noNul = (value: string) => !value.includes("\u0000");
const nulMessage = "Value error, the NUL character is not allowed";

export const CreateOrderRequestSchema = z.object({
  user_id: z.string().max(MAX_ID_LENGTH).refine(noNul, nulMessage).describe("The customer placing the order, e.g. user_1"),
  product_id: z.string().max(MAX_ID_LENGTH).refine(noNul, nulMessage).describe("The product ordered, e.g. product_1"),
  quantity: z
    .preprocess(fromText(integerText), z.int().positive().max(MAX_QUANTITY))
    .meta({ pydanticType: "int" })
    .describe("Units ordered, a positive integer"),
  amount: z
    .preprocess(
      fromText(decimalText),
      z
        .number()
        .positive()
        .max(MAX_AMOUNT)
        .refine(hasAtMostTwoDecimals, { params: { pydantic: "decimal_max_places" } }),
    )
    .meta({ pydanticType: "float" })
    .describe("The order's total in dollars, positive, at most two decimal places"),
  simulation: RunOptionsSchema.optional().describe("How the saga is played for a viewer (optional; seed clients never send it)"),
});
export type CreateOrderRequest = z.infer<typeof CreateOrderRequestSchema>;

/** Where a reconnecting event stream resumes: the id of the last event it received (Last-Event-ID, or ?after=). */
export const EventIdSchema = z
  .string()
  .regex(/^\d{1,15}$/)
  .describe("The id of the last event received: the stream resumes with the events after it");

/** The Idempotency-Key header of POST /orders: an opaque key of printable ASCII, as clients generate them. */
export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "Idempotency-Key must be printable ASCII without spaces")
  .describe("Makes a retried POST /orders safe: the same key and body answer the same order");

/** The largest page of a list a client may ask for (and the size of the pages a whole list is read in). */
export const MAX_PAGE = 500;

/** `?limit=` of the lists (GET /orders, GET /sagas): a page of at most this many, newest first. */
export const LimitSchema = z.int().min(1).max(MAX_PAGE).describe("How many to answer, newest first (1 to 500); without it, the whole list");

/** `?cursor=`: where the next page starts, as the previous page's Link / X-Next-Cursor header said. */
export const CursorSchema = z.string().min(1).max(200).describe("The X-Next-Cursor of the previous page: the page after it");
