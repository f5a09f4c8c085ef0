import { ConfigError, loadConfig } from '../src/config/config.js';
import { loadDotEnv } from '../src/config/dot-env.js';
import { openDatabase } from '../src/database/database.js';

// `npm run db:migrate`: applies pending migrations (the server also does this at startup, under the same lock).
try {
  loadDotEnv();
  const config = loadConfig();
  const database = await openDatabase(config.database, { migrate: true });
  await database.close();
  console.log(`Migrations applied (${config.database.kind}).`);
} catch (error) {
  console.error(
    error instanceof ConfigError ? error.message : `Migration failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
