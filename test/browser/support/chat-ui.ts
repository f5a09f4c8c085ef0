import type { Locator, Page } from 'playwright-core';
import { TEST_PASSWORD } from '../../support/accounts.js';

// Steps and places in the web app, by what a person sees (labels, roles, text).
const TIMEOUT_MS = 10_000;

export async function signIn(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signInAsAdmin(page: Page, email: string, password?: string): Promise<void> {
  await signIn(page, email, password);
  await page.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: TIMEOUT_MS });
}

export async function signInAsUser(page: Page, email: string, password?: string): Promise<void> {
  await signIn(page, email, password);
  await page.getByRole('heading', { name: 'Support', exact: true }).waitFor({ timeout: TIMEOUT_MS });
}

export function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Message' });
}

export async function sendMessage(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

export function messageList(page: Page): Locator {
  return page.getByTestId('message-list');
}

// The confirmed message bubble(s) containing this text, or with exactly this text (not the "sending" copy).
export function bubble(page: Page, text: string, { exact = false } = {}): Locator {
  const confirmed = messageList(page).locator('li[data-message-id]');
  return exact ? confirmed.filter({ has: page.locator('p').getByText(text, { exact: true }) }) : confirmed.filter({ hasText: text });
}

export async function waitForBubble(page: Page, text: string, options: { exact?: boolean } = {}): Promise<Locator> {
  const found = bubble(page, text, options);
  await found.first().waitFor({ timeout: TIMEOUT_MS });
  return found;
}

export function conversationItem(page: Page, email: string): Locator {
  return page.getByTestId('conversation-list').getByRole('link').filter({ hasText: email });
}

export function typingLine(page: Page): Locator {
  return page.getByTestId('typing-line');
}

export function connectionBanner(page: Page): Locator {
  return page.getByTestId('connection-banner');
}

interface FocusGlobals {
  document: { activeElement: unknown };
}

// Presses Tab until `target` has the focus, as a keyboard-only person would; fails if it never does.
export async function tabTo(page: Page, target: Locator, maxPresses = 40): Promise<void> {
  for (let presses = 0; presses <= maxPresses; presses++) {
    const isFocused = await target
      .evaluate((element) => element === (globalThis as unknown as FocusGlobals).document.activeElement)
      .catch(() => false);
    if (isFocused) {
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${String(target)} in ${maxPresses} presses`);
}
