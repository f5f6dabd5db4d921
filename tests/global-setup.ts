// The HTTP tests run against the production server, so the production build must be current.
// SAGA_SKIP_BUILD=1 skips it for a quick run of the in-process tests alone (lib/**).
// @ts-expect-error: a plain ES module shared with `npm start`
import { buildIfStale } from "../scripts/build.mjs";

export default function setup() {
  if (process.env.SAGA_SKIP_BUILD !== "1") buildIfStale();
}
