/**
 * Turns the Tizen parameter array of one openSession/invokeCommand into core parameters, and
 * writes the TA's outputs back into the Tizen objects.
 *
 * Everything is checked when the method is called (bad arguments throw synchronously) and temp
 * memory is copied then: the TA sees `mem` as it was at the call, like Tizen's own bridge which
 * serialized the arguments at the call. Shared memory is resolved when the operation starts.
 * @module
 */
import { PARAM_COUNT, SharedMemoryFlags } from '../core/constants';
import type { InvokeResult, Param } from '../core/params';
import { partialInout, partialInput, partialOutput, tempInout, tempInput, tempOutput, valueInout, valueInput, valueOutput, whole } from '../core/params';
import { describe } from '../core/uuid';
import { copyBytes, toSize, toUint32, checkByteData, writeBytes, type ByteData } from './bytes';
import { invalidValues, typeMismatch } from './errors';
import { isEnumValue, TeecRegisteredMemoryType, TeecTempMemoryType, TeecValueType } from './enums';
import { checkRange, TeecRegisteredMemory, TeecTempMemory, TeecValue } from './parameters';
import { isSharedMemory, stateOf, type SharedMemoryState } from './shared-memory';

/** One operation's parameters, checked and ready to run. */
export interface PreparedParams {
  /** The array handed to the success callback (the caller's own array, or [] for null). */
  readonly given: unknown[];
  /** Shared memory blocks the operation uses (releasing them waits for it). */
  readonly blocks: readonly SharedMemoryState[];
  /** The core parameters, built when the operation starts. Throws if a block became unusable. */
  build(): Param[];
  /** Copies the TA's outputs into the Tizen parameter objects. */
  writeBack(result: InvokeResult): void;
}

type Step = { build(): Param; writeBack?(result: InvokeResult['params'][number]): void };

/**
 * Checks `params` (null/undefined = no parameters) for a context identified by `owner`.
 * Throws TypeMismatchError/InvalidValuesError.
 * @example const prepared = prepareParams([new TeecValue(1, 2)], contextState);
 */
export function prepareParams(params: unknown, owner: object): PreparedParams {
  if (params === null || params === undefined) return prepared([], []);
  if (!Array.isArray(params)) throw typeMismatch('params', `must be an array of TeecParameter, got ${describe(params)}`);
  if (params.length > PARAM_COUNT) throw invalidValues('params', `must hold at most ${PARAM_COUNT} parameters, got ${params.length}`);
  return prepared(
    params,
    params.map((p, i) => prepareOne(p, `params[${i}]`, owner)),
  );
}

function prepared(given: unknown[], steps: (Step & { block?: SharedMemoryState })[]): PreparedParams {
  const blocks = [...new Set(steps.flatMap((s) => (s.block ? [s.block] : [])))];
  return {
    given,
    blocks,
    build: () => steps.map((s) => s.build()),
    writeBack: (result) => steps.forEach((s, i) => s.writeBack?.(result.params[i])),
  };
}

function prepareOne(p: unknown, arg: string, owner: object): Step & { block?: SharedMemoryState } {
  if (p instanceof TeecValue) return prepareValue(p, arg);
  if (p instanceof TeecTempMemory) return prepareTemp(p, arg);
  if (p instanceof TeecRegisteredMemory) return prepareRegistered(p, arg, owner);
  throw typeMismatch(arg, `must be a TeecValue, TeecTempMemory or TeecRegisteredMemory, got ${describe(p)}`);
}

function prepareValue(p: TeecValue, arg: string): Step {
  if (!isEnumValue(TeecValueType, p.type)) throw invalidValues(`${arg}.type`, `must be a TeecValueType (INPUT, OUTPUT, INOUT), got ${describe(p.type)}`);
  const a = toUint32(p.a, `${arg}.a`);
  const b = toUint32(p.b, `${arg}.b`);
  const type = p.type;
  if (type === 'INPUT') return { build: () => valueInput(a, b) };
  return {
    build: () => (type === 'OUTPUT' ? valueOutput() : valueInout(a, b)),
    writeBack: (r) => {
      p.a = (r.a ?? 0) >>> 0;
      p.b = (r.b ?? 0) >>> 0;
    },
  };
}

function prepareTemp(p: TeecTempMemory, arg: string): Step {
  if (!isEnumValue(TeecTempMemoryType, p.type)) throw invalidValues(`${arg}.type`, `must be a TeecTempMemoryType (INPUT, OUTPUT, INOUT), got ${describe(p.type)}`);
  const mem = p.mem;
  if (mem === null) {
    const make = { INPUT: tempInput, OUTPUT: tempOutput, INOUT: tempInout }[p.type];
    return { build: () => make(null) };
  }
  checkByteData(mem, `${arg}.mem`, p.type !== 'OUTPUT');
  // OUTPUT needs no input bytes, only room for the TA's.
  const copy = p.type === 'OUTPUT' ? new Uint8Array(byteCount(mem)) : copyBytes(mem);
  if (p.type === 'INPUT') return { build: () => tempInput(copy) };
  const make = p.type === 'OUTPUT' ? tempOutput : tempInout;
  return {
    build: () => make(copy),
    writeBack: (r) => writeBytes(mem, copy.subarray(0, Math.min(r.size ?? copy.length, copy.length))),
  };
}

function byteCount(mem: ByteData): number {
  return Array.isArray(mem) ? mem.length : mem.byteLength;
}

function prepareRegistered(p: TeecRegisteredMemory, arg: string, owner: object): Step & { block: SharedMemoryState } {
  if (!isEnumValue(TeecRegisteredMemoryType, p.type)) {
    throw invalidValues(`${arg}.type`, `must be a TeecRegisteredMemoryType (WHOLE, PARTIAL_INPUT, PARTIAL_OUTPUT, PARTIAL_INOUT), got ${describe(p.type)}`);
  }
  const shm = p.shm;
  if (!isSharedMemory(shm)) throw typeMismatch(`${arg}.shm`, `must be a TeecSharedMemory, got ${describe(shm)}`);
  const block = stateOf(shm);
  if (block.owner !== owner) throw invalidValues(`${arg}.shm`, 'belongs to another TeecContext');
  if (block.released) throw invalidValues(`${arg}.shm`, 'was released');
  if (p.type === 'WHOLE') return { block, build: () => whole(block.coreBlock(`${arg}.shm`)) };
  const offset = toSize(p.offset, `${arg}.offset`);
  const size = toSize(p.size, `${arg}.size`);
  checkRange(offset, size, block.size, arg);
  const needs = { PARTIAL_INPUT: SharedMemoryFlags.INPUT, PARTIAL_OUTPUT: SharedMemoryFlags.OUTPUT, PARTIAL_INOUT: SharedMemoryFlags.INOUT }[p.type];
  if ((block.flags & needs) !== needs) throw invalidValues(`${arg}.type`, `${p.type} needs a block with flags ${flagsName(needs)}, the block has ${flagsName(block.flags)}`);
  const make = { PARTIAL_INPUT: partialInput, PARTIAL_OUTPUT: partialOutput, PARTIAL_INOUT: partialInout }[p.type];
  return { block, build: () => make(block.coreBlock(`${arg}.shm`), offset, size) };
}

function flagsName(flags: number): string {
  return ['NONE', 'INPUT', 'OUTPUT', 'INOUT'][flags] ?? String(flags);
}
