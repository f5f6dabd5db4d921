/**
 * Turns both kinds of order errors into messages at the form's fields: zod's issues from the browser's
 * own check (the API's schema), and the API's answer when it refuses an order anyway (a 422's FastAPI
 * detail list, mapped by loc[1]; anything else as one message for the whole form).
 */
import { z } from "zod";
import { MAX_AMOUNT, MAX_QUANTITY } from "../api/schemas";
import { formatDollars } from "./format";
import { ApiError } from "./fetch-json";

export const orderFields = ["user_id", "product_id", "quantity", "amount"] as const;
export type OrderField = (typeof orderFields)[number];

export interface OrderFormErrors {
  fields: Partial<Record<OrderField, string>>;
  form: string | null;
}

export const noErrors: OrderFormErrors = { fields: {}, form: null };

function isOrderField(value: unknown): value is OrderField {
  return typeof value === "string" && (orderFields as readonly string[]).includes(value);
}

/** Friendlier words than zod's defaults, per field, for what a person can get wrong in this form. */
function messageFor(field: OrderField, issue: z.core.$ZodIssue): string {
  switch (field) {
    case "quantity":
      if (issue.code === "too_small") return "Quantity must be at least 1.";
      if (issue.code === "too_big") return `Quantity can be at most ${MAX_QUANTITY.toLocaleString("en-US")}.`;
      return "Enter a whole number of units, e.g. 2.";
    case "amount":
      if (issue.code === "too_small") return "Amount must be more than $0.";
      if (issue.code === "too_big") return `Amount can be at most ${formatDollars(MAX_AMOUNT)}.`;
      if (issue.code === "custom") return "Use at most two decimal places (whole cents).";
      return "Enter an amount in dollars, e.g. 100 or 12.50.";
    case "user_id":
      return issue.code === "too_big" ? "That user id is too long." : "Choose a user.";
    case "product_id":
      return issue.code === "too_big" ? "That product id is too long." : "Choose a product.";
  }
}

export function errorsFromIssues(issues: readonly z.core.$ZodIssue[]): OrderFormErrors {
  const errors: OrderFormErrors = { fields: {}, form: null };
  for (const issue of issues) {
    const field = issue.path[0];
    if (isOrderField(field)) errors.fields[field] ??= messageFor(field, issue);
    else errors.form ??= issue.message;
  }
  return errors;
}

const ValidationDetailSchema = z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string() }));

/** What the API (or the network) said when it did not accept an order. */
export function errorsFromApi(error: unknown): OrderFormErrors {
  if (!(error instanceof ApiError)) return { fields: {}, form: "Could not reach the API. Is the server running?" };
  const details = error.status === 422 ? ValidationDetailSchema.safeParse(error.detail) : null;
  if (details?.success) {
    const errors: OrderFormErrors = { fields: {}, form: null };
    for (const { loc, msg } of details.data) {
      const field = loc[1];
      if (isOrderField(field)) errors.fields[field] ??= msg;
      else errors.form = errors.form ? `${errors.form} ${msg}` : msg;
    }
    return errors;
  }
  const detail = typeof error.detail === "string" ? error.detail : `The API answered ${error.status}.`;
  return { fields: {}, form: detail };
}
