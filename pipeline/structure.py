"""Which lines of a policy are headings, learned from annotated lines, and their levels.

A list of patterns fits the policies it was written on: headings in Title Case, as questions,
in Markdown, in capitals or unnumbered between paragraphs are missed on others. Here each
candidate line is described by its shape (numbering, casing, length, punctuation), its words,
its place in the document and what follows it, and a logistic regression trained on the gold
headings (`data/annotated/headings.jsonl`) decides whether it is a heading. Levels follow
from the headings' styles in document order (`heading_levels`), as a reader infers them.

The fitted weights are saved as plain JSON (`models/heading_model.json`): a linear model is a
table of weights, so loading it runs no code and takes milliseconds, and inference here gives
the probabilities scikit-learn gives (a test checks it).
"""

from __future__ import annotations

import json
import math
import operator
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import islice, repeat
from pathlib import Path

from .config import HEADING_MODEL_PATH
from .errors import ModelNotFoundError

NUMBERING_RE = re.compile(
    r"^(?P<num>(?:(?:chương|phần|mục|điều|article|section|part)\s+[0-9ivxlc]+[.:)]?"
    r"|[IVXLC]{1,6}[.)/]|[0-9]{1,2}(?:[./][0-9]{1,2}){0,3}[.)/]?|[0-9]{1,2}-"
    r"|[A-HĐa-hđ][.)/]|\([0-9]{1,2}\)|\([a-hđ]\)))(?:(?<=[.):/-])\s*|\s+)(?=\S)",
    re.I,
)
BARE_NUMBER_RE = re.compile(r"^(?:#{1,6}\s+)?(?:[0-9]{1,2}(?:[./][0-9]{1,2}){0,3}[.)/]?"
                            r"|[IVXLC]{1,6}[.)]|[A-HĐa-hđ][.)])$")
_MARKDOWN_RE = re.compile(r"^(#{1,6})\s")
_WORD_RE = re.compile(r"[^\W\d_]+")
_QUESTION_RE = re.compile(r"(?:^|\s)(?:bao lâu|như thế nào|là gì|gì|ai|nào|tại sao|khi nào|"
                          r"ở đâu|bằng cách nào|ra sao)\s*\??$", re.I)
LEVELS = (1, 2, 3, 4)
_TEMPLATE_REST_WORDS = 8  # "... thông tin cá nhân của khách hàng" after the template's words
_PREDICATE_RE = re.compile(r"(?<!\w)(?:là|chỉ|sẽ|được|để|nhằm|không|phải|cần|gồm)(?!\w)")
_TEMPLATE_MAX_WORDS = 45  # "Địa chỉ của đơn vị ..., bao gồm cách thức liên lạc ..." runs to ~40
_TITLE_MIN_WORDS = 4  # a line reciting a template title: at least "Phạm vi sử dụng thông tin"
_TITLE_SHARE = 0.75  # of its words in the title, in order ("Thành viên" for "người tiêu dùng")


@dataclass
class Line:
    """A candidate unit of structure: a line, or a piece of a long line, with its offsets."""

    start: int
    end: int
    text: str
    lines: tuple[Line, ...] = ()  # a label and the lines that go on with it, as scraped



