/** Options of `tracer.installShutdownHooks`. */
export interface ShutdownHookOptions {
  /** Signals that trigger a flush before exit. Default `['SIGTERM', 'SIGINT']`. */
  signals?: NodeJS.Signals[];
  /** Most time to spend flushing, in ms. Default 5000. */
  deadlineMs?: number;
  /** Also flush on `beforeExit`. Default true. */
  beforeExit?: boolean;
}

/**
 * Flushes (through `shutdown`) when the process is told to stop, then lets it stop as it would
 * have: a signal with no other listener is re-raised so the default exit happens.
 * Returns a function that removes the hooks.
 */
export function installProcessShutdownHooks(shutdown: (options: { deadlineMs: number }) => Promise<unknown>, options: ShutdownHookOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const deadlineMs = options.deadlineMs ?? 5000;
  let running: Promise<unknown> | undefined;
  const runOnce = () => {
    running ??= shutdown({ deadlineMs }).catch(() => undefined);
    return running;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void runOnce().then(() => {
      remove();
      // Nobody else handles this signal: re-raise it so the process ends as it would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = () => {
    if (running === undefined) void runOnce();
  };
  for (const signal of signals) process.on(signal, onSignal);
  if (options.beforeExit ?? true) process.on('beforeExit', onBeforeExit);
  const remove = () => {
    for (const signal of signals) process.off(signal, onSignal);
    process.off('beforeExit', onBeforeExit);
  };
  return remove;
}
