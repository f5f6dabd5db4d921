import fs from "node:fs";
import { expect, test } from "./fixtures";
import { eventLog, placeOrder, renderedDiagram } from "./timeline";

const shippingFailure = { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 };
const happyPath = { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 };

test("a shipping failure's story: the sequence diagram undoes in reverse, the ledger nets to zero, the service's log lines", async ({
  page,
  request,
}) => {
  const placed = await placeOrder(request, shippingFailure);
  expect(placed.status).toBe("failed");
  await page.goto(`/timeline/${placed.saga_id}`);
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "failed");

  // The sequence diagram, drawn by Mermaid: the three compensations in reverse order of their steps.
  const sequence = (await renderedDiagram(page, "Sequence diagram")).locator("svg");
  // Its lines as read, top to bottom (a note may come early in the SVG's own order), one <text> a line:
  // messages and notes wrap within their lanes.
  const words = await sequence.evaluate((svg) =>
    [...svg.querySelectorAll("text")]
      .map((text) => ({ top: text.getBoundingClientRect().top, line: text.textContent ?? "" }))
      .sort((a, b) => a.top - b.top)
      .map(({ line }) => line)
      .join(" "),
  );
  const at = (needle: string) => words.indexOf(needle);
  expect(at("refund_payment")).toBeGreaterThan(at("ship_order"));
  expect(at("release_inventory")).toBeGreaterThan(at("refund_payment"));
  expect(at("nothing to undo")).toBeGreaterThan(at("release_inventory"));
  expect(at("POST /orders")).toBeGreaterThanOrEqual(0);

  // The ledger: a charge and its refund, a reservation and its release; every line nets to zero.
  const lines = page.getByTestId("ledger-line");
  await expect(lines).toHaveCount(2);
  await expect(page.locator("[data-testid=ledger-line][data-account=product_1] [data-testid=ledger-entry]")).toHaveText([
    "reserve_inventory-1",
    "↩ release_inventory+1",
  ]);
  await expect(page.locator("[data-testid=ledger-line][data-account=user_3] [data-testid=ledger-entry]")).toHaveText([
    "process_payment-$50.00",
    "↩ refund_payment+$50.00",
  ]);
  await expect(page.getByTestId("ledger-total")).toHaveText(["0", "$0.00"]);

  // Why each transition happened, and what each service said it did.
  await expect(
    page
      .getByTestId("story-why")
      .filter({ hasText: "Ship order failed (Shipping address invalid), so the completed steps are undone in reverse order" }),
  ).toHaveCount(1);
  await expect(page.getByTestId("service-log").filter({ hasText: "process_payment: Processed payment of $50.0 for user_3" })).toHaveCount(
    1,
  );
  await expect(page.getByTestId("service-log").filter({ hasText: "refund_payment: Refunded payment of $50.0 to user_3" })).toHaveCount(1);
  await expect(page.getByTestId("definition-version")).toHaveText(/^order@[0-9a-f]{12}$/);
});

test("the replay: at the event 'payment compensated', user_3 is back at $200.00 while product_1 is still reserved", async ({
  page,
  request,
}) => {
  const placed = await placeOrder(request, shippingFailure);
  const events = await eventLog(request, placed.saga_id);
  const refunded = events.findIndex(
    (event) => event.step === "process_payment" && event.phase === "compensation" && event.outcome === "compensated",
  );
  const charged = events.findIndex(
    (event) => event.step === "process_payment" && event.phase === "action" && event.outcome === "completed",
  );
  await page.goto(`/timeline/${placed.saga_id}`);
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "failed");
  await expect(page.getByTestId("value-user_3")).toHaveText("$200.00");

  await page.getByTestId("replay-slider").fill(String(charged));
  await expect(page.getByTestId("replay-position")).toContainText(`Event ${charged + 1} of ${events.length}`);
  await expect(page.getByTestId("value-user_3")).toHaveText("$150.00");
  await expect(page.getByTestId("value-product_1")).toHaveText("99");
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "processing");

  await page.getByTestId("replay-slider").fill(String(refunded));
  await expect(page.getByTestId("replay-position")).toContainText("Process payment: compensation compensated");
  await expect(page.getByTestId("value-user_3")).toHaveText("$200.00");
  await expect(page.getByTestId("value-product_1")).toHaveText("99");
  await expect(page.locator("[data-testid=ledger-line][data-account=product_1] [data-testid=ledger-total]")).toHaveText("-1");
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "compensating");

  // One step on: the reservation is released.
  await page.getByTestId("replay-step").click();
  await page.getByTestId("replay-step").click();
  await expect(page.getByTestId("value-product_1")).toHaveText("100");
});

