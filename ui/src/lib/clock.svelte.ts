// The one clock every live time in the window reads: relative times ("3 min ago", "expires in
// 12 min"), countdowns and the elapsed time of a sign-in all tick together, once a second, and
// only while something on screen reads the clock.
import { createSubscriber } from 'svelte/reactivity';

class Clock {
  #now = Date.now();
  #subscribe = createSubscriber((update) => {
    this.#now = Date.now();
    const timer = setInterval(() => {
      this.#now = Date.now();
      update();
    }, 1000);
    return () => clearInterval(timer);
  });

  /** Milliseconds since the epoch; reading it in a template or effect keeps it ticking. */
  get now(): number {
    this.#subscribe();
    // Read outside any effect (a plain call): no subscription, so the time of the call.
    return $effect.tracking() ? this.#now : Date.now();
  }
}

export const clock = new Clock();
