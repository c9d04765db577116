// One private simulator daemon for the whole jest run. Jest gives each test file a copy of
// process.env, so a file cannot point libteec (which calls getenv) at a socket of its own; the
// real environment set here is inherited by every worker instead. The client library starts the
// daemon on first use; global-teardown.js stops it.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup() {
  const root = path.resolve(__dirname, '../..');
  if (!process.env.RX_TEEC_SIM_SOCKET) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-teec-jest-'));
    process.env.RX_TEEC_SIM_SOCKET = path.join(dir, 'sim.sock');
    process.env.RX_TEEC_TEST_TMPDIR = dir;
  }
  process.env.RX_TEEC_SIM_TA_PATH ??= path.join(root, 'build/ta');
};
