"""The ASR worker: Whisper (CTranslate2 format) through faster-whisper.

It loads the model once, warms it up, then answers requests read as JSON lines
on stdin with JSON lines on stdout, one request at a time, in order:

  request   {"id": "r1", "op": "transcribe", "pcm16": "<base64>" | "path": "/tmp/a.raw",
             "language": "en", "wordTimestamps": true, "beamSize": 5}
            audio is 16 kHz mono signed 16-bit little-endian PCM, inline or in a file.
            {"id": "r2", "op": "cancel", "target": "r1"}    stops r1 at its next segment
            {"op": "shutdown"}                               (or EOF on stdin) exits
  answers   {"type": "ready", "model": ..., "device": ..., "computeType": ..., "loadMs": ...}
            {"id": "r1", "type": "segment", "segment": {"start", "end", "text", "avgLogprob",
             "noSpeechProb", "words": [{"start", "end", "word", "probability"}]}}
            {"id": "r1", "type": "progress", "processedSeconds": 3.2, "totalSeconds": 9.6}
            {"id": "r1", "type": "done", "language": "en", "durationSeconds": 9.6,
             "decodeMs": 812, "cancelled": false}
            {"id": "r1", "type": "error", "code": "bad_request" | "internal", "message": ...}

stdout carries nothing but these lines: everything else (library output,
tracebacks) is sent to stderr, which the supervisor logs.
"""

import argparse
import base64
import json
import os
import queue
import sys
import threading
import time
import traceback

import ctranslate2

SAMPLE_RATE = 16000


def protocol_stream():
    """Keeps fd 1 for the protocol and points everything else that writes to stdout at stderr."""
    out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


class Channel:
    def __init__(self, out):
        self.out = out
        self.lock = threading.Lock()

    def send(self, message):
        line = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
        with self.lock:
            self.out.write(line + "\n")
            self.out.flush()


class BadRequest(Exception):
    pass


def parse_args():
    p = argparse.ArgumentParser(description="Nemo ASR worker (faster-whisper)")
    p.add_argument("--model-dir", required=True)
    p.add_argument("--model-name", default="whisper")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--compute-type", default=None)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device-index", type=int, default=0)
    return p.parse_args()


def load_model(args):
    from faster_whisper import WhisperModel

    if args.device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise RuntimeError("device cuda was asked for, but CTranslate2 sees no CUDA device")
    compute_type = args.compute_type or ("float16" if args.device == "cuda" else "int8")
    model = WhisperModel(
        args.model_dir,
        device=args.device,
        device_index=args.device_index,
        compute_type=compute_type,
        cpu_threads=args.threads,
        num_workers=1,
        local_files_only=True,
    )
    return model, compute_type


def audio_of(request):
    import numpy as np

    if "pcm16" in request:
        raw = base64.b64decode(request["pcm16"], validate=True)
    elif "path" in request:
        try:
            with open(request["path"], "rb") as f:
                raw = f.read()
        except OSError as e:
            raise BadRequest(f"the audio file cannot be read ({e.strerror})") from None
    else:
        raise BadRequest("a transcribe request needs pcm16 (base64) or path")
    if len(raw) % 2:
        raise BadRequest("16-bit PCM has an even number of bytes")
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def check_language(model, language):
    if language is None:
        return None
    if not isinstance(language, str) or not language.isalpha() or len(language) > 8:
        raise BadRequest("language is a language code such as en")
    if not model.model.is_multilingual and language != "en":
        raise BadRequest("this model transcribes English only (language en)")
    return language


def prompt_of(request):
    prompt = request.get("prompt")
    if prompt is None:
        return None
    if not isinstance(prompt, str) or len(prompt) > 2000:
        raise BadRequest("prompt is text of at most 2000 characters")
    return prompt or None


