"""Decodes one compressed audio file to 16 kHz mono 16-bit PCM.

Runs as a process of its own for each file: untrusted uploads pass through
FFmpeg's demuxers and decoders (PyAV, from the ASR environment) here, never
in the long-lived ASR worker, so a crash or a runaway file ends only this
process. Address space and CPU time are capped as well.

usage: decode_audio.py IN OUT MAX_SECONDS
  exit 0  OUT holds little-endian int16 samples; stdout is one JSON line:
          {"seconds": 12.3, "container": "mp3", "codec": "mp3"}
  exit 2  stdout is {"error": "..."}: the file is not audio this can read
  exit 3  stdout is {"error": "..."}: the audio is longer than MAX_SECONDS
"""

import json
import resource
import sys

SAMPLE_RATE = 16000
ADDRESS_SPACE = 2 << 30  # bytes; FFmpeg's own allocations included
CPU_SECONDS = 120


class Refused(Exception):
    def __init__(self, message, code=2):
        super().__init__(message)
        self.code = code


def decode(src, dst, max_seconds):
    import av

    try:
        container = av.open(src, mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, ValueError):
        raise Refused("the file is not in an audio format that can be read") from None
    with container:
        if not container.streams.audio:
            raise Refused("the file has no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        limit = int(max_seconds * SAMPLE_RATE)
        written = 0
        with open(dst, "wb") as out:
            try:
                for frame in container.decode(stream):
                    written += write(out, resampler.resample(frame))
                    if written > limit:
                        raise Refused(f"the audio is longer than {max_seconds:g} s", code=3)
                written += write(out, resampler.resample(None))
            except (av.error.FFmpegError, ValueError):
                raise Refused("the audio stream is damaged and could not be decoded") from None
        if written == 0:
            raise Refused("the file holds no audio")
        return {
            "seconds": written / SAMPLE_RATE,
            "container": container.format.name,
            "codec": stream.codec_context.name,
        }


def write(out, frames):
    count = 0
    for frame in frames:
        data = frame.to_ndarray()
        out.write(data.astype("<i2", copy=False).tobytes())
        count += data.shape[-1]
    return count


def main():
    src, dst, max_seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    try:
        print(json.dumps(decode(src, dst, max_seconds)), flush=True)
    except Refused as e:
        print(json.dumps({"error": str(e)}), flush=True)
        sys.exit(e.code)


if __name__ == "__main__":
    main()
