/**
 * A step-by-step saga's pause in words: what it waits before ("Waiting before Refund payment (undoing
 * process payment)") and how long until it goes on by itself ("4:59"). Pure, for the dashboard and the
 * timeline page alike.
 */
import { hasUndo, humanize, type SagaOutline } from "./outline";

/** The pause as GET /sagas/{id} answers it (`waiting`). */
export interface Pause {
  before: string;
  phase: "saga" | "action" | "compensation";
  since: string;
  resumes_at: string;
}

/**
 * What the saga will do once continued, as a viewer reads it, short enough for one line beside the steps
 * (which say what a compensation undoes); `detailed` says it too.
 */
export function pauseTarget(outline: SagaOutline, { before, phase }: Pick<Pause, "before" | "phase">, { detailed = false } = {}): string {
  if (phase === "saga") return `marking the saga ${before}`;
  if (phase === "action") return humanize(before);
  const step = outline.steps.find((candidate) => candidate.name === before);
  if (!step || !hasUndo(step.compensation)) return `undoing ${humanize(before)} (nothing to undo)`;
  return detailed ? `${humanize(step.compensation)} (undoing ${humanize(before).toLowerCase()})` : humanize(step.compensation);
}

/** "4:59": minutes and seconds until `resumesAt`, rounded up, never below 0:00. */
export function timeLeft(resumesAt: string, now: number): string {
  const seconds = Math.max(0, Math.ceil((Date.parse(resumesAt) - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** The whole line: "Waiting before Reserve inventory · resumes by itself in 4:59" (without the time when `now` is unknown). */
export function pauseLine(outline: SagaOutline, pause: Pause, now: number | null): string {
  const waiting = `Waiting before ${pauseTarget(outline, pause)}`;
  if (now === null) return waiting;
  const left = Date.parse(pause.resumes_at) - now;
  return `${waiting} · ${left > 0 ? `resumes by itself in ${timeLeft(pause.resumes_at, now)}` : "resuming"}`;
}
