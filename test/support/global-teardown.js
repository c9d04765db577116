// Stops the run's private simulator daemon (see global-setup.js) and removes its directory.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

module.exports = async function globalTeardown() {
  const ctl = path.resolve(__dirname, '../../build/bin/tee-sim-ctl');
  const socket = process.env.RX_TEEC_SIM_SOCKET;
  if (socket && fs.existsSync(ctl)) spawnSync(ctl, ['--socket', socket, 'stop'], { stdio: 'ignore' });
  const dir = process.env.RX_TEEC_TEST_TMPDIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
