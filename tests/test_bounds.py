"""Every document has a time and size bound, and no step costs more than linear work in the
length of its input: hostile inputs built here, growth compared between two sizes in one test
(a generous ratio, never an absolute time)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.audit import audit_document
from pipeline.clean.decode import decode_document, html_depth, html_to_text, looks_like_html
from pipeline.cli import app
from pipeline.config import CleanParams
from pipeline.errors import InputError, LimitExceeded
from pipeline.extract.addresses import find_addresses
from pipeline.extract.nlp import words_and_spaces
from pipeline.extract.organizations import (
    find_foreign_owners,
    find_organizations,
    find_trading_names,
)
from pipeline.segment import split_sentences
from pipeline.structure import line_features, structure_lines

from .test_isolation import invoke, tables

runner = CliRunner()


def _seconds(fn: Callable[[], object]) -> float:
    """The best of three runs: the least noisy estimate of the work itself."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def assert_linear(work: Callable[[int], object], n: int) -> None:
    """Four times the input costs at most ~4 times the work: a ratio under 10 (quadratic
    would be 16, cubic 64), with 20 ms of slack for a loaded machine."""
    small, large = _seconds(lambda: work(n)), _seconds(lambda: work(4 * n))
    assert large < 10 * small + 0.02, f"{n}: {small:.4f} s, {4 * n}: {large:.4f} s"


GROWTH = {
    # nested \s* in the address look-ahead: 1,600 \v took 59 s
    "address after a run of \\v": (
        lambda n: list(find_addresses("Địa chỉ: số 1" + "\v" * n + "x")), 500),
    "address after a run of U+2028": (
        lambda n: list(find_addresses("Địa chỉ: số 1" + "\u2028" * n + "x")), 500),
    # the HTML sniff of a .txt: 66,000 "<p " took 29.5 s
    "html sniff of '<p ' without '>'": (lambda n: looks_like_html("<p " * n), 5_000),
    # comments never closed: 25,000 "<!--" took 37 s
    "html depth over unclosed comments": (lambda n: html_depth("<!--" * n, 2_000), 5_000),
    "html depth over quoted '<'": (lambda n: html_depth('<b title="<">' * n, 10**9), 5_000),
    # one line of "x. 1. A " x 30,000 took 29 s
    "inline headings of one long line": (lambda n: list(structure_lines("x. 1. A " * n)), 2_000),
    # a paragraph without spaces: sent_tokenize looks back over the run before every dot
    "sentences of text without spaces": (lambda n: split_sentences("Dữliệu." * n), 2_000),
    # names: every capitalised word starts a run that is folded and compared with the domains
    "trading names over capitalised words": (
        lambda n: list(find_trading_names("Hoa Sen Xanh Đỏ " * n, ["hoasenxanh.vn"])), 2_000),
    "names that start sentences, each twice": (
        lambda n: list(find_trading_names("".join(f"Alpha{i} sẽ. " * 2 for i in range(n)), [])),
        1_000),
    "self-named runs without their bracket": (
        lambda n: list(find_trading_names(("A. Bờ Cờ " * 20 + "(\n") * n, [])), 200),
    "addresses inside sentences that never reach a province": (
        lambda n: list(find_addresses("trụ sở tại số 12 đường Lê Lợi phường 3 " * n)), 500),
    "legal forms without names": (lambda n: list(find_organizations("Công ty TNHH " * n)),
                                  2_000),
    "an owner's capitalised words without a foreign legal form": (
        lambda n: list(find_foreign_owners("thuộc sở hữu của " + "Alpha Beta " * n)), 2_000),
    # every address is checked against the ones already taken
    "many addresses": (lambda n: list(find_addresses("12 phường Tân Định, Hà Nội\n" * n)), 2_000),
    # a run of numbered lines of one kind is measured around every line
    "numbered lines of one kind": (
        lambda n: line_features(structure_lines("1.1 Mục \n" * n)), 2_000),
    # spaCy's get_words_and_spaces slices the rest of the text for every word
    "words and spaces of a long text": (
        lambda n: words_and_spaces(["Dữ liệu", "được", "lưu."] * n, "Dữ liệu được lưu. " * n),
        20_000),
    # one clause asked about by every cue: a gate string at nearly every position
    "audit of a clause full of cue words": (
        lambda n: audit_document("d", [{"clause_id": 0, "labels": ["purpose"], "text":
                                        "ai eu mỹ thu thập vị trí cookie " * n}], [], "pdp"),
        2_000),
}


@pytest.mark.parametrize("case", list(GROWTH))
def test_cost_is_linear_in_the_input_issue_16(case):
    work, n = GROWTH[case]
    assert_linear(work, n)


def test_quoted_angle_brackets_count_towards_html_depth_issue_16():
    nested = '<div title="<">' * 3_000 + "x"
    assert html_depth(nested, 2_000) > 2_000
    with pytest.raises(InputError, match="nested deeper than 2000"):
        html_to_text(nested, path="long-sau.html")
    assert html_depth("<!-- <div> --><div><script>'<div>'</script></div>", 10) == 2


