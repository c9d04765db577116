import { Observable, type OperatorFunction, type Subscription } from 'rxjs';
import { SharedMemoryFlags } from '../core/constants';
import { TeecArgumentError, TeecError, TeecOverflowError, TeecRangeError, TeecStateError, TeecStreamError } from '../core/errors';
import {
  checkSize,
  partialInout,
  partialInput,
  partialOutput,
  tempInout,
  tempInput,
  tempOutput,
  type InvokeResult,
  type Param,
} from '../core/params';
import type { InvokeOptions, Session } from '../core/session';
import { SharedMemory } from '../core/shared-memory';
import { PullSource, type Puller } from './pull-source';

/** Where a chunk sits in the stream. */
export interface ChunkInfo {
  /** 0-based number of the invoke. */
  readonly index: number;
  /** Byte offset of the chunk in the input stream. */
  readonly offset: number;
  /** Bytes in the chunk. */
  readonly length: number;
}

/** The memref parameters that carry a chunk in and its result out (the same one in place). */
export interface ChunkIo {
  readonly input: Param;
  readonly output: Param;
}

/** A chunk's output still inside the shared block: valid until {@link ChunkLease.release}. */
export interface ChunkLease {
  /** The TA's output bytes (a view of the shared block). */
  readonly data: Uint8Array;
  readonly chunk: ChunkInfo;
  /** The whole result, for value outputs. */
  readonly result: InvokeResult;
  /** Gives the block back to the pipeline; call exactly once (extra calls are ignored). */
  release(): void;
}

/** Options of {@link teecInvoke}. */
export interface TeecInvokeOptions {
  /** Bytes per block; larger chunks are split. Default 1 MiB. */
  blockSize?: number;
  /** Blocks in flight (read ahead + at the TA). Default 2: reading overlaps the TA's work. */
  depth?: number;
  /** 'inplace' (default): one PARTIAL_INOUT block; 'separate': an input block and an output block. */
  layout?: 'inplace' | 'separate';
  /** 'separate' layout: output bytes for an input length (default: the same). */
  outputSize?: (inputLength: number) => number;
  /** The command's parameters for a chunk; default `[io.input]` in place, `[io.input, io.output]` separate. */
  params?: (chunk: ChunkInfo, io: ChunkIo) => readonly Param[];
  /** 'allocated' (default, zero-copy), 'registered' (JS memory, shadow-copied) or 'temp' (a temp memref per chunk). */
  memory?: 'allocated' | 'registered' | 'temp';
  /**
   * Blocks to stream through instead of allocating them per subscription ('inplace' layout): for
   * many short streams (e.g. media segments), which then skip the blocks' set-up. One block per
   * chunk in flight, so `depth` is `blocks.length`; each must be INOUT, of the session's context,
   * and at least `blockSize` bytes (default: the smallest block's size). The pipeline never
   * releases them. A block serves one subscription at a time: it is free again once the stream
   * has ended, its calls have returned and its leases are released.
   */
  blocks?: readonly SharedMemory[];
  /** 'copy' (default): emit a fresh Uint8Array per chunk; 'lease': emit {@link ChunkLease}s (zero-copy). */
  output?: 'copy' | 'lease';
  /** Push sources only: chunks that may wait for a free block before the stream fails. Default 16. */
  highWaterMark?: number;
  /**
   * 'inplace' layout: bytes kept free at the end of each block for the TA to grow the chunk into
   * (e.g. an authentication tag). Chunks carry at most `blockSize - reserve` bytes and the memref
   * covers the chunk plus the reserve; the TA reports the output size. Default 0.
   */
  reserve?: number;
  /**
   * Fill every block completely before invoking (joining and splitting source chunks), so every
   * chunk but the last carries exactly `blockSize - reserve` bytes — for framings with fixed-size
   * chunks. Default false: a source chunk is never joined with the next one.
   */
  coalesce?: boolean;
  /**
   * false: the chunks' invokes may reach the TA in any order — for commands whose chunks carry
   * their own position (a CTR offset, a chunk index). Outputs still come out in stream order.
   * Each invoke is then a libteec call of its own, and the TEE holds the next chunk while the TA
   * works on the current one, so the TA starts it without waiting for a round trip through Node.
   * Default true: chunks reach the TA in stream order, each queued behind the previous one.
   */
  ordered?: boolean;
}

/** A block's memory: where the next input goes (the whole block), and a chunk's memrefs in it. */
interface SlotMemory {
  readonly input: Uint8Array;
  readonly io: (length: number, outLength: number) => ChunkIo;
}

