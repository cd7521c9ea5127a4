import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


@pytest.mark.parametrize("command", ["clean", "segment", "classify", "extract", "build", "run",
                                     "audit", "compare", "report", "train", "evaluate"])
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


@pytest.mark.slow
def test_run_end_to_end_with_a_bad_file(policy_dir, tmp_path):
    (policy_dir / "empty.txt").write_bytes(b"")
    nested = policy_dir / "sub"
    nested.mkdir()
    (nested / "cong-ty-a.txt").write_text("Chính sách bảo mật\nLiên hệ: a@b.vn", encoding="utf-8")
    out, interim = tmp_path / "out", tmp_path / "interim"
    result = runner.invoke(app, ["run", str(policy_dir), "--out", str(out), "--interim",
                                 str(interim), "-q"])
    assert result.exit_code == 2, result.output
    documents = pd.read_parquet(out / "documents.parquet")
    assert len(documents) == 2 and documents["doc_id"].is_unique
    errors = pd.read_parquet(out / "errors.parquet")
    assert errors["error"].str.contains("empty.txt: empty file").all()
    clauses = pd.read_parquet(out / "clauses.parquet")
    texts = dict(zip(documents["doc_id"], documents["text"], strict=True))
    for row in clauses.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    facts = pd.read_parquet(out / "facts.parquet")
    for row in facts.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.value
    assert {"complaint_deadline", "retention_period", "email", "phone"} <= set(facts["type"])
    audit = pd.read_parquet(out / "audit.parquet")
    assert set(audit["element"]) >= {"controller_identity", "retention", "complaints"}
    assert set(audit["status"]) <= {"present", "absent", "not_applicable"}


@pytest.mark.slow
def test_run_is_deterministic_and_csv_works(policy_dir, tmp_path):
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = runner.invoke(app, ["run", str(policy_dir), "--out", str(out), "--interim",
                                     str(tmp_path / f"i{name}"), "-q", "--format", "csv"])
        assert result.exit_code == 0, result.output
        outputs.append({p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))})
    assert outputs[0] == outputs[1]
    assert "facts.csv" in outputs[0]


def test_missing_input_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "no such file or folder" in result.output


def test_limits_are_options(tmp_path):
    policies = tmp_path / "p"
    policies.mkdir()
    (policies / "sau.html").write_text("<div>" * 50 + "Chính sách bảo mật" + "</div>" * 50,
                                       encoding="utf-8")
    result = runner.invoke(app, ["run", str(policies), "--out", str(tmp_path / "o"),
                                 "--interim", str(tmp_path / "i"), "-q", "--workers", "1",
                                 "--max-html-depth", "20"])
    assert result.exit_code == 2
    assert "nested deeper than 20 levels" in result.output


def test_unknown_profile_is_a_clear_error(policy_dir, tmp_path):
    result = runner.invoke(app, ["run", str(policy_dir), "--out", str(tmp_path / "o"),
                                 "--interim", str(tmp_path / "i"), "--profile", "PDP", "-q"])
    assert result.exit_code == 1
    assert "unknown audit profile 'PDP'" in result.output


def test_csv_dataset_keeps_numeric_looking_doc_ids(tmp_path):
    policies = tmp_path / "p"
    policies.mkdir()
    (policies / "001.txt").write_text("Chính sách bảo mật\nLiên hệ hotro@anphat.vn.",
                                      encoding="utf-8")
    out = tmp_path / "o"
    result = runner.invoke(app, ["run", str(policies), "--out", str(out), "--interim",
                                 str(tmp_path / "i"), "-q", "--format", "csv"])
    assert result.exit_code == 0, result.output
    from pipeline.io import read_table

    assert read_table(out, "documents")["doc_id"].tolist() == ["001"]
    result = runner.invoke(app, ["report", str(out), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_audit_command_reads_the_dataset_or_audits_it_again(policy_dir, tmp_path):
    out = tmp_path / "o"
    result = runner.invoke(app, ["run", str(policy_dir), "--out", str(out), "--interim",
                                 str(tmp_path / "i"), "-q", "--profile", "ecommerce"])
    assert result.exit_code == 0, result.output
    assert set(pd.read_parquet(out / "audit.parquet")["profile"]) == {"decree52"}
    built = runner.invoke(app, ["audit", "--out", str(out)])
    assert built.exit_code == 0 and built.output.startswith("cong-ty-a [decree52]: ")
    again = runner.invoke(app, ["audit", "--out", str(out), "--profile", "pdp"])
    assert again.exit_code == 0 and again.output.startswith("cong-ty-a [pdp]: ")
    assert "not applicable" in again.output and "missing: " in again.output
    auto = runner.invoke(app, ["audit", "--out", str(out), "--profile", "auto"])
    assert auto.exit_code == 0 and auto.output.startswith("cong-ty-a [pdp]: ")
    bad = runner.invoke(app, ["audit", "--out", str(out), "--profile", "gdpr"])
    assert bad.exit_code == 1 and "unknown audit profile 'gdpr'" in bad.output


@pytest.mark.slow
def test_run_with_profile_auto_audits_each_policy_by_its_date(policy_dir, tmp_path):
    (policy_dir / "cong-ty-b.txt").write_text(
        "CHÍNH SÁCH BẢO MẬT\nCập nhật lần cuối: 15/03/2024\n"
        "Chúng tôi thu thập họ tên và email để giao hàng.\n", encoding="utf-8")
    out = tmp_path / "o"
    result = runner.invoke(app, ["run", str(policy_dir), "--out", str(out), "--interim",
                                 str(tmp_path / "i"), "-q", "--profile", "auto"])
    assert result.exit_code == 0, result.output
    audit = pd.read_parquet(out / "audit.parquet")
    assert audit.groupby("doc_id")["profile"].first().to_dict() == {
        "cong-ty-a": "pdp", "cong-ty-b": "decree13"}
    notes = audit.loc[audit["doc_id"] == "cong-ty-b", "note"]
    assert notes.str.contains("auto: policy updated 2024-03-15, so decree13").all()
    facts = pd.read_parquet(out / "facts.parquet")
    assert facts.loc[facts["type"] == "policy_date", "normalized"].tolist() == ["2024-03-15"]
    report = runner.invoke(app, ["report", str(out), "--out", str(tmp_path / "r")])
    assert report.exit_code == 0, report.output
    index = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "<h3>decree13</h3>" in index and "<h3>pdp</h3>" in index
    assert '<b>decree13</b> <span class="flag">historical</span>' in index
