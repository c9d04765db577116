/**
 * The parameter classes of the IDL: TeecValue, TeecTempMemory and TeecRegisteredMemory. Their
 * constructors take no direction; `type` is an attribute the caller may change before the call.
 *
 * Default directions (the IDL leaves them undocumented):
 * - TeecValue: 'INOUT' — the TA receives a and b and may write them back; the success callback
 *   shows what it wrote. Set `type = 'INPUT'` for a TA that checks for VALUE_INPUT exactly.
 * - TeecTempMemory: 'INOUT' — likewise for the bytes.
 * - TeecRegisteredMemory: the PARTIAL_* matching the block's flags (INPUT → PARTIAL_INPUT, OUTPUT →
 *   PARTIAL_OUTPUT, INOUT → PARTIAL_INOUT), so `offset` and `size` always mean what they say (WHOLE
 *   would ignore them) and the direction is always one the block allows.
 * @module
 */
import { describe } from '../core/uuid';
import { requireArguments, toSize, toUint32, checkByteData, type ByteData } from './bytes';
import { invalidValues, typeMismatch } from './errors';
import { TeecValueType, TeecTempMemoryType, TeecRegisteredMemoryType } from './enums';
import { isSharedMemory, stateOf, type TeecSharedMemory } from './shared-memory';

/**
 * The common base of the three parameter classes: `type` is one of the *Type enums' strings.
 * @example new TeecValue(1, 2) instanceof TeecParameter // true
 */
export abstract class TeecParameter {
  /** The direction/kind: a TeecValueType, TeecTempMemoryType or TeecRegisteredMemoryType string. */
  type: string;

  protected constructor(type: string) {
    this.type = type;
  }
}

/**
 * Two 32-bit integers passed to (and, for OUTPUT/INOUT, back from) the TA. `a` and `b` accept
 * [-2^31, 2^32 - 1] (GP carries uint32; negatives are sent as two's complement); values the TA
 * writes back are unsigned (0..2^32 - 1). Default type 'INOUT'.
 *
 * @example
 * const v = new TeecValue(10, 100);
 * session.invokeCommand(1, [v], (cmd, params) => console.log(params[0].a, params[0].b));
 */
export class TeecValue extends TeecParameter {
  declare type: TeecValueType | string;
  a: number;
  b: number;

  constructor(a: number, b: number = 0) {
    requireArguments('TeecValue', arguments.length, 1);
    toUint32(a, 'a');
    toUint32(b, 'b');
    super(TeecValueType.INOUT);
    this.a = a;
    this.b = b;
  }
}

/**
 * A temporary memory reference: `mem` is copied to the TA when the command is called, and for
 * OUTPUT/INOUT the bytes the TA returned (its reported size, at most `mem.length`) are written
 * back into `mem` in place. `mem` may be an array of byte numbers (as in the IDL), a Uint8Array,
 * Buffer, any typed array, DataView or ArrayBuffer, or null (a NULL memref, e.g. to ask a TA for
 * the size it needs). Default type 'INOUT'.
 *
 * @example
 * const digest = new TeecTempMemory(new Array(32).fill(0));
 * digest.type = TeecTempMemoryType.OUTPUT;
 */
export class TeecTempMemory extends TeecParameter {
  declare type: TeecTempMemoryType | string;
  mem: ByteData | null;

  constructor(mem: ByteData | null) {
    requireArguments('TeecTempMemory', arguments.length, 1);
    // Only the kind is checked here: the bytes are checked when they are sent (not for OUTPUT,
    // where `new TeecTempMemory(new Array(32))` is a fine place for the TA to write to).
    if (mem !== null) checkByteData(mem, 'mem', false);
    super(TeecTempMemoryType.INOUT);
    this.mem = mem;
  }
}

/**
 * A reference to `size` bytes at `offset` of a shared memory block. Default type: the PARTIAL_*
 * matching the block's flags. With type 'WHOLE' the whole block is passed and `offset`/`size` are
 * ignored (GP).
 *
 * @example
 * const p = new TeecRegisteredMemory(shm, 0, shm.size); // PARTIAL_INOUT for an INOUT block
 */
export class TeecRegisteredMemory extends TeecParameter {
  declare type: TeecRegisteredMemoryType | string;
  shm: TeecSharedMemory;
  offset: number;
  size: number;

  constructor(memory: TeecSharedMemory, offset: number, size: number) {
    requireArguments('TeecRegisteredMemory', arguments.length, 3);
    if (!isSharedMemory(memory)) throw typeMismatch('memory', `must be a TeecSharedMemory, got ${describe(memory)}`);
    const state = stateOf(memory);
    if (state.released) throw invalidValues('memory', 'was released');
    checkRange(toSize(offset, 'offset'), toSize(size, 'size'), memory.size, 'TeecRegisteredMemory');
    super(PARTIAL_FOR_FLAGS[state.flags] ?? TeecRegisteredMemoryType.PARTIAL_INOUT);
    this.shm = memory;
    this.offset = offset;
    this.size = size;
  }
}

const PARTIAL_FOR_FLAGS: Readonly<Record<number, TeecRegisteredMemoryType>> = {
  1: TeecRegisteredMemoryType.PARTIAL_INPUT,
  2: TeecRegisteredMemoryType.PARTIAL_OUTPUT,
  3: TeecRegisteredMemoryType.PARTIAL_INOUT,
};

/**
 * Throws InvalidValuesError unless [offset, offset + size) lies inside a block of `total` bytes.
 * @example checkRange(0, 16, 1024, 'params[0]')
 */
export function checkRange(offset: number, size: number, total: number, argument: string): void {
  if (offset > total || size > total - offset) throw invalidValues(argument, `offset ${offset} + size ${size} exceeds the shared memory size ${total}`);
}