interface Slot extends SlotMemory {
  readonly controller: AbortController;
  /** The options of every invoke through this slot (made once: dispatch runs per chunk). */
  readonly invokeOptions: InvokeOptions;
}

interface Pending {
  readonly slot: Slot;
  readonly chunk: ChunkInfo;
  readonly outputIndex: number;
  result?: InvokeResult;
  /** Set when its invoke failed: surfaces once the chunks before it were emitted. */
  failure?: { readonly error: unknown };
}

const MiB = 1 << 20;

/**
 * Pipes a stream of chunks through a TA command, reusing shared memory blocks allocated once per
 * subscription: no allocation or registration per chunk. Outputs come out in order, one per
 * invoke (a chunk larger than `blockSize` is split and yields several).
 *
 * Backpressure: piped from a {@link PullSource} (`pullFrom`, `fromDataProvider`, `pullFromFile`), the
 * operator reads the next chunk only when a block is free — at most `depth` blocks in flight. Any
 * other Observable is a push source: up to `highWaterMark` chunks wait, then the stream fails with
 * TeecOverflowError. With `output: 'lease'`, a block is reused only after its lease is released,
 * so a slow consumer (see `writeTo`) holds the producer back too.
 *
 * Unsubscribing, a TA error (TeecStreamError naming the chunk) or a source error stops the
 * pipeline, cancels the command in flight and releases the blocks.
 *
 * @example
 * pullFromFile('in.enc')
 *   .pipe(teecInvoke(session, CMD_DECRYPT, { blockSize: 1 << 20, depth: 2, output: 'lease' }), writeTo(fs.createWriteStream('out')))
 *   .subscribe({ complete: () => console.log('done') });
 */
export function teecInvoke(session: Session, command: number, options: TeecInvokeOptions & { output: 'lease' }): OperatorFunction<Uint8Array, ChunkLease>;
export function teecInvoke(session: Session, command: number, options?: TeecInvokeOptions & { output?: 'copy' }): OperatorFunction<Uint8Array, Uint8Array>;
export function teecInvoke(session: Session, command: number, options: TeecInvokeOptions = {}): OperatorFunction<Uint8Array, Uint8Array | ChunkLease> {
  const opts = checkOptions(options);
  return (source) => new Observable<Uint8Array | ChunkLease>((subscriber) => new Pipeline(session, command, opts, source, subscriber).start());
}

type CheckedOptions = Required<Omit<TeecInvokeOptions, 'params' | 'blocks'>> & Pick<TeecInvokeOptions, 'params' | 'blocks'>;

/** Blocks lent to a running pipeline (see TeecInvokeOptions.blocks). */
const blocksInUse = new WeakSet<SharedMemory>();

function checkBlocks(o: TeecInvokeOptions): readonly SharedMemory[] | undefined {
  const blocks = o.blocks;
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 64) {
    throw new TeecArgumentError('options.blocks', 'must be an array of 1 to 64 SharedMemory blocks');
  }
  if (o.layout === 'separate') throw new TeecArgumentError('options.blocks', "applies to the 'inplace' layout only");
  if (o.memory === 'temp') throw new TeecArgumentError('options.blocks', "cannot be combined with memory: 'temp'");
  if (o.depth !== undefined && o.depth !== blocks.length) {
    throw new TeecRangeError('options.depth', `must equal options.blocks.length (${blocks.length}), got ${String(o.depth)}`);
  }
  blocks.forEach((b: unknown, i) => {
    if (!(b instanceof SharedMemory)) throw new TeecArgumentError(`options.blocks[${i}]`, 'must be a SharedMemory block');
    if (b.released) throw new TeecStateError(`options.blocks[${i}] was released`, 'teecInvoke');
    if ((b.flags & SharedMemoryFlags.INOUT) !== SharedMemoryFlags.INOUT) throw new TeecArgumentError(`options.blocks[${i}]`, 'must be allocated or registered with SharedMemoryFlags.INOUT');
    if (blocks.indexOf(b) !== i) throw new TeecArgumentError(`options.blocks[${i}]`, 'appears more than once');
  });
  return blocks;
}

function checkBoolean(v: unknown, name: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TeecArgumentError(name, `must be a boolean, got ${typeof v}`);
  return v;
}

