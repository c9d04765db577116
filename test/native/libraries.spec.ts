/**
 * Loading a libteec other than the bundled one, the way a device's library is loaded: by the
 * option and by RX_TEEC_LIBTEEC. A copy of the simulator's client library stands in for the
 * device's (same C ABI; the addon cannot tell the difference, which is the point). Also what a
 * library that cannot be loaded or used gives: an Error naming the path, the cause and the reason
 * it was chosen, never a crash.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParamType as T, SharedMemoryFlags as F } from '../../src/core/constants';
import type { ContextHandle } from '../../src/core/backend';
import { bundledSimulatorLibrary, loadNativeBackend, type NativeBackend } from '../../src/core/native';
import { CONF, PrivateSim } from '../support/simulator';

const sim = new PrivateSim();
const copy = path.join(sim.dir, 'vendor', 'libteec.so.2');
let bundled: NativeBackend;
let running: ContextHandle;

beforeAll(async () => {
  fs.mkdirSync(path.dirname(copy));
  fs.copyFileSync(bundledSimulatorLibrary(), copy);
  // The daemon runs already, as a device's TEE does: the bundled library starts it (the copy
  // would look for the daemon binary next to itself, where there is none).
  bundled = sim.backend();
  running = await bundled.initializeContext(null);
});
afterAll(async () => {
  await bundled.finalizeContext(running);
  sim.stop();
});

/** The shared objects mapped into this process. */
function mappedFiles(): Set<string> {
  const lines = fs.readFileSync('/proc/self/maps', 'utf8').split('\n');
  return new Set(lines.map((l) => l.split(/\s+/).slice(5).join(' ')).filter((f) => f.startsWith('/')));
}

/** Opens a session on the conformance TA and runs one TRANSFORM and one allocated-memory TOUCH. */
async function roundTrip(backend: NativeBackend): Promise<void> {
  const context = await backend.initializeContext(null);
  try {
    const { session } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
    const outputs = await backend.invokeCommand(session, CONF.CONF_CMD_TRANSFORM, [{ type: T.VALUE_INOUT, a: 40, b: 1 }]);
    expect(outputs[0]).toEqual({ a: 41, b: 3 });
    const shm = backend.allocateSharedMemory(context, 4096, F.INOUT);
    shm.buffer.fill(7);
    await backend.invokeCommand(session, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_WHOLE, shm }]);
    expect(shm.buffer[0]).toBe(8);
    expect(shm.buffer[4095]).toBe(8);
    await backend.closeSession(session);
  } finally {
    await backend.finalizeContext(context);
  }
}

describe('a libteec named by the user', () => {
  it('is loaded from the given path and used for every call (option library)', async () => {
    expect(mappedFiles().has(copy)).toBe(false);
    const backend = loadNativeBackend({ library: copy });
    expect(backend.info).toEqual({ kind: 'libteec', libraryPath: copy, reason: 'option library' });
    expect(mappedFiles().has(copy)).toBe(true);
    const before = sim.status()?.clients ?? 0;
    const context = await backend.initializeContext(null);
    // The copy connected to the daemon itself: its client state is its own, not the bundled one's.
    expect(sim.status()?.clients).toBe(before + 1);
    await backend.finalizeContext(context);
    await roundTrip(backend);
  });

  it('is chosen by RX_TEEC_LIBTEEC when no option is given', async () => {
    const saved = process.env.RX_TEEC_LIBTEEC;
    process.env.RX_TEEC_LIBTEEC = copy;
    try {
      const backend = loadNativeBackend();
      expect(backend.info).toEqual({ kind: 'libteec', libraryPath: copy, reason: 'environment variable RX_TEEC_LIBTEEC' });
      await roundTrip(backend);
    } finally {
      if (saved === undefined) delete process.env.RX_TEEC_LIBTEEC;
      else process.env.RX_TEEC_LIBTEEC = saved;
    }
  });
});

describe('a libteec that cannot be used', () => {
  /** The error loadNativeBackend throws for `library`. */
  function loadError(library: string): Error & { code?: string } {
    try {
      loadNativeBackend({ library });
    } catch (e) {
      return e as Error & { code?: string };
    }
    throw new Error(`loading ${library} did not fail`);
  }

  it('is refused with an Error naming the missing file and why it was chosen', () => {
    const missing = path.join(sim.dir, 'no-such', 'libteec.so.2');
    const e = loadError(missing);
    expect(e.code).toBe('ERR_TEEC_LIBRARY');
    expect(e.message).toContain(`cannot load libteec ${missing}: `);
    expect(e.message).toMatch(/No such file or directory \[chosen by: option library\]$/);
  });

  it('is refused when it is not a shared library at all', () => {
    const text = path.join(sim.dir, 'vendor', 'not-a-library.so');
    fs.writeFileSync(text, 'not ELF');
    const e = loadError(text);
    expect(e.code).toBe('ERR_TEEC_LIBRARY');
    expect(e.message).toContain(`cannot load libteec ${text}: `);
  });

  it('is refused, naming the first missing GP function, when it lacks the TEEC_* symbols', () => {
    // A real shared library that is not a libteec: the C library, by its soname.
    const e = loadError('libc.so.6');
    expect(e.code).toBe('ERR_TEEC_LIBRARY');
    expect(e.message).toMatch(/^rx-teec: cannot use libteec libc\.so\.6: symbol TEEC_InitializeContext not found \(.*undefined symbol.*\) \[chosen by: option library\]$/);
  });
});
