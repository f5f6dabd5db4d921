import { orderSaga } from "@/lib/orders/order-saga";

const endpoints = [
  ["POST", "/orders", "Create an order and run its saga"],
  ["GET", "/orders", "List all orders, most recent first"],
  ["GET", "/orders/{order_id}", "One order"],
  ["GET", "/sagas/{saga_id}", "One saga, step by step"],
  ["GET", "/inventory", "Current stock"],
  ["GET", "/balances", "Current balances"],
  ["GET", "/health", "Health check"],
  ["POST", "/reset", "Restore the demo data"],
] as const;

export default function Home() {
  return (
    <main className="mx-auto max-w-3xl px-6 py-12">
      <h1 className="text-3xl font-semibold">Saga Studio</h1>
      <p className="mt-3 text-slate-600 dark:text-slate-300">
        An order saga ({orderSaga.steps.map((step) => step.name).join(" → ")}) with compensations in reverse when a step fails.
        The live dashboard is on its way; the API below is ready.
      </p>
      <table className="mt-8 w-full text-left text-sm">
        <tbody>
          {endpoints.map(([method, path, what]) => (
            <tr key={`${method} ${path}`} className="border-b border-slate-200 dark:border-slate-800">
              <td className="py-2 pr-4 font-mono font-semibold">{method}</td>
              <td className="py-2 pr-4 font-mono">{path}</td>
              <td className="py-2">{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
