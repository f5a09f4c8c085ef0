import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const apiServer = process.env.API_SERVER_URL ?? 'http://localhost:3000';

// Everything the server answers itself; `npm run dev` serves the app from Vite and forwards these.
const serverPaths = ['/auth', '/chat', '/users', '/health'];

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  // The server's contract: the web app imports its types as @contract/<file>.
  resolve: { alias: { '@contract': fileURLToPath(new URL('../src/contract', import.meta.url)) } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Prints each file with its gzip size after the build.
    reportCompressedSize: true,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      ...Object.fromEntries(serverPaths.map((path) => [path, { target: apiServer }])),
      '/socket.io': { target: apiServer, ws: true },
    },
  },
});