test("an exported run opens again with Import and replays the same way", async ({ page, request }) => {
  const placed = await placeOrder(request, shippingFailure);
  const rows = (await eventLog(request, placed.saga_id)).length;
  await page.goto(`/timeline/${placed.saga_id}`);
  // Exported once the stream has delivered the whole log.
  await expect(page.getByTestId("event-row")).toHaveCount(rows);
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-json").click()]);
  expect(file.suggestedFilename()).toBe(`saga-${placed.saga_id.slice(0, 8)}.json`);
  const exported = JSON.parse(fs.readFileSync(await file.path(), "utf8"));
  expect(exported).toMatchObject({
    format: "saga-studio.run/1",
    saga: { id: placed.saga_id, status: "failed" },
    before: { product_1: 100, user_3: 20000 },
  });
  const [sequence] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-sequence").click()]);
  expect(fs.readFileSync(await sequence.path(), "utf8")).toMatch(/^sequenceDiagram\n/);

  await page.goto("/timeline/import");
  await page.getByTestId("import-file").setInputFiles(await file.path());
  const imported = page.getByTestId("imported-run");
  await expect(imported.getByTestId("saga-status")).toHaveAttribute("data-status", "failed");
  await expect(imported.getByTestId("event-row")).toHaveCount(rows);
  await expect(imported.getByTestId("ledger-total")).toHaveText(["0", "$0.00"]);
  const events = exported.events as { step: string | null; phase: string; outcome: string }[];
  const refunded = events.findIndex(
    (event) => event.step === "process_payment" && event.phase === "compensation" && event.outcome === "compensated",
  );
  await imported.getByTestId("replay-slider").fill(String(refunded));
  await expect(imported.getByTestId("value-user_3")).toHaveText("$200.00");
  await expect(imported.getByTestId("value-product_1")).toHaveText("99");

  // A file that is not an export is refused, with a reason.
  await page
    .getByTestId("import-file")
    .setInputFiles({ name: "x.json", mimeType: "application/json", buffer: Buffer.from('{"format": "nope"}') });
  await expect(page.getByTestId("import-problem")).toContainText("This is not a run exported by Saga Studio");
});

test("compare a happy run and a failed one: where they diverge, what each undid, their ledgers", async ({ page, request }) => {
  const happy = await placeOrder(request, happyPath);
  const failed = await placeOrder(request, shippingFailure);
  // Picked from the recent orders, as a visitor does.
  await page.goto("/");
  // Each checkbox is named by its run, which ends with the saga's short id.
  await page.getByRole("checkbox", { name: new RegExp(`^Compare .*\\(saga ${happy.saga_id.slice(0, 8)}\\)$`) }).check();
  await page.getByRole("checkbox", { name: new RegExp(`^Compare .*\\(saga ${failed.saga_id.slice(0, 8)}\\)$`) }).check();
  await page.getByTestId("compare-picked").click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${happy.saga_id}&b=${failed.saga_id}$`));

  await expect(page.getByTestId("divergence")).toHaveText(
    "They part ways at Ship order: in A it completed; in B it failed (Shipping address invalid).",
  );
  await expect(page.getByTestId("compare-row")).toHaveCount(4);
  await expect(page.locator("[data-testid=compare-row][data-diverges=true] th")).toContainText("Ship order");
  await expect(page.getByTestId("compare-cell-b")).toHaveCount(4);
  await expect(page.getByTestId("compensations-b").locator("li")).toHaveText(["refund_payment", "release_inventory", "no_compensation"]);
  await expect(page.getByTestId("compare-ledger-a")).toHaveText(["product_1: -2-2", "user_1: -$100.00-$100.00"]);
  await expect(page.getByTestId("compare-ledger-b")).toHaveText(["product_1: -1, +10", "user_3: -$50.00, +$50.00$0.00"]);

  // From a timeline page: pick the other run.
  await page.goto(`/timeline/${failed.saga_id}`);
  await page.getByTestId("compare-link").click();
  await page.getByTestId("pick-run").first().click();
  await expect(page.getByTestId("divergence")).toBeVisible();
});

test("every user text of a run stays text: the story, the diagrams and the ledger run no markup", async ({ page, request }) => {
  const hostile = {
    user_id: '<img src=x onerror="window.__pwned=1">"; end; click',
    product_id: "product_1</text><script>window.__pwned=2</script>",
    quantity: 1,
    amount: 5,
  };
  const placed = await placeOrder(request, hostile);
  await page.goto(`/timeline/${placed.saga_id}`);
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "failed");
  await renderedDiagram(page, "Sequence diagram");
  await renderedDiagram(page);
  await expect(page.getByTestId("order-user")).toHaveText(hostile.user_id);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator("img[src=x]")).toHaveCount(0);
});
