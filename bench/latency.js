'use strict';
// Invoke round trips: TypeScript (Session.invoke through the addon) vs the C benchmark
// (build/bench/teec-bench) on the same simulator, in the same run.
//
// Each round measures both sides in fresh processes (C: teec-bench; TypeScript: this file with
// --child), in alternating order. Where the scheduler puts a process's threads relative to the TA
// host's decides much of a short round trip on a small VM (the C empty invoke takes 9 or 21 µs,
// the 1 MiB call 60 or 130 µs, depending on the process), and a process keeps its placement: so
// each side gets a new draw every round, and the medians compare typical processes.
const { Context, partialInout, tempInout } = require('rx-teec');
const { MiB, timeAsync, runCBench, runNodeJson, table, fmt, ratio, interleaved, roundsCaption } = require('./lib');

const CONFORMANCE_TA = 'e7e3e509-f4e1-492b-8df8-5ca20eb599f0';
const CMD_NOP = 0;
const CMD_TOUCH = 11;

/** The TypeScript side of one round, in this process: µs per call of each measure. */
async function measureTypeScript() {
  const ctx = await Context.open();
  try {
    const session = await ctx.openSession(CONFORMANCE_TA);
    const shm = ctx.allocateSharedMemory(MiB);
    const temp = new Uint8Array(MiB);
    return {
      empty_invoke: await timeAsync(() => session.invoke(CMD_NOP), 20000, 2000),
      shm_1mib_partial_inout: await timeAsync(() => session.invoke(CMD_TOUCH, [partialInout(shm, 0, MiB)]), 300, 30),
      tmp_1mib_inout: await timeAsync(() => session.invoke(CMD_TOUCH, [tempInout(temp)]), 300, 30),
    };
  } finally {
    await ctx.close();
  }
}

// The rows: label, the measure's name on both sides, the goal for TS / C.
const MEASURES = [
  ['empty invoke', 'empty_invoke', 1.3],
  ['1 MiB PARTIAL_INOUT, allocated shm', 'shm_1mib_partial_inout', 1.1],
  ['1 MiB temp memref INOUT', 'tmp_1mib_inout', undefined],
];

async function latency() {
  // Only the C measures compared here (not its two-thread pipeline).
  const only = ['--only', MEASURES.map(([, key]) => key).join(',')];
  const { c, ts, rounds } = await interleaved({
    c: async () => Object.fromEntries(runCBench('teec-bench', only).results.map((r) => [r.name, r.us_per_op])),
    ts: async () => runNodeJson('latency child', [__filename, '--child']),
  });
  const rows = MEASURES.map(([label, key, goal]) => [label, fmt(c[key]), fmt(ts[key]), ratio(ts[key] / c[key]), goal ? `≤ ${goal}×` : '']);
  return table(`Invoke round trip: TypeScript vs C (µs per call, median of ${roundsCaption(rounds)}, each side in a fresh process every round, lower is better)`, ['call', 'C µs', 'TypeScript µs', 'TS / C', 'goal'], rows);
}

module.exports = latency;

if (require.main === module && process.argv.includes('--child')) {
  measureTypeScript().then(
    (result) => console.log(JSON.stringify(result)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
