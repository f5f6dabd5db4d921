// A database that briefly refuses writes (a full disk, a read-only file) is a transient fault: a saga
// in flight waits and tries its write again until the database takes it, then finishes, and /health
// says meanwhile that writes are failing. (Before, the run died and the saga stayed `processing`,
// holding stock and money, until the next restart.)
import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { Database } from "../db/client";
import { checkDatabase } from "../db/health";
import { refuseWrites } from "../../tests/engine/faults";
import { useToySaga } from "../../tests/engine/use-toy-saga";
import { until } from "../../tests/wait";

const toys = useToySaga();
let db: Database;

beforeAll(() => {
  db = toys.db;
});
beforeEach(() => {
  process.env.SAGA_DELAY_SCALE = "0.2"; // each step works 10 ms, so each commits on its own
});
afterEach(async () => {
  process.env.SAGA_DELAY_SCALE = "0";
  await refuseWrites(db, false);
});

it("a saga waits out a spell of refused writes, then finishes, each step done once; /health says so meanwhile", async () => {
  const id = await toys.newSaga();
  // Step a is recorded running, and the run reads nothing back: a's outcome is its first write.
  await refuseWrites(db, true);
  const running = toys.run(id);

  // The run has tried to write a's outcome, and the database refused it.
  const health = await until("/health to say that writes are failing", async () => {
    const answer = await checkDatabase();
    return answer.ok === false && answer;
  });
  expect(health.reason).toMatch(/^Writes are failing since .*: attempt to write a readonly database$/);
  const saga = await db.read.saga.findUnique({ where: { id }, include: { steps: { orderBy: { position: "asc" } } } });
  expect(saga?.status).toBe("processing");
  expect(saga?.steps.map((step) => step.status)).toEqual(["running", "pending", "pending"]);

  await refuseWrites(db, false);
  expect(await running).toBe("completed");
  expect(await toys.ledger()).toEqual(["do a", "do b", "do c"]);
  expect(await checkDatabase()).toEqual({ ok: true });
  const attempts = await db.read.sagaStep.findMany({ where: { sagaId: id }, orderBy: { position: "asc" }, select: { attempts: true } });
  expect(attempts.map((step) => step.attempts)).toEqual([1, 1, 1]);
});
