/**
 * One scheduled openSession/invokeCommand: its task id (for revokeCommand), its callbacks (each
 * task calls exactly one of them, exactly once, always asynchronously) and its AbortController
 * (revoking a started task requests GP cancellation through the core's AbortSignal).
 * @module
 */
import { describe } from '../core/uuid';
import { revokedBeforeStart, typeMismatch, type WebAPIError } from './errors';

// Tizen's TeecTaskId is an unsigned long: ids are unique in the process and never 0.
let lastTaskId = 0;

/** A callback as user code passes it. */
type Callback = (...args: never[]) => unknown;

/**
 * Checks a success callback (required) and an error callback (optional, nullable).
 * @example checkCallbacks(onSuccess, undefined)
 */
export function checkCallbacks(success: unknown, error: unknown): void {
  if (typeof success !== 'function') throw typeMismatch('successCallback', `must be a function, got ${describe(success)}`);
  if (error !== undefined && error !== null && typeof error !== 'function') throw typeMismatch('errorCallback', `must be a function or null, got ${describe(error)}`);
}

/**
 * A task: created when the method is called, started when its operation reaches the core,
 * settled by exactly one callback.
 * @example const task = new Task('invokeCommand', onSuccess, onError); return task.id;
 */
export class Task {
  readonly id: number;
  readonly controller = new AbortController();
  /** Settles once the task is over (delivered, or revoked before it started). */
  readonly finished: Promise<void>;
  private settled = false;
  private started = false;
  private finish!: () => void;

  constructor(
    readonly operation: string,
    private readonly onSuccess: Callback,
    private readonly onError?: Callback | null,
  ) {
    lastTaskId = lastTaskId >= 0xffffffff ? 1 : lastTaskId + 1;
    this.id = lastTaskId;
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  /** True once a callback has been scheduled. */
  get isSettled(): boolean {
    return this.settled;
  }

  /** Marks the task started; false if it was revoked (or otherwise settled) before. */
  start(): boolean {
    if (this.settled) return false;
    this.started = true;
    return true;
  }

  /**
   * Revokes the task: before it started it fails now with OperationCanceledError and never
   * reaches the TEE; once started, cancellation is requested (GP: the TA may still complete).
   * Revoking a settled task does nothing.
   */
  revoke(): void {
    if (this.settled) return;
    if (!this.started) {
      void this.fail(revokedBeforeStart(this.operation));
      return;
    }
    this.controller.abort(new Error(`${this.operation} revoked`));
  }

  /** Calls the success callback (asynchronously); resolves once it has returned. */
  succeed(...args: unknown[]): Promise<void> {
    return this.deliver(this.onSuccess, args);
  }

  /** Calls the error callback, if any (asynchronously); resolves once it has returned. */
  fail(error: WebAPIError): Promise<void> {
    return this.deliver(this.onError ?? undefined, [error]);
  }

  private deliver(callback: Callback | undefined, args: unknown[]): Promise<void> {
    if (this.settled) return Promise.resolve();
    this.settled = true;
    return new Promise<void>((resolve) => {
      // A macrotask: never inside the caller's turn, and an exception thrown by the callback
      // surfaces as an uncaught exception (as for any Node callback) without breaking the queue.
      setImmediate(() => {
        try {
          (callback as ((...a: unknown[]) => unknown) | undefined)?.(...args);
        } finally {
          resolve();
          this.finish();
        }
      });
    });
  }
}
