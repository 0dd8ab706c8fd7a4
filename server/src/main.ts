/**
 * `npm run server`: reads the environment, builds the app, listens, and shuts down cleanly on
 * SIGINT/SIGTERM (in-flight requests finish, then the database closes).
 */
import path from 'node:path';
import { buildApp } from './app';
import { readConfig } from './config';

async function main(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '..', '..');
  const config = readConfig(process.env, repoRoot);
  const started = Date.now();
  const app = await buildApp(config.app);
  const storage = config.app.databaseUrl
    ? 'PostgreSQL (DATABASE_URL)'
    : `PGlite in ${config.app.dataDir}`;
  app.log.info({ ms: Date.now() - started }, `storage ready: ${storage}`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal} received, shutting down`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));

  const address = await app.listen({ port: config.port, host: config.host });
  const shown = config.host === '0.0.0.0' ? address.replace('0.0.0.0', 'localhost') : address;
  app.log.info(`field-sync server listening on ${shown} (mode: ${config.app.mode})`);
  if (config.app.mode === 'test') app.log.warn('test mode: /api/test routes are enabled');
}

main().catch((error: unknown) => {
  // Before the logger exists (bad env, database unreachable) stderr is the only place to say it.
  process.stderr.write(
    `field-sync server failed to start: ${String((error as Error)?.stack ?? error)}\n`,
  );
  process.exit(1);
});
