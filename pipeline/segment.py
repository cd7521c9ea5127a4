"""Stage 2: split a cleaned policy into sections, clauses and words, with offsets.

A clause is a heading line, a bullet item, or one sentence of a paragraph. Every clause keeps
`start`/`end` into the cleaned text and the heading of the section it sits in; every word is a
span of that text, checked, because underthesea is allowed to rewrite what it tokenizes.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .config import SegmentParams
from .errors import AlignmentError
from .memo import Memo, memo_key
from .records import Clause, Document
from .structure import (
    BARE_NUMBER_RE,
    NUMBERING_RE,
    HeadingModel,
    Line,
    load_heading_model,
    structure_lines,
)


@lru_cache(maxsize=1)
def _underthesea():  # type: ignore[no-untyped-def]
    """Import underthesea lazily: importing the package must stay cheap."""
    from underthesea import sent_tokenize, word_tokenize

    return sent_tokenize, word_tokenize


# underthesea's `sent_tokenize` looks back over the whole run of letters and dots before
# every dot, so a paragraph of long runs without whitespace ("Dữliệu.Dữliệu....") costs the
# square of its length. Runs that long are kept whole (they hold no sentence end a reader would
# see), and the rest is tokenized in windows of at most `_SENTENCE_WINDOW` characters.
_LONG_RUN_RE = re.compile(r"\S{300,}")
_SENTENCE_WINDOW = 5_000


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph, as offsets into `text`.

    underthesea's `sent_tokenize` splits inside e-mail addresses and after a bare "Điều 3.";
    a piece not separated from the previous one by whitespace, or a piece that is only a
    numbering, is joined back. Work is linear in the length of `text` (see `_LONG_RUN_RE`).
    """
    if len(text) <= _SENTENCE_WINDOW and not _LONG_RUN_RE.search(text):
        return _sentences(text)
    spans: list[tuple[int, int]] = []
    for start, end, whole in _windows(text):
        if whole:
            spans.append((start, end))
        else:
            spans.extend((start + a, start + b) for a, b in _sentences(text[start:end]))
    return spans


def _windows(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, kept whole) pieces of `text`: each long run alone, the text between cut
    at the last sentence end or space before `_SENTENCE_WINDOW` characters."""
    pos = 0
    for run in [*_LONG_RUN_RE.finditer(text), None]:
        stop = run.start() if run else len(text)
        while stop - pos > _SENTENCE_WINDOW:
            limit = pos + _SENTENCE_WINDOW
            cut = max(text.rfind(". ", pos, limit) + 1, text.rfind(" ", pos, limit))
            cut = cut if cut > pos else limit
            yield pos, cut, False
            pos = cut
        if stop > pos:
            yield pos, stop, False
        if run:
            yield run.start(), run.end(), True
            pos = run.end()


def _sentences(text: str) -> list[tuple[int, int]]:
    sent_tokenize, _ = _underthesea()
    spans: list[tuple[int, int]] = []
    pos = 0
    for piece in sent_tokenize(text):
        piece = piece.strip()
        if not piece:
            continue
        found = text.find(piece, pos)
        if found < 0:  # sent_tokenize changed the text: keep the remainder as one sentence
            spans.append((pos, len(text)))
            pos = len(text)
            break
        glued = found == pos and bool(spans)
        previous_is_number = bool(spans) and BARE_NUMBER_RE.match(
            text[spans[-1][0] : spans[-1][1]]
        )
        if spans and (glued or previous_is_number):
            spans[-1] = (spans[-1][0], found + len(piece))
        else:
            spans.append((found, found + len(piece)))
        pos = found + len(piece)
    rest = text[pos:].strip()
    if rest:
        start = text.index(rest, pos)
        spans.append((start, start + len(rest)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def tokenize_spans(text: str, spans: Sequence[tuple[int, int]], memo: Memo | None = None
                   ) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
    """underthesea words of each `text[start:end]` with their offsets in `text`, each
    checked against the text it came from.

    With a `memo`, a clause text seen before is not segmented again (templated policies
    repeat most sentences); the others are segmented together, a few thousand characters
    at a time (a call has a fixed cost, and a huge policy must not become one array).

    Raises:
        AlignmentError: a token does not occur where the previous one ended.
    """
    chunks = [text[start:end] for start, end in spans]
    keys = [memo_key(chunk) for chunk in chunks] if memo is not None else chunks
    found: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {}
    todo: dict[str, int] = {}  # key -> the first chunk with it
    for i, key in enumerate(keys):
        if key not in found and key not in todo:
            value = memo.get(key) if memo is not None else None
            if value is None:
                todo[key] = i
            else:
                found[key] = value
    found.update(zip(todo, _words_of_many([chunks[i] for i in todo.values()],
                                          [spans[i][0] for i in todo.values()]), strict=True))
    if memo is not None:
        counts = Counter(keys)
        for key in todo:
            memo.put(key, found[key], repeated=counts[key] > 1)
    return [(tuple(words), tuple(start + offset for offset in offsets))
            for (start, _), (words, offsets) in zip(spans, map(found.__getitem__, keys),
                                                    strict=True)]


_BATCH_CHARS = 20_000  # clause text segmented in one `word_tokenize_many` call


def _words_of_many(chunks: Sequence[str], starts: Sequence[int]
                   ) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
    """`_words_of` of each chunk, the chunks segmented a batch at a time."""
    from .wordseg import word_tokenize_many

    found: list[tuple[tuple[str, ...], tuple[int, ...]]] = []
    first = 0
    while first < len(chunks):
        last, size = first, 0
        while last < len(chunks) and (last == first or size + len(chunks[last]) <= _BATCH_CHARS):
            size += len(chunks[last])
            last += 1
        tokens = word_tokenize_many(chunks[first:last])
        found += [_words_of(chunk, start, words)
                  for chunk, start, words in zip(chunks[first:last], starts[first:last], tokens,
                                                 strict=True)]
        first = last
    return found


def _words_of(chunk: str, start: int, tokens: Sequence[str]
              ) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Words of `chunk` (underthesea's `tokens` of it) with offsets into it; `start` only
    places errors in the document."""
    words: list[str] = []
    starts: list[int] = []
    pos = 0
    for token in tokens:
        # Most words stand right where the last one ended, or after one space.
        at = pos if chunk.startswith(token, pos) else pos + 1 if (
            chunk.startswith(" ", pos) and chunk.startswith(token, pos + 1)) else -1
        if at >= 0 and "\n" not in token:
            words.append(token)
            starts.append(at)
            pos = at + len(token)
            continue
        first = None
        for syllable in token.split(" "):
            found = chunk.find(syllable, pos)
            if found < 0 or chunk[pos:found].strip():
                raise AlignmentError(
                    f"token {token!r} does not match the text at offset {start + pos}: "
                    f"{chunk[pos:pos + 30]!r}"
                )
            first = found if first is None else first
            pos = found + len(syllable)
        assert first is not None
        piece = chunk[first:pos]
        if "\n" in piece:  # never let one word straddle a line break
            for part in re.finditer(r"\S+", piece):
                words.append(part.group(0))
                starts.append(first + part.start())
        else:
            words.append(piece)
            starts.append(first)
    if chunk[pos:].strip():
        raise AlignmentError(f"tokens stop before the end of the clause: {chunk[pos:]!r}")
    return tuple(words), tuple(starts)


