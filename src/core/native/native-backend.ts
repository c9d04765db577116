/**
 * The production {@link Backend}: the GP Client API through the rx_teec.node addon, over a
 * libteec loaded at run time (the bundled simulator's or a device's).
 * @module
 */
import type {
  Backend,
  BackendInfo,
  BackendParam,
  ContextHandle,
  OperationOutputs,
  SessionHandle,
  SharedMemoryHandle,
} from '../backend';
import { PARAM_COUNT, ReturnCode } from '../constants';
import { TeecArgumentError, TeecError, TeecRangeError, TeecStateError, cancelledBeforeStart, type FailedParamOutput } from '../errors';
import { errorMessage } from '../error-message';
import { parseUuid, describe } from '../uuid';
import { abortFanout, type AbortTarget } from '../in-flight';
import { INVOKE_RECORD, INVOKE_RECORDS, loadAddon, type NativeAddon, type NativeLibrary, type NativeOutputs, type NativeStats } from './addon';

const EMPTY_OUTPUTS: OperationOutputs = Object.freeze([
  Object.freeze({}),
  Object.freeze({}),
  Object.freeze({}),
  Object.freeze({}),
]) as unknown as OperationOutputs;

const CANCELLED_BEFORE_START = 'cancelled-before-start';
const NO_OUTPUT: NativeOutputs[number] = Object.freeze({});

/** An invoke the addon has not settled yet; told when its signal aborts. */
class PendingInvoke implements AbortTarget {
  constructor(
    private readonly addon: NativeAddon,
    private readonly id: number,
    readonly resolve: (outputs: OperationOutputs) => void,
    readonly reject: (error: Error) => void,
    readonly params: readonly BackendParam[] | null,
    readonly signal: AbortSignal | undefined,
  ) {}

  onAbort(): void {
    this.addon.cancel(this.id);
  }
}

/** The addon as configured by this module: its invoke result records and the invokes pending. */
interface Channel {
  readonly addon: NativeAddon;
  records: Float64Array;
  /** Where invokeFast's parameter numbers go (after the records). */
  scratch: Float64Array;
  readonly pending: Map<number, PendingInvoke>;
}

let channel: Channel | undefined;

/** What the TA returned through the parameters of a record at `base` (undefined: no parameters). */
function outputsOf(params: readonly BackendParam[] | null, r: Float64Array, base: number): NativeOutputs | undefined {
  if (params === null || params.length === 0) return undefined;
  const out: NativeOutputs[number][] = [NO_OUTPUT, NO_OUTPUT, NO_OUTPUT, NO_OUTPUT];
  let any = false;
  for (let i = 0; i < params.length; i++) {
    const type = (params[i] as BackendParam | null | undefined)?.type ?? 0;
    if (type === 0) continue;
    any = true;
    const x = r[base + 4 + 2 * i];
    if (type <= 0x3) out[i] = { a: x, b: r[base + 5 + 2 * i] };
    else if ((type >= 0x5 && type <= 0x7) || type >= 0xc) out[i] = { size: x };
    else out[i] = {};
  }
  return any ? (out as unknown as NativeOutputs) : undefined;
}

/** The objects of the invoke being laid out (cleared right after the call). */
const objects: unknown[] = [undefined, undefined, undefined, undefined];

const isUint32 = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
const isSize = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/**
 * Lays out well-formed parameters for invokeFast: numbers into `scratch`, objects into `objs`;
 * returns the paramTypes word, or -1 for anything the full parser must see (it throws the same
 * typed errors as ever).
 */
function layOut(params: readonly BackendParam[], scratch: Float64Array, objs: unknown[]): number {
  if (params.length > 4) return -1;
  let types = 0;
  for (let i = 0; i < params.length; i++) {
    const p = params[i] as BackendParam | null | undefined;
    if (p === null || p === undefined) continue;
    if (typeof p !== 'object') return -1;
    const type = p.type;
    switch (type) {
      case 0x0:
        continue;
      case 0x1:
      case 0x2:
      case 0x3: {
        const a = p.a ?? 0;
        const b = p.b ?? 0;
        if (!isUint32(a) || !isUint32(b)) return -1;
        scratch[2 * i] = a;
        scratch[2 * i + 1] = b;
        break;
      }
      case 0x5:
      case 0x6:
      case 0x7: {
        const buffer = p.buffer;
        if (buffer !== null && buffer !== undefined && !(buffer instanceof Uint8Array)) return -1;
        objs[i] = buffer;
        break;
      }
      case 0xc:
        objs[i] = p.shm;
        break;
      case 0xd:
      case 0xe:
      case 0xf: {
        if (!isSize(p.offset) || !isSize(p.size)) return -1;
        objs[i] = p.shm;
        scratch[2 * i] = p.offset;
        scratch[2 * i + 1] = p.size;
        break;
      }
      default:
        return -1;
    }
    types |= type << (4 * i);
  }
  return types;
}

