/**
 * Operation parameters: typed constructors for the eleven GP parameter kinds, and their results.
 * @module
 */
import { ParamType, PARAM_COUNT } from './constants';
import { TeecArgumentError, TeecRangeError } from './errors';
import type { BackendParam, OperationOutputs, ParamOutput } from './backend';
import type { SharedMemory } from './shared-memory';
import { describe } from './uuid';

/** A value parameter: two uint32s. */
export interface ValueParam {
  readonly type: typeof ParamType.VALUE_INPUT | typeof ParamType.VALUE_OUTPUT | typeof ParamType.VALUE_INOUT;
  readonly a: number;
  readonly b: number;
}
/** A temporary memory reference over caller memory (bounce-copied by the implementation). */
export interface TempMemoryParam {
  readonly type: typeof ParamType.MEMREF_TEMP_INPUT | typeof ParamType.MEMREF_TEMP_OUTPUT | typeof ParamType.MEMREF_TEMP_INOUT;
  readonly buffer: Uint8Array | null;
}
/** A reference to a whole shared memory block (direction from its flags). */
export interface WholeMemoryParam {
  readonly type: typeof ParamType.MEMREF_WHOLE;
  readonly shm: SharedMemory;
}
/** A reference to part of a shared memory block. */
export interface PartialMemoryParam {
  readonly type: typeof ParamType.MEMREF_PARTIAL_INPUT | typeof ParamType.MEMREF_PARTIAL_OUTPUT | typeof ParamType.MEMREF_PARTIAL_INOUT;
  readonly shm: SharedMemory;
  readonly offset: number;
  readonly size: number;
}
/** An unused slot. */
export interface NoneParam {
  readonly type: typeof ParamType.NONE;
}
/** Any operation parameter. */
export type Param = NoneParam | ValueParam | TempMemoryParam | WholeMemoryParam | PartialMemoryParam;

/** @example none() */
export const none = (): NoneParam => ({ type: ParamType.NONE });
/** A VALUE_INPUT: the TA reads a and b. @example valueInput(10, 100) */
export const valueInput = (a: number, b = 0): ValueParam => ({ type: ParamType.VALUE_INPUT, a, b });
/** A VALUE_OUTPUT: the TA writes a and b. @example valueOutput() */
export const valueOutput = (): ValueParam => ({ type: ParamType.VALUE_OUTPUT, a: 0, b: 0 });
/** A VALUE_INOUT. @example valueInout(1, 2) */
export const valueInout = (a: number, b = 0): ValueParam => ({ type: ParamType.VALUE_INOUT, a, b });
/** A MEMREF_TEMP_INPUT over `buffer` (any Uint8Array/Buffer view; not over a resizable ArrayBuffer, nor a view of allocated shared memory: pass the block as a memref). @example tempInput(Buffer.from('hi')) */
export const tempInput = (buffer: Uint8Array | null): TempMemoryParam => ({ type: ParamType.MEMREF_TEMP_INPUT, buffer });
/** A MEMREF_TEMP_OUTPUT: the TA's output lands in `buffer`. @example tempOutput(new Uint8Array(32)) */
export const tempOutput = (buffer: Uint8Array | null): TempMemoryParam => ({ type: ParamType.MEMREF_TEMP_OUTPUT, buffer });
/** A MEMREF_TEMP_INOUT. @example tempInout(data) */
export const tempInout = (buffer: Uint8Array | null): TempMemoryParam => ({ type: ParamType.MEMREF_TEMP_INOUT, buffer });
/** A MEMREF_WHOLE over a shared block. @example whole(shm) */
export const whole = (shm: SharedMemory): WholeMemoryParam => ({ type: ParamType.MEMREF_WHOLE, shm });
/** A MEMREF_PARTIAL_INPUT. @example partialInput(shm, 0, 4096) */
export const partialInput = (shm: SharedMemory, offset: number, size: number): PartialMemoryParam => ({ type: ParamType.MEMREF_PARTIAL_INPUT, shm, offset, size });
/** A MEMREF_PARTIAL_OUTPUT. @example partialOutput(shm, 0, shm.size) */
export const partialOutput = (shm: SharedMemory, offset: number, size: number): PartialMemoryParam => ({ type: ParamType.MEMREF_PARTIAL_OUTPUT, shm, offset, size });
/** A MEMREF_PARTIAL_INOUT. @example partialInout(shm, 0, chunk.length) */
export const partialInout = (shm: SharedMemory, offset: number, size: number): PartialMemoryParam => ({ type: ParamType.MEMREF_PARTIAL_INOUT, shm, offset, size });

