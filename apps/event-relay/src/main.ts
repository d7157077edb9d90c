/** The event relay process (DESIGN 1, 5): configuration from the environment, SIGTERM/SIGINT stop it gracefully. */
import { ConfigError } from '@lib/config';
import { stopOnSignals } from '@lib/worker-runtime';
import { createRelayLogger, startRelay, type RelayHandle } from './relay';
import { loadRelayConfig, type RelayConfig } from './relay-config';

async function main(): Promise<void> {
  let config: RelayConfig;
  try {
    config = loadRelayConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`event-relay: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createRelayLogger(config);
  // A relay that stopped relaying for good (it logged why) exits non-zero, so that a supervisor notices and restarts.
  // (It may fail before startRelay has returned it.)
  const started: { relay?: RelayHandle } = {};
  const onFailed = () => {
    void (started.relay?.stop() ?? Promise.resolve()).finally(() => logger.flush(() => process.exit(1)));
  };
  // Signals are handled from before the start: a SIGTERM right after "relay started" is logged must stop it gracefully,
  // not meet Node's default (terminate at once).
  stopOnSignals(logger, (signal) => {
    logger.info({ signal }, 'stopping: finishing the batch in hand and saving the checkpoint');
    return started.relay?.stop() ?? Promise.resolve();
  });
  let relay: RelayHandle;
  try {
    relay = await startRelay(config, { logger, onFailed });
  } catch (error) {
    // Once the logger exists, a failed start is one JSON line like every other, not a stack on stderr.
    logger.fatal({ err: error }, 'event-relay failed to start');
    logger.flush(() => process.exit(1));
    return;
  }
  started.relay = relay;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `event-relay: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
