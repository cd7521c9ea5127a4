"""Nothing at run time reaches the network."""

import socket

import pandas as pd
import pytest

from pipeline.batch import run_pipeline


@pytest.mark.slow
def test_pipeline_runs_with_the_network_cut(policy_dir, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    run_pipeline([policy_dir], tmp_path / "out", tmp_path / "interim", show_progress=False)
    assert len(pd.read_parquet(tmp_path / "out" / "documents.parquet")) == 1
