"""The one place a spaCy pipeline is assembled: blank Vietnamese, underthesea words, and the
cue matcher whose patterns live in `extract/patterns/*.jsonl` (one file per label)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..errors import AlignmentError
from ..records import Clause

PATTERNS_DIR = Path(__file__).parent / "patterns"
CUES_KEY = "cues"
PHRASE_ATTRS = ("LOWER", "ORTH")


def segmentations(phrase: str, lower: bool = True) -> Iterator[list[str]]:
    """Every way to group a phrase's syllables into words ("khiếu nại" -> ["khiếu nại"] and
    ["khiếu", "nại"]): underthesea's segmentation depends on context, so a pattern must match
    whichever one it picks. In lower case unless `lower` is false.

    Examples:
        >>> list(segmentations("lưu trữ"))
        [['lưu trữ'], ['lưu', 'trữ']]
    """
    syllables = (phrase.lower() if lower else phrase).split()
    for cuts in itertools.product((False, True), repeat=len(syllables) - 1):
        words, current = [], [syllables[0]]
        for syllable, cut in zip(syllables[1:], cuts, strict=True):
            if cut:
                words.append(" ".join(current))
                current = [syllable]
            else:
                current.append(syllable)
        words.append(" ".join(current))
        yield words


def load_patterns(patterns_dir: Path = PATTERNS_DIR) -> list[dict]:
    """Pattern rows `{id, label, phrase | phrases | pattern}` (and `attr` for phrases) from
    every JSONL file, in file order."""
    rows = []
    for path in sorted(patterns_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


class CueMatcher:
    """Marks cue phrases ("khiếu nại", "lưu trữ", "rò rỉ") as `doc.spans["cues"]`, labelled
    by category; extractors read clause context from them instead of from raw strings.

    Phrases go to a `PhraseMatcher` on LOWER, or on ORTH for a row with `"attr": "ORTH"`
    ("T2" but not "t2"): hash look-ups, fast with many segmentation variants. Token patterns
    (`"pattern"` rows) go to a `Matcher`, which reads every token in Python: ten times the
    time of a phrase, so a pattern that lists exact words is better written as phrases."""

    def __init__(self, vocab: Vocab, patterns_dir: Path = PATTERNS_DIR):
        self.phrases = {attr: PhraseMatcher(vocab, attr=attr) for attr in PHRASE_ATTRS}
        self.matcher = Matcher(vocab, validate=True)
        self.labels: dict[str, str] = {}
        self.gates: list[tuple[str, ...]] | None = []
        for row in load_patterns(patterns_dir):
            if "pattern" in row:
                self.matcher.add(row["id"], [row["pattern"]])
                self.gates = _add_gate(self.gates, row["pattern"])
            else:
                attr = row.get("attr", "LOWER")
                self.phrases[attr].add(row["id"], [
                    Doc(vocab, words=words)
                    for phrase in row.get("phrases") or [row["phrase"]]
                    for words in segmentations(phrase, lower=attr == "LOWER")])
            self.labels[row["id"]] = row["label"]

    def __call__(self, doc: Doc) -> Doc:
        matchers = [*self.phrases.values()]
        if len(self.matcher) and self._may_match(doc.text):
            matchers.append(self.matcher)
        found = [match for matcher in matchers if len(matcher) for match in matcher(doc)]
        spans = [Span(doc, start, end, label=self.labels[doc.vocab.strings[match_id]])
                 for match_id, start, end in found]
        doc.spans[CUES_KEY] = sorted(spans, key=lambda s: (s.start, s.end, s.label_))
        return doc


    def _may_match(self, text: str) -> bool:
        """Whether some token pattern could match: all its required words are in the text.
        Reading every token in Python costs the `Matcher` a third of the cue step, and most
        texts hold none of its words."""
        if self.gates is None:
            return True
        lowered = text.lower()
        return any(all(word in lowered for word in gate) for gate in self.gates)


def _add_gate(gates: list[tuple[str, ...]] | None, pattern: list[dict]
              ) -> list[tuple[str, ...]] | None:
    """`gates` with the lower-case words a token pattern needs at least once (tokens with
    only a `LOWER` string, matched once or more); None when the pattern needs none, so that
    every text is matched. A token's LOWER is a substring of the text's, as `str.lower` maps
    one character at a time (but for a Greek final sigma, so words with sigma are no gate)."""
    words = tuple(token["LOWER"] for token in pattern
                  if set(token) <= {"LOWER", "OP"} and isinstance(token.get("LOWER"), str)
                  and token.get("OP", "1") in ("1", "+") and not {"σ", "ς"} & set(token["LOWER"]))
    return None if gates is None or not words else [*gates, words]


@Language.factory("vnpolicy_cues", default_config={"patterns_dir": str(PATTERNS_DIR)})
def make_cue_matcher(nlp: Language, name: str, patterns_dir: str) -> CueMatcher:
    return CueMatcher(nlp.vocab, Path(patterns_dir))


@lru_cache(maxsize=1)
def build_nlp(patterns_dir: str = str(PATTERNS_DIR)) -> Language:
    """A blank Vietnamese `Language` with the cue matcher; needs no pyvi, downloads nothing.

    Docs are not made by its tokenizer: `doc_from_words` builds them from underthesea's
    words, so token offsets are the dataset's offsets; `annotate` runs the components.
    """
    import spacy

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.add_pipe("vnpolicy_cues", config={"patterns_dir": patterns_dir})
    return nlp


def annotate(doc: Doc) -> Doc:
    """Run the pipeline's components over a Doc built from underthesea words."""
    for _, component in build_nlp().pipeline:
        doc = component(doc)
    return doc


