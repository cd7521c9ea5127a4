"""Policies that arrive as web source files: JSX/TSX components, TS objects, Markdown."""

from pathlib import Path

from pipeline.clean import clean_bytes, clean_text

TSX_PAGE = '''"use client";
import Head from "next/head";

const PrivacyPolicy = () => {
  return (
    <>
      <h1 className="text-2xl">CHÍNH SÁCH BẢO MẬT</h1>
      <p>
        Công ty{" "}
        <strong>An Bình</strong> cam kết bảo mật thông tin của khách hàng.
      </p>
      <p>Cập nhật lần cuối: {new Date().toLocaleDateString("vi-VN")}</p>
      <ul>
        <li>Họ tên, số điện thoại</li>
      </ul>
    </>
  );
};

export default PrivacyPolicy;
'''

TS_OBJECT = '''  privacy: {
    title: "Chính sách bảo mật",
    slug: "chinh-sach",
    sections: [
      { heading: "1. Mục đích thu thập", items: ["Chúng tôi thu thập họ tên và email."] },
    ],
  },
'''

TEMPLATE_PAGE = '''import React from "react";
const page = () => {
  const html = `
<h2>CHÍNH SÁCH BẢO MẬT</h2>
<p>Thông tin được lưu trữ trong 12 tháng.</p>
<p>Mọi thắc mắc xin liên hệ hotro@anbinh.vn để được hỗ trợ.</p>
`;
  return <div dangerouslySetInnerHTML={{ __html: html }} />;
};
export default page;
'''


def _clean(text: str, name: str) -> str:
    return clean_bytes(text.encode("utf-8"), Path(name)).text


def test_tsx_component_keeps_the_rendered_text_only():
    text = _clean(TSX_PAGE, "chinh-sach.tsx.txt")
    assert text.split("\n")[0] == "CHÍNH SÁCH BẢO MẬT"
    assert "Công ty An Bình cam kết bảo mật thông tin của khách hàng." in text
    assert "- Họ tên, số điện thoại" in text
    for code in ("import", "export", "useClient", "{", "=>", "className", "toLocaleDateString"):
        assert code not in text


def test_tsx_is_recognised_without_the_suffix():
    assert "import" not in _clean(TSX_PAGE, "chinh-sach.txt")


def test_typescript_object_gives_its_strings_one_per_line():
    text = _clean(TS_OBJECT, "policies.ts.txt")
    assert text == ("Chính sách bảo mật\n1. Mục đích thu thập\n"
                    "Chúng tôi thu thập họ tên và email.")


def test_template_literal_of_html_is_read_as_html():
    text = _clean(TEMPLATE_PAGE, "page.tsx.txt")
    assert text.split("\n") == ["CHÍNH SÁCH BẢO MẬT", "Thông tin được lưu trữ trong 12 tháng.",
                                "Mọi thắc mắc xin liên hệ hotro@anbinh.vn để được hỗ trợ."]


def test_markdown_keeps_headings_and_drops_link_and_emphasis_syntax():
    md = ("# Chính sách bảo mật\n\n## 1. Liên hệ\n\n- **Email:** [hotro@anbinh.vn]"
          "(mailto:hotro@anbinh.vn)  \n- Xem [chính sách cookie](https://anbinh.vn/cookie)\n"
          "\n---\n\n*Có hiệu lực từ ngày 01/07/2026.*\n")
    text = _clean(md, "privacy.md")
    assert text.split("\n") == [
        "# Chính sách bảo mật", "", "## 1. Liên hệ", "", "- Email: hotro@anbinh.vn",
        "- Xem chính sách cookie (https://anbinh.vn/cookie)", "",
        "Có hiệu lực từ ngày 01/07/2026."]


def test_template_placeholders_are_not_taken_for_code():
    text = _clean("Công ty {{ten_cong_ty}} thu thập {ho_ten} của bạn.\n", "a.txt")
    assert text == "Công ty {{ten_cong_ty}} thu thập {ho_ten} của bạn."


def test_jsx_residue_in_copied_text_is_dropped():
    raw = ("Cập nhật lần cuối: {new Date().toLocaleDateString('vi-VN')}\n"
           "{privacyPolicy.map((item) => (\n{item.id}. {item.title}\nHọ tên khách hàng\n")
    assert _clean(raw, "a.txt") == "Cập nhật lần cuối:\nHọ tên khách hàng"


def test_a_bullet_alone_on_its_line_joins_its_item():
    assert clean_text("•\nThông tin cá nhân:\nHọ tên") == "- Thông tin cá nhân:\nHọ tên"
