import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/config.js';
import { loadDotEnv } from './config/dot-env.js';
import { DrainService } from './realtime/drain.service.js';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  app
    .getHttpAdapter()
    .getInstance()
    .log.info(`Support chat listening on http://${shown}:${config.port} (database: ${config.database.kind})`);
  console.log(`Support chat listening on http://${shown}:${config.port} (database: ${config.database.kind})`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log(`${signal}: shutting down (at most ${config.shutdownTimeoutMs} ms)`);
    setTimeout(() => {
      console.error('Shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    // Most of the budget goes to sends in flight; the rest to closing HTTP, sockets and the database.
    app
      .get(DrainService)
      .drain(Math.floor(config.shutdownTimeoutMs * 0.7))
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('Shutdown failed:', error);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('Failed to start:', error instanceof Error ? (error.stack ?? error.message) : error);
  }
  process.exit(1);
});
