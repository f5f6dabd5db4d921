/** A limit was reached (new worlds per address, orders per world): the API answers 429 with Retry-After. */
export class TooManyRequests extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = "TooManyRequests";
  }
}
