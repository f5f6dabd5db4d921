import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario } from "./dashboard";

test.use({ viewport: { width: 375, height: 740 } });

test("on a phone the dashboard fits the width, before and after a failed saga", async ({ page, request }, testInfo) => {
  await resetDemo(request);
  await openDashboard(page);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(await overflow()).toBe(0);
  const timelineHeight = () =>
    page.getByRole("region", { name: "Live saga" }).evaluate((element) => element.getBoundingClientRect().height);
  const idleHeight = await timelineHeight();

  await placeScenario(page, "shipping-failure", "1x");
  await expectFinalStatus(page, "failed", "Shipping address invalid");
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  expect(await overflow()).toBe(0);
  expect(await timelineHeight(), "the timeline keeps its height as statuses change").toBe(idleHeight);
  await page.screenshot({ path: testInfo.outputPath("phone.png"), fullPage: true });
});
