// Issue 20, item 10: the smaller things a newcomer meets. The first "Place order" places an order (the
// Amount field holds a real amount, not a placeholder that looks like one); focus stays on the button;
// the API docs lead back to the app; a timeline page is headed by what the order was.
import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard } from "./dashboard";
import { placeOrder } from "./timeline";

test("the first Place order, straight away and from the keyboard, places an order and keeps the focus", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  const amount = page.getByLabel("Amount (USD)");
  await expect(amount).toHaveValue("100.00");
  await expect(amount).not.toHaveAttribute("placeholder");

  const button = page.getByRole("button", { name: "Place order" });
  await button.focus();
  await page.keyboard.press("Enter");
  await expectFinalStatus(page, "completed", "Completed");
  await expect(page.getByTestId("error-amount")).toBeEmpty();
  await expect(page.getByTestId("placed-order")).toHaveText("user_1 · 1 × product_1 · $100.00");
  // Focus is where it was (not dropped to the page while the order was being placed).
  await expect(page.getByRole("button", { name: "Place order" })).toBeFocused();
});

for (const [path, title] of [
  ["/docs", "Saga Studio - Swagger UI"],
  ["/redoc", "Saga Studio - ReDoc"],
] as const) {
  test(`${path} leads back to the app`, async ({ page }) => {
    await page.goto(path);
    await expect(page).toHaveTitle(title);
    const bar = page.getByRole("navigation", { name: "Saga Studio" });
    await expect(bar.getByRole("link", { name: "Workflow" })).toHaveAttribute("href", "/workflow");
    await expect(bar.getByRole("link", { name: path === "/docs" ? "API docs" : "ReDoc" })).toHaveAttribute("aria-current", "page");
    await bar.getByRole("link", { name: "Dashboard" }).click();
    await expect(page).toHaveURL("/");
    await expect(page.getByRole("heading", { level: 1, name: "Order saga dashboard" })).toBeVisible();
  });
}

test("a timeline page is headed by what the order was, not by an id", async ({ page, request }) => {
  await resetDemo(request);
  const placed = await placeOrder(request, { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 });
  await page.goto(`/timeline/${placed.saga_id}`);
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toContainText("1 × Mechanical keyboard for Linus, $50.00");
  await expect(heading).not.toContainText(/[0-9a-f]{8}-/);
  await expect(page).toHaveTitle("1 × Mechanical keyboard for Linus, $50.00 · Saga Studio");
});
