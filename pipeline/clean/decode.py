"""Read a policy file of any common format and encoding into plain text.

Raw files are only decoded here; every offset in the dataset points into the text that
`clean.clean_text` makes of this output.
"""

from __future__ import annotations

import codecs
import html
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from ..config import SUPPORTED_SUFFIXES, WARC_SUFFIXES, CleanParams
from ..errors import InputError, LimitExceeded
from .legacy import looks_like_tcvn3, looks_like_vni, tcvn3_to_unicode, vni_to_unicode
from .sources import (
    drop_code_residue,
    looks_like_markdown,
    looks_like_source_code,
    markdown_text,
    source_text,
)

_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
    "table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "header", "figure", "b-container",
)
_DROP_TAGS = (
    "script", "style", "noscript", "nav", "footer", "aside", "form", "iframe", "svg",
    "button", "select", "head", "title", "meta", "link",
)
_LINE = "\ue000"  # private-use marker: a line break that survives whitespace collapsing
_TAG_START_RE = re.compile(r"<(/?)([a-zA-Z][\w:-]*)")
_IN_TAG_RE = re.compile(r"[^\"'>]*")  # up to a quote or the end of the tag
_RAW_TEXT_END = {"script": re.compile(r"</script", re.I), "style": re.compile(r"</style", re.I)}
# Elements with no end tag, or whose end tag HTML lets authors leave out: they never nest.
_VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd tr td th option optgroup thead tbody tfoot colgroup rb rt rp".split()
)
_LITERAL_ESCAPE_RE = re.compile(r"\\r\\n|\\n|\\r")
_INLINE_TAG_RE = re.compile(
    r"</?(?:b|strong|i|em|u|a|span|font|small|sup|sub|mark)\b[^<>]{0,500}>", re.I
)
_BREAK_TAG_RE = re.compile(r"<(?:br|/?p|/?div|/?li)\b[^<>]{0,500}>", re.I)
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,10});")
# `[^<>]*`, not `[^>]*`: 66,000 "<p " without a ">" would each scan to the end of the text.
_HTML_SNIFF_RE = re.compile(
    r"<\s*(html|body|p|div|li|ul|ol|template|table|tr|section|article|h[1-6])\b[^<>]*>", re.I
)


def check_size(size: int, path: Path, params: CleanParams = CleanParams()) -> None:
    """Refuse an empty or too large file before reading it.

    Raises:
        InputError: `size` is 0 or above `params.max_bytes`.
    """
    if size == 0:
        raise InputError(f"{path}: empty file")
    if size > params.max_bytes:
        raise InputError(
            f"{path}: {size} bytes exceeds the limit of {params.max_bytes} (--max-bytes)"
        )


def decode_document(data: bytes, path: Path, params: CleanParams = CleanParams()) -> str:
    """Decode the bytes of one policy file; `path` gives the format (suffix) and messages.

    A batch reads each file once in the main process (to hash it) and ships the bytes to a
    worker, which may run on a machine that cannot see the file.

    Raises:
        InputError: the bytes are empty, too many, binary, encrypted or malformed.
    """
    check_size(len(data), path, params)
    suffix = path.suffix.lower()
    if path.name.lower().endswith(WARC_SUFFIXES):
        raise InputError(f"{path}: a WARC crawl: `vnpolicy run` reads its pages")
    if suffix and suffix not in SUPPORTED_SUFFIXES:  # named on the command line
        raise InputError(f"{path}: not a supported type ({suffix}); policies are "
                         f"{', '.join(SUPPORTED_SUFFIXES)} files or WARC crawls")
    if data.startswith(b"%PDF") or suffix == ".pdf":
        return _check_chars(_read_pdf(path, data, params), path, params)
    if data.startswith(b"PK\x03\x04") or suffix == ".docx":
        return _read_docx(path, data, params)
    text = _check_chars(decode_bytes(data, path), path, params)
    inner_suffixes = tuple(path.suffixes[:-1]) if suffix in (".txt", ".md") else (suffix,)
    if looks_like_source_code(text, inner_suffixes):
        text = source_text(text)
    elif looks_like_markdown(text, (suffix, *inner_suffixes)):
        text = markdown_text(text)
    if suffix in (".html", ".htm") or looks_like_html(text):
        return html_to_text(text, path=path, max_depth=params.max_html_depth)
    return drop_code_residue(repair_markup(text))


