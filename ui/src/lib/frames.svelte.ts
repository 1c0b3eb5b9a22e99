// Work put off until the frame being built has been painted: the part of a long encoded token
// that is out of sight in its box is added right after the token view's first frame.

interface Batch {
  fns: Set<() => void>;
  /** Its frame has begun: later work waits for the next one. */
  framed: boolean;
}

let pending: Batch | null = null;

/** Calls `fn` once the next frame has been painted (a task queued from requestAnimationFrame runs
 * after that frame's paint). Everything put off until the same frame runs in one task, so the
 * page is laid out once for all of it; and in a second task after the paint: a task that other
 * code queued from its own frame callback in that frame (the benchmark probe's "painted" time)
 * runs before. Returns a function that cancels the call. */
export function afterNextPaint(fn: () => void): () => void {
  if (!pending || pending.framed) {
    // Plain bookkeeping, never read by a template or effect: not a reactive set.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const batch: Batch = { fns: new Set(), framed: false };
    pending = batch;
    const later = () => {
      batch.framed = true;
      setTimeout(() => setTimeout(() => batch.fns.forEach((f) => f()), 0), 0);
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(later);
    else later();
  }
  const entry = () => fn();
  const batch = pending;
  batch.fns.add(entry);
  return () => batch.fns.delete(entry);
}

/** Whether the view of `key()` is complete: at once when `whole()` says it is small, otherwise
 * from right after the next frame is painted (afterNextPaint) until `key()` changes. Call it
 * while a component initialises (it sets up an effect there). */
export function completeAfterPaint<T>(key: () => T, whole: () => boolean): { readonly complete: boolean } {
  let completedFor: T | null = $state.raw(null);
  const complete = $derived(whole() || completedFor === key());
  $effect(() => {
    if (complete) return;
    const mine = key();
    return afterNextPaint(() => (completedFor = mine));
  });
  return {
    get complete() {
      return complete;
    },
  };
}
