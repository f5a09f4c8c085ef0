// Command-line options of `npm run bench -- [flags]`. Every figure has a default so a bare run is the full bench.
export interface BenchOptions {
  isQuick: boolean;
  isEmbedded: boolean;
  connections: number;
  users: number;
  admins: number;
  stepSeconds: number;
  historySeconds: number;
  // The list-scaling phase: conversations seeded, then unread user messages added to each.
  listConversations: number;
  listUnread: number;
  cpuProfile: boolean;
  logLevel: string;
  poolSize?: number;
  // Another build of the server (a checkout with dist/src/main.js), for before/after comparisons.
  serverDir: string;
  databaseUrl: string;
  resultsDir: string;
  label?: string;
  phases: Set<Phase>;
  rates?: number[];
  quietWaitSeconds: number;
  // Run every offered rate even after one fails (for comparisons at equal rates).
  keepGoing: boolean;
}

export const PHASES = ['connections', 'throughput', 'history', 'list-scaling', 'ceiling', 'baseline'] as const;
export type Phase = (typeof PHASES)[number];

const USAGE = `Usage: npm run bench -- [options]
  --quick              small smoke run (under a minute on 2 cores)
  --embedded           run the server on embedded PGlite instead of PostgreSQL
  --connections N      sockets held in phase 1 (default 5000; quick 400)
  --users U            users, one conversation each, in phase 2 (default 1000; quick 100)
  --admins A           admin sockets listening in phase 2 (default 5; quick 2)
  --step-seconds S     length of each offered-rate step (default 5; quick 1.25)
  --history-seconds S  length of each autocannon run (default 10; quick 1.5)
  --list-conversations N  conversations seeded for the list-scaling phase (default 10000; quick 1000)
  --list-unread N      unread messages then added to each of them (default 100; quick 10)
  --cpu-prof           run the server with --cpu-prof and summarise the profile
  --log-level L        server LOG_LEVEL (default warn)
  --pool-size N        server DB_POOL_SIZE (default: the server's own default)
  --server-dir DIR     a checkout whose dist/src/main.js is benchmarked (default: this repo)
  --label NAME         added to the result file names
  --results-dir DIR    where the JSON and SVG go (default bench/results)
  --no-baseline        skip the bare Socket.IO baseline
  --phases LIST        only these, comma-separated: ${PHASES.join(',')} (e.g. throughput for a focused --cpu-prof)
  --rates LIST         offered rates of phase 2 and 4, comma-separated msg/s (default a ladder from 250 to 20000)
  --keep-going         run every rate of --rates even after one fails (A/B comparisons at equal rates)
  --quiet-wait S       wait up to S seconds for the machine to be idle before starting (default 120; quick 0)
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)`;

function positiveNumber(flag: string, value: string | undefined): number {
  const parsed = Number(value);
  if (value === undefined || !Number.isFinite(parsed) || parsed <= 0) {
    throw new Error(`${flag} needs a positive number\n${USAGE}`);
  }
  return parsed;
}

function text(flag: string, value: string | undefined): string {
  if (value === undefined || value.startsWith('--')) {
    throw new Error(`${flag} needs a value\n${USAGE}`);
  }
  return value;
}

function phaseNamed(name: string): Phase {
  const phase = PHASES.find((known) => known === name);
  if (!phase) {
    throw new Error(`Unknown phase ${name}: use ${PHASES.join(', ')}\n${USAGE}`);
  }
  return phase;
}

export function parseOptions(argv: string[], defaults: { repoDir: string; resultsDir: string }): BenchOptions {
  const isQuick = argv.includes('--quick');
  const options: BenchOptions = {
    isQuick,
    isEmbedded: false,
    connections: isQuick ? 400 : 5000,
    users: isQuick ? 100 : 1000,
    admins: isQuick ? 2 : 5,
    stepSeconds: isQuick ? 1.25 : 5,
    historySeconds: isQuick ? 1.5 : 10,
    listConversations: isQuick ? 1000 : 10_000,
    listUnread: isQuick ? 10 : 100,
    cpuProfile: false,
    logLevel: 'warn',
    serverDir: defaults.repoDir,
    databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    resultsDir: defaults.resultsDir,
    phases: new Set(PHASES),
    quietWaitSeconds: isQuick ? 0 : 120,
    keepGoing: false,
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index] ?? '';
    const next = () => argv[++index];
    switch (flag) {
      case '--quick':
        break;
      case '--embedded':
        options.isEmbedded = true;
        break;
      case '--connections':
        options.connections = Math.round(positiveNumber(flag, next()));
        break;
      case '--users':
        options.users = Math.round(positiveNumber(flag, next()));
        break;
      case '--admins':
        options.admins = Math.round(positiveNumber(flag, next()));
        break;
      case '--step-seconds':
        options.stepSeconds = positiveNumber(flag, next());
        break;
      case '--history-seconds':
        options.historySeconds = positiveNumber(flag, next());
        break;
      case '--list-conversations':
        options.listConversations = Math.round(positiveNumber(flag, next()));
        break;
      case '--list-unread':
        options.listUnread = Math.round(positiveNumber(flag, next()));
        break;
      case '--cpu-prof':
        options.cpuProfile = true;
        break;
      case '--log-level':
        options.logLevel = text(flag, next());
        break;
      case '--pool-size':
        options.poolSize = Math.round(positiveNumber(flag, next()));
        break;
      case '--server-dir':
        options.serverDir = text(flag, next());
        break;
      case '--results-dir':
        options.resultsDir = text(flag, next());
        break;
      case '--label':
        options.label = text(flag, next()).replace(/[^\w.-]/g, '_');
        break;
      case '--no-baseline':
        options.phases.delete('baseline');
        break;
      case '--phases':
        options.phases = new Set(
          text(flag, next())
            .split(',')
            .map((name) => phaseNamed(name.trim())),
        );
        break;
      case '--rates':
        options.rates = text(flag, next())
          .split(',')
          .map((rate) => Math.round(positiveNumber(flag, rate.trim())));
        break;
      case '--keep-going':
        options.keepGoing = true;
        break;
      case '--quiet-wait':
        options.quietWaitSeconds = Number(text(flag, next()));
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown option ${flag}\n${USAGE}`);
    }
  }
  return options;
}
