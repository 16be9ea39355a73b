"""Stories in the pipeline (issue 17): the run's :class:`~newsfacts.stories.StoryIndex`, built from the warehouse
at run start, and the step that gives each chunk's new articles their ``story_id`` before it is validated.

- :func:`story_index`: every stored article's (article_id, story_id, story_signature), in a fixed order
  (published_date, nulls last; article_id: the order ``assign_batch`` uses within a batch). A row written before
  the story columns existed (an older warehouse: null signature) is backfilled with ``Signature.of_text`` of its
  text, and keeps its stored story_id, or names a story of its own; its stored row is not rewritten (the views
  count a null story_id as a story of its own).
- :func:`extract_frames <newsfacts.pipeline.frames.extract_frames>` (the workers) writes each article's
  ``story_signature`` and a provisional ``story_id`` (its own id).
- :func:`assign_stories` (through :func:`~newsfacts.pipeline.frames.with_stories`): per chunk, in the flow's
  process and in chunk order, ``assign_batch`` over the chunk's articles sets their ``story_id``; an article the
  index already holds (reprocessed) keeps its story.

Rejected articles
    The flow assigns a chunk's stories *after* its validation, over the articles that passed: an article whose
    row Great Expectations rejects (it goes to ``quarantine``, with all its rows) never enters the index, so no
    later article of the run can join a story whose first article is not in the warehouse (a ``story_id`` always
    names a stored article). The provisional ``story_id`` (the article's own id) is what is validated; the
    assigned one is the id of an article that passed validation. Across runs the index is built from the stored
    articles only, so quarantined inputs are never in it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from newsfacts.storage import AnyWarehouse
from newsfacts.stories import BatchItem, Signature, StoryIndex, StoryRecord

STORY_COLUMNS = ["article_id", "published_date", "story_id", "story_signature"]


def story_index(warehouse: AnyWarehouse) -> StoryIndex:
    """The index of every article the warehouse holds, to assign the run's new articles against."""
    arts = warehouse.read("articles", STORY_COLUMNS).to_pydict()
    rows = sorted(
        zip(
            arts["article_id"], arts["published_date"], arts["story_id"], arts["story_signature"], strict=True
        ),
        key=lambda r: (r[1] is None, r[1] or date.min, r[0]),
    )
    texts: dict[str, str] = {}
    if any(r[3] is None for r in rows):  # an older warehouse: signatures from the stored texts
        old = warehouse.read("articles", ["article_id", "text", "story_signature"]).to_pydict()
        texts = {
            a: t
            for a, t, s in zip(old["article_id"], old["text"], old["story_signature"], strict=True)
            if s is None
        }
    return StoryIndex.from_records(
        StoryRecord(
            aid,
            story or aid,
            Signature.from_bytes(sig) if sig is not None else Signature.of_text(texts.get(aid) or ""),
        )
        for aid, _, story, sig in rows
    )


def assign_stories(articles: pd.DataFrame, index: StoryIndex) -> pd.DataFrame:
    """A chunk's article rows with ``story_id`` set by ``index`` (which then holds the articles)."""
    if not len(articles):
        return articles
    items = [
        BatchItem(
            str(aid),
            str(text),
            published if isinstance(published, date) else None,
            Signature.from_bytes(sig) if isinstance(sig, bytes) else None,
        )
        for aid, text, published, sig in zip(
            articles["article_id"],
            articles["text"],
            articles["published_date"],
            articles["story_signature"],
            strict=True,
        )
    ]
    story = {a.article_id: a.story_id for a in index.assign_batch(items)}
    out = articles.copy()
    out["story_id"] = pd.Series([story[str(a)] for a in articles["article_id"]], index=articles.index)
    return out
