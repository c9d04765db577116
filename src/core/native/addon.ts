/**
 * The compiled addon (`native/addon`, rx_teec.node): its raw functions and how it is found.
 * Only {@link NativeBackend} uses these; everything else goes through the Backend interface.
 * @internal
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../error-message';

/** The library handle made by `openLibrary`. */
export interface NativeLibrary {
  readonly path: string;
}

/**
 * Called once per asynchronous call on the JS thread: `code` 0 = success; `note` is set for
 * outcomes the addon made itself ('cancelled-before-start' or a state message).
 */
export type NativeCallback = (code: number, origin: number, outputs: NativeOutputs | undefined, handle: unknown, note: string | undefined) => void;
export type NativeOutputs = readonly [NativeOutput, NativeOutput, NativeOutput, NativeOutput];
export interface NativeOutput {
  readonly a?: number;
  readonly b?: number;
  readonly size?: number;
}

/**
 * An invoke result record in the buffer `configure` returns: id, code, origin, note (0 none,
 * 1 cancelled before start), then per parameter two numbers (a, b for values; size, 0 for memrefs).
 */
export const INVOKE_RECORD = 12;
/** Records in the buffer `configure` returns; the invokeFast scratch doubles follow them. */
export const INVOKE_RECORDS = 64;
export const INVOKE_SCRATCH = 8;

/** Counters of the addon, for diagnostics and leak tests. */
export interface NativeStats {
  /** Worker threads alive (busy or idle) in the addon's pool. */
  threads: number;
  idleThreads: number;
  queuedJobs: number;
  maxThreads: number;
  /** Contexts, sessions and blocks alive in this environment. */
  contexts: number;
  sessions: number;
  sharedMemory: number;
  callsInFlight: number;
  /** Calls whose JS callback has not run yet. */
  pendingCallbacks: number;
  /** Batches of finished calls the JS thread was woken for. */
  completionWakeups: number;
  /** Mean µs from a batch's first call finishing on a worker to the JS thread settling it. */
  completionWaitMicros: number;
  /** The loop poller's budget (µs; 0: off): see {@link setWorkerPoolOptions}. */
  pollMicros: number;
  /**
   * The CPUs' worth of time this process may use, as the busy-waits' defaults read it at load:
   * its affinity mask's CPUs, capped by its cgroup CPU limit (below 2 they default to off).
   */
  usableCpus: number;
  /** Zero-copy blocks whose view JS can still reach (their memory may not be a temp memref or registered). */
  zeroCopyBlocks: number;
  /**
   * Released zero-copy blocks whose address range is still mapped (private, zero-filled) because
   * JS may reach it by an ArrayBuffer it moved off the block's view (`ArrayBuffer.prototype.transfer`);
   * each is unmapped when that ArrayBuffer is collected. Counts the whole process.
   */
  standInMappings: number;
  /** Total time the JS thread's event loop polled instead of sleeping, in ms. */
  polledMillis: number;
  /**
   * The loop poller's score for the kind of the latest lone call (command, parameter types,
   * memref size): moving averages of such calls' round trips (µs) when it polled for them and
   * when the loop slept (0: no sample yet). It polls while the first is the lower.
   */
  polledRoundTripMicros: number;
  sleptRoundTripMicros: number;
}

export interface NativeParam {
  readonly type: number;
  readonly a?: number;
  readonly b?: number;
  readonly buffer?: Uint8Array | null;
  readonly shm?: unknown;
  readonly offset?: number;
  readonly size?: number;
}

/** The functions rx_teec.node exports (see native/addon/src/addon.cc). */
export interface NativeAddon {
  /**
   * Gives the addon the error classes and the receiver of invoke results; returns the buffer the
   * results are written to ({@link INVOKE_RECORD} doubles per record) before each
   * `invokeDone(count)` call.
   */
  configure(options: {
    teecError(code: number, origin: number, operation: string, message?: string): Error;
    argumentError(argument: string, detail: string): Error;
    rangeError(argument: string, detail: string): Error;
    stateError(message: string, operation: string): Error;
    invokeDone(count: number): void;
  }): Float64Array;
  openLibrary(path: string): NativeLibrary;
  initializeContext(library: NativeLibrary, name: string | null, callback: NativeCallback): void;
  finalizeContext(context: unknown, callback: NativeCallback): void;
  openSession(
    context: unknown,
    uuid: string,
    login: number,
    connectionData: number | null,
    params: readonly (NativeParam | null | undefined)[] | null,
    callback: NativeCallback,
    cancellable: boolean,
  ): number | undefined;
  closeSession(session: unknown, callback: NativeCallback): void;
  /**
   * Queues the invoke on the session's strand (invokes of one session run one at a time, in
   * call order) and returns its id; the result arrives as a record under that id through
   * `invokeDone`. `cancel(id)` works while it is pending when `cancellable`. `unordered`: a
   * libteec call of its own instead (see Backend.invokeCommand).
   */
  invokeCommand(session: unknown, command: number, params: readonly (NativeParam | null | undefined)[] | null, cancellable: boolean, unordered?: boolean): number;
  /**
   * invokeCommand with the parameters laid out by the caller: `types` is the GP paramTypes word,
   * `o0`..`o3` the temp memref buffers / shared memory handles, and the numbers (a, b or offset,
   * size; two per parameter) are in the {@link INVOKE_SCRATCH} doubles after the records.
   */
  invokeFast(session: unknown, command: number, types: number, o0: unknown, o1: unknown, o2: unknown, o3: unknown, cancellable: boolean, unordered?: boolean): number;
  cancel(callId: number): void;
  allocateSharedMemory(context: unknown, size: number, flags: number): unknown;
  registerSharedMemory(context: unknown, buffer: Uint8Array | ArrayBuffer, flags: number): unknown;
  releaseSharedMemory(shm: unknown, callback: NativeCallback): void;
  stats(): NativeStats;
  setPoolOptions(options: { maxThreads?: number; spinMicros?: number; pollMicros?: number }): void;
  forceCopySharedMemory(force: boolean): void;
  /** setenv/unsetenv on the real process environment (what C getenv sees). */
  setProcessEnv(name: string, value: string | undefined): void;
}

/**
 * The package root (the directory holding rx-teec's package.json), from the sources or from dist/.
 * @example packageRoot() // '/home/me/app/node_modules/rx-teec'
 */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    try {
      if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'rx-teec') return dir;
    } catch {
      // not here: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`rx-teec: cannot find the package root above ${__dirname}`);
    dir = parent;
  }
}

let loaded: NativeAddon | undefined;

/**
 * Where the addon is loaded from: `RX_TEEC_ADDON`, else the package's own build.
 * @example require(addonPath())
 */
export function addonPath(): string {
  return process.env.RX_TEEC_ADDON || path.join(packageRoot(), 'native', 'addon', 'build', 'Release', 'rx_teec.node');
}

/**
 * Loads rx_teec.node once (`RX_TEEC_ADDON` overrides its path, e.g. for a debug build).
 * @example const addon = loadAddon(); addon.stats()
 */
export function loadAddon(): NativeAddon {
  if (loaded) return loaded;
  const file = addonPath();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file) as NativeAddon;
  } catch (e) {
    const why = errorMessage(e);
    throw new Error(`rx-teec: cannot load the native addon ${file} (${why}); build it with \`npm install\` or \`npx node-gyp rebuild --directory=native/addon\``);
  }
  return loaded;
}