# Where a policy scraped onto one long line starts a section: after a sentence end, a
# numbering ("4.", "IV.", "E.", "Điều 5") then a capital ("... hủy bỏ. 4. Những người ...",
# "... cá nhân. E. Phương thức và công cụ ..."); a two-level number before a capital anywhere
# ("... thông tin 2.1 Mục đích ..."); a run of capitals after a sentence end ("... vụ lợi.
# MỤC TIÊU KÊU GỌI GÂY QUỸ Với ...").
_INLINE_CUT_RES = (
    re.compile(r"(?<=[.!?;:…])\s+(?=(?:\d{1,2}(?:\.\d{1,2})*\.|[IVX]{1,4}\.|[A-HĐ]\.|"
               r"Điều\s+\d{1,2}\.?)\s+[^\W\d_])"),
    re.compile(r"\s+(?=\d{1,2}\.\d{1,2}\.?\s+[^\W\d_])"),
    re.compile(r"(?<=[.!?;:…])\s+(?=[^\W\d_]{2,}\s)"),
)
_LONG_LINE = 400
# Words that name the parts of a privacy policy: a sentence-case run before a body reads as
# a heading only with one of them ("2. Phạm vi sử dụng thông tin Thông tin chỉ ...").
_HEADING_CUES = (
    "mục đích", "phạm vi", "thời gian", "lưu trữ", "tiếp cận", "địa chỉ", "phương tiện",
    "công cụ", "cơ chế", "khiếu nại", "cam kết", "bảo mật", "bảo vệ", "quyền", "chính sách",
    "thông tin", "dữ liệu", "liên hệ", "điều khoản", "cookie", "chia sẻ", "thu thập",
    "trách nhiệm", "nghĩa vụ", "hiệu lực", "định nghĩa", "giới thiệu", "sử dụng", "xử lý",
    "an toàn", "tranh chấp", "thay đổi", "đơn vị",
)
_MAX_HEADING_WORDS = 16
_JOINS = frozenset("&/+-–")  # "4. Cookie & Công nghệ theo dõi": the heading goes on


def structure_lines(text: str) -> list[Line]:
    """The candidate lines of a text for heading detection: its non-empty lines (long ones
    cut before inline headings, a heading glued to its body split off), a bare numbering
    line ("2.1.") joined to the line it numbers, a line starting with a colon to the label
    before it.

    Examples:
        >>> [u.text for u in structure_lines("2.1.\\nThời gian lưu trữ\\nLưu 24 tháng.")]
        ['2.1. Thời gian lưu trữ', 'Lưu 24 tháng.']
    """
    units: list[Line] = []
    pending: Line | None = None
    bare_colon = False  # the last unit ends in a colon alone on its line
    for line in _lines(text):
        if BARE_NUMBER_RE.match(line.text) and pending is None:
            pending = line
            continue
        if pending is not None:
            line = Line(pending.start, line.end, f"{pending.text} {line.text}")
            pending = None
        # Text scraped from JSX breaks "Mục đích thu thập: Lý do ..." before the colon and
        # may leave the colon alone on its line: the label goes on, it is no heading.
        joined = units and (line.text.startswith(":") or bare_colon)
        bare_colon = line.text == ":"
        if joined:
            label = units.pop()
            line = Line(label.start, line.end, f"{label.text} {line.text}",
                        (*(label.lines or (label,)), line))
        units.append(line)
    if pending is not None:  # a numbering on the last line numbers nothing
        units.append(pending)
    return units


def _lines(text: str) -> list[Line]:
    lines = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lines.extend(_split_inline(stripped, pos + raw.index(stripped)))
        pos += len(raw) + 1
    return lines


def _split_inline(line: str, offset: int) -> list[Line]:
    """A line cut where inline headings start (long lines only), and a heading split from
    the body glued to it."""
    # A window after each cut, not the rest of the line: a heading's start is a few words (a
    # slice to the end per match is quadratic on a long line of "x. 1. A ").
    cuts = sorted({m.end() for pattern in _INLINE_CUT_RES for m in pattern.finditer(line)
                   if _starts_heading(line[m.end() : m.end() + 100])}
                  ) if len(line) > _LONG_LINE else []
    pieces = []
    for start, end in zip([0, *cuts], [*cuts, len(line)], strict=True):
        piece = line[start:end].rstrip()
        if not piece:
            continue
        body = _heading_end(piece, strict=len(line) <= _LONG_LINE)
        if body:
            heading = piece[:body].rstrip()
            pieces.append(Line(offset + start, offset + start + len(heading), heading))
        pieces.append(Line(offset + start + body, offset + start + len(piece), piece[body:]))
    return pieces


