"""Article languages: py3langid over passages, the majority of letters wins; short texts by their script."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsfacts.extract.language import CANDIDATES, LanguageDetector, passages
from newsfacts.tables import TABLES
from tests.conftest import REPO, shared_path

# samples written for these tests, in the style of the regional news the pipeline reads
SAMPLES = [
    (
        "en",
        "Kazakhstan and Azerbaijan agreed on Tuesday to double the volume of cargo shipped across the Caspian "
        "Sea by 2027, the two governments said in a joint statement. Officials expect the Middle Corridor to "
        "carry more than four million tonnes this year, as shippers look for routes that avoid Russia.",
    ),
    (
        "kk",
        "Қазақстан мен Әзербайжан Каспий теңізі арқылы тасымалданатын жүк көлемін 2027 жылға қарай екі есе "
        "арттыруға келісті. Үкімет мәліметінше, биыл Орта дәліз арқылы төрт миллион тоннадан астам жүк "
        "тасымалданады. Су тасқынынан зардап шеккен ауылдардың тұрғындары үйлеріне орала бастады.",
    ),
    (
        "az",
        "Azərbaycan və Qazaxıstan 2027-ci ilə qədər Xəzər dənizi ilə daşınan yüklərin həcmini iki dəfə "
        "artırmağa razılaşıblar. Hökumətin məlumatına görə, bu il Orta Dəhliz vasitəsilə dörd milyon tondan "
        "çox yük daşınacaq. Nazirlik bildirib ki, yeni terminalın tikintisi gələn il başa çatacaq.",
    ),
    (
        "ru",
        "Казахстан и Азербайджан договорились к 2027 году удвоить объем грузов, перевозимых через Каспийское "
        "море, сообщили правительства двух стран. По оценке чиновников, в этом году по Среднему коридору "
        "пройдет более четырех миллионов тонн грузов.",
    ),
    (
        "ru",  # a Russian article quoting English stays Russian
        'Министр иностранных дел Великобритании заявил журналистам: "We will continue to support the '
        'Middle Corridor and the countries of Central Asia". По его словам, Лондон готов вложить в проекты '
        "региона около 200 млн фунтов. Эксперты считают, что интерес Запада к транзиту через Казахстан и "
        "Азербайджан будет расти, пока действуют санкции против России.",
    ),
    (
        "ru",  # Tengrinews-like: Russian text from Kazakhstan, Kazakh names and a glued Latin source name
        "Президент Касым-Жомарт Токаев подписал закон о защите прав женщин, передаетTengrinews.kzсо ссылкой "
        "наAkorda.kz.В Атырауской области из-за паводка эвакуированы жители поселка Құлсары, сообщили в "
        "акимате. Уровень воды в реке Жайык за сутки поднялся на 40 сантиметров.",
    ),
    ("ky", "Кыргызстан менен Казакстан энергетика тармагында кызматташуу боюнча макулдашты."),
    ("uk", "Україна та Казахстан домовилися про співпрацю у сфері енергетики та транспорту."),
    ("ru", "Он пошел домой и лег спать. Утром он проснулся и пошел гулять."),
    ("ru", "Погода в Астане"),  # a very short text: by its script
    ("ru", "В Алматы выпал снег."),
    ("kk", "Ауа райы: Астанада қар жауады"),
    ("en", "Oil prices fell on Monday."),
]

# a mixed article follows its majority: two Russian paragraphs and one English one, and the other way round
MIXED = [
    ("ru", [SAMPLES[3][1], SAMPLES[5][1], SAMPLES[0][1][:120]]),
    ("en", [SAMPLES[0][1], SAMPLES[0][1].replace("Tuesday", "Monday"), SAMPLES[3][1][:120]]),
]


@pytest.fixture(scope="session")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(("expected", "text"), SAMPLES, ids=[f"{e}-{t[:24]}" for e, t in SAMPLES])
def test_the_language_of_a_sample(detector: LanguageDetector, expected: str, text: str) -> None:
    assert detector.detect(text) == expected


LONG = [(e, t) for e, t in SAMPLES if len(t) > 100]


@pytest.mark.parametrize(("expected", "text"), LONG, ids=[f"{e}-{t[:24]}" for e, t in LONG])
def test_the_model_alone_agrees(detector: LanguageDetector, expected: str, text: str) -> None:
    """The shortcut for plainly Russian letters never decides what the model would not."""
    assert detector.by_model(text) == expected


@pytest.mark.parametrize(("expected", "paragraphs"), MIXED, ids=[e for e, _ in MIXED])
def test_a_mixed_article_follows_its_majority(
    detector: LanguageDetector, expected: str, paragraphs: list[str]
) -> None:
    assert detector.detect("\n".join(paragraphs)) == expected


def test_the_title_counts_with_the_text(detector: LanguageDetector) -> None:
    assert detector.detect("Погода", title="В Астане завтра ожидается снег и сильный ветер") == "ru"


def test_a_text_without_letters_is_russian(detector: LanguageDetector) -> None:
    """The pipeline reads Russian news: digits alone carry no other language."""
    assert detector.detect("2024 — 15 %, 300") == "ru"


def test_passages_keep_sentences_whole() -> None:
    text = " ".join(f"Предложение номер {i}." for i in range(60))
    parts = passages(text, size=100)
    assert " ".join(parts) == text and all(p.endswith(".") for p in parts)


def test_every_candidate_is_an_allowed_language() -> None:
    column = next(c for c in TABLES["articles"].columns if c.name == "language")
    assert column.allowed is not None and set(CANDIDATES) <= set(column.allowed)


_KAZAKH_LETTER = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)


def _kazakh_title(title: str) -> bool:
    """A headline written in Kazakh: at least a third of its words have letters only Kazakh uses (a Russian
    headline may quote one Kazakh name, "Таза Қазақстан")."""
    words = title.split()
    return bool(words) and sum(bool(_KAZAKH_LETTER.search(w)) for w in words) >= len(words) / 3


@pytest.mark.slow
def test_tengrinews_is_russian_except_its_kazakh_articles(detector: LanguageDetector) -> None:
    """Real Tengrinews articles (Russian from Kazakhstan, Kazakh names, glued Latin source names, a few articles
    in Kazakh): every one gets the language its headline is written in."""
    path = shared_path("corpus", "news", "tengrinews_news_2024-04-12_17.jsonl")
    wrong = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        item = json.loads(line)
        expected = "kk" if _kazakh_title(item["title"]) else "ru"
        if detector.detect(item["content"], item["title"]) != expected:
            wrong.append((expected, item["title"]))
    assert not wrong


@pytest.mark.slow
def test_news_from_russia_is_russian(detector: LanguageDetector) -> None:
    """RT's articles on Central Asia and the Caspian, full of Turkic and English names: all Russian."""
    path = shared_path("corpus", "news", "russia_today_central_asia_subset.jsonlines")
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    wrong = [i["title"] for i in items if i.get("content") and detector.detect(i["content"], i["title"]) != "ru"]
    assert not wrong


