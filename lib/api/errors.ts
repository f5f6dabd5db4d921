/** Errors in FastAPI's shapes, built in one place: `{"detail": "..."}` and 422's `{"detail": [...]}`. */
import { z } from "zod";
import { jsonResponse } from "./json";
import type { HTTPError, HTTPValidationError, ValidationDetail } from "./responses";

export type { ValidationDetail };

export function errorResponse(status: number, detail: string, headers?: HeadersInit): Response {
  return jsonResponse({ detail } satisfies HTTPError, { status, headers });
}

export function notFound(detail = "Not Found"): Response {
  return errorResponse(404, detail);
}

export function validationError(details: ValidationDetail[]): Response {
  return jsonResponse({ detail: details } satisfies HTTPValidationError, { status: 422 });
}

/** A 422 for one query parameter or header that `schema` refused, at `loc` (`["query", "status"]`). */
export function parameterError(loc: ["query" | "header", string], schema: z.ZodType, error: z.ZodError): Response {
  return validationError(zodDetails(error, schema).map((detail) => ({ ...detail, loc })));
}

/**
 * The pydantic type a field of the schema stands for (`.meta({ pydanticType })`), for error wording:
 * a field of the body, or one nested in an object of it (`simulation.step_timeout_seconds`).
 */
function pydanticType(schema: z.ZodType, path: PropertyKey[]): string | undefined {
  const unwrapped = (field: z.ZodType): z.ZodType =>
    field instanceof z.ZodOptional || field instanceof z.ZodNullable ? unwrapped(field.unwrap() as z.ZodType) : field;
  let field: z.ZodType | undefined = schema;
  for (const key of path) {
    const parent: z.ZodType = unwrapped(field);
    field = parent instanceof z.ZodObject ? (parent.shape as Record<string, z.ZodType>)[String(key)] : undefined;
    if (!field) return undefined;
  }
  return (field.meta()?.pydanticType ?? unwrapped(field).meta()?.pydanticType) as string | undefined;
}

/** "1 character", "255 characters": pydantic's plural. */
function characters(count: number | bigint): string {
  return `${count} character${Number(count) === 1 ? "" : "s"}`;
}

/** Pydantic's wording for each kind of zod issue, so a client sees what FastAPI would have said. */
function toDetail(issue: z.core.$ZodIssue, schema: z.ZodType): ValidationDetail {
  const loc = ["body", ...issue.path.map((part) => (typeof part === "symbol" ? String(part) : part))];
  // JSON has no undefined: a field whose input is undefined was not sent at all.
  const input = issue.input;
  const base = input === undefined ? { loc } : { loc, input };
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return { type: "missing", msg: "Field required", ...base };
      if (issue.expected === "object")
        return { type: "model_attributes_type", msg: "Input should be a valid dictionary or object to extract fields from", ...base };
      if (issue.expected === "string") return { type: "string_type", msg: "Input should be a valid string", ...base };
      if (issue.expected === "boolean") {
        return typeof input === "string"
          ? { type: "bool_parsing", msg: "Input should be a valid boolean, unable to interpret input", ...base }
          : { type: "bool_type", msg: "Input should be a valid boolean", ...base };
      }
      if (pydanticType(schema, issue.path) === "int") {
        if (typeof input === "number" && Number.isFinite(input))
          return { type: "int_from_float", msg: "Input should be a valid integer, got a number with a fractional part", ...base };
        if (typeof input === "string")
          return { type: "int_parsing", msg: "Input should be a valid integer, unable to parse string as an integer", ...base };
        return { type: "int_type", msg: "Input should be a valid integer", ...base };
      }
      if (typeof input === "string")
        return { type: "float_parsing", msg: "Input should be a valid number, unable to parse string as a number", ...base };
      return { type: "float_type", msg: "Input should be a valid number", ...base };
    case "too_small":
      if (issue.origin === "string")
        return {
          type: "string_too_short",
          msg: `String should have at least ${characters(issue.minimum)}`,
          ...base,
          ctx: { min_length: issue.minimum },
        };
      return issue.inclusive
        ? {
            type: "greater_than_equal",
            msg: `Input should be greater than or equal to ${issue.minimum}`,
            ...base,
            ctx: { ge: issue.minimum },
          }
        : { type: "greater_than", msg: `Input should be greater than ${issue.minimum}`, ...base, ctx: { gt: issue.minimum } };
    case "too_big":
      if (issue.origin === "string")
        return {
          type: "string_too_long",
          msg: `String should have at most ${characters(issue.maximum)}`,
          ...base,
          ctx: { max_length: issue.maximum },
        };
      return {
        type: "less_than_equal",
        msg: `Input should be less than or equal to ${issue.maximum}`,
        ...base,
        ctx: { le: issue.maximum },
      };
    case "invalid_value": {
      const options = issue.values.map((value) => `'${String(value)}'`);
      const listed = options.length > 1 ? `${options.slice(0, -1).join(", ")} or ${options.at(-1)}` : options.join("");
      return { type: "enum", msg: `Input should be ${listed}`, ...base, ctx: { expected: listed } };
    }
    case "custom":
      if (issue.params?.pydantic === "decimal_max_places")
        return {
          type: "decimal_max_places",
          msg: "Decimal input should have no more than 2 decimal places",
          ...base,
          ctx: { decimal_places: 2 },
        };
      return { type: "value_error", msg: issue.message, ...base };
    default:
      return { type: "value_error", msg: issue.message, ...base };
  }
}

/** One detail per field (the first problem found), in the order zod reports them. */
export function zodDetails(error: z.ZodError, schema: z.ZodType): ValidationDetail[] {
  const seen = new Set<string>();
  const details: ValidationDetail[] = [];
  for (const issue of error.issues) {
    const key = JSON.stringify(issue.path.map(String));
    if (seen.has(key)) continue;
    seen.add(key);
    // FastAPI's key order: type, loc, msg, input, ctx.
    const { type, loc, msg, input, ctx } = toDetail(issue, schema);
    details.push({ type, loc, msg, ...(input === undefined ? {} : { input }), ...(ctx ? { ctx } : {}) });
  }
  return details;
}
