/**
 * teecInvoke on the real stack: the native addon over the bundled simulator, the conformance TA
 * running in its own process. CONF.CONF_CMD_TOUCH adds 1 to every byte of its memref in place.
 */
import { lastValueFrom, reduce, Subscription } from 'rxjs';
import { createHash, randomBytes } from 'node:crypto';
import { Context, ReturnCode, ReturnOrigin, TeecStreamError, tempOutput, valueOutput, type Session } from '../../src/core';
import { fromDataProvider, pullFrom, teecInvoke } from '../../src/operators';
import { CONF, DEMO_TA, alive, runSimulator, until } from '../support/simulator';

const MiB = 1 << 20;
let ctx: Context;

beforeAll(async () => {
  ctx = await Context.open();
});
afterAll(async () => {
  await ctx?.close();
});

/** Four distinct 1 MiB patterns and what TOUCH makes of them. */
const patterns = [0, 1, 2, 3].map((k) => {
  const input = Buffer.alloc(MiB);
  for (let i = 0; i < MiB; i++) input[i] = (i * 31 + k * 97 + (i >> 11)) & 0xff;
  const touched = Buffer.from(input.map((b) => (b + 1) & 0xff));
  return { input, touched };
});

/** `total` 1 MiB chunks of the patterns, in turn, filled into the blocks in place. */
function patternSource(total: number) {
  let produced = 0;
  return fromDataProvider((block) => {
    if (produced === total) return 0;
    block.set(patterns[produced++ % 4].input);
    return MiB;
  });
}

async function taPid(session: Session): Promise<number> {
  const r = await session.invoke(CONF.CONF_CMD_INSTANCE_INFO, [valueOutput(), valueOutput()]);
  return r.params[1].b!;
}

