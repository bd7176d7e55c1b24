import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { auditContext, DESKTOP, launch, PHONE, screenshot, seriousA11yViolations, signIn } from './support/browser.js';
import { pdfFile } from '@nemo/rag/testing/pdf';
import { PlatformApi, type Account } from './support/platform-api.js';
import { conversationWav, wordsFound, type Turn } from './support/speech.js';

const POLICY = [
  '# Refund policy',
  '',
  'Acme Widgets refunds any order returned within 45 days of delivery.',
  'Damaged items are replaced free of charge; send a photo to support.',
  '',
].join('\n');

/** Two espeak-ng voices taking turns: what the file upload transcribes. */
const MEETING: readonly Turn[] = [
  { voice: 'en+m3', text: 'Good morning everyone, thank you for joining the call today.' },
  { voice: 'en+f3', text: 'Our team will review the budget on Monday.' },
  { voice: 'en+m3', text: 'Please send me the slides from the presentation.' },
  { voice: 'en+f3', text: 'The weather was cold and windy all morning.' },
];
/** What the fake microphone says, over and over. */
const DICTATION: readonly Turn[] = [
  { voice: 'en+m3', text: 'The quick brown fox jumps over the lazy dog.' },
  { voice: 'en+m3', text: 'She bought fresh bread and milk at the market.' },
];
const wordsOf = (turns: readonly Turn[]): string[] => [
  ...new Set(turns.flatMap((t) => t.text.toLowerCase().match(/[a-z]{4,}/g) ?? [])),
];

/**
 * The built UI in Debian's chromium against `npm start`, spawned for the run
 * (hack/vitest/platform.global-setup.ts): the real gateway, Gemma 3 270M in
 * the llm service, MiniLM in rag, insights, the GPU coordinator, PostgreSQL
 * and Redis. Setup goes through the public HTTP API only. The journeys run in
 * order and later ones see what earlier ones left: the uploaded document is
 * cited in chat, and the insights page charts the chats' usage.
 */
