import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


@pytest.mark.parametrize("command", ["clean", "segment", "classify", "extract", "build", "run",
                                     "audit", "compare", "report", "train", "evaluate",
                                     "info"])
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
                                 "--profile", "gdpr", "-q"])
    assert result.exit_code == 2  # a usage error, as click reports them
    assert "'gdpr' is not one of" in result.output and "ecommerce" in result.output
    assert not (tmp_path / "o").exists()


def test_choices_are_listed_in_help_and_matched_in_any_case_issue_15(policy_dir, tmp_path):
    output = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "200"}).output
    help_text = re.sub(r"[\s│]+", "", output)  # however rich wraps the table
    for choices in ("parquet|csv|ndjson|sqlite|duckdb", "decree13|decree52|pdp|ecommerce|auto",
                    "local|dask"):
        assert choices in help_text
    out = tmp_path / "o"
    result = runner.invoke(app, ["run", str(policy_dir), "--out", str(out), "--format=CSV",
                                 "--profile", "PDP", "--engine", "LOCAL", "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "documents.csv").is_file()
    assert set(pd.read_csv(out / "audit.csv")["profile"]) == {"pdp"}


def test_version_and_info_issue_15():
    from pipeline import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"vnpolicy {__version__}"
    info = runner.invoke(app, ["info", "--json"])
    assert info.exit_code == 0, info.output
    details = json.loads(info.output)
    assert details["versions"]["vnpolicy"] == __version__
    assert details["model"]["family"] == "logreg"
    assert Path(details["model"]["path"]).is_file()
    assert "pdp" in details["inputs"]["profiles"]


@pytest.mark.parametrize("value", ["0", "-3"])
def test_workers_must_be_positive_issue_15(policy_dir, tmp_path, value):
    result = runner.invoke(app, ["run", str(policy_dir), "--out", str(tmp_path / "o"),
                                 "--workers", value], env={"TERMINAL_WIDTH": "200"})
    assert result.exit_code == 2
    assert "--workers" in result.output
    assert "greater than or equal to 1" in result.output


def test_run_without_out_or_inputs_says_what_is_missing_issue_15(policy_dir, tmp_path):
    no_out = runner.invoke(app, ["run", str(policy_dir)])
    assert no_out.exit_code == 1 and "--out DIR" in no_out.output
    no_input = runner.invoke(app, ["run", "--out", str(tmp_path / "o")])
    assert no_input.exit_code == 1 and "no input" in no_input.output


def test_out_that_is_a_file_is_a_clear_error_issue_15(policy_dir, tmp_path):
    target = tmp_path / "dataset.parquet"
    target.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["run", str(policy_dir), "--out", str(target), "-q"])
    assert result.exit_code == 1
    assert "is a file, not a folder" in result.output
    assert "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_an_empty_folder_exits_1_and_names_what_it_skipped_issue_15(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "notes.tsv").write_text("a\tb\n", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["run", str(empty), "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 1 and "no policy files in" in result.output
    result = runner.invoke(app, ["run", str(folder), "--out", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 1
    assert "1 skipped (1 not a supported type" in result.output


def test_the_defaults_write_beside_what_the_user_names_issue_15(policy_dir, tmp_path):
    out = tmp_path / "dataset"
    assert runner.invoke(app, ["run", str(policy_dir), "--out", str(out), "-q"]).exit_code == 0
    assert any((out / ".cache").iterdir())  # the cache beside the dataset
    assert runner.invoke(app, ["compare", str(out)]).exit_code == 0
    assert (out / "compare" / "coverage.parquet").is_file()
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    assert (out / "report" / "index.html").is_file()
    audit = runner.invoke(app, ["audit", str(out)])
    assert audit.exit_code == 0 and audit.output.startswith("cong-ty-a [pdp]: ")


def test_compare_report_and_audit_on_an_empty_dataset_say_so_issue_15(tmp_path):
    from pipeline.io import empty_table, write_table
    from pipeline.schema import DATASET_TABLES

    dataset = tmp_path / "d"
    for name in DATASET_TABLES:
        write_table(empty_table(name), dataset, name)
    for command in (["compare", str(dataset)], ["report", str(dataset)], ["audit", str(dataset)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, command
        assert "the dataset has no audited policy" in result.output
        assert "KeyError" not in result.output


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
    result = runner.invoke(app, ["run", str(policy_dir), "--out", str(out), "-q",
                                 "--profile", "ecommerce"])
    assert result.exit_code == 0, result.output
    assert set(pd.read_parquet(out / "audit.parquet")["profile"]) == {"decree52"}
    built = runner.invoke(app, ["audit", str(out)])
    assert built.exit_code == 0 and built.output.startswith("cong-ty-a [decree52]: ")
    again = runner.invoke(app, ["audit", str(out), "--profile", "pdp"])
    assert again.exit_code == 0 and again.output.startswith("cong-ty-a [pdp]: ")
    assert "not applicable" in again.output and "missing: " in again.output
    auto = runner.invoke(app, ["audit", str(out), "--profile", "auto"])
    assert auto.exit_code == 0 and auto.output.startswith("cong-ty-a [pdp]: ")
    bad = runner.invoke(app, ["audit", str(out), "--profile", "gdpr"])
    assert bad.exit_code == 2 and "gdpr" in bad.output  # not one of the choices


@pytest.mark.slow
def test_run_with_profile_auto_audits_each_policy_by_its_date(policy_dir, tmp_path):
    (policy_dir / "cong-ty-b.txt").write_text(
        "CHÍNH SÁCH BẢO MẬT\nCập nhật lần cuối: 15/03/2024\n"
        "Chúng tôi thu thập họ tên và email để giao hàng.\n", encoding="utf-8")
    out = tmp_path / "o"
    result = runner.invoke(app, ["run", str(policy_dir), "--out", str(out), "-q",
                                 "--profile", "auto"])
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


def test_a_folder_run_counts_what_it_skipped_and_v_lists_it_issue_15(policy_dir, tmp_path):
    (policy_dir / "ghi-chu.tsv").write_text("a\tb\n", encoding="utf-8")
    (policy_dir / "cau-hinh.json").write_text("{}", encoding="utf-8")
    (policy_dir / ".DS_Store").write_bytes(b"\0\0")
    out = tmp_path / "o"
    result = runner.invoke(app, ["run", str(policy_dir), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "1 in, 1 out, 0 failed, 3 skipped (-v lists them)" in result.output
    assert "ghi-chu.tsv" not in result.output
    listed = runner.invoke(app, ["-v", "run", str(policy_dir), "--out", str(out), "-q"])
    assert f"skipped {policy_dir / 'ghi-chu.tsv'}: not a supported type (.tsv)" in listed.output
    assert f"skipped {policy_dir / '.DS_Store'}: hidden file" in listed.output


def test_an_unsupported_file_named_explicitly_is_an_error_row_issue_15(policy_dir, tmp_path):
    named = tmp_path / "bang.json"
    named.write_text('{"chinh_sach": "bảo mật"}', encoding="utf-8")
    out = tmp_path / "o"
    result = runner.invoke(app, ["run", str(policy_dir / "cong-ty-a.txt"), str(named),
                                 "--out", str(out), "-q"])
    assert result.exit_code == 2, result.output
    errors = pd.read_parquet(out / "errors.parquet")
    assert errors["doc_id"].tolist() == ["bang"]
    assert "bang.json: not a supported type (.json)" in errors["error"][0]
    documents = pd.read_parquet(out / "documents.parquet")
    assert documents["doc_id"].tolist() == ["cong-ty-a"]


def test_a_closed_pipe_ends_the_output_quietly_issue_15(tmp_path):
    import subprocess
    import sys

    from pipeline.io import empty_table, write_table
    from pipeline.schema import DATASET_TABLES

    dataset = tmp_path / "d"
    rows = [{"doc_id": f"cong-ty-{i:04d}", "element": "purpose", "present": True,
             "evidence": [0], "note": "", "profile": "ecommerce", "legal_basis": "x"}
            for i in range(20_000)]  # more than a pipe holds
    for name in DATASET_TABLES:
        write_table(pd.DataFrame(rows) if name == "audit" else empty_table(name), dataset,
                    name)
    result = subprocess.run(f"{sys.executable} -m pipeline audit {dataset} | head -n 1",
                            shell=True, capture_output=True, text=True, check=False,
                            executable="/bin/bash")
    assert result.stdout == "cong-ty-0000 [ecommerce]: 1/1 present\n"
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


@pytest.mark.slow
def test_quiet_dask_prints_no_log_lines_and_serves_no_dashboard_issue_15(good_dir, tmp_path):
    import subprocess
    import sys

    from pipeline.batch.engines import open_engine

    result = subprocess.run([sys.executable, "-m", "pipeline", "run", str(good_dir), "--out",
                             str(tmp_path / "o"), "--engine", "dask", "--workers", "1", "-q",
                             "--no-cache"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "INFO" not in result.stderr and "distributed" not in result.stderr
    assert result.stderr.splitlines()[0] == "run: 3 in, 3 out, 0 failed"
    with open_engine("dask", 1, quiet=True) as engine:
        services = engine.client.scheduler_info()["services"]  # type: ignore[attr-defined]
    assert services.get("dashboard") != 8787  # health and metrics only, on a free port


def test_train_needs_out_and_never_touches_the_committed_model_issue_15(tmp_path):
    from pipeline.config import MODEL_PATH

    before = MODEL_PATH.read_bytes()
    result = runner.invoke(app, ["train"])
    assert result.exit_code == 1 and "--out DIR" in result.output
    assert MODEL_PATH.read_bytes() == before


@pytest.mark.parametrize("command", ["compare", "report"])
def test_compare_or_report_out_that_is_a_file_is_a_clear_error_issue_15(policy_dir, tmp_path,
                                                                          command):
    out = tmp_path / "d"
    assert runner.invoke(app, ["run", str(policy_dir), "--out", str(out), "-q"]).exit_code == 0
    target = tmp_path / "a-file"
    target.write_text("x", encoding="utf-8")
    result = runner.invoke(app, [command, str(out), "--out", str(target)])
    assert result.exit_code == 1 and "is a file, not a folder" in result.output
