import type { Page } from "@playwright/test";
import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario } from "./dashboard";

/**
 * Lets the page's clock (installed with page.clock.install) run `ms` ahead, firing every timer due, then
 * lets the page handle what they set off (React renders in a task of its own, posted to a message port).
 * Time on the page passes at once: no real waiting, and no real wait too short to see something move.
 */
async function letTimePass(page: Page, ms: number): Promise<void> {
  await page.clock.runFor(ms);
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve();
        channel.port2.postMessage(null);
      }),
  );
}

/** What the live timeline shows: the saga's status and each step's. */
function shown(page: Page): Promise<string> {
  return page.evaluate(() =>
    [document.querySelector("[data-testid='saga-status']"), ...document.querySelectorAll("[data-testid^='step-'][data-status]")]
      .map((element) => `${element?.getAttribute("data-testid")}=${element?.getAttribute("data-status")}`)
      .join(" "),
  );
}

test("the speeds go down to the API's 0.1x", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  const sent = await placeScenario(page, "happy-path", "0.1x");
  expect(sent.simulation).toMatchObject({ speed: 0.1 });
  await expectFinalStatus(page, "completed", "Completed");
});

test("step by step, a shipping failure waits for a click before each transition", async ({ page, request }) => {
  await page.clock.install();
  await resetDemo(request);
  await openDashboard(page);
  await page.getByLabel("Step by step").check();
  const next = page.getByRole("button", { name: "Next step" });
  await expect(next).toBeDisabled();

  await placeScenario(page, "shipping-failure", "1x");
  // The saga itself finishes in well under a second; the timeline holds every transition back.
  await expect(page.getByTestId("steps-waiting")).toHaveText("18 transitions waiting", { timeout: 15_000 });
  await letTimePass(page, 5_000);
  const start = await shown(page);
  expect(start).toContain("step-validate_order=pending");
  await expect(next).toBeEnabled();

  const seen = [start];
  for (let waiting = 17; waiting >= 0; waiting -= 1) {
    await next.click();
    await expect(page.getByTestId("steps-waiting")).toHaveText(waiting === 1 ? "1 transition waiting" : `${waiting} transitions waiting`);
    const now = await shown(page);
    // Nothing moves until the next click, however long the page waits.
    await letTimePass(page, 5_000);
    expect(await shown(page)).toBe(now);
    seen.push(now);
  }
  await expect(next).toBeDisabled();
  await expectFinalStatus(page, "failed", "Shipping address invalid");

  // Every state was on screen in turn: the failing step running, then failing; each compensation
  // running, then done, last first.
  const index = (fragment: string) => seen.findIndex((state) => state.includes(fragment));
  expect(index("step-ship_order=running")).toBeGreaterThan(0);
  expect(index("step-ship_order=failed")).toBeGreaterThan(index("step-ship_order=running"));
  expect(index("step-process_payment=compensating")).toBeGreaterThan(index("step-ship_order=failed"));
  expect(index("step-process_payment=compensated")).toBeGreaterThan(index("step-process_payment=compensating"));
  expect(index("step-reserve_inventory=compensating")).toBeGreaterThan(index("step-process_payment=compensated"));
  expect(index("step-validate_order=compensated")).toBeGreaterThan(index("step-reserve_inventory=compensated"));
});

test("turning step by step off plays what waits", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await page.getByLabel("Step by step").check();
  await placeScenario(page, "shipping-failure", "1x");
  await expect(page.getByTestId("steps-waiting")).toHaveText("18 transitions waiting", { timeout: 15_000 });
  await page.getByLabel("Step by step").uncheck();
  await expectFinalStatus(page, "failed", "Shipping address invalid");
});