def _is_caps(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _starts_sentence(word: str) -> bool:
    """A capitalised word in sentence case ("Với", "Thông"), not a capitals run."""
    return word[:1].isupper() and word[1:2].islower()


# In a one-line scrape, a numbered item may end a capitals heading ("... Napas. NGUYÊN TẮC HOẠT
# ĐỘNG 1. Ứng dụng ..."), unless the last capital word takes that number ("QUẬN 1.", "ĐIỀU 5.").
_ITEM_NUMBER_RE = re.compile(r"\d{1,2}[.)]")
_TAKES_A_NUMBER = frozenset((
    "quận", "phường", "điều", "mục", "khoản", "phần", "chương", "tầng", "lầu", "số", "lô",
    "bản", "kỳ", "khu", "ngõ", "hẻm", "phòng", "tập", "năm", "tháng", "ngày", "bước"))


def _caps_run(words: list[str], items: bool = False) -> int:
    """How many words at the start are in capitals, when a sentence follows them or (with
    `items`) a numbered item starting with a capital."""
    n = 0
    while n < len(words) and _is_caps(words[n]):
        n += 1
    if n == len(words):
        return 0
    if _starts_sentence(words[n]):
        return n
    item = (items and n + 1 < len(words) and _ITEM_NUMBER_RE.fullmatch(words[n])
            and words[n + 1][:1].isupper() and words[n - 1].lower() not in _TAKES_A_NUMBER)
    return n if item else 0


def _starts_heading(rest: str) -> bool:
    """What follows a cut starts a heading: a numbering then a capital, or capitals."""
    numbering = NUMBERING_RE.match(rest)
    if numbering:
        return rest[numbering.end() :][:1].isupper()
    return _caps_run(rest.split()[:9], items=True) >= 2


def _heading_end(piece: str, strict: bool) -> int:
    """Where the body starts after a heading glued to it, 0 when there is none.

    The heading is a numbering followed by a run of capitals or Title Case words, or (unless
    `strict`) a sentence-case run naming a policy part; the body starts at a capitalised word
    followed by a lower-case one ("1. Chính Sách Nội Dung Ứng dụng ..." -> "Ứng").

    Examples:
        >>> p = "2. Phạm vi sử dụng thông tin Thông tin chỉ được dùng nội bộ."
        >>> p[_heading_end(p, strict=False):]
        'Thông tin chỉ được dùng nội bộ.'
        >>> _heading_end(p, strict=True)
        0
    """
    numbering = NUMBERING_RE.match(piece)
    if not numbering:
        words = piece.split()
        run = _caps_run(words[:9], items=not strict)
        if run < 2:
            return 0
        return len(piece) - len(piece.split(None, run)[-1]) if len(words) > run else 0
    words = list(re.finditer(r"\S+", piece[numbering.end() :]))
    for k in range(1, min(len(words) - 1, _MAX_HEADING_WORDS)):
        word, after = words[k].group(0), words[k + 1].group(0)
        head = [w.group(0) for w in words[:k]]
        if not (word[:1].isupper() and after[:1].islower()) or head[-1] in _JOINS:
            continue
        title = all(w[:1].isupper() or not w[:1].isalpha() for w in head) and len(head) >= 2
        cued = any(cue in " ".join(head).lower() for cue in _HEADING_CUES)
        ends_clause = any(w[-1:] in ",;" for w in head) or head[-1][-1:] == "." and len(
            head[-1]) > 2
        if (title or (cued and not strict)) and not ends_clause:
            return numbering.end() + words[k].start()
        return 0
    return 0


def _numbering_kind(text: str) -> tuple[str, int, int | None]:
    """(kind, depth, last number) of a line's numbering: "2.1." -> ("arabic", 2, 1)."""
    if text.startswith("- "):
        return "bullet", 0, None
    markdown = _MARKDOWN_RE.match(text)
    if markdown:
        return f"markdown{len(markdown.group(1))}", 0, None
    match = NUMBERING_RE.match(text)
    if not match:
        return "none", 0, None
    num = match.group("num").strip().rstrip(".):/-").lstrip("(").lower()
    if re.match(r"^(chương|phần|part)\b", num):
        return "part", 1, None
    if re.match(r"^(điều|article|section|mục)\b", num):
        return "article", 1, None
    if re.fullmatch(r"[ivxlc]+", num):
        return "roman", 1, None
    if re.fullmatch(r"[a-hđ]", num):
        upper = match.group("num").strip()[:1].isupper()
        return ("letter_upper" if upper else "letter_lower"), 1, None
    if match.group("num").startswith("("):
        return "paren", 1, None
    parts = [p for p in re.split(r"[./]", num) if p]
    return "arabic", len(parts), int(parts[-1]) if parts and parts[-1].isdigit() else None


_MARKS_RE = re.compile(r"^(?:- |#{1,6}\s+)")
_DIGIT_RE = re.compile(r"\d")
_CONTACT_RE = re.compile(r"@|https?:|www\.|\.vn\b|\.com\b")
_DATE_RE = re.compile(r"[\d/.\- ]{6,}|.{0,30}\b(?:ngày|tháng|năm)\s+\d.*")


def _body(text: str) -> str:
    """The line without its numbering, Markdown marks or bullet."""
    text = _MARKS_RE.sub("", text)
    match = NUMBERING_RE.match(text)
    return text[match.end() :].lstrip("–—-:. ") if match else text


def _shape(text: str, body: str | None = None) -> dict[str, float]:
    """Features of the line's shape (`body`: `_body(text)`, if known)."""
    body = _body(text) if body is None else body
    words = body.split()
    letters = list(filter(str.isalpha, body))  # C loops: a paragraph is thousands of chars
    capitalised = [w for w in words if w[:1].isupper()]
    end = text.rstrip()[-1:] if text.strip() else ""
    return {
        "n_words": min(len(words), 60) / 60, "few_words": float(len(words) <= 3),
        "short": float(len(words) <= 12), "long": float(len(words) > 25),
        sys.intern(f"ends={end if end in '.:?!;,)' else 'word'}"): 1.0,
        "upper_share": sum(map(str.isupper, letters)) / max(len(letters), 1),
        "all_caps": float(len(letters) >= 4 and all(map(str.isupper, letters))),
        "title_share": len(capitalised) / max(len(words), 1),
        "first_upper": float(body[:1].isupper()), "first_lower": float(body[:1].islower()),
        "colon_inside": float(":" in text.rstrip()[:-1]),
        "question": float(text.rstrip().endswith("?")),
        "question_words": float(bool(_QUESTION_RE.search(body.rstrip()))),
        "has_digit_inside": float(bool(_DIGIT_RE.search(body))),
        "has_email_or_url": float(bool(_CONTACT_RE.search(body))),
        "is_date": float(bool(_DATE_RE.fullmatch(body.lower()))),
    }


@lru_cache(maxsize=1)
def _heading_phrases() -> dict:
    return json.loads((Path(__file__).parent / "heading_phrases.json").read_text(
        encoding="utf-8"))


@lru_cache(maxsize=1)
def _template_re() -> re.Pattern[str]:
    phrases = _heading_phrases()["template"]
    return re.compile("(?:" + "|".join(f"(?:{phrase})" for phrase in phrases) + r")(?!\w)")


@lru_cache(maxsize=1)
def _titles() -> dict[tuple[str, str], list[list[str]]]:
    """The template's section titles as word lists, by their first two words."""
    titles: dict[tuple[str, str], list[list[str]]] = {}
    for title in _heading_phrases()["titles"]:
        words = title.split()
        titles.setdefault((words[0], words[1]), []).append(words)
    return titles


def _recites_title(body: str) -> bool:
    """Whether a lower-case line begins as a template title does and the title holds most
    of its words, in order ("Cơ chế tiếp nhận ... khiếu nại của Thành viên liên quan đến
    việc thông tin cá nhân bị sử dụng sai mục đích"): a heading, however long."""
    words = _WORD_RE.findall(body)
    if not _TITLE_MIN_WORDS <= len(words) <= _TEMPLATE_MAX_WORDS:
        return False
    for title in _titles().get((words[0], words[1]), ()):
        blocks = SequenceMatcher(None, words, title, autojunk=False).get_matching_blocks()
        if sum(block.size for block in blocks) >= _TITLE_SHARE * len(words):
            return True
    return False


def _template(body: str, numbering: str) -> dict[str, float]:
    """Whether a line begins like a section of the Decree 52 template and goes on as a
    heading does: numbered ("d) Địa chỉ ..., bao gồm ..." may run to 40 words), or naming only
    what the section is about ("Mục đích thu thập thông tin cá nhân:"), not saying it in a
    sentence ("Phạm vi sử dụng thông tin chỉ trong nội bộ"). `numbering`: the line's kind."""
    body = body.lower()
    if _recites_title(body):
        return {"template_heading": 1.0, "template_title": 1.0}
    match = _template_re().match(body)
    if match is None or len(body.split()) > _TEMPLATE_MAX_WORDS:
        return {}
    rest = body[match.end() :]
    numbered = numbering not in ("none", "bullet")
    if not numbered and (len(rest.split()) > _TEMPLATE_REST_WORDS or _PREDICATE_RE.search(rest)):
        return {}
    return {"template_heading": 1.0}


def _words(body: str) -> dict[str, float]:
    """Lower-case word unigrams and bigrams of the line body (policy vocabulary), their names
    interned (the memo of lines keeps thousands)."""
    words = [m.group(0).lower() for m in islice(_WORD_RE.finditer(body), 12)]
    grams = {sys.intern(f"w={w}"): 1.0 for w in words}
    grams.update({sys.intern(f"b={a}_{b}"): 1.0 for a, b in zip(words, words[1:], strict=False)})
    if words:
        grams[sys.intern(f"first={words[0]}")] = 1.0
    return grams


_MEMO_LINE_CHARS = 300  # longer lines (paragraphs) are neither repeated headings nor kept


@lru_cache(maxsize=4_096)  # ~1 KB an entry (names interned) and a line of <= 300 characters
def _line_parts(text: str) -> tuple[tuple[str, int, int | None], dict[str, float]]:
    """What a line's own text gives (its numbering, and the features of its shape, words and
    template), once per distinct line: templated policies repeat most of their lines. The
    dict is shared between calls and never changed."""
    body, numbering = _body(text), _numbering_kind(text)
    own = _shape(text, body)
    own.update(_words(body))
    own.update(_template(body, numbering[0]))
    return numbering, own


def line_features(lines: Sequence[Line]) -> list[dict[str, float]]:
    """One feature dict per candidate line, read with its neighbours, the document's habits
    (how common its kind of numbering is) and its numbering's place in the sequence of
    numbers seen before it."""
    parts = [(_line_parts if len(line.text) <= _MEMO_LINE_CHARS else _line_parts.__wrapped__)(
        line.text) for line in lines]
    kinds = [kind for kind, _ in parts]
    shapes = [own for _, own in parts]  # the shape's floats, read for the neighbours
    kind_counts: dict[tuple[str, int], int] = {}
    for kind, depth, _ in kinds:
        kind_counts[(kind, depth)] = kind_counts.get((kind, depth), 0) + 1
    last_at: dict[tuple[str, int], int] = {}
    runs = _runs(kinds)
    rows = []
    for i in range(len(lines)):
        kind, depth, number = kinds[i]
        row: dict[str, float] = {"bias": 1.0, f"kind={kind}": 1.0,
                                 f"kind={kind}:depth={min(depth, 4)}": 1.0,
                                 "kind_share": kind_counts[(kind, depth)] / len(lines)}
        row.update(parts[i][1])
        if number is not None:
            previous = last_at.get((kind, depth))
            row["number_continues"] = float(previous is not None and number == previous + 1)
            row["number_restarts"] = float(previous is not None and number <= previous)
            row["number_first"] = float(previous is None and number == 1)
            last_at[(kind, depth)] = number
        row["position"] = i / max(len(lines) - 1, 1)
        row["first_line"] = float(i == 0)
        row["after_title_short"] = float(i == 1 and bool(row["short"]) and not row.get(
            "ends=.", 0.0) and bool(_TITLE_RE.search(lines[0].text)))
        row.update(_neighbour("prev", lines, shapes, kinds, i - 1, kinds[i]))
        row.update(_neighbour("next", lines, shapes, kinds, i + 1, kinds[i]))
        row.update(_between_paragraphs(row))
        row.update(runs[i])
        rows.append(row)
    return rows


def _runs(kinds: list[tuple]) -> list[dict[str, float]]:
    """For each line, how many lines of its numbering kind stand together around it (list
    items come in unbroken runs, section headings are spread out); nothing for unnumbered
    lines and bullets. One pass over the lines."""
    runs: list[dict[str, float]] = []
    start = 0
    for end in range(1, len(kinds) + 1):
        if end < len(kinds) and kinds[end][:2] == kinds[start][:2]:
            continue
        length = end - start
        row = ({} if kinds[start][0] in ("none", "bullet")
               else {"in_run": float(length >= 3), "run_length": min(length, 10) / 10})
        runs.extend([row] * length)
        start = end
    return runs


def _neighbour(name: str, lines: Sequence[Line], shapes: list[dict], kinds: list[tuple],
               i: int, own: tuple) -> dict[str, float]:
    if not 0 <= i < len(lines):
        return {f"{name}=none": 1.0}
    text = lines[i].text.rstrip()
    kind, depth, _ = kinds[i]
    return {
        f"{name}_kind={kind}": 1.0,
        f"{name}_ends={text[-1:] if text[-1:] in '.:?!;,' else 'word'}": 1.0,
        f"{name}_short": shapes[i]["short"], f"{name}_long": shapes[i]["long"],
        f"{name}_first_lower": shapes[i]["first_lower"], f"{name}_all_caps": shapes[i]["all_caps"],
        f"{name}_starts_colon": float(text.startswith(":")),
        f"{name}_same_kind": float(kind != "none" and (kind, depth) == own[:2]),
        f"{name}_deeper": float(kind == own[0] == "arabic" and depth > own[1]),
    }


def _between_paragraphs(row: dict[str, float]) -> dict[str, float]:
    """A short line that ends no sentence, after the end of one and before a longer or
    capitalised line: how an unnumbered heading sits in running text."""
    unpunctuated = row.get("ends=word", 0.0) or row.get("ends=?", 0.0) or row.get("ends=:", 0.0)
    after_end = row.get("prev_ends=.", 0.0) or row.get("prev=none", 0.0) or row.get(
        "prev_ends=:", 0.0)
    before_text = row.get("next_long", 0.0) or not row.get("next_first_lower", 1.0)
    isolated = float(bool(row["short"] and unpunctuated and after_end and before_text))
    numbered = not (row.get("kind=none", 0.0) or row.get("kind=bullet", 0.0))
    return {"isolated_short": isolated,
            "isolated_question": isolated * row["question"],
            "isolated_title": isolated * row["title_share"],
            "isolated_caps": isolated * row["all_caps"],
            "colon_numbered": float(bool(row.get("ends=:", 0.0) and numbered)),
            "colon_unnumbered": float(bool(row.get("ends=:", 0.0) and not numbered)),
            "sentence_numbered": float(bool(row.get("ends=.", 0.0) and numbered
                                            and row["long"]))}


@dataclass(frozen=True)
class LinearModel:
    """A fitted logistic regression as weights: binary (one weight row) or multinomial."""

    classes: tuple[int, ...]
    weights: tuple[dict[str, float], ...]
    intercepts: tuple[float, ...]

    def scores(self, row: dict[str, float]) -> list[float]:
        """Intercept plus the weighted features, summed in the row's order."""
        return [b + sum(map(operator.mul, map(w.get, row, repeat(0.0)), row.values()))
                for w, b in zip(self.weights, self.intercepts, strict=True)]

    def proba(self, row: dict[str, float]) -> list[float]:
        """Class probabilities, as scikit-learn's `predict_proba` gives them."""
        scores = self.scores(row)
        if len(scores) == 1:
            positive = 1 / (1 + math.exp(-scores[0]))
            return [1 - positive, positive]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        return [e / sum(exp) for e in exp]


@dataclass(frozen=True)
class HeadingModel:
    """Heading detection: a heading probability per candidate line and the threshold."""

    detect: LinearModel
    threshold: float

    def predict(self, lines: Sequence[Line]) -> list[int | None]:
        """The level of each candidate line (`heading_levels`), None for body text."""
        found = [i for i, row in enumerate(line_features(lines))
                 if _MARKDOWN_RE.match(lines[i].text)  # the author's own mark-up says so
                 or row.get("isolated_question")  # a question on its own titles its answer
                 or row.get("after_title_short") and row["question"]  # ... under the title too
                 or self.detect.proba(row)[1] >= self.threshold]
        found = with_siblings(lines, found)
        levels: list[int | None] = [None] * len(lines)
        for i, level in zip(found, heading_levels([lines[i].text for i in found]), strict=True):
            levels[i] = level
        return levels

    def to_json(self) -> dict:
        return {"threshold": self.threshold, "detect": _linear_json(self.detect)}


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_LETTERS = "abcdđefgh"  # Vietnamese lists letter "đ" after "d"
_SIBLING_MAX_WORDS = 20  # a numbered line longer than this is a list item's sentence


def _roman(numeral: str) -> int:
    """The value of a Roman numeral in lower case: "iv" -> 4."""
    total = 0
    for digit, after in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _ROMAN[digit]
        total += -value if _ROMAN.get(after, 0) > value else value
    return total


def _ordinal(text: str) -> tuple[tuple[str, int], int] | None:
    """A numbered line's sequence (numbering kind and depth) and place in it: 3 for "3.",
    "2.3.", "III.", "c)", "(3)" and "Điều 3"; None for an unnumbered line.

    Examples:
        >>> _ordinal("III. Cam kết"), _ordinal("đ) Quyền"), _ordinal("Điều 12. Hiệu lực")
        ((('roman', 1), 3), (('letter_lower', 1), 5), (('article', 1), 12))
    """
    match = NUMBERING_RE.match(text)
    if match is None:
        return None
    kind, depth, number = _numbering_kind(text)
    last = match.group("num").strip().rstrip(".):/-").lstrip("(").lower().split()[-1]
    # "c)" between "b)" and "d)" is no hundred. `_numbering_kind` keeps calling it Roman: its
    # kinds are features the heading model was fitted on.
    if kind == "roman" and last == "c":
        kind = "letter_upper" if match.group("num").strip()[:1].isupper() else "letter_lower"
    if number is None:
        if last.isdigit():
            number = int(last)
        elif last in _LETTERS:
            number = _LETTERS.index(last) + 1
        elif set(last) <= set(_ROMAN):
            number = _roman(last)
    return None if number is None else ((kind, depth), number)


def with_siblings(lines: Sequence[Line], found: list[int]) -> list[int]:
    """`found` with the short siblings of its numbered headings: where at least half of a
    run of numbers ("1.", "2.", "3." between other lines; "a)", "b)") are headings, the rest
    are too, as a reader takes "Điều 2." to be a heading when "Điều 1." and "Điều 3." are."""
    taken = set(found)
    added = []
    for run in _numbered_runs(lines):
        if 2 * sum(i in taken for i in run) < len(run):
            continue
        added.extend(i for i in run if i not in taken
                     and len(_body(lines[i].text).split()) <= _SIBLING_MAX_WORDS
                     and not lines[i].text.rstrip().endswith((";", ",")))
    return sorted(taken.union(added)) if added else found


def _numbered_runs(lines: Sequence[Line]) -> list[list[int]]:
    """Lines (indices) of one numbering sequence whose numbers go on by one, in order;
    runs of two or more."""
    runs: list[list[int]] = []
    open_runs: dict[tuple[str, int], tuple[list[int], int]] = {}
    for i, line in enumerate(lines):
        found = _ordinal(line.text)
        if found is None:
            continue
        sequence, number = found
        run, last = open_runs.get(sequence, ([], -1))
        if number != last + 1:
            runs.append(run)
            run = []
        run.append(i)
        open_runs[sequence] = (run, number)
    runs.extend(run for run, _ in open_runs.values())
    return [run for run in runs if len(run) >= 2]


_TITLE_RE = re.compile(r"chính sách|bảo mật|privacy|quyền riêng tư|điều khoản|bảo vệ dữ liệu",
                       re.I)
_UNNUMBERED = ("plain", "plain:", "bullet")


def _style(text: str, letters: bool) -> tuple:
    """What makes headings siblings: their numbering kind and depth, or their casing."""
    kind, depth, _ = _numbering_kind(text)
    if kind.startswith("markdown"):
        return ("markdown", int(kind[-1]))
    if kind == "roman" and letters and re.match(r"^[IVXLC][.)]", text):
        kind = "letter_upper"  # "I." between "H." and "J."
    if kind == "none":
        if _shape(text)["all_caps"]:
            return ("caps",)
        return ("plain:",) if text.rstrip().endswith(":") else ("plain",)
    return (kind, depth) if kind == "arabic" else (kind,)


def heading_levels(headings: Sequence[str]) -> list[int]:
    """Levels of a document's headings, in order (1 = title and parts, 2 = sections, 3 =
    sub-sections, 4 = deeper), as a reader infers them: Markdown marks give them outright; the
    title lines come first; otherwise a heading is the sibling of the last heading of the same
    style above it, or one deeper; an unnumbered heading never holds numbered ones.

    Examples:
        >>> heading_levels(["CHÍNH SÁCH BẢO MẬT", "1. Mục đích", "1.1. Phạm vi", "2. Liên hệ"])
        [1, 2, 3, 2]
        >>> heading_levels(["Thu thập thông tin", "Cookie", "Liên hệ"])
        [1, 2, 2]
    """
    letters = sum(_numbering_kind(t)[0] == "letter_upper" for t in headings) >= 2
    styles = [_style(text, letters) for text in headings]
    levels: list[int] = []
    stack: list[tuple] = []
    in_title = True
    for i, (text, style) in enumerate(zip(headings, styles, strict=True)):
        if style[0] == "markdown":
            levels.append(min(style[1], LEVELS[-1]))
            in_title = False
            continue
        in_title = in_title and style[0] in ("caps", "plain") and bool(
            i == 0 or _TITLE_RE.search(text) or style == styles[i - 1] == ("caps",))
        if in_title or style == ("part",):
            levels.append(1)
            stack = [style] if style == ("part",) else []
            continue
        stack = _enter(stack, style)
        parts = 1 if stack[0] == ("part",) else 0
        levels.append(min(len(stack) + 1 - parts, LEVELS[-1]))
    return levels


def _enter(stack: list[tuple], style: tuple) -> list[tuple]:
    """The style stack once a heading of `style` is entered."""
    if style in stack:
        return stack[: stack.index(style) + 1]
    if style[0] not in (*_UNNUMBERED, "caps"):
        while stack and stack[-1][0] in _UNNUMBERED:
            stack = stack[:-1]
    return [*stack, style]


def _linear_json(model: LinearModel) -> dict:
    return {"classes": list(model.classes), "intercepts": list(model.intercepts),
            "weights": [dict(sorted(w.items())) for w in model.weights]}


def _linear_from(data: dict) -> LinearModel:
    return LinearModel(tuple(int(c) for c in data["classes"]),
                       tuple({str(k): float(v) for k, v in w.items()} for w in data["weights"]),
                       tuple(float(b) for b in data["intercepts"]))


def linear_from_sklearn(vectorizer, classifier) -> LinearModel:  # type: ignore[no-untyped-def]
    """Weights of a fitted `DictVectorizer` + `LogisticRegression` pair."""
    names = vectorizer.get_feature_names_out()
    weights = tuple({str(n): float(w) for n, w in zip(names, row, strict=True) if w != 0.0}
                    for row in classifier.coef_)
    return LinearModel(tuple(int(c) for c in classifier.classes_), weights,
                       tuple(float(b) for b in classifier.intercept_))


@lru_cache(maxsize=4)
def load_heading_model(path: Path = HEADING_MODEL_PATH) -> HeadingModel:
    """The committed heading model.

    Raises:
        ModelNotFoundError: the file is missing or not a heading model.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return HeadingModel(_linear_from(data["detect"]), float(data["threshold"]))
    except FileNotFoundError as err:
        raise ModelNotFoundError(f"no heading model at {path}; run `vnpolicy train`") from err
    except (ValueError, KeyError, TypeError) as err:
        raise ModelNotFoundError(f"{path}: not a heading model ({err})") from err
