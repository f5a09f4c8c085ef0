import type { StepResult } from '../phases/throughput.js';

interface Series {
  label: string;
  color: string;
  isDashed: boolean;
  points: { x: number; y: number }[];
}

const WIDTH = 920;
const HEIGHT = 540;
const MARGIN = { left: 70, right: 210, top: 50, bottom: 60 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function seriesOf(name: string, steps: StepResult[], isDashed: boolean): Series[] {
  const percentiles = [
    { key: 'p50', color: '#2b8a3e' },
    { key: 'p95', color: '#e67700' },
    { key: 'p99', color: '#c92a2a' },
  ] as const;
  return percentiles.map(({ key, color }) => ({
    label: `${name} ${key}`,
    color,
    isDashed,
    points: steps.filter((step) => step.latencyMs.count > 0).map((step) => ({ x: step.offeredRate, y: step.latencyMs[key] })),
  }));
}

// Latency percentiles against offered rate, both axes logarithmic: the knee of each curve is where capacity ends.
export function chartTitle(result: {
  mode: string;
  database: string;
  label?: string;
  settings: { serverRevision: string };
  machine: { cores: number; node: string };
}): string {
  const label = result.label ? ` (${result.label})` : '';
  return `Delivery latency vs offered rate: server ${result.settings.serverRevision}${label}, ${result.mode} run, ${result.database}, ${result.machine.cores} cores, Node ${result.machine.node}`;
}

export function latencyChart(title: string, ours: StepResult[], baseline: StepResult[] | undefined): string {
  const series = [...seriesOf('ours', ours, false), ...(baseline ? seriesOf('baseline', baseline, true) : [])];
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const xMin = Math.min(...xs, 100) / 1.2;
  const xMax = Math.max(...xs, 1000) * 1.2;
  const yMin = Math.max(0.1, 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...ys, 1)))));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys, 200)));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((Math.log(x) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin))) * plotW;
  const sy = (y: number) =>
    MARGIN.top + plotH - ((Math.log(Math.max(y, yMin)) - Math.log(yMin)) / (Math.log(yMax) - Math.log(yMin))) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  out.push(`<text x="${MARGIN.left}" y="28" font-size="15" font-weight="bold">${escape(title)}</text>`);
  for (let decade = yMin; decade <= yMax; decade *= 10) {
    const y = sy(decade);
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#dee2e6"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${y + 4}" text-anchor="end">${decade >= 1 ? decade : decade.toFixed(1)}</text>`);
  }
  for (const limit of [50, 100]) {
    if (limit > yMin && limit < yMax) {
      const y = sy(limit);
      out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#868e96" stroke-dasharray="2 3"/>`);
      // 50 ms is labelled under its line, 100 ms above, so the two labels never overlap.
      const labelY = limit === 50 ? y + 14 : y - 4;
      out.push(`<text x="${MARGIN.left + plotW - 4}" y="${labelY}" text-anchor="end" fill="#495057">${limit} ms</text>`);
    }
  }
  const ticks = [...new Set([...xs])].sort((a, b) => a - b);
  for (const x of ticks) {
    out.push(`<line x1="${sx(x)}" x2="${sx(x)}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 5}" stroke="#495057"/>`);
    out.push(
      `<text x="${sx(x)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle" font-size="10">${x >= 1000 ? `${x / 1000}k` : x}</text>`,
    );
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#495057"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 18}" text-anchor="middle">offered rate (messages/s, log scale)</text>`);
  out.push(
    `<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">delivery latency to every admin (ms, log scale)</text>`,
  );
  series.forEach((s, index) => {
    const dash = s.isDashed ? ' stroke-dasharray="6 4"' : '';
    const points = s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    for (const p of s.points) {
      out.push(
        `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="${s.isDashed ? 2.5 : 3.5}" fill="${s.isDashed ? 'white' : s.color}" stroke="${s.color}"/>`,
      );
    }
    const ly = MARGIN.top + 10 + index * 20;
    const lx = MARGIN.left + plotW + 20;
    out.push(`<line x1="${lx}" x2="${lx + 30}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx + 38}" y="${ly + 4}">${escape(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
