/**
 * TeecContext: the Tizen context over a core {@link Context}.
 *
 * `getContext()` is synchronous; `Context.open` is not. The TeecContext starts opening its core
 * context at once and:
 * - openSession waits for it (a failure reaches the error callback as NotSupportedError);
 * - allocateSharedMemory/registerSharedMemory return at once: before the context is ready the
 *   block is pending (see `shared-memory.ts`) and is allocated/registered when it becomes ready,
 *   before any session can exist;
 * - once initialization is known to have failed, the synchronous methods throw NotSupportedError.
 * @module
 */
import type { Backend } from '../core/backend';
import { Context } from '../core/context';
import { errorMessage } from '../core/error-message';
import { describe, isUuid } from '../core/uuid';
import { requireArguments, toSize } from './bytes';
import { contextUnavailable, invalidValues, toWebAPIError, toWebAPIException, typeMismatch, WebAPIException } from './errors';
import { isEnumValue, LOGIN_METHODS, SHARED_MEMORY_FLAGS, TeecLoginMethod, TeecSharedMemoryFlags } from './enums';
import type { TeecParameter } from './parameters';
import { prepareParams } from './prepare-params';
import { isSharedMemory, SharedMemoryState, stateOf, TeecSharedMemory } from './shared-memory';
import { SessionState, TeecSession, type ErrorCallback, type SessionOwner } from './session';
import { checkCallbacks, Task } from './task';

/** Success callback of openSession. */
export type TeecOpenSuccessCallback = (session: TeecSession) => void;

const UINT32_MAX = 0xffffffff;

/** Internal state of a context. */
export class ContextState implements SessionOwner {
  readonly owner = this;
  core?: Context;
  failure?: unknown;
  finalizing?: Promise<void>;
  readonly ready: Promise<Context>;
  private readonly tasks = new Map<number, Task>();
  private pending: SharedMemoryState[] = [];

  constructor(
    readonly name: string | null,
    backend: Backend,
    onFailure: () => void,
  ) {
    this.ready = Context.open({ name, backend }).then(
      (context) => {
        this.core = context;
        // Pending blocks first: nothing that could use them has run yet.
        for (const block of this.pending) block.materialize(context);
        this.pending = [];
        return context;
      },
      (error: unknown) => {
        this.failure = error;
        onFailure();
        throw error;
      },
    );
    this.ready.catch(() => undefined); // reported through each operation that needs the context
  }

  track(task: Task): void {
    this.tasks.set(task.id, task);
    void task.finished.then(() => this.tasks.delete(task.id));
  }

  revoke(id: number): void {
    this.tasks.get(id)?.revoke();
  }

  adopt(block: SharedMemoryState): void {
    if (this.core) block.materialize(this.core);
    else this.pending.push(block);
    if (block.failure !== undefined) throw toWebAPIException(block.failure);
  }

  /** Throws if no new operation may start on this context. */
  checkUsable(method: string): void {
    if (this.finalizing) throw invalidValues(method, 'called on a finalized TeecContext');
    if (this.failure !== undefined) {
      const why = errorMessage(this.failure);
      throw new WebAPIException('NotSupportedError', `${method}: the TEE context could not be initialized (${why})`, { cause: this.failure });
    }
  }
}

const states = new WeakMap<TeecContext, ContextState>();
const CONSTRUCT = Symbol('TeecContext');

/**
 * A TEE context (from `tizen.teec.getContext()`).
 *
 * @example
 * const ctx = tizen.teec.getContext();
 * ctx.openSession('123e4567-e89b-12d3-a456-426655440000', TeecLoginMethod.PUBLIC, null, null,
 *   (session) => session.close(), (err) => console.log(err.name));
 */
export class TeecContext {
  /** @internal Made by LibTeecManager.getContext. */
  constructor(token: symbol, state: ContextState) {
    if (token !== CONSTRUCT) throw new TypeError('Illegal constructor: use tizen.teec.getContext()');
    states.set(this, state);
  }

