import { busyRetrying, retryWhenBusy, sleep } from '../api/busy.js';
import { messageOf } from '../api/errors.js';
import { EXPORT_FORMATS, transcriptionApi, type Segment, type Transcript } from '../transcribe/api.js';
import { startLive, type LiveStream } from '../transcribe/live.js';
import { clock, segmentView, showEmotion, speakerTrack, summaryOf } from '../transcribe/timeline.js';
import { field, h, liveRegion, mount, uid } from '../ui/dom.js';

/** How long to look for emotion chips after a transcript completes (emotion classifies it afterwards). */
const EMOTION_POLLS = 15;
const EMOTION_POLL_MS = 2_000;

const titleOf = (t: Pick<Transcript, 'filename' | 'source' | 'createdAt'>): string =>
  t.filename ?? (t.source === 'live' ? `Live recording, ${new Date(t.createdAt).toLocaleString()}` : 'Recording');

/** A labelled progress bar with its percentage in words beside it. */
function progressBar(label: string): { el: HTMLElement; set: (fraction: number) => void } {
  const bar = h('progress', { id: uid('progress'), max: 1, value: 0 });
  const percent = h('span', { class: 'percent' }, '0%');
  const el = h(
    'div',
    { class: 'progress-row', hidden: true },
    h('div', { class: 'field' }, h('label', { for: bar.id }, label), bar),
    percent,
  );
  return {
    el,
    set: (fraction) => {
      el.hidden = false;
      bar.value = fraction;
      percent.textContent = `${Math.round(fraction * 100)}%`;
    },
  };
}

/** Properties, not methods: they are handed around as callbacks. */
interface TranscriptView {
  el: HTMLElement;
  /** A transcript arriving piece by piece (a job's segments, a live stream's finals). */
  begin: (title: string) => void;
  add: (segment: Segment) => void;
  emotion: (segmentId: number, emotion: NonNullable<Segment['emotion']>) => void;
  partial: (text: string) => void;
  /** The whole transcript, with exports. */
  show: (t: Transcript) => void;
  shownId: () => string | undefined;
  clear: () => void;
}

/** The transcript on show: a speaker track, the segment timeline, and exports. */
function transcriptView(): TranscriptView {
  const heading = h('h2', { id: 'transcript-title' }, 'Transcript');
  const summary = h('p', { class: 'muted' }, 'Upload a recording or start the microphone; the words appear here.');
  const track = h('div');
  const timeline = h('ol', { class: 'timeline', 'aria-label': 'Segments', 'aria-live': 'polite' });
  const partial = h('p', { class: 'partial', hidden: true });
  const exports = h('div', { class: 'exports', role: 'group', 'aria-label': 'Export', hidden: true });
  const status = liveRegion();
  let segments: Segment[] = [];
  let id: string | undefined;

  const renderExports = (t: Transcript): void => {
    const buttons = EXPORT_FORMATS.map(({ format, label }) =>
      h(
        'button',
        {
          type: 'button',
          class: 'ghost',
          onclick: () => {
            status.textContent = '';
            transcriptionApi.download(t.id, format).catch((err: unknown) => (status.textContent = messageOf(err)));
          },
        },
        `Export as ${label}`,
      ),
    );
    mount(exports, ...buttons);
    exports.hidden = t.status !== 'completed';
  };

  return {
    el: h(
      'section',
      { class: 'card transcript-view', 'aria-labelledby': 'transcript-title' },
      heading,
      summary,
      track,
      exports,
      status,
      timeline,
      partial,
    ),
    begin: (title) => {
      id = undefined;
      segments = [];
      heading.textContent = title;
      summary.textContent = 'Listening for words…';
      mount(track);
      mount(timeline);
      exports.hidden = true;
      partial.hidden = true;
      status.textContent = '';
    },
    add: (segment) => {
      segments.push(segment);
      timeline.append(segmentView(segment));
      mount(track, speakerTrack(segments, segment.end));
      partial.hidden = true;
      summary.textContent = `${segments.length} ${segments.length === 1 ? 'segment' : 'segments'} so far.`;
    },
    emotion: (segmentId, emotion) => {
      const segment = segments.find((s) => s.id === segmentId);
      if (segment) showEmotion(timeline, Object.assign(segment, { emotion }));
    },
    partial: (text) => {
      partial.hidden = false;
      partial.textContent = `… ${text}`;
    },
    show: (t) => {
      id = t.id;
      segments = [...(t.segments ?? [])];
      heading.textContent = titleOf(t);
      summary.textContent = segments.length ? summaryOf(t, segments) : 'No speech was found in this recording.';
      mount(track, segments.length ? speakerTrack(segments, t.durationSeconds) : null);
      mount(timeline, ...segments.map(segmentView));
      partial.hidden = true;
      renderExports(t);
    },
    shownId: () => id,
    clear: () => {
      id = undefined;
      heading.textContent = 'Transcript';
      summary.textContent = 'Upload a recording or start the microphone; the words appear here.';
      mount(track);
      mount(timeline);
      exports.hidden = true;
    },
  };
}

