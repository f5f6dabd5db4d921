/**
 * The service's own operations in the OpenAPI document: its health, for a load balancer or an
 * orchestrator, and its metrics, for Prometheus.
 */
import { ref } from "./openapi-components";
import { json, type Paths } from "./openapi-operation";

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
};