  /** @internal */
  static create(state: ContextState): TeecContext {
    return new TeecContext(CONSTRUCT, state);
  }

  /**
   * Opens a session with the TA `taUUID`; returns a task id for {@link TeecContext.revokeCommand}.
   * `connectionData` is the group id for GROUP logins (else null); `params` (null = none) go to
   * the TA's open entry point and OUTPUT/INOUT ones are written back.
   * @example ctx.openSession(uuid, 'PUBLIC', null, null, (s) => { gSession = s; }, (e) => console.log(e.name));
   */
  openSession(
    taUUID: string,
    loginMethod: TeecLoginMethod | string,
    connectionData: number | null,
    params: TeecParameter[] | null,
    successCallback: TeecOpenSuccessCallback,
    errorCallback?: ErrorCallback | null,
  ): number {
    const state = this.state('openSession');
    requireArguments('openSession', arguments.length, 5);
    if (typeof taUUID !== 'string') throw typeMismatch('taUUID', `must be a UUID string, got ${describe(taUUID)}`);
    if (!isUuid(taUUID)) throw invalidValues('taUUID', `must be a UUID like 123e4567-e89b-12d3-a456-426655440000, got ${describe(taUUID)}`);
    if (!isEnumValue(TeecLoginMethod, loginMethod)) throw typeMismatch('loginMethod', `must be a TeecLoginMethod (PUBLIC, USER, GROUP, APPLICATION), got ${describe(loginMethod)}`);
    const gid = connectionData === null || connectionData === undefined ? null : toSize(connectionData, 'connectionData');
    if (gid !== null && gid > UINT32_MAX) throw invalidValues('connectionData', `must be at most 4294967295, got ${gid}`);
    if (loginMethod === 'GROUP' && gid === null) throw invalidValues('connectionData', 'must be the group id for a GROUP login');
    const prepared = prepareParams(params, state.owner);
    checkCallbacks(successCallback, errorCallback);
    state.checkUsable('openSession');

    const task = new Task('openSession', successCallback as never, errorCallback as never);
    state.track(task);
    for (const block of prepared.blocks) block.use(task.finished);
    void (async () => {
      let context: Context;
      try {
        context = await state.ready;
      } catch (e) {
        await task.fail(contextUnavailable(e, 'openSession'));
        return;
      }
      if (!task.start()) return; // revoked while the context was opening
      try {
        const { session, result } = await context.openSessionWithResult(taUUID, {
          login: LOGIN_METHODS[loginMethod],
          connectionData: gid,
          params: prepared.build(),
          signal: task.controller.signal,
        });
        prepared.writeBack(result);
        await task.succeed(TeecSession.create(new SessionState(session, state)));
      } catch (e) {
        await task.fail(toWebAPIError(e, 'openSession'));
      }
    })();
    return task.id;
  }

  /**
   * Revokes a pending openSession/invokeCommand of this context by task id. Not started yet: it
   * never reaches the TEE and its error callback gets OperationCanceledError. Running: GP
   * cancellation is requested; if the TA honours it the error callback gets
   * OperationCanceledError, if it completes anyway the success callback runs. Unknown or
   * finished ids are ignored (a task may finish while the revoke is on its way).
   * @example const id = session.invokeCommand(6, [new TeecValue(10000, 0)], ok, err); ctx.revokeCommand(id);
   */
  revokeCommand(id: number): void {
    const state = this.state('revokeCommand');
    requireArguments('revokeCommand', arguments.length, 1);
    if (typeof id !== 'number') throw typeMismatch('id', `must be a task id (a number), got ${describe(id)}`);
    state.revoke(id);
  }

  /**
   * Allocates `size` bytes of shared memory (zero-filled) usable in the `flags` directions.
   * @example const shm = ctx.allocateSharedMemory(1024 * 1024, TeecSharedMemoryFlags.INOUT);
   */
  allocateSharedMemory(size: number, flags: TeecSharedMemoryFlags | string): TeecSharedMemory {
    const state = this.state('allocateSharedMemory');
    requireArguments('allocateSharedMemory', arguments.length, 2);
    const bytes = toSize(size, 'size');
    const gpFlags = checkFlags(flags);
    state.checkUsable('allocateSharedMemory');
    const block = new SharedMemoryState(state.owner, bytes, gpFlags, 'allocated');
    state.adopt(block);
    return TeecSharedMemory.create(block);
  }

