"""Stories wired into the pipeline (issue 17), end to end: the real `newsfacts run` (Prefect flow, GX, Parquet
publish) over real RT articles, read back with `newsfacts query` (DuckDB views).

Run 1 ingests a real trade article and another real RT article on trade (same topic, another text); run 2 gets
a syndicated copy of the first (a new headline line, a reworded sentence, a site's tagline, a new title): it must
join its original's story across runs, through the signatures the first run stored, and the figure both state
must be one ``trade_figures`` row with n_articles = 2 and n_stories = 1. Run 2 also gets another outlet's
article (a real unrelated RT text) that states the figure's sentence with another value: both rows are flagged
conflicting, and the report highlights them.

Also here: an article rejected by validation is never a story another article joins (the real flow with a
stricter articles suite), and a warehouse written before the story columns existed (articles without
story_id/story_signature, local and Delta on a moto S3 server) accepts a run.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsfacts import pipeline as nf
from newsfacts.storage import Warehouse
from newsfacts.stories import NUM_PERM, Signature
from tests.conftest import REPO
from tests.test_stories import NEWS, RT, art, needs_news, new_headline, reword, tagline

pytestmark = [pytest.mark.slow, needs_news]

BASE = f"{RT}#L72"  # Russian exports in 2016; states Russia-China turnover in US dollars
SAME_TOPIC = f"{RT}#L58"  # another RT article on foreign trade
UNRELATED = f"{RT}#L34"  # an FSB detention: shares no text with the trade articles
FIGURE = "$69,525 млрд"  # the original's Russia-China turnover of 2016 (69,525 billion dollars)
OTHER_FIGURE = "$79,525 млрд"  # what the other outlet says
NEWSFACTS = [sys.executable, "-m", "flows.cli"]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "GX_ANALYTICS_ENABLED": "false",
    }
    return subprocess.run([*NEWSFACTS, *args], cwd=REPO, capture_output=True, text=True, timeout=900, env=env)


def query(wh: Path | str, sql: str) -> list[dict[str, str]]:
    """Rows of ``newsfacts query --format csv`` (every value a string, as the CLI prints it)."""
    out = cli("query", sql, "--warehouse", str(wh), "--format", "csv")
    assert out.returncode == 0, out.stderr[-3000:]
    return list(csv.DictReader(io.StringIO(out.stdout)))


def corpus_line(uri: str) -> dict[str, object]:
    """The corpus' JSON object of ``<file>#L<n>`` (its raw input, as the source holds it)."""
    name, line = uri.split("#L")
    with (NEWS / name).open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, start=1):
            if n == int(line):
                return dict(json.loads(raw))
    raise KeyError(uri)


def write_jsonl(path: Path, obj: dict[str, object]) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    root = tmp_path_factory.mktemp("stories")
    src, wh = root / "src", root / "wh"
    src.mkdir()
    write_jsonl(src / "a_original.jsonl", corpus_line(BASE))
    write_jsonl(src / "b_same_topic.jsonl", corpus_line(SAME_TOPIC))
    first = cli("run", str(src), "--warehouse", str(wh), "--no-ner", "--json")
    assert first.returncode == 0, first.stderr[-3000:]
    original = corpus_line(BASE)
    text = art(BASE).article.text
    copy = {
        **original,
        "title": "Экспорт России вырос: главное",
        "summary": "",
        "url": "https://example.kz/economy/russia-export-copy",
        "content": tagline(reword(new_headline(text))),
    }
    write_jsonl(src / "c_copy.jsonl", copy)  # arrives in the second run
    write_jsonl(src / "d_other_outlet.jsonl", other_outlet(text))
    second = cli("run", str(src), "--warehouse", str(wh), "--no-ner", "--json")
    assert second.returncode == 0, second.stderr[-3000:]
    return (
        wh,
        json.loads(first.stdout.strip().splitlines()[-1]),
        json.loads(second.stdout.strip().splitlines()[-1]),
    )


def other_outlet(text: str) -> dict[str, object]:
    """Another outlet's article: a real unrelated RT text, then the original's sentence stating the figure with
    another value (the same indicator, countries, period and unit)."""
    [sentence] = [s for s in sentences_of(text) if FIGURE in s]
    unrelated = corpus_line(UNRELATED)
    return {
        **unrelated,
        "content": art(UNRELATED).article.text + "\n\n" + sentence.replace(FIGURE, OTHER_FIGURE),
    }


def sentences_of(text: str) -> list[str]:
    from newsfacts.extract.text import sentences

    return [text[a:b] for a, b in sentences(text).spans]


def _articles(wh: Path) -> dict[str, dict[str, str]]:
    rows = query(
        wh,
        "select source_uri, article_id, story_id, octet_length(story_signature) as sig_bytes, run_id "
        "from articles order by source_uri",
    )
    return {r["source_uri"].split("#")[0]: r for r in rows}


