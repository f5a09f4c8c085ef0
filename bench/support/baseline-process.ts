import { join } from 'node:path';
import { type ChildServer, startChildServer } from './child-server.js';
import { freePort } from './free-port.js';

// The bare Socket.IO relay (bench/baseline-server.ts) as its own process, like the real server.
export async function startBaselineServer(benchDistDir: string, logFile: string): Promise<ChildServer> {
  const port = await freePort();
  return startChildServer({
    name: 'baseline server',
    nodeArgs: [join(benchDistDir, 'baseline-server.js')],
    cwd: benchDistDir,
    env: { NODE_ENV: 'production', PORT: String(port) },
    url: `http://127.0.0.1:${port}`,
    readyPath: '/health',
    logFile,
    startTimeoutMs: 15_000,
  });
}
