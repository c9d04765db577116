/**
 * Tests on the real simulator: the bundled TAs' numbers (read from their C headers), the daemon's
 * status through tee-sim-ctl, and two ways to get a daemon that is never the user's:
 * - the run-wide one: jest's globalSetup (global-setup.js) points the real environment at a private
 *   socket, libteec starts the daemon on first use and globalTeardown stops it — `runSimulator()`;
 * - a per-file one, `PrivateSim`, for tests that need a daemon of their own (its status counts
 *   only their sessions, or they stop it): set through the addon, since jest's process.env is a copy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadNativeBackend, setWorkerPoolOptions, type NativeBackend } from '../../src/core/native';
import type { Backend, ContextHandle, SessionHandle } from '../../src/core/backend';
import { ParamType } from '../../src/core/constants';
import type { TeecError } from '../../src/core/errors';
import { loadAddon, packageRoot } from '../../src/core/native/addon';

export const ROOT = packageRoot();
export const BIN_DIR = path.join(ROOT, 'build', 'bin');
export const TA_DIR = path.join(ROOT, 'build', 'ta');
const CONF_HEADER = path.join(ROOT, 'native', 'tas', 'conformance', 'include', 'conformance_ta.h');

/**
 * The ASan run of these suites (scripts/test.js) preloads libasan into Node for the addon and
 * names it in RX_TEEC_TEST_ASAN_RUNTIME. The daemon, which libteec starts from the real process
 * environment, and every TA host it starts would inherit the preload: a TA host then takes about
 * four times as long to start (16 ms instead of 4 per multi-instance session here) and finds
 * nothing, since neither is built instrumented (their C runs under ASan in `make check-asan`).
 * So the real environment goes without it, while jest's copy of process.env, which Node children
 * that load the addon inherit, keeps it (jest copies the real one afresh for each test file).
 */
const asanRuntime = process.env.RX_TEEC_TEST_ASAN_RUNTIME;
/** Whether this run's addon is the ASan build (its runtime preloaded into Node). */
export const addonUnderAsan = asanRuntime !== undefined && asanRuntime !== '';
if (addonUnderAsan) {
  loadAddon().setProcessEnv('LD_PRELOAD', undefined);
  process.env.LD_PRELOAD = asanRuntime;
}

/** The seed's demo TA (native/tas/demo/include/demo_ta.h). */
export const DEMO_TA = '123e4567-e89b-12d3-a456-426655440000';

/** Every `#define NAME value` of the conformance TA header (numbers and strings). */
export const CONF: Record<string, number> & { uuid: Record<'multi' | 'single' | 'singleMulti' | 'keepAlive' | 'hang', string> } = (() => {
  const text = fs.readFileSync(CONF_HEADER, 'utf8');
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^#define\s+(CONF_\w+)\s+\(?(0x[0-9a-fA-F]+|\d+)u?\)?\s*(?:\/\*.*)?$/gm)) out[m[1]] = Number(m[2]);
  const str = (name: string): string => {
    const m = new RegExp(`^#define\\s+${name}\\s+"([^"]+)"`, 'm').exec(text);
    if (!m) throw new Error(`${name} missing from ${CONF_HEADER}`);
    return m[1];
  };
  return Object.assign(out, {
    uuid: {
      multi: str('CONF_TA_UUID_STR'),
      single: str('CONF_SI_TA_UUID_STR'),
      singleMulti: str('CONF_SIMS_TA_UUID_STR'),
      keepAlive: str('CONF_KA_TA_UUID_STR'),
      // TA_CreateEntryPoint never returns: an open waits in the TEE until cancelled.
      hang: str('CONF_HANG_TA_UUID_STR'),
    },
  });
})() as never;

/** One TA instance (a TA host process) as `tee-sim-ctl --json status` lists it. */
export interface TaInstanceStatus {
  uuid: string;
  pid: number;
  sessions: number;
  flags: number;
  state: 'starting' | 'ready' | 'dying';
}

export interface DaemonStatus {
  pid: number;
  clients: number;
  sessions: number;
  instances: number;
  clientPids: number[];
  tas: TaInstanceStatus[];
}

