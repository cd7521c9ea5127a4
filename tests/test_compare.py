"""`vnpolicy compare`: coverage, periods, contacts, scores and template families."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.batch import run_pipeline
from pipeline.cli import app
from pipeline.compare import compare_dataset, load_dataset, run_compare
from pipeline.compare.tables import completeness_scores
from pipeline.compare.templates import components, diff_clauses, find_families, shingles, syllables
from pipeline.config import CompareParams
from pipeline.errors import PipelineError
from pipeline.io import read_table
from pipeline.schema import COMPARE_TABLES

TEMPLATE = (
    "CHÍNH SÁCH BẢO MẬT THÔNG TIN\n"
    "1. Mục đích và phạm vi thu thập thông tin\n"
    "{name} thu thập họ tên, số điện thoại, địa chỉ email và địa chỉ giao hàng của khách hàng "
    "khi đặt hàng trên website {site}.\n"
    "Thông tin được sử dụng để xử lý đơn hàng, giao hàng và chăm sóc khách hàng.\n"
    "2. Phạm vi sử dụng thông tin\n"
    "{name} chỉ sử dụng thông tin cá nhân trong nội bộ công ty và không bán cho bên thứ ba.\n"
    "3. Thời gian lưu trữ thông tin\n"
    "Dữ liệu cá nhân được lưu trữ trong {months} tháng kể từ ngày giao dịch cuối cùng.\n"
    "4. Những người hoặc tổ chức có thể được tiếp cận với thông tin\n"
    "Đơn vị vận chuyển và đối tác thanh toán được tiếp cận thông tin cần thiết để hoàn thành "
    "đơn hàng.\n"
    "5. Địa chỉ của đơn vị thu thập và quản lý thông tin cá nhân\n"
    "{name}, email {email}, hotline {phone}.\n"
    "6. Quyền của khách hàng đối với thông tin cá nhân\n"
    "Khách hàng có quyền yêu cầu xem, chỉnh sửa hoặc xóa thông tin cá nhân của mình.\n"
    "{extra}"
    "7. Cơ chế tiếp nhận và giải quyết khiếu nại\n"
    "Thời gian xử lý khiếu nại là 07 ngày làm việc kể từ khi nhận được phản ánh.\n"
    "8. Cam kết bảo mật thông tin cá nhân\n"
    "Chúng tôi áp dụng các biện pháp kỹ thuật và mã hóa để bảo vệ thông tin cá nhân.\n"
)
EXTRA_CLAUSE = ("Khách hàng có thể rút lại sự đồng ý bất cứ lúc nào bằng cách gửi email cho "
                "chúng tôi.")
POLICIES = {
    "hoa-sen": TEMPLATE.format(name="Công ty TNHH Hoa Sen", site="hoasen.vn", months="24",
                               email="hotro@hoasen.vn", phone="1900 1234", extra=""),
    "binh-minh": TEMPLATE.format(name="Công ty TNHH Bình Minh", site="binhminh.com.vn",
                                 months="12", email="cskh@binhminh.com.vn",
                                 phone="1900 5678", extra=EXTRA_CLAUSE + "\n"),
    "anh-duong": (
        "THÔNG BÁO VỀ XỬ LÝ DỮ LIỆU CÁ NHÂN\n"
        "Phòng khám Nha khoa Ánh Dương là bên kiểm soát dữ liệu của bệnh nhân.\n"
        "Hồ sơ bệnh án được giữ 10 năm theo luật khám bệnh, chữa bệnh.\n"
        "Bệnh nhân liên hệ bacsi.anhduong@gmail.com để hỏi về dữ liệu của mình.\n"
    ),
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two policies from one template and one unrelated notice, through the whole pipeline."""
    root = tmp_path_factory.mktemp("compare")
    for doc_id, text in POLICIES.items():
        (root / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    run_pipeline([root], root / "dataset", root / "interim", show_progress=False)
    return root / "dataset"


@pytest.fixture(scope="module")
def tables(dataset: Path) -> dict[str, pd.DataFrame]:
    return compare_dataset(load_dataset(dataset))


@pytest.mark.slow
def test_coverage_is_one_row_per_policy_and_column_per_element(tables):
    coverage = tables["coverage"]
    assert coverage["doc_id"].tolist() == ["anh-duong", "binh-minh", "hoa-sen"]
    assert list(coverage.columns[:2]) == ["doc_id", "profile"]
    assert {"controller_identity", "retention", "complaints"} <= set(coverage.columns[2:])
    assert set(coverage["profile"]) == {"pdp"}
    assert coverage.set_index("doc_id").loc[["hoa-sen", "binh-minh"],
                                            "controller_identity"].all()


@pytest.mark.slow
def test_completeness_counts_only_the_applicable_elements(tables, dataset):
    coverage = tables["coverage"].set_index("doc_id").drop(columns="profile")
    audit = read_table(dataset, "audit")
    for row in tables["completeness"].itertuples():
        mine = audit[audit["doc_id"] == row.doc_id].set_index("element")["status"]
        assert row.n_present == coverage.loc[row.doc_id].sum() == (mine == "present").sum()
        assert row.n_elements == (mine != "not_applicable").sum() < coverage.shape[1]
        assert row.score == pytest.approx(row.n_present / row.n_elements, abs=1e-4)
        assert set(row.missing) == set(mine.index[mine == "absent"])
        assert set(row.not_applicable) == set(mine.index[mine == "not_applicable"])
    assert tables["completeness"]["score"].is_monotonic_decreasing


def test_completeness_follows_each_policys_own_profile():
    audit = pd.DataFrame({
        "doc_id": ["a", "a", "b", "b", "b"], "profile": ["decree52"] * 2 + ["pdp"] * 3,
        "element": ["purpose", "contact", "consent", "children", "retention"],
        "present": [True, False, True, False, False],
        "status": ["present", "absent", "present", "not_applicable", "absent"]})
    table = completeness_scores(audit, pd.DataFrame(columns=["doc_id"])).set_index("doc_id")
    assert table.loc["a", "profile"] == "decree52" and table.loc["a", "n_elements"] == 2
    assert table.loc["b", "n_elements"] == 2 and table.loc["b", "score"] == 0.5
    assert list(table.loc["b", "not_applicable"]) == ["children"]


@pytest.mark.slow
def test_periods_count_policies_per_value(tables):
    periods = tables["periods"].set_index(["type", "value"])
    deadline = periods.loc[("complaint_deadline", "7")]
    assert deadline["n_policies"] == 2
    assert "working_days" in deadline["qualifier"].split(";")
    assert list(deadline["doc_ids"]) == ["binh-minh", "hoa-sen"]
    assert list(periods.loc[("retention_period", "730"), "doc_ids"]) == ["hoa-sen"]
    assert periods.loc[("retention_period", "365"), "days"] == 365


@pytest.mark.slow
def test_contact_channels_and_free_mail(tables):
    contacts = tables["contacts"].set_index("doc_id")
    assert list(contacts.loc["hoa-sen", "emails"]) == ["hotro@hoasen.vn"]
    assert contacts.loc["hoa-sen", "n_phones"] == 1
    assert not contacts.loc["hoa-sen", "free_mail"]
    assert contacts.loc["anh-duong", "free_mail"]
    assert contacts.loc["anh-duong", "n_phones"] == 0


@pytest.mark.slow
def test_templated_policies_form_one_family(tables):
    families = tables["template_families"]
    assert len(families) == 1
    assert list(families.iloc[0]["doc_ids"]) == ["binh-minh", "hoa-sen"]
    assert families.iloc[0]["min_jaccard"] >= CompareParams().family_threshold
    pair = tables["template_pairs"].iloc[0]
    assert (pair["doc_a"], pair["doc_b"]) == ("binh-minh", "hoa-sen")
    assert pair["n_same"] >= 8 and pair["n_changed"] >= 2 and pair["n_only_a"] >= 1


@pytest.mark.slow
def test_template_diffs_name_the_clauses_that_differ(tables):
    diffs = tables["template_diffs"]
    only = diffs[diffs["change"] == "only_a"]
    assert EXTRA_CLAUSE in only["text_a"].tolist()
    assert (only["clause_b"] == -1).all() and (only["text_b"] == "").all()
    changed = diffs[diffs["change"] == "changed"]
    assert changed["text_a"].str.contains("Bình Minh").any()
    assert changed["text_b"].str.contains("Hoa Sen").any()
    assert not diffs["change"].eq("same").any()


@pytest.mark.slow
def test_boilerplate_groups_shared_clauses(tables):
    boilerplate = tables["boilerplate"]
    assert len(boilerplate) >= 5
    assert all(list(doc_ids) == ["binh-minh", "hoa-sen"] for doc_ids in boilerplate["doc_ids"])
    assert boilerplate["text"].str.contains("Đơn vị vận chuyển và đối tác thanh toán").any()


@pytest.mark.slow
def test_cli_compare_writes_every_table_deterministically(dataset, tmp_path):
    runner = CliRunner()
    outputs = []
    for name in ("a", "b"):
        result = runner.invoke(app, ["compare", str(dataset), "--out", str(tmp_path / name),
                                     "--format", "csv"])
        assert result.exit_code == 0, result.output
        outputs.append({p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())})
    assert outputs[0] == outputs[1]
    assert sorted(outputs[0]) == sorted(f"{name}.csv" for name in COMPARE_TABLES)
    assert list(read_table(tmp_path / "a", "template_families")["doc_ids"].iloc[0]) == [
        "binh-minh", "hoa-sen"]


