/** Injected logger with child contexts. The engine never writes to the console itself. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogContext = Record<string, unknown>;

export interface Logger {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
  child(context: LogContext): Logger;
}

export type LogSink = (level: LogLevel, message: string, context: LogContext) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(sink: LogSink, minLevel: LogLevel = 'info', base: LogContext = {}): Logger {
  const emit = (level: LogLevel, message: string, context?: LogContext): void => {
    if (ORDER[level] < ORDER[minLevel]) return;
    sink(level, message, { ...base, ...context });
  };
  return {
    debug: (m, c) => emit('debug', m, c),
    info: (m, c) => emit('info', m, c),
    warn: (m, c) => emit('warn', m, c),
    error: (m, c) => emit('error', m, c),
    child: (context) => createLogger(sink, minLevel, { ...base, ...context }),
  };
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = createLogger(() => undefined, 'error');
