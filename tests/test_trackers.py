"""The `trackers` table: the tracker and analytics scripts an HTML page itself loads."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline.batch import run_pipeline
from pipeline.extract.trackers import TRACKERS_PATH, find_trackers, load_trackers, trackers_in
from pipeline.stages import run_build, run_classify, run_clean, run_extract, run_segment

# Per tracker: a page that loads it (its evidence), and one that must not count: the name
# in the text, or a look-alike script.
CASES = {
    "google_analytics": (
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-7QX2K9PL1M"></script>',
        "https://www.googletagmanager.com/gtag/js?id=G-7QX2K9PL1M",
        "<p>Chúng tôi có thể dùng Google Analytics để thống kê lượt truy cập.</p>"),
    "google_tag_manager": (
        "<script>(function(w,d,s,l,i){w[l].push({'gtm.start': new Date().getTime()});"
        "j.src='https://www.googletagmanager.com/gtm.js?id='+i;})(window,document,'script',"
        "'dataLayer','GTM-K7Q2ZP');</script>",
        "https://www.googletagmanager.com/gtm.js?id=",
        "<p>Website dùng Google Tag Manager.</p><script>var gtmNote = 'none';</script>"),
    "google_ads": (
        '<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js'
        '?client=ca-pub-1234567890"></script>',
        "https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-1234567890",
        "<p>Quảng cáo do Google AdSense cung cấp.</p>"),
    "facebook_pixel": (
        "<noscript><img height=\"1\" width=\"1\" src=\"https://www.facebook.com/tr?id=9876543"
        "&ev=PageView&noscript=1\"/></noscript>",
        "https://www.facebook.com/tr?id=9876543&ev=PageView&noscript=1",
        '<a href="https://www.facebook.com/cuahanganphat">Facebook</a>'),
    "facebook_sdk": (
        '<script async src="https://connect.facebook.net/vi_VN/sdk.js#xfbml=1"></script>',
        "https://connect.facebook.net/vi_VN/sdk.js#xfbml=1",
        "<p>Theo dõi chúng tôi trên Facebook.</p>"),
    "tiktok_pixel": (
        "<script>!function (w, d, t) { ttq.load('C4ABCD1234'); ttq.page(); }(window, document,"
        " 'ttq');</script>",
        "!function (w, d, t) { ttq.load('C4ABCD1234'); ttq.page(); }(window, document, 'ttq');",
        '<a href="https://www.tiktok.com/@anphat">TikTok</a>'),
    "hotjar": (
        "<script>(function(h,o,t,j,a,r){h._hjSettings={hjid:3456789,hjsv:6};"
        "r.src='https://static.hotjar.com/c/hotjar-'+h._hjSettings.hjid+'.js?sv=';"
        "})(window,document);</script>",
        "https://static.hotjar.com/c/hotjar-",
        "<p>Hotjar không được sử dụng trên website này.</p>"),
    "microsoft_clarity": (
        '<script type="text/javascript">(function(c,l,a,r,i,t,y){t.src="https://www.clarity.ms'
        '/tag/"+i;})(window, document, "clarity", "script", "k9x8y7z6");</script>',
        "https://www.clarity.ms/tag/",
        "<p>Clarity là tên một sản phẩm của chúng tôi.</p>"),
    "zalo": (
        '<div class="zalo-chat-widget" data-oaid="1234"></div>'
        '<script src="https://sp.zalo.me/plugins/sdk.js"></script>',
        "https://sp.zalo.me/plugins/sdk.js",
        "<p>Liên hệ qua Zalo: 0901 234 567.</p>"),
    "subiz": (
        "<script>!function(s,u,b,i,z){s._sbzaccid=z;r=['widget.subiz.net'];}"
        "(window,document,0,'subiz','acqabc123');</script>",
        "!function(s,u,b,i,z){s._sbzaccid=z;r=['widget.subiz.net'];}(window,document,0,'subiz',"
        "'acqabc123');",
        "<p>Hỗ trợ trực tuyến qua Subiz.</p>"),
    "accesstrade": (
        '<script src="assets/js/tracking.min.js"></script><script>AT.init({"campaign_id": 12,'
        ' "is_reoccur": 1}); AT.track();</script>',
        'AT.init({"campaign_id": 12, "is_reoccur": 1}); AT.track();',
        "<script>var AT = {}; AT.title = 'x';</script>"),
    "admicro": (
        '<script src="https://media1.admicro.vn/core/admcore.js"></script>',
        "https://media1.admicro.vn/core/admcore.js",
        "<p>Đối tác quảng cáo: Admicro.</p>"),
    "yandex_metrica": (
        '<script>ym(12345678, "init", {clickmap:true}); k.src="https://mc.yandex.ru/metrika/'
        'tag.js";</script>',
        "https://mc.yandex.ru/metrika/tag.js",
        "<p>Yandex là một công cụ tìm kiếm.</p>"),
    "bing_uet": (
        '<script>(function(w,d,t,r,u){var f,n,i;u.src="//bat.bing.com/bat.js";})(window,'
        'document,"script","//bat.bing.com/bat.js","uetq");</script>',
        "//bat.bing.com/bat.js",
        '<a href="https://www.bing.com">Bing</a>'),
    "linkedin_insight": (
        '<script type="text/javascript">_linkedin_partner_id = "1234567";</script>',
        '_linkedin_partner_id = "1234567";',
        '<a href="https://www.linkedin.com/company/anphat">LinkedIn</a>'),
    "twitter_pixel": (
        "<script>twq('config','o1a2b');</script>",
        "twq('config','o1a2b');",
        '<a href="https://x.com/anphat">X</a>'),
    "criteo": (
        '<script src="//static.criteo.net/js/ld/ld.js" async></script>',
        "//static.criteo.net/js/ld/ld.js",
        "<p>Criteo không nhận dữ liệu của bạn.</p>"),
    "matomo": (
        "<script>var _paq = window._paq || []; _paq.push(['trackPageView']);</script>",
        "var _paq = window._paq || []; _paq.push(['trackPageView']);",
        "<p>Matomo là phần mềm phân tích mã nguồn mở.</p>"),
}


def test_every_tracker_of_the_list_has_a_case():
    assert [t.id for t in load_trackers()] == list(CASES)
    rows = json.loads(TRACKERS_PATH.read_text(encoding="utf-8"))["trackers"]
    assert all(row["name"] and row["category"] and row["patterns"] for row in rows)


@pytest.mark.parametrize("tracker", list(CASES))
def test_tracker_found_with_its_evidence(tracker):
    loads, evidence, _ = CASES[tracker]
    page = f"<html><head>{loads}</head><body><p>Chính sách bảo mật</p></body></html>"
    rows = [row for row in find_trackers(page.encode()) if row["tracker"] == tracker]
    assert rows and rows[0]["evidence"] == evidence


@pytest.mark.parametrize("tracker", list(CASES))
def test_tracker_not_found_where_the_page_does_not_load_it(tracker):
    _, _, other = CASES[tracker]
    page = f"<html><body><h1>Chính sách bảo mật</h1>{other}</body></html>"
    assert tracker not in {row["tracker"] for row in trackers_in(page)}


def test_pdf_and_plain_text_load_nothing():
    assert find_trackers(b"%PDF-1.7 googletagmanager.com/gtm.js") == []
    assert find_trackers("Chúng tôi dùng googletagmanager.com/gtm.js".encode()) == []


def test_each_tracker_and_evidence_once_in_page_order():
    page = (CASES["facebook_pixel"][0] + CASES["google_analytics"][0]
            + CASES["facebook_pixel"][0])
    assert [row["tracker"] for row in trackers_in(page)] == ["facebook_pixel",
                                                             "google_analytics"]


PAGE = ("<html><head>" + CASES["google_analytics"][0] + CASES["facebook_pixel"][0]
        + "</head><body><h1>CHÍNH SÁCH BẢO MẬT</h1><p>Chúng tôi thu thập họ tên và số điện "
        "thoại của khách hàng để giao hàng.</p></body></html>")


@pytest.mark.slow
def test_trackers_table_from_run_and_from_the_stage_commands(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "cua-hang.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "p" / "van-ban.txt").write_text("Chính sách bảo mật.\nLiên hệ a@b.vn.",
                                                 encoding="utf-8")
    run_pipeline([tmp_path / "p"], tmp_path / "run", tmp_path / "i1", show_progress=False)
    interim = tmp_path / "i2"
    run_clean([tmp_path / "p"], interim, show_progress=False)
    run_segment(interim, show_progress=False)
    run_classify(interim, show_progress=False)
    run_extract(interim, show_progress=False)
    run_build(interim, tmp_path / "build")
    table = pd.read_parquet(tmp_path / "run" / "trackers.parquet")
    assert table.equals(pd.read_parquet(tmp_path / "build" / "trackers.parquet"))
    assert table[["doc_id", "tracker", "category"]].values.tolist() == [
        ["cua-hang", "google_analytics", "analytics"],
        ["cua-hang", "facebook_pixel", "advertising"]]
    audit = pd.read_parquet(tmp_path / "run" / "audit.parquet").set_index(["doc_id", "element"])
    cookies = audit.loc[("cua-hang", "cookies_tracking")]
    assert cookies["status"] == "absent"
    assert "google_analytics, facebook_pixel" in cookies["note"] or \
        "facebook_pixel, google_analytics" in cookies["note"]
