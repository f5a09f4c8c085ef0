// Builds the web app when it exists (web/ has its own Vite build); the server runs without it.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync('web/vite.config.ts')) {
  console.log('build:web: no web app yet (web/vite.config.ts missing), skipped');
  process.exit(0);
}
const result = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], { stdio: 'inherit' });
if (result.status !== 0) {
  process.exit(result.status ?? 1);
}
// After the app build, which empties web/dist.
const loader = spawnSync(process.execPath, ['scripts/build-widget-loader.mjs'], { stdio: 'inherit' });
process.exit(loader.status ?? 1);
