import { InsightsEventsClient } from '@nemo/common';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { auditContext, DESKTOP, launch, PHONE, screenshot, seriousA11yViolations, signIn } from './support/browser.js';
import { startPlatform, type Account, type Platform } from './support/platform.js';

/**
 * The built UI in Debian's chromium, served by the real gateway, with the
 * real insights service behind it and the test LLM upstream for chat.
 */
describe('web UI', () => {
  let platform: Platform;
  let browser: Browser;
  let user: Account;
  let admin: Account;
  const shots: string[] = [];

  beforeAll(async () => {
    [platform, browser] = await Promise.all([startPlatform(inject('postgresUrl'), inject('redisUrl')), launch()]);
    [user, admin] = await Promise.all([platform.createUser('user', 'acme'), platform.createUser('admin', 'ops')]);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  const openPage = async (viewport = DESKTOP): Promise<Page> => (await browser.newContext({ viewport })).newPage();
  const lastAnswer = (page: Page) => page.locator('.message.assistant .text').last();

  it('explains a failed sign-in in words, then signs in', async () => {
    const page = await openPage();
    await page.goto(`${platform.url}/`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/\w+ \w+/);
    expect(await alert.textContent()).not.toMatch(/[{}]|NEMO_ERR|stack/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
    shots.push(await screenshot(page, 'login-error-desktop'));
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.context().close();
  });

  it('streams a chat answer token by token, and stops it', async () => {
    const page = await openPage();
    await signIn(page, platform.url, user);
    const prompt = 'tell me a long story about gpus and budgets and queues and speakers and transcripts please';
    await page.getByLabel('Message').fill(prompt);
    await page.getByRole('button', { name: 'Send' }).click();
    const seen = new Set<string>();
    await expect
      .poll(async () => seen.add((await lastAnswer(page).textContent()) ?? '').size, { timeout: 10_000 })
      .toBeGreaterThan(3);
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/Stopped/);
    const partial = (await lastAnswer(page).textContent()) ?? '';
    expect(partial.startsWith('You said:')).toBe(true);
    expect(partial.length).toBeLessThan(`You said: ${prompt}`.length);
    await page.waitForTimeout(500);
    expect(await lastAnswer(page).textContent()).toBe(partial); // nothing arrives after Stop
    await page.context().close();
  });

  it('cites its sources when RAG is on, shows 429 as "busy, retrying", and keeps history across a reload', async () => {
    const page = await openPage();
    await signIn(page, platform.url, user);
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.getByLabel('Message').fill('what is the refund policy');
    await page.getByRole('button', { name: 'Send' }).click();
    const citation = page.getByRole('button', { name: /handbook\.pdf/ });
    await citation.click();
    expect(await citation.getAttribute('aria-expanded')).toBe('true');
    await expect
      .poll(() => page.locator('.source:not([hidden])').textContent())
      .toContain('Passage about what is the refund policy');
    await expect
      .poll(() => lastAnswer(page).textContent(), { timeout: 10_000 })
      .toBe('You said: what is the refund policy');

    await page.getByLabel('Message').fill('busy day today');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('.composer .status').textContent()).toMatch(/busy, retrying in \d s/);
    await expect.poll(() => lastAnswer(page).textContent(), { timeout: 15_000 }).toBe('You said: busy day today');
    await expect.poll(() => page.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true); // answer saved
    shots.push(await screenshot(page, 'chat-desktop'));

    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.locator('.conversations button').allTextContents()).toEqual(['what is the refund policy']);
    expect(await page.locator('.message .text').allTextContents()).toEqual([
      'what is the refund policy',
      'You said: what is the refund policy',
      'busy day today',
      'You said: busy day today',
    ]);
    await page.context().close();
  });

  it('draws insights charts from the platform events, on desktop and phone, in light and dark', async () => {
    const events = new InsightsEventsClient({ baseUrl: platform.insightsUrl, signer: platform.signer });
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    for (const [i, label] of ['joy', 'neutral', 'anger', 'joy', 'sadness', 'joy'].entries()) {
      events.emit({
        type: 'emotion.segment',
        tenant: 'acme',
        at: at(i * 400),
        conversationId: 'call-1',
        speaker: `S${(i % 2) + 1}`,
        label,
        score: 0.8,
      });
    }
    for (const [i, waitMs] of [40, 120, 900, 3000, 15].entries()) {
      events.emit({
        type: 'gpu.wait',
        tenant: 'acme',
        at: at(i * 300),
        workload: 'llm',
        class: i % 2 ? 'batch' : 'interactive',
        waitMs,
        outcome: i === 3 ? 'denied' : 'granted',
      });
    }
    for (const results of [0, 3, 5, 0, 2])
      events.emit({ type: 'rag.query', tenant: 'acme', at: at(results * 200), results });
    events.emit({
      type: 'transcript.text',
      tenant: 'acme',
      transcriptId: 't1',
      text: 'The GPU budget review: budget, queue, GPU, speakers.',
    });
    await events.close();
    expect(events.stats).toMatchObject({ buffered: 0, dropped: 0 });

    for (const [viewport, name] of [
      [DESKTOP, 'desktop'],
      [PHONE, 'phone'],
    ] as const) {
      const page = await openPage(viewport);
      await signIn(page, platform.url, user);
      await page.getByRole('link', { name: 'Insights' }).click();
      await expect.poll(() => page.locator('canvas').count(), { timeout: 10_000 }).toBe(4);
      await expect.poll(() => page.locator('[aria-busy="true"]').count()).toBe(0);
      expect(await page.getByRole('alert').count()).toBe(0);
      // Chat usage comes from the chats above, through the llm upstream's events client.
      expect(Number(await page.locator('meter').first().getAttribute('value'))).toBeGreaterThan(0);
      expect(await page.locator('.terms li').first().textContent()).toMatch(/^(budget|gpu)2$/);
      shots.push(await screenshot(page, `insights-${name}`));
      expect(await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])).toEqual([
        viewport.width,
        viewport.width,
      ]);
      await page.getByRole('button', { name: 'Dark mode' }).click();
      expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
      shots.push(await screenshot(page, `insights-${name}-dark`));
      await page.context().close();
    }
  });

  it('creates an API key shown once, which works with the openai client until revoked', async () => {
    const page = await openPage();
    await signIn(page, platform.url, user);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByLabel('New key name').fill('ci-script');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('New API key').inputValue();
    expect(key.length).toBeGreaterThan(20);
    const openai = new OpenAI({ apiKey: key, baseURL: `${platform.url}/v1`, maxRetries: 0 });
    expect((await openai.models.list()).data.map((m) => m.id)).toEqual(['gemma-test']);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke ci-script' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'revoked' }).count()).toBe(1);
    await expect(openai.models.list()).rejects.toMatchObject({ status: 401 });
    await page.reload();
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    expect(await page.getByLabel('New API key').count()).toBe(0); // shown once only
    await page.context().close();
  });

  it('lets an admin create and disable users, on a phone', async () => {
    const page = await openPage(PHONE);
    await signIn(page, platform.url, admin);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByLabel('Username').fill('new-person');
    await page.getByLabel('Password (12+ characters)').fill('a-long-enough-password');
    await page.getByLabel('Tenant').fill('acme');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('button', { name: 'Disable new-person' }).click();
    await page.getByRole('button', { name: 'Enable new-person' }).waitFor();
    // The same username again: the gateway refuses it, and its reason is shown in words.
    const status = page.locator('#users-title ~ .status');
    await page.getByLabel('Username').fill('new-person');
    await page.getByLabel('Password (12+ characters)').fill('a-long-enough-password');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => status.textContent()).not.toBe('Disabled new-person.');
    expect(await status.textContent()).toMatch(/^[A-Z][^{}]+\.$/);
    shots.push(await screenshot(page, 'admin-phone'));
    await page.context().close();
  });

  it('says in words what to do when the documents and email service is not running', async () => {
    // This platform has no rag service (issue 9's service needs its embedding model): the gateway answers for it.
    const page = await openPage(PHONE);
    await signIn(page, platform.url, user);
    await page.getByRole('link', { name: 'Documents' }).click();
    const status = page.locator('#list-title ~ .status');
    await expect.poll(() => status.textContent()).toMatch(/^[A-Z][^{}]+\.$/);
    await page
      .getByLabel('Document (text, Markdown or HTML)')
      .setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF') });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect
      .poll(() => page.locator('#upload-title ~ .status').textContent())
      .toMatch(/Only \.txt, \.md and \.html/);
    shots.push(await screenshot(page, 'documents-phone'));
    await page.getByRole('link', { name: 'Emails' }).click();
    await expect.poll(() => page.locator('.emails .status').textContent()).toMatch(/^[A-Z][^{}]+\.$/);
    await page.context().close();
  });

  it('works by keyboard alone: skip link, navigation, and sending a message', async () => {
    const page = await openPage(PHONE);
    await signIn(page, platform.url, user);
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab'); // skip link, Chat, Documents, Emails, Insights
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Insights');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/insights');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await page.goto(`${platform.url}/#/chat`);
    await page.getByLabel('Message').focus();
    await page.keyboard.type('hello by keyboard');
    await page.keyboard.press('Enter');
    await expect.poll(() => lastAnswer(page).textContent(), { timeout: 10_000 }).toBe('You said: hello by keyboard');
    await page.context().close();
  });

  it('has no serious or critical axe-core violations on any page', async () => {
    const context = await auditContext(browser);
    const page = await context.newPage();
    await page.goto(`${platform.url}/`);
    await page.getByLabel('Username').waitFor();
    const found: Record<string, unknown[]> = { login: await seriousA11yViolations(page) };
    await signIn(page, platform.url, admin);
    for (const route of ['chat', 'documents', 'emails', 'insights', 'admin']) {
      await page.goto(`${platform.url}/#/${route}`);
      await expect.poll(() => page.locator('[aria-busy="true"]').count(), { timeout: 10_000 }).toBe(0);
      found[route] = await seriousA11yViolations(page);
      for (const [viewport, name] of [
        [DESKTOP, 'desktop'],
        [PHONE, 'phone'],
      ] as const) {
        await page.setViewportSize(viewport);
        shots.push(await screenshot(page, `page-${route}-${name}`));
      }
      await page.setViewportSize(DESKTOP);
    }
    expect(found).toEqual({ login: [], chat: [], documents: [], emails: [], insights: [], admin: [] });
    await context.close();
    console.log(`Screenshots:\n${shots.join('\n')}`);
  });
});
