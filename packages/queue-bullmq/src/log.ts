export type LogLevel = 'info' | 'warn' | 'error';

/** Where workers report what an operator should see (start, warnings, recoveries, failures). */
export type WorkerLog = (level: LogLevel, message: string) => void;

export const consoleLog: WorkerLog = (level, message) => {
  const line = `[kith worker] ${message}`;
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
};

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
