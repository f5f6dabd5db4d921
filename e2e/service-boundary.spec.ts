// Issue 22: failures at a service's boundary, as a person sees them from the presets. The payment
// service is down for three calls: the saga waits with its backoff and finishes once it is back. The
// payment service's answer is lost: the retry, with the same key, is answered from the service's record.
// Either way the account pays once.
import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario, recordStepTransitions, statusesByStep, stepTransitions } from "./dashboard";
import { renderedDiagram, startOrder } from "./timeline";

test("Payment service down: the saga waits through three 503s, then the payment goes through once", async ({ page, request }, testInfo) => {
  await resetDemo(request);
  await openDashboard(page);
  await recordStepTransitions(page);
  const sent = await placeScenario(page, "payment-service-down", "1x");
  expect(sent.simulation).toMatchObject({ faults: { process_payment: { unavailable: 3 } } });
  await expectFinalStatus(page, "completed", "Completed");
  // While the service was down the payment step stayed running, waiting between attempts: never failed.
  expect(statusesByStep(await stepTransitions(page)).process_payment).toEqual(["running", "completed"]);
  await expect(page.getByTestId("step-process_payment-note")).toHaveText("4 attempts");
  await expect(page.getByTestId("balance-user_1")).toHaveText("$900.00");
  // The Services card: the payment service is up again, its breaker closed (three failures are fewer than
  // the five that open it), and its unanswered calls counted.
  await expect(page.getByTestId("service-payment-health")).toHaveText("up");
  await expect(page.getByTestId("service-payment-breaker")).toHaveText("breaker closed");
  await expect(page.getByTestId("service-payment-calls")).toContainText(/[1-9]\d* unanswered/);
  await page.screenshot({ path: testInfo.outputPath("payment-down-done.png"), fullPage: true });

  await page.getByRole("link", { name: /Open timeline/ }).click();
  const rows = page.getByTestId("event-row");
  await expect(rows.filter({ hasText: "The payment service answered 503 to POST /charges" })).toHaveCount(3);
  await page.screenshot({ path: testInfo.outputPath("payment-down-timeline.png"), fullPage: true });
});

test("Lost payment answer: the service charged, the answer never came, the retry is answered with the same charge", async ({
  page,
  request,
}, testInfo) => {
  await resetDemo(request);
  await openDashboard(page);
  const sent = await placeScenario(page, "lost-payment-answer", "1x");
  expect(sent.simulation).toMatchObject({ faults: { process_payment: { lost_answers: 1 } } });
  await expectFinalStatus(page, "completed", "Completed");
  await expect(page.getByTestId("step-process_payment-note")).toHaveText("2 attempts");
  await expect(page.getByTestId("balance-user_1")).toHaveText("$900.00"); // charged once, not twice
  // The service's own ledger says so too.
  const ledger = (await (await request.get("/services/payment/ledger")).json()) as { kind: string; amount_cents: number }[];
  expect(ledger.map(({ kind, amount_cents }) => `${kind} ${amount_cents}`)).toEqual(["charge -10000"]);
  // The Services card counts the answer the payment service gave from its record of the key.
  await expect(page.getByTestId("service-payment-calls")).toContainText(/[1-9]\d* replayed/);

  await page.getByRole("link", { name: /Open timeline/ }).click();
  const rows = page.getByTestId("event-row");
  await expect(rows.filter({ hasText: "answer to POST /charges was lost on its way back" })).toHaveCount(1);
  // The sequence diagram: the charge request twice with the same key, the first answer lost, the second replayed.
  const sequence = (await renderedDiagram(page, "Sequence diagram")).locator("svg");
  const words = await sequence.evaluate((svg) =>
    [...svg.querySelectorAll("text")]
      .map((text) => ({ top: text.getBoundingClientRect().top, line: text.textContent ?? "" }))
      .sort((a, b) => a.top - b.top)
      .map(({ line }) => line)
      .join(" ")
      .replace(/\s+/g, " "),
  );
  const lost = words.indexOf("answer lost on its way back");
  expect(lost).toBeGreaterThan(words.indexOf("POST /charges"));
  expect(words.indexOf("201 replayed")).toBeGreaterThan(lost);
  expect(words.match(/POST \/charges, key [0-9a-f]{8}…:2:action/g)).toHaveLength(2);
  await sequence.screenshot({ path: testInfo.outputPath("lost-answer-sequence.png") });
  await page.screenshot({ path: testInfo.outputPath("lost-answer-timeline.png"), fullPage: true });
});

test("Every payment answer lost: the charge is in doubt and refunded; the ledger, from the services' records, shows both", async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(90_000);
  // Six attempts, every answer lost: the service charged on the first, and answered each retry from its record.
  const started = await startOrder(request, {
    user_id: "user_1",
    product_id: "product_1",
    quantity: 2,
    amount: 100,
    simulation: { speed: 10, faults: { process_payment: { lost_answers: 6 } } },
  });
  await page.goto(`/timeline/${started.saga_id}`);
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "failed", { timeout: 60_000 });

  // The saga's log never heard of the charge; the payment service's own ledger did, and of its refund.
  await expect(page.getByTestId("ledger-source")).toContainText("From the services' own records");
  await expect(page.locator("[data-testid=ledger-line][data-account=user_1] [data-testid=ledger-entry]")).toHaveText([
    "process_payment-$100.00",
    "↩ refund_payment+$100.00",
  ]);
  await expect(page.getByTestId("ledger-total")).toHaveText(["0", "$0.00"]);
  await expect(page.getByTestId("ledger-agreement")).toContainText("The services' records agree with the run's log");
  await expect(page.getByTestId("story-why").filter({ hasText: "one of its requests may have reached its service" })).toHaveCount(1);
  // The sequence diagram notes the doubt (its lines wrap: read word by word).
  const sequence = (await renderedDiagram(page, "Sequence diagram")).locator("svg");
  const words = await sequence.evaluate((svg) =>
    [...svg.querySelectorAll("text")]
      .map((text) => text.textContent ?? "")
      .join(" ")
      .replace(/\s+/g, " "),
  );
  expect(words).toContain("in doubt: it may have taken effect, so it is compensated too");
  await page.locator('[aria-labelledby="ledger-heading"]').screenshot({ path: testInfo.outputPath("in-doubt-ledger.png") });
  await page.screenshot({ path: testInfo.outputPath("in-doubt-timeline.png"), fullPage: true });
});
