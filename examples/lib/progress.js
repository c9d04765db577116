'use strict';
// A progress bar for byte streams (percent, bytes, rate, ETA) and the closing throughput line.
const cliProgress = require('cli-progress');

const MiB = 1024 * 1024;
const mib = (n) => (n / MiB).toFixed(1);

/**
 * Starts a bar over `total` bytes; returns { update(bytes), stop() → summary line }.
 * On a non-terminal (CI logs) the bar stays quiet and only the summary prints.
 */
function byteProgress(label, total) {
  const started = process.hrtime.bigint();
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {done}/{all} MiB | {rate} MiB/s | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { done: '0.0', all: mib(total), rate: '0' });
  let last = 0;
  return {
    update(bytes) {
      last = bytes;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      bar.update(bytes, { done: mib(bytes), rate: seconds > 0 ? (bytes / MiB / seconds).toFixed(0) : '0' });
    },
    stop() {
      bar.stop();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return { bytes: last, seconds, mibPerSecond: last / MiB / seconds };
    },
  };
}

module.exports = { byteProgress, MiB };