/** Settles the invokes whose records the addon just wrote (one call per batch of completions). */
function settleInvokes(ch: Channel, count: number): void {
  const r = ch.records;
  for (let i = 0, base = 0; i < count; i++, base += INVOKE_RECORD) {
    const id = r[base];
    const call = ch.pending.get(id);
    if (call === undefined) continue; // made by an earlier instance of this module
    ch.pending.delete(id);
    try {
      if (call.signal !== undefined) abortFanout(call.signal).delete(call);
      const code = r[base + 1];
      const note = r[base + 3];
      if (note !== 0) {
        call.reject(callError('invokeCommand', code, r[base + 2], undefined, CANCELLED_BEFORE_START, call.params));
      } else if (code === 0) {
        call.resolve((outputsOf(call.params, r, base) as OperationOutputs | undefined) ?? EMPTY_OUTPUTS);
      } else {
        call.reject(callError('invokeCommand', code, r[base + 2], outputsOf(call.params, r, base), undefined, call.params));
      }
    } catch (e) {
      // Never leave the rest of the batch unsettled; report the failure as uncaught.
      call.reject(e instanceof Error ? e : new Error(String(e)));
      queueMicrotask(() => {
        throw e;
      });
    }
  }
}

/** Loads the addon and gives it the error classes of src/core and the invoke receiver (once). */
function configured(addon: NativeAddon = loadAddon()): Channel {
  if (channel?.addon !== addon) {
    const ch: Channel = { addon, records: new Float64Array(0), scratch: new Float64Array(0), pending: new Map() };
    ch.records = addon.configure({
      teecError: (code, origin, operation, message) => new TeecError(code, origin, { operation, message }),
      argumentError: (argument, detail) => new TeecArgumentError(argument, detail),
      rangeError: (argument, detail) => new TeecRangeError(argument, detail),
      stateError: (message, operation) => new TeecStateError(message, operation),
      invokeDone: (count) => settleInvokes(ch, count),
    });
    ch.scratch = ch.records.subarray(INVOKE_RECORDS * INVOKE_RECORD);
    channel = ch;
  }
  return channel;
}

function addonWithErrors(addon?: NativeAddon): NativeAddon {
  return configured(addon).addon;
}

/** The size a memref parameter had going in, to spot the one SHORT_BUFFER grew. */
function sizeGiven(param: BackendParam | null | undefined): number | undefined {
  if (!param) return undefined;
  switch (param.type) {
    case 0x5:
    case 0x6:
    case 0x7:
      return param.buffer ? param.buffer.length : 0;
    case 0xc:
      return param.shm.size;
    case 0xd:
    case 0xe:
    case 0xf:
      return param.size;
    default:
      return undefined;
  }
}

/** Turns a failed call's code into the error src/core promises. */
function callError(
  operation: string,
  code: number,
  origin: number,
  outputs: NativeOutputs | undefined,
  note: string | undefined,
  params: readonly BackendParam[] | null,
): Error {
  if (note === CANCELLED_BEFORE_START) return cancelledBeforeStart(operation);
  if (note !== undefined) return new TeecStateError(note, operation);
  let requiredSize: number | undefined;
  let failedOutputs: (FailedParamOutput | undefined)[] | undefined;
  if (outputs) {
    failedOutputs = outputs.map((o) => (Object.keys(o).length ? { ...o } : undefined));
    if ((code >>> 0) === ReturnCode.TEEC_ERROR_SHORT_BUFFER && params) {
      for (let i = 0; i < params.length && requiredSize === undefined; i++) {
        const given = sizeGiven(params[i]);
        const returned = outputs[i]?.size;
        if (given !== undefined && returned !== undefined && returned > given) requiredSize = returned;
      }
    }
  }
  return new TeecError(code, origin, { operation, requiredSize, outputs: failedOutputs });
}

function checkParams(params: unknown): void {
  if (params === null || params === undefined) return;
  if (!Array.isArray(params)) throw new TeecArgumentError('params', `must be an array of at most ${PARAM_COUNT} parameters or null, got ${describe(params)}`);
  if (params.length > PARAM_COUNT) throw new TeecRangeError('params', `must have at most ${PARAM_COUNT} entries, got ${params.length}`);
}

