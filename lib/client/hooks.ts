"use client";
/**
 * TanStack Query hooks, one per resource, with stable keys; and the two live streams. The dashboard
 * stream does not carry data itself: it tells the queries which resources changed, and they re-read
 * them from the API, so the screen always shows what the database says.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useReducer, useRef, useState } from "react";
import type { CreateOrderRequest } from "../api/schemas";
import type { OrderView, SagaView } from "../orders/queries";
import type { SagaOutline } from "../saga/outline";
import { applyEvent, initialState, type LogEvent, type SagaState } from "../saga/replay";
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
  saga: (sagaId: string) => ["sagas", sagaId] as const,
};

export function useOrders() {
  return useQuery({ queryKey: queryKeys.orders, queryFn: () => fetchJson<Order[]>("/api/orders") });
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

export function useHealth() {
  return useQuery({
    queryKey: queryKeys.health,
    queryFn: () => fetchJson<{ status: string }>("/api/health"),
    refetchInterval: 15_000,
    retry: false,
  });
}

export function useSaga(sagaId: string) {
  return useQuery({ queryKey: queryKeys.saga(sagaId), queryFn: () => fetchJson<Saga>(`/api/sagas/${encodeURIComponent(sagaId)}`) });
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
 * Follows one saga's event stream and folds it into its state. EventSource reconnects by itself and
 * sends Last-Event-ID, and the fold ignores events it has already applied, so nothing is lost or doubled.
 */
export function useSagaStream(sagaId: string | null, outline: SagaOutline) {
  const [state, dispatch] = useReducer(
    (current: SagaState, action: { type: "event"; event: LogEvent } | { type: "restart" }) =>
      action.type === "restart" ? initialState(outline) : applyEvent(current, action.event),
    outline,
    initialState,
  );
  const [events, setEvents] = useState<LogEvent[]>([]);
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const seen = useRef(0);

  useEffect(() => {
    dispatch({ type: "restart" });
    setEvents([]);
    seen.current = 0;
    if (!sagaId) return;
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
      dispatch({ type: "event", event });
      setEvents((list) => [...list, event]);
      // A finished saga sends nothing more: stop listening rather than hold a connection open.
      if (event.phase === "saga" && (event.outcome === "completed" || event.outcome === "failed")) {
        source.close();
        setStatus("closed");
      }
    });
    return () => source.close();
  }, [sagaId]);

  return { state, events, status };
}

/**
 * Keeps the dashboard's queries current: each committed transition or reset invalidates what it changed.
 * `onReset` hears every reset, this tab's or anyone else's (curl, another tab).
 */
export function useDashboardStream(onReset?: () => void) {
  const client = useQueryClient();
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const resetListener = useRef(onReset);
  resetListener.current = onReset;
  useEffect(() => {
    const source = new EventSource("/api/events");
    source.onopen = () => setStatus("open");
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "closed" : "connecting");
    source.addEventListener("saga", (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as LogEvent;
      if (event.phase === "saga") void client.invalidateQueries({ queryKey: queryKeys.orders });
      if (event.outcome === "completed" || event.outcome === "compensated") {
        void client.invalidateQueries({ queryKey: queryKeys.inventory });
        void client.invalidateQueries({ queryKey: queryKeys.balances });
      }
    });
    source.addEventListener("reset", () => {
      resetListener.current?.();
      void client.invalidateQueries();
    });
    return () => source.close();
  }, [client]);
  return status;
}
