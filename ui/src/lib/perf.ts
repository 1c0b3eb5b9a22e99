// The first-screen mark a benchmark reads: set once, after the profile list first rendered.

let marked = false;

/** A named moment of start-up (`tokenscope:<name>`), for the benchmark's breakdown. */
export function markStep(name: string): void {
  performance.mark(`tokenscope:${name}`);
}

export function markFirstScreen(): void {
  if (marked) return;
  marked = true;
  performance.mark('tokenscope:first-screen');
  document.documentElement.dataset.firstScreen = String(Math.round(performance.now()));
}

/** Tests only: lets the next render mark again. */
export function resetFirstScreenMark(): void {
  marked = false;
  delete document.documentElement.dataset.firstScreen;
}