/** Polls a completed transcript until emotion has classified it (or gives up quietly), showing the chips. */
async function awaitEmotion(t: Transcript, view: TranscriptView, signal: AbortSignal): Promise<void> {
  let current = t;
  for (let i = 0; i < EMOTION_POLLS && current.enrichment.emotion.state === 'pending'; i++) {
    await sleep(EMOTION_POLL_MS, signal);
    if (view.shownId() !== t.id) return;
    current = await transcriptionApi.get(t.id);
    for (const s of current.segments ?? []) if (s.emotion) view.emotion(s.id, s.emotion);
  }
}

interface Shared {
  view: TranscriptView;
  /** Cancels whatever follows the transcript on show, and gives the next one its signal. */
  takeOver(): AbortSignal;
  reloadList(): void;
}

/** Shows a completed transcript and then its emotion chips as they come. */
function present(t: Transcript, shared: Shared, signal: AbortSignal): void {
  shared.view.show(t);
  awaitEmotion(t, shared.view, signal).catch(() => undefined);
}

const AUDIO_ACCEPT = '.wav,.mp3,.m4a,.mp4,.aac,.ogg,.oga,.opus,.flac,.webm,audio/*';
const AUDIO_NAME = /\.(wav|mp3|m4a|mp4|aac|ogg|oga|opus|flac|webm)$/i;

const ON_SERVER = 'The transcription goes on on the server; open it from your transcriptions below.';
const stoppedFollowing = (err: unknown): boolean => err instanceof DOMException && err.name === 'AbortError';

function uploadSection(shared: Shared): HTMLElement {
  const file = h('input', { type: 'file', name: 'audio', accept: AUDIO_ACCEPT });
  const diarize = h('input', { type: 'checkbox', name: 'diarization', checked: true });
  const upload = progressBar('Upload');
  const server = progressBar('Transcription');
  const status = liveRegion();
  const submit = h('button', { type: 'submit' }, 'Transcribe');
  const form = h(
    'form',
    { class: 'inline' },
    field('Recording (WAV, MP3, M4A, OGG, FLAC or WebM)', file),
    h('label', { class: 'toggle' }, diarize, ' Label speakers'),
    submit,
  );

  const run = async (chosen: File): Promise<void> => {
    const signal = shared.takeOver();
    upload.set(0);
    server.el.hidden = true;
    status.textContent = `Uploading ${chosen.name}…`;
    const job = await retryWhenBusy(
      () => transcriptionApi.upload(chosen, diarize.checked, (f) => upload.set(f)),
      (s) => (status.textContent = busyRetrying(s)),
      signal,
    );
    upload.set(1);
    server.set(0);
    const transcribing = `Transcribing ${chosen.name}…`;
    status.textContent = transcribing;
    shared.view.begin(chosen.name);
    shared.reloadList();
    const done = await transcriptionApi.follow(
      job.id,
      {
        onProgress: (fraction) => {
          server.set(fraction);
          // Back from "busy, retrying": say so once, not on every event (the status is a live region).
          if (status.textContent !== transcribing) status.textContent = transcribing;
        },
        onSegment: shared.view.add,
        onBusy: (s) => (status.textContent = busyRetrying(s)),
      },
      signal,
    );
    server.set(1);
    status.textContent = `Transcribed ${chosen.name}: ${clock(done.durationSeconds)} of audio.`;
    present(done, shared, signal);
    shared.reloadList();
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return void (status.textContent = 'Choose a recording first.');
    // The service reads the file's own bytes; this only catches an obvious wrong pick early.
    if (!AUDIO_NAME.test(chosen.name) && !/^(audio|video)\//.test(chosen.type))
      return void (status.textContent =
        'That does not look like a recording. Choose a WAV, MP3, M4A, OGG, FLAC or WebM file.');
    submit.disabled = true;
    run(chosen)
      .catch((err: unknown) => (status.textContent = stoppedFollowing(err) ? ON_SERVER : messageOf(err)))
      .finally(() => (submit.disabled = false));
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title' }, 'Upload a recording'),
    form,
    upload.el,
    server.el,
    status,
  );
}

function liveSection(shared: Shared): HTMLElement {
  const start = h('button', { type: 'button' }, 'Start microphone');
  const stop = h('button', { type: 'button', class: 'danger', disabled: true }, 'Stop');
  const diarize = h('input', { type: 'checkbox', name: 'live-diarization', checked: true });
  const status = liveRegion();
  let stream: LiveStream | undefined;

  const setRunning = (on: boolean): void => {
    start.disabled = on;
    stop.disabled = !on;
  };
  const finish = (id: string | undefined, error?: string): void => {
    stream = undefined;
    setRunning(false);
    if (!id) return void (status.textContent = error ?? 'The live transcription ended.');
    status.textContent = 'Stopped. The transcript is saved with your transcriptions.';
    const signal = shared.takeOver();
    transcriptionApi
      .get(id)
      .then((t) => present(t, shared, signal))
      .catch((err: unknown) => (status.textContent = messageOf(err)))
      .finally(() => shared.reloadList());
  };

  start.addEventListener('click', () => {
    setRunning(true);
    shared.takeOver();
    status.textContent = 'Starting the microphone…';
    startLive(
      {
        onReady: () => {
          shared.view.begin('Live transcription');
          status.textContent = 'Listening. Speak, then press Stop.';
        },
        onPartial: shared.view.partial,
        onFinal: shared.view.add,
        onEmotion: shared.view.emotion,
        onNotice: (message) => (status.textContent = message),
        onEnd: finish,
      },
      diarize.checked,
    )
      .then((s) => (stream = s))
      .catch((err: unknown) => {
        setRunning(false);
        status.textContent = messageOf(err);
      });
  });
  stop.addEventListener('click', () => {
    status.textContent = 'Finishing the last words…';
    stop.disabled = true;
    stream?.stop();
  });
  // Leaving the page ends the recording: the microphone must not stay on unseen.
  window.addEventListener('hashchange', () => stream?.stop(), { once: true });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'live-title' },
    h('h2', { id: 'live-title' }, 'Live microphone'),
    h('p', { class: 'muted' }, 'Speak and see the words as you go. 16 kHz audio is sent to the platform only.'),
    h('div', { class: 'row' }, h('label', { class: 'toggle' }, diarize, ' Label speakers'), start, stop),
    status,
  );
}

