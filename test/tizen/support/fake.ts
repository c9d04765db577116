/**
 * Fast-test support: a LibTeecManager over a FakeBackend with a fake TA whose commands cover the
 * cases the Tizen layer maps (values, memory, TA errors, waits with cancellation unmasked or
 * ignored), and a recorder of callbacks that checks they are asynchronous and called once.
 */
import { ReturnCode } from '../../../src/core/constants';
import { FakeBackend, fail, type FakeCall, type FakeBackendOptions } from '../../../src/testing/fake-backend';
import { LibTeecManager } from '../../../src/tizen';

export const TA = '11111111-2222-3333-4444-555555555555';
export const UNKNOWN_TA = '99999999-2222-3333-4444-555555555555';

/** Commands of the fake TA. */
export const CMD = {
  /** VALUE_INOUT: a += b, b = 7; VALUE_OUTPUT: a = 0xFFFFFFFF, b = 42; memref OUTPUT: filled 0xAB; INOUT and WHOLE: bytes reversed. (Commands match on their low 16 bits.) */
  TRANSFORM: 1,
  /** TEEC_ERROR_BAD_PARAMETERS from the TA. */
  REJECT: 2,
  /** Waits until cancelled (cancellation unmasked), then TEEC_ERROR_CANCEL. */
  WAIT_UNMASKED: 3,
  /** TEEC_ERROR_NOT_SUPPORTED. */
  UNSUPPORTED: 4,
  /** Waits `p0.a` ms ignoring cancellation (masked), then succeeds with p1 VALUE_OUTPUT a = 1. */
  WAIT_MASKED: 5,
  /** Memref OUTPUT p0: SHORT_BUFFER with size 32 when smaller, else fills 32 bytes of 0x5A, size 32. */
  DIGEST: 6,
  /** Records the bytes of every memref INPUT/INOUT into session.seen (for order and content checks). */
  RECORD: 7,
  /** TEEC_ERROR_GENERIC. */
  GENERIC: 8,
} as const;

/** Open-session parameter p0.a values. */
export const OPEN = { WAIT_UNMASKED: 0xa11, REFUSE: 0xbad } as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

function invoke(call: FakeCall): void | Promise<void> {
  const [p0, p1] = call.params;
  switch (call.command & 0xffff) {
    case CMD.TRANSFORM:
      for (const p of call.params) {
        if (p.type === 0x3) [p.a, p.b] = [(p.a + p.b) >>> 0, 7];
        if (p.type === 0x2) [p.a, p.b] = [0xffffffff, 42];
        if (p.data && [0x6, 0xe].includes(p.type)) p.data.fill(0xab);
        if (p.data && [0x7, 0xc, 0xf].includes(p.type)) p.data.reverse();
      }
      return;
    case CMD.REJECT:
      fail(ReturnCode.TEEC_ERROR_BAD_PARAMETERS);
    case CMD.WAIT_UNMASKED:
      return untilAborted(call.signal).then(() => fail(ReturnCode.TEEC_ERROR_CANCEL));
    case CMD.UNSUPPORTED:
      fail(ReturnCode.TEEC_ERROR_NOT_SUPPORTED);
    case CMD.WAIT_MASKED:
      return sleep(p0.a).then(() => {
        if (p1.type === 0x2) p1.a = 1;
      });
    case CMD.DIGEST:
      if (!p0.data || p0.data.length < 32) {
        p0.size = 32;
        fail(ReturnCode.TEEC_ERROR_SHORT_BUFFER);
      }
      p0.data.fill(0x5a, 0, 32);
      p0.size = 32;
      return;
    case CMD.RECORD: {
      const seen = (call.session.seen ??= []) as number[][];
      for (const p of call.params) if (p.data && [0x5, 0x7, 0xc, 0xd, 0xf].includes(p.type)) seen.push([...p.data]);
      return;
    }
    case CMD.GENERIC:
      fail(ReturnCode.TEEC_ERROR_GENERIC);
    default:
      fail(ReturnCode.TEEC_ERROR_NOT_SUPPORTED);
  }
}

/** A manager over a fresh fake backend with the fake TA installed. */
export function fakeTeec(options: FakeBackendOptions = {}): { teec: LibTeecManager; fake: FakeBackend; sessions: Record<string, unknown>[] } {
  const sessions: Record<string, unknown>[] = [];
  const fake = new FakeBackend(options).addTa(TA, {
    openSession: async (call) => {
      sessions.push(call.session);
      const p0 = call.params[0];
      if (p0.type === 0x3) [p0.a, p0.b] = [p0.a + 1, p0.b + 2];
      if (p0.a === OPEN.REFUSE) fail(ReturnCode.TEEC_ERROR_ACCESS_DENIED);
      if (p0.a === OPEN.WAIT_UNMASKED) {
        await untilAborted(call.signal);
        fail(ReturnCode.TEEC_ERROR_CANCEL);
      }
    },
    invoke,
  });
  return { teec: new LibTeecManager({ backend: fake }), fake, sessions };
}

/** One recorded callback call. */
export interface CallbackCall {
  kind: 'success' | 'error';
  args: unknown[];
}

/**
 * Records success/error callbacks; `pending()` is true until the first one; `settled` resolves
 * with the first call. `assertOnce()` waits a little and checks nothing else came.
 */
export function recorder(): {
  success: (...args: unknown[]) => void;
  error: (...args: unknown[]) => void;
  calls: CallbackCall[];
  settled: Promise<CallbackCall>;
  once(): Promise<CallbackCall>;
} {
  const calls: CallbackCall[] = [];
  let resolve!: (c: CallbackCall) => void;
  const settled = new Promise<CallbackCall>((r) => (resolve = r));
  const record = (kind: CallbackCall['kind']) => (...args: unknown[]) => {
    const call = { kind, args };
    calls.push(call);
    resolve(call);
  };
  return {
    success: record('success'),
    error: record('error'),
    calls,
    settled,
    async once() {
      const first = await settled;
      await sleep(20);
      expect(calls).toHaveLength(1);
      return first;
    },
  };
}

/** Opens a session on the fake TA and resolves with it. */
export function openSession(teec: LibTeecManager): Promise<import('../../../src/tizen').TeecSession> {
  return new Promise((resolve, reject) => {
    teec.getContext().openSession(TA, 'PUBLIC', null, null, resolve, reject);
  });
}

/** The error a synchronous call threw (fails the test if it did not throw). */
export function thrown(f: () => unknown): { name: string; message: string; code: number } {
  try {
    f();
  } catch (e) {
    return e as { name: string; message: string; code: number };
  }
  throw new Error('expected the call to throw');
}

export { sleep };