function checkOptions(o: TeecInvokeOptions): CheckedOptions {
  const blocks = checkBlocks(o);
  const smallest = blocks === undefined ? MiB : Math.min(...blocks.map((b) => b.size));
  const blockSize = checkSize(o.blockSize ?? smallest, 'options.blockSize');
  if (blocks !== undefined && blockSize > smallest) throw new TeecRangeError('options.blockSize', `must not exceed the smallest of options.blocks (${smallest} bytes), got ${blockSize}`);
  const depth = blocks?.length ?? checkSize(o.depth ?? 2, 'options.depth');
  const highWaterMark = checkSize(o.highWaterMark ?? 16, 'options.highWaterMark');
  const reserve = checkSize(o.reserve ?? 0, 'options.reserve');
  if (reserve >= blockSize) throw new TeecRangeError('options.reserve', `must be less than blockSize (${blockSize}), got ${reserve}`);
  if (reserve > 0 && o.layout === 'separate') throw new TeecArgumentError('options.reserve', "applies to the 'inplace' layout only");
  if (blockSize === 0) throw new TeecRangeError('options.blockSize', 'must be at least 1');
  if (depth === 0 || depth > 64) throw new TeecRangeError('options.depth', `must be in [1, 64], got ${depth}`);
  const oneOf = <T extends string>(v: T | undefined, name: string, allowed: readonly T[]): T => {
    if (v === undefined) return allowed[0];
    if (!allowed.includes(v)) throw new TeecArgumentError(`options.${name}`, `must be one of ${allowed.join(', ')}, got ${String(v)}`);
    return v;
  };
  return {
    blockSize,
    depth,
    highWaterMark,
    layout: oneOf(o.layout, 'layout', ['inplace', 'separate'] as const),
    memory: oneOf(o.memory, 'memory', ['allocated', 'registered', 'temp'] as const),
    output: oneOf(o.output, 'output', ['copy', 'lease'] as const),
    outputSize: o.outputSize ?? ((n: number) => n),
    params: o.params,
    blocks,
    reserve,
    coalesce: o.coalesce ?? false,
    ordered: checkBoolean(o.ordered, 'options.ordered', true),
  };
}

/** One subscription's worth of streaming state. */
class Pipeline {
  private readonly slots: Slot[] = [];
  private readonly free: Slot[] = [];
  private readonly blocks: SharedMemory[] = [];
  /** The caller's blocks (options.blocks) while this subscription holds them. */
  private borrowed?: readonly SharedMemory[];
  private readonly pending: Pending[] = [];
  private puller?: Puller;
  private pushSub?: Subscription;
  private readonly pushQueue: Uint8Array[] = [];
  private pushDone = false;
  private wakeReader?: () => void;
  private leftover: Uint8Array | null = null;
  /** The source has signalled its end (coalesce mode reads past a partial block's end). */
  private exhausted = false;
  private reading = false;
  private sourceDone = false;
  private stopped = false;
  private outstandingLeases = 0;
  private index = 0;
  private offset = 0;

  constructor(
    private readonly session: Session,
    private readonly command: number,
    private readonly opts: CheckedOptions,
    private readonly source: Observable<Uint8Array>,
    private readonly subscriber: import('rxjs').Subscriber<Uint8Array | ChunkLease>,
  ) {}

  start(): () => void {
    try {
      this.borrowBlocks();
      for (let i = 0; i < this.opts.depth; i++) {
        const controller = new AbortController();
        this.slots.push({ ...this.makeSlotMemory(i), controller, invokeOptions: { signal: controller.signal, ordered: this.opts.ordered } });
      }
      this.free.push(...[...this.slots].reverse());
    } catch (e) {
      this.fail(e);
      return () => this.stop();
    }
    if (this.source instanceof PullSource) this.puller = this.source.createPuller();
    else this.subscribePush();
    this.pump();
    return () => this.stop();
  }

  /** Takes the caller's blocks for this subscription, if it was given some. */
  private borrowBlocks(): void {
    const blocks = this.opts.blocks;
    if (blocks === undefined) return;
    blocks.forEach((b, i) => {
      if (b.released) throw new TeecStateError(`options.blocks[${i}] was released`, 'teecInvoke');
      if (!this.session.context.owns(b)) throw new TeecArgumentError(`options.blocks[${i}]`, "belongs to another context than the session's");
      if (blocksInUse.has(b)) throw new TeecStateError(`options.blocks[${i}] is in use by another teecInvoke subscription`, 'teecInvoke');
    });
    for (const b of blocks) blocksInUse.add(b);
    this.borrowed = blocks;
  }

