"""Exact and near-duplicate detection, and incremental ``dedup`` over the dataset."""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import micnews.cleaners.dedup as dd
from micnews.cleaners.dataset import DatasetWriter, articles_dir, compact, load
from micnews.cleaners.dedup import DEDUP_DIR, DedupIndex, Doc, dedup, find_duplicates, similarity
from micnews.cleaners.record import Record
from micnews.crawler.cli_dataset import dataset_app
from tests.helpers import shared

CASES = json.loads((Path(__file__).parent / "fixtures" / "dedup" / "cases.json")
                   .read_text(encoding="utf-8"))
BY_ID = {c["id"]: c for c in CASES}
FETCHED = datetime(2025, 4, 1, tzinfo=UTC)


def _date(case: dict) -> datetime | None:
    return datetime.fromisoformat(case["published_at"]) if case["published_at"] else None


def doc(case: dict) -> Doc:
    return Doc(case["url"], case["text"], _hash(case["text"]), _date(case))


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def record(case: dict, text: str | None = None) -> Record:
    body = case["text"] if text is None else text
    site = case["url"].split("/")[2]
    return Record(url=case["url"], canonical_url=None, site=site, family="generic",
                  title=case["title"], lead=None, text=body, published_at=_date(case),
                  word_count=len(body.split()), content_hash=_hash(body), fetched_at=FETCHED,
                  extractor="test")


def true_pairs() -> set[frozenset[str]]:
    pairs = set()
    for a, b in itertools.combinations(CASES, 2):
        if a["dup_group"] and a["dup_group"] == b["dup_group"]:
            pairs.add(frozenset((a["url"], b["url"])))
    return pairs


