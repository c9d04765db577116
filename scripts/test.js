#!/usr/bin/env node
// README's test command: the C conformance suite (plain, under ASan/UBSan, its threaded tests
// under TSan), the TypeScript suites (jest), the native ones again with the addon under ASan,
// then one closing line with the totals.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
let passed = 0;
let failed = 0;
let ok = true;

function run(title, cmd, args, env = {}) {
  process.stdout.write(`\n== ${title}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  process.stdout.write(r.stdout || '');
  if (r.status !== 0) ok = false;
  return r.stdout || '';
}

function countC(out) {
  // The C suites end with "N passed, N failed".
  for (const m of out.matchAll(/^(\d+) passed, (\d+) failed/gm)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
}

function countJest(report) {
  try {
    const j = JSON.parse(fs.readFileSync(report, 'utf8'));
    passed += j.numPassedTests;
    failed += j.numFailedTests + j.numRuntimeErrorTestSuites;
  } catch {
    ok = false;
  }
}

function jest(title, args, env) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-teec-jest-'));
  const report = path.join(dir, 'report.json');
  run(title, process.execPath, [require.resolve('jest/bin/jest'), '--ci', '--json', `--outputFile=${report}`, ...args], env);
  countJest(report);
  fs.rmSync(dir, { recursive: true, force: true });
}

// The native suites again, with the addon built under AddressSanitizer and its runtime preloaded
// into Node (leak detection off: Node itself does not free everything at exit). The simulator
// daemon goes without the preload: see test/support/simulator.ts.
function addonUnderAsan() {
  const runtime = spawnSync('cc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout.trim();
  if (!runtime || !fs.existsSync(runtime)) {
    process.stdout.write('\n== the addon under ASan: no libasan.so found (install libasan8)\n');
    ok = false;
    return;
  }
  // node-gyp as the install script finds it: npm puts its own on the PATH of scripts.
  run('the addon built under ASan', 'node-gyp', ['rebuild', '--directory=native/addon/asan']);
  const addon = path.join(root, 'native/addon/asan/build/Release/rx_teec.node');
  const env = { LD_PRELOAD: runtime, RX_TEEC_TEST_ASAN_RUNTIME: runtime, ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1', RX_TEEC_ADDON: addon };
  jest('TypeScript native suites, the addon under ASan', ['test/native'], env);
}

const suites = process.argv.includes('--js-only') ? ['js'] : ['c', 'asan', 'tsan', 'js', 'addon-asan'];
if (suites.includes('c')) countC(run('C conformance', 'make', ['-s', '-C', 'native', 'check']));
if (suites.includes('asan') && process.env.RX_TEEC_SKIP_ASAN !== '1') {
  countC(run('C conformance under ASan/UBSan', 'make', ['-s', '-C', 'native', 'check-asan']));
}
if (suites.includes('tsan') && process.env.RX_TEEC_SKIP_TSAN !== '1') {
  countC(run('C threaded tests under TSan', 'make', ['-s', '-C', 'native', 'check-tsan']));
}
if (suites.includes('js')) {
  // Examples run the compiled library (dist/): rebuild it so they never run stale code.
  run('TypeScript build', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  jest('TypeScript', []);
}
if (suites.includes('addon-asan') && process.env.RX_TEEC_SKIP_ASAN !== '1') addonUnderAsan();
if (failed > 0) ok = false;
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(ok ? 0 : 1);
