import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const WEB_INDEX_HTML = Symbol('WEB_INDEX_HTML');

export function readIndexHtml(webDistDir: string): string | undefined {
  const file = join(webDistDir, 'index.html');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

// The built web app (web/dist): hashed assets cached for good, index.html always revalidated.
export async function serveWebApp(app: NestFastifyApplication, webDistDir: string): Promise<boolean> {
  if (!existsSync(join(webDistDir, 'index.html'))) {
    return false;
  }
  await app
    .getHttpAdapter()
    .getInstance()
    .register(fastifyStatic, {
      root: webDistDir,
      wildcard: false,
      index: ['index.html'],
      setHeaders: (response, path) => {
        response.header('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  return true;
}
