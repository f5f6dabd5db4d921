// On SQLite the writes queued while one commits go in together, in one commit of the database (group
// commit, lib/db/client.ts): each must still be all or nothing on its own, and none may resolve before
// its writes are committed.
import { afterEach, expect, it } from "vitest";
import { refuseWrites } from "../../tests/engine/faults";
import { closeDatabase, database, type Tx } from "./client";
import { isDatabaseFault } from "./faults";
import { groupCommits } from "./group-commit";

afterEach(async () => {
  await refuseWrites(await database(), false);
  await closeDatabase();
});

const addProduct = (tx: Tx, id: string) =>
  tx.product.create({ data: { worldId: "default", id, name: id, updatedAt: new Date() }, select: { id: true } });
const products = async (prefix = "grouped-") =>
  (
    await (await database()).read.product.findMany({ where: { id: { startsWith: prefix } }, orderBy: { id: "asc" }, select: { id: true } })
  ).map((p) => p.id);

it("writes queued together commit together; the one that throws is rolled back alone, and nothing shows before the commit", async () => {
  const db = await database();
  await db.write(async () => undefined);
  const before = { ...db.stats };
  const seenInside: string[][] = [];

  // Queued in one go, while nothing else is: they form one group.
  const first = db.write(async (tx) => (await addProduct(tx, "grouped-a")).id);
  const failing = db.write(async (tx) => {
    await addProduct(tx, "grouped-b");
    throw new Error("this one fails");
  });
  const third = db.write(async (tx) => {
    // The first one's row is there for this one (the same transaction), but not for a reader yet.
    seenInside.push(
      (await tx.product.findMany({ where: { id: { startsWith: "grouped-" } }, orderBy: { id: "asc" }, select: { id: true } })).map(
        (p) => p.id,
      ),
    );
    seenInside.push(await products());
    return (await addProduct(tx, "grouped-c")).id;
  });

  expect(await first).toBe("grouped-a");
  await expect(failing).rejects.toThrow("this one fails");
  expect(await third).toBe("grouped-c");
  expect(seenInside).toEqual([["grouped-a"], []]);
  expect(await products()).toEqual(["grouped-a", "grouped-c"]);
  expect(db.stats.commits - before.commits).toBe(1);
  expect(db.stats.transactions - before.transactions).toBe(2);
});

it("a member whose statement fails, first in its group, is rolled back alone", async () => {
  const db = await database();
  await db.write((tx) => addProduct(tx, "unique-a"));
  const duplicate = db.write((tx) => addProduct(tx, "unique-a"));
  const next = db.write((tx) => addProduct(tx, "unique-b"));
  await expect(duplicate).rejects.toMatchObject({ code: "P2002" });
  expect(await next).toEqual({ id: "unique-b" });
  expect(await products("unique-")).toEqual(["unique-a", "unique-b"]);
});

it("a fault that leaves the transaction open fails only its member: the database refusing one write", async () => {
  const db = await database();
  await refuseWrites(db, true);
  // SQLITE_READONLY for the first, as a full disk or a read-only file would answer; the second lifts
  // the refusal, in the same group, and the third writes.
  const refused = db.write((tx) => addProduct(tx, "readonly-a"));
  const lifted = refuseWrites(db, false);
  const after = db.write((tx) => addProduct(tx, "readonly-b"));
  const [a] = await Promise.allSettled([refused]);
  expect(a.status === "rejected" && isDatabaseFault(a.reason)).toBe(true);
  // /health hears of the refused write, though the rest of its group committed.
  expect(db.writeHealth().failing).toBe(true);
  await lifted;
  expect(await after).toEqual({ id: "readonly-b" });
  expect(await products("readonly-")).toEqual(["readonly-b"]);
  await db.write(async () => undefined);
  expect(db.writeHealth().failing).toBe(false);
});

it("when the database ends the transaction under a member that goes on, the whole group rejects with a fault and nothing of it stays", async () => {
  const db = await database();
  await db.write(async () => undefined);
  const first = db.write((tx) => addProduct(tx, "lost-a"));
  // What SQLite does on a full disk or an I/O error, and a member that catches the error and goes on.
  const second = db.write(async (tx) => {
    await tx.$executeRawUnsafe("ROLLBACK");
    return "went on";
  });
  const third = db.write((tx) => addProduct(tx, "lost-c"));
  const settled = await Promise.allSettled([first, second, third]);
  for (const outcome of settled) expect(outcome.status === "rejected" && isDatabaseFault(outcome.reason)).toBe(true);
  expect(await products("lost-")).toEqual([]);
  // The queue goes on.
  await db.write((tx) => addProduct(tx, "lost-d"));
  expect(await products("lost-")).toEqual(["lost-d"]);
});

it("when it cannot tell whether the database's transaction is still open, the whole group rejects with why", async () => {
  // No database: a transaction that runs its function on a stand-in, and an `open` that cannot tell.
  const cannotTell = new Error("the writer's connection is unknown");
  const tx = { $executeRaw: async () => 0 } as unknown as Tx;
  const queue = groupCommits(
    async (fn) => fn(tx),
    () => undefined,
    () => {
      throw cannotTell;
    },
  );
  const settled = await Promise.allSettled([queue.write(async () => "a"), queue.write(async () => "b")]);
  expect(settled).toEqual([
    { status: "rejected", reason: cannotTell },
    { status: "rejected", reason: cannotTell },
  ]);
});
