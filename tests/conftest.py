"""Shared fixtures: short synthetic Vietnamese snippets and paths to the real policies."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import RAW_DIR, SHARED_CORPUS_DIR

SEED_KHATRA = RAW_DIR / "000_946b3959865b143e.txt"
SEED_KALIX = RAW_DIR / "003_5fc513aff3b861d0.txt"

needs_corpus = pytest.mark.skipif(not SHARED_CORPUS_DIR.is_dir(),
                                  reason="../shared/corpus is not beside the checkout")


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    """A small synthetic policy folder written by the test itself."""
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "cong-ty-a.txt").write_text(
        "CHÍNH SÁCH BẢO MẬT THÔNG TIN\n"
        "1. Mục đích và phạm vi thu thập thông tin\n"
        "Chúng tôi thu thập họ tên, số điện thoại và địa chỉ email của khách hàng.\n"
        "2. Thời gian lưu trữ thông tin\n"
        "Dữ liệu được lưu trữ trong 24 tháng kể từ ngày đăng ký.\n"
        "3. Cơ chế tiếp nhận và giải quyết khiếu nại\n"
        "Thời gian xử lý khiếu nại là 05 ngày làm việc. Liên hệ hotro@congtya.vn "
        "hoặc Hotline 1900 1234.\n",
        encoding="utf-8",
    )
    return folder


POLICY = ("CHÍNH SÁCH BẢO MẬT THÔNG TIN\n1. Thời gian lưu trữ thông tin\n"
          "Dữ liệu của {name} được lưu trữ trong 24 tháng.\n"
          "2. Liên hệ\nMọi thắc mắc xin gửi về hotro@{name}.vn.\n")


@pytest.fixture
def good_dir(tmp_path: Path) -> Path:
    """Three short policies written by the test (`POLICY` for three made-up companies)."""
    folder = tmp_path / "policies"
    folder.mkdir()
    for name in ("hoasen", "binhminh", "anhduong"):
        (folder / f"{name}.txt").write_text(POLICY.format(name=name), encoding="utf-8")
    return folder
