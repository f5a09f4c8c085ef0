import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync('web/tsconfig.json')) {
  process.exit(0);
}
const result = spawnSync('npx', ['tsc', '-p', 'web/tsconfig.json', '--noEmit'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
