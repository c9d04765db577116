/**
 * Errors of rx-teec. Every failure of a TEE call is a {@link TeecError} carrying the GP return
 * code and origin; invalid arguments are `TypeError`/`RangeError` subclasses naming the argument.
 * @module
 */
import { ReturnOrigin, returnCodeName, returnOriginName, ReturnCode } from './constants';

/** What a TEE call returned through its parameters when it failed (e.g. SHORT_BUFFER sizes). */
export interface FailedParamOutput {
  /** Memref size the TA wrote back (for SHORT_BUFFER: the size it needs). */
  size?: number;
  a?: number;
  b?: number;
}

/**
 * A GP TEE Client API failure: `code` (e.g. 0xFFFF0010), `codeName` (e.g. 'TEEC_ERROR_SHORT_BUFFER'),
 * `origin` (1 API, 2 COMMS, 3 TEE, 4 TRUSTED_APP) and `originName`.
 *
 * @example
 * try { await session.invoke(1, [tempOutput(new Uint8Array(4))]); }
 * catch (e) { if (e instanceof TeecError && e.isShortBuffer) console.log('needs', e.requiredSize); }
 */
export class TeecError extends Error {
  override readonly name: string = 'TeecError';
  readonly code: number;
  readonly codeName: string;
  readonly origin: number;
  readonly originName: string;
  /** For SHORT_BUFFER: the size the TA asked for (the first memref whose size grew). */
  readonly requiredSize?: number;
  /** The parameter outputs the TA wrote before failing, per index, when known. */
  readonly outputs?: readonly (FailedParamOutput | undefined)[];
  /** The call that failed, e.g. 'invokeCommand'. */
  readonly operation?: string;

  constructor(
    code: number,
    origin: number,
    options: { message?: string; operation?: string; requiredSize?: number; outputs?: readonly (FailedParamOutput | undefined)[] } = {},
  ) {
    const codeName = returnCodeName(code);
    const originName = returnOriginName(origin);
    super(options.message ?? `${options.operation ? `${options.operation}: ` : ''}${codeName} (origin ${originName})`);
    this.code = code >>> 0;
    this.codeName = codeName;
    this.origin = origin;
    this.originName = originName;
    if (options.operation !== undefined) this.operation = options.operation;
    if (options.requiredSize !== undefined) this.requiredSize = options.requiredSize;
    if (options.outputs !== undefined) this.outputs = options.outputs;
  }

  /** True for TEEC_ERROR_SHORT_BUFFER. */
  get isShortBuffer(): boolean {
    return this.code === ReturnCode.TEEC_ERROR_SHORT_BUFFER;
  }
  /** True for TEEC_ERROR_TARGET_DEAD: the TA instance is gone; reopen a session. */
  get isTargetDead(): boolean {
    return this.code === ReturnCode.TEEC_ERROR_TARGET_DEAD;
  }
  /** True for TEEC_ERROR_CANCEL. */
  get isCancel(): boolean {
    return this.code === ReturnCode.TEEC_ERROR_CANCEL;
  }
}

/**
 * A usage error detected by rx-teec itself before anything reached the TEE (origin API):
 * a closed session, a released block, a call after the context was finalized.
 * @example new TeecStateError('session is closed', 'invokeCommand')
 */
export class TeecStateError extends TeecError {
  override readonly name = 'TeecStateError';
  constructor(message: string, operation?: string) {
    super(ReturnCode.TEEC_ERROR_BAD_STATE, ReturnOrigin.API, { message: operation ? `${operation}: ${message}` : message, operation });
  }
}

/**
 * An invalid argument (wrong type, malformed UUID, ...). A `TypeError`, so that plain JS checks
 * work, with `argument` naming the offending argument.
 * @example new TeecArgumentError('uuid', 'must be a UUID string')
 */
export class TeecArgumentError extends TypeError {
  override readonly name = 'TeecArgumentError';
  constructor(readonly argument: string, detail: string) {
    super(`${argument} ${detail}`);
  }
}

/**
 * A numeric argument out of range (negative or fractional sizes, offsets past the end,
 * values outside uint32). A `RangeError` with `argument` naming the argument.
 * @example new TeecRangeError('offset', 'must be ≤ 1024, got 2048')
 */
export class TeecRangeError extends RangeError {
  override readonly name = 'TeecRangeError';
  constructor(readonly argument: string, detail: string) {
    super(`${argument} ${detail}`);
  }
}

/**
 * The error an abandoned call rejects with when it was cancelled before it reached the TEE:
 * TEEC_ERROR_CANCEL with origin API.
 * @example throw cancelledBeforeStart('invokeCommand')
 */
export function cancelledBeforeStart(operation: string): TeecError {
  return new TeecError(ReturnCode.TEEC_ERROR_CANCEL, ReturnOrigin.API, {
    operation,
    message: `${operation}: cancelled before it reached the TEE (TEEC_ERROR_CANCEL, origin API)`,
  });
}

/**
 * A failure of one chunk of a stream: the TeecError the TA (or the TEE) returned, with the chunk's
 * position. `code`/`origin` are the original ones, so `isTargetDead` etc. still apply.
 * @example if (e instanceof TeecStreamError) console.error(`chunk ${e.chunkIndex} at byte ${e.chunkOffset}: ${e.codeName}`)
 */
export class TeecStreamError extends TeecError {
  override readonly name = 'TeecStreamError';
  constructor(
    cause: TeecError,
    /** Index of the chunk (0-based, counting invokes). */ readonly chunkIndex: number,
    /** Byte offset of the chunk in the stream. */ readonly chunkOffset: number,
  ) {
    super(cause.code, cause.origin, {
      message: `chunk ${chunkIndex} (stream offset ${chunkOffset}): ${cause.message}`,
      operation: cause.operation,
      requiredSize: cause.requiredSize,
      outputs: cause.outputs,
    });
    this.cause = cause;
  }
}

/**
 * A push source produced faster than the TA consumed and overflowed the high-water mark.
 * @example catchError((e) => e instanceof TeecOverflowError ? EMPTY : throwError(() => e))
 */
export class TeecOverflowError extends Error {
  override readonly name = 'TeecOverflowError';
  constructor(readonly highWaterMark: number) {
    super(`push source overflowed: more than ${highWaterMark} chunks waiting for the TA; use a pull source (pullFrom, fromDataProvider) or raise highWaterMark`);
  }
}
