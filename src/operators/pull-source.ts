import { Observable } from 'rxjs';
import type { Readable } from 'node:stream';
import { open as openFile } from 'node:fs/promises';
import { TeecArgumentError } from '../core/errors';
import { describe } from '../core/uuid';

/**
 * A data provider that fills a block in place (the seed's `getNextBlockFromDataProvider`):
 * write up to `block.length` bytes into `block` and return how many; 0 ends the stream.
 */
export type DataProvider = (block: Uint8Array) => number | Promise<number>;

/**
 * How {@link teecInvoke} pulls: either chunks the source makes, or bytes written straight into
 * the shared block.
 * @internal
 */
export interface Puller {
  /** Next chunk, or null at the end (chunk sources). */
  next?(): Promise<Uint8Array | null>;
  /** Fills `block`; returns bytes written, 0 at the end (in-place sources). */
  fill?(block: Uint8Array): Promise<number>;
  /** Stops the source early (unsubscribe, error). */
  close(): Promise<void>;
}

/**
 * An Observable of chunks that {@link teecInvoke} can *pull* from: it reads a chunk only when a
 * block is free, so the source never runs ahead of the TA. Subscribed to directly, it emits its
 * chunks one after another as a plain cold Observable.
 */
export class PullSource extends Observable<Uint8Array> {
  constructor(
    /** @internal Makes a fresh puller per subscription. */ readonly createPuller: () => Puller,
    /** Total bytes, when known (for progress). */ readonly totalBytes?: number,
  ) {
    super((subscriber) => {
      const puller = createPuller();
      let active = true;
      const scratch = puller.fill ? new Uint8Array(64 * 1024) : undefined;
      (async () => {
        for (;;) {
          let chunk: Uint8Array | null;
          if (scratch) {
            const n = await puller.fill!(scratch);
            chunk = n > 0 ? scratch.slice(0, n) : null;
          } else chunk = await puller.next!();
          if (!active) return;
          if (chunk === null) break;
          subscriber.next(chunk);
        }
        subscriber.complete();
      })().catch((e) => subscriber.error(e));
      return () => {
        active = false;
        void puller.close().catch(() => undefined);
      };
    });
  }
}

/**
 * A pull source over an async or sync iterable of chunks, or a Node `Readable` (read lazily:
 * nothing is read until a block is free).
 * @example pullFrom(fs.createReadStream('movie.enc')).pipe(teecInvoke(session, CMD_DECRYPT))
 */
export function pullFrom(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Readable): PullSource {
  const iterable = source as Partial<AsyncIterable<Uint8Array> & Iterable<Uint8Array>>;
  if (typeof iterable[Symbol.asyncIterator] !== 'function' && typeof iterable[Symbol.iterator] !== 'function') {
    throw new TeecArgumentError('source', `must be an AsyncIterable, Iterable or Readable of Uint8Array chunks, got ${describe(source)}`);
  }
  return new PullSource(() => {
    const it = typeof iterable[Symbol.asyncIterator] === 'function' ? iterable[Symbol.asyncIterator]!() : iterable[Symbol.iterator]!();
    return {
      async next() {
        const r = await it.next();
        if (r.done) return null;
        if (!(r.value instanceof Uint8Array)) throw new TeecArgumentError('source', `yielded ${describe(r.value)}, expected a Uint8Array`);
        return r.value;
      },
      async close() {
        await it.return?.();
      },
    };
  });
}

/**
 * A pull source from a data provider that fills the shared block in place (no copy).
 * @example
 * let sent = 0;
 * fromDataProvider((block) => { const n = Math.min(block.length, total - sent); fillWithCiphertext(block, n); sent += n; return n; })
 */
export function fromDataProvider(provider: DataProvider, totalBytes?: number): PullSource {
  if (typeof provider !== 'function') throw new TeecArgumentError('provider', `must be a function (block) => bytesWritten, got ${describe(provider)}`);
  return new PullSource(
    () => ({
      async fill(block) {
        const n = await provider(block);
        if (!Number.isInteger(n) || n < 0 || n > block.length) {
          throw new TeecArgumentError('provider', `returned ${describe(n)}; expected an integer byte count in [0, ${block.length}]`);
        }
        return n;
      },
      async close() {},
    }),
    totalBytes,
  );
}

/**
 * A pull source reading a file straight into the shared block (one read per block, no copy).
 * @example pullFromFile('sample.enc').pipe(teecInvoke(session, CMD_DECRYPT, { output: 'lease' }))
 */
export function pullFromFile(path: string, options: { start?: number; end?: number } = {}): PullSource {
  if (typeof path !== 'string') throw new TeecArgumentError('path', `must be a string, got ${describe(path)}`);
  return new PullSource(() => {
    let handle: Awaited<ReturnType<typeof openFile>> | undefined;
    let position = options.start ?? 0;
    return {
      async fill(block) {
        handle ??= await openFile(path, 'r');
        const want = options.end === undefined ? block.length : Math.max(0, Math.min(block.length, options.end - position));
        if (want === 0) return 0;
        const { bytesRead } = await handle.read(block, 0, want, position);
        position += bytesRead;
        return bytesRead;
      },
      async close() {
        const h = handle;
        handle = undefined;
        await h?.close();
      },
    };
  });
}
