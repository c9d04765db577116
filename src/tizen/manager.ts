/**
 * `tizen.teec`: the LibTeecManager, whose getContext hands out TeecContexts.
 * @module
 */
import type { Backend } from '../core/backend';
import { getDefaultBackend } from '../core/default-backend';
import { errorMessage } from '../core/error-message';
import { describe } from '../core/uuid';
import { typeMismatch, WebAPIException } from './errors';
import { ContextState, TeecContext } from './context';

/** Options of {@link LibTeecManager}. */
export interface LibTeecManagerOptions {
  /** The backend, or a function returning it; default: rx-teec's default backend (the simulator or a device's libteec). */
  backend?: Backend | (() => Backend);
}

/**
 * The object reached as `tizen.teec`. One TeecContext per TEE name is kept and handed out again
 * by later getContext calls (a GP context is meant to be shared; Tizen has no way to finalize
 * one); a context that failed to initialize or was finalized is replaced by a new one.
 *
 * @example
 * const teec = new LibTeecManager({ backend: new FakeBackend() }); // tests
 * const ctx = teec.getContext();
 */
export class LibTeecManager {
  private readonly contexts = new Map<string | null, { context: TeecContext; state: ContextState }>();

  constructor(private readonly options: LibTeecManagerOptions = {}) {}

  /**
   * The context of the TEE `name` (null/omitted: the default TEE). Synchronous: the context
   * finishes initializing in the background (see TeecContext). Throws NotSupportedError when no
   * TEE backend can be loaded.
   * @example const ctx = tizen.teec.getContext();
   */
  getContext(name?: string | null): TeecContext {
    if (name !== undefined && name !== null && typeof name !== 'string') throw typeMismatch('name', `must be a string or null, got ${describe(name)}`);
    const key = name ?? null;
    const cached = this.contexts.get(key);
    if (cached && cached.state.failure === undefined && !cached.state.finalizing) return cached.context;
    const state = new ContextState(key, this.backend(), () => {
      if (this.contexts.get(key)?.state === state) this.contexts.delete(key);
    });
    const context = TeecContext.create(state);
    this.contexts.set(key, { context, state });
    return context;
  }

  private backend(): Backend {
    try {
      const { backend } = this.options;
      return typeof backend === 'function' ? backend() : (backend ?? getDefaultBackend());
    } catch (e) {
      const why = errorMessage(e);
      throw new WebAPIException('NotSupportedError', `getContext: no TEE available (${why})`, { cause: e });
    }
  }
}

/**
 * The `tizen` namespace object of this module: `tizen.teec` over rx-teec's default backend.
 * @example import { tizen } from 'rx-teec/tizen'; const ctx = tizen.teec.getContext();
 */
export const tizen: { readonly teec: LibTeecManager } = Object.freeze({ teec: new LibTeecManager() });
