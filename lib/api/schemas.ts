/**
 * The zod schemas of the API: each gives the TypeScript type, the request validation (in the route
 * handlers and in the browser's form) and, later, the OpenAPI document.
 */
import { z } from "zod";

export const MAX_QUANTITY = 1_000_000;
export const MAX_AMOUNT = 1_000_000_000;
export const MAX_ID_LENGTH = 100;

/** Pydantic's lax mode takes numbers sent as strings ("2"); so do we, for seed clients that do that. */
function numberFromString(value: unknown): unknown {
  return typeof value === "string" && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value) ? Number(value) : value;
}

function hasAtMostTwoDecimals(amount: number): boolean {
  const cents = amount * 100;
  return Math.abs(cents - Math.round(cents)) < 1e-6;
}

export const CreateOrderRequestSchema = z.object({
  user_id: z.string().max(MAX_ID_LENGTH).describe("The customer placing the order, e.g. user_1"),
  product_id: z.string().max(MAX_ID_LENGTH).describe("The product ordered, e.g. product_1"),
  quantity: z.preprocess(numberFromString, z.int().positive().max(MAX_QUANTITY)).describe("Units ordered, a positive integer"),
  amount: z
    .preprocess(
      numberFromString,
      z
        .number()
        .positive()
        .max(MAX_AMOUNT)
        .refine(hasAtMostTwoDecimals, { params: { pydantic: "decimal_max_places" } }),
    )
    .describe("The order's total in dollars, positive, at most two decimal places"),
});
export type CreateOrderRequest = z.infer<typeof CreateOrderRequestSchema>;
