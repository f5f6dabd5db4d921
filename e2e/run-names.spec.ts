// Issue 20, item 6: two runs can be told apart by what they were (who ordered how many of what, for how
// much, when, and how it ended), and every page names a run by the same id, its saga's, so a row of
// Recent orders, a choice of the compare picker and a timeline page can be matched.
import type { Page } from "@playwright/test";
import { expect, resetDemo, test } from "./fixtures";
import { placeOrder } from "./timeline";

const happy = { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 };
const shipping = { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 };
const short = (id: string) => id.slice(0, 8);

/** The time of day the browser shows for an instant, as the dashboard's Recent orders writes it. */
const clock = (page: Page, iso: string) => page.evaluate((at) => new Date(at).toLocaleTimeString("en-GB"), iso);

test("the compare picker, Recent orders and the timeline say what each run was, and name it by its saga", async ({ page, request }) => {
  await resetDemo(request);
  const first = await placeOrder(request, happy);
  const second = await placeOrder(request, shipping);
  const orders = (await (await request.get("/orders")).json()) as { id: string; saga_id: string; created_at: string }[];
  const placedAt = Object.fromEntries(orders.map((order) => [order.saga_id, order.created_at]));
  await page.goto("/");
  const firstAt = await clock(page, placedAt[first.saga_id]);
  const secondAt = await clock(page, placedAt[second.saga_id]);

  // The picker: each run as what it was, newest first, with its saga's short id.
  await page.goto("/compare");
  const picker = page.getByRole("region", { name: "Pick two runs" });
  const choices = picker.getByRole("listitem");
  await expect(choices).toHaveCount(2);
  for (const text of [
    "1 × Mechanical keyboard for Linus",
    "$50.00",
    "user_3 · product_1",
    secondAt,
    `saga ${short(second.saga_id)}`,
    "Shipping address invalid",
  ])
    await expect(choices.nth(0)).toContainText(text);
  await expect(choices.nth(0).locator("[data-status]").first()).toHaveAttribute("data-status", "failed");
  for (const text of ["2 × Mechanical keyboard for Ada", "$100.00", "user_1 · product_1", firstAt, `saga ${short(first.saga_id)}`])
    await expect(choices.nth(1)).toContainText(text);
  await expect(choices.nth(1).locator("[data-status]").first()).toHaveAttribute("data-status", "completed");
  // A screen reader hears which run each link picks, not "Pick this one first" seven times.
  await expect(choices.nth(0).getByRole("link")).toHaveAccessibleName(
    `Pick this one first — 1 × Mechanical keyboard for Linus, $50.00, placed ${secondAt}, failed (saga ${short(second.saga_id)})`,
  );

  // Recent orders: the same words and the same id; each checkbox is named by the run it picks.
  await page.goto("/");
  const rows = page.getByTestId("order-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText(`saga ${short(second.saga_id)}`);
  await expect(rows.nth(1)).toContainText(`saga ${short(first.saga_id)}`);
  await expect(page.getByTestId("recent-orders")).not.toContainText(short(second.order_id));
  await page
    .getByRole("checkbox", {
      name: `Compare 2 × Mechanical keyboard for Ada, $100.00, placed ${firstAt}, completed (saga ${short(first.saga_id)})`,
    })
    .check();
  await page
    .getByRole("checkbox", {
      name: `Compare 1 × Mechanical keyboard for Linus, $50.00, placed ${secondAt}, failed (saga ${short(second.saga_id)})`,
    })
    .check();
  await page.getByTestId("compare-picked").click();

  // The compare page: each side says what its run was, with the same id.
  const [a, b] = [page.getByRole("region", { name: "Run A", exact: true }), page.getByRole("region", { name: "Run B", exact: true })];
  await expect(a).toContainText("2 × Mechanical keyboard for Ada · $100.00");
  await expect(a).toContainText(`${firstAt} · saga ${short(first.saga_id)}`);
  await expect(b).toContainText("1 × Mechanical keyboard for Linus · $50.00");
  await expect(b).toContainText(`${secondAt} · saga ${short(second.saga_id)}`);

  // The timeline page of B: its heading is the order; the saga's id (whose start the other pages show) follows.
  await b.getByRole("link", { name: `Timeline of saga ${short(second.saga_id)}` }).click();
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toContainText("1 × Mechanical keyboard for Linus, $50.00");
  await expect(heading).not.toContainText(short(second.saga_id));
  await expect(page.getByText(`placed ${secondAt} · saga ${second.saga_id}`)).toBeVisible();
});