describe('teecInvoke on the simulator', () => {
  it('streams 256 MiB through a TA, every output byte verified, at depth 2', async () => {
    const session = await ctx.openSession(CONF.uuid.multi);
    const total = 256;
    let checked = 0;
    const source = patternSource(total);
    const bytes = await lastValueFrom(
      source.pipe(
        teecInvoke(session, CONF.CONF_CMD_TOUCH, { blockSize: MiB, depth: 2 }),
        reduce((n, out) => {
          expect(Buffer.compare(Buffer.from(out.buffer, out.byteOffset, out.length), patterns[checked++ % 4].touched)).toBe(0);
          return n + out.length;
        }, 0),
      ),
    );
    expect(bytes).toBe(total * MiB);
    expect(checked).toBe(total);
    expect(ctx.children.sharedMemory).toBe(0);
    await session.close();
  }, 120_000);

  it('streams 64 MiB unordered (ordered: false) at depth 3: outputs in stream order, every byte verified', async () => {
    const session = await ctx.openSession(CONF.uuid.multi);
    const total = 64;
    let checked = 0;
    const source = patternSource(total);
    await lastValueFrom(
      source.pipe(
        teecInvoke(session, CONF.CONF_CMD_TOUCH, { blockSize: MiB, depth: 3, ordered: false, output: 'lease' }),
        reduce((n, lease) => {
          expect(lease.chunk.index).toBe(checked);
          expect(Buffer.compare(Buffer.from(lease.data.buffer, lease.data.byteOffset, lease.data.length), patterns[checked++ % 4].touched)).toBe(0);
          lease.release();
          return n + 1;
        }, 0),
      ),
    );
    expect(checked).toBe(total);
    expect(ctx.children.sharedMemory).toBe(0);
    await session.close();
  }, 60_000);

  it('chunks reach the TA in stream order at any depth (the demo TA hashes what it sees)', async () => {
    const data = randomBytes(9 * MiB + 12345);
    for (const depth of [1, 2, 3]) {
      const session = await ctx.openSession(DEMO_TA);
      const chunks = [0, 1, 2, 3].map((k) => data.subarray((k * data.length) >> 2, ((k + 1) * data.length) >> 2));
      await lastValueFrom(pullFrom(chunks).pipe(teecInvoke(session, 1, { blockSize: MiB, depth })), { defaultValue: undefined });
      await session.invoke(1); // ends the stream
      const digest = new Uint8Array(32);
      const { params } = await session.invoke(2, [tempOutput(digest), valueOutput()]);
      expect(params[1].a).toBe(data.length);
      expect(Buffer.from(digest).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'));
      await session.close();
    }
  }, 60_000);

  it('handles odd chunk sizes, splitting at the block size, with leases and registered memory', async () => {
    const session = await ctx.openSession(CONF.uuid.multi);
    const sizes = [1, 15, 16, 17, 4095, 4096, 4097, 100_000, 3 * 65536 + 5];
    const chunks = sizes.map((n, k) => patterns[k % 4].input.subarray(7, 7 + n));
    for (const memory of ['allocated', 'registered', 'temp'] as const) {
      const out: number[] = [];
      await lastValueFrom(
        pullFrom(chunks).pipe(
          teecInvoke(session, CONF.CONF_CMD_TOUCH, { blockSize: 65536, depth: 2, memory, output: 'lease' }),
          reduce((_, lease) => {
            out.push(...lease.data);
            lease.release();
            return 0;
          }, 0),
        ),
      );
      const expected = Buffer.concat(chunks).map((b) => (b + 1) & 0xff);
      expect(out.length).toBe(expected.length);
      expect(Buffer.from(out).equals(Buffer.from(expected))).toBe(true);
    }
    await session.close();
  }, 60_000);

  it('reuses caller blocks (options.blocks) across streams: outputs verified, no block allocated or released', async () => {
    const session = await ctx.openSession(CONF.uuid.multi);
    const blocks = [ctx.allocateSharedMemory(MiB), ctx.allocateSharedMemory(MiB)];
    const before = ctx.children.sharedMemory;
    for (let stream = 0; stream < 3; stream++) {
      let produced = 0;
      let checked = 0;
      const source = fromDataProvider((block) => {
        if (produced === 6) return 0;
        block.set(patterns[(produced++ + stream) % 4].input);
        return MiB;
      });
      const chunks = await lastValueFrom(
        source.pipe(
          teecInvoke(session, CONF.CONF_CMD_TOUCH, { blocks, output: 'lease' }),
          reduce((n, lease) => {
            expect(Buffer.compare(Buffer.from(lease.data), patterns[(checked++ + stream) % 4].touched)).toBe(0);
            lease.release();
            return n + 1;
          }, 0),
        ),
      );
      expect(chunks).toBe(6);
      expect(ctx.children.sharedMemory).toBe(before);
    }
    expect(blocks.map((b) => b.released)).toEqual([false, false]);
    await Promise.all(blocks.map((b) => b.release()));
    await session.close();
  }, 60_000);

  it.each([true, false])('unsubscribing mid-stream leaves no session, block or TA process behind (ordered: %s)', async (ordered) => {
    const session = await ctx.openSession(CONF.uuid.multi);
    const pid = await taPid(session);
    expect(alive(pid)).toBe(true);
    let reads = 0;
    let sub: Subscription | undefined;
    await new Promise<void>((resolve) => {
      sub = fromDataProvider((block) => {
        reads++;
        block.fill(reads & 0xff);
        return block.length;
      })
        .pipe(teecInvoke(session, CONF.CONF_CMD_TOUCH, { blockSize: MiB, depth: 2, ordered }))
        .subscribe(() => {
          if (reads >= 10) resolve();
        });
    });
    sub!.unsubscribe();
    await until(() => ctx.children.sharedMemory === 0, 5000, 'stream blocks released');
    await session.close();
    await until(() => !alive(pid), 5000, 'TA process gone');
    await until(() => !runSimulator().instancePids().includes(pid), 5000, 'the daemon forgot the instance');
    expect(reads).toBeLessThan(20);
  }, 60_000);

  it('a TA that dies mid-stream surfaces one TARGET_DEAD (origin TEE) naming the chunk', async () => {
    const session = await ctx.openSession(CONF.uuid.multi);
    const pid = await taPid(session);
    let reads = 0;
    const err = await lastValueFrom(
      fromDataProvider((block) => {
        if (++reads === 6) process.kill(pid, 'SIGKILL'); // the TA crashes while chunk 4 or 5 is in it
        block.fill(1, 0, 4096);
        return 4096;
      }).pipe(teecInvoke(session, CONF.CONF_CMD_TOUCH, { blockSize: 4096, depth: 2 })),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(TeecStreamError);
    expect(err.code).toBe(ReturnCode.TEEC_ERROR_TARGET_DEAD);
    expect(err.origin).toBe(ReturnOrigin.TEE);
    expect(err.chunkIndex).toBeGreaterThanOrEqual(4);
    expect(ctx.children.sharedMemory).toBe(0);
    await expect(session.invoke(CONF.CONF_CMD_NOP)).rejects.toMatchObject({ code: ReturnCode.TEEC_ERROR_TARGET_DEAD });
    await session.close();
    const again = await ctx.openSession(CONF.uuid.multi);
    await again.invoke(CONF.CONF_CMD_NOP);
    await again.close();
  }, 60_000);
});
