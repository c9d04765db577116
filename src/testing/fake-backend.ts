/**
 * An in-process fake {@link Backend} for tests of code built on rx-teec: TAs are JS objects, every
 * call is logged, and the timing of each call is under the test's control (a virtual-time
 * scheduler, or real timers). It keeps the GP rules that matter to callers: parameter checks with
 * origin API, TA errors with origin TRUSTED_APP, TARGET_DEAD after a TA dies, cancellation.
 * @module
 */
import type {
  Backend,
  BackendInfo,
  BackendParam,
  ContextHandle,
  OperationOutputs,
  ParamOutput,
  SessionHandle,
  SharedMemoryHandle,
} from '../core/backend';
import { ReturnCode, ReturnOrigin } from '../core/constants';
import { TeecError, cancelledBeforeStart } from '../core/errors';
import type { Uuid } from '../core/uuid';

/** What a fake TA sees of one call. */
export interface FakeCall {
  readonly command: number;
  /** Parameters as lowered by the core; memrefs are views the TA may read and write. */
  readonly params: readonly FakeParam[];
  /** Aborted when the client requests cancellation. */
  readonly signal: AbortSignal;
  /** Per-session state of the TA. */
  readonly session: Record<string, unknown>;
}

/** One parameter inside a fake TA: values and a view of the referenced bytes. */
export interface FakeParam {
  readonly type: number;
  a: number;
  b: number;
  /** Memrefs: the bytes the TA may read/write (null for NONE/values or NULL temp memrefs). */
  readonly data: Uint8Array | null;
  /** Memrefs: the size reported back (set it for SHORT_BUFFER or shorter outputs). */
  size: number;
}

/** A fake trusted application. Throw a TeecError (or call `fail`) to return an error code. */
export interface FakeTa {
  openSession?(call: FakeCall): void | Promise<void>;
  invoke(call: FakeCall): void | Promise<void>;
  closeSession?(session: Record<string, unknown>): void;
}

/** An event of the fake's log, for assertions on order. */
export type FakeEvent =
  | { op: 'initializeContext'; context: number }
  | { op: 'finalizeContext'; context: number }
  | { op: 'openSession'; context: number; session: number; uuid: string }
  | { op: 'closeSession'; session: number }
  | { op: 'invoke'; session: number; command: number; shms: number[]; unordered?: true }
  | { op: 'invoked'; session: number; command: number; code: number; shms: number[] }
  | { op: 'cancel'; session: number; command: number }
  | { op: 'allocate' | 'register'; context: number; shm: number; size: number }
  | { op: 'release'; shm: number };

/** Options of {@link FakeBackend}. */
export interface FakeBackendOptions {
  /**
   * How long each TA call takes: return a promise that settles when the call may proceed (an
   * invoke's `params` as the backend got them, e.g. to make large chunks slower).
   * Default: resolves at once (next microtask).
   * @example new FakeBackend({ latency: ({ params }) => sleep(params?.length ?? 0) })
   */
  latency?: (what: { op: 'open' | 'invoke'; command?: number; params?: readonly BackendParam[] | null }) => Promise<void>;
}

interface FakeContext { id: number; finalized: boolean }
interface FakeSession { id: number; context: FakeContext; uuid: Uuid; ta: FakeTa; state: Record<string, unknown>; closed: boolean; dead: boolean; queue: Promise<unknown> }
interface FakeShm extends SharedMemoryHandle { id: number; released: boolean }

/**
 * A fake backend with TAs registered by UUID.
 * @example
 * const fake = new FakeBackend();
 * fake.addTa('11111111-2222-3333-4444-555555555555', { invoke: (c) => { c.params[0].a += 1; } });
 * const context = await Context.open({ backend: fake });
 */
export class FakeBackend implements Backend {
  readonly info: BackendInfo = { kind: 'fake', reason: 'test fake' };
  /** Every call, in order. */
  readonly log: FakeEvent[] = [];
  private readonly tas = new Map<string, FakeTa>();
  private readonly sessions = new Map<number, FakeSession>();
  private nextId = 1;
  private readonly live = { contexts: new Set<number>(), sessions: new Set<number>(), shms: new Set<number>() };

  constructor(private readonly options: FakeBackendOptions = {}) {}

  /** Registers a TA. @example fake.addTa(uuid, { invoke() {} }) */
  addTa(uuid: string, ta: FakeTa): this {
    this.tas.set(uuid.toLowerCase(), ta);
    return this;
  }

