// A deploy that changes a saga's definition while sagas of the old one are in flight: each resumes with
// the steps it started with, or, when the build no longer has its version, is refused and left as it is.
// The restart is what a crash leaves: the saga's rows in the database, run again by id alone.
import { randomUUID } from "node:crypto";
import { beforeAll, beforeEach, afterEach, describe, expect, it } from "vitest";
import { database, type Database } from "../db/client";
import { ledger as readLedger, record, resetLedger } from "../../tests/engine/ledger";
import { failAt, toy } from "../../tests/engine/toy-saga";
import type { SagaDefinition } from "./definition";
import { retrySaga, runSaga, startSaga, UnknownDefinitionVersion } from ".";
import { definitionVersion, registerSagas } from "./registry";

let db: Database;

// The next build's toy saga: a step "x" between a and b. Step 1 was b; it is x now.
const toyNext: SagaDefinition<{ id: string }> = {
  ...toy,
  steps: [
    toy.steps[0],
    {
      ...toy.steps[1],
      name: "x",
      compensation: "undo_x",
      async action(tx) {
        await record(tx, "do x");
      },
      async compensate(tx) {
        await record(tx, "undo x");
      },
    },
    ...toy.steps.slice(1),
  ],
};

beforeAll(async () => {
  db = await database();
});
beforeEach(async () => {
  await resetLedger(db);
  failAt.step = "";
  registerSagas([toy]);
});
afterEach(() => {
  process.env.SAGA_DELAY_SCALE = "0";
  registerSagas([toy]);
});

/** A saga of today's toy, recorded with its first step begun and nothing run: as a server stopped then leaves it. */
async function inFlightUnderToday(): Promise<string> {
  const id = randomUUID();
  process.env.SAGA_DELAY_SCALE = "1";
  await startSaga({ id, definition: toy, subjectId: `toy-${id}`, subject: { id }, options: {} });
  process.env.SAGA_DELAY_SCALE = "0";
  return id;
}

const saga = (id: string) => db.read.saga.findUniqueOrThrow({ where: { id }, include: { steps: { orderBy: { position: "asc" } } } });

describe("a saga resumed after its definition changed", () => {
  it("records the version it started with", async () => {
    const id = await inFlightUnderToday();
    expect((await saga(id)).definitionVersion).toBe(definitionVersion(toy));
    expect(definitionVersion(toyNext)).not.toBe(definitionVersion(toy));
  });

  it("runs the steps it started with when the new build registers its version beside the new one", async () => {
    const id = await inFlightUnderToday();
    registerSagas([toyNext, toy]);
    expect(await runSaga(id)).toBe("completed");
    // Today's steps, not the next build's: no "do x", and b ran at position 1.
    expect(await readLedger(db)).toEqual(["do a", "do b", "do c"]);
    expect((await saga(id)).steps.map((step) => step.name)).toEqual(["a", "b", "c"]);
  });

  it("compensates with the steps it started with too", async () => {
    const id = await inFlightUnderToday();
    registerSagas([toyNext, toy]);
    failAt.step = "c";
    expect(await runSaga(id)).toBe("failed");
    expect(await readLedger(db)).toEqual(["do a", "do b", "undo b", "undo a"]);
  });

  it("is refused, with a reason an operator can read, when the new build no longer has its version; nothing runs", async () => {
    const id = await inFlightUnderToday();
    const before = await saga(id);
    registerSagas([toyNext]);
    await expect(runSaga(id)).rejects.toBeInstanceOf(UnknownDefinitionVersion);
    const after = await saga(id);
    expect(await readLedger(db)).toEqual([]);
    expect(after.status).toBe("processing");
    expect(after.steps.map(({ name, status, attempts }) => ({ name, status, attempts }))).toEqual(
      before.steps.map(({ name, status, attempts }) => ({ name, status, attempts })),
    );
    expect(after.error).toContain(`version ${definitionVersion(toy)} of the "toy" saga, which this build does not have`);

    // A build that has the version again resumes it, with its steps.
    registerSagas([toyNext, toy]);
    expect(await runSaga(id)).toBe("completed");
    expect(await readLedger(db)).toEqual(["do a", "do b", "do c"]);
  });

  it("an operator's retry of a stuck saga of a version the build lacks is refused, saying why, and leaves it stuck as it was", async () => {
    const id = randomUUID();
    // b fails for good, and undoing a keeps failing: stuck in compensation_failed.
    const started = await startSaga({
      id,
      definition: toy,
      subjectId: `toy-${id}`,
      subject: { id },
      options: { faults: { b: { fail: true }, a: { compensation_failures: 5 } } },
    });
    expect(await runSaga(started)).toBe("compensation_failed");
    const stuck = await saga(id);
    registerSagas([toyNext]);
    await expect(retrySaga(id)).rejects.toThrow("which this build does not have");
    const after = await saga(id);
    expect(after.status).toBe("compensation_failed");
    // It keeps why it is stuck.
    expect(after.error).toBe(stuck.error);
    expect(after.steps.map((step) => step.status)).toEqual(["compensation_failed", "failed", "pending"]);
  });
});
