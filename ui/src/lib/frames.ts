// Work put off until the frame being built has been painted: a large token view shows its first
// screen first and completes below the fold right after.

/** Calls `fn` once the next frame has been painted (a task queued from requestAnimationFrame runs
 * after that frame's paint). Returns a function that cancels the call. */
export function afterNextPaint(fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let frame: number | undefined;
  if (typeof requestAnimationFrame === 'function') {
    frame = requestAnimationFrame(() => {
      frame = undefined;
      timer = setTimeout(fn, 0);
    });
  } else {
    timer = setTimeout(fn, 0);
  }
  return () => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