  /**
   * Registers caller memory as shared memory. The IDL's numeric `addr` means nothing in
   * JavaScript: pass the memory itself (ArrayBuffer, SharedArrayBuffer, Buffer, any typed array
   * or DataView); its first `size` bytes are shared, without a copy on the JS side, until
   * released. A number throws NotSupportedError.
   * @example const shm = ctx.registerSharedMemory(new Uint8Array(4096), 4096, 'INPUT');
   */
  registerSharedMemory(addr: ArrayBuffer | SharedArrayBuffer | ArrayBufferView, size: number, flags: TeecSharedMemoryFlags | string): TeecSharedMemory {
    const state = this.state('registerSharedMemory');
    requireArguments('registerSharedMemory', arguments.length, 3);
    const memory = memoryOf(addr);
    const bytes = toSize(size, 'size');
    if (bytes > memory.length) throw invalidValues('size', `${bytes} exceeds the ${memory.length} bytes of addr`);
    const gpFlags = checkFlags(flags);
    state.checkUsable('registerSharedMemory');
    const block = new SharedMemoryState(state.owner, bytes, gpFlags, 'registered', memory.subarray(0, bytes));
    state.adopt(block);
    return TeecSharedMemory.create(block);
  }

  /**
   * Releases a block. It cannot be used in new parameters or setData/getData afterwards;
   * operations already called with it still complete, and the memory is freed once they have.
   * Releasing twice does nothing.
   * @example ctx.releaseSharedMemory(shm)
   */
  releaseSharedMemory(shm: TeecSharedMemory): void {
    const state = this.state('releaseSharedMemory');
    requireArguments('releaseSharedMemory', arguments.length, 1);
    if (!isSharedMemory(shm)) throw typeMismatch('shm', `must be a TeecSharedMemory, got ${describe(shm)}`);
    const block = stateOf(shm);
    if (block.owner !== state.owner) throw invalidValues('shm', 'belongs to another TeecContext');
    block.release();
  }

  /**
   * rx-teec extension (not in the Tizen IDL): closes every session and releases every block of
   * this context, then finalizes it. Useful in long-running Node processes and tests; the next
   * `getContext()` makes a new context.
   * @example await ctx.finalize()
   */
  finalize(): Promise<void> {
    const state = this.state('finalize');
    state.finalizing ??= state.ready.then(
      (context) => context.close(),
      () => undefined,
    );
    return state.finalizing;
  }

  private state(method: string): ContextState {
    const state = states.get(this);
    if (!state) throw typeMismatch(method, `must be called on a TeecContext, got ${describe(this)}`);
    return state;
  }
}

function checkFlags(flags: unknown): number {
  if (!isEnumValue(TeecSharedMemoryFlags, flags)) throw typeMismatch('flags', `must be a TeecSharedMemoryFlags (INPUT, OUTPUT, INOUT), got ${describe(flags)}`);
  return SHARED_MEMORY_FLAGS[flags];
}

function memoryOf(addr: unknown): Uint8Array {
  if (typeof addr === 'number' || typeof addr === 'bigint') {
    throw new WebAPIException(
      'NotSupportedError',
      'registerSharedMemory: a numeric address means nothing in JavaScript; pass the memory itself (an ArrayBuffer, Buffer or typed array)',
    );
  }
  if (ArrayBuffer.isView(addr)) return new Uint8Array(addr.buffer, addr.byteOffset, addr.byteLength);
  if (addr instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && addr instanceof SharedArrayBuffer)) return new Uint8Array(addr);
  throw typeMismatch('addr', `must be an ArrayBuffer, Buffer or typed array, got ${describe(addr)}`);
}
