"""Each article's language, by py3langid (its naive Bayes model ships in the wheel: nothing is downloaded).

The text is cut into passages (sentences, merged up to about :data:`PASSAGE_CHARS` characters); each passage is
classified among :data:`CANDIDATES` and weighs by its letters, and the article takes the language with most
letters: a Russian article quoting an English sentence stays ``ru``, a mixed article follows its majority.
Texts with too few letters for the model (a caption, a one-line note) are read by their script: Cyrillic with
none of the letters Russian lacks is ``ru``; the Kazakh, Ukrainian, Belarusian letters name their language.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

from newsfacts.extract.text import sentences

VERSION = "language-2"

# The languages an article may be labelled with. Restricting py3langid to the languages of the region and of
# the news the pipeline reads keeps the close confusions (ru vs bg/sr/mk on short Cyrillic passages, kk vs
# ky/tt/ba) among languages that actually occur, and the labels a closed vocabulary (``articles.language``):
#   Russian and the other Cyrillic languages of the former USSR: ru uk be kk ky tt ba tg mn
#   Turkic and other languages of the Caucasus and Central Asia in Latin or own scripts: az tr uz tk ka hy
#   languages the wires quote most: en de fr es it zh ar fa
CANDIDATES: tuple[str, ...] = (
    "ru", "uk", "be", "kk", "ky", "tt", "ba", "tg", "mn",
    "az", "tr", "uz", "tk", "ka", "hy",
    "en", "de", "fr", "es", "it", "zh", "ar", "fa",
)  # fmt: skip

RUSSIAN = "ru"
PASSAGE_CHARS = 400  # passages of about this many characters: several sentences, one language each
MIN_LETTERS = 40  # below this many letters in all the text the model is unreliable: read the script instead

_RUSSIAN_LETTERS = re.compile(r"[а-яёА-ЯЁ]+")
_OTHER_CYRILLIC = re.compile(r"[\u0400-\u040F\u0450-\u04FF](?<![ёЁ])")  # Cyrillic outside а-я, А-Я, ё, Ё
_RUSSIAN_ONLY = re.compile(
    r"[ыэЫЭ]"
)  # letters Ukrainian, Bulgarian, Belarusian (э aside), Kazakh prose rarely lack
# plain Russian: this share of the letters in the Russian alphabet, hardly a letter of another Cyrillic one
PLAIN_RUSSIAN_SHARE = 0.9
PLAIN_RUSSIAN_MIN_LETTERS = 300  # a Kyrgyz or Tatar sentence may lack its own letters; a paragraph hardly
OTHER_CYRILLIC_SHARE = 0.002
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LETTER = re.compile(r"[^\W\d_]")
# letters of Cyrillic alphabets that Russian lacks, each alphabet's most telling ones (і is shared)
_SCRIPT_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("kk", re.compile(r"[әғқңөұүһӘҒҚҢӨҰҮҺ]")),
    ("ky", re.compile(r"[ңөүҢӨҮ]")),
    ("uk", re.compile(r"[їєґЇЄҐ]")),
    ("be", re.compile(r"[ўЎ]")),
)


def passages(text: str, size: int = PASSAGE_CHARS) -> list[str]:
    """The text's sentences, consecutive ones merged while the passage stays within about ``size`` chars."""
    out: list[str] = []
    current = ""
    for start, end in sentences(text).spans:
        sentence = text[start:end].strip()
        if not sentence:
            continue
        if current and len(current) + len(sentence) > size:
            out.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        out.append(current)
    return out


_CODE_CHARS = re.compile(r"[{}\[\]();=<>\\/\"'$]")
CODE_SHARE = 0.06  # prose has few brackets, braces, quotes, slashes and equals signs; code is full of them


def _looks_like_code(passage: str) -> bool:
    """Whether a passage is program code (``jwplayer("…").setup({…})``) rather than prose."""
    return len(_CODE_CHARS.findall(passage)) > CODE_SHARE * len(passage)


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def _letter_counts(text: str) -> tuple[int, int]:
    """(letters, letters of the Russian alphabet) of ``text``: the Russian ones are counted by removing their
    runs, and only what is left is tested letter by letter (a third of the cost of testing every character)."""
    rest = _RUSSIAN_LETTERS.sub("", text)
    russian = len(text) - len(rest)
    return russian + _letters(rest), russian


class LanguageDetector:
    """Detects an article's language (ISO 639-1) among ``candidates``. The model (~1.3 s to load, ~100 MB) is
    loaded once, on the first text that needs it: a run of plainly Russian articles never loads it."""

    def __init__(self, candidates: tuple[str, ...] = CANDIDATES) -> None:
        self.candidates = candidates
        self._loaded: Any = None
        self._lock = threading.Lock()

    @property
    def _model(self) -> Any:
        with self._lock:
            if self._loaded is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                model = LanguageIdentifier.from_model_file(MODEL_FILE)
                model.set_languages(list(self.candidates))
                self._loaded = model
            return self._loaded

    def detect(self, text: str, title: str | None = None) -> str:
        """The language with most letters over the passages of the title and text (passages of program code
        left in scraped pages, such as an embedded player's script, are no language and do not vote)."""
        full = f"{title}\n{text}" if title else text
        if _CODE_CHARS.search(full):  # without a code character no passage is code: the split is skipped
            every = passages(full)
            prose = [p for p in every if not _looks_like_code(p)]
            if prose and len(prose) < len(every):
                full = "\n".join(prose)
        letters, russian = _letter_counts(full)
        if letters < MIN_LETTERS:
            return self._by_script(full)
        if self._plainly_russian(full, letters, russian):
            return RUSSIAN
        return self.by_model(full)

    def by_model(self, text: str) -> str:
        """The language with most letters over the text's passages, each classified by the model."""
        votes: Counter[str] = Counter()
        for passage in passages(text):
            n = _letters(passage)
            if n:
                lang, _ = self._model.classify(passage)
                votes[str(lang)] += n
        return votes.most_common(1)[0][0] if votes else RUSSIAN

    @staticmethod
    def _plainly_russian(text: str, letters: int, russian: int) -> bool:
        """Whether the text is plainly Russian by its letters alone (most articles: the model is skipped, it
        costs ~0.6 s per MB): a paragraph or more, nine in ten letters Russian, 'ы' or 'э' among them, and
        almost none of the letters of the other Cyrillic alphabets (Kazakh, Ukrainian, Belarusian...)."""
        if letters < PLAIN_RUSSIAN_MIN_LETTERS or russian < PLAIN_RUSSIAN_SHARE * letters:
            return False
        if not _RUSSIAN_ONLY.search(text):
            return False
        return len(_OTHER_CYRILLIC.findall(text)) <= OTHER_CYRILLIC_SHARE * letters

    def _by_script(self, text: str) -> str:
        """A short text's language from its script: Cyrillic (or no letters at all) is Russian unless it
        has letters only another Cyrillic alphabet has; other scripts go to the model."""
        if not _LETTER.search(text) or _CYRILLIC.search(text):
            for lang, hint in _SCRIPT_HINTS:
                if lang in self.candidates and hint.search(text):
                    return lang
            return RUSSIAN
        lang, _ = self._model.classify(text)
        return str(lang)
