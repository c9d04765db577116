/**
 * Sessions with trusted applications.
 * @module
 */
import type { Backend, BackendParam, SessionHandle } from './backend';
import { TeecStateError, cancelledBeforeStart } from './errors';
import { InFlight, trackAll } from './in-flight';
import { checkUint32, toBackendParams, toInvokeResult, type InvokeResult, type Param } from './params';
import type { SharedMemory } from './shared-memory';
import type { Uuid } from './uuid';
import type { Context } from './context';

/** Options of a single call. */
export interface CallOptions {
  /** Aborting cancels the call: it never reaches the TEE, or the TEE is asked to cancel it. */
  signal?: AbortSignal;
}

/** Options of {@link Session.invoke}. */
export interface InvokeOptions extends CallOptions {
  /**
   * false: the command may reach the TA before or after commands invoked earlier on the session
   * (default true: in invoke order). Only for commands whose effect does not depend on order,
   * e.g. chunks that carry their own offset. In return the TEE holds it while the current command
   * runs, and the TA starts it without waiting for a round trip through Node (see
   * Backend.invokeCommand).
   */
  ordered?: boolean;
}

/**
 * An open session with a TA. Commands may be invoked concurrently from JS; they reach the TA one
 * at a time, in the order they were invoked (unless invoked with `ordered: false`). Close it
 * explicitly; its context closes it at the latest.
 *
 * @example
 * const session = await context.openSession('123e4567-e89b-12d3-a456-426655440000');
 * const r = await session.invoke(1, [valueInout(10, 100), tempInput(Buffer.from([1, 2, 3]))]);
 * console.log(r.params[0].a);
 * await session.close();
 */
export class Session {
  private readonly inFlight = new InFlight();
  private closing?: Promise<void>;

  /** @internal Use {@link Context.openSession}. */
  constructor(
    private readonly backend: Backend,
    /** The context this session belongs to. */ readonly context: Context,
    /** @internal */ readonly handle: SessionHandle,
    /** The TA's UUID. */ readonly uuid: Uuid,
    /** The login method used. */ readonly login: number,
    private readonly onClosed: (s: Session) => void,
  ) {}

  /** True once {@link Session.close} was called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Number of commands in flight. */
  get pending(): number {
    return this.inFlight.size;
  }

  /**
   * Invokes `command` with up to four parameters. Outputs are written back in place (temp memref
   * buffers, shared memory) and returned as an {@link InvokeResult}. Rejects with TeecError.
   * @example const { params } = await session.invoke(2, [valueOutput()]); params[0].a
   */
  invoke(command: number, params?: readonly Param[] | null, options: InvokeOptions = {}): Promise<InvokeResult> {
    let lowered: BackendParam[] | null;
    try {
      if (this.closing) throw new TeecStateError('session is closed', 'invokeCommand');
      checkUint32(command, 'command');
      lowered = toBackendParams(params, checkLive);
    } catch (e) {
      return Promise.reject(e);
    }
    if (options.signal?.aborted) return Promise.reject(cancelledBeforeStart('invokeCommand'));
    const owners = ownersOf(params, this.inFlight);
    const backend = this.backend;
    const handle = this.handle;
    const unordered = options.ordered === false;
    return trackAll(
      owners,
      options.signal,
      (signal) => backend.invokeCommand(handle, command, lowered, signal, unordered),
      (out) => toInvokeResult(params, out, command),
    );
  }

  /**
   * Closes the session: commands in flight are cancelled and awaited first. Closing twice is a no-op.
   * The last session of a TA instance that is not kept alive takes the instance with it: the
   * close resolves once the TA's `TA_DestroyEntryPoint` has run (in the simulator as in OP-TEE).
   * @example await session.close()
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.inFlight.cancelAndDrain('session closed');
      try {
        await this.backend.closeSession(this.handle);
      } finally {
        this.onClosed(this);
      }
    })();
    return this.closing;
  }
}

/** Refuses released shared memory. */
export function checkLive(shm: SharedMemory, arg: string): void {
  if (shm.released) throw new TeecStateError(`${arg} was released`, 'invokeCommand');
}

/** The shared memory blocks a parameter list refers to. */
export function sharedIn(params: readonly Param[] | null | undefined): SharedMemory[] {
  const out: SharedMemory[] = [];
  for (const p of params ?? []) if (p && 'shm' in p && !out.includes(p.shm)) out.push(p.shm);
  return out;
}

/** The in-flight sets a call is tracked in: the shared blocks its parameters use, then `session`'s. */
function ownersOf(params: readonly Param[] | null | undefined, session: InFlight): readonly InFlight[] {
  if (!params || params.length === 0) return session.alone;
  let owners: InFlight[] | undefined;
  for (const p of params) {
    if (p && 'shm' in p && !owners?.includes(p.shm.inFlight)) (owners ??= []).push(p.shm.inFlight);
  }
  if (owners === undefined) return session.alone;
  owners.push(session);
  return owners;
}

/**
 * Registers a call as in flight on each shared block it uses (so releasing the block cancels and
 * waits for it), then runs it.
 */
export function trackShared<T>(shms: SharedMemory[], signal: AbortSignal | undefined, call: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (shms.length === 0) return call(signal);
  return trackAll(
    shms.map((s) => s.inFlight),
    signal,
    call,
  );
}
