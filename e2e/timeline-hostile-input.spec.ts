import { expect, resetDemo, test } from "./fixtures";
import { placeOrder, renderedDiagram } from "./timeline";

const hostileUser = `<img src=x onerror=window.__xss=1>"]; click A call alert(1)`;
const hostileProduct = `"]; click A call alert(1) %%<script>window.__xss=2</script>`;

test("an order's fields with markup and Mermaid syntax show as text, and no script runs", async ({ page, request }) => {
  await resetDemo(request);
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // No such user: the saga fails at validation, and the order keeps the fields as sent.
  const placed = await placeOrder(request, { user_id: hostileUser, product_id: hostileProduct, quantity: 1, amount: 10 });
  expect(placed.status).toBe("failed");

  await page.goto(`/timeline/${placed.saga_id}`);
  await expect(page.getByTestId("order-user")).toHaveText(hostileUser);
  await expect(page.getByTestId("order-product")).toHaveText(hostileProduct);
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "failed");
  await expect(page.getByTestId("saga-status")).toContainText("User not found");
  const diagram = await renderedDiagram(page);
  await expect(diagram.locator("svg g.node.failed", { hasText: "validate_order" })).toHaveCount(1);

  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.locator("main script")).toHaveCount(0);
});
