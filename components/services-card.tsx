"use client";
import { useServices } from "@/lib/client/hooks";
import type { ServicesStatus } from "@/lib/api/responses";

type Service = ServicesStatus["services"][number];

const healthLook: Record<Service["health"], { dot: string; text: string }> = {
  up: { dot: "bg-emerald-500", text: "up" },
  down: { dot: "bg-red-500", text: "down" },
  unknown: { dot: "bg-slate-400", text: "not called yet" },
};

const breakerLook: Record<Service["breaker"], { className: string; text: string }> = {
  closed: { className: "border-emerald-200 text-emerald-800 dark:border-emerald-800 dark:text-emerald-200", text: "breaker closed" },
  open: { className: "border-red-300 bg-red-50 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200", text: "breaker open" },
  half_open: {
    className: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200",
    text: "breaker half-open",
  },
};

const serviceTitle: Record<Service["name"], string> = { inventory: "Inventory", payment: "Payment", shipping: "Shipping" };

/**
 * The three services as this server's orchestrator sees them: up or down by the last call, the circuit
 * breaker, the calls by outcome and the answers replayed from an Idempotency-Key's record.
 */
export function ServicesCard() {
  const services = useServices();
  return (
    <section
      aria-labelledby="services-heading"
      className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="services-heading" className="text-base font-semibold">
        Services
      </h2>
      <p className="text-xs text-slate-500 dark:text-slate-400">Called over HTTP; counted by this server since it started.</p>
      {services.isError && !services.data ? (
        <p className="mt-3 text-sm text-red-700 dark:text-red-300">Could not load the services.</p>
      ) : (
        <ul className="mt-2 grid gap-2 sm:grid-cols-3" aria-busy={!services.data}>
          {services.data
            ? services.data.services.map((service) => <ServiceRow key={service.name} service={service} />)
            : [0, 1, 2].map((slot) => (
                <li key={slot} className="h-24 rounded-lg bg-slate-100 motion-safe:animate-pulse dark:bg-slate-800" />
              ))}
        </ul>
      )}
    </section>
  );
}

function ServiceRow({ service }: { service: Service }) {
  const health = healthLook[service.health];
  const breaker = breakerLook[service.breaker];
  const { answered, refused, unavailable, fast_failed } = service.calls;
  return (
    <li data-testid={`service-${service.name}`} className="rounded-lg border border-slate-100 p-2.5 text-sm dark:border-slate-800">
      <p className="flex items-center justify-between gap-2">
        <span className="font-medium">{serviceTitle[service.name]}</span>
        <span className="flex items-center gap-1.5 text-xs" data-testid={`service-${service.name}-health`}>
          <span aria-hidden className={`size-2 rounded-full ${health.dot}`} />
          {health.text}
        </span>
      </p>
      <p
        data-testid={`service-${service.name}-breaker`}
        className={`mt-1 inline-block rounded-full border px-2 py-0.5 text-xs font-medium ${breaker.className}`}
      >
        {breaker.text}
      </p>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-300" data-testid={`service-${service.name}-calls`}>
        {answered + refused} answered{unavailable > 0 ? ` · ${unavailable} unanswered` : ""}
        {fast_failed > 0 ? ` · ${fast_failed} failed fast` : ""} · {service.replays} replayed
      </p>
    </li>
  );
}
