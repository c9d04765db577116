/**
 * Which libteec the native backend loads, and why.
 * @module
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendInfo } from '../backend';
import { packageRoot } from './addon';

/** Options of {@link selectLibrary} and `loadNativeBackend`. */
export interface NativeBackendOptions {
  /**
   * The libteec to load: a path (relative paths resolve against the working directory), a bare
   * soname searched the usual dlopen way (e.g. 'libteec.so.2'), or 'simulator' for the bundled one.
   */
  library?: string;
}

/** What {@link selectLibrary} looks at; replaceable in tests. */
export interface SelectionEnvironment {
  env: NodeJS.ProcessEnv;
  exists(file: string): boolean;
  arch: string;
}

/** TEE device nodes of the Linux TEE subsystem (OP-TEE and others). */
export const TEE_DEVICES = ['/dev/tee0', '/dev/teepriv0'] as const;
/** System library names, most specific first (OP-TEE 4.x, OP-TEE 3.x, Tizen). */
export const SYSTEM_LIBRARY_NAMES = ['libteec.so.2', 'libteec.so.1', 'libteec.so'] as const;

const MULTIARCH: Record<string, string> = {
  x64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  arm: 'arm-linux-gnueabihf',
  ia32: 'i386-linux-gnu',
  riscv64: 'riscv64-linux-gnu',
};

/** Directories searched for a system libteec. */
export function systemLibraryDirs(arch: string = process.arch): string[] {
  const multiarch = MULTIARCH[arch];
  const dirs = ['/usr/lib', '/usr/lib64', '/lib', '/lib64', '/usr/local/lib'];
  if (multiarch) dirs.splice(1, 0, `/usr/lib/${multiarch}`, `/lib/${multiarch}`);
  return dirs;
}

/**
 * The bundled simulator's client library (`build/lib/libteec.so.2` under the package root).
 * @example bundledSimulatorLibrary() // '/…/rx-teec/build/lib/libteec.so.2'
 */
export function bundledSimulatorLibrary(): string {
  return path.join(packageRoot(), 'build', 'lib', 'libteec.so.2');
}

const defaultEnvironment = (): SelectionEnvironment => ({ env: process.env, exists: (f) => fs.existsSync(f), arch: process.arch });

function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return false;
  }
}

function named(library: string, reason: string): BackendInfo {
  if (library === 'simulator') return { kind: 'simulator', libraryPath: bundledSimulatorLibrary(), reason };
  // A bare soname is left to dlopen's search; anything with a slash is a path.
  const libraryPath = library.includes('/') ? path.resolve(library) : library;
  const kind = library.includes('/') && sameFile(libraryPath, bundledSimulatorLibrary()) ? 'simulator' : 'libteec';
  return { kind, libraryPath, reason };
}

/**
 * Chooses the libteec: `options.library` > env `RX_TEEC_LIBTEEC` > a device's libteec when a TEE
 * device and a system libteec are both present > the bundled simulator.
 *
 * @example
 * selectLibrary().reason // 'default: the bundled simulator (no TEE device found)'
 * selectLibrary({ library: '/usr/lib/libteec.so.2' }).kind // 'libteec'
 */
export function selectLibrary(options: NativeBackendOptions = {}, environment: SelectionEnvironment = defaultEnvironment()): BackendInfo {
  if (options.library !== undefined) {
    if (typeof options.library !== 'string' || options.library === '') throw new TypeError('options.library must be a non-empty string');
    return named(options.library, 'option library');
  }
  const fromEnv = environment.env.RX_TEEC_LIBTEEC;
  if (fromEnv) return named(fromEnv, 'environment variable RX_TEEC_LIBTEEC');

  const device = TEE_DEVICES.find((d) => environment.exists(d));
  if (device) {
    for (const name of SYSTEM_LIBRARY_NAMES) {
      for (const dir of systemLibraryDirs(environment.arch)) {
        const candidate = path.join(dir, name);
        if (environment.exists(candidate)) {
          return { kind: 'libteec', libraryPath: candidate, reason: `TEE device ${device} and system library ${candidate} found` };
        }
      }
    }
    return {
      kind: 'simulator',
      libraryPath: bundledSimulatorLibrary(),
      reason: `default: the bundled simulator (TEE device ${device} found, but no system libteec)`,
    };
  }
  return { kind: 'simulator', libraryPath: bundledSimulatorLibrary(), reason: 'default: the bundled simulator (no TEE device found)' };
}
