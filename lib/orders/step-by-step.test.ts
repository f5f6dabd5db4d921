// The shipping failure step by step, in-process: at every pause the stock, the balance, the order and the
// saga (as the API shows it) are what the saga has really done so far, and one continue moves one
// transition. (Before, the saga ran to its end at once and only the browser held the transitions back.)
import { beforeEach, expect, it } from "vitest";
import { until } from "../../tests/wait";
import { settleRunningSagas } from "../saga";
import { balances, findOrder, findSaga, inventory } from "./queries";
import { continueWaitingSaga, resetDemo, submitOrder } from "./service";

beforeEach(() => resetDemo());

const shippingFailure = { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 };

/** What a user can see at a pause: the saga, its steps, what it waits before, the order, the stock and the balance. */
async function seen(sagaId: string) {
  const saga = (await findSaga(sagaId))!;
  return {
    saga: saga.status,
    order: (await findOrder(saga.order_id))!.status,
    steps: saga.steps.map((step) => step.status).join(" "),
    waiting: saga.waiting && `${saga.waiting.phase} ${saga.waiting.before}`,
    stock: (await inventory()).product_1,
    balance: (await balances()).user_3.cents / 100,
  };
}

/** Waits for the next pause: the saga waits before `what`. */
function pausedBefore(sagaId: string, what: string) {
  return until(`the saga to wait before ${what}`, async () => {
    const now = await seen(sagaId);
    return now.waiting === what && now;
  });
}

it("pauses the real saga before each transition: the stock and the balance move only when a step commits", async () => {
  const submitted = await submitOrder({ ...shippingFailure, simulation: { step_by_step: true } });
  // Answered at once (202 over HTTP), without waiting for clicks.
  expect(submitted.kind).toBe("accepted");
  const { sagaId } = (submitted as { order: { sagaId: string } }).order;

  const first = (await findSaga(sagaId))!.waiting!;
  expect(first).toMatchObject({ before: "validate_order", phase: "action" });
  expect(Date.parse(first.resumes_at) - Date.parse(first.since)).toBe(300_000);

  const pauses = [
    {
      saga: "pending",
      order: "pending",
      steps: "pending pending pending pending",
      waiting: "action validate_order",
      stock: 100,
      balance: 200,
    },
    {
      saga: "processing",
      order: "processing",
      steps: "completed pending pending pending",
      waiting: "action reserve_inventory",
      stock: 100,
      balance: 200,
    },
    {
      saga: "processing",
      order: "processing",
      steps: "completed completed pending pending",
      waiting: "action process_payment",
      stock: 99,
      balance: 200,
    },
    {
      saga: "processing",
      order: "processing",
      steps: "completed completed completed pending",
      waiting: "action ship_order",
      stock: 99,
      balance: 150,
    },
    {
      saga: "compensating",
      order: "compensating",
      steps: "completed completed completed failed",
      waiting: "compensation process_payment",
      stock: 99,
      balance: 150,
    },
    {
      saga: "compensating",
      order: "compensating",
      steps: "completed completed compensated failed",
      waiting: "compensation reserve_inventory",
      stock: 99,
      balance: 200,
    },
    {
      saga: "compensating",
      order: "compensating",
      steps: "completed compensated compensated failed",
      waiting: "compensation validate_order",
      stock: 100,
      balance: 200,
    },
    {
      saga: "compensating",
      order: "compensating",
      steps: "compensated compensated compensated failed",
      waiting: "saga failed",
      stock: 100,
      balance: 200,
    },
  ];
  for (const pause of pauses) {
    expect(await pausedBefore(sagaId, pause.waiting)).toEqual(pause);
    const continued = await continueWaitingSaga(sagaId, "default");
    expect(continued.kind).toBe("continued");
  }
  await settleRunningSagas();
  expect(await seen(sagaId)).toEqual({
    saga: "failed",
    order: "failed",
    steps: "compensated compensated compensated failed",
    waiting: null,
    stock: 100,
    balance: 200,
  });
  expect(await continueWaitingSaga(sagaId, "default")).toEqual({ kind: "not_waiting", status: "failed" });
});

it("continues a saga only in its own world", async () => {
  const submitted = await submitOrder({ ...shippingFailure, simulation: { step_by_step: true, step_timeout_seconds: 1 } });
  const { sagaId } = (submitted as { order: { sagaId: string } }).order;
  expect(await continueWaitingSaga(sagaId, "another-world")).toEqual({ kind: "not_found" });
  expect((await findSaga(sagaId))!.waiting).toMatchObject({ before: "validate_order" });
  // Nobody continues it: each pause ends after its second.
  await settleRunningSagas();
  expect((await findSaga(sagaId))!.status).toBe("failed");
});
