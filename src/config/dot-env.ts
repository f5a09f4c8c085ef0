import { existsSync } from 'node:fs';

// `.env` in the working directory, if present; variables already set in the environment win.
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) {
    process.loadEnvFile(path);
  }
}