def get_vocab() -> Vocab:
    """The shared vocabulary every `Doc` of a run is built on."""
    return build_nlp().vocab


def words_and_spaces(words: Sequence[str], text: str) -> tuple[list[str], list[bool]]:
    """`spacy.util.get_words_and_spaces`, the same tokens and spaces, in linear time: spaCy
    slices the rest of the text for every word (`text[pos:].index(word)`), which made a
    10 MB policy take ten minutes and a 20 MB one never finish.

    Raises:
        ValueError: the words do not occur in `text` in order.

    Examples:
        >>> words_and_spaces(["Dữ liệu", "được", "lưu"], "Dữ liệu  được lưu")
        (['Dữ liệu', ' ', 'được', 'lưu'], [True, False, True, False])
    """
    if "".join("".join(words).split()) != "".join(text.split()):
        raise ValueError("the words' letters are not the text's")
    tokens: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for word in words:
        if word.isspace():
            continue
        start = text.find(word, pos)
        if start < 0:
            raise ValueError(f"word {word[:30]!r} not found after offset {pos}")
        if start > pos:
            tokens.append(text[pos:start])
            spaces.append(False)
        tokens.append(word)
        pos = start + len(word)
        spaces.append(text[pos : pos + 1] == " ")
        pos += spaces[-1]
    if pos < len(text):
        tokens.append(text[pos:])
        spaces.append(False)
    return tokens, spaces


def doc_from_words(words: Sequence[str], text: str) -> Doc:
    """A `Doc` whose tokens are `words` (underthesea's) and whose text is exactly `text`:
    what lies between the words becomes spaces or whitespace tokens.

    Raises:
        AlignmentError: the words do not occur in `text` in order.
    """
    try:
        tokens, spaces = words_and_spaces(words, text)
    except ValueError as err:
        raise AlignmentError(f"words do not rebuild the text: {err}") from err
    return Doc(get_vocab(), words=tokens, spaces=spaces)


def doc_from_clauses(text: str, clauses: Sequence[Clause]) -> Doc:
    """A `Doc` over a whole cleaned text from its clauses' words; text outside any clause is
    split at whitespace, so `doc.text == text` and character offsets are the dataset's."""
    words: list[str] = []
    covered = 0
    for clause in clauses:
        for word, begin in zip(clause.tokens, clause.token_starts, strict=True):
            words.extend(text[covered:begin].split())  # text outside any clause
            words.append(word)
            covered = begin + len(word)
    words.extend(text[covered:].split())
    return doc_from_words(words, text)