def test_a_copy_in_a_later_run_joins_its_originals_story(two_runs: tuple[Path, dict, dict]) -> None:
    wh, first, second = two_runs
    assert (first["n_new"], second["n_new"]) == (2, 2)
    arts = _articles(wh)
    original, copy = arts["a_original.jsonl"], arts["c_copy.jsonl"]
    assert original["run_id"] != copy["run_id"]  # the copy came in the later run
    assert original["story_id"] == original["article_id"]  # the first article names its story
    assert copy["story_id"] == original["article_id"]
    assert copy["article_id"] != original["article_id"]  # a copy with edits is its own article row
    assert all(r["sig_bytes"] == str(NUM_PERM * 4) for r in arts.values())


def test_another_article_on_the_same_topic_is_another_story(two_runs: tuple[Path, dict, dict]) -> None:
    arts = _articles(two_runs[0])
    assert arts["b_same_topic.jsonl"]["story_id"] == arts["b_same_topic.jsonl"]["article_id"]
    assert arts["b_same_topic.jsonl"]["story_id"] != arts["a_original.jsonl"]["story_id"]
    assert arts["d_other_outlet.jsonl"]["story_id"] == arts["d_other_outlet.jsonl"]["article_id"]


def test_a_figure_of_both_copies_is_one_trade_figures_row(two_runs: tuple[Path, dict, dict]) -> None:
    wh = two_runs[0]
    arts = _articles(wh)
    rows = query(
        wh,
        "select indicator, partners, unit, value, n_articles, n_stories, conflicting, example_article_id "
        "from trade_figures where indicator = 'turnover' and partners = 'CN;RU' and unit = 'USD' "
        "order by value",
    )
    assert rows, "the Russia-China turnover figures are missing from trade_figures"
    [row] = [r for r in rows if float(r["value"]) == 69_525_000_000.0]  # "69,525 млрд долларов" in 2016
    assert (row["n_articles"], row["n_stories"]) == ("2", "1")
    assert row["example_article_id"] in (
        arts["a_original.jsonl"]["article_id"],
        arts["c_copy.jsonl"]["article_id"],
    )
    # every figure the copy states as the original does counts the two as one story
    multi = query(wh, "select n_articles, n_stories from trade_figures where n_articles > 1")
    assert multi and all(int(r["n_articles"]) - int(r["n_stories"]) == 1 for r in multi)


