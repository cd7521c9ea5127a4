"""Word segmentation with underthesea's own CRF model, without its feature strings.

underthesea's `word_tokenize` spends most of its time building 43 attribute strings per
syllable (`CRFFeaturizer`) and hashing them back to weights (`CRFTagger`). A state feature's
weight depends only on the n-gram its template reads, so the weights are laid out once as
arrays (`wordseg_tables`), a clause's scores are gathered from them with a handful of numpy
calls, and a two-label Viterbi picks the tags. The regular-expression tokenizer and its
character normalisation stay underthesea's (its pattern, its normaliser), so the words are the
same: the tests compare them with `underthesea.word_tokenize` on every line of the corpus and
on random strings.

The arrays are derived from the installed model (never shipped: it is GPL-3.0), built at first
use into `config.USER_CACHE_DIR`, keyed by the sha256 of the model files. When those files are
not the ones this module was checked against (`PINNED_SHA256`), it falls back to underthesea.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import re
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType

import numpy as np

from . import config
from .crfsuite import CRFsuiteFormatError
from .wordseg_tables import (
    BLOCKS,
    KINDS,
    SLOTS,
    UnsupportedModelError,
    build_arrays,
    outside_row,
)

logger = logging.getLogger(__name__)

MODEL_NAME = "ws_crf_vlsp2013_20230727"
# The files of underthesea 9.5.0's word segmentation model whose feature semantics this module
# reproduces (the `CRFFeaturizer` of underthesea_core 3.3.2); any other model falls back.
PINNED_SHA256 = {
    "models.bin": "c3a64c64349f1d73304f89babacaa8f8cd6078b1ec1a1b2c104e9e411ac1d2c3",
    "features.bin": "cf93263c7c7973bf50122b0be76a394443ff61be00c1368713dee1b7d5b8a435",
    "dictionary.bin": "ec8c62b3881c6682c18959988e1fe08800cc835777778845bded470ca02745d9",
}
# ... and the version of underthesea_core whose featurizer and Viterbi it reproduces.
UNDERTHESEA_CORE = "3.3.2"
TABLES_FORMAT = 5  # bump when `wordseg_tables` lays the arrays out differently
_I32 = re.compile(r"[+-]?[0-9]+")
_TOKENS_MAX = 200_000  # distinct tokens remembered per process: tens of MB at most
_LAYOUTS_MAX = 256  # clause lengths whose gather layout is kept


def is_i32(token: str) -> bool:
    """underthesea_core's `isdigit`: the text parses as a Rust `i32` (sign allowed, ASCII
    digits, no overflow), which is neither `str.isdigit` nor `str.isdecimal`.

    Examples:
        >>> [is_i32(t) for t in ("2024", "+84", "-1", "²", "2147483648", "1.5")]
        [True, True, True, False, False, False]
    """
    return bool(_I32.fullmatch(token)) and -(2**31) <= int(token) < 2**31


def is_title(token: str) -> bool:
    """underthesea_core's `istitle` of one syllable: its first character is unchanged by
    upper-casing ("CHÍNH", "1", "(A" are title; "x.Y" is not), not `str.istitle`."""
    return token[:1].upper() == token[:1]


class Segmenter:
    """The model's weights as arrays and the per-clause scoring over them.

    A clause of n tokens becomes a vector of row numbers: per token the rows its 1-gram
    templates read, per 2- and 3-gram the rows of its exact and lower-case keys, of its
    dictionary membership and of its title flag, then constant rows (zeros, `BOS`, `EOS`).
    `_layout(n)` says which of those each (template, position) reads, so one gather gives
    every template's weights and a sum over templates, in their order, every score.
    """

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        text = str(arrays["vocab_text"][()])
        ends = arrays["vocab_ends"].tolist()
        vocab = [text[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
        self.ids = dict(zip(vocab, range(len(vocab)), strict=True))
        self.unknown = len(vocab)
        self.base = len(vocab) + 1
        self.radix = 2 * self.base + 1
        self.one_syllable_words = arrays["one_syllable_words"].tolist()
        self.keys = arrays["keys"]
        sentinel = len(self.keys) - 1
        self.absent = (sentinel + 1, sentinel + 2, sentinel + 3)  # exact, lower 2-, 3-gram
        # Row numbers are kept times SLOTS: row r, slot s is entry r * SLOTS + s of `table`.
        self.primary = arrays["primary"] * SLOTS
        self.in_dict = arrays["in_dict"] * SLOTS
        table = arrays["table"]  # row, slot, label
        self.table = table.reshape(-1, table.shape[2])
        self.blocks = {name: start * SLOTS
                       for name, start in zip(BLOCKS, arrays["blocks"].tolist(), strict=True)}
        self.templates = [(KINDS[kind], first, last)
                          for kind, first, last in arrays["templates"].tolist()]
        outside = 2 * 3 * len(KINDS)  # BOS and EOS rows per kind and n-gram size
        self.constants = np.array([0] + [self.blocks["outside"] + SLOTS * row
                                         for row in range(outside)], dtype=np.int64)
        trans = arrays["transition"].tolist()
        self.trans = (trans[0][0], trans[1][0], trans[0][1], trans[1][1])
        self.inside = int(arrays["inside"])
        # Left to underthesea: a space (never in a token from the regex tokenizer; its
        # featurizer would panic), lone surrogates (which it refuses) and the characters its
        # Unicode version cases otherwise.
        unsure = [" ", *map(chr, arrays["case_disagreements"].tolist())]
        self.unsure = re.compile("[\ud800-\udfff" + "".join(map(re.escape, unsure)) + "]")
        self.tokens: dict[str, int] = {}  # token -> its row in `records`
        self.records = np.zeros((1024, 8), dtype=np.int64)
        self.lock = threading.Lock()
        self.layouts: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def token(self, token: str) -> int:
        """Row of the token in `records`: exact and lower-case key ids, the rows of the 1-gram
        templates, the title flag (as 0 or SLOTS)."""
        found = self.tokens.get(token)
        if found is None:
            found = len(self.tokens)
            if found == len(self.records):
                self.records = np.concatenate((self.records, np.zeros_like(self.records)))
            exact = self.ids.get(token, self.unknown)
            lower = self.ids.get(token.lower(), self.unknown)
            title = int(is_title(token))
            blocks = self.blocks
            self.records[found] = (
                exact + 1, self.base + 1 + lower,
                blocks["exact1"] + SLOTS * exact, blocks["lower1"] + SLOTS * lower,
                blocks["isdigit1"] + SLOTS * is_i32(token), blocks["istitle1"] + SLOTS * title,
                blocks["is_in_dict1"] + SLOTS * self.one_syllable_words[lower], SLOTS * title,
            )
            self.tokens[token] = found
        return found

    def tag(self, clauses: Sequence[Sequence[str]]) -> list[list[int]]:
        """Label ids of the tokens of each clause: the best path under the model."""
        scores = self.scores(clauses)
        paths, at = [], 0
        for clause in clauses:
            paths.append(_viterbi(scores[at : at + len(clause)], self.trans) if clause else [])
            at += len(clause)
        return paths

    def scores(self, clauses: Sequence[Sequence[str]]) -> list[list[float]]:
        """Per position of the clauses' tokens, one after the other, the score of each label
        (emission scores, as underthesea's for each clause alone): n-grams are read across
        the whole run of tokens, and templates reaching past a clause's edges read its
        `BOS`/`EOS` rows instead."""
        tokens = [token for clause in clauses for token in clause]
        n = len(tokens)
        if not n:
            return []
        with self.lock:  # rows are handed out to new tokens one at a time
            if len(self.tokens) + n > _TOKENS_MAX:  # never midway through a call
                self.tokens.clear()
            at = np.fromiter(map(self.token, tokens), dtype=np.int64, count=n)
            found = self.records[at]  # after `token`, which may have grown `records`
        gather, slots, absent = self._layout([len(clause) for clause in clauses if clause])
        ids = found[:, :2]
        keys2 = ids[:-1] * self.radix + ids[1:]
        keys3 = keys2[:-1] * self.radix + ids[2:]
        queries = np.concatenate((keys2, keys3)).ravel()
        at = self.keys.searchsorted(queries)
        at = np.where(self.keys[at] == queries, at, absent)
        title = found[:, 7]
        title2 = title[:-1] & title[1:]
        title3 = title2[:-1] & title[2:]
        rows = np.concatenate((found[:, 2:7].ravel(), self.primary[at], self.in_dict[at],
                               title2 + self.blocks["istitle2"],
                               title3 + self.blocks["istitle3"], self.constants))
        # summed over templates in their order, as underthesea_core adds them up
        return self.table[rows[gather] + slots].sum(axis=0).tolist()

    def _layout(self, sizes: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For clauses of these numbers of tokens, one after the other: the row each
        (template, position) reads, the templates' slot offsets, and where absent n-grams
        look their rows up. Kept for a single clause's length."""
        key = sizes[0] if len(sizes) == 1 else None
        layout = self.layouts.get(key) if key is not None else None
        if layout is None:
            n = sum(sizes)
            count2, count3 = max(n - 1, 0), max(n - 2, 0)
            absent = np.array([self.absent[0], self.absent[1]] * count2
                              + [self.absent[0], self.absent[2]] * count3, dtype=np.int64)
            gather = _template_rows(self.templates, np.array(sizes, dtype=np.int64))
            slots = np.array([first + 2 for _, first, _ in self.templates],
                             dtype=np.int64)[:, None]
            layout = (gather, slots, absent)
            if key is not None and key <= _LAYOUTS_MAX:
                self.layouts[key] = layout
        return layout


def _template_rows(templates: list[tuple[str, int, int]], sizes: np.ndarray) -> np.ndarray:
    """Index in the row vector of clauses of `sizes` tokens, one after the other, of what
    each template reads at each position.

    The row vector: 5 rows per token (exact, lower, isdigit, istitle, is_in_dict), the
    primary then the dictionary rows of the 2-gram then 3-gram keys (exact, lower-case
    interleaved), the 2-gram and 3-gram title rows, the zero row and the `outside` rows. A
    template that reaches before its clause's first token reads `BOS`, past its last `EOS`."""
    n = int(sizes.sum())
    count2, count3 = max(n - 1, 0), max(n - 2, 0)
    keyed = 5 * n
    queries = 2 * count2 + 2 * count3
    titles = keyed + 2 * queries
    constants = titles + count2 + count3
    where = {  # (size, kind) -> first index, stride
        (1, "exact"): (0, 5), (1, "lower"): (1, 5), (1, "isdigit"): (2, 5),
        (1, "istitle"): (3, 5), (1, "is_in_dict"): (4, 5),
        (2, "exact"): (keyed, 2), (2, "lower"): (keyed + 1, 2), (2, "istitle"): (titles, 1),
        (2, "is_in_dict"): (keyed + queries + 1, 2),
        (3, "exact"): (keyed + 2 * count2, 2), (3, "lower"): (keyed + 2 * count2 + 1, 2),
        (3, "istitle"): (titles + count2, 1),
        (3, "is_in_dict"): (keyed + queries + 2 * count2 + 1, 2),
    }
    firsts = np.array([first for _, first, _ in templates])[:, None]
    lasts = np.array([last for _, _, last in templates])[:, None]
    spec = [(kind, last - first + 1) for kind, first, last in templates]
    start, stride = np.array([where[(size, kind)] for kind, size in spec]).T[:, :, None]
    bos, eos = (np.array([[constants + 1 + outside_row(kind, size, eos=edge)]
                          for kind, size in spec]) for edge in (False, True))
    rows = (start + stride * firsts) + stride * np.arange(n)
    # Only positions this close to their clause's first or last token can read outside it.
    before, after = max(0, -int(firsts.min())), max(0, int(lasts.max()))
    ends = np.cumsum(sizes)
    edges = np.unique(np.clip(np.concatenate(
        [ends - sizes + k for k in range(before)] + [ends - 1 - k for k in range(after)]
        + [np.zeros(0, dtype=np.int64)]), 0, n - 1))
    clause = np.searchsorted(ends, edges, side="right")
    near = np.where(edges + lasts >= ends[clause], eos, rows[:, edges])
    rows[:, edges] = np.where(edges + firsts < ends[clause] - sizes[clause], bos,
                              near)  # checked first: BOS wins
    return rows


def _viterbi(scores: list[list[float]], trans: tuple[float, float, float, float]) -> list[int]:
    """Best two-label path, computed as underthesea_core's Viterbi does (same additions, in
    the same order; ties go to the lower label), so even exact ties come out the same."""
    t00, t10, t01, t11 = trans
    best0, best1 = scores[0]
    back: list[tuple[bool, bool]] = []
    for emit0, emit1 in scores[1:]:
        stay0, from1 = best0 + t00, best1 + t10
        from0, stay1 = best0 + t01, best1 + t11
        into0, into1 = from1 > stay0, stay1 > from0
        back.append((into0, into1))
        best0 = (from1 if into0 else stay0) + emit0
        best1 = (stay1 if into1 else from0) + emit1
    label = int(best1 > best0)
    path = [label]
    for choice in reversed(back):
        label = int(choice[label])
        path.append(label)
    path.reverse()
    return path


def word_tokenize(text: str) -> list[str]:
    """`underthesea.word_tokenize(text, use_token_normalize=False)`, computed faster.

    Words are syllables joined by single spaces, as underthesea returns them.

    Examples:
        >>> word_tokenize("Dữ liệu cá nhân được bảo mật.")
        ['Dữ liệu', 'cá nhân', 'được', 'bảo mật', '.']
    """
    return word_tokenize_many([text])[0]


def word_tokenize_many(texts: Sequence[str]) -> list[list[str]]:
    """`word_tokenize` of each text, the texts scored together (numpy's cost per call is
    paid once for all of them, not once per clause)."""
    segmenter = load_segmenter()
    if segmenter is None:
        return [_underthesea_word_tokenize()(text, use_token_normalize=False)
                for text in texts]
    tokenized = [regex_tokenize(text) for text in texts]
    unsure = [bool(tokens) and bool(segmenter.unsure.search("".join(tokens)))
              for tokens in tokenized]
    labels = iter(segmenter.tag([tokens for tokens, left in zip(tokenized, unsure, strict=True)
                                 if not left]))
    return [_underthesea_word_tokenize()(text, use_token_normalize=False) if left
            else _joined(tokens, next(labels), segmenter.inside)
            for text, tokens, left in zip(texts, tokenized, unsure, strict=True)]


def _joined(tokens: Sequence[str], labels: Sequence[int], inside: int) -> list[str]:
    """Syllables joined into words: an `inside` label continues the word before it."""
    words: list[str] = []
    for token, label in zip(tokens, labels, strict=True):
        if label == inside and words:
            words[-1] = f"{words[-1]} {token}"
        else:
            words.append(token)
    return words


def regex_tokenize(text: str) -> list[str]:
    """underthesea's regex tokenizer, `tokenize(text, use_token_normalize=False,
    fixed_words=[])`: its character normalisation, then its pattern's matches.

    underthesea reads each match's token off the first named group that matched, scanning
    every group per token (most of the tokenizer's time). Where each alternative of its
    pattern is one named group, as in 9.5, that group is the whole match, so the token is
    `group(0)`; any other pattern is read underthesea's way.

    Examples:
        >>> regex_tokenize("Liên hệ: hotro@congty.vn, 0901-234-567.")
        ['Liên', 'hệ', ':', 'hotro@congty.vn', ',', '0901-234-567', '.']
    """
    module = _regex_module()
    pattern = module.patterns  # underthesea's global: recompiled when given fixed words
    if not _alternatives_are_named_groups(pattern):
        return module.tokenize(text, use_token_normalize=False, fixed_words=[])
    return [match.group() for match in
            _with_lower_runs(pattern).finditer(module.normalize_characters_in_text(text))]


# A run of lower-case Vietnamese letters followed by a space, the text's end or one of
# , ; ( ) ! ? " “ ” … is one `word` token under underthesea 9.5's pattern: every alternative
# tried before `word` needs a digit, a capital, or one of . - : / _ + @ ' ’ = > < ♥ ° among its
# first characters, and `\w+` ends the token where the run ends. Tried first, the run skips
# those ~20 alternatives (most tokens are such runs). Proven for that pattern only, so any
# other pattern is used as it is.
_LOWER_RUN = ("(?P<lower_run>[a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụ"
              "ưừứửữựỳýỷỹỵ]+(?=[\\s,;()!?\"“”…]|\\Z))")
_PATTERN_SHA256 = "ed7f6df4bba1133b1fd2baf02d612b7ef6912f0460f7a8166bd6b4aa8f072d25"


@lru_cache(maxsize=4)
def _with_lower_runs(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """underthesea 9.5's pattern with `_LOWER_RUN` tried first; any other pattern as is."""
    if hashlib.sha256(pattern.pattern.encode()).hexdigest() != _PATTERN_SHA256:
        return pattern
    return re.compile(f"{_LOWER_RUN}|{pattern.pattern}", pattern.flags)


@lru_cache(maxsize=1)
def _regex_module() -> ModuleType:
    from underthesea.pipeline.word_tokenize import regex_tokenize

    return regex_tokenize


@lru_cache(maxsize=4)
def _alternatives_are_named_groups(pattern: re.Pattern[str]) -> bool:
    """Whether `pattern` is one group around alternatives that are each a single named
    group: then the first named group that matched spans the whole match."""
    try:
        import re._parser as parser  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse as parser  # type: ignore[no-redef]

    try:
        return _whole_match_groups(parser, pattern)
    except (AttributeError, IndexError, TypeError, ValueError):  # another Python's parser
        return False


def _whole_match_groups(parser: ModuleType, pattern: re.Pattern[str]) -> bool:
    named = set(pattern.groupindex.values())
    items = list(parser.parse(pattern.pattern, pattern.flags))
    if len(items) != 1 or items[0][0] is not parser.SUBPATTERN:
        return False
    inner = list(items[0][1][-1])
    if len(inner) != 1 or inner[0][0] is not parser.BRANCH:
        return False
    return all(len(alternative) == 1 and alternative[0][0] is parser.SUBPATTERN
               and alternative[0][1][0] in named for alternative in inner[0][1][1])


@lru_cache(maxsize=1)
def _underthesea_word_tokenize() -> Callable[..., list[str]]:
    from underthesea import word_tokenize as underthesea_word_tokenize

    return underthesea_word_tokenize


def model_dir() -> Path:
    """Where the installed underthesea keeps its word segmentation model."""
    import underthesea.pipeline.word_tokenize as package

    return Path(package.__file__).parent / "models" / MODEL_NAME


@lru_cache(maxsize=1)
def load_segmenter() -> Segmenter | None:
    """The weight arrays, from the cache or built now; None means use underthesea itself
    (logged once: the installed model is not the pinned one, or cannot be read)."""
    folder = model_dir()
    try:
        pins = {name: _sha256(folder / name) for name in PINNED_SHA256}
        pins["underthesea_core"] = version("underthesea_core")
    except (OSError, PackageNotFoundError) as err:
        logger.warning("word segmentation falls back to underthesea: %s", err)
        return None
    if pins != {**PINNED_SHA256, "underthesea_core": UNDERTHESEA_CORE}:
        logger.warning("word segmentation falls back to underthesea: the model in %s or "
                       "underthesea_core %s is not what this version was checked against",
                       folder, pins["underthesea_core"])
        return None
    key = hashlib.sha256(repr((TABLES_FORMAT, sorted(pins.items()))).encode()).hexdigest()
    try:
        return Segmenter(_cached_arrays(folder, key[:24]))
    except (UnsupportedModelError, CRFsuiteFormatError, pickle.UnpicklingError) as err:
        logger.warning("word segmentation falls back to underthesea: %s", err)
        return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cache_path(key: str) -> Path:
    """Where the arrays of the model with this key are kept."""
    return Path(config.USER_CACHE_DIR) / f"wordseg-{key}.npz"


def _cached_arrays(folder: Path, key: str) -> dict[str, np.ndarray]:
    """Arrays from the cache; built (and saved, when the folder is writable) when missing or
    unreadable."""
    from .io import load_arrays, save_arrays

    path = cache_path(key)
    arrays = load_arrays(path)
    if arrays is not None:
        return arrays
    arrays = build_arrays(folder)
    try:
        save_arrays(path, arrays)
    except OSError as err:
        logger.info("word segmentation arrays kept in memory: cannot write %s (%s)", path, err)
    return arrays
