import { expect, resetDemo, test } from "./fixtures";
import { openDashboard, stepNames } from "./dashboard";

test("the dashboard loads with the saga's steps, the demo data and a healthy API", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await expect(page.getByRole("link", { name: "Saga Studio" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Workflow" })).toHaveAttribute("href", "/workflow");
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "idle");
  for (const name of stepNames) await expect(page.getByTestId(`step-${name}`)).toHaveAttribute("data-status", "pending");
  await expect(page.getByTestId("stock-product_1")).toHaveText("100");
  await expect(page.getByTestId("stock-product_3")).toHaveText("25");
  await expect(page.getByTestId("balance-user_1")).toHaveText("$1,000.00");
  await expect(page.getByTestId("balance-user_3")).toHaveText("$200.00");
  // The form offers what the API lists, with each one's balance and stock beside it.
  await expect(page.getByLabel("User")).toHaveValue("user_1");
  await expect(page.getByTestId("selected-balance")).toHaveText("Ada · balance $1,000.00");
  await expect(page.getByTestId("selected-stock")).toHaveText("Mechanical keyboard · 100 in stock");
  await expect(page.getByLabel("User").locator("option")).toHaveText([/user_1/, /user_2/, /user_3/]);
  await expect(page.getByTestId("no-orders")).toBeVisible();
});
