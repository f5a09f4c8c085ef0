import type { Page } from 'playwright-core';

// The few DOM types the probe needs: the test project is compiled without the DOM library.
interface ProbeElement {
  readonly parentElement: ProbeElement | null;
  closest(selector: string): ProbeElement | null;
  getBoundingClientRect(): { width: number; height: number };
}
interface ProbeGlobals {
  document: {
    body: ProbeElement;
    createTreeWalker(
      root: ProbeElement,
      whatToShow: number,
    ): { nextNode(): { textContent: string | null; parentElement: ProbeElement | null } | null };
  };
  getComputedStyle(element: ProbeElement): {
    color: string;
    backgroundColor: string;
    fontSize: string;
    fontWeight: string;
    visibility: string;
  };
}

// Every visible text on the page whose contrast with its background is below WCAG AA (4.5:1; 3:1 for large
// text). Disabled controls are exempt in WCAG and skipped; backgrounds are taken from the nearest opaque ancestor.
export function lowContrastTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as ProbeGlobals;
    const SHOW_TEXT = 4;
    const channels = (color: string): number[] => (color.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = (rgb: number[]): number => {
      const [r = 0, g = 0, b = 0] = rgb.map((value) => {
        const c = value / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const backgroundOf = (element: ProbeElement): number[] => {
      for (let current: ProbeElement | null = element; current; current = current.parentElement) {
        const rgba = channels(getComputedStyle(current).backgroundColor);
        if (rgba.length === 3 || (rgba[3] ?? 0) > 0) {
          return rgba.slice(0, 3);
        }
      }
      return [255, 255, 255];
    };
    const failures: string[] = [];
    const walker = document.createTreeWalker(document.body, SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const element = node.parentElement;
      if (!text || !element || element.closest('button:disabled')) {
        continue;
      }
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      if (box.width <= 1 || box.height <= 1 || style.visibility === 'hidden') {
        continue;
      }
      const foreground = luminance(channels(style.color).slice(0, 3));
      const background = luminance(backgroundOf(element));
      const ratio = (Math.max(foreground, background) + 0.05) / (Math.min(foreground, background) + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const isLarge = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66);
      if (ratio < (isLarge ? 3 : 4.5)) {
        failures.push(`${ratio.toFixed(2)}:1 for "${text.slice(0, 40)}" (${style.color} on rgb(${backgroundOf(element).join(', ')}))`);
      }
    }
    return failures;
  });
}
