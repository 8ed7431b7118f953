"""Ingest on a Dask cluster into a real SPARQL server: the same graph as a local ingest, by the API and by ``kg ingest --dask``."""

from __future__ import annotations

import pytest
from conftest import FakeExtractor

from kg.cli import cli
from kg.loaders import LoadOptions
from kg.store import close_store, export, open_store

dask_distributed = pytest.importorskip("dask.distributed")

SUBSET = ("batch0[01]/*",)  # 100 of the generated articles


@pytest.mark.slow
@pytest.mark.server
def test_distributed_dask_ingest_equals_local(tmp_path, generated_articles, export_of, runner):
    from kg.distributed import ingest_dask
    from kg.server import Server

    local, expected = export_of(generated_articles, extractor=FakeExtractor(), include=SUBSET)
    cluster_args = {"n_workers": 2, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
    with (
        Server(tmp_path / "server", read_only=False) as server,
        dask_distributed.LocalCluster(**cluster_args) as cluster,
        dask_distributed.Client(cluster) as client,
    ):
        report = ingest_dask(
            generated_articles,
            server.query_url,
            client=client,
            npartitions=3,
            extractor="conftest:FakeExtractor",
            options=LoadOptions(include=SUBSET),
        )
        assert report.summary() == local.summary()
        # the command line, on the same cluster: rewriting every article changes nothing
        args = ["ingest", str(generated_articles), "--endpoint", server.query_url, "--dask", cluster.scheduler_address]
        result = runner.invoke(cli, [*args, "--include", SUBSET[0], "--extractor", "conftest:FakeExtractor"])
        assert result.exit_code == 0, result.output
        assert local.summary() in result.output
    ds = open_store(tmp_path / "server", read_only=True)
    try:
        assert export(ds) == expected
    finally:
        close_store(ds)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--store", "s"], "give --endpoint URL, not --store"),
        (["--endpoint", "http://127.0.0.1:9", "--shard", "0/2"], "leave out --shard and --workers"),
    ],
)
def test_distributed_cli_dask_needs_an_endpoint_alone(runner, tmp_path, articles_dir, extra, message):
    result = runner.invoke(cli, ["ingest", str(articles_dir), "--dask", "tcp://127.0.0.1:9", *extra])
    assert result.exit_code == 2 and message in result.output
