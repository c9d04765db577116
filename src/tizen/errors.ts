/**
 * Tizen's two error shapes: {@link WebAPIException}, thrown synchronously for bad arguments, and
 * {@link WebAPIError}, handed to error callbacks when the TEE or the TA failed an operation.
 * @module
 */
import { ReturnCode, ReturnOrigin, returnCodeName, returnOriginName } from '../core/constants';
import { TeecArgumentError, TeecError, TeecRangeError, TeecStateError } from '../core/errors';
import { errorMessage } from '../core/error-message';

/** Names of the exceptions Tizen's LibTeec methods throw. */
export type WebAPIExceptionName = 'TypeMismatchError' | 'InvalidValuesError' | 'NotSupportedError' | 'SecurityError';
/** Names of the errors Tizen's LibTeec error callbacks receive. */
export type WebAPIErrorName = 'InvalidValuesError' | 'OperationCanceledError' | 'NotSupportedError' | 'AbortError';

/** Tizen's legacy numeric codes (DOMException-style) for the names used here. */
const LEGACY_CODES: Readonly<Record<WebAPIExceptionName, number>> = Object.freeze({
  NotSupportedError: 9,
  TypeMismatchError: 17,
  SecurityError: 18,
  InvalidValuesError: 100,
});

/**
 * A synchronous error of the Tizen API: `name` says what was wrong, `code` is Tizen's legacy number
 * (TypeMismatchError 17, InvalidValuesError 100, NotSupportedError 9, SecurityError 18).
 *
 * @example
 * try { session.invokeCommand(1, [v, v, v, v, v], ok); }
 * catch (e) { console.log(e.name); } // 'InvalidValuesError'
 */
export class WebAPIException extends Error {
  static readonly NOT_SUPPORTED_ERR = 9;
  static readonly TYPE_MISMATCH_ERR = 17;
  static readonly SECURITY_ERR = 18;
  static readonly INVALID_VALUES_ERR = 100;

  override readonly name: WebAPIExceptionName;
  readonly code: number;

  constructor(name: WebAPIExceptionName, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.code = LEGACY_CODES[name];
  }
}

/**
 * The error an error callback receives: `name` as Tizen documents it, plus the GlobalPlatform
 * result — `code` is the TEEC_Result (e.g. 0xFFFF0006), `codeName`, `origin` (1 API, 2 COMMS,
 * 3 TEE, 4 TRUSTED_APP) and `originName`; `cause` is the rx-teec core error.
 *
 * @example
 * session.invokeCommand(1, params, ok, (err) => console.log(err.name, err.codeName, err.originName));
 * // InvalidValuesError TEEC_ERROR_BAD_PARAMETERS TRUSTED_APP
 */
export class WebAPIError extends Error {
  override readonly name: WebAPIErrorName;
  /** The GP return code (unsigned). */
  readonly code: number;
  readonly codeName: string;
  readonly origin: number;
  readonly originName: string;
  /** For TEEC_ERROR_SHORT_BUFFER: the size the TA asked for, when known. */
  readonly requiredSize?: number;

  constructor(name: WebAPIErrorName, message: string, gp: { code: number; origin: number; requiredSize?: number; cause?: unknown }) {
    super(message, gp.cause === undefined ? undefined : { cause: gp.cause });
    this.name = name;
    this.code = gp.code >>> 0;
    this.codeName = returnCodeName(gp.code);
    this.origin = gp.origin;
    this.originName = returnOriginName(gp.origin);
    if (gp.requiredSize !== undefined) this.requiredSize = gp.requiredSize;
  }
}

/**
 * A TypeMismatchError naming the argument.
 * @example throw typeMismatch('taUUID', 'must be a string')
 */
export function typeMismatch(argument: string, detail: string): WebAPIException {
  return new WebAPIException('TypeMismatchError', `${argument} ${detail}`);
}

/**
 * An InvalidValuesError naming the argument.
 * @example throw invalidValues('params', 'must hold at most 4 parameters, got 5')
 */
export function invalidValues(argument: string, detail: string): WebAPIException {
  return new WebAPIException('InvalidValuesError', `${argument} ${detail}`);
}

/**
 * Converts an error thrown synchronously by `src/core` into the exception Tizen code expects:
 * argument types → TypeMismatchError; ranges, states and anything the TEE refused →
 * InvalidValuesError (the core error stays reachable as `cause`).
 * @example try { core.allocateSharedMemory(n, f) } catch (e) { throw toWebAPIException(e) }
 */
