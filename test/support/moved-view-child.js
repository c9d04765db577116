/**
 * Child process of resources.spec's "memory JS moved off an allocated block's view" tests: it
 * needs ArrayBuffer.prototype.transfer (Node 22+; Node 20 with --harmony-rab-gsab-transfer) and
 * --expose-gc, which the jest process has neither of. Drives the addon directly on the simulator
 * named by RX_TEEC_SIM_SOCKET and prints what it saw as one JSON line; a fault kills it instead.
 *
 * Usage: node [--harmony-rab-gsab-transfer] --expose-gc moved-view-child.js <addon> <libteec>
 */
'use strict';
const [addonFile, libraryFile] = process.argv.slice(2);
const addon = require(addonFile);
addon.configure({
  teecError: (code, origin, operation) => new Error(`${operation} failed: 0x${(code >>> 0).toString(16)} (origin ${origin})`),
  argumentError: (argument, detail) => new TypeError(`${argument} ${detail}`),
  rangeError: (argument, detail) => new RangeError(`${argument} ${detail}`),
  stateError: (message) => new Error(message),
  invokeDone() {},
});
const library = addon.openLibrary(libraryFile);
const INOUT = 3;
const SIZE = 65536 + 100; // not a whole number of pages

const settle = (start) =>
  new Promise((resolve, reject) => start((code, origin, outputs, handle) => (code ? reject(new Error(`code 0x${(code >>> 0).toString(16)}`)) : resolve(handle))));
const initialize = () => settle((done) => addon.initializeContext(library, null, done));
const finalize = (context) => settle((done) => addon.finalizeContext(context, done));
const release = (shm) => settle((done) => addon.releaseSharedMemory(shm, done));
const standIns = () => addon.stats().standInMappings;

/** GC until `predicate` holds (finalizers run between turns), at most `turns` times. */
async function collectUntil(predicate, turns = 500) {
  for (let i = 0; i < turns && !predicate(); i++) {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return predicate();
}

/** A block filled with 0xab, and an ArrayBuffer JS moved its memory to. */
function allocateAndMove(context) {
  const shm = addon.allocateSharedMemory(context, SIZE, INOUT);
  shm.buffer.fill(0xab);
  const moved = new Uint8Array(shm.buffer.buffer.transfer());
  return { shm, moved };
}

/** Reads and writes every page of `moved` (a fault ends the process here). */
function touch(moved) {
  let sum = 0;
  for (let i = 0; i < moved.length; i += 4096) {
    sum += moved[i];
    moved[i] = 7;
  }
  sum += moved[moved.length - 1];
  moved[moved.length - 1] = 7;
  return { sum, wrote: moved[0] === 7 && moved[moved.length - 1] === 7 };
}

async function main() {
  const seen = {};
  const context = await initialize();

  // Released while a moved ArrayBuffer points at the block.
  {
    let { shm, moved } = allocateAndMove(context);
    seen.movedBeforeRelease = { length: moved.length, first: moved[0], viewLength: shm.buffer.length };
    await release(shm);
    seen.afterRelease = { standIns: standIns(), ...touch(moved) };
    moved = undefined;
    shm = undefined;
    seen.unmappedOnCollect = await collectUntil(() => standIns() === 0);
  }

  // Released by finalizing its context.
  {
    const other = await initialize();
    let { moved } = allocateAndMove(other);
    await finalize(other);
    seen.afterFinalize = { standIns: standIns(), ...touch(moved) };
    moved = undefined;
    seen.finalizeUnmappedOnCollect = await collectUntil(() => standIns() === 0);
  }

  // Not moved: the release detaches the only ArrayBuffer, and maps nothing.
  {
    const shm = addon.allocateSharedMemory(context, SIZE, INOUT);
    await release(shm);
    seen.notMoved = { standIns: standIns(), viewLength: shm.buffer.length };
  }

  // Moved, and the moved ArrayBuffer collected before the release: nothing to cover.
  {
    let { shm, moved } = allocateAndMove(context);
    moved = undefined;
    // The finalizer of the moved memory forgets the block's address: then it has run.
    const collected = await collectUntil(() => addon.stats().zeroCopyBlocks === 0);
    await release(shm);
    seen.collectedBeforeRelease = { collected, standIns: standIns() };
    shm = undefined;
  }

  await finalize(context);
  process.stdout.write(JSON.stringify(seen) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