function checkSignal(signal: unknown): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TeecArgumentError('signal', `must be an AbortSignal, got ${describe(signal)}`);
}

/**
 * The GP Client API over the addon. Make one with `loadNativeBackend()`.
 *
 * @example
 * const backend = loadNativeBackend();
 * const context = await backend.initializeContext(null);
 * const { session } = await backend.openSession(context, uuid, LoginMethod.PUBLIC, null, null);
 * await backend.invokeCommand(session, 0, [{ type: ParamType.VALUE_INPUT, a: 1, b: 2 }]);
 * await backend.finalizeContext(context);
 */
export class NativeBackend implements Backend {
  private readonly addon: NativeAddon;
  private readonly channel: Channel;
  private readonly library: NativeLibrary;

  /**
   * Loads `info.libraryPath` (throws an Error naming the path and dlerror when it cannot).
   * @example new NativeBackend(selectLibrary())
   */
  constructor(
    readonly info: BackendInfo,
    addon?: NativeAddon,
  ) {
    this.channel = configured(addon);
    this.addon = this.channel.addon;
    if (!info.libraryPath) throw new TypeError('info.libraryPath is required by the native backend');
    try {
      this.library = this.addon.openLibrary(info.libraryPath);
    } catch (e) {
      const why = errorMessage(e);
      const error = new Error(`rx-teec: ${why} [chosen by: ${info.reason}]`);
      (error as Error & { code?: string }).code = 'ERR_TEEC_LIBRARY';
      throw error;
    }
  }

  /** @example const context = await backend.initializeContext(null); */
  initializeContext(name?: string | null): Promise<ContextHandle> {
    return new Promise((resolve, reject) => {
      if (name !== undefined && name !== null && typeof name !== 'string') throw new TeecArgumentError('name', `must be a string or null, got ${describe(name)}`);
      this.addon.initializeContext(this.library, name ?? null, (code, origin, _outputs, handle, note) => {
        if (code === 0 && note === undefined) resolve(handle as ContextHandle);
        else reject(callError('initializeContext', code, origin, undefined, note, null));
      });
    });
  }

  /** @example await backend.finalizeContext(context); */
  finalizeContext(context: ContextHandle): Promise<void> {
    return new Promise((resolve) => {
      this.addon.finalizeContext(context, () => resolve());
    });
  }