/** The daemon's status on `socket`, or null when none answers. */
function daemonStatus(socket: string): DaemonStatus | null {
  const r = spawnSync(path.join(BIN_DIR, 'tee-sim-ctl'), ['--socket', socket, '--json', 'status'], { encoding: 'utf8' });
  if (r.status === 3) return null; // no daemon answers
  if (r.status !== 0) throw new Error(`tee-sim-ctl status failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as DaemonStatus;
}

/** The run-wide daemon (see the module comment). Other test files share it: assert on your own sessions and TA processes. */
export function runSimulator(): { socket: string; status(): DaemonStatus | null; instancePids(): number[] } {
  const socket = process.env.RX_TEEC_SIM_SOCKET;
  if (!socket) throw new Error('RX_TEEC_SIM_SOCKET is not set: run the tests through jest (test/support/global-setup.js)');
  return {
    socket,
    status: () => daemonStatus(socket),
    instancePids: () => (daemonStatus(socket)?.tas ?? []).map((t) => t.pid),
  };
}

/** A private simulator for one test file. */
export class PrivateSim {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-teec-native-'));
  readonly socket = path.join(this.dir, 'sim.sock');
  private readonly saved: Record<string, string | undefined> = {};

  /** Points this process's simulator client at the private socket (before any context opens). */
  constructor() {
    this.setEnv('RX_TEEC_SIM_SOCKET', this.socket);
    this.setEnv('RX_TEEC_SIM_TA_PATH', TA_DIR);
    this.setEnv('RX_TEEC_SIM_IDLE_EXIT', '120');
    this.setEnv('RX_TEEC_SIM_LOG', path.join(this.dir, 'daemon.log'));
  }

  /** Sets the variable where the simulator's C client reads it (jest's process.env is a copy). */
  private setEnv(name: string, value: string): void {
    this.saved[name] = process.env[name];
    process.env[name] = value;
    loadAddon().setProcessEnv(name, value);
  }

  backend(): NativeBackend {
    return loadNativeBackend({ library: 'simulator' });
  }

  /** The daemon's status, or null when none answers. */
  status(): DaemonStatus | null {
    return daemonStatus(this.socket);
  }

  /** Stops the daemon this file started (by its pid if the stop request is not honoured). */
  stop(): void {
    const pid = this.status()?.pid;
    try {
      execFileSync(path.join(BIN_DIR, 'tee-sim-ctl'), ['--socket', this.socket, 'stop'], { stdio: 'ignore' });
    } catch {
      // no daemon answered
    }
    if (pid) {
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline && alive(pid)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    for (const [name, value] of Object.entries(this.saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
      loadAddon().setProcessEnv(name, value);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * For a test file: a native backend and one context on this daemon, opened in beforeAll;
   * afterAll finalizes the context and stops the daemon. `open()` opens a session on the
   * multi-instance conformance TA.
   */
  useContext(): { readonly backend: NativeBackend; readonly context: ContextHandle; open(): Promise<SessionHandle> } {
    let backend: NativeBackend | undefined;
    let context: ContextHandle | undefined;
    beforeAll(async () => {
      backend = this.backend();
      context = await backend.initializeContext(null);
    });
    afterAll(async () => {
      if (backend && context) await backend.finalizeContext(context);
      this.stop();
    });
    const ready = <T>(x: T | undefined): T => {
      if (x === undefined) throw new Error('useContext: used before beforeAll ran');
      return x;
    };
    return {
      get backend() {
        return ready(backend);
      },
      get context() {
        return ready(context);
      },
      open: async () => (await ready(backend).openSession(ready(context), CONF.uuid.multi as never, 0, null, null)).session,
    };
  }
}

/** True if a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `predicate` until it holds (or throws after `ms`). */
export async function until(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Opens a context and a session on `uuid`. */
export async function openConformance(backend: NativeBackend, uuid = CONF.uuid.multi): Promise<{ context: ContextHandle; session: SessionHandle }> {
  const context = await backend.initializeContext(null);
  const { session } = await backend.openSession(context, uuid as never, 0, null, null);
  return { context, session };
}

/** Number of open file descriptors of this process. */
export function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/** A promise's outcome as a value: never rejects. */
export const settled = <V>(p: Promise<V>) =>
  p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error: error as TeecError }));

/** Bytes of the conformance TA's `struct conf_record` (CONF_CMD_GET_RECORD). */
export const CONF_RECORD_SIZE = 16 + 4 * 24;

/** invoke_count, cmd and params[0].a of a conf_record. */
export function readConfRecord(bytes: Uint8Array): { count: number; cmd: number; a0: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { count: view.getUint32(0, true), cmd: view.getUint32(4, true), a0: view.getUint32(16, true) };
}

/** A conformance wait of `ms` (WAIT_MASKED or WAIT_UNMASKED) through a backend. */
export function confWait(backend: Backend, s: SessionHandle, ms: number, masked: boolean, signal?: AbortSignal, unordered?: boolean) {
  const cmd = masked ? CONF.CONF_CMD_WAIT_MASKED : CONF.CONF_CMD_WAIT_UNMASKED;
  return backend.invokeCommand(s, cmd, [{ type: ParamType.VALUE_INPUT, a: ms, b: 0 }], signal, unordered);
}

/**
 * Caps the addon's pool at one thread and occupies every thread it still has with a masked wait of
 * `ms` on a session of its own (from `open`), so that the next call waits in the queue. Returns
 * once the waits are in flight; the caller puts `maxThreads` back and awaits `waits`.
 */
export async function occupyWorkerPool(
  backend: NativeBackend,
  open: () => Promise<SessionHandle>,
  ms: number,
): Promise<{ sessions: SessionHandle[]; waits: Promise<unknown>[] }> {
  setWorkerPoolOptions({ maxThreads: 1 });
  // The threads it has keep running (those above the cap exit only after 10 s idle); at least
  // one, which a pool with none yet starts for the first call.
  const sessions = await Promise.all(Array.from({ length: Math.max(1, backend.stats().threads) }, open));
  const waits = sessions.map((s) => confWait(backend, s, ms, true));
  await until(() => backend.stats().callsInFlight >= sessions.length, 2000, 'the pool\'s threads to be busy');
  return { sessions, waits };
}
