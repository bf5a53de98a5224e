/** A controllable clock for deterministic uptimes, `lastchg` and expiry. */
export interface FakeClock {
  /** Current time in ms since the epoch. */
  now(): number;
  /** Move the clock forward. */
  advance(ms: number): void;
  /** Set the clock. */
  set(ms: number): void;
}

/** A manual clock starting at `start` (default 2023-11-14T22:13:20Z). It only moves when told to. */
export function createFakeClock(start = 1_700_000_000_000): FakeClock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}