describe('web UI on the local platform (npm start)', () => {
  const platform = new PlatformApi(inject('platform'));
  let browser: Browser;
  let user: Account;
  const shots: string[] = [];

  beforeAll(async () => {
    [browser, user] = await Promise.all([launch(), platform.createUser('user', 'acme')]);
    await platform.untilChatAnswers(user);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const openPage = async (viewport = DESKTOP): Promise<Page> => (await browser.newContext({ viewport })).newPage();
  const lastAnswer = (page: Page) => page.locator('.message.assistant .text').last();
  const send = async (page: Page, text: string): Promise<void> => {
    await page.getByLabel('Message').fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
  };
  /** The answer is complete (and saved) once the composer takes a message again. */
  const answered = async (page: Page): Promise<string> => {
    await expect.poll(() => page.getByRole('button', { name: 'Send' }).isEnabled(), { timeout: 120_000 }).toBe(true);
    return (await lastAnswer(page).textContent()) ?? '';
  };
  /** The page for `route` is shown (pages load lazily) and has loaded everything it shows. */
  const settled = async (page: Page, route: string): Promise<void> => {
    await expect
      .poll(() => page.locator('#main h1').textContent(), { timeout: 15_000 })
      .toMatch(new RegExp(`^${route}$`, 'i'));
    await expect.poll(() => page.locator('[aria-busy="true"]').count(), { timeout: 15_000 }).toBe(0);
  };

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

  it("streams Gemma's answer token by token, and Stop ends it and frees the GPU", async () => {
    const page = await openPage();
    await signIn(page, platform.url, user);
    await send(page, 'Tell me a long story about a dragon.');
    const seen = new Set<string>();
    await expect
      .poll(async () => seen.add((await lastAnswer(page).textContent()) ?? '').size, { timeout: 60_000, interval: 20 })
      .toBeGreaterThan(3);
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => page.locator('.composer .status').textContent()).toMatch(/^Stopped/);
    const partial = (await lastAnswer(page).textContent()) ?? '';
    expect(partial.trim()).not.toBe('');
    await page.waitForTimeout(1_000);
    expect(await lastAnswer(page).textContent()).toBe(partial); // nothing arrives after Stop
    // The stopped answer is stored as far as it got (the model may have gone a token further), and marked.
    await page.reload();
    await settled(page, 'Chat');
    expect(((await lastAnswer(page).textContent()) ?? '').startsWith(partial.trim())).toBe(true);
    expect(await page.locator('.message.assistant').last().getByRole('note').textContent()).toBe(
      'Stopped before the end.',
    );
    // The coordinator keeps no queue here: a held lease would refuse this with 429.
    await expect.poll(() => platform.chatStatus(user), { timeout: 10_000 }).toBe(200);
    await page.context().close();
  });

  it('indexes a document uploaded on the Documents page, and finds it by search', async () => {
    const page = await openPage();
    await signIn(page, platform.url, user);
    await page.getByRole('link', { name: 'Documents' }).click();
    await page
      .getByLabel('Document (text, Markdown, HTML or PDF)')
      .setInputFiles({ name: 'refund-policy.md', mimeType: 'text/markdown', buffer: Buffer.from(POLICY) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect
      .poll(() => page.locator('#upload-title ~ .status').textContent(), { timeout: 30_000 })
      .toMatch(/^Indexed refund-policy\.md \(\d+ passages?\)\.$/);
    await expect.poll(() => page.getByRole('cell', { name: 'refund-policy.md', exact: true }).count()).toBe(1);
    await page.getByLabel('Search your documents').fill('refund window');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.locator('.hits li').first().textContent()).toContain('45 days');
    expect(await page.locator('.hits mark').first().textContent()).toMatch(/refund/i);
    // A PDF goes up base64-encoded and is read from its text layer.
    const pdf = pdfFile({ title: 'Shipping', pages: [{ lines: ['Parcels ship from the Leeds warehouse.'] }] });
    await page
      .getByLabel('Document (text, Markdown, HTML or PDF)')
      .setInputFiles({ name: 'shipping.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect
      .poll(() => page.locator('#upload-title ~ .status').textContent(), { timeout: 30_000 })
      .toMatch(/^Indexed shipping\.pdf \(\d+ passages?\)\.$/);
    await page.getByLabel('Search your documents').fill('Leeds warehouse');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.locator('.hits li').first().textContent()).toContain('Parcels ship from the Leeds');
    shots.push(await screenshot(page, 'documents-desktop'));
    await page.context().close();
  });

  it('cites the uploaded document when RAG is on, shows a real 429 as "busy, retrying", and keeps history across reloads and browsers', async () => {
    const page = await openPage();
    await signIn(page, platform.url, user);
    expect(await page.getByLabel('Use my documents (RAG)').isChecked()).toBe(true);
    await send(page, 'How many days do I have to return an order?');
    const citation = page.getByRole('button', { name: /refund-policy\.md/ }).first();
    await citation.click({ timeout: 60_000 });
    expect(await citation.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => page.locator('.source:not([hidden])').first().textContent()).toContain('45 days');
    expect((await answered(page)).trim()).not.toBe('');

    // Someone else's long answer holds the one GPU slot; the coordinator keeps no queue, so it says 429.
    const hold = await platform.holdGpu(await platform.createUser('user', 'globex'));
    try {
      await send(page, 'And damaged items?');
      await expect
        .poll(() => page.locator('.composer .status').textContent(), { timeout: 45_000 })
        .toMatch(/busy, retrying in \d+ s/);
    } finally {
      await hold.release();
    }
    expect((await answered(page)).trim()).not.toBe('');
    shots.push(await screenshot(page, 'chat-desktop'));

    // Conversations are stored by the llm service: the same list and messages after a reload, and in another browser.
    const seen = async (p: Page) => {
      await settled(p, 'Chat');
      return {
        conversations: await p.locator('.conversations button').allTextContents(),
        messages: await p.locator('.message .text').allTextContents(),
      };
    };
    const before = await seen(page);
    expect(before.conversations[0]).toBe('How many days do I have to return an order?');
    expect(before.messages).toHaveLength(4);
    await page.reload();
    expect(await seen(page)).toEqual(before);
    // Another browser starts a new chat; the conversation is in its history, and opens whole.
    const elsewhere = await openPage(PHONE);
    await signIn(elsewhere, platform.url, user);
    expect((await seen(elsewhere)).messages).toEqual([]);
    await elsewhere.getByRole('button', { name: 'How many days do I have to return an order?' }).click();
    await expect.poll(async () => (await seen(elsewhere)).messages).toEqual(before.messages);
    expect((await seen(elsewhere)).conversations).toEqual(before.conversations);
    // Deleted there, it is gone here too: the reload finds no such conversation and starts a new chat.
    elsewhere.once('dialog', (dialog) => void dialog.accept());
    await elsewhere.getByRole('button', { name: 'Delete chat' }).click();
    await expect
      .poll(async () => (await seen(elsewhere)).conversations)
      .not.toContain('How many days do I have to return an order?');
    await elsewhere.context().close();
    await page.reload();
    const after = await seen(page);
    expect(after.messages).toEqual([]);
    expect(after.conversations).not.toContain('How many days do I have to return an order?');
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
    for (let i = 0; i < 6; i++) await page.keyboard.press('Tab'); // skip link, Chat, Transcribe, Documents, Emails, Insights
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Insights');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/insights');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    // The Transcribe page's controls in reading order, each reachable by Tab (Stop is disabled until recording).
    await page.goto(`${platform.url}/#/transcribe`);
    await settled(page, 'Transcribe');
    await page.locator('#main h1').focus();
    const focusOrder: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      focusOrder.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLInputElement;
          return el.labels?.[0]?.textContent?.trim() ?? el.textContent?.trim() ?? '';
        }),
      );
    }
    expect(focusOrder).toEqual([
      'Recording (WAV, MP3, M4A, OGG, FLAC or WebM)',
      'Label speakers',
      'Transcribe',
      'Label speakers',
      'Start microphone',
    ]);
    await page.goto(`${platform.url}/#/chat`);
    await page.getByLabel('Message').focus();
    await page.keyboard.type('Say hello.');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.message.user .text').last().textContent()).toBe('Say hello.');
    expect((await answered(page)).trim()).not.toBe('');
    await page.context().close();
  });

  it('creates an API key shown once, which works with the openai client until revoked', async () => {
    const page = await openPage();
    await signIn(page, platform.url, user);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByLabel('New key name').fill('ci-script');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('New API key').inputValue();
    expect(key.length).toBeGreaterThan(20);
    const openai = platform.openai(key);
    // The chat model, and the transcription model when that service runs.
    const ids = (await openai.models.list()).data.map((m) => m.id);
    const model = ids.find((id) => id.startsWith('gemma'));
    expect(model, ids.join(', ')).toBeDefined();
    const reply = await openai.chat.completions.create({
      model: model!,
      messages: [{ role: 'user', content: 'Say hello.' }],
      max_tokens: 8,
    });
    expect(reply.choices[0]?.message.content?.trim()).not.toBe('');
    expect(reply.usage?.completion_tokens).toBeLessThanOrEqual(8);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke ci-script' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'revoked' }).count()).toBe(1);
    await expect(openai.models.list()).rejects.toMatchObject({ status: 401 });
    await page.reload();
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    expect(await page.getByLabel('New API key').count()).toBe(0); // shown once only
    await page.context().close();
  });

  /** Every value each labelled progress bar takes from now on, recorded in the page. */
  const recordProgress = (page: Page) =>
    page.evaluate(() => {
      const seen: Record<string, number[]> = {};
      (window as unknown as { progressSeen: typeof seen }).progressSeen = seen;
      new MutationObserver((changes) => {
        for (const c of changes) {
          const bar = c.target as HTMLProgressElement;
          const label = bar.labels[0]?.textContent ?? '?';
          (seen[label] ??= []).push(bar.value);
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['value'] });
    });
  const progressSeen = (page: Page) =>
    page.evaluate(() => (window as unknown as { progressSeen: Record<string, number[]> }).progressSeen);
  const segmentTexts = async (page: Page) =>
    (await page.locator('.timeline .segment .text').allTextContents()).join(' ');
  /** The file a download button gives, as text. */
  const download = async (page: Page, button: string): Promise<string> => {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: button }).click(),
    ]);
    return readFile(await file.path(), 'utf8');
  };

  it('transcribes an uploaded two-voice WAV: upload and server progress, segments by speaker, emotions, exports', async () => {
    const wav = conversationWav(MEETING);
    const page = await openPage();
    await signIn(page, platform.url, user);
    await page.getByRole('link', { name: 'Transcribe' }).click();
    await settled(page, 'Transcribe');
    await recordProgress(page);
    await page
      .getByLabel('Recording (WAV, MP3, M4A, OGG, FLAC or WebM)')
      .setInputFiles({ name: 'meeting.wav', mimeType: 'audio/wav', buffer: wav.bytes });
    await page.getByRole('button', { name: 'Transcribe', exact: true }).click();
    const status = page.locator('#upload-title ~ .status');
    await expect
      .poll(() => status.textContent(), { timeout: 150_000 })
      .toMatch(/^Transcribed meeting\.wav: 0:\d\d of audio\.$/);

    // Both bars shown and full; the server's went through values in between as the job ran.
    for (const bar of ['Upload', 'Transcription']) {
      expect(await page.getByLabel(bar, { exact: true }).getAttribute('value'), bar).toBe('1');
    }
    const seen = await progressSeen(page);
    expect(seen['Upload']?.at(-1)).toBe(1);
    expect(
      seen['Transcription']?.some((v) => v > 0 && v < 1),
      JSON.stringify(seen),
    ).toBe(true);

    const text = await segmentTexts(page);
    expect(wordsFound(text, wordsOf(MEETING)), text).toBeGreaterThanOrEqual(0.7);
    const speakers = new Set(await page.locator('.timeline .segment .speaker').allTextContents());
    expect([...speakers].sort()).toEqual(['Speaker 1', 'Speaker 2']);
    expect(await page.locator('.speaker-track .lane').count()).toBe(2);
    const segments = await page.locator('.timeline .segment').count();
    // Emotion classifies the segments after the job: chips appear on them, in words.
    await expect.poll(() => page.locator('.timeline .chip.emotion').count(), { timeout: 60_000 }).toBe(segments);
    expect(await page.locator('.chip.emotion').first().textContent()).toMatch(/^Emotion: [a-z]+ \d+%$/);

    const srt = await download(page, 'Export as SRT');
    expect(srt).toMatch(/^1\n00:00:0\d,\d{3} --> 00:00:\d\d,\d{3}\n\[speaker_1\] \S/);
    expect(srt).toContain('[speaker_2] ');
    const json = JSON.parse(await download(page, 'Export as JSON')) as { segments: unknown[]; speakers: string[] };
    expect({ segments: json.segments.length, speakers: json.speakers }).toEqual({
      segments,
      speakers: ['speaker_1', 'speaker_2'],
    });
    const txt = await download(page, 'Export as text');
    expect(txt).toMatch(/^speaker_1: .+\nspeaker_2: /);
    expect(wordsFound(txt, wordsOf(MEETING))).toBeGreaterThanOrEqual(0.7);

    // It is listed, and opens again from the list.
    await page.reload();
    await settled(page, 'Transcribe');
    await page.getByRole('button', { name: 'Open meeting.wav' }).click();
    await expect.poll(() => page.locator('.timeline .segment').count()).toBe(segments);
    shots.push(await screenshot(page, 'transcribe-file-desktop'));
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(PHONE.width);
    shots.push(await screenshot(page, 'transcribe-file-phone'));
    await page.getByRole('button', { name: 'Dark mode' }).click();
    shots.push(await screenshot(page, 'transcribe-file-phone-dark'));
    await page.context().close();
  });

  it("transcribes chromium's fake microphone live over the WebSocket, then deletes the recording", async () => {
    const wav = conversationWav(DICTATION, 1);
    const micBrowser = await launch([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav.path}`,
    ]);
    try {
      const page = await (await micBrowser.newContext({ viewport: DESKTOP })).newPage();
      await signIn(page, platform.url, user);
      await page.goto(`${platform.url}/#/transcribe`);
      await settled(page, 'Transcribe');
      const status = page.locator('#live-title ~ .status');
      // Partial decodes of the utterance so far, as shown before its final segment replaces them.
      await page.evaluate(() => {
        const partials: string[] = [];
        (window as unknown as { partials: string[] }).partials = partials;
        const view = document.querySelector('.transcript-view') as HTMLElement;
        new MutationObserver(() => {
          const shown = view.querySelector<HTMLElement>('.partial:not([hidden])')?.textContent;
          if (shown && shown !== partials.at(-1)) partials.push(shown);
        }).observe(view, { subtree: true, childList: true, characterData: true, attributes: true });
      });
      await page.getByRole('button', { name: 'Start microphone' }).click();
      await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/^Listening/);
      // Final segments with the dictated words arrive while the microphone runs.
      await expect
        .poll(async () => wordsFound(await segmentTexts(page), wordsOf(DICTATION)), { timeout: 120_000 })
        .toBeGreaterThanOrEqual(0.6);
      expect(await status.textContent()).toMatch(/^Listening/);
      const partials = await page.evaluate(() => (window as unknown as { partials: string[] }).partials);
      console.log(`Live partials shown: ${JSON.stringify(partials)}`);
      expect(partials.length).toBeGreaterThan(0);
      shots.push(await screenshot(page, 'transcribe-live-desktop'));
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect
        .poll(() => status.textContent(), { timeout: 60_000 })
        .toBe('Stopped. The transcript is saved with your transcriptions.');
      expect(await page.getByRole('button', { name: 'Start microphone' }).isEnabled()).toBe(true);
      await page.getByRole('button', { name: 'Export as text' }).waitFor();
      expect(wordsFound(await download(page, 'Export as text'), wordsOf(DICTATION))).toBeGreaterThanOrEqual(0.6);

      const live = page.getByRole('row').filter({ hasText: 'Live' });
      await expect.poll(() => live.count(), { timeout: 10_000 }).toBe(1);
      page.once('dialog', (dialog) => void dialog.accept());
      await live.getByRole('button', { name: /^Delete Live recording/ }).click();
      await expect
        .poll(() => page.locator('#transcriptions-title ~ .status').textContent())
        .toMatch(/^Deleted Live recording/);
      await expect.poll(() => live.count()).toBe(0);
      expect(await page.locator('.timeline .segment').count()).toBe(0); // it was on show
      await page.context().close();
    } finally {
      await micBrowser.close();
    }
  });

  it("charts the chats' usage and the transcripts' emotions on the insights page, on desktop and phone, in light and dark", async () => {
    // llm (chat.usage), the coordinator (gpu.wait) and rag (rag.query) report to insights, so the
    // earlier chats, the refused one included, and their document searches are charted; so are the
    // emotions of the transcribed segments (emotion reports each one it classifies).
    const charted = {
      'Emotion over time': /^Emotions over time\. Segments per emotion: [a-z]+ [1-9]\d*/,
      'GPU queue waits': /^GPU queue wait by class\. \w+: p50 .+, p95 .+, [1-9]\d* denied/,
      'Document searches': /^Document search volume\. [1-9]\d* searches, \d+% found nothing\.$/,
    };
    for (const [viewport, name] of [
      [DESKTOP, 'desktop'],
      [PHONE, 'phone'],
    ] as const) {
      const page = await openPage(viewport);
      await signIn(page, platform.url, user);
      await page.getByRole('link', { name: 'Insights' }).click();
      await settled(page, 'Insights');
      expect(await page.getByRole('alert').count()).toBe(0);
      const usage = page.getByRole('region', { name: 'Usage against budget' });
      expect(await usage.locator('canvas').count()).toBe(1);
      expect(await usage.getByRole('figure').textContent()).toMatch(/[1-9][\d,]* tokens in the range/);
      expect(Number(await usage.getByLabel('acme: chat tokens').getAttribute('value'))).toBeGreaterThan(0);
      // Transcript terms come from transcription's transcript.text events: the words said, or none yet.
      const terms = page.getByRole('region', { name: 'Top transcript terms' });
      const listed = await terms.locator('.term').allTextContents();
      if (listed.length)
        expect(wordsFound(listed.join(' '), [...wordsOf(MEETING), ...wordsOf(DICTATION)])).toBeGreaterThan(0);
      else expect(await terms.locator('.empty').textContent()).toMatch(/^No .+\.$/);
      for (const [panel, summary] of Object.entries(charted)) {
        const canvas = page.getByRole('region', { name: panel }).locator('canvas');
        expect(await canvas.getAttribute('aria-label'), panel).toMatch(summary);
      }
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

  it('lets an admin create and disable users, on a phone', async () => {
    const page = await openPage(PHONE);
    await signIn(page, platform.url, platform.admin);
    await page.getByRole('link', { name: 'Admin' }).click();
    // Platform health: every service's own /ready as the gateway sees it; no NemoPlatform under npm start.
    const health = page.locator('section[aria-labelledby="health-title"]');
    await expect.poll(() => health.textContent(), { timeout: 10_000 }).toContain('Running locally (npm start)');
    const shown = await health.textContent();
    for (const service of ['llm', 'transcription', 'rag', 'emotion', 'insights', 'coordinator']) {
      expect(shown).toContain(`${service}: ready`);
    }
    await page.getByLabel('Username').fill('new-person');
    await page.getByLabel('Password (12+ characters)').fill('a-long-enough-password');
    await page.getByLabel('Tenant').fill('acme');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('button', { name: 'Disable new-person' }).click();
    await page.getByRole('button', { name: 'Enable new-person' }).waitFor();
    // A disabled account cannot sign in, whatever its password.
    await expect(platform.signIn({ username: 'new-person', password: 'a-long-enough-password' })).rejects.toThrow(
      /answered 4\d\d/,
    );
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
    // A second `npm start` with NEMO_START_SERVICES=gateway: the gateway answers for the missing rag service.
    const bare = new PlatformApi(inject('platformWithoutRag'));
    const page = await openPage(PHONE);
    await signIn(page, bare.url, await bare.createUser('user', 'acme'));
    await page.getByRole('link', { name: 'Documents' }).click();
    const words = /^[A-Z][^{}]+\.$/;
    await expect.poll(() => page.locator('#list-title ~ .status').textContent()).toMatch(words);
    const file = page.getByLabel('Document (text, Markdown, HTML or PDF)');
    const upload = page.locator('#upload-title ~ .status');
    await file.setInputFiles({ name: 'notes.docx', mimeType: 'application/msword', buffer: Buffer.from('PK') });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => upload.textContent()).toMatch(/Only \.txt, \.md, \.html and \.pdf/);
    await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Some notes.') });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => upload.textContent()).toMatch(words);
    expect(await upload.textContent()).not.toMatch(/^Only|^Indexed/);
    shots.push(await screenshot(page, 'documents-phone'));
    await page.getByRole('link', { name: 'Emails' }).click();
    await expect.poll(() => page.locator('.emails .status').textContent()).toMatch(words);
    await page.context().close();
  });

  it('has no serious or critical axe-core violations on any page', async () => {
    const context = await auditContext(browser);
    const page = await context.newPage();
    await page.goto(`${platform.url}/`);
    await page.getByLabel('Username').waitFor();
    const found: Record<string, unknown[]> = { login: await seriousA11yViolations(page) };
    await signIn(page, platform.url, platform.admin);
    for (const route of ['chat', 'transcribe', 'documents', 'emails', 'insights', 'admin']) {
      await page.goto(`${platform.url}/#/${route}`);
      await settled(page, route);
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
    expect(found).toEqual({ login: [], chat: [], transcribe: [], documents: [], emails: [], insights: [], admin: [] });
    await context.close();
    console.log(`Screenshots:\n${shots.join('\n')}`);
  });
});
