import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario } from "./dashboard";

test("recent orders list the newest first, with status badges, each linking to its timeline", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);

  await placeScenario(page, "happy-path", "1x");
  await expectFinalStatus(page, "completed", "Completed");
  await placeScenario(page, "insufficient-inventory", "1x");
  await expectFinalStatus(page, "failed", "Insufficient inventory");
  const latestTimeline = await page.getByTestId("timeline-link").getAttribute("href");

  const rows = page.getByTestId("order-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("200 ×");
  await expect(rows.nth(0).locator("[data-status]")).toHaveAttribute("data-status", "failed");
  await expect(rows.nth(1)).toContainText("2 ×");
  await expect(rows.nth(1).locator("[data-status]")).toHaveAttribute("data-status", "completed");

  // Each row opens its saga's timeline page; the newest is the one just placed.
  await expect(rows.nth(0)).toHaveAttribute("href", latestTimeline!);
  const orders = (await (await request.get("/orders")).json()) as { id: string; saga_id: string }[];
  for (const [index, order] of orders.entries()) {
    await expect(rows.nth(index)).toHaveAttribute("data-order-id", order.id);
    await expect(rows.nth(index)).toHaveAttribute("href", `/timeline/${order.saga_id}`);
  }
});

test("an order's fields are shown as text, never run: markup in an id stays inert", async ({ page, request }) => {
  await resetDemo(request);
  const hostile = { user: `<img src=x onerror="window.pwned=1">`, product: `<script>window.pwned=2</script>` };
  const placed = await request.post("/orders", { data: { user_id: hostile.user, product_id: hostile.product, quantity: 1, amount: 1 } });
  expect(placed.status()).toBe(201);
  await openDashboard(page);

  const row = page.getByTestId("order-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(hostile.user);
  await expect(row).toContainText(hostile.product);
  await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "failed");
  await expect(page.getByTestId("recent-orders").locator("img, script")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
});