def _check_chars(text: str, path: Path, params: CleanParams) -> str:
    """Refuse decoded text longer than `params.max_chars` (UTF-16 or a PDF can decode to
    more characters than bytes the size limit allows)."""
    if len(text) > params.max_chars:
        raise LimitExceeded(f"{path}: decoded text of {len(text)} characters exceeds the limit "
                            f"of {params.max_chars} (--max-chars)")
    return text


def repair_markup(text: str) -> str:
    """Plain text scraped out of web pages and JS strings: literal ``\\n`` escapes, stray
    inline tags (``<b>KALIX</b>``) and entities (``&amp;``) become what a reader sees."""
    text = _LITERAL_ESCAPE_RE.sub("\n", text)
    text = _BREAK_TAG_RE.sub("\n", text)
    text = _INLINE_TAG_RE.sub("", text)
    if _ENTITY_RE.search(text):
        text = html.unescape(text)
    return text


def decode_bytes(data: bytes, path: Path | str = "<bytes>") -> str:
    """Decode bytes: BOMs first, then strict UTF-8, then a detected legacy encoding."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as err:
                raise InputError(f"{path}: invalid {encoding} after its BOM: {err}") from err
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _mostly_utf8(data)
        if text is None:
            latin = data.decode("latin-1")  # legacy font bytes are Latin-1 code points
            tcvn3 = looks_like_tcvn3(latin) and not _reads_as_cp1258(data)
            vni = looks_like_vni(latin)
            text = latin if tcvn3 or vni else _decode_legacy(data, path)
    if _looks_binary(text):
        raise InputError(f"{path}: binary content, not a text document")
    return from_legacy_font(text)


def from_legacy_font(text: str) -> str:
    """Text typed in a TCVN3 or VNI font, converted when the conversion reads as Vietnamese
    (more well-formed syllables than before); any other text unchanged."""
    candidates = [text] + [
        convert(text) for looks_like, convert in ((looks_like_tcvn3, tcvn3_to_unicode),
                                                  (looks_like_vni, vni_to_unicode))
        if looks_like(text)
    ]
    if len(candidates) == 1:  # the usual case: nothing to compare
        return text
    return max(candidates, key=syllable_share)  # ties keep the text as it is


_SYLLABLE_RE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"[aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]{1,3}"
    r"(?:ng|nh|ch|[cmnpt])?$"
)


def syllable_share(text: str) -> float:
    """Share of words that are well-formed Vietnamese syllables: which decoding reads right."""
    import unicodedata

    words = re.findall(r"\w+", unicodedata.normalize("NFC", text[:20_000]).lower())
    return sum(bool(_SYLLABLE_RE.match(w)) for w in words) / max(len(words), 1)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a truncated download, a bad copy-paste) is still UTF-8:
    keep it, with U+FFFD where bytes were invalid, rather than read it all in a legacy code
    page. None when too much is invalid for that."""
    text = data.decode("utf-8", "replace")
    broken = text.count("\ufffd")
    multibyte = sum(ord(ch) > 0x7F for ch in text) - broken
    return text if multibyte > 0 and broken <= max(3, 0.01 * len(text)) else None


def _reads_as_cp1258(data: bytes) -> bool:
    """Windows-1258 and TCVN3 bytes overlap; keep the reading with more real syllables."""
    latin = data.decode("latin-1")
    return syllable_share(data.decode("cp1258", "replace")) >= syllable_share(
        tcvn3_to_unicode(latin)
    )


