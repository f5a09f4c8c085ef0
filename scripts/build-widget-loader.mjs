// Builds the website widget's loader (web/src/widget-loader) into web/dist/widget-loader/widget.js: one small
// framework-free script the product pastes into its pages. Fails when it grows past its gzip budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const BUDGET_BYTES = 8 * 1024;
const outDir = 'web/dist/widget-loader';

await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2019',
    minify: true,
    lib: { entry: 'web/src/widget-loader/loader.ts', formats: ['iife'], name: 'SupportChatLoader', fileName: () => 'widget.js' },
  },
});

const gzipped = gzipSync(readFileSync(`${outDir}/widget.js`), { level: 9 }).length;
console.log(`widget.js: ${gzipped} bytes gzipped (budget ${BUDGET_BYTES})`);
if (gzipped > BUDGET_BYTES) {
  console.error(`widget.js is over its ${BUDGET_BYTES}-byte gzip budget`);
  process.exit(1);
}
