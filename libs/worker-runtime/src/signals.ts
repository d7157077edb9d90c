import type { Logger } from 'pino';

/**
 * Graceful stop on SIGTERM and SIGINT, the same in every process: the first signal runs `stop` and exits 0 when it
 * finishes (1 when it fails); a second signal exits 1 at once. The logger is flushed before every exit.
 */
export function stopOnSignals(logger: Logger, stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let signals = 0;
  const exit = (code: number) => logger.flush(() => process.exit(code));
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      exit(1);
      return;
    }
    stop(signal).then(
      () => exit(0),
      (error: unknown) => {
        logger.error({ err: error, signal }, 'graceful stop failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
