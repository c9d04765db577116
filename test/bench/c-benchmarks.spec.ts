/**
 * The C benchmarks that `npm run bench` compares TypeScript with (build/bench/*): their command
 * lines and the JSON the suite reads. Short runs on the run-wide simulator daemon; no timing is
 * asserted (machines are noisy), only that every measure ran and reported a rate.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from '../support/simulator';

const BENCH_DIR = path.join(ROOT, 'build', 'bench');
const MiB = 1 << 20;

interface BenchResult {
  name: string;
  chunk?: number;
  bytes?: number;
  iterations?: number;
  mib_per_s: number;
  us_per_op?: number;
}

// The suite's own reader (bench/lib.js is plain JavaScript).
const { parseJsonLine } = require('../../bench/lib') as { parseJsonLine: (label: string, stdout: string) => { results: BenchResult[] } };

function run(binary: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(path.join(BENCH_DIR, binary), args, { encoding: 'utf8', env: process.env, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A run with --json, read the way `npm run bench` reads it. */
function json(binary: string, args: string[]): { results: BenchResult[] } {
  const r = run(binary, [...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return parseJsonLine(binary, r.stdout);
}

describe('aes-bench', () => {
  it('--chunk measures one chunk size with every method', () => {
    const out = json('aes-bench', ['--quick', '--rounds', '1', '--chunk', String(64 * 1024)]);
    expect(out.results.map((r) => r.name).sort()).toEqual(['evp_ctr', 'ta_ctr_shm', 'ta_ctr_tmp', 'ta_gcm_shm']);
    for (const r of out.results) {
      expect(r.chunk).toBe(64 * 1024);
      expect(r.bytes).toBeGreaterThanOrEqual(128 * MiB);
      expect(r.mib_per_s).toBeGreaterThan(0);
    }
  });

  it('rejects a chunk size it does not measure, and unknown options', () => {
    const bad = run('aes-bench', ['--chunk', '1000']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--chunk takes one of 65536, 262144, 1048576, 4194304/);
    const unknown = run('aes-bench', ['--fast']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^usage: aes-bench/);
  });
});

describe('teec-bench', () => {
  it('--mib-ops sets how many 1 MiB invokes are timed', () => {
    const out = json('teec-bench', ['--quick', '--mib-ops', '16']);
    const byName = Object.fromEntries(out.results.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(['empty_invoke', 'shm_1mib_partial_inout', 'shm_1mib_pipelined', 'tmp_1mib_inout']);
    expect(byName.shm_1mib_partial_inout.iterations).toBe(16);
    expect(byName.shm_1mib_pipelined.iterations).toBe(16); // two threads × 8
    expect(byName.shm_1mib_pipelined.mib_per_s).toBeGreaterThan(0);
    expect(byName.shm_1mib_partial_inout.mib_per_s).toBeGreaterThan(0);
    expect(byName.empty_invoke.us_per_op).toBeGreaterThan(0);
  });

  it('--only runs just the named measures, in its usual order', () => {
    const out = json('teec-bench', ['--quick', '--mib-ops', '4', '--only', 'tmp_1mib_inout,empty_invoke']);
    expect(out.results.map((r) => r.name)).toEqual(['empty_invoke', 'tmp_1mib_inout']);
    expect(out.results[1].iterations).toBe(4);
    expect(out.results[1].mib_per_s).toBeGreaterThan(0);
  });

  it('rejects a measure it does not have, naming the ones it has', () => {
    const bad = run('teec-bench', ['--only', 'empty_invoke,nope']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^teec-bench: no measure named 'nope'\nusage: teec-bench /);
    expect(bad.stderr).toMatch(/\nmeasures: empty_invoke shm_1mib_partial_inout tmp_1mib_inout shm_1mib_pipelined\n$/);
  });
});
