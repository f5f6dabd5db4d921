"use client";

/**
 * The speeds a saga can be played at, each named by what a viewer gets: how long one step's simulated work
 * lasts (a step takes 100 ms of real time, shipping 200 ms). The slowest, 0.1x, is the API's slowest
 * (`simulation.speed`), and the default: a newcomer's first run, a failure and its compensations included,
 * then takes about seven seconds, a step at a time, instead of 655 ms.
 */
export const speeds = [
  { value: 0.1, name: "Slow motion", detail: "about 1 s a step" },
  { value: 0.25, name: "Slow", detail: "0.4 s a step" },
  { value: 1, name: "Real time", detail: "0.1 s a step" },
] as const;
export type Speed = (typeof speeds)[number]["value"];
export const defaultSpeed: Speed = 0.1;

/**
 * How fast the next saga plays (sent with the order as `simulation.speed`). Native radio buttons, so
 * the arrow keys move between speeds as in any radio group.
 */
export function SpeedControl({ value, onChange }: { value: Speed; onChange: (speed: Speed) => void }) {
  return (
    <fieldset className="min-w-0">
      <legend className="text-sm font-medium">How fast it plays</legend>
      <div className="mt-1.5 inline-flex rounded-lg border border-slate-300 p-0.5 dark:border-slate-600">
        {speeds.map((speed) => (
          <label
            key={speed.value}
            className="relative cursor-pointer rounded-md px-2 py-1 text-center text-slate-600 has-checked:bg-slate-900 has-checked:text-white has-focus-visible:ring-2 has-focus-visible:ring-sky-500 dark:text-slate-300 dark:has-checked:bg-slate-100 dark:has-checked:text-slate-900"
          >
            <input
              type="radio"
              name="speed"
              value={speed.value}
              checked={value === speed.value}
              onChange={() => onChange(speed.value)}
              aria-label={`${speed.name}: ${speed.detail} (speed ${speed.value}x)`}
              // Invisible but covering its label: clicks and the keyboard reach the real radio button.
              className="absolute inset-0 size-full cursor-pointer appearance-none rounded-md opacity-0"
            />
            {/* Let clicks through to the radio button beneath. */}
            <span aria-hidden className="pointer-events-none block text-sm font-medium">
              {speed.name}
            </span>
            <span aria-hidden className="pointer-events-none block text-xs tabular-nums opacity-80">
              {speed.detail}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
