// The HTTP tests run against the production server, so the production build must be current.
// @ts-expect-error: a plain ES module shared with `npm start`
import { buildIfStale } from "../scripts/build.mjs";

export default function setup() {
  buildIfStale();
}
