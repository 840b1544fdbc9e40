/** Timers the export pipeline uses; tests pass a manual clock (`@trace/core/testing`). */
export interface Scheduler {
  /** Runs `callback` after `delayMs`. The default scheduler's timers never keep a process alive. */
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Milliseconds, monotonic. */
  now(): number;
}

/** Real timers, `unref`'d. */
export const realScheduler: Scheduler = Object.freeze<Scheduler>({
  setTimeout(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    timer.unref?.();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  now: () => performance.now(),
});
