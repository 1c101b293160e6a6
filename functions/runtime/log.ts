/** Cloud Logging reads `severity` and `message` from a JSON line on stdout. https://cloud.google.com/run/docs/logging#special-fields */
export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR';

export type Logger = (severity: Severity, message: string, fields?: Record<string, unknown>) => void;

/** One JSON line per call. Callers pass no secrets: headers and webhook URLs never reach here. */
export function jsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  return (severity, message, fields = {}) => {
    write(JSON.stringify({ severity, message, ...fields }));
  };
}
