// Issue 20, item 8: a stuck refund as a person sees it. Its error is shown whole and says the attempt
// count once; "Needs an operator" names the run by what it was, appears without pushing the live saga
// down, and offers no second Retry button for the saga whose card already has one.
import type { Locator } from "@playwright/test";
import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario } from "./dashboard";

/** The texts in `scope` that are cut off: by an ellipsis or a clip sideways, or by a clamp of lines. */
function cutOff(scope: Locator): Promise<string[]> {
  return scope.evaluate((root) =>
    [root, ...root.querySelectorAll<HTMLElement>("p, span, a, h2, li")]
      .filter((element) => element.getClientRects().length > 0 && !element.closest(".sr-only") && element.textContent?.trim())
      .filter((element) => {
        const style = getComputedStyle(element);
        const sideways = element.scrollWidth > element.clientWidth + 1 && style.overflowX !== "visible";
        const downwards = element.scrollHeight > element.clientHeight + 1 && style.overflowY !== "visible";
        return sideways || downwards;
      })
      .map((element) => element.textContent!.trim()),
  );
}

const error = "refund_payment failed: Injected compensation failure (gave up after 6 attempts)";

for (const [size, viewport] of [
  ["1400 px", { width: 1400, height: 1000 }],
  ["a 390 px phone", { width: 390, height: 844 }],
] as const) {
  test.describe(`at ${size}`, () => {
    test.use({ viewport });

    test("a stuck refund: its whole error once, the run by what it was, one Retry, the live saga where it was", async ({
      page,
      request,
    }) => {
      await resetDemo(request);
      await openDashboard(page);
      // Where the live saga is on the page once the scenario is chosen (its form opens the failures panel).
      await page.getByTestId("scenario-stuck-refund").click();
      const live = page.getByRole("region", { name: "Live saga" });
      const top = async () => (await live.boundingBox())!.y + (await page.evaluate(() => window.scrollY));
      const before = await top();

      await placeScenario(page, "stuck-refund", "1x");
      await expectFinalStatus(page, "compensation_failed", "Stuck");
      const { saga_id: sagaId } = (await (await request.get("/orders")).json())[0];

      // The error on the live saga: all of it, the attempt count said once.
      const status = page.getByTestId("saga-status");
      await expect(status).toContainText(error);
      expect(await cutOff(status), "nothing of the status is cut off").toEqual([]);

      // The operator's list: the run by what it was, its whole error, and no second Retry for this saga.
      const stuck = page.getByRole("region", { name: /^Needs an operator/ });
      await expect(stuck).toContainText("1 × Mechanical keyboard for Linus, $50.00");
      await expect(stuck).toContainText(`saga ${sagaId.slice(0, 8)}`);
      await expect(stuck).not.toContainText(sagaId);
      await expect(stuck).toContainText(error);
      expect(await cutOff(stuck), "nothing of the list is cut off").toEqual([]);
      await expect(page.getByRole("button", { name: /^Retry/ })).toHaveCount(1);
      expect(await top(), "the live saga has not moved").toBe(before);

      // Once another order is on the live saga, the stuck one's Retry is in the list, named by its run.
      await placeScenario(page, "happy-path", "1x");
      await expectFinalStatus(page, "completed", "Completed");
      const retry = stuck.getByRole("button", { name: "Retry compensation of 1 × Mechanical keyboard for Linus, $50.00" });
      await expect(page.getByRole("button", { name: /^Retry/ })).toHaveCount(1);
      await retry.click();
      await expect(stuck).toHaveCount(0);
      await expect(page.getByTestId("balance-user_3")).toHaveText("$200.00");
    });
  });
}
