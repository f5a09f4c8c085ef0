import { readFileSync } from 'node:fs';

// The parts of V8's .cpuprofile format (written by node --cpu-prof) that a self-time summary needs.
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileLine {
  name: string;
  selfMs: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  window?: ProfileWindow;
  totalMs: number;
  busyMs: number;
  byArea: ProfileLine[];
  byFunction: ProfileLine[];
  // For the heaviest functions: who called them (innermost caller first), since a native frame like writev says little alone.
  callers: { name: string; paths: ProfileLine[] }[];
}

const CALLER_DEPTH = 4;
const CALLER_FUNCTIONS = 6;

// Where a frame's code lives: a package, our own compiled source, Node's internals, or V8's pseudo-frames.
function areaOf(url: string, functionName: string): string {
  if (!url) {
    return functionName.startsWith('(') ? functionName : '(native)';
  }
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  if (url.startsWith('node:')) {
    return `node:${url.slice(5).split('/')[0]}`;
  }
  const dist = url.indexOf('/dist/');
  return dist >= 0
    ? url
        .slice(dist + 1)
        .split('/')
        .slice(0, 3)
        .join('/')
    : url;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    return url.slice(modules + 'node_modules/'.length);
  }
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + 1) : url;
}

function frameName(frame: ProfileNode['callFrame']): string {
  return frame.url ? `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : frame.functionName;
}

function top(map: Map<string, number>, busyMs: number, count: number): ProfileLine[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, selfMs]) => ({ name, selfMs: Math.round(selfMs), percent: Math.round((selfMs / busyMs) * 1000) / 10 }));
}

// Self time per function and per area over the busy time (idle excluded), from the sample timeline.
export interface ProfileWindow {
  name: string;
  // Milliseconds since the profiled process started (the profile's first sample is taken at its start).
  fromMs: number;
  toMs: number;
}

// Self time per function and per area over the busy time (idle excluded), from the sample timeline,
// optionally only within a window (one phase of the bench).
export function summariseCpuProfile(file: string, count = 25, window?: ProfileWindow): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfById = new Map<number, number>();
  let elapsedMs = 0;
  profile.samples.forEach((id, index) => {
    const deltaMs = (profile.timeDeltas[index] ?? 0) / 1000;
    elapsedMs += deltaMs;
    if (!window || (elapsedMs >= window.fromMs && elapsedMs <= window.toMs)) {
      selfById.set(id, (selfById.get(id) ?? 0) + deltaMs);
    }
  });
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of selfById) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) {
      continue;
    }
    totalMs += ms;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const area = areaOf(frame.url, frame.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
    const name = frameName(frame);
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const busyMs = Math.max(1, totalMs - idleMs);
  const functions = top(byFunction, busyMs, count);
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parentOf.set(child, node.id);
    }
  }
  const callers = functions
    .filter((line) => !line.name.startsWith('('))
    .slice(0, CALLER_FUNCTIONS)
    .map((line) => {
      const paths = new Map<string, number>();
      for (const [id, ms] of selfById) {
        const node = byId.get(id);
        if (!node || frameName(node.callFrame) !== line.name) {
          continue;
        }
        const chain: string[] = [];
        // Node's own stream and event frames are skipped: the first callers from packages or our code say who wrote.
        for (let parent = parentOf.get(id); parent !== undefined && chain.length < CALLER_DEPTH; parent = parentOf.get(parent)) {
          const frame = byId.get(parent)?.callFrame;
          if (frame?.url && !frame.url.startsWith('node:')) {
            chain.push(frameName(frame));
          }
        }
        const key = chain.join(' < ');
        paths.set(key, (paths.get(key) ?? 0) + ms);
      }
      return { name: line.name, paths: top(paths, busyMs, 3) };
    });
  return {
    file,
    window,
    totalMs: Math.round(totalMs),
    busyMs: Math.round(busyMs),
    byArea: top(byArea, busyMs, count),
    byFunction: functions,
    callers,
  };
}

export function formatProfile(summary: ProfileSummary): string {
  const line = (item: ProfileLine) => `  ${String(item.percent).padStart(5)}%  ${String(item.selfMs).padStart(7)} ms  ${item.name}`;
  return [
    `CPU profile ${summary.file}${summary.window ? ` during ${summary.window.name}` : ''}: ${summary.busyMs} ms busy of ${summary.totalMs} ms`,
    'Self time by area:',
    ...summary.byArea.map(line),
    'Self time by function:',
    ...summary.byFunction.map(line),
    'Callers of the heaviest functions:',
    ...summary.callers.flatMap((entry) => [
      `  ${entry.name}`,
      ...entry.paths.map((path) => `    ${String(path.percent).padStart(5)}%  < ${path.name}`),
    ]),
  ].join('\n');
}
