#!/usr/bin/env node
// README's test command: the C conformance suite, then the TypeScript suites (jest),
// then one closing line with the totals of both.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
let passed = 0;
let failed = 0;
let ok = true;

function run(title, cmd, args) {
  process.stdout.write(`\n== ${title}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 28 });
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

const suites = process.argv.includes('--js-only') ? ['js'] : ['c', 'asan', 'tsan', 'js'];
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
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rx-teec-jest-')), 'report.json');
  run('TypeScript', process.execPath, [require.resolve('jest/bin/jest'), '--ci', '--json', `--outputFile=${report}`]);
  try {
    const j = JSON.parse(fs.readFileSync(report, 'utf8'));
    passed += j.numPassedTests;
    failed += j.numFailedTests + j.numRuntimeErrorTestSuites;
  } catch {
    ok = false;
  }
}
if (failed > 0) ok = false;
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(ok ? 0 : 1);