@dataclass
class _Outline:
    """The headings above the current line."""

    stack: list[tuple[int, str]] = field(default_factory=list)  # (level, heading text)

    @property
    def section(self) -> str:
        return self.stack[-1][1] if self.stack else ""

    @property
    def path(self) -> str:
        return " > ".join(title for _, title in self.stack)

    def enter(self, level: int, heading: str) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, heading))


def segment_document(doc: Document, params: SegmentParams = SegmentParams(),
                     memo: Memo | None = None, model: HeadingModel | None = None
                     ) -> list[Clause]:
    """Split one cleaned document into clauses with sections, words and offsets.

    Headings and their levels come from the heading model (`structure`); the clauses under a
    heading get it as their section until the next heading of the same or a higher level.

    Args:
        memo: words of clause texts seen before (`memo.Memos.tokens`), if any.
        model: the heading model to use instead of the committed one (training, tests).

    Examples:
        >>> from pipeline.records import Document
        >>> d = Document("x", "x.txt", "", "1. Thời gian lưu trữ\\nDữ liệu được lưu 24 tháng.")
        >>> [(c.kind, c.section, c.text) for c in segment_document(d)]
        [('heading', '1. Thời gian lưu trữ', '1. Thời gian lưu trữ'), \
('sentence', '1. Thời gian lưu trữ', 'Dữ liệu được lưu 24 tháng.')]
    """
    text = doc.text
    if unicodedata.normalize("NFC", text) != text:
        raise AlignmentError(f"{doc.doc_id}: text is not NFC; run the clean stage first")
    places: list[tuple[int, int, str, str, str, int]] = []  # span, kind, section, path, level
    outline = _Outline()
    units = structure_lines(text)
    levels = (model or load_heading_model()).predict(units) if units else []
    for unit, level in zip(units, levels, strict=True):
        if level is not None:
            outline.enter(level, text[unit.start : unit.end])
        places += [(a, b, kind, outline.section, outline.path,
                    level if kind == "heading" and level else 0)
                   for a, b, kind in _unit_clauses(text, unit, level, params)]
    words = tokenize_spans(text, [(a, b) for a, b, *_ in places], memo)
    return [Clause(doc.doc_id, i, section, text[a:b], a, b, tokens, starts, kind, path, level)
            for i, ((a, b, kind, section, path, level), (tokens, starts))
            in enumerate(zip(places, words, strict=True))]


def _unit_clauses(text: str, unit: Line, level: int | None, params: SegmentParams
                  ) -> list[tuple[int, int, str]]:
    """The clause spans of one candidate line and their kind: a heading is one clause, a
    bullet or numbered item is cut only if overlong, a paragraph is cut into sentences, a
    label joined to the lines going on with it is the clauses of those lines."""
    if level is not None:
        return [(unit.start, unit.end, "heading")]
    if unit.lines:  # a label that is no heading keeps the clauses of its lines
        return [span for line in unit.lines for span in _unit_clauses(text, line, None, params)]
    if unit.text.startswith("- ") or NUMBERING_RE.match(unit.text) or "\n" in text[
            unit.start : unit.end]:
        return [(a, b, "bullet") for a, b in _split_long(text, unit.start, unit.end, params)]
    spans = [(unit.start + a, unit.start + b) for a, b in split_sentences(unit.text)]
    return [(a, b, "sentence") for start, end in spans
            for a, b in _split_long(text, start, end, params)]


def _split_long(text: str, start: int, end: int, params: SegmentParams) -> list[tuple[int, int]]:
    """Cut a runaway clause (a whole page on one line) at spaces, so no clause is unbounded."""
    spans = []
    while end - start > params.max_clause_chars:
        cut = text.rfind(" ", start, start + params.max_clause_chars)
        cut = cut if cut > start else start + params.max_clause_chars
        spans.append((start, cut))
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    spans.append((start, end))
    return spans
