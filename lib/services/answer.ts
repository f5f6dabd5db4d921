/** What a service answers a request: an HTTP status and a JSON body, recorded as they are for a repeat. */
export interface Answer {
  status: number;
  body: unknown;
}

/** A success. */
export function answer(status: 200 | 201, body: unknown): Answer {
  return { status, body };
}

/** A refusal in FastAPI's shape, `{"detail": "..."}`: a business failure the saga does not retry. */
export function refusal(status: 402 | 404 | 409, detail: string): Answer {
  return { status, body: { detail } };
}

/** What a compensation answers when the action it undoes never arrived: safe to send after a lost request. */
export const NOTHING_TO_UNDO = "nothing_to_undo";

/**
 * What an earlier request for the same order left at a service, from its one row for the order: the
 * action's answer as it stands while the row is still `done`, a refusal (`undone`) when a compensation
 * came first and voided or undid it, nothing when there is no row.
 */
export function earlierOutcome<Row extends { status: string }>(
  row: Row | null,
  done: string,
  body: (row: Row) => unknown,
  undone: string,
): Answer | undefined {
  if (row?.status === done) return answer(201, body(row));
  if (row) return refusal(409, undone);
}

/**
 * An action's refusal, unless an earlier request for the same order left an outcome, which answers
 * instead: a service never refuses an order it already has. `lookedFirst`: the work looked before it
 * wrote and found none (lib/services/idempotency.ts), so it is not looked for again.
 */
export async function refusedUnlessEarlier(
  lookedFirst: boolean,
  earlier: () => Promise<Answer | undefined>,
  refused: () => Promise<Answer>,
): Promise<Answer> {
  return (lookedFirst ? undefined : await earlier()) ?? refused();
}
