// On SQLite the writes queued while one commits go in together, in one commit of the database (group
// commit, lib/db/client.ts): each must still be all or nothing on its own, and none may resolve before
// its writes are committed.
import { afterEach, expect, it } from "vitest";
import { refuseWrites } from "../../tests/engine/faults";
import { closeDatabase, database, type Tx } from "./client";
import { isDatabaseFault } from "./faults";

afterEach(async () => {
  await refuseWrites(await database(), false);
  await closeDatabase();
});

const addProduct = (tx: Tx, id: string) => tx.product.create({ data: { worldId: "default", id, name: id, stock: 1, updatedAt: new Date() }, select: { id: true } });
const products = async (prefix = "grouped-") => (await (await database()).read.product.findMany({ where: { id: { startsWith: prefix } }, orderBy: { id: "asc" }, select: { id: true } })).map((p) => p.id);

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
    seenInside.push((await tx.product.findMany({ where: { id: { startsWith: "grouped-" } }, orderBy: { id: "asc" }, select: { id: true } })).map((p) => p.id));
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

it("a fault of the database in one of them fails the whole group: nothing of it is committed", async () => {
  const db = await database();
  await db.write(async () => undefined);
  const first = db.write((tx) => addProduct(tx, "faulty-d"));
  // SQLITE_READONLY, as a full disk or a file gone read-only would answer.
  const faulty = db.write(async (tx) => {
    await tx.$executeRawUnsafe("PRAGMA query_only = 1");
    await addProduct(tx, "faulty-e");
  });
  const [a, b] = await Promise.allSettled([first, faulty]);
  expect(a.status === "rejected" && isDatabaseFault(a.reason)).toBe(true);
  expect(b.status === "rejected" && isDatabaseFault(b.reason)).toBe(true);

  await refuseWrites(db, false);
  expect(await products("faulty-")).toEqual([]);
  // The queue goes on.
  await db.write((tx) => addProduct(tx, "faulty-f"));
  expect(await products("faulty-")).toEqual(["faulty-f"]);
});
