import type { Page } from "@playwright/test";
import { expect, resetDemo, test } from "./fixtures";
import { openDashboard } from "./dashboard";

function countOrderPosts(page: Page): () => number {
  let posts = 0;
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/api/orders") posts += 1;
  });
  return () => posts;
}

test("the browser checks an order with the API's schema and shows each error at its field", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  const posts = countOrderPosts(page);

  await page.getByLabel("Quantity").fill("0");
  await page.getByLabel("Amount (USD)").fill("12.345");
  await page.getByRole("button", { name: "Place order" }).click();

  await expect(page.getByTestId("error-quantity")).toHaveText("Quantity must be at least 1.");
  await expect(page.getByLabel("Quantity")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Quantity")).toBeFocused();
  await expect(page.getByTestId("error-amount")).toHaveText("Use at most two decimal places (whole cents).");
  await expect(page.getByLabel("Amount (USD)")).toHaveAccessibleDescription(/two decimal places/);

  // Fixing a field clears its error; an empty amount is an error of its own.
  await page.getByLabel("Quantity").fill("3");
  await expect(page.getByTestId("error-quantity")).toBeEmpty();
  await page.getByLabel("Amount (USD)").fill("");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByTestId("error-amount")).toHaveText(/Enter an amount in dollars/);
  await expect(page.getByTestId("error-quantity")).toBeEmpty();

  expect(posts(), "an invalid order is never sent").toBe(0);
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "idle");
  await expect(page.getByTestId("no-orders")).toBeVisible();
});

test("the API's own errors are shown too: a 422 at its field (by loc), anything else as a message", async ({
  page,
  request,
  consoleErrors,
}) => {
  await resetDemo(request);
  await openDashboard(page);
  // Stand-ins for refusals the browser's own check cannot produce (the API's schema is the same one).
  const answers = [
    {
      status: 422,
      json: { detail: [{ type: "less_than_equal", loc: ["body", "quantity"], msg: "Input should be less than or equal to 5", input: 7 }] },
    },
    { status: 503, json: { detail: "The server is shutting down; retry shortly" } },
  ];
  await page.route("**/api/orders", (route) => (route.request().method() === "POST" ? route.fulfill(answers.shift()!) : route.fallback()));

  await page.getByTestId("scenario-happy-path").click();
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByTestId("error-quantity")).toHaveText("Input should be less than or equal to 5");
  await expect(page.getByTestId("form-error")).toBeEmpty();

  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("The server is shutting down; retry shortly");
  await expect(page.getByTestId("error-quantity")).toBeEmpty();

  // The browser reports each refused request on the console; those two were the point of this test.
  const expected = /status of (422|503)/;
  expect(consoleErrors.filter((text) => expected.test(text))).toHaveLength(2);
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((text) => !expected.test(text)));
});
