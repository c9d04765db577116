/**
 * The process-wide default backend: the native addon over the bundled simulator or a device's
 * libteec, chosen once on first use.
 * @module
 */
import type { Backend } from './backend';

let current: Backend | undefined;

/**
 * The default backend, loaded on first use (see `loadNativeBackend` for how the libteec is chosen).
 * @example console.log(getDefaultBackend().info)
 */
export function getDefaultBackend(): Backend {
  // Loaded lazily so that code using only a fake backend never loads the addon.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  current ??= (require('./native') as { loadNativeBackend(): Backend }).loadNativeBackend();
  return current;
}

/**
 * Replaces the default backend (e.g. a device's libteec chosen at start-up, or a fake in tests).
 * @example setDefaultBackend(loadNativeBackend({ library: '/usr/lib/libteec.so.2' }))
 */
export function setDefaultBackend(backend: Backend | undefined): void {
  current = backend;
}
