"""Whole NG articles (../shared/corpus/news/ng_0) whose subject the tagger must rank first.

Each row names an article by its archive and headline; the tagger sees its title and full text only (never
the URL or the section). The rows are articles whose subject rests on terms frequent across the corpus
("президент", "власть", "политика": damped only above ``damp_df``), plus articles of other subjects that
must keep theirs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from newsfacts.extract.topics import TopicTagger

SHARED = Path(__file__).resolve().parents[2] / "shared"
NEWS = SHARED / "corpus" / "news"

POLITICS = "medtop:11000000"
ECONOMY = "medtop:04000000"
SPORT = "medtop:15000000"
ARTS = "medtop:01000000"
CONFLICT = "medtop:16000000"


@lru_cache(maxsize=4)
def _articles(archive: str) -> dict[str, tuple[str, str]]:
    """The archive's articles with text, by headline (the first of repeated headlines), read as the bench does."""
    from bench.eval_topic_sections import load

    out: dict[str, tuple[str, str]] = {}
    for article in load(NEWS / f"{archive}.jsonlines.zip"):
        if article.text.strip():
            out.setdefault(article.title, (article.title, article.text))
    return out


@pytest.fixture(scope="module")
def tagger() -> TopicTagger:
    return TopicTagger()


# (archive, headline, the IPTC level-1 topic that must rank first, level-1 topics that must not)
ARTICLES = [
    # a TV-politics column: talk shows and YouTube, but the subject is party politics
    pytest.param("ng_0", '"Партия Интернета" против "партии телевизора"', POLITICS, set(), id="politics-tv"),
    # an opposition leader's campaign, with court hearings in the background
    pytest.param(
        "ng_0",
        "Михаил Саакашвили призывает  к объединению оппозиции",
        POLITICS,
        set(),
        id="politics-opposition",
    ),
    # negatives: articles of other subjects keep them
    pytest.param("ng_0", "Променяли ВТО на Олимпиаду", ECONOMY, {SPORT}, id="economy-wto"),
    pytest.param("ng_0", "Молдавия закупает летальное оружие", CONFLICT, {SPORT}, id="conflict-arms"),
]


@pytest.mark.parametrize(("archive", "title", "first", "not_first"), ARTICLES)
def test_ng_article_subject(
    tagger: TopicTagger, archive: str, title: str, first: str, not_first: set[str]
) -> None:
    if not (NEWS / f"{archive}.jsonlines.zip").exists():
        pytest.skip(
            f"{NEWS / archive}.jsonlines.zip is absent: this test needs ../shared beside the checkout"
        )
    found = _articles(archive).get(title)
    assert found is not None, f"{title!r} not in {archive}"
    result = tagger.tag(*found)
    assert result, "no topic"
    top = [(t.topic_label, t.score, t.evidence[:80]) for t in result[:3]]
    assert result[0].iptc_level1 == first, top
    assert result[0].iptc_level1 not in not_first, top
