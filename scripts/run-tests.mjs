// Runs every compiled *.test.js under dist/test with Node's test runner (Node 20 has no glob for --test).
// --faults runs the long fault-injection suites (*.fault.js) instead. Other arguments filter by path.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const suffix = args.includes('--faults') ? '.fault.js' : '.test.js';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return findTests(path);
    }
    return entry.name.endsWith(suffix) ? [path] : [];
  });
}

const filters = args.filter((arg) => !arg.startsWith('--'));
const files = findTests('dist/test')
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No *${suffix} files found under dist/test (did the build run?)`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
