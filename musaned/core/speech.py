"""The verification code spoken aloud: the captcha's accessible alternative
(docs/decisions/0006-spoken-code-as-captcha-alternative.md).

The speech engine is Debian's ``espeak-ng`` (``MUSANED_SPEECH_ENGINE``), run as a
separate process with a fixed argument list (never a shell) and a timeout, once per
digit, so every digit is heard on its own. Each digit gets its own voice variant, speed
and pitch, the gaps between digits vary and light noise lies under the whole: the same
digit never sounds the same twice, so matching the sound against eight recordings is
not enough to read the code. All of that is drawn from a generator seeded by the
captcha key and the site's secret key, so one key always gives the same bytes (a
browser may fetch the file in byte ranges) and nobody outside can predict them.
"""

import functools
import hashlib
import hmac
import math
import random
import re
import shutil
import struct
import subprocess
from array import array

from django.conf import settings
from django.core import checks

# The page's language → espeak-ng's voice. Both ship in Debian's espeak-ng-data.
VOICES = {"ar": "ar", "en": "en"}
# Voice variants that stay clear (espeak-ng-data/voices/!v): men's and women's voices.
VARIANTS = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4")
SPEED_WPM = (135, 165)  # espeak-ng's default is 175: a little slower, for everyone
PITCH = (30, 70)  # of 0-99; 50 is the default
GAP_MS = (450, 850)  # silence between two digits
EDGE_MS = 350  # silence before the first digit and after the last
PEAK = (20000, 26000)  # each digit brought to a peak in this range, of 32767
NOISE_RMS = 250  # brown noise, about 20 dB under the voice: light
SAMPLE_RATE = 22050  # what espeak-ng writes
TIMEOUT_SECONDS = 5
_DIGITS = re.compile(r"[0-9]{1,12}")


class SpeechUnavailable(Exception):
    """The engine is not installed, failed, or gave something that is not its WAV."""


@functools.lru_cache(maxsize=8)
def _resolve(name: str) -> str | None:
    return shutil.which(name) if name else None


def engine_path() -> str | None:
    """The speech engine's executable, or None when it is not installed."""
    return _resolve(settings.MUSANED_SPEECH_ENGINE)


def available() -> bool:
    return engine_path() is not None


def _seeded(key: str, language: str) -> random.Random:
    secret = settings.SECRET_KEY.encode()
    digest = hmac.new(secret, f"captcha-audio:{language}:{key}".encode(), hashlib.sha256)
    return random.Random(digest.digest())  # noqa: S311 (variation, not a secret)


