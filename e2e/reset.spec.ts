import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario } from "./dashboard";

test("reset asks for a confirmation, then restores the demo data and forgets the orders", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await placeScenario(page, "happy-path", "1x");
  await expectFinalStatus(page, "completed", "Completed");
  await expect(page.getByTestId("stock-product_1")).toHaveText("98");
  await expect(page.getByTestId("balance-user_1")).toHaveText("$900.00");

  // Backing out changes nothing.
  await page.getByRole("button", { name: "Reset demo" }).click();
  await expect(page.getByRole("button", { name: "Confirm reset" })).toBeFocused();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("button", { name: "Confirm reset" })).toHaveCount(0);
  await expect(page.getByTestId("stock-product_1")).toHaveText("98");
  await expect(page.getByTestId("order-row")).toHaveCount(1);

  await page.getByRole("button", { name: "Reset demo" }).click();
  await page.getByRole("button", { name: "Confirm reset" }).click();
  await expect(page.getByText("Demo data restored.")).toBeVisible();
  await expect(page.getByTestId("stock-product_1")).toHaveText("100");
  await expect(page.getByTestId("stock-product_1-change")).toHaveText("+2 reset");
  await expect(page.getByTestId("balance-user_1")).toHaveText("$1,000.00");
  await expect(page.getByTestId("no-orders")).toBeVisible();
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "idle");
  expect(await (await request.get("/inventory")).json()).toEqual({ inventory: { product_1: 100, product_2: 50, product_3: 25 } });
});

test("a reset made elsewhere in the same world (another tab, curl with its cookie) shows on an open dashboard as a reset", async ({
  page,
  request,
}) => {
  await resetDemo(request);
  await openDashboard(page);
  await placeScenario(page, "happy-path", "1x");
  await expectFinalStatus(page, "completed", "Completed");
  await expect(page.getByTestId("stock-product_1")).toHaveText("98");

  expect((await request.post("/reset")).status()).toBe(200);
  await expect(page.getByTestId("stock-product_1")).toHaveText("100");
  await expect(page.getByTestId("stock-product_1-change")).toHaveText("+2 reset");
  await expect(page.getByTestId("no-orders")).toBeVisible();
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "idle");
});
