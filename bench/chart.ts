import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchResult } from './report/bench-result.js';
import { chartTitle, latencyChart } from './report/svg-chart.js';

// node dist/bench/chart.js <result.json>: draws the SVG of a result file again (next to it, same name).
const file = process.argv[2];
if (!file?.endsWith('.json')) {
  console.error('Usage: node dist/bench/chart.js <bench/results/....json>');
  process.exit(1);
}
const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
if (!result.throughput) {
  console.error(`${file} has no throughput phase to draw`);
  process.exit(1);
}
const svgFile = file.replace(/\.json$/, '.svg');
writeFileSync(svgFile, latencyChart(chartTitle(result), result.throughput.steps, result.baseline?.steps));
console.log(`wrote ${svgFile}`);