/** What one parameter carried back. */
export interface ParamResult {
  /** The parameter as given. */
  readonly param: Param;
  /** VALUE_OUTPUT/INOUT: what the TA wrote (inputs: as given). */
  readonly a?: number;
  readonly b?: number;
  /** Memrefs: the size the TA reported (bytes written for outputs). */
  readonly size?: number;
  /** Temp and shared memrefs with output direction: a view of the output bytes (`size` long, clamped). */
  readonly data?: Uint8Array;
}

/** The result of a completed command or open. */
export interface InvokeResult {
  readonly command?: number;
  /** Always four entries, one per parameter slot. */
  readonly params: readonly [ParamResult, ParamResult, ParamResult, ParamResult];
}

const UINT32_MAX = 0xffffffff;

/** Checks that `value` is an integer in [0, 2^32). */
export function checkUint32(value: unknown, argName: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TeecArgumentError(argName, `must be an integer, got ${describe(value)}`);
  }
  if (value < 0 || value > UINT32_MAX) throw new TeecRangeError(argName, `must be in [0, 4294967295], got ${value}`);
  return value;
}

/** Checks that `value` is a safe non-negative integer (sizes, offsets). */
export function checkSize(value: unknown, argName: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !Number.isInteger(value)) {
    throw new TeecArgumentError(argName, `must be a non-negative integer, got ${describe(value)}`);
  }
  if (value < 0 || !Number.isSafeInteger(value)) throw new TeecRangeError(argName, `must be a non-negative safe integer, got ${value}`);
  return value;
}

const isShm = (x: unknown): x is SharedMemory =>
  typeof x === 'object' && x !== null && typeof (x as SharedMemory).handle === 'object' && typeof (x as SharedMemory).release === 'function';

/**
 * Validates user parameters and lowers them to backend parameters.
 * Throws TeecArgumentError / TeecRangeError naming `params[i]`.
 */
