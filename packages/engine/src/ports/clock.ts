/** The only source of time in the engine: real in production, virtual in tests and simulation. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
