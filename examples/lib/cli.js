'use strict';
// The examples' command-line options: whole positive numbers with defaults, and switches.
const { parseArgs } = require('node:util');

function fail(usage, message) {
  console.error(`${message}\nusage: ${usage}`);
  process.exit(2);
}

/**
 * Parses `--name N` options (`numbers` maps each name to its default; N must be a whole positive
 * number), `--switch` flags and at most `maxPositionals` other arguments (in `positionals`). An
 * unknown option, a bad number or an extra argument exits with the usage line.
 * @example const { mib, keep } = parseOptions('demo [--mib N] [--keep]', { mib: 64 }, ['keep']);
 */
function parseOptions(usage, numbers, switches = [], maxPositionals = 0) {
  const options = {};
  for (const name of Object.keys(numbers)) options[name] = { type: 'string' };
  for (const name of switches) options[name] = { type: 'boolean' };
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({ options, strict: true, allowPositionals: maxPositionals > 0 }));
  } catch (e) {
    fail(usage, e.message);
  }
  if (positionals.length > maxPositionals) fail(usage, `unexpected argument ${JSON.stringify(positionals[maxPositionals])}`);
  const parsed = { positionals };
  for (const [name, fallback] of Object.entries(numbers)) {
    const n = values[name] === undefined ? fallback : Number(values[name]);
    if (!Number.isSafeInteger(n) || n <= 0) fail(usage, `--${name} must be a whole positive number, not ${JSON.stringify(values[name])}`);
    parsed[name] = n;
  }
  for (const name of switches) parsed[name] = values[name] === true;
  return parsed;
}

module.exports = { parseOptions };
