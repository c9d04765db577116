/**
 * bench/lib.js's interleaved rounds: on a shared host only the rounds the hypervisor left alone
 * (little steal) are reported. Driven by a stand-in /proc/stat reader, no timing.
 */

interface CpuTimes {
  total: number;
  steal: number;
}
interface Rounds {
  run: number;
  quiet: number;
  wanted: number;
}
type Measures = Record<string, () => Promise<unknown>>;
interface Lib {
  interleaved(measures: Measures, options?: { rounds?: number; maxRounds?: number; readCpu?: () => CpuTimes | null }): Promise<Record<string, unknown> & { rounds: Rounds }>;
  roundsNote(what: string): string;
  roundsCaption(rounds: Rounds): string;
  STEAL_WARN: number;
}
const lib = require('../../bench/lib') as Lib;

/**
 * A /proc/stat stand-in: each round (two readings) wants 100 ticks of CPU, of which the next
 * share in `steals` was stolen.
 */
function fakeCpu(steals: number[]): () => CpuTimes {
  let total = 0;
  let steal = 0;
  let reading = 0;
  let round = 0;
  return () => {
    if (reading++ % 2 === 1) {
      total += 100;
      steal += 100 * (steals[round++] ?? 0);
    }
    return { total, steal };
  };
}

/** A measure returning the given values round after round. */
function series(values: number[]): () => Promise<number> {
  let i = 0;
  return async () => values[i++];
}

afterEach(() => {
  lib.roundsNote('reset'); // empties the section log
});

describe('interleaved', () => {
  it('runs rounds until enough are quiet and reports the medians of those only', async () => {
    // Rounds 1 and 3 are busy (their values are far off); 0, 2 and 4 are quiet.
    const out = await lib.interleaved(
      { a: series([10, 900, 12, 800, 11]), b: series([20, 1, 22, 2, 21]) },
      { rounds: 3, maxRounds: 10, readCpu: fakeCpu([0, 0.4, 0.01, 0.3, 0.05]) },
    );
    expect(out.a).toBe(11);
    expect(out.b).toBe(21);
    expect(out.rounds).toEqual({ run: 5, quiet: 3, wanted: 3 });
    expect(lib.roundsCaption(out.rounds)).toBe('3 quiet interleaved rounds (of 5 run)');
  });

  it('takes object measures field by field', async () => {
    const objects = [{ x: 1, y: 5 }, { x: 3, y: 4 }, { x: 2, y: 6 }];
    let i = 0;
    const out = await lib.interleaved({ m: async () => objects[i++] }, { rounds: 3, readCpu: fakeCpu([0, 0, 0]) });
    expect(out.m).toEqual({ x: 2, y: 5 });
  });

  it('stops at maxRounds and falls back to every round when none was quiet', async () => {
    const runs = jest.fn(series([5, 7, 6]));
    const out = await lib.interleaved({ a: runs }, { rounds: 2, maxRounds: 3, readCpu: fakeCpu([0.5, 0.2, 0.9]) });
    expect(runs).toHaveBeenCalledTimes(3);
    expect(out.a).toBe(6);
    expect(out.rounds).toEqual({ run: 3, quiet: 0, wanted: 2 });
    expect(lib.roundsCaption(out.rounds)).toBe('3 interleaved rounds, none quiet');
    expect(lib.roundsNote('latency')).toMatch(/only 0 of the 2 rounds wanted .* don't record these ratios/);
  });

  it('reports the few quiet rounds it got, and says they are too few', async () => {
    const out = await lib.interleaved({ a: series([5, 100, 7]) }, { rounds: 2, maxRounds: 3, readCpu: fakeCpu([0, 0.5, 0.5]) });
    expect(out.a).toBe(5);
    expect(lib.roundsCaption(out.rounds)).toBe('only 1 quiet interleaved rounds (of 3 run; 2 wanted)');
    expect(lib.roundsNote('stream')).toMatch(/^_Rounds of stream: only 1 of the 2 rounds wanted/);
  });

  it('counts a round as quiet when steal is unknown (no /proc/stat)', async () => {
    const out = await lib.interleaved({ a: series([1, 2]) }, { rounds: 2, maxRounds: 8, readCpu: () => null });
    expect(out.rounds.run).toBe(2);
    expect(out.rounds.quiet).toBe(2);
  });

  it('rotates the order of the measures each round', async () => {
    const order: string[] = [];
    const m = (k: string) => async () => {
      order.push(k);
      return 0;
    };
    await lib.interleaved({ a: m('a'), b: m('b'), c: m('c') }, { rounds: 3, readCpu: fakeCpu([0, 0, 0]) });
    expect(order.join('')).toBe('abcbcacab');
  });

  it('sums a section in its note, and the note empties the log', async () => {
    await lib.interleaved({ a: series([1, 2]) }, { rounds: 2, readCpu: fakeCpu([0, 0]) });
    await lib.interleaved({ a: series([1, 2, 3]) }, { rounds: 2, maxRounds: 5, readCpu: fakeCpu([0.5, 0, 0]) });
    const pct = `${lib.STEAL_WARN * 100}%`;
    expect(lib.roundsNote('aes')).toBe(`_Rounds of aes: the medians are of 4 rounds with at most ${pct} steal each (5 run)._`);
    expect(lib.roundsNote('aes')).toBe('');
  });
});
