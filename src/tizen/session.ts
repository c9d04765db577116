/**
 * TeecSession: an open session with a TA, over a core Session. Commands run one at a time in call
 * order (see {@link OperationQueue}); `close()` runs after the commands already called.
 * @module
 */
import type { Session } from '../core/session';
import { describe } from '../core/uuid';
import { requireArguments, toUint32 } from './bytes';
import { invalidValues, toWebAPIError, typeMismatch } from './errors';
import { OperationQueue } from './operation-queue';
import { prepareParams } from './prepare-params';
import { checkCallbacks, Task } from './task';
import type { TeecParameter } from './parameters';
import type { WebAPIError } from './errors';

/** What a session needs from its context: task registration and the owner identity of blocks. */
export interface SessionOwner {
  /** Identity that shared memory blocks of this context carry. */
  readonly owner: object;
  /** Makes a task revocable through the context's revokeCommand. */
  track(task: Task): void;
}

/** Internal state of a session. */
export class SessionState {
  readonly queue = new OperationQueue();
  closed = false;
  /** Settles when the core session is closed. */
  closedCore?: Promise<void>;

  constructor(
    readonly core: Session,
    readonly context: SessionOwner,
  ) {}
}

const states = new WeakMap<TeecSession, SessionState>();
const CONSTRUCT = Symbol('TeecSession');

/**
 * The internal state of a session.
 * @example sessionStateOf(session).queue.size
 */
export function sessionStateOf(session: TeecSession): SessionState | undefined {
  return states.get(session);
}

/** Success callback of invokeCommand. */
export type TeecCommandSuccessCallback = (cmd: number, params: TeecParameter[]) => void;
/** Error callback of openSession/invokeCommand. */
export type ErrorCallback = (error: WebAPIError) => void;

/**
 * An open session with a TA (handed to openSession's success callback).
 *
 * @example
 * session.invokeCommand(1, [new TeecValue(10, 100)], (cmd, params) => {
 *   console.log(params[0].a); // what the TA wrote back
 *   session.close();
 * }, (err) => console.log(err.name, err.codeName));
 */
export class TeecSession {
  /** @internal Made by TeecContext.openSession. */
  constructor(token: symbol, state: SessionState) {
    if (token !== CONSTRUCT) throw new TypeError('Illegal constructor: sessions come from TeecContext.openSession');
    states.set(this, state);
  }

  /** @internal */
  static create(state: SessionState): TeecSession {
    return new TeecSession(CONSTRUCT, state);
  }

  /**
   * Closes the session once the commands already called on it have finished (to stop them,
   * revoke them first). Further invokeCommand calls throw InvalidValuesError. Closing twice does
   * nothing.
   * @example session.close()
   */
  close(): void {
    const state = this.state('close');
    if (state.closed) return;
    state.closed = true;
    state.queue.push({
      run: () => (state.closedCore = state.core.close().catch(() => undefined)),
    });
  }

  /**
   * Invokes command `cmd` of the TA with up to four parameters; returns a task id for
   * `TeecContext.revokeCommand`. The success callback receives `cmd` and the parameter array with
   * OUTPUT/INOUT values and temp memory written back.
   * @example const id = session.invokeCommand(1, [new TeecTempMemory([1, 2, 3])], (cmd, params) => {}, (err) => {});
   */
  invokeCommand(cmd: number, params: TeecParameter[] | null, successCallback: TeecCommandSuccessCallback, errorCallback?: ErrorCallback | null): number {
    const state = this.state('invokeCommand');
    requireArguments('invokeCommand', arguments.length, 3);
    const command = toUint32(cmd, 'cmd');
    const prepared = prepareParams(params, state.context.owner);
    checkCallbacks(successCallback, errorCallback);
    if (state.closed) throw invalidValues('invokeCommand', 'called on a closed session');

    const task = new Task('invokeCommand', successCallback as never, errorCallback as never);
    state.context.track(task);
    for (const block of prepared.blocks) block.use(task.finished);
    state.queue.push({
      run: async () => {
        if (!task.start()) return; // revoked while queued: already reported
        try {
          const coreParams = prepared.build();
          const result = await state.core.invoke(command, coreParams, { signal: task.controller.signal });
          prepared.writeBack(result);
          await task.succeed(cmd, prepared.given);
        } catch (e) {
          await task.fail(toWebAPIError(e, 'invokeCommand'));
        }
      },
    });
    return task.id;
  }

  private state(method: string): SessionState {
    const state = states.get(this);
    if (!state) throw typeMismatch(method, `must be called on a TeecSession, got ${describe(this)}`);
    return state;
  }
}
