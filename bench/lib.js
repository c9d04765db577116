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
  return stealBetween(before, cpuTimes());
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

/** Quiet rounds wanted per measure: C and TypeScript alternate, and the median of each is reported. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
/**
 * The most rounds run while waiting for ROUNDS quiet ones. On a shared host the hypervisor takes
 * the CPUs in bursts ("steal"); a round it hit moves a ratio by 2-5×. Quiet spells come and go, so
 * more rounds are run until ROUNDS of them were quiet, up to this many.
 * `BENCH_MAX_ROUNDS=<ROUNDS>` runs exactly ROUNDS rounds and reports them all.
 */
const MAX_ROUNDS = Math.max(ROUNDS, Number(process.env.BENCH_MAX_ROUNDS ?? 4 * ROUNDS));

/** Median of numbers. */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** What every interleaved() call of a section kept, for its summary line (see roundsNote). */
const roundLog = [];

/**
 * Runs each named measure in rounds, interleaved so that drift in the machine's load hits them
 * alike, in an order rotated each round (a b c, b c a, c a b, ...) so that no measure always runs
 * in the same place (e.g. right after a C benchmark's process and its TA host exit). A measure
 * returns a number or an object of numbers. A round counts if the hypervisor took at most
 * STEAL_WARN of the CPU time it wanted (or steal is unknown); rounds go on until `rounds` counted
 * or `maxRounds` ran. The result holds the median of each measure (field by field for objects)
 * over the counted rounds, or over all rounds if none was quiet, and `rounds`: how many were run,
 * how many counted and how many were wanted.
 * @example const { c, ts, rounds } = await interleaved({ c: runC, ts: runTs });
 */
async function interleaved(measures, { rounds = ROUNDS, maxRounds = MAX_ROUNDS, readCpu = cpuTimes } = {}) {
  const entries = Object.entries(measures);
  const all = [];
  let quiet = 0;
  for (let r = 0; r < Math.max(rounds, maxRounds) && quiet < rounds; r++) {
    const shift = r % entries.length;
    const before = readCpu();
    const values = {};
    for (const [k, run] of [...entries.slice(shift), ...entries.slice(0, shift)]) values[k] = await run();
    const steal = stealBetween(before, readCpu());
    const isQuiet = !(steal > STEAL_WARN);  // NaN (unknown) counts as quiet
    if (isQuiet) quiet++;
    all.push({ values, quiet: isQuiet });
  }
  const kept = quiet > 0 ? all.filter((round) => round.quiet) : all;
  const reduce = (xs) =>
    typeof xs[0] === 'number' ? median(xs) : Object.fromEntries(Object.keys(xs[0]).map((f) => [f, median(xs.map((x) => x[f]))]));
  const medians = Object.fromEntries(entries.map(([k]) => [k, reduce(kept.map((round) => round.values[k]))]));
  const summary = { run: all.length, quiet, wanted: rounds };
  roundLog.push(summary);
  return { ...medians, rounds: summary };
}

/**
 * The rounds a table's medians are of, for its caption.
 * @example roundsCaption({ run: 9, quiet: 5, wanted: 5 }) // '5 quiet interleaved rounds (of 9 run)'
 */
function roundsCaption({ run, quiet, wanted }) {
  if (quiet >= wanted) return `${quiet} quiet interleaved rounds (of ${run} run)`;
  if (quiet > 0) return `only ${quiet} quiet interleaved rounds (of ${run} run; ${wanted} wanted)`;
  return `${run} interleaved rounds, none quiet`;
}

/** Steal share between two cpuTimes() readings (see stealSince). */
function stealBetween(before, after) {
  if (!before || !after) return NaN;
  // No CPU time wanted in between (a very short span): nothing could be stolen.
  if (after.total <= before.total) return 0;
  return (after.steal - before.steal) / (after.total - before.total);
}

/**
 * One line saying which rounds the tables of a section report (every interleaved() call since the
 * last roundsNote), and whether its ratios are worth recording; empty if the section ran none.
 * @example console.log(roundsNote('latency'))
 */
function roundsNote(what) {
  const log = roundLog.splice(0);
  if (log.length === 0) return '';
  const run = log.reduce((n, x) => n + x.run, 0);
  const quiet = log.reduce((n, x) => n + Math.min(x.quiet, x.wanted), 0);
  const wanted = log.reduce((n, x) => n + x.wanted, 0);
  const pct = `${(STEAL_WARN * 100).toFixed(0)}%`;
  if (quiet >= wanted) {
    return `_Rounds of ${what}: the medians are of ${quiet} rounds with at most ${pct} steal each (${run} run)._`;
  }
  return `_Rounds of ${what}: only ${quiet} of the ${wanted} rounds wanted had at most ${pct} steal (${run} run); tables without enough quiet rounds report busy ones — don't record these ratios._`;
}

const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');

module.exports = { ROOT, MiB, ROUNDS, MAX_ROUNDS, timeAsync, steadyRate, machine, cpuTimes, stealSince, stealBetween, stealNote, roundsNote, roundsCaption, STEAL_WARN, runCBench, runNodeJson, parseJsonLine, table, fmt, ratio, median, interleaved };
