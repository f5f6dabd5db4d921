// The engine's one retry policy for faults of the database, and its backoff, without a database.
import { afterEach, describe, expect, it } from "vitest";
import { backoff, doubling, retryDatabaseFault } from "./policy";

// What Prisma throws when SQLite's file is busy: a fault of the database, not of the work.
const busy = () =>
  Object.assign(new Error("database is locked"), {
    meta: { driverAdapterError: { cause: { originalCode: "SQLITE_BUSY", originalMessage: "database is locked" } } },
  });

describe("retrying a fault of the database", () => {
  const waits: number[] = [];
  const pause = async (ms: number) => void waits.push(ms);
  afterEach(() => void (waits.length = 0));

  it("tries the same work again after a doubling wait, capped at 5 s, until it succeeds", async () => {
    let tries = 0;
    const recovered: boolean[] = [];
    const result = await retryDatabaseFault(
      async () => {
        if (++tries <= 8) throw busy();
        return "committed";
      },
      { pause, onRecovered: () => recovered.push(true) },
    );
    expect(result).toBe("committed");
    expect(waits).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(recovered).toEqual([true]);
  });

  it("gives the caller the fault once its tries run out", async () => {
    let tries = 0;
    const work = async () => {
      tries++;
      throw busy();
    };
    await expect(retryDatabaseFault(work, { tries: 3, pause })).rejects.toThrow("database is locked");
    expect(tries).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it("never retries an error that is not the database's", async () => {
    let tries = 0;
    const work = async () => {
      tries++;
      throw new Error("a bug");
    };
    await expect(retryDatabaseFault(work, { pause })).rejects.toThrow("a bug");
    expect(tries).toBe(1);
    expect(waits).toEqual([]);
  });
});

describe("backoff", () => {
  it("doubles from the base up to the cap", () => {
    expect([1, 2, 3, 4, 5].map((tries) => doubling(100, 1_000, tries))).toEqual([100, 200, 400, 800, 1_000]);
  });

  it("keeps a step's jittered wait within half and all of its doubling, the same for the same seed", () => {
    const policy = { attempts: 5, backoffMs: 100, maxBackoffMs: 2_000 };
    for (let attempt = 1; attempt <= 6; attempt++) {
      const full = doubling(100, 2_000, attempt);
      const wait = backoff(policy, attempt, "saga:1");
      expect(wait).toBeGreaterThanOrEqual(full / 2);
      expect(wait).toBeLessThanOrEqual(full);
      expect(backoff(policy, attempt, "saga:1")).toBe(wait);
    }
  });
});