def predicted_pairs(mapping: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for u, c in mapping.items():
        groups.setdefault(c, {c}).add(u)
    return {frozenset(p) for g in groups.values() for p in itertools.combinations(sorted(g), 2)}


def test_fixtures_linked_and_distinct_not():
    mapping = find_duplicates(doc(c) for c in CASES)
    canon_a, canon_b = BY_ID["a"]["url"], BY_ID["b"]["url"]
    for variant in ("a_byline", "a_title", "a_cut", "a_lead"):
        assert mapping.get(BY_ID[variant]["url"]) == canon_a, variant
    assert mapping.get(BY_ID["b_byline_cut"]["url"]) == canon_b
    for distinct in ("a", "b", "a2", "a3"):
        assert BY_ID[distinct]["url"] not in mapping, distinct
    predicted, truth = predicted_pairs(mapping), true_pairs()
    precision = len(predicted & truth) / len(predicted)
    recall = len(predicted & truth) / len(truth)
    assert (precision, recall) == (1.0, 1.0)


def test_similarity_margins():
    """Syndicated variants well above the threshold, same-event articles well below."""
    sig = {c["id"]: dd.signature(c["text"]) for c in CASES}
    for v in ("a_byline", "a_title", "a_cut", "a_lead"):
        assert similarity(sig["a"], sig[v]) >= dd.THRESHOLD + 0.2, v
    for other in ("a2", "a3", "b"):
        assert similarity(sig["a"], sig[other]) <= 0.2, other


def test_canonical_rule_is_deterministic():
    text = BY_ID["a"]["text"]
    day = datetime(2025, 3, 14, tzinfo=UTC)
    docs = [Doc("https://x.gov.vn/long-url.html", text, "", day),
            Doc("https://y.gov.vn/a.html", text, "", day),
            Doc("https://z.gov.vn/earlier-but-longer-url.html", text + " thêm.", "",
                datetime(2025, 3, 13, tzinfo=UTC)),
            Doc("https://w.gov.vn/b.html", text, "", None)]
    for order in (docs, docs[::-1]):
        mapping = find_duplicates(order)
        assert set(mapping.values()) == {"https://z.gov.vn/earlier-but-longer-url.html"}
        assert len(mapping) == 3
    # same date: the shorter URL wins
    assert find_duplicates(docs[:2]) == {"https://x.gov.vn/long-url.html":
                                         "https://y.gov.vn/a.html"}


def test_exact_duplicates_by_content_hash_even_without_words():
    docs = [Doc("https://a.vn/1", "", "samehash"), Doc("https://a.vn/22", "...", "samehash"),
            Doc("https://a.vn/3", "", "other")]
    assert find_duplicates(docs) == {"https://a.vn/22": "https://a.vn/1"}


def write(out: Path, records: list[Record]) -> None:
    w = DatasetWriter(out, batch_size=3)
    for r in records:
        w.write(r)
    w.close()


def _dup_of(out: Path) -> dict[str, str | None]:
    t = load(out).to_table()
    return dict(zip(t.column("url").to_pylist(), t.column("dup_of").to_pylist(), strict=True))


def test_dedup_writes_dup_of_back(tmp_path):
    write(tmp_path, [record(c) for c in CASES])
    report = dedup(tmp_path)
    assert report.hashed == len(CASES) and report.near == 5 and report.exact == 0
    got = _dup_of(tmp_path)
    for c in CASES:
        want = None if c["id"] == c["dup_group"] or not c["dup_group"] else BY_ID[
            c["dup_group"]]["url"]
        assert got[c["url"]] == want, c["id"]
    glob = str(articles_dir(tmp_path) / "**" / "*.parquet")
    n = duckdb.sql(f"SELECT count(dup_of) FROM read_parquet('{glob}', hive_partitioning=false)"
                   ).fetchall()[0][0]
    assert n == 5
    assert (tmp_path / DEDUP_DIR / "signatures.parquet").exists()
    # a second run hashes nothing and rewrites nothing
    again = dedup(tmp_path)
    assert (again.hashed, again.files_rewritten, again.reused) == (0, 0, len(CASES))
    # compaction keeps dup_of
    compact(tmp_path)
    assert _dup_of(tmp_path) == got


def test_dedup_incremental_only_hashes_new_rows(tmp_path, monkeypatch):
    calls: list[str] = []
    real = dd.signature

    def counting(text, *a, **kw):
        calls.append(text[:30])
        return real(text, *a, **kw)

    monkeypatch.setattr(dd, "signature", counting)
    first = [c for c in CASES if c["id"] in ("a", "b", "a2", "a3")]
    later = [c for c in CASES if c not in first]
    write(tmp_path, [record(c) for c in first])
    r1 = dedup(tmp_path)
    assert r1.hashed == len(first) == len(calls)
    assert r1.near == r1.exact == 0
    calls.clear()
    write(tmp_path, [record(c) for c in later])
    r2 = dedup(tmp_path)
    assert r2.hashed == len(later) == len(calls), "existing signatures were recomputed"
    assert r2.reused == len(first)
    got = _dup_of(tmp_path)
    assert got[BY_ID["a_cut"]["url"]] == BY_ID["a"]["url"]
    assert got[BY_ID["b_byline_cut"]["url"]] == BY_ID["b"]["url"]
    assert got[BY_ID["a2"]["url"]] is None
    # a re-crawl with changed text re-hashes just that URL; an exact copy links by hash
    calls.clear()
    write(tmp_path, [record(BY_ID["a3"], text=BY_ID["a2"]["text"])])
    r3 = dedup(tmp_path)
    assert r3.hashed == 1 == len(calls)
    assert r3.exact == 1
    latest = load(tmp_path, dedupe=True).to_table()
    row = {u: d for u, d in zip(latest.column("url").to_pylist(),
                                latest.column("dup_of").to_pylist(), strict=True)}
    assert row[BY_ID["a3"]["url"]] == BY_ID["a2"]["url"]  # earlier published


def test_changed_parameters_rebuild_the_index(tmp_path):
    write(tmp_path, [record(c) for c in CASES[:3]])
    dedup(tmp_path)
    params = tmp_path / DEDUP_DIR / "params.json"
    stored = json.loads(params.read_text())
    stored["num_perm"] = 64
    params.write_text(json.dumps(stored))
    assert DedupIndex.load(tmp_path / DEDUP_DIR).entries == {}
    assert dedup(tmp_path).hashed == 3


def test_cli_dedup_and_stats(tmp_path):
    write(tmp_path, [record(c) for c in CASES])
    runner = CliRunner()
    r = runner.invoke(dataset_app, ["dedup", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "5 near" in r.output
    r = runner.invoke(dataset_app, ["stats", "--out", str(tmp_path), "--json"])
    data = json.loads(r.stdout)
    assert (data["near_duplicates"], data["exact_duplicates"]) == (5, 0)


@pytest.mark.parametrize("k", [3, 5, 7])
def test_shingle_sizes_keep_fixture_separation(k):
    """The choice of k=5 is not knife-edge: 3 and 7 separate the fixtures too."""
    sig = {c["id"]: dd.signature(c["text"], k=k) for c in CASES}
    assert similarity(sig["a"], sig["a_lead"]) >= 0.5
    assert similarity(sig["a"], sig["a2"]) < 0.3


def test_real_distinct_articles_not_linked():
    """Precision on real text: the seed articles in ../shared are all different articles."""
    seeds = sorted(shared("seeds").glob("*.txt"))
    assert len(seeds) >= 2
    docs = [Doc(p.name, p.read_text(encoding="utf-8", errors="replace")) for p in seeds]
    assert find_duplicates(docs) == {}
    # ...while each is linked to a copy of itself with a paragraph cut and a byline
    variants = []
    for d in docs:
        paras = [p for p in d.text.split("\n") if p.strip()]
        if len(paras) >= 4:
            cut = paras[:2] + paras[3:] + ["Nguyễn Văn A (tổng hợp)"]
            variants.append(Doc(d.url + "#copy", "\n".join(cut)))
    assert variants
    mapping = find_duplicates(docs + variants)
    assert mapping == {v.url: v.url.removesuffix("#copy") for v in variants}


def test_numpy_banding_matches_datasketch_lsh():
    """candidate_pairs finds exactly the pairs datasketch's MinHashLSH would."""
    from datasketch import LeanMinHash, MinHashLSH

    texts = [c["text"] for c in CASES]
    sigs = dd.np.stack([dd.signature(t) for t in texts])
    lsh = MinHashLSH(threshold=dd.THRESHOLD, num_perm=dd.NUM_PERM)
    for i, s in enumerate(sigs):
        lsh.insert(i, LeanMinHash(seed=dd.SEED, hashvalues=s, scheme=dd.SCHEME))
    want = {(min(i, j), max(i, j)) for i, s in enumerate(sigs)
            for j in lsh.query(LeanMinHash(seed=dd.SEED, hashvalues=s, scheme=dd.SCHEME))
            if i != j}
    every = dd.np.ones(len(sigs), dtype=bool)
    assert dd.candidate_pairs(sigs, every, *dd.lsh_params()) == want
    assert len(want) >= 11
    # only pairs touching a new row; old-old pairs are left to the stored links
    only_last = dd.np.zeros(len(sigs), dtype=bool)
    only_last[1] = True  # a_byline
    got = dd.candidate_pairs(sigs, only_last, *dd.lsh_params())
    assert got and all(1 in p for p in got)
    # a bucket of many copies: each new row paired with at most `cap` others
    copies = dd.np.repeat(sigs[:1], 10, axis=0)
    assert len(dd.candidate_pairs(copies, dd.np.ones(10, dtype=bool), 25, 5, cap=2)) <= 20
