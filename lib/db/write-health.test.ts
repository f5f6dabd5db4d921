// /health after a write failed on a fault of the database: it says so until writes work again. On
// PostgreSQL such a fault is the connection's (ended while the process was paused, refused) or a
// conflict, so /health tries a transaction of its own and is healthy again once one commits. On SQLite
// it is the file's state (full, read-only), which a transaction writing nothing would not meet: only a
// real write clears it.
import { afterEach, expect, it } from "vitest";
import { closeDatabase, database } from "./client";
import { checkDatabase } from "./health";

afterEach(() => closeDatabase());

/** What the pg adapter throws when PostgreSQL ended the connection a write ran on. */
const ended = () => new Error("Connection terminated unexpectedly");

it("says writes are failing after a fault, until a write works again", async () => {
  const db = await database();
  await expect(db.write(async () => Promise.reject(ended()))).rejects.toThrow("Connection terminated");
  const health = await checkDatabase();
  if (db.provider === "postgresql") {
    // The probe's own transaction committed: the connection is back, and so are writes.
    expect(health).toEqual({ ok: true });
  } else {
    expect(health).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^Writes are failing since .*: Connection terminated unexpectedly$/),
    });
    await db.write(async (tx) => tx.world.updateMany({ where: { id: "none" }, data: { orderCount: 0 } }));
    expect(await checkDatabase()).toEqual({ ok: true });
  }
});
