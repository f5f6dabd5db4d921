import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario } from "./dashboard";

/** A visitor: a browser context of its own (its own cookies, so its own demo world), on the dashboard. */
async function visitor(
  browser: Browser,
  baseURL: string | undefined,
): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  page.on("pageerror", (error) => errors.push(error.message));
  await openDashboard(page);
  return { page, errors, close: () => context.close() };
}

test("two visitors at once: each sees only their own orders and values, one's reset leaves the other's, a shared timeline link opens", async ({
  browser,
  baseURL,
}) => {
  const ada = await visitor(browser, baseURL);
  const grace = await visitor(browser, baseURL);
  try {
    // The header says whose data this is.
    for (const { page } of [ada, grace]) {
      await expect(page.getByTestId("world-badge")).toHaveText("Private demo: this browser's data");
      const cookie = (await page.context().cookies()).find((c) => c.name === "saga_world");
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    }

    // Both place the happy path at the same time: 2 units of product_1 and $100 each.
    await Promise.all([placeScenario(ada.page, "happy-path", "1x"), placeScenario(grace.page, "happy-path", "1x")]);
    for (const { page } of [ada, grace]) {
      await expectFinalStatus(page, "completed", "Completed");
      // In one shared world each would see 96 and two orders.
      await expect(page.getByTestId("stock-product_1")).toHaveText("98");
      await expect(page.getByTestId("balance-user_1")).toHaveText("$900.00");
      await expect(page.getByTestId("order-row")).toHaveCount(1);
    }
    const graceOrder = await grace.page.getByTestId("order-row").first().getAttribute("data-order-id");
    const adaOrder = await ada.page.getByTestId("order-row").first().getAttribute("data-order-id");
    expect(graceOrder).not.toBe(adaOrder);
    const graceTimeline = await grace.page.getByTestId("timeline-link").getAttribute("href");

    // Ada resets: her world is back to the seed's; Grace's order, stock and balance are untouched.
    await ada.page.getByRole("button", { name: "Reset demo" }).click();
    await ada.page.getByRole("button", { name: "Confirm reset" }).click();
    await expect(ada.page.getByTestId("stock-product_1")).toHaveText("100");
    await expect(ada.page.getByTestId("no-orders")).toBeVisible();
    await grace.page.reload();
    await expect(grace.page.getByTestId("stock-product_1")).toHaveText("98");
    await expect(grace.page.getByTestId("balance-user_1")).toHaveText("$900.00");
    await expect(grace.page.getByTestId("order-row")).toHaveCount(1);
    await expect(grace.page.getByTestId("order-row").first()).toHaveAttribute("data-order-id", graceOrder!);

    // Grace shares her run's timeline: the link opens in Ada's browser too.
    expect(graceTimeline).toMatch(/^\/timeline\/[0-9a-f-]{36}$/);
    await ada.page.goto(graceTimeline!);
    await expect(ada.page.getByRole("heading", { level: 1, name: "Saga timeline" })).toBeVisible();
    await expect(ada.page.getByTestId("saga-status")).toHaveAttribute("data-status", "completed");
    await expect(ada.page.getByTestId("order-user")).toHaveText("user_1");

    expect([...ada.errors, ...grace.errors], "console errors").toEqual([]);
  } finally {
    await ada.close();
    await grace.close();
  }
});
