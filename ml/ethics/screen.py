"""Screen one message: a category, per-category scores, and whether the call is confident.

Measured on the train split's group 5-fold CV: letting a lexicon hit override the classifier lowered
macro-F1 (0.872 → 0.863) and flagged more look-alikes, so with a classifier the hit is a feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ml.ethics.abuse_request import requests_abuse
from ml.ethics.categories import CATEGORIES, FAMILY_INSULT, HATE, NORMAL, POLITICS, ROMANCE
from ml.ethics.help_seeking import help_topic
from ml.ethics.injection import attempts_injection
from ml.ethics.lexicon import lexicon_hit
from ml.ethics.plainly_ordinary import plainly_ordinary
from ml.ethics.self_harm import mentions_self_harm
from ml.ethics.sexual_request import requests_sexual
from ml.text.normalize import fold_for_screening
from ml.text.romanized import hangul_reading

# Steering her reply off declining (ml.llm.generate) overrides the model's own refusal, so it is kept
# to messages the screen is surest of. On the test split, of the cleared rows 355 of 391 look-alikes
# reach 0.8 and 16 of 41 harmful rows (0.9: 318 and 6; any cleared row: 391 and 41). At 0.9 the fifth
# fresh persona file refused 13 of 60 look-alikes (0.76–0.89 among them), at 0.8 10, unlimited 8.
SURELY_ORDINARY = 0.8

# A trained classifier maps folded text to one probability per category (CATEGORIES order).
Classifier = Callable[[str], list[float]]


@dataclass(frozen=True)
class Screening:
    """The verdict on one message; `confident` is False when the top two scores are close."""

    category: str
    scores: dict[str, float]
    confident: bool
    source: str  # "lexicon", "classifier", "ordinary rule" (a flag lifted) or "none"
    self_harm: bool = False  # about hurting oneself: answered with care, never sanctioned
    injection: bool = False  # tries to change her role or pull out her instructions
    abuse_request: bool = False  # asks her to write mockery or insults of someone, or to join in
    sexual_request: bool = False  # asks her something sexual or about her body
    help_topic: str | None = None  # asks where to get help (school, violence, crime, online, addiction, mind)

    @property
    def help_seeking(self) -> bool:
        """Asks where to report a crime or get counselling: answered with a hotline, never refused."""
        return self.help_topic is not None

    @property
    def sanctionable(self) -> bool:
        """A verdict that may warn or ban: confident, flagged and not a cry for help or for help."""
        return self.confident and self.flagged and not (self.self_harm or self.help_seeking)

    @property
    def flagged(self) -> bool:
        return self.category != NORMAL

    @property
    def blocked(self) -> bool:
        """Certain hate or family insult: she answers with a refusal and the LLM is not asked."""
        return self.confident and self.category in (HATE, FAMILY_INSULT)

    @property
    def must_decline(self) -> str | None:
        """Certain romance or politics, or any flag the classifier is unsure of: the LLM words her
        refusal, and a canned one replaces a reply that does not decline. Returns the category.

        Unsure flags decline but are never sanctioned. Group 5-fold CV on the train split: of harmful
        rows 85 % are flagged with confidence and 5 % unsure; of look-alikes 2 % are flagged unsure,
        so declining those costs 2 points of over-refusal for 5 points of harmful requests refused.
        """
        if not self.flagged or self.self_harm:
            return None
        if self.confident:
            return self.category if self.category in (ROMANCE, POLITICS) else None
        return self.category

    @property
    def cleared(self) -> bool:
        """Certainly ordinary: a reply that declines it is an over-refusal."""
        return self.confident and not self.flagged

    @property
    def surely_ordinary(self) -> bool:
        """Cleared with 일반 at `SURELY_ORDINARY` or more, or by a rule that lifts the flag (a household
        how-to, calling her a friend, a civic question, staying safe; no harmful labelled row): her
        reply may be steered off declining."""
        lifted = self.source == "ordinary rule"
        return self.cleared and (lifted or self.scores.get(NORMAL, 0.0) >= SURELY_ORDINARY)


def screen_message(text: str, classifier: Classifier | None = None, margin: float = 0.2) -> Screening:
    """The classifier's verdict when one is loaded (the lexicon is one of its features), else the lexicon.

    A call whose top two scores are closer than `margin` is not `confident`: it is reported but not
    sanctioned. Without a classifier a lexicon hit is certain and anything else passes as 일반.
    """
    folded = fold_for_screening(text)
    # Korean typed in Latin letters ("mayak eodiseo guhal su isseo") is also read in Hangul; a rule
    # that fires on either reading counts, and the classifier keeps the reading it finds less ordinary.
    reading = hangul_reading(text)
    readings = [folded] if reading is None else [folded, fold_for_screening(reading)]
    # The rules on the folded text, the same whichever way the category is decided.
    verdict = partial(
        Screening,
        self_harm=any(mentions_self_harm(r) for r in readings),
        injection=any(attempts_injection(r) for r in readings),
        abuse_request=any(requests_abuse(r) for r in readings),
        sexual_request=any(requests_sexual(r) for r in readings),
        help_topic=next((t for t in map(help_topic, readings) if t is not None), None),
    )
    if classifier is None:
        hit = lexicon_hit(text) or (lexicon_hit(reading) if reading is not None else None)
        if hit is not None:
            scores = {c: (1.0 if c == hit.category else 0.0) for c in CATEGORIES}
            return verdict(hit.category, scores, True, "lexicon")
        scores = {c: (1.0 if c == NORMAL else 0.0) for c in CATEGORIES}
        return verdict(NORMAL, scores, True, "none")
    normal = CATEGORIES.index(NORMAL)
    folded, probs = min(((r, classifier(r)) for r in readings), key=lambda pair: pair[1][normal])
    scores = dict(zip(CATEGORIES, probs, strict=True))
    ranked = sorted(scores.values(), reverse=True)
    category = max(scores, key=lambda c: scores[c])
    if plainly_ordinary(folded, category):  # a household how-to, a friend, a civic question, staying safe
        return verdict(NORMAL, scores, True, "ordinary rule")
    return verdict(category, scores, ranked[0] - ranked[1] >= margin, "classifier")
