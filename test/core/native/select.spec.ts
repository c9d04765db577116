/**
 * Which libteec the native backend loads: the option, then RX_TEEC_LIBTEEC, then a TEE device's
 * system library, then the bundled simulator; each choice says why. Driven by a made-up
 * environment (files that exist, variables, architecture), so no device is needed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundledSimulatorLibrary, selectLibrary, systemLibraryDirs, type SelectionEnvironment } from '../../../src/core/native/select';

/** An environment in which exactly `files` exist. */
function machine(files: string[], env: NodeJS.ProcessEnv = {}, arch = 'x64'): SelectionEnvironment {
  const present = new Set(files);
  return { env, exists: (f) => present.has(f), arch };
}

const SIMULATOR = bundledSimulatorLibrary();

describe('selectLibrary', () => {
  it('defaults to the bundled simulator when there is no TEE device', () => {
    // A system libteec alone is not enough: without a device it has nothing to talk to.
    expect(selectLibrary({}, machine(['/usr/lib/libteec.so.2']))).toEqual({
      kind: 'simulator',
      libraryPath: SIMULATOR,
      reason: 'default: the bundled simulator (no TEE device found)',
    });
  });

  it("takes a device's system libteec when a TEE device and the library are both present", () => {
    expect(selectLibrary({}, machine(['/dev/tee0', '/usr/lib/x86_64-linux-gnu/libteec.so.2']))).toEqual({
      kind: 'libteec',
      libraryPath: '/usr/lib/x86_64-linux-gnu/libteec.so.2',
      reason: 'TEE device /dev/tee0 and system library /usr/lib/x86_64-linux-gnu/libteec.so.2 found',
    });
    // The supplicant's device alone counts too.
    expect(selectLibrary({}, machine(['/dev/teepriv0', '/usr/lib/libteec.so'])).libraryPath).toBe('/usr/lib/libteec.so');
  });

  it('prefers the newest soname (OP-TEE 4.x, then 3.x, then Tizen), whatever the directory', () => {
    const files = ['/dev/tee0', '/usr/lib/libteec.so', '/usr/local/lib/libteec.so.1', '/lib64/libteec.so.2'];
    expect(selectLibrary({}, machine(files)).libraryPath).toBe('/lib64/libteec.so.2');
    expect(selectLibrary({}, machine(files.filter((f) => !f.endsWith('.so.2')))).libraryPath).toBe('/usr/local/lib/libteec.so.1');
  });

  it("searches the architecture's multiarch directories", () => {
    expect(systemLibraryDirs('arm64')).toEqual(expect.arrayContaining(['/usr/lib/aarch64-linux-gnu', '/lib/aarch64-linux-gnu']));
    expect(selectLibrary({}, machine(['/dev/tee0', '/usr/lib/aarch64-linux-gnu/libteec.so.2'], {}, 'arm64')).kind).toBe('libteec');
    // Another architecture's directory is not searched.
    expect(selectLibrary({}, machine(['/dev/tee0', '/usr/lib/aarch64-linux-gnu/libteec.so.2'], {}, 'x64')).kind).toBe('simulator');
    // An architecture without a multiarch name still has the plain directories.
    expect(systemLibraryDirs('mips')).toEqual(['/usr/lib', '/usr/lib64', '/lib', '/lib64', '/usr/local/lib']);
  });

  it('falls back to the simulator, and says so, when a TEE device has no system libteec', () => {
    expect(selectLibrary({}, machine(['/dev/tee0']))).toEqual({
      kind: 'simulator',
      libraryPath: SIMULATOR,
      reason: 'default: the bundled simulator (TEE device /dev/tee0 found, but no system libteec)',
    });
  });

  it('takes RX_TEEC_LIBTEEC over a detected device', () => {
    const env = machine(['/dev/tee0', '/usr/lib/libteec.so.2'], { RX_TEEC_LIBTEEC: '/opt/vendor/libteec.so' });
    expect(selectLibrary({}, env)).toEqual({ kind: 'libteec', libraryPath: '/opt/vendor/libteec.so', reason: 'environment variable RX_TEEC_LIBTEEC' });
    // Set but empty: as if unset.
    expect(selectLibrary({}, machine([], { RX_TEEC_LIBTEEC: '' })).kind).toBe('simulator');
  });

  it('takes the option over RX_TEEC_LIBTEEC and a device', () => {
    const env = machine(['/dev/tee0', '/usr/lib/libteec.so.2'], { RX_TEEC_LIBTEEC: '/opt/vendor/libteec.so' });
    expect(selectLibrary({ library: '/opt/other/libteec.so.2' }, env)).toEqual({
      kind: 'libteec',
      libraryPath: '/opt/other/libteec.so.2',
      reason: 'option library',
    });
    expect(selectLibrary({ library: 'simulator' }, env)).toEqual({ kind: 'simulator', libraryPath: SIMULATOR, reason: 'option library' });
    expect(selectLibrary({}, machine([], { RX_TEEC_LIBTEEC: 'simulator' })).kind).toBe('simulator');
  });

  it('leaves a bare soname to the dynamic loader and resolves relative paths against the working directory', () => {
    expect(selectLibrary({ library: 'libteec.so.1' }, machine([])).libraryPath).toBe('libteec.so.1');
    expect(selectLibrary({ library: 'lib/libteec.so' }, machine([])).libraryPath).toBe(path.resolve('lib/libteec.so'));
  });

  it('calls a path that leads to the bundled simulator (a symlink included) the simulator', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-teec-select-'));
    try {
      const link = path.join(dir, 'libteec.so.2');
      fs.symlinkSync(SIMULATOR, link);
      expect(selectLibrary({ library: link }, machine([])).kind).toBe('simulator');
      expect(selectLibrary({ library: SIMULATOR }, machine([])).kind).toBe('simulator');
      // A copy is another library as far as anyone can tell.
      const copy = path.join(dir, 'copy.so');
      fs.copyFileSync(SIMULATOR, copy);
      expect(selectLibrary({ library: copy }, machine([])).kind).toBe('libteec');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an option that is not a non-empty string, naming it', () => {
    for (const library of ['', 42, null, {}]) {
      expect(() => selectLibrary({ library: library as never }, machine([]))).toThrow(new TypeError('options.library must be a non-empty string'));
    }
  });
});
