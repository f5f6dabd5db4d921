/**
 * How one saga run is played, chosen when it starts and stored with it (so a resumed saga plays the
 * same way): `speed` slows the simulated work down for a viewer (0.25 = four times slower).
 */
import { z } from "zod";

export const RunOptionsSchema = z.object({
  speed: z.number().min(0.1).max(10).optional().describe("Playback speed of the simulated step durations: 1 = real time, 0.25 = four times slower"),
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

/** SAGA_DELAY_SCALE multiplies every simulated step duration (default 1; 0 turns the delays off). */
export function delayScale(): number {
  const scale = Number(process.env.SAGA_DELAY_SCALE ?? 1);
  return Number.isFinite(scale) && scale >= 0 ? scale : 1;
}

/** How long a step of `durationMs` simulated work waits in this run. */
export function stepDelay(durationMs: number, options: RunOptions): number {
  return (durationMs * delayScale()) / (options.speed ?? 1);
}
