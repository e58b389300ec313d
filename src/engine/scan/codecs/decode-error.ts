import type { ScanErrorCode } from '../../../common/contract/types';

/** A decoding failure with the scan error code it should be recorded under. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly code: ScanErrorCode,
    message: string,
  ) {
    super(message);
  }
}