def test_articles_not_in_russian_are_counted_by_language() -> None:
    import pandas as pd

    from newsfacts.pipeline import Frames, articles_not_in_russian, articles_without_topics

    arts = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "language": ["ru", "en", "kk", "en"]})
    frames = Frames({"articles": arts, "topics": pd.DataFrame({"article_id": ["a"]})}, {"a", "b", "c", "d"})
    assert articles_not_in_russian(frames) == {"en": 2, "kk": 1}
    assert articles_without_topics(frames) == 0  # the untagged English and Kazakh articles are counted apart


def test_the_cli_summary_shows_articles_not_in_russian() -> None:
    from flows.cli import format_summary

    summary = {
        "run_id": "r", "warehouse": "w", "n_inputs": 4, "n_new": 4, "n_skipped": 0, "n_duplicates": 0,
        "n_quarantined": 0, "rows_written": {"articles": 4}, "validation_success": True,
        "validation_rejected_rows": 0, "elapsed_s": 1.0, "n_not_russian": 3,
        "not_russian_by_language": {"en": 2, "kk": 1},
    }  # fmt: skip
    assert "3 articles in en, kk: kept without facts (en 2, kk 1)" in format_summary(summary, 1.0)
    summary["not_russian_by_language"] = {}
    assert "articles in languages other than Russian: none" in format_summary(summary, 1.0)


