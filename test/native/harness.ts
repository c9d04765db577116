/**
 * Test harness for the native backend on the real simulator: a private daemon on a socket in a
 * temp directory (never the user's), the conformance TA's numbers read from its C header, and
 * the daemon's status through tee-sim-ctl.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadNativeBackend, type NativeBackend } from '../../src/core/native';
import type { ContextHandle, SessionHandle } from '../../src/core/backend';
import { loadAddon, packageRoot } from '../../src/core/native/addon';

export const ROOT = packageRoot();
export const BIN_DIR = path.join(ROOT, 'build', 'bin');
export const TA_DIR = path.join(ROOT, 'build', 'ta');
const CONF_HEADER = path.join(ROOT, 'native', 'tas', 'conformance', 'include', 'conformance_ta.h');

/** Every `#define NAME value` of the conformance TA header (numbers and strings). */
export const CONF: Record<string, number> & { uuid: Record<'multi' | 'single' | 'singleMulti' | 'keepAlive', string> } = (() => {
  const text = fs.readFileSync(CONF_HEADER, 'utf8');
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^#define\s+(CONF_\w+)\s+\(?(0x[0-9a-fA-F]+|\d+)u?\)?\s*(?:\/\*.*)?$/gm)) out[m[1]] = Number(m[2]);
  const str = (name: string): string => {
    const m = new RegExp(`^#define\\s+${name}\\s+"([^"]+)"`, 'm').exec(text);
    if (!m) throw new Error(`${name} missing from ${CONF_HEADER}`);
    return m[1];
  };
  return Object.assign(out, {
    uuid: { multi: str('CONF_TA_UUID_STR'), single: str('CONF_SI_TA_UUID_STR'), singleMulti: str('CONF_SIMS_TA_UUID_STR'), keepAlive: str('CONF_KA_TA_UUID_STR') },
  });
})() as never;

export interface DaemonStatus {
  pid: number;
  clients: number;
  sessions: number;
  instances: number;
  clientPids: number[];
  tas: unknown[];
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
    const r = spawnSync(path.join(BIN_DIR, 'tee-sim-ctl'), ['--socket', this.socket, '--json', 'status'], { encoding: 'utf8' });
    if (r.status === 3) return null; // no daemon answers
    if (r.status !== 0) throw new Error(`tee-sim-ctl status failed (${r.status ?? r.signal}): ${r.stderr}`);
    return JSON.parse(r.stdout) as DaemonStatus;
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
}

function alive(pid: number): boolean {
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