def test_another_outlets_value_of_the_figure_is_flagged_conflicting(
    two_runs: tuple[Path, dict, dict],
) -> None:
    wh = two_runs[0]
    rows = query(
        wh,
        "select value, n_articles, n_stories, conflicting, conflicting_values from trade_figures "
        "where indicator = 'turnover' and partners = 'CN;RU' and unit = 'USD' and period_start = '2016-01-01' "
        "and value_kind = 'absolute' order by value",
    )
    by_value = {float(r["value"]): r for r in rows}
    mine, theirs = by_value[69_525_000_000.0], by_value[79_525_000_000.0]
    assert (mine["n_articles"], mine["n_stories"], theirs["n_articles"], theirs["n_stories"]) == (
        "2",
        "1",
        "1",
        "1",
    )
    assert mine["conflicting"] == theirs["conflicting"] == "True"
    assert "79525000000" in mine["conflicting_values"] and "69525000000" in theirs["conflicting_values"]
    # the report's "Figures reported by several sources" highlights both
    out = cli("report", "--warehouse", str(wh), "--out", str(wh / "report.html"))
    assert out.returncode == 0, out.stderr[-3000:]
    html = (wh / "report.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="figures">') : html.index('<section id="pairs">')]
    conflicts = [r for r in section.split("<tr")[1:] if r.startswith(' class="conflict"')]
    assert any("69 525 000 000 USD" in r and "conflict: 79 525 000 000" in r for r in conflicts)
    assert any("79 525 000 000 USD" in r and "conflict: 69 525 000 000" in r for r in conflicts)


def test_reprocessing_keeps_the_stories(two_runs: tuple[Path, dict, dict]) -> None:
    """The index the next run builds from the warehouse: every article with its stored story and signature."""
    wh = two_runs[0]
    arts = _articles(wh)
    index = nf.known_state(Warehouse(wh)).stories
    assert len(index) == 4
    assert {a["article_id"]: index.story_of(a["article_id"]) for a in arts.values()} == {
        a["article_id"]: a["story_id"] for a in arts.values()
    }
    stored = Warehouse(wh).read("articles", ["article_id", "text"]).to_pydict()
    sigs = {r.article_id: r.signature for r in index.records()}
    for aid, text in zip(stored["article_id"], stored["text"], strict=True):
        assert sigs[aid] == Signature.of_text(text)


# --- a rejected article is never a story to join ------------------------------------------------------------

REJECTED_URL = "https://example.org/rejected-by-validation"


@pytest.fixture
def url_rejecting_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's Great Expectations validator with one more articles expectation: no article from
    ``REJECTED_URL`` (as a stricter suite would reject a real article; the real engine, the real flow)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    from newsfacts.pipeline import shared
    from newsfacts.quality import Validator

    validator = Validator()
    suite = validator.suites["articles"]
    extra = gxe.ExpectColumnValuesToNotBeInSet(column="url", value_set=[REJECTED_URL])
    validator.suites["articles"] = gx.ExpectationSuite(
        name=suite.name, expectations=[*suite.expectations, extra]
    )
    monkeypatch.setattr(shared, "_VALIDATORS", [validator])


def test_an_article_rejected_by_validation_is_no_story_its_copy_joins(
    url_rejecting_validator: None, tmp_path: Path
) -> None:
    """The original (published first) is rejected; its copy in the same run and chunk must start its own story,
    not join one whose first article is in quarantine, not in the warehouse."""
    from flows.pipeline import articles_pipeline

    src, wh = tmp_path / "src", tmp_path / "wh"
    src.mkdir()
    original = corpus_line(BASE) | {"url": REJECTED_URL, "date": "2017-01-10"}
    copy = corpus_line(BASE) | {
        "url": "https://example.kz/economy/russia-export-copy",
        "date": "2017-01-11",
        "content": tagline(reword(new_headline(art(BASE).article.text))),
    }
    write_jsonl(src / "a_original.jsonl", original)
    write_jsonl(src / "c_copy.jsonl", copy)
    summary = articles_pipeline(source=str(src), warehouse=str(wh), ner=False)
    assert (summary["n_new"], summary["validation_success"]) == (1, True)
    [rejected] = query(wh, "select source_uri, stage, reason, table_name from quarantine")
    assert rejected == {
        "source_uri": "a_original.jsonl#L1",
        "stage": "validate",
        "reason": "expect_column_values_to_not_be_in_set",
        "table_name": "articles",
    }
    [row] = query(wh, "select source_uri, article_id, story_id from articles")
    assert row["source_uri"] == "c_copy.jsonl#L1"
    assert row["story_id"] == row["article_id"]  # a story of its own: the one it copies is not stored
    figures = query(wh, "select n_articles, n_stories from trade_figures")
    assert figures and all((r["n_articles"], r["n_stories"]) == ("1", "1") for r in figures)


# --- a warehouse written before the story columns existed ---------------------------------------------------

STORY_COLUMNS = ("story_id", "story_signature")


def old_warehouse(location: str, src: Path) -> None:
    """A warehouse as newsfacts wrote it before issue 17: articles without story_id and story_signature (the
    real extraction of ``src`` published under the old articles contract)."""
    import dataclasses

    from newsfacts.storage import open_warehouse
    from newsfacts.tables import TABLES

    known = nf.KnownState({}, {}, {})
    versions = nf.versions_of(nf.shared_extractors(False, load_ner=False))
    batch = nf.read_inputs(src, known, versions, False, 10_000_000)
    plan = nf.parse_and_identify(batch.inputs, known, "run-old")
    frames = nf.extract_frames(plan.articles, nf.shared_extractors(False), "run-old")
    frames.tables["articles"] = frames.tables["articles"].drop(columns=list(STORY_COLUMNS))
    old = dataclasses.replace(
        TABLES["articles"],
        columns=tuple(c for c in TABLES["articles"].columns if c.name not in STORY_COLUMNS),
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(TABLES, "articles", old)
        wh = open_warehouse(location)
        wh.initialise("run-old")
        nf.publish(wh, frames, plan.sources, [], "run-old")
        assert not set(STORY_COLUMNS) & set(wh.read("articles").column_names)


@pytest.fixture(scope="module")
def s3_env() -> Iterator[dict[str, str]]:
    from tests.s3util import moto_env

    with moto_env("stories-wh") as s3:
        yield s3.env


@pytest.mark.parametrize("backend", ["local", "delta"])
def test_a_warehouse_without_the_story_columns_accepts_a_run(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    write_jsonl(src / "a_original.jsonl", corpus_line(BASE))
    location = str(tmp_path / "wh")
    if backend == "delta":
        request.getfixturevalue("s3_env")
        location = f"s3://stories-wh/{tmp_path.name}"
    old_warehouse(location, src)
    copy = corpus_line(BASE) | {
        "title": "Экспорт России вырос: главное",
        "url": "https://example.kz/economy/russia-export-copy",
        "content": tagline(reword(new_headline(art(BASE).article.text))),
    }
    write_jsonl(src / "c_copy.jsonl", copy)
    run = cli("run", str(src), "--warehouse", location, "--no-ner", "--json")
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout.strip().splitlines()[-1])["n_new"] == 1
    rows = query(
        location, "select source_uri, article_id, story_id, story_signature is null as unsigned from articles"
    )
    arts = {r["source_uri"].split("#")[0]: r for r in rows}
    original, copied = arts["a_original.jsonl"], arts["c_copy.jsonl"]
    assert (original["story_id"], original["unsigned"]) == ("", "True")  # the old row is not rewritten
    assert (copied["story_id"], copied["unsigned"]) == (original["article_id"], "False")  # its story, by text
    [figure] = query(
        location,
        "select n_articles, n_stories from trade_figures where indicator = 'turnover' and partners = 'CN;RU' "
        "and unit = 'USD' and value = 69525000000",
    )
    assert (figure["n_articles"], figure["n_stories"]) == ("2", "1")
    again = cli("run", str(src), "--warehouse", location, "--no-ner", "--json")  # the index of mixed rows
    assert again.returncode == 0 and json.loads(again.stdout.strip().splitlines()[-1])["n_new"] == 0
