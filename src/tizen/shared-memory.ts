/**
 * TeecSharedMemory: a block shared with TAs, allocated or registered through a TeecContext.
 *
 * `getContext()` is synchronous in the IDL while initializing a GP context is not, so a block may
 * be created before its context is ready. Such a block is *pending*: an allocated one keeps its
 * bytes in a JS staging buffer (setData/getData work on it), a registered one already is the
 * caller's memory. When the context becomes ready every pending block is allocated/registered in
 * creation order and the staged bytes are copied in; from then on setData/getData work on the
 * memory the TA sees. No operation can use a block before that, since sessions only exist once
 * the context is ready.
 * @module
 */
import type { Context } from '../core/context';
import type { SharedMemory } from '../core/shared-memory';
import { describe } from '../core/uuid';
import { byteLength, bytesView, checkByteData, copyBytes, requireArguments, toSize, writeBytes } from './bytes';
import { invalidValues, toWebAPIException, typeMismatch } from './errors';

/** Internal state of a block, kept out of the public object (and out of console.log). */
export class SharedMemoryState {
  /** The core block, once the context is ready. */
  core?: SharedMemory;
  /** Why the block could not be allocated/registered when its context became ready. */
  failure?: unknown;
  released = false;
  /** Settles when the core block has been released. */
  releasedCore?: Promise<void>;
  private staging?: Uint8Array;
  /** Operations queued or running that use the block: releasing waits for them. */
  private readonly users = new Set<Promise<unknown>>();

  constructor(
    /** The context state that owns the block (compared by identity). */ readonly owner: object,
    readonly size: number,
    /** GP flags. */ readonly flags: number,
    readonly kind: 'allocated' | 'registered',
    /** Registered blocks: the caller's memory (exactly `size` bytes). */ private readonly registered?: Uint8Array,
  ) {
    if (kind === 'allocated') this.staging = new Uint8Array(size);
  }

  /** The bytes setData/getData work on: the block the TA sees, or the staging buffer. */
  bytes(): Uint8Array {
    if (this.core) return this.core.buffer;
    return this.staging ?? (this.registered as Uint8Array);
  }

  /** Allocates/registers the block on the now-ready context; a failure is kept for later uses. */
  materialize(context: Context): void {
    if (this.released || this.core) return;
    try {
      if (this.kind === 'registered') {
        this.core = context.registerSharedMemory(this.registered as Uint8Array, this.flags);
      } else {
        const core = context.allocateSharedMemory(this.size, this.flags);
        core.buffer.set(this.staging as Uint8Array);
        this.core = core;
        this.staging = undefined;
      }
    } catch (e) {
      this.failure = e;
    }
  }

  /**
   * The core block for an operation about to start. An operation called before the block was
   * released still runs (releasing waits for it). Throws if the block could not be allocated.
   */
  coreBlock(argument: string): SharedMemory {
    if (this.failure !== undefined) throw toWebAPIException(this.failure);
    if (!this.core) throw invalidValues(argument, 'refers to shared memory whose context is not ready');
    return this.core;
  }

  /** Records an operation using the block until `done` settles. */
  use(done: Promise<unknown>): void {
    this.users.add(done);
    const forget = (): boolean => this.users.delete(done);
    done.then(forget, forget);
  }

  /** Marks the block released; the core block is released once every operation using it is done. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.staging = undefined;
    this.releasedCore = (async () => {
      while (this.users.size > 0) await Promise.allSettled([...this.users]);
      await this.core?.release();
    })().catch(() => undefined);
  }
}

const states = new WeakMap<TeecSharedMemory, SharedMemoryState>();
const CONSTRUCT = Symbol('TeecSharedMemory');

/**
 * The internal state of a block (for the rest of `src/tizen`).
 * @example stateOf(shm).coreBlock('params[0].shm')
 */
export function stateOf(shm: TeecSharedMemory): SharedMemoryState {
  return states.get(shm) as SharedMemoryState;
}

/**
 * Whether `value` is a TeecSharedMemory made by this module.
 * @example isSharedMemory(ctx.allocateSharedMemory(16, 'INOUT')) // true
 */
export function isSharedMemory(value: unknown): value is TeecSharedMemory {
  return typeof value === 'object' && value !== null && states.has(value as TeecSharedMemory);
}

/**
 * A shared memory block (made by `TeecContext.allocateSharedMemory` or `registerSharedMemory`).
 * `setData`/`getData` copy bytes in and out; the TA sees the block itself (GP semantics: no
 * snapshot per command).
 *
 * @example
 * const shm = ctx.allocateSharedMemory(1024, TeecSharedMemoryFlags.INOUT);
 * shm.setData([1, 2, 3], 0);
 * const out = new Array(3); shm.getData(out, 0); // [1, 2, 3]
 */
export class TeecSharedMemory {
  /** Size of the block in bytes. */
  declare readonly size: number;

  /** @internal Made by TeecContext; not constructible from user code. */
  constructor(token: symbol, state: SharedMemoryState) {
    if (token !== CONSTRUCT) throw new TypeError('Illegal constructor: use TeecContext.allocateSharedMemory or registerSharedMemory');
    states.set(this, state);
    Object.defineProperty(this, 'size', { value: state.size, enumerable: true, writable: false });
  }

  /** @internal */
  static create(state: SharedMemoryState): TeecSharedMemory {
    return new TeecSharedMemory(CONSTRUCT, state);
  }

  /**
   * Writes `data.length` bytes of `data` (bytes as numbers, or binary) at `offset`.
   * @example shm.setData([0xde, 0xad], 16)
   */
  setData(data: unknown, offset: unknown): void {
    requireArguments('setData', arguments.length, 2);
    const { target, at } = this.range('setData', data, offset, true);
    const view = bytesView(data as never);
    target.set(view ?? copyBytes(data as never), at);
  }

  /**
   * Reads `data.length` bytes from `offset` into `data`, in place (plain arrays get numbers 0..255;
   * what they held before does not matter).
   * @example const head = new Array(4); shm.getData(head, 0);
   */
  getData(data: unknown, offset: unknown): void {
    requireArguments('getData', arguments.length, 2);
    const { target, at } = this.range('getData', data, offset, false);
    writeBytes(data as never, target.subarray(at, at + byteLength(data as never)));
  }

  private range(method: string, data: unknown, offset: unknown, readsData: boolean): { target: Uint8Array; at: number } {
    const state = states.get(this);
    if (!state) throw typeMismatch(method, `must be called on a TeecSharedMemory, got ${describe(this)}`);
    checkByteData(data, 'data', readsData);
    const at = toSize(offset, 'offset');
    if (state.released) throw invalidValues(method, 'on released shared memory');
    const n = byteLength(data);
    if (at > state.size || n > state.size - at) throw invalidValues('data', `of ${n} bytes at offset ${at} exceeds the shared memory size ${state.size}`);
    return { target: state.bytes(), at };
  }
}
