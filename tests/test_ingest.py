"""Ingest end to end with a model-free extractor: counts, skips, idempotence."""

from __future__ import annotations

from kg.ingest import IngestReport, ingest
from kg.store import close_store, export, open_store, stats


def test_ingest_counts_and_skips(articles_dir, fake_extractor):
    ds = open_store()
    report = ingest(articles_dir, ds, extractor=fake_extractor)
    assert report.articles == 3
    assert sorted(e.path for e in report.skipped) == ["broken.txt", "empty.txt"]
    assert report.events["Lawsuit"] == 3
    assert stats(ds)["articles"] == 3


def test_ingest_twice_is_byte_identical(tmp_path, articles_dir, fake_extractor):
    ds = open_store(tmp_path / "s")
    ingest(articles_dir, ds, extractor=fake_extractor)
    first = export(ds)
    ingest(articles_dir, ds, extractor=fake_extractor)
    assert export(ds) == first
    close_store(ds)


def test_ingest_callbacks(articles_dir, fake_extractor):
    seen, errors = [], []
    ingest(articles_dir, open_store(), extractor=fake_extractor, on_article=seen.append, on_error=errors.append)
    assert len(seen) == 3 and len(errors) == 2


def test_ingest_report_summary_plural():
    r = IngestReport(articles=1)
    r.entities["Firm"] = 2
    assert r.summary() == "1 article, 2 entities (Firm 2), 0 events, 0 skipped"
