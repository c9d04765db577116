#!/usr/bin/env node
'use strict';
// `npm run bench`: every benchmark in one run on a private simulator daemon, printed as markdown
// tables with ratios (docs/benchmarks.md keeps the recorded results). Machines are noisy: compare
// ratios from one run, not absolute numbers across runs.
//   node scripts/bench.js [latency] [stream] [memory] [aes]   (default: all)
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-teec-bench-'));
process.env.RX_TEEC_SIM_SOCKET = path.join(dir, 'sim.sock');
const root = path.resolve(__dirname, '..');
const { machine, cpuTimes, stealSince, stealNote, roundsNote } = require('../bench/lib');

const suites = {
  latency: '../bench/latency',
  stream: '../bench/stream',
  memory: '../bench/memory',
  aes: '../bench/aes',
};

async function main() {
  const wanted = process.argv.slice(2).filter((a) => a in suites);
  const m = machine();
  console.log(`## rx-teec benchmarks — ${new Date().toISOString().slice(0, 10)}\n`);
  console.log(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, Linux ${m.kernel}, Node ${m.node}. Backend: the bundled simulator.`);
  // On a shared host the hypervisor may run other guests on our CPUs ("steal"): a wake-up then
  // waits for the host and every measure moves by 2-5x. Say so under each section.
  const runStart = cpuTimes();
  for (const [name, file] of Object.entries(suites)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    if (!fs.existsSync(path.join(__dirname, `${file}.js`))) continue;
    const start = cpuTimes();
    await require(file)();
    // Sections of interleaved rounds report their quiet rounds; the others, the section's steal.
    console.log(`\n${roundsNote(name) || stealNote(`Steal during ${name}`, stealSince(start))}`);
  }
  const runSteal = stealSince(runStart);
  if (Number.isFinite(runSteal)) console.log(`\n_Steal over the whole run: ${(runSteal * 100).toFixed(1)}%._`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    spawnSync(path.join(root, 'build/bin/tee-sim-ctl'), ['--socket', process.env.RX_TEEC_SIM_SOCKET, 'stop'], { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