def segment_json(segment, words):
    return {
        "start": round(segment.start, 3),
        "end": round(segment.end, 3),
        "text": segment.text.strip(),
        "avgLogprob": segment.avg_logprob,
        "noSpeechProb": segment.no_speech_prob,
        "words": [
            {"start": round(w.start, 3), "end": round(w.end, 3), "word": w.word, "probability": w.probability}
            for w in (segment.words or [])
        ]
        if words
        else [],
    }


class Worker:
    def __init__(self, model, channel):
        self.model = model
        self.channel = channel
        self.cancelled = set()
        self.requests = queue.Queue()

    def read_stdin(self):
        """Reads requests; cancels take effect at once, the rest queue for the main loop."""
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                request = json.loads(line)
            except ValueError:
                self.channel.send({"type": "error", "code": "bad_request", "message": "a request is one JSON object per line"})
                continue
            if request.get("op") == "cancel":
                self.cancelled.add(request.get("target"))
            else:
                self.requests.put(request)
        self.requests.put({"op": "shutdown"})

    def serve(self):
        threading.Thread(target=self.read_stdin, daemon=True).start()
        while True:
            request = self.requests.get()
            op = request.get("op")
            if op == "shutdown":
                return
            rid = request.get("id")
            try:
                if op != "transcribe":
                    raise BadRequest(f"unknown op {op!r}")
                self.transcribe(rid, request)
            except BadRequest as e:
                self.channel.send({"id": rid, "type": "error", "code": "bad_request", "message": str(e)})
            except Exception as e:  # reported to the caller; the traceback goes to stderr
                traceback.print_exc(file=sys.stderr)
                self.channel.send({"id": rid, "type": "error", "code": "internal", "message": type(e).__name__})
            finally:
                self.cancelled.discard(rid)

    def transcribe(self, rid, request):
        started = time.monotonic()
        audio = audio_of(request)
        language = check_language(self.model, request.get("language"))
        words = bool(request.get("wordTimestamps", False))
        total = len(audio) / SAMPLE_RATE
        # Whisper falls back to sampling when greedy/beam output looks wrong; a
        # seed per request makes the same audio give the same text.
        ctranslate2.set_random_seed(int(request.get("seed", 0)))
        segments, info = self.model.transcribe(
            audio,
            language=language,
            beam_size=int(request.get("beamSize", 5)),
            word_timestamps=words,
            condition_on_previous_text=bool(request.get("conditionOnPreviousText", True)),
            initial_prompt=prompt_of(request),
            vad_filter=False,
        )
        cancelled = False
        for segment in segments:
            if rid in self.cancelled:
                cancelled = True
                break
            self.channel.send({"id": rid, "type": "segment", "segment": segment_json(segment, words)})
            processed = min(segment.end, total)
            self.channel.send({"id": rid, "type": "progress", "processedSeconds": processed, "totalSeconds": total})
        self.channel.send(
            {
                "id": rid,
                "type": "done",
                "language": info.language,
                "durationSeconds": total,
                "decodeMs": round((time.monotonic() - started) * 1000),
                "cancelled": cancelled,
            }
        )


def main():
    channel = Channel(protocol_stream())
    args = parse_args()
    started = time.monotonic()
    try:
        model, compute_type = load_model(args)
        import numpy as np

        # Warm-up: one decode of a second of silence, so the first caller pays no set-up.
        list(model.transcribe(np.zeros(SAMPLE_RATE, dtype=np.float32), language="en" if not model.model.is_multilingual else None)[0])
    except Exception as e:
        traceback.print_exc(file=sys.stderr)
        channel.send({"type": "fatal", "message": f"{type(e).__name__}: {e}"})
        return 1
    channel.send(
        {
            "type": "ready",
            "model": args.model_name,
            "device": args.device,
            "computeType": compute_type,
            "multilingual": bool(model.model.is_multilingual),
            "loadMs": round((time.monotonic() - started) * 1000),
            "pid": os.getpid(),
        }
    )
    Worker(model, channel).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
