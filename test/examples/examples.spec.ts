/**
 * The examples, run as a user would (node examples/<name>.js) against the run's simulator daemon,
 * with their output checked.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/simulator';

const run = promisify(execFile);
const example = (name: string, args: string[] = []) =>
  run(process.execPath, [join(ROOT, 'examples', name), ...args], { cwd: ROOT, env: process.env, timeout: 60_000 });

describe('examples', () => {
  it('digest-stream: the TA hashes a streamed file exactly as Node does', async () => {
    const { stdout } = await example('digest-stream.js', ['--mib', '8']);
    expect(stdout).toMatch(/^backend: simulator/m);
    expect(stdout).toMatch(/over 8388608 bytes: matches Node's SHA-256/);
    expect(stdout).toMatch(/throughput: 8\.0 MiB in [\d.]+ s = \d+ MiB\/s/);
  });

  it('compose: TA commands combined with other async work; a timeout cancels the slow command', async () => {
    const { stdout } = await example('compose.js');
    expect(stdout).toMatch(/Node digest [0-9a-f]{64} — same/);
    expect(stdout).toMatch(/slow command: gave up after 200 ms \(TimeoutError\)/);
  });
});
