// Reads asked often are read again only after something committed: by this process's writer, or by
// any other connection to the file (another process). Otherwise a dashboard would show stale stock.
import Sqlite from "better-sqlite3";
import { afterEach, expect, it } from "vitest";
import { closeDatabase, database } from "./client";
import { sharedWhilePending } from "./unless-changed";

afterEach(() => closeDatabase());

it("reads once while nothing commits, again after a commit here or by another connection", async () => {
  const db = await database();
  const updatedAt = new Date();
  await db.write((tx) =>
    tx.product.createMany({ data: [1, 2].map((n) => ({ worldId: "default", id: `product_${n}`, name: `P${10 * n}`, updatedAt })) }),
  );
  let reads = 0;
  const stock = () =>
    db.unlessChanged("stock", async () => {
      reads++;
      return (await db.read.product.findMany({ where: { worldId: "default" }, orderBy: { id: "asc" }, select: { name: true } })).map(
        (p) => p.name,
      );
    });
  const first = await stock();
  expect(first).toEqual(["P10", "P20"]);
  expect(await stock()).toEqual(first);
  expect(reads).toBe(1);

  await db.write((tx) => tx.product.updateMany({ where: { worldId: "default", id: "product_1" }, data: { name: "P7" } }));
  expect((await stock())[0]).toBe("P7");
  expect(reads).toBe(2);

  // Another process's commit (a second connection to the same file).
  const other = new Sqlite(db.file);
  other.prepare("UPDATE products SET name = 'P5' WHERE world_id = 'default' AND id = 'product_1'").run();
  other.close();
  expect((await stock())[0]).toBe("P5");
  expect(reads).toBe(3);
  expect(await stock()).toEqual(["P5", "P20"]);
  expect(reads).toBe(3);
});

it("asks a shared question once while its answer is pending, and again after it settles", async () => {
  let asked = 0;
  let answer!: (value: string) => void;
  let fail!: (error: Error) => void;
  const check = sharedWhilePending(
    () =>
      new Promise<string>((resolve, reject) => {
        asked++;
        answer = resolve;
        fail = reject;
      }),
  );
  const first = [check(), check(), check()];
  expect(asked).toBe(1);
  answer("up");
  expect(await Promise.all(first)).toEqual(["up", "up", "up"]);

  // Settled: the next call asks anew, and a failure reaches every caller that waited for it.
  const second = [check(), check()];
  expect(asked).toBe(2);
  fail(new Error("down"));
  for (const call of second) await expect(call).rejects.toThrow("down");

  const third = check();
  expect(asked).toBe(3);
  answer("up again");
  expect(await third).toBe("up again");
});