@pytest.mark.slow
def test_a_run_labels_languages_and_extracts_only_russian(tmp_path: Path) -> None:
    """The real CLI over a Russian seed and an English article: both kept with their language, facts only
    for the Russian one, and the summary counts the English one."""
    import duckdb

    src = tmp_path / "src"
    src.mkdir()
    seed = REPO / "seeds" / "000_7b51122feffa36ca.txt"
    (src / "ru.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "en.txt").write_text(
        "date 2025-12-18\ntitle: Caspian cargo to double\n\n" + SAMPLES[0][1] + "\n", encoding="utf-8"
    )
    wh = tmp_path / "wh"
    env = {
        **os.environ, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false",
    }  # fmt: skip
    cmd = [sys.executable, "-m", "flows.cli", "run", str(src), "--warehouse", str(wh), "--json"]
    out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary["n_new"] == 2
    assert summary["n_not_russian"] == 1 and summary["not_russian_by_language"] == {"en": 1}

    con = duckdb.connect()
    languages = dict(
        con.execute(
            f"select source_uri, language from read_parquet('{wh}/articles/**/*.parquet')"
        ).fetchall()
    )
    assert languages == {"en.txt": "en", "ru.txt": "ru"}
    facts: dict[str, int] = {}
    for table in ("date_mentions", "amounts", "trade_facts", "topics", "entities"):
        rows = con.execute(
            f"select a.source_uri, count(*) from read_parquet('{wh}/{table}/**/*.parquet') t "
            f"join read_parquet('{wh}/articles/**/*.parquet') a using (article_id) group by 1"
        ).fetchall()
        for uri, n in rows:
            facts[uri] = facts.get(uri, 0) + n
    assert set(facts) == {"ru.txt"}  # the English article has no facts at all; the Russian one has


def test_plainly_russian_articles_never_load_the_model() -> None:
    """The model costs a second and ~100 MB per process: a run of ordinary Russian articles does without it."""
    detector = LanguageDetector()
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        assert detector.detect(seed.read_text(encoding="utf-8")) == "ru"
    assert detector._loaded is None


def test_program_code_left_in_a_scraped_page_does_not_vote(detector: LanguageDetector) -> None:
    """An RT interview with three embedded players' scripts (longer, in letters, than its Russian prose)."""
    script = (
        'jwplayer.key="kESrsgULvYO7r2MfUelqj3vs+2i8JdQBqjGNmA=="; jwplayer("js-mediaplayer-58b5aab7c4618").setup({'
        'advertising: {client: "vast", admessage: "Advertising", skipoffset: 5, tag: "https://example.org/vast?'
        'site=rt&section=business&format=preroll"}, abouttext: "RT", aboutlink: "https://russian.rt.com/about", '
        'autostart: false, width: "100%", aspectratio: "16:9", image: "https://cdn.example.org/poster.jpg", '
        'sources: [{file: "https://cdn.example.org/video/interview.mp4", label: "HD"}], primary: "html5"});'
    )
    prose = (
        "— В 2016 году прибыль ЕАБР составила свыше $160 млн. Какие инвестпроекты обеспечили такой показатель? "
        "— Прежде всего, мы существенно сократили все наши издержки. Второе — изменили финансовую модель банка. "
        "Мы провели обратный выкуп наших бумаг и, соответственно, сократили траты по купонам."
    )
    assert detector.detect("\n".join([prose, script, script, script])) == "ru"
