"""GX validations give the same results with each expectation's configuration built once per validation."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from newsfacts import quality
from newsfacts.quality import Validator
from newsfacts.tables import TABLES
from tests.test_quality import amounts_frame


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def gx_result(validator: Validator, name: str, frame: pd.DataFrame, memoised: bool) -> dict[str, Any]:
    """GX's full result for one table (without its run metadata and generated ids), memoised or not."""
    batch = validator._batches.get(name)
    if batch is None:
        validator.validate(name, frame)
        batch = validator._batches[name]
    fmt = {"result_format": "COMPLETE", "unexpected_index_column_names": [TABLES[name].row_id]}
    b = batch.get_batch(batch_parameters={"dataframe": frame})
    if memoised:
        with quality._configurations_memoised():
            result = b.validate(validator.suites[name], result_format=fmt)
    else:
        result = b.validate(validator.suites[name], result_format=fmt)
    doc = result.to_json_dict()
    doc.pop("meta", None)
    for r in doc["results"]:
        r.get("expectation_config", {}).pop("id", None)
    return dict(json.loads(json.dumps(doc, sort_keys=True, default=str)))


@pytest.mark.parametrize(
    "rows",
    [
        ({}, {"unit": "percent", "value": 15.0}),  # all good
        ({"value": 1e30},),  # out of every range
        ({"unit": "percent", "value": 1e5}, {"unit": "USD", "value": 2e9}),  # the unit kind's range only
        ({"value_kind": "weight"}, {"qualifier": None}),
        ({"start_char": 20, "end_char": 5}, {"article_id": "not-an-id"}),
        ({"amount_id": "dup"}, {"amount_id": "dup"}),  # a table-level failure
    ],
)
def test_memoised_configurations_give_gx_the_same_results(
    validator: Validator, rows: tuple[dict[str, object], ...]
) -> None:
    frame = amounts_frame(*rows)
    assert gx_result(validator, "amounts", frame, True) == gx_result(validator, "amounts", frame, False)


def test_the_memo_lives_for_one_validation_only(validator: Validator) -> None:
    validator.validate("amounts", amounts_frame({}))
    assert getattr(quality._MEMO, "configurations", None) is None
    exp = validator.suites["amounts"].expectations[0]
    assert exp.configuration is not exp.configuration  # outside a validation, GX's own behaviour
    with quality._configurations_memoised():
        assert exp.configuration is exp.configuration
