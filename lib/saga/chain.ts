/**
 * Chaining: the moves that wait for nothing outside the database run in the transaction already open
 * (lib/saga/run-record.ts). When one of them throws, the whole transaction rolls back (ChainBroken) and
 * runs again with only the moves before it, so that the failing step is then attempted on its own.
 */

/** Thrown inside a transaction to roll back a step's local writes; `cause` is what the step threw. */
export class StepThrew extends Error {}

/** A chained step threw: the transaction rolls back, to run again with only the `chained` steps before it. */
export class ChainBroken extends Error {
  constructor(readonly chained: number) {
    super("a chained step threw");
  }
}

/**
 * Runs a transaction that chains moves (given how many it may chain): first with no limit, and when a
 * chained step throws, again with only the moves before it, so that the failing step is then attempted
 * on its own, as every attempt is when not chained.
 */
export async function chainingUntilUnbroken<T>(transaction: (limit: number) => Promise<T>): Promise<T> {
  for (let limit = Infinity; ;) {
    try {
      return await transaction(limit);
    } catch (error) {
      if (!(error instanceof ChainBroken)) throw error;
      limit = error.chained;
    }
  }
}
