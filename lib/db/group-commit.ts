/**
 * Group commit, the SQLite writer's queue (lib/db/sqlite.ts): the transactions queued while one commits
 * go in together, one after another inside one transaction of the database, each in a savepoint of its
 * own, and the database commits them at once.
 *
 * Each is still all or nothing: one that throws (a fault of the database included) is rolled back to
 * its savepoint and rejects with its error while the others go on; none resolves before the commit, and
 * if the commit fails, the others reject with its error. If the database itself ends the transaction
 * (SQLite rolls it all back on a full disk or an I/O error), the whole group rejects with a fault,
 * whatever its members made of the error. What it saves is the BEGIN and the COMMIT of each (on SQLite
 * a commit writes the log and often its pages; through Prisma the two cost about 0.6 ms, as much as a
 * saga's four steps' own writes), which is most of the cost of a transition under load.
 */
import { DatabaseUnavailable, isDatabaseFault } from "./faults";
import type { Transaction } from "./transactions";
import type { Tx } from "./types";

// The most transactions one commit takes in: enough that a queue under load drains in a few commits,
// few enough that none waits long behind the others.
const MAX_GROUP = 8;

/**
 * The queue of `transaction`. `refuse` may refuse a group before it starts (the file is not the one
 * opened); `open` says whether the database's transaction is still open (and throws if it cannot tell).
 */
export function groupCommits(transaction: Transaction, refuse: () => Error | undefined, open: () => boolean) {
  interface Queued {
    fn: (tx: Tx) => Promise<unknown>;
    resolve(value: unknown): void;
    reject(error: unknown): void;
  }
  let queue: Queued[] = [];
  let draining: Promise<void> | undefined;

  async function commit(group: Queued[]): Promise<void> {
    const refused = refuse();
    if (refused) return group.forEach((entry) => entry.reject(refused));
    // What each one came to, in order: its value, or the error it threw (rolled back to its savepoint).
    type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
    const outcomes: Outcome[] = [];
    // The database ended the transaction under its members: nothing of the group is in it any more.
    const lost = () => new DatabaseUnavailable("The database rolled back the transaction (a full disk or an I/O error?)");
    try {
      await transaction(
        async (tx) => {
          for (const entry of group) {
            // Alone, it needs no savepoint: if it throws, the whole transaction rolls back.
            if (group.length === 1) {
              outcomes.push({ ok: true, value: await entry.fn(tx) });
              break;
            }
            // Savepoints by hand, SQL kept here in lib/db. Each member opens one of the same name and none
            // is released (the commit ends them all): ROLLBACK TO goes back to the newest of that name,
            // the start of the member that threw. Prisma 7.5+ would do it as `tx.$transaction(fn)`, nested
            // on savepoints, but dearer: it releases each savepoint (a statement more a member: 3.25
            // statements a transaction against 2.25) and runs each through its transaction manager.
            // Measured, alternating, on 2 noisy cores: groups of 8 one-update transactions cost
            // 302-355 µs a transaction by hand against 381-416 nested (with one in four groups rolling
            // a member back, 457-694 against 668-961); scripts/bench-engine.ts 2000 10 50, six runs
            // each, 4.28 ms of CPU a saga by hand against 4.65 nested (medians). So: by hand.
            await tx.$executeRaw`SAVEPOINT grouped`;
            try {
              outcomes.push({ ok: true, value: await entry.fn(tx) });
            } catch (error) {
              if (!open()) throw isDatabaseFault(error) ? error : lost();
              await tx.$executeRaw`ROLLBACK TO grouped`;
              outcomes.push({ ok: false, error });
            }
            // A member may have caught the database's own rollback and gone on: its writes, and the
            // next member's, would then each commit alone, and the earlier ones' be gone.
            if (!open()) throw lost();
          }
          if (!open()) throw lost();
          return outcomes;
        },
        {
          size: group.length,
          count: (done: Outcome[]) => done.filter((outcome) => outcome.ok).length,
          fault: (done: Outcome[]) =>
            done.find((outcome): outcome is { ok: false; error: unknown } => !outcome.ok && isDatabaseFault(outcome.error))?.error,
        },
      );
    } catch (error) {
      // Nothing of the group committed: each rejects with its own error if it threw one, else with this.
      group.forEach((entry, i) => {
        const outcome = outcomes[i];
        entry.reject(outcome && !outcome.ok ? outcome.error : error);
      });
      return;
    }
    group.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      // A turn of the event loop first: a transaction on SQLite runs through without one (every call
      // answers at once), so the requests that arrived meanwhile reach their writes only now, and join.
      await new Promise((resolve) => setImmediate(resolve));
      const group = queue.slice(0, MAX_GROUP);
      queue = queue.slice(group.length);
      // (commit settles every member itself; should it ever throw, they hear of it, and the queue goes on.)
      await commit(group).catch((error: unknown) => group.forEach((entry) => entry.reject(error)));
    }
    draining = undefined;
  }

  return {
    /** Runs `fn` as a transaction of its own, after every one queued before it; rolls back if it throws. */
    write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        draining ??= drain();
      });
    },
    /** Resolves once every transaction queued so far has ended. */
    async idle(): Promise<void> {
      while (draining) await draining;
    },
  };
}
