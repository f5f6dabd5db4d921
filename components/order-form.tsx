"use client";
import { useState, type FormEvent, type ReactNode } from "react";
import { CreateOrderRequestSchema, type CreateOrderRequest } from "@/lib/api/schemas";
import { formatDollars } from "@/lib/client/format";
import { useBalances, useInventory } from "@/lib/client/hooks";
import { errorsFromApi, errorsFromIssues, noErrors, type OrderField, type OrderFormErrors } from "@/lib/client/order-form-errors";
import { sameFaults, scenarios, type Faults, type Scenario } from "@/lib/orders/scenarios";
import type { StepOutline } from "@/lib/view/outline";
import { FaultControls } from "./fault-controls";
import { ScenarioPresets } from "./scenario-presets";
import { defaultSpeed, SpeedControl, type Speed } from "./speed-control";

type Values = Record<OrderField, string>;

// A whole order from the start (the first listed user and product): "Place order" works at once, and every
// field shows a real value rather than a placeholder that looks like one.
const initialValues: Values = { user_id: "", product_id: "", quantity: "1", amount: "100.00" };

const inputClass =
  "mt-1 block w-full rounded-lg border bg-white px-3 py-2 text-base shadow-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60 sm:text-sm dark:bg-slate-950";

function borderFor(invalid: boolean): string {
  return invalid ? "border-red-500 dark:border-red-400" : "border-slate-300 dark:border-slate-600";
}

/**
 * The order form. It checks an order with the API's own zod schema before sending it, so the browser
 * and the API agree on what is valid; whatever the API still refuses is shown at the same fields.
 */
