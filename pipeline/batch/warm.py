"""What the workers' fork server imports and loads before it forks a worker.

A worker needs the classifier, the heading model, underthesea's word tables, spaCy's cue
matcher, the audit profiles and their compiled cues: ~1.7 s of imports and loading, and no
pandas (a worker writes no table; importing it took another 0.4 s and 37 MiB).
Done once here, each worker starts with them in memory (shared with its siblings until
written), and the fork server does it while the main process is still importing. Loading is a
short policy of our own run through every stage, with its own memo tables, so nothing of it
reaches a worker's memos; whatever fails here is loaded, and reported, by the worker itself.
"""

from __future__ import annotations

import gc

from ..config import CleanParams, SegmentParams
from ..document import Settings, process_documents
from ..memo import Memos
from .worker import classifier

_POLICY = ("CHÍNH SÁCH BẢO MẬT\n"
           "1. Mục đích thu thập thông tin\n"
           "Chúng tôi thu thập họ tên, số điện thoại và email để giao hàng.\n"
           "2. Thời gian lưu trữ\n"
           "Dữ liệu được lưu trữ trong 24 tháng. Khiếu nại được giải quyết trong 15 ngày.\n"
           "Liên hệ: Công ty TNHH Ví Dụ, hotline 0901 234 567, email hotro@vidu.vn.\n")


def warm_up() -> None:
    """Load what a worker's first task would (the result and its memos are dropped)."""
    model = classifier()
    try:
        process_documents([("warm-up", "warm-up.txt", _POLICY.encode("utf-8"))],
                          Settings(CleanParams(), SegmentParams(), "pdp", max_seconds=None),
                          model, Memos())
    finally:
        model.memo.clear()


try:
    warm_up()
except Exception:  # noqa: BLE001, S110 - the worker loads it again and reports the cause
    pass
gc.freeze()  # what is loaded stays: the collector need not walk it in every worker
