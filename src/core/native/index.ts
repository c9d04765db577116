/**
 * The native backend: chooses a libteec (option > `RX_TEEC_LIBTEEC` > a device's libteec > the
 * bundled simulator) and binds it through the rx_teec.node addon.
 *
 * @example
 * import { loadNativeBackend } from 'rx-teec/dist/src/core/native';
 * const backend = loadNativeBackend();
 * console.log(backend.info); // { kind: 'simulator', libraryPath: '…/build/lib/libteec.so.2', reason: '…' }
 * @module
 */
import { NativeBackend } from './native-backend';
import { selectLibrary, type NativeBackendOptions } from './select';

export { NativeBackend, setWorkerPoolOptions, forceCopySharedMemory } from './native-backend';
export { selectLibrary, bundledSimulatorLibrary, systemLibraryDirs, TEE_DEVICES, SYSTEM_LIBRARY_NAMES } from './select';
export type { NativeBackendOptions, SelectionEnvironment } from './select';
export type { NativeStats } from './addon';

/**
 * Loads the addon over the chosen libteec. Throws an Error naming the library path and the
 * dlerror text when the library cannot be loaded.
 *
 * @example
 * const backend = loadNativeBackend({ library: '/usr/lib/libteec.so.2' });
 * console.log(backend.info.kind, backend.info.reason);
 */
export function loadNativeBackend(options: NativeBackendOptions = {}): NativeBackend {
  return new NativeBackend(selectLibrary(options));
}
