"""Issue 20, point 11: the bounds themselves (`moqi/workforce/limits.py`) and the request schema
that applies them refuse NaN, ±inf and out-of-range values, naming the input."""

import numpy as np
import pytest
from pydantic import ValidationError

from moqi.workforce import limits
from moqi.workforce.schemas import ErlangRequest
from tests.workforce.limits_helpers import INF, NAN


@pytest.mark.parametrize(
    "bound",
    [
        limits.CALLS,
        limits.INTERVAL_S,
        limits.AHT_S,
        limits.PATIENCE_S,
        limits.THRESHOLD_S,
        limits.TARGET_SL,
        limits.AGENTS,
    ],
)
def test_no_bound_holds_nan_or_infinity(bound):
    for value in (NAN, INF, -INF, "x", None):
        assert value not in bound
        with pytest.raises(ValueError, match=bound.name):
            bound.check(value)
    with pytest.raises(ValueError, match=bound.name):
        bound.check_all(np.array([bound.high, NAN]))


def test_bounds_are_open_or_closed_as_documented():
    assert 0 in limits.CALLS and 100_000 in limits.CALLS and 100_000.5 not in limits.CALLS
    assert 0 not in limits.TARGET_SL and 1 not in limits.TARGET_SL and 0.999 in limits.TARGET_SL
    assert 0 in limits.SHRINKAGE and 1 not in limits.SHRINKAGE
    assert (
        limits.INTERVAL_S.message(1e-9)
        == "interval_s (interval length) must be between 60 and 86,400 s, not 1e-09"
    )


@pytest.mark.parametrize(
    "field", ["calls", "interval_s", "aht_s", "threshold_s", "patience_s", "target_sl", "shrinkage"]
)
def test_the_schema_refuses_non_finite_numbers(field):
    # Python callers of the schema can hand it NaN and ±inf, which JSON cannot carry.
    for value in (NAN, INF, -INF):
        with pytest.raises(ValidationError, match=field):
            ErlangRequest.model_validate(
                {"calls": 100, "interval_s": 1800, "aht_s": 180, field: value}
            )
