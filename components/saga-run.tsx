"use client";
/**
 * The live part of the timeline page: follows one saga's event stream and tells its story (RunView),
 * so every part changes as the saga runs, without a reload. The server component above it has already
 * checked that the saga exists and read what the story needs.
 */
import { useSagaStream } from "@/lib/client/hooks";
import type { SagaStatus } from "@/lib/saga/status";
import type { StepEffects } from "@/lib/view/ledger";
import type { SagaOutline } from "@/lib/view/outline";
import { RunView, type RunOrder } from "./run-view";

export type { RunOrder };

export function SagaRun(props: {
  sagaId: string;
  outline: SagaOutline;
  order: RunOrder;
  initialStatus: SagaStatus;
  effects: StepEffects;
  before: Record<string, number> | null;
  definitionVersion: string;
}) {
  const { events, status } = useSagaStream(props.sagaId, props.outline);
  return <RunView {...props} events={events} live={status} />;
}
