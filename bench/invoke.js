#!/usr/bin/env node
/*
 * Invoke round trips from TypeScript through the native backend (NativeBackend over the addon
 * and the bundled simulator), the same measures as the C floor `build/bench/teec-bench`:
 *   empty_invoke            CONF_CMD_NOP, no parameters
 *   shm_1mib_partial_inout  1 MiB PARTIAL_INOUT of allocated (zero-copy) shared memory, CONF_CMD_TOUCH
 *   tmp_1mib_inout          the same 1 MiB as a temporary memref over a Buffer
 *
 *   node bench/invoke.js [--json] [--quick] [--with-c]
 *
 * Prints a table (µs/op), or with --json one JSON line shaped like teec-bench's. --with-c also
 * runs teec-bench on the same private daemon and prints TS/C ratios. Runs the TypeScript sources
 * directly (transpiled on load with the project's typescript), on a private daemon it stops.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const ts = require('typescript');
const { runCBench } = require('./lib');

const root = path.resolve(__dirname, '..');
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');

// Load src/**/*.ts without a build step.
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 }, fileName: filename });
  module._compile(outputText, filename);
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-teec-bench-'));
process.env.RX_TEEC_SIM_SOCKET = path.join(dir, 'sim.sock');
process.env.RX_TEEC_SIM_TA_PATH ??= path.join(root, 'build', 'ta');
process.env.RX_TEEC_SIM_IDLE_EXIT = '60';

const { loadNativeBackend } = require(path.join(root, 'src/core/native/index.ts'));
const header = fs.readFileSync(path.join(root, 'native/tas/conformance/include/conformance_ta.h'), 'utf8');
const define = (name) => {
  const m = new RegExp(`^#define\\s+${name}\\s+"?([^"\\s]+)"?`, 'm').exec(header);
  if (!m) throw new Error(`${name} not in conformance_ta.h`);
  return m[1];
};
const UUID = define('CONF_TA_UUID_STR');
const NOP = Number(define('CONF_CMD_NOP'));
const TOUCH = Number(define('CONF_CMD_TOUCH'));
const MIB = 1 << 20;

async function measure(name, iterations, bytes, call) {
  for (let i = 0; i < Math.min(200, iterations / 10); i++) await call(); // warm up
  const samples = new Float64Array(iterations);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    await call();
    samples[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  const total = Number(process.hrtime.bigint() - start) / 1000;
  samples.sort();
  const usPerOp = total / iterations;
  return {
    name,
    iterations,
    us_per_op: +usPerOp.toFixed(2),
    p50_us: +samples[Math.floor(iterations * 0.5)].toFixed(2),
    p99_us: +samples[Math.floor(iterations * 0.99)].toFixed(2),
    mib_per_s: bytes ? +((bytes / MIB) / (usPerOp / 1e6)).toFixed(1) : 0,
  };
}

function stopDaemon() {
  const ctl = path.join(root, 'build', 'bin', 'tee-sim-ctl');
  const status = spawnSync(ctl, ['--socket', process.env.RX_TEEC_SIM_SOCKET, '--json', 'status'], { encoding: 'utf8' });
  const pid = status.status === 0 ? JSON.parse(status.stdout).pid : undefined;
  spawnSync(ctl, ['--socket', process.env.RX_TEEC_SIM_SOCKET, 'stop'], { stdio: 'ignore' });
  if (pid) {
    try {
      process.kill(pid, 0);
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

async function main() {
  const backend = loadNativeBackend();
  const context = await backend.initializeContext(null);
  const { session } = await backend.openSession(context, UUID, 0, null, null);
  const shm = backend.allocateSharedMemory(context, MIB, 3);
  const tmp = Buffer.alloc(MIB);
  const n = quick ? { empty: 2000, mib: 50 } : { empty: 20000, mib: 300 };
  const shmParams = [{ type: 0xf, shm, offset: 0, size: MIB }];
  const tmpParams = [{ type: 0x7, buffer: tmp }];
  const results = [
    await measure('empty_invoke', n.empty, 0, () => backend.invokeCommand(session, NOP, null)),
    await measure('shm_1mib_partial_inout', n.mib, MIB, () => backend.invokeCommand(session, TOUCH, shmParams)),
    await measure('tmp_1mib_inout', n.mib, MIB, () => backend.invokeCommand(session, TOUCH, tmpParams)),
  ];
  await backend.finalizeContext(context);

  let c;
  if (args.has('--with-c')) {
    c = runCBench('teec-bench', [...(quick ? ['--quick'] : []), '--only', results.map((r) => r.name).join(',')]);
  }
  const ratios = c
    ? Object.fromEntries(results.map((r) => [r.name, +(r.us_per_op / c.results.find((x) => x.name === r.name).us_per_op).toFixed(2)]))
    : undefined;
  if (args.has('--json')) {
    console.log(JSON.stringify({ bench: 'rx-teec-ts-invoke', backend: backend.info.kind, node: process.version, nproc: os.cpus().length, results, ...(c ? { c: c.results, ratio_ts_over_c: ratios } : {}) }));
  } else {
    console.log(`rx-teec TypeScript invoke bench (${backend.info.kind}: ${backend.info.libraryPath}), node ${process.version}, ${os.cpus().length} CPUs`);
    console.log(`${'measure'.padEnd(24)} ${'ops'.padStart(8)} ${'us/op'.padStart(10)} ${'p50 us'.padStart(10)} ${'p99 us'.padStart(10)} ${'MiB/s'.padStart(9)}${c ? ` ${'C us/op'.padStart(10)} ${'TS/C'.padStart(6)}` : ''}`);
    for (const r of results) {
      const cr = c?.results.find((x) => x.name === r.name);
      console.log(
        `${r.name.padEnd(24)} ${String(r.iterations).padStart(8)} ${r.us_per_op.toFixed(2).padStart(10)} ${r.p50_us.toFixed(2).padStart(10)} ${r.p99_us.toFixed(2).padStart(10)} ${(r.mib_per_s ? r.mib_per_s.toFixed(1) : '-').padStart(9)}` +
          (cr ? ` ${cr.us_per_op.toFixed(2).padStart(10)} ${ratios[r.name].toFixed(2).padStart(6)}` : ''),
      );
    }
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(stopDaemon);