  /** Kills every session of a TA now open: their later calls get TARGET_DEAD, as after a panic. New sessions live. */
  killTa(uuid: string): void {
    for (const s of this.sessions.values()) if (s.uuid === uuid.toLowerCase()) s.dead = true;
  }

  /** What is still open: contexts, sessions and shared memory blocks. */
  get open(): { contexts: number; sessions: number; sharedMemory: number } {
    return { contexts: this.live.contexts.size, sessions: this.live.sessions.size, sharedMemory: this.live.shms.size };
  }

  async initializeContext(name?: string | null): Promise<ContextHandle> {
    if (name !== null && name !== undefined) throw new TeecError(ReturnCode.TEEC_ERROR_ITEM_NOT_FOUND, ReturnOrigin.API, { operation: 'initializeContext' });
    const ctx: FakeContext = { id: this.nextId++, finalized: false };
    this.live.contexts.add(ctx.id);
    this.log.push({ op: 'initializeContext', context: ctx.id });
    return ctx as unknown as ContextHandle;
  }

  async finalizeContext(context: ContextHandle): Promise<void> {
    const ctx = context as unknown as FakeContext;
    if (ctx.finalized) return;
    ctx.finalized = true;
    this.live.contexts.delete(ctx.id);
    this.log.push({ op: 'finalizeContext', context: ctx.id });
  }

  async openSession(
    context: ContextHandle,
    uuid: Uuid,
    _login: number,
    _connectionData: number | null,
    params: readonly BackendParam[] | null,
    signal?: AbortSignal,
  ): Promise<{ session: SessionHandle; outputs: OperationOutputs }> {
    const ctx = context as unknown as FakeContext;
    if (signal?.aborted) throw cancelledBeforeStart('openSession');
    const ta = this.tas.get(uuid);
    if (!ta) throw new TeecError(ReturnCode.TEEC_ERROR_ITEM_NOT_FOUND, ReturnOrigin.TEE, { operation: 'openSession' });
    const session: FakeSession = { id: this.nextId++, context: ctx, uuid, ta, state: {}, closed: false, dead: false, queue: Promise.resolve() };
    const fakeParams = lower(params);
    await this.options.latency?.({ op: 'open' });
    await runTa(() => ta.openSession?.({ command: 0, params: fakeParams, signal: signal ?? new AbortController().signal, session: session.state }), 'openSession');
    this.live.sessions.add(session.id);
    this.sessions.set(session.id, session);
    this.log.push({ op: 'openSession', context: ctx.id, session: session.id, uuid });
    return { session: session as unknown as SessionHandle, outputs: raise(fakeParams) };
  }

  async closeSession(handle: SessionHandle): Promise<void> {
    const session = handle as unknown as FakeSession;
    if (session.closed) return;
    session.closed = true;
    this.live.sessions.delete(session.id);
    this.sessions.delete(session.id);
    session.ta.closeSession?.(session.state);
    this.log.push({ op: 'closeSession', session: session.id });
  }

