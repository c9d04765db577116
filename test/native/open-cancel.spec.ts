/**
 * Aborting an openSession that waits in the TEE, before it reaches the TA: the conformance hang
 * TA's TA_CreateEntryPoint never returns, so its opens wait in the simulator's daemon until
 * cancelled. The addon cancels an aborted open with TEEC_RequestCancellation on its operation;
 * the open rejects with TEEC_ERROR_CANCEL (origin TEE) at once, and the context's other opens,
 * invokes and closes go on meanwhile.
 */
import { ReturnCode as RC, ReturnOrigin as O } from '../../src/core/constants';
import { TeecError } from '../../src/core/errors';
import { CONF, PrivateSim, settled, TaInstanceStatus, until } from '../support/simulator';

const sim = new PrivateSim();
const fixture = sim.useContext();

const hangHosts = (state?: TaInstanceStatus['state']) =>
  (sim.status()?.tas ?? []).filter((t) => t.uuid === CONF.uuid.hang && (state === undefined || t.state === state));

const openHang = (signal: AbortSignal) => settled(fixture.backend.openSession(fixture.context, CONF.uuid.hang as never, 0, null, null, signal));

describe('aborting an open that waits for TA_CreateEntryPoint', () => {
  it('rejects with TEEC_ERROR_CANCEL promptly, while other opens of the context go on', async () => {
    const first = new AbortController();
    const queued = new AbortController();
    const firstOpen = openHang(first.signal);
    await until(() => hangHosts('starting').length === 1, 5000, 'the hanging create');
    const queuedOpen = openHang(queued.signal); // waits behind the same create (single instance)

    // The same context opens, invokes and closes while both opens wait.
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) {
      const s = await fixture.open();
      await fixture.backend.invokeCommand(s, CONF.CONF_CMD_NOP, null);
      await fixture.backend.closeSession(s);
    }
    expect(Date.now() - t0).toBeLessThan(3000);

    for (const [controller, pending] of [
      [queued, queuedOpen],
      [first, firstOpen],
    ] as const) {
      const abortedAt = Date.now();
      controller.abort();
      const r = await pending;
      expect(Date.now() - abortedAt).toBeLessThan(1000);
      expect(r.ok).toBe(false);
      expect(r.ok || r.error).toBeInstanceOf(TeecError);
      expect(r.ok || [r.error.code, r.error.origin]).toEqual([RC.TEEC_ERROR_CANCEL, O.TEE]);
    }
    expect(hangHosts('starting')).toHaveLength(1); // no create started for the queued open

    // Nobody waits for the create any more: the daemon's watchdog ends the host after its grace.
    await until(() => hangHosts().length === 0, 10000, 'the hung host to go');
  });

  it('still opens sessions on the context afterwards', async () => {
    const s = await fixture.open();
    await fixture.backend.closeSession(s);
  });
});