def test_split_sentences_keeps_what_it_did_on_ordinary_paragraphs():
    text = "Chúng tôi thu thập họ tên. Dữ liệu được lưu 24 tháng! Liên hệ hotro@abc.vn."
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "Chúng tôi thu thập họ tên.", "Dữ liệu được lưu 24 tháng!", "Liên hệ hotro@abc.vn."]
    long = text + " " + text * 200  # past the window: still every sentence, in order
    pieces = [long[a:b] for a, b in split_sentences(long)]
    assert "".join(pieces).replace(" ", "") == long.replace(" ", "")
    assert all(len(piece) < 200 for piece in pieces)


def test_decoded_text_past_its_limit_is_refused_with_the_limit_named():
    with pytest.raises(LimitExceeded, match="dai.txt: decoded text .*--max-chars"):
        decode_document(("Dữ liệu. " * 200).encode(), Path("dai.txt"), CleanParams(max_chars=500))


def _pdf_with_big_streams(path: Path, pages: int, stream_bytes: int) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(width=200, height=200)
        stream = DecodedStreamObject()
        stream.set_data(b"0 0 m 1 1 l S\n" * (stream_bytes // 14))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page.compress_content_streams()
    with path.open("wb") as handle:
        writer.write(handle)


def test_pdf_streams_inflating_past_the_limit_are_refused_issue_16(tmp_path):
    path = tmp_path / "bom.pdf"
    _pdf_with_big_streams(path, pages=4, stream_bytes=600_000)
    assert path.stat().st_size < 100_000
    with pytest.raises(LimitExceeded, match="bom.pdf: PDF content .*--max-inflated-bytes"):
        decode_document(path.read_bytes(), path, CleanParams(max_inflated_bytes=1_000_000))


def _slow_segment(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    """A document whose segmentation never ends (as a catastrophic input would)."""
    from pipeline import document

    real = document.segment_document

    def segment(doc, *args):  # type: ignore[no-untyped-def]
        while marker in doc.text:
            time.sleep(0.05)
        return real(doc, *args)

    monkeypatch.setattr(document, "segment_document", segment)


def test_max_seconds_bounds_a_document_on_the_inline_path_issue_16(good_dir, tmp_path,
                                                                   monkeypatch):
    _slow_segment(monkeypatch, "binhminh")
    result = invoke(good_dir, tmp_path, "--workers", "1", "--max-seconds", "1")
    assert result.exit_code == 2, result.output
    errors = tables(tmp_path)["errors"].set_index("doc_id")
    assert list(errors.index) == ["binhminh"] and errors.loc["binhminh", "stage"] == "segment"
    assert "took longer than 1 s" in errors.loc["binhminh", "error"]
    assert "--max-seconds" in errors.loc["binhminh", "error"]
    assert len(tables(tmp_path)["documents"]) == 3


@pytest.mark.slow
def test_max_seconds_bounds_a_document_in_a_pool_worker_issue_16(good_dir, tmp_path,
                                                                 monkeypatch):
    import multiprocessing

    from pipeline.batch import engines
    from pipeline.batch import run as batch

    _slow_segment(monkeypatch, "binhminh")  # forked workers inherit it
    monkeypatch.setattr(engines, "_context", lambda preload: multiprocessing.get_context("fork"))
    monkeypatch.setattr(batch, "TASK_SIZE", 1)
    monkeypatch.setattr(batch, "MIN_TASKS_PER_WORKER", 1)
    result = invoke(good_dir, tmp_path, "--workers", "2", "--max-seconds", "1")
    assert result.exit_code == 2, result.output
    errors = pd.read_parquet(tmp_path / "out" / "errors.parquet")
    assert list(errors["doc_id"]) == ["binhminh"] and "took longer" in errors["error"][0]


def test_limits_have_their_flags_on_run():
    import typer

    command = typer.main.get_command(app).commands["run"]  # type: ignore[attr-defined]
    flags = {opt for param in command.params for opt in param.opts}
    assert {"--max-seconds", "--max-chars", "--max-inflated-bytes", "--max-bytes",
            "--follow-symlinks"} <= flags


def test_time_limit_works_in_a_worker_thread_as_on_dask_and_never_fires_late():
    """Dask runs tasks in threads, where no signal arrives: a timer raises in the thread."""
    import re
    import threading

    from pipeline.errors import TimeLimitExceeded
    from pipeline.limits import time_limit

    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            with time_limit(0.3, "quá giờ"):
                while True:  # pure Python: interrupted between bytecodes
                    pass
        except TimeLimitExceeded as err:
            outcome["error"] = str(err)
        with time_limit(0.2, "không dùng"):
            pass  # ends at once: the timer must never fire afterwards
        time.sleep(0.5)
        outcome["after"] = "ok"

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=30)
    assert outcome == {"error": "quá giờ", "after": "ok"}
    with pytest.raises(TimeLimitExceeded, match="regex"):  # main thread: the signal path
        with time_limit(0.3, "regex"):
            re.match(r"(a+)+$", "a" * 40 + "b")  # catastrophic backtracking, interrupted
