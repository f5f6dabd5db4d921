/**
 * The OpenAPI document's components/schemas, converted from the zod schemas by z.toJSONSchema: requests
 * as zod reads them (io "input": unknown fields are allowed, and ignored), responses as the app writes
 * them (io "output": exactly these fields). Nothing here lists a field; the schemas are the one source.
 */
import { z } from "zod";
import { EventOutcomeSchema, EventPhaseSchema, SagaStatusSchema, StepStatusSchema } from "../saga/status";
import { FaultSchema, RunOptionsSchema } from "../saga/options";
import * as responses from "../api/responses";
import { CreateOrderRequestSchema } from "../api/schemas";
import * as services from "../services/schemas";

export type JsonSchema = Record<string, unknown>;

const requestSchemas = {
  OrderRequest: CreateOrderRequestSchema,
  SimulationOptions: RunOptionsSchema,
  Fault: FaultSchema,
};

const responseSchemas = {
  OrderResponse: responses.OrderResultSchema,
  AcceptedOrder: responses.AcceptedOrderSchema,
  Order: responses.OrderSchema,
  OrderList: responses.OrderListSchema,
  Saga: responses.SagaSchema,
  SagaStep: responses.SagaStepSchema,
  SagaList: responses.SagaListSchema,
  SagaEvent: responses.SagaEventSchema,
  SagaEventLog: responses.SagaEventLogSchema,
  InventoryResponse: responses.InventoryResponseSchema,
  BalanceResponse: responses.BalanceResponseSchema,
  HealthResponse: responses.HealthResponseSchema,
  UnhealthyResponse: responses.UnhealthyResponseSchema,
  ServicesStatus: responses.ServicesStatusSchema,
  ResetResponse: responses.ResetResponseSchema,
  WorldResponse: responses.WorldResponseSchema,
  HTTPError: responses.HTTPErrorSchema,
  HTTPValidationError: responses.HTTPValidationErrorSchema,
  ValidationError: responses.ValidationErrorSchema,
  SagaStatus: SagaStatusSchema,
  StepStatus: StepStatusSchema,
  EventPhase: EventPhaseSchema,
  EventOutcome: EventOutcomeSchema,
};

// The inventory, payment and shipping services' own bodies (lib/services/schemas.ts), after the app's.
const serviceRequestSchemas = {
  ReservationRequest: services.ReservationRequestSchema,
  ChargeRequest: services.ChargeRequestSchema,
  ShipmentRequest: services.ShipmentRequestSchema,
  CompensationRequest: services.CompensationRequestSchema,
};

const serviceResponseSchemas = {
  StockList: services.StockListSchema,
  StockLevel: services.StockLevelSchema,
  Reservation: services.ReservationSchema,
  AccountList: services.AccountListSchema,
  AccountBalance: services.AccountBalanceSchema,
  Ledger: services.LedgerSchema,
  LedgerEntry: services.LedgerEntrySchema,
  Charge: services.ChargeSchema,
  ShipmentList: services.ShipmentListSchema,
  Shipment: services.ShipmentSchema,
  NothingToUndo: services.NothingToUndoSchema,
  OrderRecord: services.OrderRecordSchema,
  Movement: services.MovementSchema,
  OrderServices: services.OrderServicesSchema,
  ServiceResetResponse: services.ServiceResetResponseSchema,
  ServiceForgetRequest: services.ForgetRequestSchema,
  ServiceForgetResponse: services.ForgetResponseSchema,
};

export type ComponentName =
  keyof typeof requestSchemas | keyof typeof responseSchemas | keyof typeof serviceRequestSchemas | keyof typeof serviceResponseSchemas;

export function ref(name: ComponentName): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Keeps what a reader of the document needs: zod's regex for an ISO timestamp or a UUID (the `format`
 * says it), the bounds of a safe integer on every int, and the `pydanticType` hint that lib/api/errors.ts
 * reads from the metadata are noise in Swagger UI and ReDoc.
 */
function tidy({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  delete jsonSchema.pydanticType;
  if (jsonSchema.format && jsonSchema.pattern) delete jsonSchema.pattern;
  if (jsonSchema.minimum === -SAFE) delete jsonSchema.minimum;
  if (jsonSchema.maximum === SAFE) delete jsonSchema.maximum;
  const names = jsonSchema.propertyNames as JsonSchema | undefined;
  if (names && Object.keys(names).length === 1 && names.type === "string") delete jsonSchema.propertyNames;
}

const options = (io: "input" | "output") => ({ io, target: "draft-2020-12" as const, override: tidy });

/** An OpenAPI 3.1 Schema Object is a JSON Schema 2020-12 schema, without the document-level keywords. */
function bare(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function convert(schemas: Record<string, z.ZodType>, io: "input" | "output"): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const converted = z.toJSONSchema(registry, { ...options(io), uri: (id) => `#/components/schemas/${id}` }).schemas;
  return Object.fromEntries(Object.entries(converted).map(([id, schema]) => [id, bare(schema as JsonSchema)]));
}

/** Every component schema, requests and responses, by name. */
export function componentSchemas(): Record<ComponentName, JsonSchema> {
  return {
    ...convert(requestSchemas, "input"),
    ...convert(responseSchemas, "output"),
    ...convert(serviceRequestSchemas, "input"),
    ...convert(serviceResponseSchemas, "output"),
  } as Record<ComponentName, JsonSchema>;
}

/** A schema used in one place only (a header, a query parameter), inlined where it is used. */
export function inline(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  return bare(z.toJSONSchema(schema, options(io)) as JsonSchema);
}
