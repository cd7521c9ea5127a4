"""What a run reads: file names that are not UTF-8, symlinks, and the files runs write."""

from __future__ import annotations

import os

import pandas as pd
from typer.testing import CliRunner

from pipeline.cli import app

from .conftest import POLICY
from .test_isolation import invoke, tables

runner = CliRunner()


def test_file_names_that_are_not_utf8_work_issue_16(good_dir, tmp_path):
    """`caf\\xe9.txt` (Latin-1 bytes): surrogate-escaped on the way in, hashed as bytes,
    written as `\\xe9` in the tables; two such names stay apart."""
    for raw in (b"caf\xe9.txt", b"caf\xe8.txt"):
        (good_dir / os.fsdecode(raw)).write_text(POLICY.format(name="cafe"), "utf-8")
    (good_dir / "rong.txt").write_bytes(b"")  # and an error row naming such a folder
    result = invoke(good_dir, tmp_path, "--workers", "1")
    assert result.exit_code == 2, result.output
    documents = tables(tmp_path)["documents"].set_index("doc_id")
    assert {"caf\\xe9", "caf\\xe8"} <= set(documents.index)
    assert documents.loc["caf\\xe9", "source_path"].endswith("policies/caf\\xe9.txt")
    again = invoke(good_dir, tmp_path, "--workers", "1", "--format", "csv")
    assert again.exit_code == 2, again.output
    assert "caf\\xe9" in set(pd.read_csv(tmp_path / "out" / "documents.csv")["doc_id"])


def test_stage_commands_take_names_that_are_not_utf8_issue_16(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / os.fsdecode(b"ch\xednh.txt")).write_text(POLICY.format(name="a"), "utf-8")
    result = runner.invoke(app, ["clean", str(folder), "--interim", str(tmp_path / "i"), "-q"])
    assert result.exit_code == 0, result.output
    clean = pd.read_parquet(tmp_path / "i" / "clean" / "documents.parquet")
    assert list(clean["doc_id"]) == ["ch\\xednh"]


def test_symlinks_are_not_followed_outside_the_input_folders_issue_16(good_dir, tmp_path):
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "bi-mat.txt").write_text("Mật khẩu máy chủ nội bộ là abc123.", encoding="utf-8")
    (good_dir / "lien-ket.txt").symlink_to(outside / "bi-mat.txt")
    (good_dir / "thu-muc").symlink_to(outside, target_is_directory=True)
    (good_dir / "ban-sao.txt").symlink_to(good_dir / "hoasen.txt")  # inside: followed
    result = invoke(good_dir, tmp_path, "--workers", "1")
    assert result.exit_code == 0, result.output
    documents = tables(tmp_path)["documents"]
    assert set(documents["doc_id"]) == {"hoasen", "binhminh", "anhduong", "ban-sao"}
    assert not documents["text"].str.contains("abc123").any()
    allowed = invoke(good_dir, tmp_path, "--workers", "1", "--follow-symlinks")
    assert allowed.exit_code == 0, allowed.output
    assert "lien-ket" in set(tables(tmp_path)["documents"]["doc_id"])


def test_a_report_or_dataset_inside_the_input_folder_is_never_read_back_issue_16(good_dir,
                                                                                  tmp_path):
    out = good_dir / "bo-du-lieu"
    run = ["run", str(good_dir), "--out", str(out), "--interim", str(good_dir / "tam"),
           "--workers", "1", "-q"]
    assert runner.invoke(app, run).exit_code == 0
    report = runner.invoke(app, ["report", str(out), "--out", str(good_dir / "bao-cao")])
    assert report.exit_code == 0, report.output
    assert list((good_dir / "bao-cao").rglob("*.html"))
    assert runner.invoke(app, [*run, "--format", "csv"]).exit_code == 0
    assert len(pd.read_csv(out / "documents.csv")) == 3


def test_a_right_to_left_override_in_a_file_name_is_shown_escaped_issue_16(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "chinh-sach\u202etxt.exe.txt").write_text(POLICY.format(name="a"), "utf-8")
    result = invoke(folder, tmp_path, "--workers", "1")
    assert result.exit_code == 0, result.output
    documents = tables(tmp_path)["documents"]
    assert list(documents["doc_id"]) == ["chinh-sach\\u202etxt.exe"]
    assert not documents["source_path"].str.contains("\u202e").any()