def _pcm(wav: bytes) -> array:
    """The 16-bit mono samples of espeak-ng's ``--stdout`` WAV. Written to a pipe, its
    RIFF and data sizes are placeholders, so the data runs to the end of the bytes."""
    if wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise SpeechUnavailable("the speech engine did not write a WAV file")
    position, fmt = 12, None
    while position + 8 <= len(wav):
        chunk, size = (
            wav[position : position + 4],
            struct.unpack("<I", wav[position + 4 : position + 8])[0],
        )
        body = position + 8
        if chunk == b"fmt ":
            fmt = struct.unpack("<HHIIHH", wav[body : body + 16])
        elif chunk == b"data":
            if fmt is None or fmt[0] != 1 or fmt[1] != 1 or fmt[2] != SAMPLE_RATE or fmt[5] != 16:
                raise SpeechUnavailable(f"unexpected WAV format from the speech engine: {fmt}")
            data = wav[body:]
            samples = array("h")
            samples.frombytes(data[: len(data) // 2 * 2])
            return samples
        position = body + size + (size & 1)
    raise SpeechUnavailable("the speech engine's WAV has no data")


def _trimmed(samples: array, threshold: int = 300) -> array:
    """Without the engine's own silence before and after the word."""
    start, end = 0, len(samples)
    while start < end and abs(samples[start]) < threshold:
        start += 1
    while end > start and abs(samples[end - 1]) < threshold:
        end -= 1
    return samples[start:end]


def _speak_one(engine: str, digit: str, *, voice: str, speed: int, pitch: int) -> array:
    try:
        result = subprocess.run(  # noqa: S603 (fixed arguments, one ASCII digit, no shell)
            [engine, "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", digit],
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=True,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise SpeechUnavailable(f"the speech engine failed: {error}") from error
    samples = _trimmed(_pcm(result.stdout))
    if not samples:
        raise SpeechUnavailable(f"the speech engine said nothing for {digit!r} in {voice}")
    return samples


def _wav(samples: array) -> bytes:
    data = samples.tobytes()
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(data),
        b"WAVE",
        b"fmt ",
        16,
        1,  # PCM
        1,  # mono
        SAMPLE_RATE,
        SAMPLE_RATE * 2,
        2,
        16,
        b"data",
        len(data),
    )
    return header + data


def speak_digits(code: str, *, language: str, key: str) -> bytes:
    """``code`` spoken digit by digit in ``language`` ("ar" or "en"), as a 16-bit mono
    WAV file. The same key and language always give the same bytes.

    Raises ``SpeechUnavailable`` when the engine is missing or fails.
    """
    if not _DIGITS.fullmatch(code):
        raise ValueError("only a code of ASCII digits is spoken")
    engine = engine_path()
    if engine is None:
        raise SpeechUnavailable(f"{settings.MUSANED_SPEECH_ENGINE!r} is not installed")
    rng = _seeded(key, language)
    voice = VOICES.get(language, VOICES[settings.LANGUAGE_CODE])

    def silence(ms: int) -> array:
        return array("h", bytes(SAMPLE_RATE * ms // 1000 * 2))

    speech = silence(EDGE_MS)
    for index, digit in enumerate(code):
        if index:
            speech.extend(silence(rng.randint(*GAP_MS)))
        spoken = _speak_one(
            engine,
            digit,
            voice=f"{voice}+{rng.choice(VARIANTS)}",
            speed=rng.randint(*SPEED_WPM),
            pitch=rng.randint(*PITCH),
        )
        gain = rng.randint(*PEAK) / max(max(spoken), -min(spoken))
        speech.extend(array("h", (int(s * gain) for s in spoken)))
    speech.extend(silence(EDGE_MS))

    # Brown noise (a leaky random walk): a soft rumble rather than a hiss.
    leak = 0.985
    walk, step = 0.0, NOISE_RMS * math.sqrt(3 * (1 - leak * leak))
    uniform = rng.uniform
    mixed = array("h", bytes(len(speech) * 2))
    for i, sample in enumerate(speech):
        walk = walk * leak + uniform(-step, step)
        value = sample + int(walk)
        mixed[i] = 32767 if value > 32767 else -32768 if value < -32768 else value
    return _wav(mixed)


# --- System check --------------------------------------------------------------------


@checks.register()
def check_speech_engine(app_configs=None, **kwargs):
    """The spoken code needs the engine and its Arabic and English voices. Production
    refuses to start without the engine (config/settings/production.py); elsewhere the
    listening button is hidden and this warns."""
    if not available():
        return [
            checks.Warning(
                f"The speech engine {settings.MUSANED_SPEECH_ENGINE!r} is not installed: "
                "the verification code's spoken alternative is hidden.",
                hint="Install Debian's espeak-ng (bash scripts/ensure-espeak) or set "
                "MUSANED_SPEECH_ENGINE to its path (docs/configuration.md).",
                id="musaned.W060",
            )
        ]
    problems = []
    for language in VOICES:
        try:
            speak_digits("5", language=language, key="system-check")
        except SpeechUnavailable as error:
            problems.append(
                checks.Error(
                    f"The speech engine cannot speak the verification code in {language!r}: {error}",
                    hint="Install Debian's espeak-ng with its data (espeak-ng-data).",
                    id="musaned.E060",
                )
            )
    return problems
