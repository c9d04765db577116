/**
 * Shared memory blocks: memory that both the client and the TA see.
 * @module
 */
import type { Backend, SharedMemoryHandle } from './backend';
import { TeecStateError } from './errors';
import { InFlight } from './in-flight';

/**
 * A TEEC_SharedMemory block owned by a {@link Context}: allocated (memory mapped into the TA, no
 * copy per call) or registered (caller memory, copied to and from a shadow block around each call).
 * Release it explicitly; its context releases it on close at the latest.
 *
 * @example
 * const shm = context.allocateSharedMemory(1 << 20, SharedMemoryFlags.INOUT);
 * shm.buffer.set(chunk);
 * await session.invoke(CMD_DECRYPT, [partialInout(shm, 0, chunk.length)]);
 * await shm.release();
 */
export class SharedMemory {
  /** @internal */
  readonly inFlight = new InFlight();
  private releasing?: Promise<void>;

  /** @internal Use {@link Context.allocateSharedMemory} or {@link Context.registerSharedMemory}. */
  constructor(
    private readonly backend: Backend,
    /** @internal */ readonly handle: SharedMemoryHandle,
    private readonly onReleased: (shm: SharedMemory) => void,
  ) {}

  /** Size in bytes. */
  get size(): number {
    return this.handle.size;
  }
  /** TEEC_MEM_INPUT | TEEC_MEM_OUTPUT. */
  get flags(): number {
    return this.handle.flags;
  }
  /** 'allocated' or 'registered'. */
  get kind(): 'allocated' | 'registered' {
    return this.handle.kind;
  }
  /** True when {@link SharedMemory.buffer} is the very memory the TA sees (allocated blocks). */
  get zeroCopy(): boolean {
    return this.handle.zeroCopy;
  }
  /** True once {@link SharedMemory.release} was called. */
  get released(): boolean {
    return this.releasing !== undefined;
  }

  /**
   * The block's bytes: read what the TA wrote, write what it will read.
   * @example shm.buffer.set(Buffer.from('hello'))
   */
  get buffer(): Uint8Array {
    if (this.releasing) throw new TeecStateError('shared memory was released', 'buffer');
    return this.handle.buffer;
  }

  /**
   * Releases the block once every call using it has returned (calls in flight are cancelled
   * first). Releasing twice is a no-op. Views of an allocated block's memory read as length 0
   * afterwards; an ArrayBuffer JS moved that memory to (`ArrayBuffer.prototype.transfer()`) reads
   * zeros, and what is written there no longer reaches the TA.
   * @example await shm.release()
   */
  release(): Promise<void> {
    this.releasing ??= (async () => {
      await this.inFlight.cancelAndDrain('shared memory released');
      try {
        await this.backend.releaseSharedMemory(this.handle);
      } finally {
        this.onReleased(this);
      }
    })();
    return this.releasing;
  }
}
