import { describe, expect, it } from "vitest";
import { zodDetails } from "./errors";
import { IdempotencyKeySchema } from "./schemas";

function detailsFor(value: string) {
  const result = IdempotencyKeySchema.safeParse(value, { reportInput: true });
  if (result.success) throw new Error(`${JSON.stringify(value)} was accepted`);
  return zodDetails(result.error, IdempotencyKeySchema);
}

describe("pydantic's wording for strings", () => {
  it("an empty string is too short, in a string's words (not a number's)", () => {
    expect(detailsFor("")).toEqual([
      { type: "string_too_short", loc: ["body"], msg: "String should have at least 1 character", input: "", ctx: { min_length: 1 } },
    ]);
  });

  it("a string over the limit is too long, in characters", () => {
    const [detail] = detailsFor("k".repeat(256));
    expect(detail).toMatchObject({ type: "string_too_long", msg: "String should have at most 255 characters", ctx: { max_length: 255 } });
  });
});
