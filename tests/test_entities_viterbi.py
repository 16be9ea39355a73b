"""``entities.viterbi_decode`` changes the NER's speed, not its tags: the same tag sequences as slovnet's own
``CRF.decode`` on the NER model's scores of real sentences, alone and padded in one batch, and the same spans as
natasha's plain NewsNERTagger."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from newsfacts.extract.entities import EntityExtractor, viterbi_decode

SENTENCES = [
    # (sentence, the entity texts natasha finds in it)
    (
        "Президент Казахстана Касым-Жомарт Токаев встретился в Астане с Ильхамом Алиевым.",
        ("Казахстана", "Касым-Жомарт Токаев", "Астане", "Ильхамом Алиевым"),
    ),
    (
        "Об этом сообщила официальный представитель МИД России Мария Захарова.",
        ("МИД", "России", "Мария Захарова"),
    ),
    ("Погода в понедельник будет тёплой, дожди пройдут к вечеру.", ()),
    ("Токаев", ()),  # one token, no sentence around it: natasha tags nothing
    ("«Газпром» и ExxonMobil подписали соглашение в Баку.", ("Газпром", "ExxonMobil", "Баку")),
]


@pytest.fixture(scope="module")
def taggers() -> tuple[Any, EntityExtractor]:
    from natasha import NewsEmbedding, NewsNERTagger

    return NewsNERTagger(NewsEmbedding()), EntityExtractor(context=False)


def _scores(tagger: Any, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The NER model's tag scores for ``texts`` in one padded batch, and its mask of real tokens."""
    from slovnet.exec.infer import text_words

    infer = tagger.infer
    batch = next(infer.encoder([text_words(t) for t in texts]))
    return infer.model(batch.word_id, batch.shape_id, batch.pad_mask), ~batch.pad_mask


@pytest.mark.parametrize(("sentence", "entities"), SENTENCES)
def test_same_tags_and_spans(
    taggers: tuple[Any, EntityExtractor], sentence: str, entities: tuple[str, ...]
) -> None:
    plain, ours = taggers
    crf = plain.infer.model.head.crf
    emissions, mask = _scores(plain, [sentence])
    want = crf.decode(emissions, mask)
    got = viterbi_decode(crf.transitions.array, emissions, mask)
    assert [t.tolist() for t in got] == [t.tolist() for t in want]
    spans = [(s.start, s.stop, s.type) for s in ours._ner(sentence).spans]
    assert spans == [(s.start, s.stop, s.type) for s in plain(sentence).spans]
    assert tuple(sentence[s:e] for s, e, _ in spans) == entities


def test_same_tags_padded_batch(taggers: tuple[Any, EntityExtractor]) -> None:
    """Sentences of different lengths in one batch: the padded positions change nothing."""
    plain, _ours = taggers
    crf = plain.infer.model.head.crf
    emissions, mask = _scores(plain, [s for s, _ in SENTENCES])
    assert not mask.all()  # some sentences are padded
    want = crf.decode(emissions, mask)
    got = viterbi_decode(crf.transitions.array, emissions, mask)
    assert [t.tolist() for t in got] == [t.tolist() for t in want]


def test_ties_take_the_first_tag() -> None:
    """Equal scores: the first tag wins, as numpy's argmax in slovnet's decode."""
    from slovnet.exec.model import CRF

    transitions = np.zeros((3, 3), dtype=np.float32)
    emissions = np.array([[[1, 1, 0], [0, 2, 2], [5, 5, 5]]], dtype=np.float32)
    mask = np.ones((1, 3), dtype=bool)
    want = CRF(transitions=type("W", (), {"array": transitions})()).decode(emissions, mask)
    got = viterbi_decode(transitions, emissions, mask)
    assert [t.tolist() for t in got] == [t.tolist() for t in want] == [[0, 1, 0]]