  private makeSlotMemory(i: number): SlotMemory {
    const { blockSize, layout, memory, outputSize } = this.opts;
    const lent = this.borrowed?.[i];
    if (lent !== undefined) {
      return {
        input: lent.buffer.subarray(0, blockSize),
        io: (n) => {
          const p = partialInout(lent, 0, n);
          return { input: p, output: p };
        },
      };
    }
    const outCapacity = layout === 'separate' ? checkSize(outputSize(blockSize), 'options.outputSize(blockSize)') : blockSize;
    if (memory === 'temp') {
      const input = new Uint8Array(blockSize);
      const out = layout === 'separate' ? new Uint8Array(outCapacity) : input;
      return {
        input,
        io: (n, outN) => {
          if (layout === 'inplace') {
            const p = tempInout(input.subarray(0, n));
            return { input: p, output: p };
          }
          return { input: tempInput(input.subarray(0, n)), output: tempOutput(out.subarray(0, outN)) };
        },
      };
    }
    const ctx = this.session.context;
    const alloc = (size: number, flags: number): SharedMemory => {
      const shm = memory === 'allocated' ? ctx.allocateSharedMemory(size, flags) : ctx.registerSharedMemory(new Uint8Array(size), flags);
      this.blocks.push(shm);
      return shm;
    };
    if (layout === 'inplace') {
      const shm = alloc(blockSize, SharedMemoryFlags.INOUT);
      return {
        input: shm.buffer,
        io: (n) => {
          const p = partialInout(shm, 0, n);
          return { input: p, output: p };
        },
      };
    }
    const inShm = alloc(blockSize, SharedMemoryFlags.INPUT);
    const outShm = alloc(outCapacity, SharedMemoryFlags.OUTPUT);
    return {
      input: inShm.buffer,
      io: (n, outN) => ({ input: partialInput(inShm, 0, n), output: partialOutput(outShm, 0, outN) }),
    };
  }

  private subscribePush(): void {
    this.pushSub = this.source.subscribe({
      next: (chunk) => {
        if (this.pushQueue.length >= this.opts.highWaterMark) {
          this.fail(new TeecOverflowError(this.opts.highWaterMark));
          return;
        }
        this.pushQueue.push(chunk);
        this.wake();
      },
      error: (e) => this.fail(e),
      complete: () => {
        this.pushDone = true;
        this.wake();
      },
    });
  }

  private wake(): void {
    const w = this.wakeReader;
    this.wakeReader = undefined;
    w?.();
  }

  /** Starts a read when a block is free; completes when everything has been emitted. */
  private pump(): void {
    if (this.stopped) return;
    if (!this.reading && !this.sourceDone && this.free.length > 0) {
      const slot = this.free.pop()!;
      this.reading = true;
      this.fill(slot).then(
        (n) => {
          this.reading = false;
          if (this.stopped) return;
          if (n === 0) {
            this.sourceDone = true;
            this.free.push(slot);
          } else this.dispatch(slot, n);
          this.pump();
        },
        (e) => this.fail(e),
      );
    }
    if (this.sourceDone && !this.reading && this.pending.length === 0) this.finish(() => this.subscriber.complete());
  }

  /** Puts the next input into the slot's block; resolves with its length (0 at the end). */
  private async fill(slot: Slot): Promise<number> {
    const room = slot.input.subarray(0, slot.input.length - this.opts.reserve);
    if (!this.opts.coalesce) return this.fillOnce(room);
    let n = 0;
    while (n < room.length && !this.exhausted && !this.stopped) {
      const got = await this.fillOnce(room.subarray(n));
      if (got === 0) this.exhausted = true; // a source that said "end" is not asked again
      n += got;
    }
    return n;
  }

  private async fillOnce(target: Uint8Array): Promise<number> {
    if (this.puller?.fill) return this.puller.fill(target);
    let data = this.leftover;
    while (data === null || data.length === 0) {
      data = await this.nextChunk();
      if (data === null) return 0;
      if (!(data instanceof Uint8Array)) throw new TeecArgumentError('source', `emitted a ${typeof data}, expected Uint8Array chunks`);
    }
    const take = Math.min(data.length, target.length);
    target.set(take === data.length ? data : data.subarray(0, take));
    this.leftover = take < data.length ? data.subarray(take) : null;
    return take;
  }

  private async nextChunk(): Promise<Uint8Array | null> {
    if (this.puller) return this.puller.next!();
    while (this.pushQueue.length === 0) {
      if (this.pushDone) return null;
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
      if (this.stopped) return null;
    }
    return this.pushQueue.shift()!;
  }

