/**
 * The swappable binding under the typed core: the native addon implements it over a libteec
 * (the bundled simulator's or a device's); tests implement it with a fake. Everything above
 * `src/core` (operators, the Tizen API) reaches a TEE only through a {@link Backend}.
 *
 * Handles are opaque to callers; only the backend that made a handle may be given it back.
 * @module
 */
import type { Uuid } from './uuid';

/** Which libteec a backend talks to. */
export interface BackendInfo {
  /** 'simulator' for the bundled simulator, 'libteec' for a device's library, 'fake' in tests. */
  readonly kind: 'simulator' | 'libteec' | 'fake';
  /** Absolute path of the loaded libteec, when there is one. */
  readonly libraryPath?: string;
  /** Why this backend was chosen (option, environment variable, detected device, default). */
  readonly reason: string;
}

/** An initialized TEEC_Context. */
export interface ContextHandle {
  readonly __context: unique symbol;
}
/** An open TEEC_Session. */
export interface SessionHandle {
  readonly __session: unique symbol;
}
/** A TEEC_SharedMemory block, allocated or registered. */
export interface SharedMemoryHandle {
  /** Size in bytes (as the TEEC_SharedMemory says). */
  readonly size: number;
  /** TEEC_MEM_INPUT | TEEC_MEM_OUTPUT. */
  readonly flags: number;
  /**
   * The block's bytes. Allocated memory: a zero-copy view of the memory shared with the TA (or a
   * copy-backed view where the runtime forbids external buffers; see `zeroCopy`). Registered
   * memory: the caller's own buffer.
   */
  readonly buffer: Uint8Array;
  /** True when `buffer` is the very memory the TA sees. */
  readonly zeroCopy: boolean;
  /** 'allocated' (TEEC_AllocateSharedMemory) or 'registered' (TEEC_RegisterSharedMemory). */
  readonly kind: 'allocated' | 'registered';
}

/**
 * One operation parameter as the backend receives it: GP parameter type plus its payload.
 * Temporary memrefs point at caller memory that the backend keeps alive until the call returns;
 * OUTPUT/INOUT data is written back into it in place.
 */
export type BackendParam =
  | { readonly type: 0x0 }
  | { readonly type: 0x1 | 0x2 | 0x3; readonly a: number; readonly b: number }
  | { readonly type: 0x5 | 0x6 | 0x7; readonly buffer: Uint8Array | null }
  | { readonly type: 0xc; readonly shm: SharedMemoryHandle }
  | { readonly type: 0xd | 0xe | 0xf; readonly shm: SharedMemoryHandle; readonly offset: number; readonly size: number };

/** What came back through one parameter: values for VALUE_*, the memref size for memrefs. */
export interface ParamOutput {
  readonly a?: number;
  readonly b?: number;
  readonly size?: number;
}

/** Outputs of a completed call, one entry per parameter index (always four). */
export type OperationOutputs = readonly [ParamOutput, ParamOutput, ParamOutput, ParamOutput];

/**
 * The GP Client API as promises. Every call that can wait on the TEE is asynchronous and runs off
 * the JS thread. Failures reject with `TeecError` (GP code and origin); bad arguments throw
 * `TeecArgumentError`/`TeecRangeError` synchronously or reject with them.
 */
export interface Backend {
  readonly info: BackendInfo;

  /** TEEC_InitializeContext. `name` null/undefined = the default TEE. */
  initializeContext(name?: string | null): Promise<ContextHandle>;
  /**
   * TEEC_FinalizeContext, after closing the context's sessions and releasing its shared memory
   * (children first); waits for calls in flight (requesting their cancellation).
   */
  finalizeContext(context: ContextHandle): Promise<void>;

  /**
   * TEEC_OpenSession. `connectionData` is the gid for GROUP logins, else ignored.
   * An aborted `signal` cancels: before the call reaches the TEE it never does; once it is in the
   * TEE, TEEC_RequestCancellation is sent for its operation.
   */
  openSession(
    context: ContextHandle,
    uuid: Uuid,
    login: number,
    connectionData: number | null,
    params: readonly BackendParam[] | null,
    signal?: AbortSignal,
  ): Promise<{ session: SessionHandle; outputs: OperationOutputs }>;
  /** TEEC_CloseSession; waits for calls in flight on the session (requesting their cancellation). */
  closeSession(session: SessionHandle): Promise<void>;

  /**
   * TEEC_InvokeCommand, cancellable as {@link Backend.openSession}.
   *
   * Order: invokes on one session reach the TEE in the order they were made (FIFO per session),
   * one at a time; a later invoke starts only once the earlier ones returned or were cancelled.
   * Callers may therefore queue several invokes on a session without waiting (e.g. a stream's
   * chunks). Invokes on different sessions run concurrently.
   *
   * `unordered`: the invoke skips that queue and is a libteec call of its own, concurrent with
   * the session's others (GP lets several threads invoke on one session; the TEE queues them for
   * the TA). It may then reach the TA before or after invokes made earlier, so use it only for
   * commands whose effect does not depend on order. In return the TEE holds the next request
   * while the current one runs: the TA starts it the moment the current one returns, without a
   * round trip through the caller in between. A backend may still run such invokes in order.
   */
  invokeCommand(
    session: SessionHandle,
    command: number,
    params: readonly BackendParam[] | null,
    signal?: AbortSignal,
    unordered?: boolean,
  ): Promise<OperationOutputs>;

  /** TEEC_AllocateSharedMemory (local: does not wait on a TA, so it is synchronous). */
  allocateSharedMemory(context: ContextHandle, size: number, flags: number): SharedMemoryHandle;
  /** TEEC_RegisterSharedMemory over caller-owned memory, kept alive until released. */
  registerSharedMemory(context: ContextHandle, buffer: Uint8Array | ArrayBuffer, flags: number): SharedMemoryHandle;
  /** TEEC_ReleaseSharedMemory, once no call in flight uses the block. Releasing twice is a no-op. */
  releaseSharedMemory(shm: SharedMemoryHandle): Promise<void>;
}
