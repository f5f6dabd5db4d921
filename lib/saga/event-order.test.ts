// On PostgreSQL an event's id is taken when its row is inserted, not when its transaction commits: two
// transactions can commit their events out of id order. The live tail reads `id > last`, so it would skip
// an event that committed late; lib/db/client.ts's orderEventWrites makes ids commit in order. Here many
// transitions commit at once, each holding its transaction open a while after writing its events: the
// tail must deliver every event exactly once.
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { database } from "../db/client";
import { toy } from "../../tests/engine/toy-saga";
import { eventTail, publish } from "./events";
import { startSaga } from ".";
import { registerSagas } from "./registry";
import { Transition } from "./transition";

it("delivers every event once when transactions commit out of the order they took their ids", async () => {
  const db = await database();
  registerSagas([toy]);
  const seen: number[] = [];
  const unsubscribe = await eventTail(db.read).subscribe({ rows: (rows) => seen.push(...rows.map((row) => row.id)), reset() {} });
  try {
    const sagas = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const id = randomUUID();
        // A fault to come (never run here) keeps each saga at its first step, in flight.
        return startSaga({ id, definition: toy, subjectId: id, subject: { id }, options: { faults: { a: { transient: 1 } } } });
      }),
    );
    for (const saga of sagas) publish({ type: "event", sagaId: saga.id });
    await Promise.all(
      sagas.map(async (saga, n) => {
        for (let round = 0; round < 5; round++) {
          await db.write(async (tx) => {
            const t = new Transition(tx, saga.id, saga.steps);
            t.retrying(0, "action", `round ${round}`);
            await t.save();
            // Held open after the events are written, longer for some than others.
            await new Promise((resolve) => setTimeout(resolve, ((n * 7 + round * 13) % 25) + 1));
          });
          publish({ type: "event", sagaId: saga.id });
        }
      }),
    );
    const ids = sagas.map((saga) => saga.id);
    const stored = (await db.read.sagaEvent.findMany({ where: { sagaId: { in: ids } }, select: { id: true }, orderBy: { id: "asc" } })).map(
      (row) => row.id,
    );
    expect(stored).toHaveLength(20 * 8);
    // The tail polls every 2 s as well: whatever it has not delivered by then, it missed.
    const deadline = Date.now() + 3_000;
    while (stored.some((id) => !seen.includes(id)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const delivered = seen.filter((id) => stored.includes(id));
    expect(delivered).toEqual(stored);
  } finally {
    unsubscribe();
  }
});
