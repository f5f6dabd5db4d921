"use client";
import type { Faults } from "@/lib/orders/scenarios";
import { humanize, type StepOutline } from "@/lib/view/outline";
import type { Fault } from "@/lib/saga/options";

type ActionFault = "none" | "fail" | "transient" | "timeouts" | "lost_answers" | "unavailable" | "slow_answers";
// The faults that happen a number of times, and the words for them.
const counted = ["transient", "timeouts", "lost_answers", "unavailable", "slow_answers"] as const;
type Counted = (typeof counted)[number];
const isCounted = (kind: ActionFault): kind is Counted => (counted as readonly string[]).includes(kind);

function actionFault(fault: Fault | undefined): ActionFault {
  if (fault?.fail) return "fail";
  return counted.find((kind) => fault?.[kind]) ?? "none";
}

const selectClass =
  "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:border-slate-600 dark:bg-slate-950";

/**
 * Failure injection for a demo (sent as `simulation.faults`): per step, make its action fail for good,
 * fail transiently or time out a number of times, and make its compensation fail a number of times.
 * Keyed by attempt, so the same order always plays the same way.
 */
export function FaultControls({ steps, value, onChange }: { steps: StepOutline[]; value: Faults; onChange: (faults: Faults) => void }) {
  const injected = Object.values(value).filter((fault) => Object.values(fault).some(Boolean)).length;
  const set = (step: string, fault: Fault) => onChange({ ...value, [step]: fault });

  return (
    <details className="group rounded-lg border border-slate-200 p-3 dark:border-slate-700" open={injected > 0}>
      <summary className="cursor-pointer text-sm font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
        Inject failures{injected > 0 ? ` (${injected} step${injected > 1 ? "s" : ""})` : ""}
      </summary>
      <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
        Transient failures and timeouts are retried with backoff (3 attempts for validation, 6 for a service); a compensation that still
        fails leaves the saga stuck for an operator.
      </p>
      <table className="mt-2 w-full text-left text-sm">
        <thead className="text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th className="py-1 pr-2 font-medium">Step</th>
            <th className="py-1 pr-2 font-medium">Action</th>
            <th className="py-1 font-medium">Compensation fails</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((step) => {
            const fault = value[step.name] ?? {};
            const kind = actionFault(fault);
            const times = isCounted(kind) ? fault[kind] : undefined;
            const changeAction = (next: ActionFault, count = times ?? 1) =>
              set(step.name, {
                compensation_failures: fault.compensation_failures,
                ...(fault.duplicates ? { duplicates: true } : {}),
                ...(next === "fail" ? { fail: true } : next === "none" ? {} : { [next]: count }),
              });
            return (
              <tr key={step.name} className="border-t border-slate-100 dark:border-slate-800" data-testid={`fault-${step.name}`}>
                <td className="py-1.5 pr-2">{humanize(step.name)}</td>
                <td className="py-1.5 pr-2">
                  <span className="flex flex-wrap items-center gap-1">
                    <select
                      aria-label={`${humanize(step.name)}: action fault`}
                      className={selectClass}
                      value={kind}
                      onChange={(event) => changeAction(event.target.value as ActionFault)}
                    >
                      <option value="none">runs normally</option>
                      <option value="fail">fails for good</option>
                      <option value="transient">fails transiently</option>
                      <option value="timeouts">times out</option>
                      {step.remote && <option value="lost_answers">answer is lost</option>}
                      {step.remote && <option value="unavailable">service is down</option>}
                      {step.remote && <option value="slow_answers">service is too slow</option>}
                    </select>
                    {isCounted(kind) && (
                      <input
                        type="number"
                        min={1}
                        max={20}
                        aria-label={`${humanize(step.name)}: how many attempts`}
                        className={`${selectClass} w-16`}
                        value={times ?? 1}
                        onChange={(event) => changeAction(kind, Math.max(1, Math.min(20, Number(event.target.value) || 1)))}
                      />
                    )}
                    {isCounted(kind) && <span className="text-xs text-slate-500">×</span>}
                  </span>
                </td>
                <td className="py-1.5">
                  <input
                    type="number"
                    min={0}
                    max={20}
                    aria-label={`${humanize(step.compensation)}: failures`}
                    className={`${selectClass} w-16`}
                    value={fault.compensation_failures ?? 0}
                    onChange={(event) =>
                      set(step.name, {
                        ...fault,
                        compensation_failures: Math.max(0, Math.min(20, Number(event.target.value) || 0)) || undefined,
                      })
                    }
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}
