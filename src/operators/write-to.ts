import { Observable, type OperatorFunction } from 'rxjs';
import type { Writable } from 'node:stream';
import type { ChunkLease } from './teec-invoke';

/**
 * A sink that writes each chunk to a Node `Writable` and emits the running total of bytes the
 * stream has accepted; completes once the stream has finished (`end: false` leaves it open).
 *
 * With {@link ChunkLease}s (`teecInvoke(..., { output: 'lease' })`) each lease is released only
 * when the Writable is done with the bytes, so a slow destination holds back the TA and the
 * producer: the whole pipeline runs at the pace of its slowest part, in bounded memory. Plain
 * Uint8Array chunks are written as they come (the Writable buffers them).
 *
 * @example
 * pullFromFile('in.enc').pipe(
 *   teecInvoke(session, CMD_DECRYPT, { output: 'lease' }),
 *   writeTo(fs.createWriteStream('out.bin')),
 * ).subscribe((written) => bar.update(written));
 */
export function writeTo(writable: Writable, options: { end?: boolean } = {}): OperatorFunction<Uint8Array | ChunkLease, number> {
  const { end = true } = options;
  return (source) =>
    new Observable<number>((subscriber) => {
      let written = 0;
      let inFlight = 0;
      let sourceDone = false;
      let failed = false;
      const onError = (e: unknown): void => {
        failed = true;
        subscriber.error(e);
      };
      writable.on('error', onError);
      const finishIfDone = (): void => {
        if (!sourceDone || inFlight > 0 || failed) return;
        if (!end) {
          subscriber.complete();
          return;
        }
        writable.end(() => subscriber.complete());
      };
      const sub = source.subscribe({
        next: (item) => {
          const lease = item instanceof Uint8Array ? undefined : item;
          const data = lease ? lease.data : (item as Uint8Array);
          inFlight++;
          writable.write(data, (err) => {
            inFlight--;
            lease?.release();
            if (err) return onError(err);
            written += data.length;
            subscriber.next(written);
            finishIfDone();
          });
        },
        error: onError,
        complete: () => {
          sourceDone = true;
          finishIfDone();
        },
      });
      return () => {
        sub.unsubscribe();
        writable.off('error', onError);
      };
    });
}
