"""An experiment's design, pure: which arm a contact is in, how many contacts each arm needs,
and whether a variant line can be shown at all.

The fixed horizon is the stopping rule: the sample per arm is set before the start from the
smallest effect worth finding, and the decision is made only once both arms reach it. Interim
numbers are shown, but looking at them does not stop the test, so repeated looks do not
inflate the false-positive rate.
"""

from __future__ import annotations

import hashlib
import math
import re

from scipy.stats import norm

from moqi.content.scripts import placeholder_problem
from moqi.errors import Invalid

ARMS = ("control", "variant")
ALPHA = 0.05
POWER = 0.8
MAX_VARIANT = 300  # characters: a line an agent reads out, not a paragraph
MAX_PER_ARM = 100_000


def arm(experiment_id: int, contact_id: int) -> str:
    """The arm of a contact: stable (the same contact is always in the same arm of one
    experiment) and independent between experiments (the id is hashed with the contact's)."""
    digest = hashlib.sha256(f"moqi-ab:{experiment_id}:{contact_id}".encode()).digest()
    return ARMS[digest[0] & 1]


def per_arm(mde: float, sd: float, alpha: float = ALPHA, power: float = POWER) -> int:
    """Contacts needed in each arm to find a difference of means `mde` with a two-sided test at
    level `alpha` and the given power, the outcome's standard deviation being `sd`:

        n = ⌈ 2 · (z₁₋α/₂ + z_power)² · sd² / mde² ⌉

    (α = 0.05, power 0.8: z = 1.95996 and 0.84162; mde 0.2, sd 0.5 → ⌈98.1⌉ = 99).
    """
    if not (isinstance(mde, int | float) and isinstance(sd, int | float)):
        raise Invalid("mde and sd must be numbers")
    if not (math.isfinite(mde) and math.isfinite(sd)) or mde <= 0 or sd <= 0:
        raise Invalid("the minimum detectable effect and the standard deviation must be > 0")
    z = float(norm.ppf(1 - alpha / 2) + norm.ppf(power))
    n = math.ceil(2 * z * z * sd * sd / (mde * mde))
    if n > MAX_PER_ARM:
        raise Invalid(
            f"{n} contacts per arm is more than this install can run ({MAX_PER_ARM}); "
            "test a larger effect"
        )
    return max(n, 2)


def variant_text(text: object, control: str) -> str:
    """The variant line checked as a script's text is: not empty, not too long, every
    placeholder one a call can fill, and different from the line it tests."""
    if not isinstance(text, str):
        raise Invalid("the variant must be text")
    clean = text.strip()
    if not clean:
        raise Invalid("the variant line is empty")
    if len(clean) > MAX_VARIANT:
        raise Invalid(f"the variant line is longer than {MAX_VARIANT} characters")
    if re.search(r"[{}]", re.sub(r"\{[^{}]*\}", "", clean)):
        raise Invalid("the variant has a brace that opens or closes no placeholder")
    problem = placeholder_problem(clean)
    if problem:
        raise Invalid(problem)
    if clean == control.strip():
        raise Invalid("the variant is the same as the published line")
    return clean
