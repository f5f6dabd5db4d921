// Issue 20, item 9: on a 390 px phone, the proof of a compensation (the refund and the released unit)
// is on screen beside the steps while it happens, and Recent orders shows each order whole.
import type { Locator, Page } from "@playwright/test";
import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario } from "./dashboard";

test.use({ viewport: { width: 390, height: 844 } });

/** Whether `step` and some element reading `text` are both wholly within the screen, now. */
function bothOnScreen(page: Page, step: Locator, text: string): Promise<boolean> {
  return step.evaluate((row, wanted) => {
    const onScreen = (element: Element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
    };
    const proofs = [...document.querySelectorAll("body *")].filter(
      (element) => element.children.length === 0 && element.textContent?.trim() === wanted,
    );
    return onScreen(row) && proofs.some(onScreen);
  }, text);
}

test("on a phone the refund and the release are seen on screen, beside the steps, as they happen", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await placeScenario(page, "shipping-failure", "0.1x");

  // The refund: once the payment's compensation is done, "+$50.00 refund" shows while the row is in view.
  const payment = page.getByTestId("step-process_payment");
  await expect(payment).toHaveAttribute("data-status", "compensated", { timeout: 20_000 });
  await expect.poll(() => bothOnScreen(page, payment, "+$50.00 refund"), { timeout: 3_000 }).toBe(true);
  const reservation = page.getByTestId("step-reserve_inventory");
  await expect(reservation).toHaveAttribute("data-status", "compensated");
  await expect.poll(() => bothOnScreen(page, reservation, "+1 released"), { timeout: 3_000 }).toBe(true);
  await expectFinalStatus(page, "failed", "Shipping address invalid");
});

test("on a phone Recent orders shows each order's lines whole", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await placeScenario(page, "shipping-failure", "1x");
  await expectFinalStatus(page, "failed", "Shipping address invalid");
  const row = page.getByTestId("order-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("1 × Mechanical keyboard for Linus");
  const cut = await row.evaluate((root) =>
    [...root.querySelectorAll<HTMLElement>("span")]
      .filter((element) => element.getClientRects().length > 0 && element.textContent?.trim())
      .filter((element) => element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).overflowX !== "visible")
      .map((element) => element.textContent!.trim()),
  );
  expect(cut, "nothing of the order is cut off").toEqual([]);
  expect(await row.evaluate((element) => element.getBoundingClientRect().right <= window.innerWidth)).toBe(true);
});
