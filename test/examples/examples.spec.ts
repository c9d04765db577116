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
  it('decrypt-file (npm start): a TA-encrypted file decrypted in the TA matches the original', async () => {
    const { stdout } = await example('decrypt-file.js', ['--mib', '8', '--chunk-kib', '256']);
    expect(stdout).toMatch(/^backend: simulator/m);
    expect(stdout).toMatch(/key left the TA only wrapped, 52-byte blob/);
    const original = /sample: 8 MiB, SHA-256 ([0-9a-f]{64})/.exec(stdout)?.[1];
    expect(original).toBeDefined();
    expect(stdout).toContain(`decrypted SHA-256 ${original}: matches the original`);
    expect(stdout).toMatch(/throughput: 8\.0 MiB in [\d.]+ s = \d+ MiB\/s \(AES-128-CTR, 256 KiB chunks, depth 2\); peak RSS \d+ MiB/);
  });

  it('decrypt-gcm: the genuine file authenticates; one flipped bit fails loudly, naming the chunk', async () => {
    const { stdout } = await example('decrypt-gcm.js', ['--mib', '2', '--chunk-kib', '64']);
    expect(stdout).toMatch(/genuine file: decrypted and authenticated, identical to the original/);
    expect(stdout).toMatch(/tampered file: REJECTED — chunk 3 \(stream offset 196656\) failed authentication: TEE_ERROR_MAC_INVALID/);
    expect(stdout).toMatch(/plaintext released before the failure: 196608 bytes = the 3 chunks before it/);
  });

  it('bad options stop an example before it starts, with the usage line', async () => {
    for (const [name, args, message] of [
      ['decrypt-file.js', ['--mib', 'x'], /--mib must be a whole positive number, not "x"/],
      ['decrypt-file.js', ['--depth', '0'], /--depth must be a whole positive number/],
      ['decrypt-gcm.js', ['--bogus'], /Unknown option '--bogus'/],
      ['digest-stream.js', ['a', 'b'], /unexpected argument "b"/],
    ] as const) {
      const failure = await example(name, [...args]).then(() => null, (e: { code: number; stderr: string }) => e);
      expect(failure?.code).toBe(2);
      expect(failure?.stderr).toMatch(message);
      expect(failure?.stderr).toMatch(new RegExp(`usage: node examples/${name}`));
    }
  });

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
