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