@pytest.mark.slow
def test_run_compare_parquet_round_trip(dataset, tmp_path):
    written = run_compare(dataset, tmp_path)
    for name in COMPARE_TABLES:
        assert len(read_table(tmp_path, name)) == len(written[name])


def test_compare_without_a_dataset_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["compare", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "no table 'documents'" in result.output


def test_syllables_ignore_case_and_punctuation():
    assert syllables("Hotline: 1900 1234.") == syllables("hotline 1900-1234")


def test_shingles_of_a_short_text_is_the_text():
    assert shingles(["bảo", "mật"], 3) == {"bảo mật"}
    assert shingles([], 3) == set()


def test_components_join_chains():
    assert components([("c", "d"), ("a", "b"), ("b", "c"), ("x", "y")]) == [
        ["a", "b", "c", "d"], ["x", "y"]]


def test_find_families_without_running_the_pipeline():
    families = find_families(POLICIES)
    assert [f.doc_ids for f in families] == [("binh-minh", "hoa-sen")]
    assert families[0].family_id == "T1"
    assert find_families(POLICIES, CompareParams(family_threshold=0.99)) == []


def test_diff_clauses_pairs_edited_clauses():
    a = pd.DataFrame({"clause_id": [0, 1, 2], "text": [
        "Công ty TNHH Hoa Sen thu thập họ tên và số điện thoại của khách hàng.",
        "Dữ liệu được lưu trữ trong 24 tháng.", "Liên hệ hotro@hoasen.vn."]})
    b = pd.DataFrame({"clause_id": [0, 1], "text": [
        "Công ty TNHH Bình Minh thu thập họ tên và số điện thoại của khách hàng.",
        "Dữ liệu được lưu trữ trong 24 tháng!"]})
    changes = {(d["change"], d["clause_a"], d["clause_b"]) for d in diff_clauses(a, b)}
    assert changes == {("changed", 0, 0), ("same", 1, 1), ("only_a", 2, -1)}


def test_a_threshold_of_one_is_refused():
    with pytest.raises(PipelineError, match="between 0 and 1"):
        find_families(POLICIES, CompareParams(family_threshold=1.0))
