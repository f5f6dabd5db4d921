// Issue 20, item 7: the first run a newcomer places plays slowly enough to follow, and the speeds say
// what they do. (At the old default a compensation was on screen for 200 ms; at 1x the whole failed run
// with its compensations took 655 ms.)
import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, recordStepTransitions, stepTransitions, type Transition } from "./dashboard";

/** How long `step` showed `status`: from that transition to the step's next one. */
function shownFor(transitions: Transition[], step: string, status: string): number {
  const index = transitions.findIndex((transition) => transition.step === step && transition.status === status);
  expect(index, `${step} never showed ${status}: ${JSON.stringify(transitions)}`).toBeGreaterThanOrEqual(0);
  const next = transitions.slice(index + 1).find((transition) => transition.step === step);
  expect(next, `${step} stayed ${status}`).toBeDefined();
  return next!.at - transitions[index].at;
}

test("untouched, the speed is slow motion, named by what it does, and a compensation can be watched", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);

  // Every speed says how long a step takes; the one chosen for a newcomer is the slowest.
  const speeds = page.getByRole("group", { name: "How fast it plays" }).getByRole("radio");
  await expect(speeds).toHaveCount(3);
  for (const speed of await speeds.all())
    await expect(speed).toHaveAccessibleName(/^[A-Z][a-z ]+: (about )?[\d.]+ s a step \(speed [\d.]+x\)$/);
  await expect(page.getByRole("radio", { checked: true })).toHaveAccessibleName("Slow motion: about 1 s a step (speed 0.1x)");
  await expect(page.getByText("about 1 s a step")).toBeVisible();

  // The shipping failure, placed without touching the speed.
  await recordStepTransitions(page);
  await page.getByTestId("scenario-shipping-failure").click();
  const request_ = page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/api/orders");
  await page.getByRole("button", { name: "Place order" }).click();
  expect((await request_).postDataJSON().simulation).toMatchObject({ speed: 0.1 });
  await expectFinalStatus(page, "failed", "Shipping address invalid");

  // Each step ran, and each compensation undid, for long enough to be read as it happened (about a
  // second each; 600 ms leaves room for a busy machine's late events). Not validate_order's running:
  // it is recorded with the saga itself, so the page sees it only once its stream of the new saga is
  // open, as late as a busy machine makes that (once 400 ms); the steps after it are seen as they begin.
  const transitions = await stepTransitions(page);
  expect(shownFor(transitions, "validate_order", "running"), "validate_order running").toBeGreaterThan(0);
  for (const step of ["reserve_inventory", "process_payment"])
    expect(shownFor(transitions, step, "running"), `${step} running`).toBeGreaterThan(600);
  for (const step of ["process_payment", "reserve_inventory"])
    expect(shownFor(transitions, step, "compensating"), `${step} compensating`).toBeGreaterThan(600);
});
