"use client";
/**
 * TanStack Query hooks, one per resource, with stable keys; and the two live streams. The dashboard
 * stream does not carry data itself: it tells the queries which resources changed, and they re-read
 * them from the API, so the screen always shows what the database says.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useEffectEvent, useReducer, useRef, useState } from "react";
import type { ServicesStatus } from "../api/responses";
import type { CreateOrderRequest } from "../api/schemas";
import type { OrderView, SagaView } from "../orders/queries";
import type { OrderServices } from "../services/schemas";
import type { SagaOutline } from "../view/outline";
import { applyEvent, initialState, type LogEvent, type SagaState } from "../view/replay";
import { fetchJson } from "./fetch-json";

/** Money as the browser receives it: a number of dollars. */
type Dollars = number;
type Json<T> = T extends { cents: number } ? Dollars : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

export type Order = Json<OrderView>;
export type Saga = Json<SagaView>;

export const queryKeys = {
  orders: ["orders"] as const,
  inventory: ["inventory"] as const,
  balances: ["balances"] as const,
  health: ["health"] as const,
  services: ["services"] as const,
  saga: (sagaId: string) => ["sagas", sagaId] as const,
  orderServices: (orderId: string, version: number) => ["orders", orderId, "services", version] as const,
  stuck: ["sagas", "stuck"] as const,
  world: ["world"] as const,
};

/** The newest orders, as many as the list shows (and one more, to know whether there are more). */
export const RECENT_ORDERS = 20;

export function useOrders() {
  return useQuery({ queryKey: queryKeys.orders, queryFn: () => fetchJson<Order[]>(`/api/orders?limit=${RECENT_ORDERS + 1}`) });
}

export function useInventory() {
  return useQuery({
    queryKey: queryKeys.inventory,
    queryFn: async () => (await fetchJson<{ inventory: Record<string, number> }>("/api/inventory")).inventory,
  });
}

export function useBalances() {
  return useQuery({
    queryKey: queryKeys.balances,
    queryFn: async () => (await fetchJson<{ balances: Record<string, Dollars> }>("/api/balances")).balances,
  });
}

/** The demo world this browser acts in: private (its own, named by an HttpOnly cookie) or shared. */
export interface World {
  world: "shared" | "private";
  orders: number;
  max_orders: number | null;
  removed_after_idle_hours: number | null;
}

export function useWorld() {
  return useQuery({ queryKey: queryKeys.world, queryFn: () => fetchJson<World>("/api/world"), staleTime: 60_000 });
}

export function useHealth() {
  return useQuery({
    queryKey: queryKeys.health,
    queryFn: () => fetchJson<{ status: string }>("/api/health"),
    refetchInterval: 15_000,
    retry: false,
  });
}

/** The services as the orchestrator sees them (GET /api/services), every two seconds: a breaker turns half-open with time. */
export function useServices() {
  return useQuery({
    queryKey: queryKeys.services,
    queryFn: () => fetchJson<ServicesStatus>("/api/services"),
    refetchInterval: 2_000,
  });
}

export function useSaga(sagaId: string) {
  return useQuery({ queryKey: queryKeys.saga(sagaId), queryFn: () => fetchJson<Saga>(`/api/sagas/${encodeURIComponent(sagaId)}`) });
}

/** A step-by-step saga's pause, as GET /api/sagas/{id} answers it. */
export type SagaPause = NonNullable<Saga["waiting"]>;

// A pause is recorded with the transition before it, so each event of the saga's stream says when to
// read it again (useSagaStream). One written without an event (a run resumed after a crash mid-step) is
// read by this poll, while a step-by-step saga is in flight and not known to wait.
const PAUSE_POLL_MS = 2_000;

/**
 * What a step-by-step saga waits before, right now: null when it does not wait, undefined until the
 * saga has been read. `follow`: read it (and again at each of its events); `poll`: read it every
 * PAUSE_POLL_MS too, while it is in flight and not known to wait (a saga known to be step by step).
 */
