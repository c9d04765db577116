/**
 * TEE contexts: the root of every session and shared memory block.
 * @module
 */
import type { Backend, ContextHandle } from './backend';
import { LoginMethod, SharedMemoryFlags } from './constants';
import { TeecArgumentError, TeecRangeError, TeecStateError, cancelledBeforeStart } from './errors';
import { checkSize, checkUint32, toBackendParams, toInvokeResult, type InvokeResult, type Param } from './params';
import { Session, checkLive, sharedIn, trackShared } from './session';
import { SharedMemory } from './shared-memory';
import { getDefaultBackend } from './default-backend';
import { describe, parseUuid } from './uuid';

/** Options of {@link Context.open}. */
export interface ContextOptions {
  /** TEE name; null/undefined = the default TEE. */
  name?: string | null;
  /** The backend to use; default: the native backend (see {@link getDefaultBackend}). */
  backend?: Backend;
}

/** Options of {@link Context.openSession}. */
export interface OpenSessionOptions {
  /** Login method; default PUBLIC. */
  login?: number;
  /** For GROUP logins: the group id. */
  connectionData?: number | null;
  /** Parameters passed to the TA's open-session entry point. */
  params?: readonly Param[] | null;
  /** Aborting cancels the open. */
  signal?: AbortSignal;
}

const LOGINS = new Set<number>(Object.values(LoginMethod));
const FLAG_MASK = SharedMemoryFlags.INOUT;

/**
 * A TEEC_Context. It tracks its sessions and shared memory and closes them before it is finalized.
 *
 * @example
 * const context = await Context.open();
 * try {
 *   const session = await context.openSession('123e4567-e89b-12d3-a456-426655440000');
 *   await session.invoke(1, [valueInput(10, 100)]);
 * } finally {
 *   await context.close(); // closes the session too
 * }
 */
export class Context {
  private readonly sessions = new Set<Session>();
  private readonly blocks = new Set<SharedMemory>();
  private readonly opening = new Set<Promise<unknown>>();
  private closing?: Promise<void>;

  private constructor(
    /** The backend this context talks to. */ readonly backend: Backend,
    /** @internal */ readonly handle: ContextHandle,
  ) {}

  /**
   * Initializes a context on the default TEE (or `options.name`).
   * @example const context = await Context.open();
   */
  static async open(options: ContextOptions = {}): Promise<Context> {
    const { name = null } = options;
    if (name !== null && typeof name !== 'string') throw new TeecArgumentError('name', `must be a string or null, got ${describe(name)}`);
    const backend = options.backend ?? getDefaultBackend();
    return new Context(backend, await backend.initializeContext(name));
  }

  /** True once {@link Context.close} was called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Open sessions and live shared memory blocks, for diagnostics. */
  get children(): { sessions: number; sharedMemory: number } {
    return { sessions: this.sessions.size, sharedMemory: this.blocks.size };
  }

  /**
   * Opens a session with the TA `uuid`. Rejects with TeecError: ITEM_NOT_FOUND (origin TEE) for
   * an unknown TA, the TA's own code (origin TRUSTED_APP) if it refuses.
   * @example const s = await context.openSession(uuid, { login: LoginMethod.USER });
   */
  async openSession(uuid: string, options: OpenSessionOptions = {}): Promise<Session> {
    return (await this.openSessionWithResult(uuid, options)).session;
  }

  /**
   * Like {@link Context.openSession}, also returning what the TA wrote to the open parameters.
   * @example const { session, result } = await context.openSessionWithResult(uuid, { params: [valueOutput()] });
   */
  openSessionWithResult(uuid: string, options: OpenSessionOptions = {}): Promise<{ session: Session; result: InvokeResult }> {
    const p = this.open(uuid, options);
    this.opening.add(p);
    const forget = (): boolean => this.opening.delete(p);
    p.then(forget, forget);
    return p;
  }

