"""Benchmark corpora made at run time from the policies on this machine (never committed).

Two forms of N documents, round-robin over the base policies:

- `templated`: a base policy re-used under another company: its organisation names, websites,
  e-mails, phones, tax codes and addresses (found by our own extractors) are replaced.
- `unique`: the same, then every sentence is perturbed so that none repeats in the corpus:
  numbers are redrawn, common words swapped for synonyms, and a sentence that still names
  nothing of its company gets a short phrase naming it. The benchmark reports how many clause
  texts still repeat after segmentation, to show how well this worked.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from itertools import product
from pathlib import Path

from pipeline.clean import clean_file
from pipeline.extract.facts import extract_text_facts

_BRAND = ("An", "Bình", "Phát", "Minh", "Thành", "Hưng", "Thịnh", "Phú", "Quang", "Tân",
          "Việt", "Long", "Hoàng", "Gia", "Khang", "Nam", "Đức", "Trí", "Tâm", "Sao", "Hải",
          "Sơn", "Kim", "Ngọc", "Bảo", "Lộc", "Tài", "Đạt", "Thuận", "Hòa")
_STREETS = ("Lê Lợi", "Nguyễn Huệ", "Trần Hưng Đạo", "Hai Bà Trưng", "Lý Thường Kiệt",
            "Điện Biên Phủ", "Cách Mạng Tháng Tám", "Võ Văn Tần")
_SYNONYMS = (
    ("khách hàng", "người dùng", "quý khách"),
    ("thông tin", "dữ liệu"),
    ("sử dụng", "dùng"),
    ("website", "trang web", "trang thông tin điện tử"),
    ("liên hệ", "liên lạc"),
    ("yêu cầu", "đề nghị"),
    ("lưu trữ", "lưu giữ"),
    ("thu thập", "ghi nhận"),
    ("các", "những"),
    ("nhằm", "để"),
)
_SYNONYM_RE = re.compile("|".join(re.escape(w) for group in _SYNONYMS for w in group), re.I)
_GROUP_OF = {word: group for group in _SYNONYMS for word in group}
_NUMBER_RE = re.compile(r"\d+")
_NUMBERING_RE = re.compile(r"^(?:- )?(?:(?:\d{1,2}(?:\.\d{1,2})*|[A-HĐa-hđ]|[IVXLC]{1,6})[.)]"
                           r"|\d{1,2}(?:\.\d{1,2})*)\s")
_SENTENCE_RE = re.compile(r"(?<=[.!?;:])\s+")
_TRAILING_RE = re.compile(r"[.!?;:…]*$")
_FACT_TYPES = ("organization", "website", "email", "phone", "tax_code", "address")


@dataclass(frozen=True)
class Identity:
    """The made-up company a generated policy belongs to."""

    company: str
    domain: str
    phone: str
    tax_code: str
    address: str

    def value(self, fact_type: str) -> str:
        return {"organization": self.company, "website": self.domain,
                "email": f"hotro@{self.domain}", "phone": self.phone,
                "tax_code": self.tax_code, "address": self.address}[fact_type]


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in plain if ch.isascii() and ch.isalnum()).lower()


def identities(n: int, seed: int = 7) -> list[Identity]:
    """`n` different companies, the same ones for the same seed."""
    rng = random.Random(seed)
    names = list(product(_BRAND, repeat=3))
    rng.shuffle(names)
    out = []
    for i in range(n):
        brand = " ".join(names[i % len(names)]) + (f" {i // len(names)}" if i >= len(names)
                                                   else "")
        out.append(Identity(
            company=f"Công ty TNHH {brand}",
            domain=f"{_ascii(brand)}.vn",
            phone=f"09{rng.randrange(10**8):08d}",
            tax_code=f"03{rng.randrange(10**8):08d}",
            address=f"Số {rng.randrange(1, 400)} {rng.choice(_STREETS)}, Quận "
                    f"{rng.randrange(1, 12)}, TP. Hồ Chí Minh",
        ))
    return out


def _fact_spans(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping spans of the facts that name the company."""
    spans, end = [], 0
    for fact in extract_text_facts(text):
        if fact.type in _FACT_TYPES and fact.start >= end:
            spans.append((fact.start, fact.end, fact.type))
            end = fact.end
    return spans


def rebrand(text: str, spans: list[tuple[int, int, str]], who: Identity) -> str:
    """`text` with every company fact replaced by `who`'s."""
    pieces, pos = [], 0
    for start, end, fact_type in spans:
        pieces += [text[pos:start], who.value(fact_type)]
        pos = end
    return "".join(pieces) + text[pos:]


def _swap(match: re.Match, rng: random.Random) -> str:
    word = match.group(0)
    choice = rng.choice(_GROUP_OF[word.lower()])
    if word.isupper():
        return choice.upper()
    return choice[0].upper() + choice[1:] if word[0].isupper() else choice


def _redraw(match: re.Match, rng: random.Random) -> str:
    digits = match.group(0)
    first = str(rng.randrange(1, 10)) if digits[0] != "0" else "0"
    return first + "".join(str(rng.randrange(10)) for _ in digits[1:])


def _perturb_sentence(sentence: str, who: Identity, rng: random.Random) -> str:
    sentence = _SYNONYM_RE.sub(lambda m: _swap(m, rng), sentence)
    sentence = _NUMBER_RE.sub(lambda m: _redraw(m, rng), sentence)
    if who.company in sentence or who.domain in sentence:
        return sentence
    trailing = _TRAILING_RE.search(sentence).start()
    phrase = rng.choice((" của {}", " tại {}", " theo {}")).format(who.company)
    phrase = phrase.upper() if sentence.isupper() else phrase
    return sentence[:trailing] + phrase + sentence[trailing:]


def perturb(text: str, who: Identity, rng: random.Random) -> str:
    """Every sentence of `text` made unique to `who` (list numbering is kept)."""
    lines = []
    for line in text.split("\n"):
        numbering = _NUMBERING_RE.match(line)
        head, body = (line[:numbering.end()], line[numbering.end():]) if numbering else ("", line)
        if body.strip():
            body = " ".join(_perturb_sentence(s, who, rng) for s in _SENTENCE_RE.split(body))
        lines.append(head + body)
    return "\n".join(lines)


def make_corpus(bases: list[Path], n: int, form: str, folder: Path, seed: int = 7) -> list[Path]:
    """Write `n` policies of `form` (`templated` or `unique`) into `folder`."""
    texts = [clean_file(path).text for path in bases]
    spans = [_fact_spans(text) for text in texts]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, who in enumerate(identities(n, seed)):
        text = rebrand(texts[i % len(texts)], spans[i % len(texts)], who)
        if form == "unique":
            text = perturb(text, who, rng)
        path = folder / f"{form}-{i:05d}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths
