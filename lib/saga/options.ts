/**
 * How one saga run is played, chosen when it starts and stored with it (so a resumed saga plays the
 * same way): `speed` slows the simulated work down for a viewer (0.25 = four times slower), `faults`
 * inject failures into chosen steps, keyed by attempt number so a run replays identically, and
 * `step_by_step` has the run wait before each transition until an operator continues it.
 */
import { z } from "zod";

const times = z.int().min(0).max(20);

// Pydantic's lax mode (and so FastAPI) takes these words, in any case, and 0 and 1, for a boolean.
const TRUE_WORDS = new Set(["true", "t", "yes", "y", "on", "1"]);
const FALSE_WORDS = new Set(["false", "f", "no", "n", "off", "0"]);
function booleanFromWord(value: unknown): unknown {
  const word = typeof value === "string" ? value.trim().toLowerCase() : typeof value === "number" ? String(value) : undefined;
  if (word === undefined) return value;
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : value;
}
/** A boolean as pydantic reads one: true and false, or a word or number it takes for them. */
export const laxBoolean = () => z.preprocess(booleanFromWord, z.boolean());

/** How long a step-by-step pause waits for a continue, unless the run says otherwise (seconds). */
export const DEFAULT_STEP_TIMEOUT_SECONDS = 300;
export const MAX_STEP_TIMEOUT_SECONDS = 3600;

export const FaultSchema = z.object({
  fail: laxBoolean().optional().describe("The step's action fails for good (a business failure): the saga compensates"),
  transient: times.optional().describe("The action's first N attempts fail with a transient error, retried with backoff"),
  timeouts: times.optional().describe("The action's first N attempts time out, retried like transient errors"),
  compensation_failures: times.optional().describe("The step's compensation fails its first N attempts"),
  // At the boundary of a step that calls a service (no effect on a local step):
  lost_answers: times
    .optional()
    .describe(
      "The service does the action's first N calls, and each answer is lost on its way back (the connection drops): " +
        "retried with the same Idempotency-Key, the service answers its original result",
    ),
  unavailable: times.optional().describe("The service is down for the action's first N calls: it answers 503 and does nothing"),
  slow_answers: times
    .optional()
    .describe(
      "The service is slow past the step's timeout on the action's first N calls: the orchestrator cancels the request, " +
        "and the service, seeing its caller gone, stops before doing anything",
    ),
  duplicates: laxBoolean().optional().describe("Every call of the step, action and compensation, is delivered twice at once"),
});
export type Fault = z.infer<typeof FaultSchema>;

export const RunOptionsSchema = z.object({
  speed: z
    .number()
    .min(0.1)
    .max(10)
    .optional()
    .describe("Playback speed of the simulated step durations: 1 = real time, 0.25 = four times slower"),
  faults: z
    .record(z.string().max(64), FaultSchema)
    .optional()
    .describe('Failures to inject, by step name, e.g. {"process_payment": {"transient": 2}}'),
  step_by_step: laxBoolean()
    .optional()
    .describe(
      "Wait before each transition (each step's action or compensation, and the saga's end) " +
        "until POST /sagas/{saga_id}/continue, or step_timeout_seconds",
    ),
  step_timeout_seconds: z
    .int()
    .min(1)
    .max(MAX_STEP_TIMEOUT_SECONDS)
    .meta({ pydanticType: "int" })
    .optional()
    .describe(
      "With step_by_step: how long each pause waits for a continue before the saga goes on by itself " +
        `(default ${DEFAULT_STEP_TIMEOUT_SECONDS})`,
    ),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;

export function parseStoredOptions(json: string): RunOptions {
  try {
    const parsed = RunOptionsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** How long each step-by-step pause of this run waits for a continue (ms). */
export function stepTimeoutMs(options: RunOptions): number {
  return (options.step_timeout_seconds ?? DEFAULT_STEP_TIMEOUT_SECONDS) * 1000;
}

/** SAGA_DELAY_SCALE multiplies every simulated duration (default 1; 0 turns the delays off). */
export function delayScale(): number {
  const scale = Number(process.env.SAGA_DELAY_SCALE ?? 1);
  return Number.isFinite(scale) && scale >= 0 ? scale : 1;
}

/** A simulated duration (step work, timeout, backoff) as this run plays it. */
export function scaled(ms: number, options: RunOptions): number {
  return (ms * delayScale()) / (options.speed ?? 1);
}