const STATUS_WORDS: Readonly<Record<Transcript['status'], string>> = {
  queued: 'Waiting',
  running: 'Transcribing',
  completed: 'Done',
  failed: 'Failed',
};

function listSection(shared: Shared): { el: HTMLElement; reload: () => void } {
  const body = h('tbody');
  const status = liveRegion();

  const open = (t: Transcript): void => {
    const signal = shared.takeOver();
    status.textContent = `Opening ${titleOf(t)}…`;
    transcriptionApi
      .get(t.id)
      .then((full) => {
        present(full, shared, signal);
        status.textContent = full.status === 'failed' ? (full.error?.message ?? 'This transcription failed.') : '';
        document.getElementById('transcript-title')?.scrollIntoView({ block: 'start' });
      })
      .catch((err: unknown) => (status.textContent = messageOf(err)));
  };
  const remove = (t: Transcript): void => {
    if (!confirm(`Delete "${titleOf(t)}"? Its transcript and exports will be gone.`)) return;
    transcriptionApi
      .remove(t.id)
      .then(() => {
        status.textContent = `Deleted ${titleOf(t)}.`;
        if (shared.view.shownId() === t.id) shared.view.clear();
        reload();
      })
      .catch((err: unknown) => (status.textContent = messageOf(err)));
  };
  const row = (t: Transcript): HTMLElement => {
    const title = titleOf(t);
    return h(
      'tr',
      {},
      h('td', {}, title),
      h('td', {}, t.source === 'live' ? 'Live' : 'File'),
      h('td', { class: 'num' }, clock(t.durationSeconds)),
      h('td', {}, STATUS_WORDS[t.status]),
      h('td', {}, new Date(t.createdAt).toLocaleString()),
      h(
        'td',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', class: 'ghost small', 'aria-label': `Open ${title}`, onclick: () => open(t) },
          'Open',
        ),
        h(
          'button',
          { type: 'button', class: 'danger small', 'aria-label': `Delete ${title}`, onclick: () => remove(t) },
          'Delete',
        ),
      ),
    );
  };
  const reload = (): void => {
    transcriptionApi
      .list()
      .then((all) =>
        mount(
          body,
          ...(all.length
            ? all.map(row)
            : [
                h(
                  'tr',
                  {},
                  h('td', { colspan: 6 }, 'No transcriptions yet. Upload a recording or use the microphone.'),
                ),
              ]),
        ),
      )
      .catch((err: unknown) => (status.textContent = messageOf(err)));
  };
  const table = h(
    'table',
    {},
    h('caption', { class: 'visually-hidden' }, 'Your transcriptions'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Name', 'Source', 'Length', 'Status', 'Created', 'Actions'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    body,
  );
  return {
    el: h(
      'section',
      { class: 'card', 'aria-labelledby': 'transcriptions-title' },
      h('h2', { id: 'transcriptions-title' }, 'Your transcriptions'),
      status,
      h('div', { class: 'table-scroll' }, table),
    ),
    reload,
  };
}

/** Transcribe: recording upload (WAV, MP3, M4A, OGG, FLAC, WebM) with upload and server progress, live microphone, a speaker timeline, exports, history. */
export function transcribePage(): HTMLElement {
  const view = transcriptView();
  let following = new AbortController();
  const shared: Shared = {
    view,
    takeOver() {
      following.abort();
      following = new AbortController();
      return following.signal;
    },
    reloadList: () => list.reload(),
  };
  const list = listSection(shared);
  list.reload();
  return h(
    'div',
    { class: 'page transcribe' },
    h('h1', {}, 'Transcribe'),
    h('div', { class: 'sources' }, uploadSection(shared), liveSection(shared)),
    view.el,
    list.el,
  );
}
