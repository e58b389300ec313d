/**
 * Structured errors that survive any transport. Only these codes cross a process boundary;
 * anything else becomes INTERNAL (and is logged with its stack where it happened).
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'CONFLICT',
  'UNSUPPORTED',
  'CANCELLED',
  'IO',
  'DB_TOO_NEW',
  'MODEL',
  'UNSAFE_DELETE',
  'UNAUTHORIZED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface SerializedError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toJSON(): SerializedError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static from(error: unknown): EngineError {
    if (error instanceof EngineError) return error;
    if (isSerializedError(error)) return new EngineError(error.code, error.message, error.details);
    if (error instanceof Error && error.name === 'AbortError')
      return new EngineError('CANCELLED', 'Cancelled');
    const message = error instanceof Error ? error.message : String(error);
    return new EngineError('INTERNAL', message);
  }
}

export function isSerializedError(value: unknown): value is SerializedError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.message === 'string' &&
    typeof v.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(v.code)
  );
}

export function assertNever(value: never, what = 'value'): never {
  throw new EngineError('INTERNAL', `Unexpected ${what}: ${JSON.stringify(value)}`);
}