def _decode_legacy(data: bytes, path: Path | str) -> str:
    """Windows-1258 is the usual Vietnamese legacy code page; ask charset-normalizer first."""
    from charset_normalizer import from_bytes

    if _looks_binary(data[:4096].decode("latin-1")):
        raise InputError(f"{path}: binary content, not a text document")
    best = from_bytes(data, cp_isolation=None).best()
    candidates = ([best.encoding] if best is not None else []) + ["cp1258"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if encoding != "cp1258" and _vietnamese_score(data.decode("cp1258", "replace")) > (
            _vietnamese_score(text)
        ):
            return data.decode("cp1258", "replace")
        return text
    raise InputError(f"{path}: cannot determine the text encoding")


_VI_CHARS = frozenset("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


def _vietnamese_score(text: str) -> float:
    """Share of letters that are Vietnamese-specific: the better decoding scores higher."""
    import unicodedata

    norm = unicodedata.normalize("NFC", text.lower())
    letters = sum(ch.isalpha() for ch in norm) or 1
    return sum(ch in _VI_CHARS for ch in norm) / letters


_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f]")  # control characters but \t\n\v\f\r


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    controls = len(_CONTROL_RE.findall(sample))
    return "\x00" in sample or controls / len(sample) > 0.05


def looks_like_html(text: str) -> bool:
    """HTML that arrives in a .txt file: several real tags, not one stray '<b>'."""
    tags = _HTML_SNIFF_RE.finditer(text[:200_000])
    return sum(1 for _ in itertools.islice(tags, 3)) >= 3


def _tags(html: str) -> Iterator[tuple[bool, str, bool]]:
    """(closing, lower-case name, self-closing) of each tag, in one pass: comments, script and
    style bodies skipped, quoted attribute values read whole (`<div title="<">` is one tag),
    and an unterminated comment, quote or script runs to the end, as a browser reads it."""
    pos = 0
    while (start := html.find("<", pos)) >= 0:
        if html.startswith("<!--", start):
            end = html.find("-->", start + 4)
            pos = end + 3 if end >= 0 else len(html)
            continue
        tag = _TAG_START_RE.match(html, start)
        if tag is None:
            pos = start + 1
            continue
        end = _tag_end(html, tag.end())
        if end < 0:
            return
        closing, name = bool(tag.group(1)), tag.group(2).lower()
        yield closing, name, html[end - 2] == "/"
        pos = end
        if name in _RAW_TEXT_END and not closing:
            raw_end = _RAW_TEXT_END[name].search(html, end)
            pos = raw_end.start() if raw_end else len(html)


def _tag_end(html: str, pos: int) -> int:
    """The position after the `>` that ends the tag whose attributes start at `pos`, or -1."""
    while True:
        pos = _IN_TAG_RE.match(html, pos).end()  # type: ignore[union-attr]
        if pos >= len(html):
            return -1
        if html[pos] == ">":
            return pos + 1
        close = html.find(html[pos], pos + 1)
        if close < 0:
            return -1
        pos = close + 1


def html_depth(html: str, limit: int) -> int:
    """Maximum element nesting, counted without building a tree; stops past `limit`."""
    depth = deepest = 0
    for closing, name, self_closing in _tags(html):
        if name in _VOID_TAGS or self_closing:
            continue
        depth = depth - 1 if closing else depth + 1
        deepest = max(deepest, depth)
        if deepest > limit:
            break
    return deepest


def html_to_text(html: str, *, path: Path | str = "<html>", max_depth: int = 2_000) -> str:
    """Main text of an HTML page: scripts, styles, navigation and footers dropped.

    Block elements become lines and list items become "- " bullets, so the segmenter sees
    the same structure a reader does. Vue/Angular `<template>` wrappers are unwrapped,
    since the policy text often sits inside them.
    """
    from selectolax.lexbor import LexborHTMLParser

    depth = html_depth(html, max_depth)
    if depth > max_depth:
        raise InputError(
            f"{path}: HTML nested deeper than {max_depth} levels (--max-html-depth)"
        )
    html = re.sub(r"<(/?)template\b", r"<\1div", html, flags=re.I)
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return ""
    for tag in _DROP_TAGS:
        for node in root.css(tag):
            node.decompose()
    for node in root.css("br"):
        node.replace_with(_LINE)
    for node in root.css("li"):
        node.insert_before(_LINE + "- ")
        node.insert_after(_LINE)
    for node in root.css("td, th"):
        node.insert_after(" ")
    for tag in _BLOCK_TAGS:
        for node in root.css(tag):
            node.insert_before(_LINE)
            node.insert_after(_LINE)
    text = root.text(deep=True, separator="")
    text = re.sub(r"\s+", " ", text)
    lines = (line.strip() for line in text.split(_LINE))
    return "\n".join(line for line in lines if line)


def _read_pdf(path: Path, data: bytes, params: CleanParams) -> str:
    try:
        from pypdf import PdfReader
    except ImportError as err:  # pragma: no cover - declared dependency
        raise ImportError("reading PDF needs pypdf: pip install pypdf") from err
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        pages = [] if encrypted else list(_pdf_pages(reader, path, params))
    except LimitExceeded:
        raise
    except Exception as err:  # noqa: BLE001 - a damaged PDF makes pypdf raise almost anything
        raise InputError(f"{path}: unreadable PDF ({type(err).__name__}: {err})") from err
    if encrypted:
        raise InputError(f"{path}: encrypted PDF, cannot extract text")
    pages = [unwrap_lines(rejoin_split_syllables(page)) for page in pages]
    text = "\n".join(pages)
    if not text.strip():
        raise InputError(f"{path}: PDF has no extractable text (scanned image?)")
    return text


def _pdf_pages(reader, path: Path, params: CleanParams) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Each page's text, once its content streams, inflated, still fit the budget of
    `params.max_inflated_bytes` for the whole file (pypdf bounds one stream, not their sum)."""
    budget = params.max_inflated_bytes
    for page in reader.pages:
        contents = page.get_contents()
        budget -= len(contents.get_data()) if contents is not None else 0
        if budget < 0:
            raise LimitExceeded(f"{path}: PDF content streams inflate past the limit of "
                                f"{params.max_inflated_bytes} bytes (--max-inflated-bytes)")
        yield page.extract_text() or ""


_PIECE_RE = re.compile(r"[^\W\d_]+|\s+|\S")  # letters, spaces, anything else alone
_LETTERS_RE = re.compile(r"[^\W\d_]+")
SPLIT_SHARE = 0.15  # one-letter words above this share: the page's syllables were split
MAX_PIECES = 4  # "ngh" "i" "ê" "ng" at most


_SYLLABLE_PARTS_RE = re.compile(_SYLLABLE_RE.pattern.replace("]{1,3}", "]{1,3})", 1)
                                .replace("(?:ng|nh|ch|[cmnpt])?$", "(ng|nh|ch|[cmnpt])?$")
                                .replace("[aăâ", "([aăâ", 1))
# The vowel groups Vietnamese writes (tone marks aside): "cóy" and "cóyê" have none.
_VOWEL_GROUPS = frozenset(
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê "
    "oo oai oay oao oeo uây uôi ươi ươu uyê uya uyu iêu yêu uêu".split())
_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))


_VOWELS = frozenset("aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


def _is_syllable(word: str) -> bool:
    """A Vietnamese syllable: the shape `_SYLLABLE_RE` checks, and a final consonant only
    after vowels that take one ("bảo" and "của", never "bảom" or "củac")."""
    import unicodedata

    word = unicodedata.normalize("NFC", word).lower()
    match = _SYLLABLE_PARTS_RE.match(word) if _LETTERS_RE.fullmatch(word) else None
    if match is None:
        return False
    vowels, coda = match.groups()
    plain = unicodedata.normalize("NFC", unicodedata.normalize("NFD", vowels)
                                  .translate(_TONE_MARKS))
    if len(plain) > 1 and plain not in _VOWEL_GROUPS and not word.startswith(("gi", "qu")):
        return False
    if not coda or len(vowels) < 2:
        return True
    if plain in ("ua", "ia", "ưa"):  # with a final consonant these are uô, iê, ươ
        return False
    return plain[-1] not in "oiuy" or plain in ("uy", "oo")


def _cost(word: str) -> int:
    """How unlikely `word` is as one syllable of a split page: a syllable with an initial
    consonant is the usual case (1), one without is rarer (2), a non-syllable worst (10), so
    "c á nh â n" reads "cá nhân", not "cánh ân"."""
    if not _is_syllable(word):
        return 10
    return 2 if word[:1].lower() in _VOWELS else 1


def _segment(words: list[str]) -> list[str]:
    """The cheapest way (`_cost`) to join a run of words one space apart into syllables; a
    join must make a syllable."""
    best: list[tuple[int, list[str]]] = [(0, [])]
    for end in range(1, len(words) + 1):
        options = []
        for n in range(1, min(MAX_PIECES, end) + 1):
            joined = "".join(words[end - n:end])
            if n > 1 and not _is_syllable(joined):
                continue
            cost, parts = best[end - n]
            options.append((cost + _cost(joined), [*parts, joined]))
        best.append(min(options, key=lambda option: option[0]))
    return best[-1][1]


def rejoin_split_syllables(text: str) -> str:
    """A PDF whose text was drawn in pieces (letter-spaced headings, a fallback font for the
    toned letters) reads as "Trang ch ủ | S ả n ph ẩ m" with every reader we measured (pypdf,
    pypdfium2, pdfminer.six: README, PDF). On such a page (many one-letter words), each run
    of words one space apart is joined into the likeliest syllables (`_segment`); any other
    text is returned as it is.

    Examples:
        >>> rejoin_split_syllables("Trang ch ủ | S ả n ph ẩ m c á nh â n")
        'Trang chủ | Sản phẩm cá nhân'
        >>> rejoin_split_syllables("Chúng tôi ở Hà Nội và luôn bảo mật dữ liệu.")
        'Chúng tôi ở Hà Nội và luôn bảo mật dữ liệu.'
    """
    words = _LETTERS_RE.findall(text)
    if not words or sum(len(w) == 1 for w in words) / len(words) <= SPLIT_SHARE:
        return text
    out: list[str] = []
    run: list[str] = []
    spaced = False  # the run is followed by one space (kept unless a word comes next)
    for piece in [*_PIECE_RE.findall(text), "\n"]:
        if _LETTERS_RE.fullmatch(piece):
            run.append(piece)
            spaced = False
        elif piece == " " and run and not spaced:
            spaced = True
        else:
            out.append(" ".join(_segment(run)) + (" " if spaced else ""))
            out.append(piece)
            run, spaced = [], False
    return "".join(out[:-1])


_WRAPPED_RE = re.compile(r"(?<=[^\s.:;!?…])[ \t]*\n[ \t]*(?=\w)")


def unwrap_lines(text: str) -> str:
    r"""Join the lines a PDF wrapped inside a sentence: a line that does not end a sentence,
    followed by one that starts in lower case, is one line. Headings and list items start in
    upper case or with a marker, so they stay on their own lines.

    Examples:
        >>> unwrap_lines("Chúng tôi thu thập họ tên và\nsố điện thoại của khách.\n2. Mục đích")
        'Chúng tôi thu thập họ tên và số điện thoại của khách.\n2. Mục đích'
    """
    return _WRAPPED_RE.sub(
        lambda m: " " if text[m.end()].islower() else m.group(0), text
    )


def _read_docx(path: Path, data: bytes, params: CleanParams) -> str:
    from .office import read_docx

    return read_docx(data, path, params.max_inflated_bytes, params.max_chars)
