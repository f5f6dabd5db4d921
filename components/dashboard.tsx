"use client";
import { useRef, useState } from "react";
import type { CreateOrderRequest } from "@/lib/api/schemas";
import { useDashboardStream, usePlaceOrder } from "@/lib/client/hooks";
import type { SagaOutline } from "@/lib/view/outline";
import { BalancesCard } from "./balances-card";
import { HealthIndicator } from "./health-indicator";
import { InventoryCard } from "./inventory-card";
import { ServicesCard } from "./services-card";
import { OrderForm } from "./order-form";
import { OrderMoney } from "./order-money";
import { RecentOrders } from "./recent-orders";
import { ResetControl } from "./reset-control";
import { SagaTimeline, type PlacedOrder } from "./saga-timeline";
import { SiteHeader } from "./site-header";
import { StuckSagas } from "./stuck-sagas";

/**
 * The dashboard: place an order, watch its saga live, and see what it did to stock and balances.
 * Everything on it is read from the API; the dashboard stream only says when to read again.
 */
export function Dashboard({ outline, names }: { outline: SagaOutline; names: Record<string, string> }) {
  const placeOrder = usePlaceOrder();
  const [placed, setPlaced] = useState<PlacedOrder | null>(null);
  // "Step by step", beside the live saga: the next order is placed so, and its saga waits on the server.
  const [stepping, setStepping] = useState(false);
  const [resetRequestedAt, setResetRequestedAt] = useState<number | null>(null);
  // The saga on screen no longer exists after a reset, whoever made it: stop following it, and let the
  // cards label the jump back to the demo data as a reset rather than as refunds and releases.
  const forgetOnReset = () => {
    setPlaced(null);
    setResetRequestedAt(Date.now());
  };
  const stream = useDashboardStream(forgetOnReset);
  const timeline = useRef<HTMLElement>(null);

  const submit = async (form: CreateOrderRequest) => {
    const order = stepping ? { ...form, simulation: { ...form.simulation, step_by_step: true } } : form;
    // The timeline goes back to "starting" at once, not after the API has answered.
    setPlaced(null);
    showTimeline(timeline.current);
    const accepted = await placeOrder.mutateAsync(order);
    setPlaced({ orderId: accepted.order_id, sagaId: accepted.saga_id, order });
  };

  return (
    <>
      <SiteHeader>
        <HealthIndicator stream={stream} />
        <ResetControl onRequested={() => setResetRequestedAt(Date.now())} onDone={forgetOnReset} />
      </SiteHeader>
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
        <div className="mb-6">
          <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">Order saga dashboard</h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-300">
            Each order is validated here, then calls the inventory, payment and shipping services over HTTP, each with its own data. When
            one fails, the ones that completed are undone by their compensations, in reverse order.
          </p>
        </div>
        <div className="grid gap-6 lg:grid-cols-12">
          <div className="min-w-0 lg:col-span-5">
            <OrderForm names={names} steps={outline.steps} submitting={placeOrder.isPending} onSubmit={submit} />
          </div>
          <div className="min-w-0 space-y-6 lg:col-span-7">
            <SagaTimeline
              ref={timeline}
              outline={outline}
              placed={placed}
              starting={placeOrder.isPending}
              stepping={stepping}
              onStepping={setStepping}
              money={<OrderMoney placed={placed} names={names} resetRequestedAt={resetRequestedAt} />}
            />
            <div className="grid gap-6 sm:grid-cols-2">
              <InventoryCard names={names} resetRequestedAt={resetRequestedAt} />
              <BalancesCard names={names} resetRequestedAt={resetRequestedAt} />
            </div>
            <ServicesCard />
            {/* Below the live saga, so that a saga getting stuck never pushes the one being watched down. */}
            <StuckSagas names={names} live={placed?.sagaId ?? null} />
          </div>
          <div className="min-w-0 lg:col-span-12">
            <RecentOrders names={names} />
          </div>
        </div>
      </main>
    </>
  );
}

/** On a phone the timeline is below the form: bring it up when a saga starts, unless it is in view. */
function showTimeline(element: HTMLElement | null) {
  if (!element) return;
  const { top } = element.getBoundingClientRect();
  if (top >= 0 && top < window.innerHeight / 2) return;
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  element.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
}
