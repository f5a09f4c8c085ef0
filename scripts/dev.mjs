// npm run dev: the API server (built once, on PORT or 3000) and Vite serving web/ with hot reload on 5173,
// proxying the API paths and the Socket.IO websocket to the server. Ctrl+C stops both.
import { spawn, spawnSync } from 'node:child_process';

const port = process.env.PORT ?? '3000';
const webOrigin = 'http://localhost:5173';

const build = spawnSync('npm', ['run', 'build:server'], { stdio: 'inherit' });
if (build.status !== 0) {
  process.exit(build.status ?? 1);
}

const children = [
  spawn(process.execPath, ['dist/src/main.js'], {
    stdio: 'inherit',
    // The page comes from Vite's origin; the server must accept it for HTTP and the socket handshake.
    env: { ...process.env, PORT: port, CORS_ORIGINS: process.env.CORS_ORIGINS ?? webOrigin },
  }),
  spawn('npx', ['vite', '--config', 'web/vite.config.ts'], {
    stdio: 'inherit',
    env: { ...process.env, API_SERVER_URL: `http://localhost:${port}` },
  }),
];

let isStopping = false;
function stopAll(code) {
  if (isStopping) {
    return;
  }
  isStopping = true;
  for (const child of children) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
    }
  }
  process.exitCode = code;
}

for (const child of children) {
  child.on('exit', (code) => stopAll(code ?? 0));
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