export function toBackendParams(params: readonly Param[] | null | undefined, check?: (shm: SharedMemory, arg: string) => void): BackendParam[] | null {
  if (params === null || params === undefined) return null;
  if (!Array.isArray(params)) throw new TeecArgumentError('params', `must be an array of at most ${PARAM_COUNT} parameters, got ${describe(params)}`);
  if (params.length > PARAM_COUNT) throw new TeecRangeError('params', `must hold at most ${PARAM_COUNT} parameters, got ${params.length}`);
  return params.map((p, i): BackendParam => {
    const arg = `params[${i}]`;
    if (p === null || p === undefined) return { type: ParamType.NONE };
    if (typeof p !== 'object' || typeof (p as Param).type !== 'number') {
      throw new TeecArgumentError(arg, `must be a parameter (e.g. valueInput(a, b)), got ${describe(p)}`);
    }
    switch (p.type) {
      case ParamType.NONE:
        return { type: ParamType.NONE };
      case ParamType.VALUE_INPUT:
      case ParamType.VALUE_OUTPUT:
      case ParamType.VALUE_INOUT:
        return { type: p.type, a: checkUint32(p.a, `${arg}.a`), b: checkUint32(p.b, `${arg}.b`) };
      case ParamType.MEMREF_TEMP_INPUT:
      case ParamType.MEMREF_TEMP_OUTPUT:
      case ParamType.MEMREF_TEMP_INOUT:
        if (p.buffer !== null && !(p.buffer instanceof Uint8Array)) {
          throw new TeecArgumentError(`${arg}.buffer`, `must be a Uint8Array, Buffer or null, got ${describe(p.buffer)}`);
        }
        return { type: p.type, buffer: p.buffer };
      case ParamType.MEMREF_WHOLE:
        if (!isShm(p.shm)) throw new TeecArgumentError(`${arg}.shm`, `must be a SharedMemory, got ${describe(p.shm)}`);
        check?.(p.shm, `${arg}.shm`);
        return { type: p.type, shm: p.shm.handle };
      case ParamType.MEMREF_PARTIAL_INPUT:
      case ParamType.MEMREF_PARTIAL_OUTPUT:
      case ParamType.MEMREF_PARTIAL_INOUT: {
        if (!isShm(p.shm)) throw new TeecArgumentError(`${arg}.shm`, `must be a SharedMemory, got ${describe(p.shm)}`);
        check?.(p.shm, `${arg}.shm`);
        const offset = checkSize(p.offset, `${arg}.offset`);
        const size = checkSize(p.size, `${arg}.size`);
        if (offset > p.shm.size || size > p.shm.size - offset) {
          throw new TeecRangeError(`${arg}`, `offset ${offset} + size ${size} exceeds the shared memory size ${p.shm.size}`);
        }
        return { type: p.type, shm: p.shm.handle, offset, size };
      }
      default:
        throw new TeecArgumentError(`${arg}.type`, `is not a GP parameter type: ${describe((p as { type: unknown }).type)}`);
    }
  });
}

const OUT_TEMP = new Set<number>([ParamType.MEMREF_TEMP_OUTPUT, ParamType.MEMREF_TEMP_INOUT]);
const OUT_PARTIAL = new Set<number>([ParamType.MEMREF_PARTIAL_OUTPUT, ParamType.MEMREF_PARTIAL_INOUT]);

/** Combines the parameters given with what the backend returned. */
export function toInvokeResult(params: readonly Param[] | null | undefined, outputs: OperationOutputs, command?: number): InvokeResult {
  const results = [0, 1, 2, 3].map((i): ParamResult => {
    const param: Param = params?.[i] ?? none();
    const out: ParamOutput = outputs[i] ?? {};
    switch (param.type) {
      case ParamType.VALUE_INPUT:
        return { param, a: param.a, b: param.b };
      case ParamType.VALUE_OUTPUT:
      case ParamType.VALUE_INOUT:
        return { param, a: out.a ?? 0, b: out.b ?? 0 };
      case ParamType.MEMREF_TEMP_INPUT:
      case ParamType.MEMREF_TEMP_OUTPUT:
      case ParamType.MEMREF_TEMP_INOUT: {
        const size = out.size ?? param.buffer?.length ?? 0;
        if (!OUT_TEMP.has(param.type) || param.buffer === null) return { param, size };
        return { param, size, data: param.buffer.subarray(0, Math.min(size, param.buffer.length)) };
      }
      case ParamType.MEMREF_WHOLE: {
        const size = out.size ?? param.shm.size;
        const writable = (param.shm.flags & 0x2) !== 0;
        return writable ? { param, size, data: param.shm.buffer.subarray(0, Math.min(size, param.shm.size)) } : { param, size };
      }
      case ParamType.MEMREF_PARTIAL_INPUT:
      case ParamType.MEMREF_PARTIAL_OUTPUT:
      case ParamType.MEMREF_PARTIAL_INOUT: {
        const size = out.size ?? param.size;
        if (!OUT_PARTIAL.has(param.type)) return { param, size };
        return { param, size, data: param.shm.buffer.subarray(param.offset, param.offset + Math.min(size, param.size)) };
      }
      default:
        return { param };
    }
  });
  return { command, params: results as unknown as InvokeResult['params'] };
}