export function useSagaPause(sagaId: string | null, { follow, poll }: { follow: boolean; poll: boolean }): SagaPause | null | undefined {
  const saga = useQuery({
    queryKey: queryKeys.saga(sagaId ?? ""),
    queryFn: () => fetchJson<Saga>(`/api/sagas/${encodeURIComponent(sagaId!)}`),
    enabled: sagaId !== null && follow,
    refetchInterval: (query) => {
      const data = query.state.data;
      return poll && data && !data.waiting && ["pending", "processing", "compensating"].includes(data.status) ? PAUSE_POLL_MS : false;
    },
  });
  if (sagaId === null || !follow) return null;
  return saga.data === undefined ? undefined : saga.data.waiting;
}

/**
 * What each service holds for an order (its own records: the run page's ledger), read again whenever
 * `version` changes (the saga's last event), the last answer shown meanwhile. Undefined until read, and
 * while the services cannot answer.
 */
export function useOrderServices(orderId: string, version: number): OrderServices | undefined {
  return useQuery({
    queryKey: queryKeys.orderServices(orderId, version),
    queryFn: () => fetchJson<OrderServices>(`/api/orders/${encodeURIComponent(orderId)}/services`),
    placeholderData: keepPreviousData,
  }).data;
}

/** An operator's continue of a step-by-step saga's pause; resolves with the saga once its next transition has begun. */
export function useContinueSaga() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (sagaId: string) => fetchJson<Saga>(`/api/sagas/${encodeURIComponent(sagaId)}/continue`, { method: "POST" }),
    onSuccess: (saga) => client.setQueryData(queryKeys.saga(saga.id), saga),
    // A 409 (the pause had ended meanwhile): read the saga as it is.
    onError: (_error, sagaId) => client.invalidateQueries({ queryKey: queryKeys.saga(sagaId) }),
  });
}

/** How many stuck sagas the dashboard lists (and one more, to know whether there are more). */
export const STUCK_SHOWN = 10;

/** Sagas stuck in compensation_failed, waiting for an operator: the newest, as many as are shown. */
export function useStuckSagas() {
  return useQuery({
    queryKey: queryKeys.stuck,
    queryFn: () => fetchJson<Saga[]>(`/api/sagas?status=compensation_failed&limit=${STUCK_SHOWN + 1}`),
  });
}

/** An operator's retry of a stuck saga's compensations; resolves with the saga afterwards. */
export function useRetrySaga() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (sagaId: string) => fetchJson<Saga>(`/api/sagas/${encodeURIComponent(sagaId)}/retry`, { method: "POST" }),
    onSettled: () => client.invalidateQueries(),
  });
}

export interface AcceptedOrder {
  order_id: string;
  saga_id: string;
  status: string;
}

/** Starts an order without waiting for its saga (`Prefer: respond-async`); the timeline follows the stream. */
export function usePlaceOrder() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (order: CreateOrderRequest) =>
      fetchJson<AcceptedOrder>("/api/orders", { method: "POST", headers: { prefer: "respond-async" }, body: JSON.stringify(order) }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.orders }),
  });
}

export function useReset() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => fetchJson<{ message: string }>("/api/reset", { method: "POST" }),
    onSuccess: () => client.invalidateQueries(),
  });
}

type StreamStatus = "connecting" | "open" | "closed";

/**
 * How long the live timeline shows each state of a step at least (see useSagaStream): long enough to be
 * seen, short enough that the timeline never trails the inventory and balance cards noticeably.
 */
export const DEFAULT_DWELL_MS = 100;

/**
 * Follows one saga's event stream and folds it into its state. EventSource reconnects by itself and
 * sends Last-Event-ID, and the fold ignores events it has already applied, so nothing is lost or doubled.
 *
 * Some transitions commit within a millisecond of each other: a step that fails does so before its
 * simulated work (as the seed's services do), and the compensation it triggers starts at once. Applied
 * as they arrive, React would render only the last of them, and a viewer would never see the failing
 * step run or the undone step complete. So `state` shows each state of a step for at least
 * `minDwellMs`, in the log's order; `events` (the raw log) is never held back.
 *
 * Each event also has the saga read again (useSagaPause): a step-by-step saga's pause commits with the
 * event before it. (Step by step is the server's: the saga itself waits, not this stream.)
 */