  private async open(uuid: string, options: OpenSessionOptions): Promise<{ session: Session; result: InvokeResult }> {
    this.checkOpen('openSession');
    const ta = parseUuid(uuid, 'uuid');
    const login = options.login ?? LoginMethod.PUBLIC;
    if (!LOGINS.has(login)) throw new TeecArgumentError('login', `must be a LoginMethod, got ${describe(login)}`);
    const connectionData = options.connectionData ?? null;
    if (connectionData !== null) checkUint32(connectionData, 'connectionData');
    const lowered = toBackendParams(options.params, checkLive);
    if (options.signal?.aborted) throw cancelledBeforeStart('openSession');
    const opened = await trackShared(sharedIn(options.params), options.signal, (signal) =>
      this.backend.openSession(this.handle, ta, login, connectionData, lowered, signal),
    );
    const session = new Session(this.backend, this, opened.session, ta, login, (s) => this.sessions.delete(s));
    this.sessions.add(session);
    if (this.closing) {
      await session.close();
      throw new TeecStateError('context was closed while the session was opening', 'openSession');
    }
    return { session, result: toInvokeResult(options.params, opened.outputs) };
  }

  /**
   * Allocates `size` bytes of memory shared with TAs (zero-copy). `flags`: INPUT, OUTPUT or INOUT.
   * @example const shm = context.allocateSharedMemory(1 << 20, SharedMemoryFlags.INOUT);
   */
  allocateSharedMemory(size: number, flags: number = SharedMemoryFlags.INOUT): SharedMemory {
    this.checkOpen('allocateSharedMemory');
    checkSize(size, 'size');
    checkFlags(flags);
    return this.adopt(this.backend.allocateSharedMemory(this.handle, size, flags));
  }

  /**
   * Registers caller memory as shared memory; the memory stays referenced until released (even
   * if its ArrayBuffer is transferred meanwhile). A resizable ArrayBuffer is refused (JS could
   * shrink it under the TEE), and so is allocated shared memory (its release would unmap it).
   * @example const shm = context.registerSharedMemory(new Uint8Array(4096), SharedMemoryFlags.INPUT);
   */
  registerSharedMemory(buffer: Uint8Array | ArrayBuffer, flags: number = SharedMemoryFlags.INOUT): SharedMemory {
    this.checkOpen('registerSharedMemory');
    if (!(buffer instanceof Uint8Array) && !(buffer instanceof ArrayBuffer)) {
      throw new TeecArgumentError('buffer', `must be a Uint8Array, Buffer or ArrayBuffer, got ${describe(buffer)}`);
    }
    checkFlags(flags);
    return this.adopt(this.backend.registerSharedMemory(this.handle, buffer, flags));
  }

  /**
   * Closes every session (cancelling their calls), releases every shared memory block, then
   * finalizes the context. Closing twice is a no-op.
   * @example await context.close()
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.opening]);
      await Promise.allSettled([...this.sessions].map((s) => s.close()));
      await Promise.allSettled([...this.blocks].map((b) => b.release()));
      await this.backend.finalizeContext(this.handle);
    })();
    return this.closing;
  }

  /** @internal True if `shm` is a live block of this context. */
  owns(shm: SharedMemory): boolean {
    return this.blocks.has(shm);
  }

  private adopt(handle: SharedMemory['handle']): SharedMemory {
    const shm = new SharedMemory(this.backend, handle, (b) => this.blocks.delete(b));
    this.blocks.add(shm);
    return shm;
  }

  private checkOpen(operation: string): void {
    if (this.closing) throw new TeecStateError('context is closed', operation);
  }
}

function checkFlags(flags: unknown): void {
  if (typeof flags !== 'number' || !Number.isInteger(flags)) throw new TeecArgumentError('flags', `must be SharedMemoryFlags, got ${describe(flags)}`);
  if (flags === 0 || (flags & ~FLAG_MASK) !== 0) throw new TeecRangeError('flags', `must be INPUT (1), OUTPUT (2) or INOUT (3), got ${flags}`);
}
