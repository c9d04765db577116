import { Observable, from, type ObservableInput, type Subscription } from 'rxjs';

/**
 * Runs `project` with a resource and tears the resource down when the projected work completes,
 * errors or is unsubscribed — the Observable form of try/finally.
 *
 * @example
 * withResource(context$(), (ctx) =>
 *   withResource(session$(ctx, uuid), (s) => invoke(s, 1, [valueInput(1, 2)])),
 * ).subscribe(console.log); // completes, and the session and context are closed
 */
export function withResource<T, R>(resource$: Observable<T>, project: (value: T) => ObservableInput<R>): Observable<R> {
  return new Observable<R>((subscriber) => {
    let inner: Subscription | undefined;
    const outer = resource$.subscribe({
      next: (value) => {
        if (inner) return; // a resource emits once
        try {
          inner = from(project(value)).subscribe(subscriber);
        } catch (e) {
          subscriber.error(e);
        }
      },
      error: (e) => subscriber.error(e),
    });
    // Children before parents: the work stops before the resource closes.
    return () => {
      inner?.unsubscribe();
      outer.unsubscribe();
    };
  });
}
