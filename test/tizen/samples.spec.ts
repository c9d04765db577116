/**
 * The seed's three samples (examples/tizen/*.js) run as child processes against a private
 * simulator daemon and the seed's demo TA; each check is on what the TA computed.
 *
 * The samples load rx-teec through the package's own name (`rx-teec/tizen/register`), i.e. the
 * compiled dist/: it is rebuilt first when older than the sources.
 */
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { PrivateSim, TA_DIR, until } from '../support/simulator';
import { ensureDist, ROOT } from './support/dist';

const REPORTER = path.join(__dirname, 'support', 'demo-report.js');
const sim = new PrivateSim();

beforeAll(ensureDist, 120_000);
afterAll(() => sim.stop());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  results: Array<{ sha256?: string; count?: number; error?: string; codeName?: string }>;
}

function runSample(name: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RX_TEEC_SIM_SOCKET: sim.socket,
    RX_TEEC_SIM_TA_PATH: TA_DIR,
    RX_TEEC_SIM_IDLE_EXIT: '120',
    RX_TEEC_SIM_LOG: path.join(sim.dir, 'daemon.log'),
  };
  delete env.RX_TEEC_LIBTEEC; // the bundled simulator, whatever the developer's shell says
  const child = spawn(process.execPath, ['-r', REPORTER, path.join(ROOT, 'examples', 'tizen', `${name}.js`)], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000); // a sample that never exits fails
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const results = [...stderr.matchAll(/^DEMO_RESULT (.*)$/gm)].map((m) => JSON.parse(m[1]));
      resolve({ code, stdout, stderr, results });
    });
  });
}

async function noSessionsLeft(): Promise<void> {
  await until(() => (sim.status()?.sessions ?? 0) === 0, 5000, 'the daemon to see every session closed');
}

describe('the seed\'s samples on the simulator', () => {
  it('connect.js opens a session with the demo TA and closes it', async () => {
    const run = await runSample('connect');
    expect(run.stdout).toBe('session opened\n');
    expect(run.code).toBe(0);
    // No stream was sent: the TA has no result yet.
    expect(run.results).toEqual([{ error: 'AbortError', codeName: 'TEEC_ERROR_NO_DATA' }]);
    await noSessionsLeft();
  });

  it('send-commands.js: the TA adds the value pair (10 + 100) and counts the 9 bytes of temp memory', async () => {
    const run = await runSample('send-commands');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^command 1: {2}\[/);
    expect(run.stdout).toMatch(/TeecValue \{ type: 'INOUT', a: 110, b: 9 \}/);
    // Temp memory INOUT: the TA leaves the bytes as they were, written back in place.
    const mem = /mem: \[([\d,\s]+)\]/.exec(run.stdout);
    expect(mem?.[1].split(',').map(Number)).toEqual([1, 2, 3, 4, 45, 6, 7, 7, 7]);
    expect(run.results).toEqual([{ error: 'AbortError', codeName: 'TEEC_ERROR_NO_DATA' }]);
    await noSessionsLeft();
  });

  it('shared-memory.js: every queued command runs, then the stream ends; the TA hashed the shared block 4 times as it was when they ran', async () => {
    const run = await runSample('shared-memory');
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^command 1: /gm)).toHaveLength(5); // 4 blocks, then the end of the stream
    expect(run.stdout).toMatch(/TeecRegisteredMemory \{\s+type: 'PARTIAL_INOUT',\s+shm: TeecSharedMemory \{ size: 1048576 \},\s+offset: 0,\s+size: 1048576\s+\}/);
    const lastBlock = Buffer.alloc(1 << 20, 4);
    const hash = crypto.createHash('sha256');
    for (let i = 0; i < 4; i++) hash.update(lastBlock);
    expect(run.results).toEqual([{ sha256: hash.digest('hex'), count: 4 << 20 }]);
    await noSessionsLeft();
  });
});
