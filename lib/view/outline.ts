/**
 * What the UI knows of a saga definition: its steps' names, compensations and simulated durations,
 * without the actions (which touch the database and stay on the server). Server components read it
 * from the definition and hand it to client components, so the definition stays the one source.
 */
import type { SagaDefinition } from "../saga/definition";

export interface StepOutline {
  name: string;
  compensation: string;
  durationMs: number;
  /** The service that does it, as diagrams name it ("Inventory"). */
  service?: string;
  /** True when its action calls a service over HTTP (so its answer can be lost, its service down). */
  remote?: true;
  /** The requests its action and compensation send to the service ("POST /services/payment/charges"). */
  endpoint?: { action: string; compensation: string };
}

export interface SagaOutline {
  name: string;
  subject: string;
  steps: StepOutline[];
}

export function outline<Context>(definition: SagaDefinition<Context>): SagaOutline {
  return {
    name: definition.name,
    subject: definition.subject,
    steps: definition.steps.map(({ name, compensation, durationMs, service, call, endpoint }) => ({
      name,
      compensation,
      durationMs,
      ...(service ? { service } : {}),
      ...(call ? { remote: true as const } : {}),
      ...(endpoint ? { endpoint } : {}),
    })),
  };
}

/**
 * The outline of one run: the steps it actually had (as its saga recorded them), with what the current
 * definition knows of each (durations, services). A run of an older version of the definition, with a
 * step since added or removed, still draws and replays with its own steps.
 */
export function runOutline(current: SagaOutline, steps: readonly { name: string; compensation: string }[]): SagaOutline {
  const known = new Map(current.steps.map((step) => [step.name, step]));
  return {
    ...current,
    steps: steps.map(({ name, compensation }) => {
      const step = known.get(name);
      // A step the definition still has keeps what it knows of its service too, for the run's diagrams.
      const { service, remote, endpoint } = step ?? {};
      return {
        name,
        compensation,
        durationMs: step?.durationMs ?? 0,
        ...(service ? { service } : {}),
        ...(remote ? { remote } : {}),
        ...(endpoint ? { endpoint } : {}),
      };
    }),
  };
}

/** "reserve_inventory" -> "Reserve inventory", for labels. */
export function humanize(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The compensation of a step that changes nothing (validating the order): there is nothing to undo. */
export const NO_COMPENSATION = "no_compensation";

/**
 * Whether a step's compensation undoes anything. A step declared with `no_compensation` is still marked
 * compensated when the saga rolls back, but saying it was "undone" would contradict its name.
 */
export function hasUndo(compensation: string): boolean {
  return compensation !== NO_COMPENSATION;
}
