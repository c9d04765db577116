/**
 * A private simulator daemon for one test file: its own socket under a temp dir (set before the
 * first context opens; the client library starts the daemon on demand), stopped after the tests.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const BIN = join(ROOT, 'build/bin');
export const TA_DIR = join(ROOT, 'build/ta');

/** UUIDs and commands of the bundled TAs (see native/tas/<name>/include). */
export const CONFORMANCE_TA = 'e7e3e509-f4e1-492b-8df8-5ca20eb599f0';
export const DEMO_TA = '123e4567-e89b-12d3-a456-426655440000';
export const CONF = {
  NOP: 0,
  TRANSFORM: 1,
  PANIC: 4,
  CRASH: 5,
  WAIT_UNMASKED: 6,
  WAIT_MASKED: 7,
  TOUCH: 11,
  INSTANCE_INFO: 14,
} as const;

export interface SimulatorStatus {
  daemonPid: number;
  sessions: number;
  instances: { uuid: string; pid: number; sessions: number }[];
  raw: unknown;
}

/**
 * The run's private simulator daemon (started on demand by libteec; see global-setup.js).
 * Test files share it, so assert on your own sessions and TA processes, not global counts.
 */
export class PrivateSimulator {
  readonly socket: string;

  constructor() {
    const socket = process.env.RX_TEEC_SIM_SOCKET;
    if (!socket) throw new Error('RX_TEEC_SIM_SOCKET is not set: run the tests through jest (test/support/global-setup.js)');
    this.socket = socket;
  }

  /** The daemon's view: sessions and TA instances. */
  status(): SimulatorStatus {
    const out = execFileSync(join(BIN, 'tee-sim-ctl'), ['--socket', this.socket, '--json', 'status'], { encoding: 'utf8' });
    const raw = JSON.parse(out) as Record<string, unknown>;
    const instances = ((Array.isArray(raw.tas) ? raw.tas : []) as Record<string, unknown>[]).map((i) => ({
      uuid: String(i.uuid),
      pid: Number(i.pid),
      sessions: Number(i.sessions),
    }));
    return { daemonPid: Number(raw.pid), sessions: Number(raw.sessions), instances, raw };
  }
}

/** Polls `check` until it returns true or `ms` pass. */
export async function eventually(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
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