export function OrderForm({
  names,
  steps,
  submitting,
  onSubmit,
}: {
  names: Record<string, string>;
  steps: StepOutline[];
  submitting: boolean;
  onSubmit: (order: CreateOrderRequest) => Promise<void>;
}) {
  const balances = useBalances();
  const inventory = useInventory();
  const [values, setValues] = useState<Values>(initialValues);
  const [speed, setSpeed] = useState<Speed>(defaultSpeed);
  const [faults, setFaults] = useState<Faults>({});
  const [errors, setErrors] = useState<OrderFormErrors>(noErrors);

  const userIds = Object.keys(balances.data ?? {});
  const productIds = Object.keys(inventory.data ?? {});
  // Until the user picks, the first listed user and product are the ones the form shows and sends.
  const userId = values.user_id || userIds[0] || "";
  const productId = values.product_id || productIds[0] || "";
  const matching = scenarios.filter(
    ({ order }) =>
      order.user_id === userId &&
      order.product_id === productId &&
      values.quantity.trim() === String(order.quantity) &&
      Number(values.amount) === order.amount,
  );
  const selected = matching.find((scenario) => sameFaults(scenario.faults ?? {}, faults));

  const change = (field: OrderField, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors((current) => (current.fields[field] ? { ...current, fields: { ...current.fields, [field]: undefined } } : current));
  };

  const pick = (scenario: Scenario) => {
    const { user_id, product_id, quantity, amount } = scenario.order;
    setValues({ user_id, product_id, quantity: String(quantity), amount: String(amount) });
    setFaults(scenario.faults ?? {});
    setErrors(noErrors);
  };

  const show = (form: HTMLFormElement, found: OrderFormErrors) => {
    setErrors(found);
    // Take a keyboard user straight to the first field to fix.
    const first = (["user_id", "product_id", "quantity", "amount"] as const).find((field) => found.fields[field]);
    if (first) (form.elements.namedItem(first) as HTMLElement | null)?.focus();
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The button stays enabled while an order is placed (disabling it would drop its focus to the page):
    // a second submit meanwhile is ignored here instead.
    if (submitting) return;
    const form = event.currentTarget;
    const parsed = CreateOrderRequestSchema.safeParse({
      user_id: userId,
      product_id: productId,
      quantity: values.quantity,
      amount: values.amount,
      simulation: { speed, ...(sameFaults(faults, {}) ? {} : { faults }) },
    });
    if (!parsed.success) return show(form, errorsFromIssues(parsed.error.issues));
    setErrors(noErrors);
    try {
      await onSubmit(parsed.data);
    } catch (error) {
      show(form, errorsFromApi(error));
    }
  };

  const balance = balances.data?.[userId];
  const stock = inventory.data?.[productId];

  return (
    <section
      aria-labelledby="order-heading"
      className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="order-heading" className="text-lg font-semibold">
        Place an order
      </h2>
      <form noValidate onSubmit={submit} className="mt-3 space-y-4" aria-describedby={errors.form ? "order-form-error" : undefined}>
        <ScenarioPresets selected={selected?.id ?? null} onPick={pick} />

        <div className="grid gap-x-4 gap-y-1 sm:grid-cols-2">
          <Field
            field="user_id"
            label="User"
            hint={balance === undefined ? "\u00a0" : `${names[userId] ?? userId} · balance ${formatDollars(balance)}`}
            hintTestId="selected-balance"
            error={errors.fields.user_id}
          >
            {(describedBy) => (
              <select
                id="user_id"
                name="user_id"
                value={userId}
                onChange={(event) => change("user_id", event.target.value)}
                disabled={!balances.data}
                aria-invalid={Boolean(errors.fields.user_id)}
                aria-describedby={describedBy}
                className={`${inputClass} ${borderFor(Boolean(errors.fields.user_id))}`}
              >
                {!balances.data && <option value="">{balances.isError ? "Could not load users" : "Loading users…"}</option>}
                {withCurrent(userIds, userId).map((id) => (
                  <option key={id} value={id}>
                    {id} · {balances.data?.[id] === undefined ? "not listed" : formatDollars(balances.data[id])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            field="product_id"
            label="Product"
            hint={stock === undefined ? "\u00a0" : `${names[productId] ?? productId} · ${stock} in stock`}
            hintTestId="selected-stock"
            error={errors.fields.product_id}
          >
            {(describedBy) => (
              <select
                id="product_id"
                name="product_id"
                value={productId}
                onChange={(event) => change("product_id", event.target.value)}
                disabled={!inventory.data}
                aria-invalid={Boolean(errors.fields.product_id)}
                aria-describedby={describedBy}
                className={`${inputClass} ${borderFor(Boolean(errors.fields.product_id))}`}
              >
                {!inventory.data && <option value="">{inventory.isError ? "Could not load products" : "Loading products…"}</option>}
                {withCurrent(productIds, productId).map((id) => (
                  <option key={id} value={id}>
                    {id} · {inventory.data?.[id] === undefined ? "not listed" : `${inventory.data[id]} in stock`}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field field="quantity" label="Quantity" hint="Units, a whole number" error={errors.fields.quantity}>
            {(describedBy) => (
              <input
                id="quantity"
                name="quantity"
                type="number"
                inputMode="numeric"
                min={1}
                step={1}
                value={values.quantity}
                onChange={(event) => change("quantity", event.target.value)}
                aria-invalid={Boolean(errors.fields.quantity)}
                aria-describedby={describedBy}
                className={`${inputClass} ${borderFor(Boolean(errors.fields.quantity))}`}
              />
            )}
          </Field>
          <Field field="amount" label="Amount (USD)" hint="The order's total, e.g. 100 or 12.50" error={errors.fields.amount}>
            {(describedBy) => (
              <div className="relative">
                <span aria-hidden className="pointer-events-none absolute left-3 top-1/2 mt-0.5 -translate-y-1/2 text-slate-500">
                  $
                </span>
                <input
                  id="amount"
                  name="amount"
                  type="text"
                  inputMode="decimal"
                  autoComplete="off"
                  value={values.amount}
                  onChange={(event) => change("amount", event.target.value)}
                  aria-invalid={Boolean(errors.fields.amount)}
                  aria-describedby={describedBy}
                  className={`${inputClass} pl-7 ${borderFor(Boolean(errors.fields.amount))}`}
                />
              </div>
            )}
          </Field>
        </div>

        <FaultControls steps={steps} value={faults} onChange={setFaults} />

        <div className="flex flex-wrap items-end justify-between gap-4">
          <SpeedControl value={speed} onChange={setSpeed} />
          <button
            type="submit"
            aria-disabled={submitting}
            className="w-full rounded-lg bg-sky-600 px-5 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-sky-700 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-2 focus-visible:ring-offset-white aria-disabled:cursor-wait aria-disabled:opacity-60 sm:w-auto dark:focus-visible:ring-offset-slate-900"
          >
            {submitting ? "Placing order…" : "Place order"}
          </button>
        </div>
        <p
          id="order-form-error"
          role="alert"
          data-testid="form-error"
          className="min-h-5 text-sm font-medium text-red-700 dark:text-red-300"
        >
          {errors.form}
        </p>
      </form>
    </section>
  );
}

/** The list, plus the current value when the API does not list it (a preset, before the lists load). */
function withCurrent(ids: string[], current: string): string[] {
  return current && !ids.includes(current) ? [...ids, current] : ids;
}

function Field({
  field,
  label,
  hint,
  hintTestId,
  error,
  children,
}: {
  field: OrderField;
  label: string;
  hint: string;
  hintTestId?: string;
  error: string | undefined;
  children: (describedBy: string) => ReactNode;
}) {
  const hintId = `${field}-hint`;
  const errorId = `${field}-error`;
  return (
    <div className="min-w-0">
      <label htmlFor={field} className="text-sm font-medium">
        {label}
      </label>
      {children(error ? `${errorId} ${hintId}` : hintId)}
      <p id={hintId} data-testid={hintTestId} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
        {hint}
      </p>
      {/* Reserved even when empty, so an error appearing does not push the form down. */}
      <p id={errorId} data-testid={`error-${field}`} className="min-h-5 text-sm text-red-700 dark:text-red-300">
        {error}
      </p>
    </div>
  );
}
