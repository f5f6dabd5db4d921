/**
 * The service's own operations in the OpenAPI document: its health, for a load balancer or an
 * orchestrator, its metrics, for Prometheus, and the services as its orchestrator sees them.
 */
import { ref } from "./openapi-components";
import { json, type Paths } from "./openapi-operation";

const servicesExample = {
  services: [
    {
      name: "payment",
      url: "http://127.0.0.1:8000/services/payment",
      health: "up",
      breaker: "closed",
      failures_in_a_row: 0,
      calls: { answered: 12, refused: 1, unavailable: 3, fast_failed: 0 },
      replays: 1,
    },
  ],
};

export const servicePaths: Paths = {
  "/health": {
    get: {
      tags: ["service"],
      summary: "Health check endpoint",
      operationId: "health",
      description: "Whether the service can serve: 200 when it can, 503 when it cannot (for a load balancer or an orchestrator).",
      responses: {
        "200": { description: "Healthy", content: json(ref("HealthResponse"), { status: "healthy" }) },
        "503": {
          description: "Unhealthy: the service cannot serve requests now",
          content: json(ref("UnhealthyResponse"), { status: "unhealthy", detail: "The database is not reachable" }),
        },
      },
    },
  },
  "/metrics": {
    get: {
      tags: ["service"],
      summary: "Prometheus metrics",
      operationId: "metrics",
      description:
        "The service's metrics in Prometheus' text exposition format: HTTP requests, sagas by outcome, step durations, the process.",
      responses: {
        "200": {
          description: "The metrics, as Prometheus scrapes them",
          content: {
            "text/plain": {
              schema: { type: "string", description: "Prometheus text exposition format 0.0.4" },
              example:
                "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n" +
                "# TYPE process_cpu_seconds_total counter\n" +
                "process_cpu_seconds_total 0.42\n",
            },
          },
        },
      },
    },
  },
  "/api/services": {
    get: {
      tags: ["service"],
      summary: "The services, as the orchestrator sees them",
      operationId: "services_status",
      description: [
        "The inventory, payment and shipping services as this server's orchestrator has seen them since it started",
        "(the dashboard's Services card): each one's health by its last call, its circuit breaker, its calls by outcome",
        "and the answers it replayed from its record of an Idempotency-Key. The same figures are in /metrics.",
        "Served under /api only.",
      ].join(" "),
      responses: {
        "200": { description: "Each service", content: json(ref("ServicesStatus"), servicesExample) },
      },
    },
  },
};
