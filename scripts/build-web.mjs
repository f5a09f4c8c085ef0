// Builds the web app when it exists (web/ has its own Vite build); the server runs without it.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync('web/vite.config.ts')) {
  console.log('build:web: no web app yet (web/vite.config.ts missing), skipped');
  process.exit(0);
}
const result = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