export function toWebAPIException(error: unknown): WebAPIException {
  if (error instanceof WebAPIException) return error;
  if (error instanceof TeecArgumentError) return new WebAPIException('TypeMismatchError', error.message, { cause: error });
  if (error instanceof TeecRangeError || error instanceof TeecStateError || error instanceof TeecError) {
    return new WebAPIException('InvalidValuesError', error.message, { cause: error });
  }
  return new WebAPIException('InvalidValuesError', errorMessage(error), { cause: error });
}

const CANCEL_CODES = new Set<number>([ReturnCode.TEEC_ERROR_CANCEL, ReturnCode.TEEC_ERROR_EXTERNAL_CANCEL]);
const NOT_SUPPORTED_CODES = new Set<number>([ReturnCode.TEEC_ERROR_NOT_SUPPORTED, ReturnCode.TEEC_ERROR_NOT_IMPLEMENTED]);

/**
 * The WebAPIError for an operation that failed in the TEE (or was revoked):
 * TEEC_ERROR_CANCEL → OperationCanceledError; BAD_PARAMETERS from the TA or the TEE (a value was
 * rejected) → InvalidValuesError; NOT_SUPPORTED / NOT_IMPLEMENTED → NotSupportedError; anything
 * else → AbortError.
 * @example toWebAPIError(new TeecError(0xffff0006, 4), 'invokeCommand').name // 'InvalidValuesError'
 */
export function toWebAPIError(error: unknown, operation: string): WebAPIError {
  if (error instanceof WebAPIError) return error;
  if (error instanceof WebAPIException) {
    const name = error.name === 'NotSupportedError' ? 'NotSupportedError' : error.name === 'TypeMismatchError' ? 'InvalidValuesError' : error.name === 'SecurityError' ? 'AbortError' : 'InvalidValuesError';
    const cause = error.cause instanceof TeecError ? error.cause : undefined;
    return new WebAPIError(name, `${operation}: ${error.message}`, {
      code: cause?.code ?? ReturnCode.TEEC_ERROR_BAD_PARAMETERS,
      origin: cause?.origin ?? ReturnOrigin.API,
      cause: error,
    });
  }
  if (error instanceof TeecError) {
    const gp = { code: error.code, origin: error.origin, requiredSize: error.requiredSize, cause: error };
    const message = error.message.startsWith(`${operation}:`) ? error.message : `${operation}: ${error.message}`;
    if (CANCEL_CODES.has(error.code)) return new WebAPIError('OperationCanceledError', message, gp);
    if (error.code === ReturnCode.TEEC_ERROR_BAD_PARAMETERS && (error.origin === ReturnOrigin.TRUSTED_APP || error.origin === ReturnOrigin.TEE || error.origin === ReturnOrigin.API)) {
      return new WebAPIError('InvalidValuesError', message, gp);
    }
    if (NOT_SUPPORTED_CODES.has(error.code)) return new WebAPIError('NotSupportedError', message, gp);
    return new WebAPIError('AbortError', message, gp);
  }
  // Argument errors the core found late (they are checked before the call, so this is rare).
  if (error instanceof TeecArgumentError || error instanceof TeecRangeError) {
    return new WebAPIError('InvalidValuesError', `${operation}: ${error.message}`, { code: ReturnCode.TEEC_ERROR_BAD_PARAMETERS, origin: ReturnOrigin.API, cause: error });
  }
  const message = errorMessage(error);
  return new WebAPIError('AbortError', `${operation}: ${message}`, { code: ReturnCode.TEEC_ERROR_GENERIC, origin: ReturnOrigin.API, cause: error });
}

/**
 * The error of an operation revoked before it reached the TEE: OperationCanceledError,
 * TEEC_ERROR_CANCEL with origin API.
 * @example task.fail(revokedBeforeStart('invokeCommand'))
 */
export function revokedBeforeStart(operation: string): WebAPIError {
  return new WebAPIError('OperationCanceledError', `${operation}: revoked before it reached the TEE`, {
    code: ReturnCode.TEEC_ERROR_CANCEL,
    origin: ReturnOrigin.API,
  });
}

/**
 * The error of operations that waited for a context that could not be initialized:
 * NotSupportedError (no such TEE, or the TEE is unreachable) with the GP code of the failure.
 * @example task.fail(contextUnavailable(err, 'openSession'))
 */
export function contextUnavailable(error: unknown, operation: string): WebAPIError {
  const gp = error instanceof TeecError ? { code: error.code, origin: error.origin } : { code: ReturnCode.TEEC_ERROR_GENERIC, origin: ReturnOrigin.API };
  const why = errorMessage(error);
  return new WebAPIError('NotSupportedError', `${operation}: the TEE context could not be initialized (${why})`, { ...gp, cause: error });
}
