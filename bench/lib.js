'use strict';
// Shared pieces of the benchmark suite: timing, the C benchmarks, the machine, tables.
const { execFileSync } = require('node:child_process');
const { lastValueFrom, tap } = require('rxjs');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const MiB = 1 << 20;

/** Runs `fn` (async) `iterations` times after `warmup` runs; returns µs per op. */
async function timeAsync(fn, iterations, warmup = Math.min(100, iterations)) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn(i);
  return Number(process.hrtime.bigint() - t0) / 1000 / iterations;
}

/**
 * Streams `source$` (an Observable of ChunkLeases or Uint8Arrays) to the end and returns its
 * steady-state rate: MiB/s of the outputs after the first `skip`, timed from the `skip`-th output
 * to the last — the per-subscription set-up (allocating and first touching the blocks, the first
 * invokes) is left out, as the C loops leave out theirs. `firstMs` is that set-up: subscribe to
 * first output.
 */
async function steadyRate(source$, skip = 16) {
  let outputs = 0;
  let bytes = 0;
  let tSkip = 0n;
  let tLast = 0n;
  let tFirst = 0n;
  const t0 = process.hrtime.bigint();
  await lastValueFrom(
    source$.pipe(
      tap((out) => {
        const data = out instanceof Uint8Array ? out : out.data;
        outputs++;
        if (outputs === 1) tFirst = process.hrtime.bigint();
        if (outputs === skip) tSkip = process.hrtime.bigint();
        if (outputs > skip) bytes += data.length;
        tLast = process.hrtime.bigint();
        if (!(out instanceof Uint8Array)) out.release();
      }),
    ),
    { defaultValue: undefined },
  );
  if (outputs <= skip) throw new Error(`steadyRate: only ${outputs} outputs, need more than ${skip}`);
  return { mibPerS: bytes / MiB / (Number(tLast - tSkip) / 1e9), firstMs: Number(tFirst - t0) / 1e6 };
}

/** The machine, for the record. */
function machine() {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.cpus()[0]?.model || 'unknown';
  return { cpu: cpu.trim(), cores: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, kernel: os.release() };
}

/**
 * The machine's CPU counters (/proc/stat's first line): how long its CPUs wanted to run (busy time
 * plus steal), and how much of that the hypervisor gave to other guests instead ("steal"; an idle
 * CPU is never stolen from). Null where there is no /proc/stat.
 */
function cpuTimes() {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user/nice)
    const [user, nice, system, , , irq, softirq, steal = 0] = fields;
    return { total: user + nice + system + irq + softirq + steal, steal };
  } catch {
    return null;
  }
}

/** Share of wanted CPU time stolen since `before` (a cpuTimes() reading), 0..1, or NaN if unknown. */
function stealSince(before) {
  const now = cpuTimes();
  if (!before || !now) return NaN;
  // No CPU time wanted since (a very short section): nothing could be stolen.
  if (now.total <= before.total) return 0;
  return (now.steal - before.steal) / (now.total - before.total);
}

/** Above this share of stolen time a run's ratios are not worth recording. */
const STEAL_WARN = 0.05;

/** One line saying how much CPU time the hypervisor took during `what`. */
function stealNote(what, share) {
  if (!Number.isFinite(share)) return `_${what}: steal time unknown (no /proc/stat)._`;
  const pct = `${(share * 100).toFixed(1)}%`;
  return share > STEAL_WARN
    ? `_${what}: the hypervisor took ${pct} of the time our CPUs wanted to run — the host was busy; don't record these ratios._`
    : `_${what}: the hypervisor took ${pct} of the time our CPUs wanted to run._`;
}

// A measuring process that has not ended in this long is stuck (a daemon gone, a hung close).
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;

/** Runs `file` with `args` (environment inherited) and returns the JSON line it printed last. */
function runJson(label, file, args) {
  const out = execFileSync(file, args, { encoding: 'utf8', env: process.env, maxBuffer: 1 << 24, timeout: CHILD_TIMEOUT_MS });
  return parseJsonLine(label, out);
}

/** Runs a C benchmark binary with --json and returns its parsed JSON line. */
function runCBench(binary, args = []) {
  return runJson(binary, path.join(ROOT, 'build/bench', binary), [...args, '--json']);
}

/** Runs a Node script (a benchmark's measuring child) and returns the JSON line it printed last. */
function runNodeJson(label, args) {
  return runJson(label, process.execPath, args);
}

/** The result a benchmark printed: its last line that starts with `{`. */
function parseJsonLine(label, stdout) {
  const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) throw new Error(`${label} printed no JSON line`);
  return JSON.parse(line);
}

/** Prints a markdown table. */
function table(title, header, rows) {
  const lines = [`\n### ${title}\n`, `| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  const text = lines.join('\n');
  console.log(text);
  return text;
}

/** Rounds per measure: C and TypeScript alternate, and the median of each is reported. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));

/** Median of numbers. */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Runs each named measure ROUNDS times, interleaved so that drift in the machine's load hits them
 * alike, in an order rotated each round (a b c, b c a, c a b, ...) so that no measure always runs
 * in the same place (e.g. right after a C benchmark's process and its TA host exit). A measure returns
 * a number or an object of numbers; the result holds the median of each (field by field for
 * objects).
 */
async function interleaved(measures) {
  const samples = Object.fromEntries(Object.keys(measures).map((k) => [k, []]));
  const entries = Object.entries(measures);
  for (let r = 0; r < ROUNDS; r++) {
    const shift = r % entries.length;
    for (const [k, run] of [...entries.slice(shift), ...entries.slice(0, shift)]) samples[k].push(await run());
  }
  const reduce = (xs) =>
    typeof xs[0] === 'number' ? median(xs) : Object.fromEntries(Object.keys(xs[0]).map((f) => [f, median(xs.map((x) => x[f]))]));
  return Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, reduce(xs)]));
}

const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');

module.exports = { ROOT, MiB, ROUNDS, timeAsync, steadyRate, machine, cpuTimes, stealSince, stealNote, runCBench, runNodeJson, parseJsonLine, table, fmt, ratio, median, interleaved };
