"use client";
/**
 * The live part of the timeline page: follows one saga's event stream and tells its story (RunView),
 * so every part changes as the saga runs, without a reload. The server component above it has already
 * checked that the saga exists and read what the story needs.
 */
import { useState } from "react";
import { useOrderServices, useSagaPause, useSagaStream, type SagaPause } from "@/lib/client/hooks";
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
  /** A step-by-step saga's pause when the page was read: the saga is then followed for its pauses too. */
  initialPause: SagaPause | null;
}) {
  const { initialPause, ...rest } = props;
  const { events, status } = useSagaStream(props.sagaId, props.outline);
  // A saga seen waiting is step by step: it is then polled too, for a pause recorded without an event.
  const [stepByStep, setStepByStep] = useState(initialPause !== null);
  const read = useSagaPause(props.sagaId, { follow: true, poll: stepByStep });
  if (read && !stepByStep) setStepByStep(true);
  // The ledger is drawn from the services' own records, read again at each new event.
  const records = useOrderServices(props.order.id, events.at(-1)?.id ?? 0);
  return (
    <RunView {...rest} events={events} live={status} pause={read === undefined ? initialPause : read} serviceRecords={records?.services} />
  );
}