  /**
   * Invokes of a session run one at a time in call order; `unordered` ones skip that queue and
   * run as soon as they are made, concurrently (a TEE that takes them in any order), so they
   * finish in the order their latency decides.
   */
  async invokeCommand(handle: SessionHandle, command: number, params: readonly BackendParam[] | null, signal?: AbortSignal, unordered = false): Promise<OperationOutputs> {
    const session = handle as unknown as FakeSession;
    if (session.closed) throw new TeecError(ReturnCode.TEEC_ERROR_BAD_PARAMETERS, ReturnOrigin.COMMS, { operation: 'invokeCommand' });
    if (signal?.aborted) throw cancelledBeforeStart('invokeCommand');
    const fakeParams = lower(params);
    const shms = (params ?? []).flatMap((p) => ('shm' in p ? [(p.shm as FakeShm).id] : []));
    this.log.push({ op: 'invoke', session: session.id, command, shms, ...(unordered ? { unordered: true as const } : {}) });
    const controller = new AbortController();
    const onAbort = (): void => {
      this.log.push({ op: 'cancel', session: session.id, command });
      controller.abort();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // A TA runs one command at a time: queue behind the session's previous command.
    const previous = unordered ? undefined : session.queue;
    let done = (): void => undefined;
    if (!unordered) session.queue = new Promise<void>((r) => (done = r));
    try {
      await previous;
      await this.options.latency?.({ op: 'invoke', command, params });
      // Cancelled while queued or in transit: the TA is never entered.
      if (controller.signal.aborted) throw cancelledBeforeStart('invokeCommand');
      if (session.dead) {
        throw new TeecError(ReturnCode.TEEC_ERROR_TARGET_DEAD, ReturnOrigin.TEE, { operation: 'invokeCommand' });
      }
      await runTa(() => session.ta.invoke({ command, params: fakeParams, signal: controller.signal, session: session.state }), 'invokeCommand', fakeParams);
      this.log.push({ op: 'invoked', session: session.id, command, code: 0, shms });
      return raise(fakeParams);
    } catch (e) {
      this.log.push({ op: 'invoked', session: session.id, command, code: e instanceof TeecError ? e.code : ReturnCode.TEEC_ERROR_GENERIC, shms });
      throw e;
    } finally {
      done();
      signal?.removeEventListener('abort', onAbort);
    }
  }

  allocateSharedMemory(context: ContextHandle, size: number, flags: number): SharedMemoryHandle {
    return this.addShm(context, 'allocate', new Uint8Array(size), flags, 'allocated');
  }

  registerSharedMemory(context: ContextHandle, buffer: Uint8Array | ArrayBuffer, flags: number): SharedMemoryHandle {
    const view = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
    return this.addShm(context, 'register', view, flags, 'registered');
  }

  async releaseSharedMemory(handle: SharedMemoryHandle): Promise<void> {
    const shm = handle as FakeShm;
    if (shm.released) return;
    shm.released = true;
    this.live.shms.delete(shm.id);
    this.log.push({ op: 'release', shm: shm.id });
  }

  private addShm(context: ContextHandle, op: 'allocate' | 'register', buffer: Uint8Array, flags: number, kind: 'allocated' | 'registered'): FakeShm {
    const ctx = context as unknown as FakeContext;
    const shm: FakeShm = { id: this.nextId++, size: buffer.length, flags, buffer, zeroCopy: kind === 'allocated', kind, released: false };
    this.live.shms.add(shm.id);
    this.log.push({ op, context: ctx.id, shm: shm.id, size: buffer.length });
    return shm;
  }
}

/** Fails a fake TA call with a GP code (origin TRUSTED_APP). @example fail(ReturnCode.TEEC_ERROR_BAD_PARAMETERS) */
export function fail(code: number): never {
  throw new TeecError(code, ReturnOrigin.TRUSTED_APP);
}

async function runTa(body: () => void | Promise<void>, operation: string, params?: FakeParam[]): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (e instanceof TeecError) {
      const outputs = params ? raise(params) : undefined;
      const requiredSize = e.isShortBuffer ? params?.find((p) => p.data && p.size > p.data.length)?.size : undefined;
      throw new TeecError(e.code, e.origin, { operation, outputs, requiredSize });
    }
    throw new TeecError(ReturnCode.TEEC_ERROR_TARGET_DEAD, ReturnOrigin.TEE, { operation, message: `${operation}: fake TA threw ${String(e)}` });
  }
}

function lower(params: readonly BackendParam[] | null): FakeParam[] {
  const out: FakeParam[] = [];
  for (let i = 0; i < 4; i++) {
    const p: BackendParam = params?.[i] ?? { type: 0 };
    if ('a' in p) out.push({ type: p.type, a: p.a, b: p.b, data: null, size: 0 });
    else if ('buffer' in p) out.push({ type: p.type, a: 0, b: 0, data: p.buffer, size: p.buffer?.length ?? 0 });
    else if ('offset' in p) {
      const data = p.shm.buffer.subarray(p.offset, p.offset + p.size);
      out.push({ type: p.type, a: 0, b: 0, data, size: p.size });
    } else if ('shm' in p) out.push({ type: p.type, a: 0, b: 0, data: p.shm.buffer, size: p.shm.size });
    else out.push({ type: 0, a: 0, b: 0, data: null, size: 0 });
  }
  return out;
}

function raise(params: readonly FakeParam[]): OperationOutputs {
  const one = (p: FakeParam): ParamOutput => (p.type >= 1 && p.type <= 3 ? { a: p.a >>> 0, b: p.b >>> 0 } : p.data !== null || p.type >= 5 ? { size: p.size } : {});
  return [one(params[0]), one(params[1]), one(params[2]), one(params[3])];
}
