/**
 * The proxy's log: one line per event, never a request body, a credential or a provider key
 * (messages that may carry upstream text are scrubbed before they get here).
 */
export interface ProxyLogger {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

export const consoleLogger: ProxyLogger = {
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

export const silentLogger: ProxyLogger = { info() {}, warn() {}, error() {} };
