// Tells the diagnostic logger when an exporter loses spans or its exports fail: at once the first
// time for each reason, then at most once a minute per reason with the counts since the last line,
// so a dead backend is visible without flooding stderr.
import { diagnose, redactSecrets } from '../diagnostic-logger.js';
import type { Scheduler } from '../scheduler.js';
import type { LostSpans } from './exporter.js';

/** How often one exporter writes a line for the same reason, at most. */
export const LOSS_REPORT_INTERVAL_MS = 60_000;

type Reason = keyof LostSpans | 'exportFailed';

interface ReasonState {
  /** Since the last line written. */
  pending: number;
  total: number;
  lastWrittenAt: number | undefined;
  timer: unknown;
}

const LOST_MEANING: Readonly<Record<keyof LostSpans, string>> = Object.freeze({
  queueFull: 'dropped: the export queue was full',
  shutdown: 'dropped at shutdown',
  spanTooLarge: 'dropped: too large to send',
  notRetryable: 'failed: the backend refused the batch and retrying would not help',
  retriesExhausted: 'failed: the backend stayed unavailable past the retry bounds',
  rejected: 'rejected by the backend (partial success)',
});

export class LossReporter {
  private readonly states = new Map<Reason, ReasonState>();
  private lastErrorCode = '';

  constructor(
    private readonly exporterName: string,
    private readonly scheduler: () => Scheduler,
  ) {}

  /** `count` spans lost for `reason`. Cheap when a line for this reason is already due. */
  lost(reason: keyof LostSpans, count: number): void {
    this.note(reason, count);
  }

  /** One export attempt failed with `code`; `willRetry`: the spans stay queued for another try. */
  exportFailed(code: string, willRetry: boolean): void {
    this.lastErrorCode = redactSecrets(code).slice(0, 64);
    if (willRetry) this.note('exportFailed', 1);
  }

  /** Writes what is pending now (shutdown: nothing should wait for a timer that may never fire). */
  flushPending(): void {
    for (const [reason, state] of this.states) {
      if (state.timer !== undefined) {
        this.scheduler().clearTimeout(state.timer);
        state.timer = undefined;
      }
      if (state.pending > 0) this.write(reason, state);
    }
  }

  private note(reason: Reason, count: number): void {
    let state = this.states.get(reason);
    if (state === undefined) {
      state = { pending: 0, total: 0, lastWrittenAt: undefined, timer: undefined };
      this.states.set(reason, state);
    }
    state.pending += count;
    state.total += count;
    if (state.timer !== undefined) return;
    const scheduler = this.scheduler();
    const now = scheduler.now();
    if (state.lastWrittenAt === undefined || now - state.lastWrittenAt >= LOSS_REPORT_INTERVAL_MS) {
      this.write(reason, state);
      return;
    }
    const entry = state;
    const writtenAt = state.lastWrittenAt;
    state.timer = scheduler.setTimeout(
      () => {
        entry.timer = undefined;
        if (entry.pending > 0) this.write(reason, entry);
      },
      writtenAt + LOSS_REPORT_INTERVAL_MS - now,
    );
  }

  private write(reason: Reason, state: ReasonState): void {
    state.lastWrittenAt = this.scheduler().now();
    const since = state.pending;
    state.pending = 0;
    const code = this.lastErrorCode === '' ? '' : ` (last error code ${this.lastErrorCode})`;
    if (reason === 'exportFailed') {
      diagnose(
        'warn',
        `${this.exporterName}: ${since} export attempt(s) failed${code}, ${state.total} in total; spans stay queued and are retried within the retry bounds. Figures: tracer.getExportStats()`,
      );
      return;
    }
    diagnose(
      'warn',
      `${this.exporterName}: ${since} span(s) ${LOST_MEANING[reason]} [${reason}]${code}, ${state.total} in total. Figures: tracer.getExportStats()`,
    );
  }
}
