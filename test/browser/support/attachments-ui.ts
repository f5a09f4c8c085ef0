import type { Locator, Page } from 'playwright-core';

// Runs in the page: draws a PNG on a canvas and pastes it into the focused composer as a real ClipboardEvent
// (the test project has no DOM types, so the page-side code is a string).
const PASTE_SCREENSHOT = `(async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 200;
  const context = canvas.getContext('2d');
  context.fillStyle = '#0b57d0';
  context.fillRect(0, 0, 320, 200);
  context.fillStyle = '#ffffff';
  context.fillRect(40, 40, 240, 120);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  const data = new DataTransfer();
  data.items.add(new File([blob], 'image.png', { type: 'image/png' }));
  const target = document.querySelector('textarea');
  target.focus();
  return target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
})()`;

export async function pasteScreenshot(page: Page): Promise<void> {
  await page.evaluate(PASTE_SCREENSHOT);
}

export function attachButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Attach files' });
}

// Through the paperclip and the browser's file chooser; `viaKeyboard` presses Enter on it instead of clicking.
export async function attachFile(
  page: Page,
  file: { name: string; mimeType: string; buffer: Buffer },
  { viaKeyboard = false } = {},
): Promise<void> {
  const open = viaKeyboard ? attachButton(page).press('Enter') : attachButton(page).click();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), open]);
  await chooser.setFiles(file);
}

export function uploadChips(page: Page): Locator {
  return page.getByRole('list', { name: 'Files to send' }).getByRole('listitem');
}

export async function waitForUploadsDone(page: Page, count: number): Promise<void> {
  await page
    .locator(`[data-upload-state="done"]`)
    .nth(count - 1)
    .waitFor();
}

export function imagePreviews(page: Page): Locator {
  return page.getByTestId('message-list').getByRole('button', { name: /^Open image / });
}

interface ImageProbe {
  complete: boolean;
  naturalWidth: number;
}

// Resolves once the <img> has decoded: a blob URL that failed to load would leave naturalWidth at 0.
export async function loadedWidth(image: Locator): Promise<number> {
  await image.waitFor();
  return image.evaluate((element) => {
    const probe = element as unknown as ImageProbe;
    return probe.complete ? probe.naturalWidth : 0;
  });
}