  /** @example const { session } = await backend.openSession(context, uuid, 0, null, null); */
  openSession(
    context: ContextHandle,
    uuid: string,
    login: number,
    connectionData: number | null,
    params: readonly BackendParam[] | null,
    signal?: AbortSignal,
  ): Promise<{ session: SessionHandle; outputs: OperationOutputs }> {
    return new Promise((resolve, reject) => {
      const canonical = parseUuid(uuid);
      checkParams(params);
      checkSignal(signal);
      if (signal?.aborted) throw cancelledBeforeStart('openSession');
      let onAbort: (() => void) | undefined;
      const id = this.addon.openSession(
        context,
        canonical,
        login,
        connectionData ?? null,
        params ?? null,
        (code, origin, outputs, handle, note) => {
          if (onAbort) signal!.removeEventListener('abort', onAbort);
          if (code === 0 && note === undefined) resolve({ session: handle as SessionHandle, outputs: (outputs as OperationOutputs | undefined) ?? EMPTY_OUTPUTS });
          else reject(callError('openSession', code, origin, outputs, note, params));
        },
        signal !== undefined,
      );
      if (signal && id !== undefined) {
        onAbort = () => this.addon.cancel(id);
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  }

  /** @example await backend.closeSession(session); */
  closeSession(session: SessionHandle): Promise<void> {
    return new Promise((resolve) => {
      this.addon.closeSession(session, () => resolve());
    });
  }

  /** @example const outputs = await backend.invokeCommand(session, 1, [{ type: 0x2, a: 0, b: 0 }]); */
  invokeCommand(session: SessionHandle, command: number, params: readonly BackendParam[] | null, signal?: AbortSignal, unordered = false): Promise<OperationOutputs> {
    return new Promise((resolve, reject) => {
      checkParams(params);
      checkSignal(signal);
      if (signal?.aborted) throw cancelledBeforeStart('invokeCommand');
      const addon = this.addon;
      const id = this.issue(session, command, params ?? null, signal !== undefined, unordered);
      const call = new PendingInvoke(addon, id, resolve, reject, params ?? null, signal);
      this.channel.pending.set(id, call);
      if (signal !== undefined) abortFanout(signal).add(call);
    });
  }

  /**
   * Hands an invoke to the addon: well-formed parameters laid out flat (no property reads in C),
   * anything else through the full parser, which makes the same checks and errors as always.
   */
  private issue(session: SessionHandle, command: number, params: readonly BackendParam[] | null, cancellable: boolean, unordered: boolean): number {
    try {
      const types = params === null ? 0 : layOut(params, this.channel.scratch, objects);
      if (types < 0) return this.addon.invokeCommand(session, command, params, cancellable, unordered);
      return this.addon.invokeFast(session, command, types, objects[0], objects[1], objects[2], objects[3], cancellable, unordered);
    } finally {
      objects[0] = objects[1] = objects[2] = objects[3] = undefined;
    }
  }

  /** @example const shm = backend.allocateSharedMemory(context, 4096, SharedMemoryFlags.INOUT); */
  allocateSharedMemory(context: ContextHandle, size: number, flags: number): SharedMemoryHandle {
    return this.addon.allocateSharedMemory(context, size, flags) as SharedMemoryHandle;
  }

  /** @example const shm = backend.registerSharedMemory(context, new Uint8Array(4096), SharedMemoryFlags.INOUT); */
  registerSharedMemory(context: ContextHandle, buffer: Uint8Array | ArrayBuffer, flags: number): SharedMemoryHandle {
    return this.addon.registerSharedMemory(context, buffer, flags) as SharedMemoryHandle;
  }

  /** @example await backend.releaseSharedMemory(shm); */
  releaseSharedMemory(shm: SharedMemoryHandle): Promise<void> {
    return new Promise((resolve) => {
      this.addon.releaseSharedMemory(shm, () => resolve());
    });
  }

  /**
   * Counters of the addon (threads, live contexts/sessions/blocks, calls in flight).
   * @example console.log(backend.stats().sessions)
   */
  stats(): NativeStats {
    return this.addon.stats();
  }
}

/**
 * Tunes the addon's threads: `maxThreads` caps the threads running GP calls (default 512;
 * calls beyond it queue), `spinMicros` caps how long an idle worker polls for the next call before
 * sleeping (adaptive: one spinner at a time, only while calls come back to back; default 50, or
 * 0 when the process may use less than two CPUs' worth of time — its affinity mask (taskset, a
 * container's cpuset) or its cgroup CPU limit (`--cpus`, a pod's CPU limit);
 * `RX_TEEC_SPIN_MICROS` overrides it; 0 disables).
 *
 * `pollMicros` is the longest invoke round trip for which the JS thread's event loop polls instead
 * of sleeping while the invoke is in flight, so that its completion is picked up at once rather
 * than after a thread wake-up (on a VM, the wake-up of an idle vCPU can cost more than a short TA
 * call). Adaptive: only for calls expected (from recent ones) to take less than the budget, and
 * only around the expected completion — a timer wakes the loop shortly before it, polling stops
 * shortly after; calls that take longer cost no polling. The price is CPU on the JS thread while
 * short invokes are in flight (calls under ~120 µs are polled throughout), and a TA that computes
 * on the other CPU may run slower beside a polling thread, which is why the default is low.
 * Only the last call in flight is polled for: calls queued behind it keep the TEE busy anyway.
 * And only while polling pays: the addon keeps moving averages of lone calls' round trips polled
 * and asleep per kind of call (command, parameter types, memref size), polls while the first is
 * the lower, and sends about one eligible call in 64 the other way
 * (`stats().polledRoundTripMicros`, `stats().sleptRoundTripMicros`). Default 100, or 0 with less than two CPUs' worth of time (as for `spinMicros`), or `RX_TEEC_POLL_MICROS`; 0 disables (the loop sleeps as usual).
 * @example setWorkerPoolOptions({ maxThreads: 64, pollMicros: 0 })
 */
export function setWorkerPoolOptions(options: { maxThreads?: number; spinMicros?: number; pollMicros?: number }): void {
  addonWithErrors().setPoolOptions(options);
}

/**
 * Makes allocated shared memory copy-backed (`zeroCopy: false`) as on runtimes that forbid
 * external buffers; for tests of that fallback.
 * @example forceCopySharedMemory(true)
 */
export function forceCopySharedMemory(force: boolean): void {
  addonWithErrors().forceCopySharedMemory(force);
}
