import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

// node:test's skip reason: the browser tests need Debian's chromium and nothing else.
export const skipWithoutChromium: string | false = existsSync(CHROMIUM_PATH)
  ? false
  : `browser tests skipped: no Chromium at ${CHROMIUM_PATH} (install it with: apt-get install -y chromium)`;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

export function launchBrowser(): Promise<Browser> {
  // Playwright gives every launch a fresh temporary profile, and every context its own storage.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export function assertWebBuilt(): void {
  if (!existsSync('web/dist/index.html')) {
    throw new Error('web/dist/index.html is missing: run "npm run build:web" before the browser tests (npm test does)');
  }
}

// A page in its own context that records console errors and uncaught exceptions.
export class WatchedPage {
  readonly errors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (message) => {
      if (message.type() === 'error') {
        // The URL names the resource of a "Failed to load resource" line, which the text alone does not.
        const { url } = message.location();
        this.errors.push(`console.error: ${message.text()}${url ? ` (${url})` : ''}`);
      }
    });
    page.on('pageerror', (error) => this.errors.push(`uncaught: ${error.message}`));
  }

  static async open(browser: Browser, baseURL: string, viewport = DESKTOP, options: BrowserContextOptions = {}): Promise<WatchedPage> {
    const context = await browser.newContext({ ...options, baseURL, viewport });
    return new WatchedPage(context, await context.newPage());
  }

  // Errors not explained by `expected` (e.g. the browser's own log line for a refused connection during a restart).
  unexpectedErrors(expected: RegExp[] = []): string[] {
    return this.errors.filter((error) => !expected.some((pattern) => pattern.test(error)));
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

export const SCREENSHOT_DIR = 'test-results';

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png` });
}
