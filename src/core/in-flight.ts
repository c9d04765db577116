/**
 * Tracks the calls in flight on a session or a shared memory block, so that closing or releasing
 * can cancel them and wait for them to return before anything is freed under them.
 *
 * Cheap per call: a call is cancelled through signals that live as long as their owner (one
 * AbortController per session or block, not one per call), and listening to a signal for many
 * calls costs one `abort` listener per signal (see {@link abortFanout}), not an
 * addEventListener/removeEventListener pair per call.
 * @internal
 */

/** Something to tell when a signal aborts. */
export interface AbortTarget {
  onAbort(reason: unknown): void;
}

const fanouts = new WeakMap<AbortSignal, Set<AbortTarget>>();

/**
 * How many targets wait on `signal` now (0 if none ever did); unlike abortFanout, creates nothing.
 * @internal
 * @example expect(fanoutSize(session.inFlight.signal)).toBe(0)
 */
export function fanoutSize(signal: AbortSignal): number {
  return fanouts.get(signal)?.size ?? 0;
}

/**
 * The set of targets told when `signal` aborts: add a target while it cares, delete it after.
 * The one `abort` listener behind it is added the first time a signal is seen and lives as long
 * as the signal. `signal` must not be aborted yet (check `signal.aborted` first).
 * @example const targets = abortFanout(signal); targets.add(call); ...; targets.delete(call);
 */
export function abortFanout(signal: AbortSignal): Set<AbortTarget> {
  let targets = fanouts.get(signal);
  if (targets === undefined) {
    const set = new Set<AbortTarget>();
    fanouts.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        const told = [...set];
        set.clear();
        for (const t of told) t.onAbort(signal.reason);
      },
      { once: true },
    );
    targets = set;
  }
  return targets;
}

/**
 * A signal that aborts when any of the signals it follows aborts, shared by every call that
 * follows the same signals (e.g. a session's and a block's, or a stream slot's too): creating an
 * AbortSignal costs microseconds in Node, far more than the rest of a call's bookkeeping.
 * It listens (through the fan-outs) only while calls use it.
 */
class Combined implements AbortTarget {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  /** Aborted (a plain field: Node's `signal.aborted` getter is not free). */
  dead = false;
  private users = 0;

  constructor(
    private readonly followed: readonly AbortSignal[],
    private readonly node: ComboNode,
  ) {}

  /** Every call starts with this: a signal that already aborted is seen here. */
  acquire(): void {
    if (this.users++ !== 0 || this.dead) return;
    // Not listening while unused: a signal that aborted meanwhile is seen here.
    for (const s of this.followed) {
      if (s.aborted) {
        this.onAbort(s.reason);
        return;
      }
    }
    for (const s of this.followed) abortFanout(s).add(this);
  }

  release(): void {
    if (--this.users === 0) for (const s of this.followed) fanouts.get(s)?.delete(this);
  }

  onAbort(reason: unknown): void {
    for (const s of this.followed) fanouts.get(s)?.delete(this);
    if (this.node.combo === this) this.node.combo = undefined;
    this.dead = true;
    this.controller.abort(reason);
  }
}

/** The cache of combined signals: a trie over the followed signals, weakly keyed. */
interface ComboNode {
  next?: WeakMap<AbortSignal, ComboNode>;
  combo?: Combined;
}
const combos: ComboNode = {};

/** The combined signal following exactly `signals` (in this order). */
function combinedFor(signals: readonly AbortSignal[]): Combined {
  let node = combos;
  for (const s of signals) {
    node.next ??= new WeakMap();
    let child = node.next.get(s);
    if (child === undefined) {
      child = {};
      node.next.set(s, child);
    }
    node = child;
  }
  // An aborted combo leaves the cache (onAbort), so a cached one is live or unused.
  return (node.combo ??= new Combined(signals, node));
}

/** The calls in flight on one owner (a session or a shared memory block). */
export class InFlight {
  /** Aborted when the owner cancels everything; replaced afterwards. */
  private controller = new AbortController();
  private readonly calls = new Set<Promise<unknown>>();
  /** `[this]`, for calls tracked by this owner only. */
  readonly alone: readonly InFlight[] = [this];

  /** What every call of this owner follows. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Registers a call's promise until it settles. */
  add(done: Promise<unknown>): void {
    this.calls.add(done);
  }
  /** Forgets a settled call. */
  delete(done: Promise<unknown>): void {
    this.calls.delete(done);
  }

  /** Number of calls still running. */
  get size(): number {
    return this.calls.size;
  }

  /** Requests cancellation of every call in flight and waits until all have returned. */
  async cancelAndDrain(reason: string): Promise<void> {
    const pending = [...this.calls];
    const controller = this.controller;
    this.controller = new AbortController();
    controller.abort(new Error(reason));
    await Promise.allSettled(pending);
  }

  /** Waits until every call in flight now has returned, without cancelling. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.calls]);
  }
}

/**
 * Runs `call` as in flight on every owner, with one signal that aborts when `signal` (the
 * caller's, optional) aborts or any owner cancels all. With one owner and no caller signal that is
 * the owner's own signal; otherwise a combined signal shared with every call that follows the
 * same signals. No AbortController or listener is made per call. `map` turns the call's value
 * into the result (in the same promise reaction that retires the call).
 */
export function trackAll<T>(owners: readonly InFlight[], signal: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T>;
export function trackAll<T, R>(owners: readonly InFlight[], signal: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<T>, map: (value: T) => R): Promise<R>;
export function trackAll<T, R>(
  owners: readonly InFlight[],
  signal: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
  map?: (value: T) => R,
): Promise<T | R> {
  let combined: Combined | undefined;
  let callSignal: AbortSignal;
  if (signal === undefined && owners.length === 1) {
    callSignal = owners[0].signal;
  } else {
    const followed = signal === undefined ? [] : [signal];
    for (const o of owners) followed.push(o.signal);
    combined = combinedFor(followed);
    combined.acquire();
    callSignal = combined.signal;
  }
  let started: Promise<T>;
  try {
    started = call(callSignal);
  } catch (e) {
    started = Promise.reject(e);
  }
  const forget = (): void => {
    for (const o of owners) o.delete(done);
    combined?.release();
  };
  const done: Promise<T | R> = started.then(
    (value) => {
      forget();
      return map === undefined ? value : map(value);
    },
    (error: unknown) => {
      forget();
      throw error;
    },
  );
  for (const o of owners) o.add(done);
  return done;
}