  private dispatch(slot: Slot, length: number): void {
    const chunk: ChunkInfo = { index: this.index++, offset: this.offset, length };
    this.offset += length;
    const outLength = this.opts.layout === 'separate' ? this.opts.outputSize(length) : length;
    const io = slot.io(length + this.opts.reserve, outLength);
    let params: readonly Param[];
    try {
      params = this.opts.params ? this.opts.params(chunk, io) : this.opts.layout === 'inplace' ? [io.input] : [io.input, io.output];
    } catch (e) {
      this.fail(e);
      return;
    }
    const outputIndex = params.indexOf(io.output);
    if (outputIndex < 0) {
      this.fail(new TeecArgumentError('options.params', 'must include io.output (the chunk memref) in the parameters it returns'));
      return;
    }
    const entry: Pending = { slot, chunk, outputIndex };
    this.pending.push(entry);
    // Invokes on one session reach the TEE in the order they were made (Backend.invokeCommand),
    // so the chunks reach the TA in stream order without waiting for each other here: the next
    // chunk is queued behind the current one and starts the moment it returns (`ordered: false`:
    // it waits in the TEE instead). Dispatch runs only while the stream is live; stopping it aborts
    // every slot's controller, so chunks still queued never reach the TA.
    this.session.invoke(this.command, params, slot.invokeOptions).then(
      (result) => {
        entry.result = result;
        this.emitReady();
      },
      (e) => {
        entry.failure = { error: e instanceof TeecError ? new TeecStreamError(e, chunk.index, chunk.offset) : e };
        this.emitReady();
      },
    );
  }

  /**
   * Emits finished chunks in order. A failed chunk stops the stream once the chunks before it
   * were emitted (with `ordered: false` a later chunk may fail while an earlier one still runs).
   */
  private emitReady(): void {
    while (!this.stopped && this.pending.length > 0 && (this.pending[0].result || this.pending[0].failure)) {
      if (this.pending[0].failure) {
        this.fail(this.pending[0].failure.error);
        return;
      }
      const { slot, chunk, outputIndex, result } = this.pending.shift()!;
      const data = result!.params[outputIndex].data ?? new Uint8Array(0);
      if (this.opts.output === 'copy') {
        this.free.push(slot);
        this.subscriber.next(data.slice());
      } else {
        this.outstandingLeases++;
        let released = false;
        this.subscriber.next({
          data,
          chunk,
          result: result!,
          release: () => {
            if (released) return;
            released = true;
            this.outstandingLeases--;
            this.free.push(slot);
            if (this.stopped) this.releaseBlocksWhenIdle();
            else this.pump();
          },
        });
      }
    }
    this.pump();
  }

  private fail(e: unknown): void {
    this.finish(() => this.subscriber.error(e));
  }

  /**
   * Ends the stream: stops the source, cancels what is in flight and — unless leases still point
   * into the blocks — releases the blocks *before* notifying, so that a completed or failed
   * stream has freed everything it allocated.
   */
  private finish(notify: () => void): void {
    if (this.stopped) return;
    this.stopSource();
    if (this.outstandingLeases > 0) {
      notify();
      return;
    }
    const releasing = [...this.blocks.splice(0).map((b) => b.release()), this.returnBorrowed()];
    void Promise.allSettled(releasing).then((results) => {
      for (const r of results) if (r.status === 'rejected') warnTeardown(r.reason);
      notify();
    });
  }

  private stopSource(): void {
    this.stopped = true;
    this.pushSub?.unsubscribe();
    this.wake();
    for (const s of this.slots) s.controller.abort();
    const puller = this.puller;
    this.puller = undefined;
    void puller?.close().catch(() => undefined);
  }

  /** Teardown: stop reading, cancel commands in flight, release the blocks once they return. */
  private stop(): void {
    this.stopSource();
    this.releaseBlocksWhenIdle();
  }

  /** Blocks go back to the context only when no lease still points into them. */
  private releaseBlocksWhenIdle(): void {
    if (this.outstandingLeases > 0) return;
    for (const b of this.blocks.splice(0)) b.release().catch(warnTeardown);
    void this.returnBorrowed();
  }

  /** Lends the caller's blocks out again once the calls that used them have returned. */
  private async returnBorrowed(): Promise<void> {
    const blocks = this.borrowed;
    if (blocks === undefined) return;
    this.borrowed = undefined;
    await Promise.allSettled(blocks.map((b) => b.inFlight.drain()));
    for (const b of blocks) blocksInUse.delete(b);
  }
}

function warnTeardown(err: unknown): void {
  process.emitWarning(`rx-teec: releasing a stream block failed: ${String(err)}`, 'RxTeecTeardownWarning');
}