export function useSagaStream(
  sagaId: string | null,
  outline: SagaOutline,
  { minDwellMs = DEFAULT_DWELL_MS }: { minDwellMs?: number } = {},
) {
  const client = useQueryClient();
  const [state, dispatch] = useReducer(
    (current: SagaState, action: { type: "event"; event: LogEvent } | { type: "restart" }) =>
      action.type === "restart" ? initialState(outline) : applyEvent(current, action.event),
    outline,
    initialState,
  );
  const [events, setEvents] = useState<LogEvent[]>([]);
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const seen = useRef(0);
  // Read when the queue next runs, so a new minDwellMs applies without reconnecting the stream.
  const dwellMs = useEffectEvent(() => minDwellMs);

  useEffect(() => {
    dispatch({ type: "restart" });
    // eslint-disable-next-line react-hooks/set-state-in-effect -- a new stream starts from nothing: forget the last saga's events
    setEvents([]);
    seen.current = 0;
    if (!sagaId) return;
    // The pacing queue: events wait, in order, until their step has shown its current state long enough.
    const queue: LogEvent[] = [];
    const shownAt = new Map<number, number>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pump = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      while (queue.length > 0) {
        const next = queue[0];
        const last = next.position === null ? undefined : shownAt.get(next.position);
        const wait = last === undefined ? 0 : last + dwellMs() - performance.now();
        if (wait > 0) {
          timer = setTimeout(pump, wait);
          break;
        }
        queue.shift();
        if (next.position !== null) shownAt.set(next.position, performance.now());
        dispatch({ type: "event", event: next });
      }
    };
    setStatus("connecting");
    const source = new EventSource(`/api/sagas/${encodeURIComponent(sagaId)}/events`);
    source.onopen = () => setStatus("open");
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "closed" : "connecting");
    // A reset deletes the saga: stop here, or EventSource would reconnect to a 404.
    source.addEventListener("reset", () => {
      source.close();
      setStatus("closed");
    });
    source.addEventListener("saga", (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as LogEvent;
      if (event.id <= seen.current) return;
      seen.current = event.id;
      queue.push(event);
      if (timer === undefined) pump();
      setEvents((list) => [...list, event]);
      void client.invalidateQueries({ queryKey: queryKeys.saga(sagaId) });
      // A finished saga sends nothing more: stop listening rather than hold a connection open.
      if (event.phase === "saga" && (event.outcome === "completed" || event.outcome === "failed")) {
        source.close();
        setStatus("closed");
      }
    });
    return () => {
      source.close();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [sagaId, client]);

  return { state, events, status };
}

/**
 * Keeps the dashboard's queries current: each committed transition or reset invalidates what it changed.
 * `onReset` hears every reset, this tab's or anyone else's (curl, another tab).
 */
export function useDashboardStream(onReset?: () => void) {
  const client = useQueryClient();
  const [status, setStatus] = useState<StreamStatus>("connecting");
  // The onReset of the latest render, without reconnecting when it changes.
  const resetListener = useEffectEvent(() => onReset?.());
  useEffect(() => {
    const source = new EventSource("/api/events");
    source.onopen = () => setStatus("open");
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "closed" : "connecting");
    source.addEventListener("saga", (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as LogEvent;
      if (event.phase === "saga") {
        void client.invalidateQueries({ queryKey: queryKeys.orders });
        void client.invalidateQueries({ queryKey: queryKeys.stuck });
      }
      if (event.outcome === "completed" || event.outcome === "compensated") {
        void client.invalidateQueries({ queryKey: queryKeys.inventory });
        void client.invalidateQueries({ queryKey: queryKeys.balances });
      }
    });
    source.addEventListener("reset", () => {
      resetListener();
      void client.invalidateQueries();
    });
    // The stream resumed too far behind to send what was missed: read everything anew.
    source.addEventListener("resync", () => void client.invalidateQueries());
    return () => source.close();
  }, [client]);
  return status;
}
