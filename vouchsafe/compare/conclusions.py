"""The report's conclusions, written from the measured figures (never typed in per scenario).

Two modes are called different only when the 95% interval of their difference excludes zero;
otherwise the text says there is no measurable difference on these runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from vouchsafe.compare.glossary import plain_name
from vouchsafe.compare.replicates import Counts, ModeSummary
from vouchsafe.compare.stats import Estimate, difference
from vouchsafe.compare.study import Study
from vouchsafe.compare.transcript import PROVIDER

REFERENCE_MODE = "tpsi"


def pct(e: Estimate | None) -> str:
    """``62% (95% interval 41-79%)`` or ``n/a``."""
    if e is None:
        return "n/a"
    return f"{100 * e.value:.0f}% (95% interval {100 * e.low:.0f}-{100 * e.high:.0f}%)"


def count(e: Estimate, digits: int = 0) -> str:
    """``12 (95% interval 3-40)``."""
    return f"{e.value:,.{digits}f} (95% interval {e.low:,.{digits}f}-{e.high:,.{digits}f})"


def ratio(c: Counts) -> str:
    """``5 of 8``."""
    return f"{c.successes} of {c.trials}"


@dataclass(frozen=True)
class Difference:
    """One mode against the reference mode on one figure."""

    mode: str
    figure: str
    estimate: Estimate | None

    @property
    def verdict(self) -> str:
        """ "no measurable difference", "higher" or "lower" (95%)."""
        e = self.estimate
        if e is None:
            return "not measured"
        if e.low <= 0 <= e.high:
            return "no measurable difference"
        return "higher" if e.value > 0 else "lower"


def _ran(study: Study) -> list[ModeSummary]:
    return [s for s in study.replicates.modes.values() if s.available and s.runs]


def reference(study: Study) -> str | None:
    """The mode every other is compared with: tpsi when it ran, else the best detector."""
    ran = _ran(study)
    if any(s.name == REFERENCE_MODE for s in ran):
        return REFERENCE_MODE
    scored = [(_value(s.detection_estimate), s.name) for s in ran if s.detection_estimate]
    return max(scored)[1] if scored else None


def _diff(a: Counts | Estimate | None, b: Counts | Estimate | None) -> Estimate | None:
    ea = a.estimate if isinstance(a, Counts) else a
    eb = b.estimate if isinstance(b, Counts) else b
    return difference(ea, eb) if ea is not None and eb is not None else None


def differences(study: Study) -> list[Difference]:
    """Every other mode against the reference: per-item detection, account recall, false
    flags (mode minus reference)."""
    ref_name = reference(study)
    if ref_name is None:
        return []
    ref = study.replicates.modes[ref_name]
    out = []
    for s in _ran(study):
        if s.name == ref_name:
            continue
        out.append(
            Difference(
                s.name, "known items matched", _diff(s.detection_estimate, ref.detection_estimate)
            )
        )
        out.append(
            Difference(s.name, "offenders flagged", _diff(s.account_recall, ref.account_recall))
        )
        out.append(Difference(s.name, "false flags", _diff(s.false_flags, ref.false_flags)))
    return out


def _names(modes: list[str]) -> str:
    names = [plain_name(m) for m in modes]
    if len(names) <= 1:
        return "".join(names)
    return "; ".join(names[:-1]) + " and " + names[-1]


def _value(e: Estimate | None) -> float:
    return 0.0 if e is None else e.value


def _detection(study: Study) -> list[str]:
    detecting = [s for s in _ran(study) if s.name != "none" and s.detection_estimate]
    if not detecting:
        return []
    best = max(detecting, key=lambda s: _value(s.detection_estimate))
    same, lower = [], []
    for s in detecting:
        if s is best:
            continue
        d = _diff(s.detection_estimate, best.detection_estimate)
        if d is None or d.low <= 0 <= d.high:
            same.append(s.name)
        else:
            lower.append(
                f"{plain_name(s.name)} ({100 * _value(s.detection_estimate):.0f}%, "
                f"{-100 * d.value:.0f} points lower, 95% interval {-100 * d.high:.0f} to "
                f"{-100 * d.low:.0f})"
            )
    lines = [
        f"Per re-shared known photo, {plain_name(best.name)} recognised the most: "
        f"{pct(best.detection_estimate)}, {ratio(best.detection)} over "
        f"{len(study.replicates.seeds)} seeds."
    ]
    if same:
        lines.append(
            f"No measurable difference from it for {_names(same)}: the 95% intervals of the "
            "differences include zero, so these runs cannot rank them."
        )
    if lower:
        lines.append("Measurably lower: " + "; ".join(lower) + ".")
    return lines


def _flags(study: Study) -> list[str]:
    ran = _ran(study)
    lines = []
    offenders = max((s.account_recall.trials for s in ran), default=0)
    if offenders:
        found = [f"{plain_name(s.name)} {ratio(s.account_recall)}" for s in ran if s.name != "none"]
        lines.append(
            f"In the real runs {offenders} accounts sent at least t = {study.scenario.threshold} "
            "known photos; flagged: " + "; ".join(found) + "."
        )
    else:
        lines.append(
            f"No account in this scenario sent t = {study.scenario.threshold} or more known "
            "photos, so every flag here would be a false flag."
        )
    flagged = [s for s in ran if s.false_flags.successes]
    if flagged:
        lines.append(
            "Accounts flagged without having sent t known photos: "
            + "; ".join(f"{plain_name(s.name)} {ratio(s.false_flags)}" for s in flagged)
            + "."
        )
    else:
        total = max((s.false_flags.trials for s in ran), default=0)
        lines.append(f"No mode flagged any of the {total} other accounts in the real runs.")
    colliding = [s for s in ran if s.colliding_matched.trials]
    if colliding:
        hit = [s.name for s in colliding if s.colliding_matched.successes]
        lines.append(
            "Crafted colliding images counted as matches in "
            + (_names(hit) if hit else "no mode")
            + " (of "
            + str(colliding[0].colliding_matched.trials)
            + " crafted images): a fingerprint collision alone is enough to flag an account in "
            "every mode that matches fingerprints; only a human reviewer looking at the "
            "images stops it."
        )
    return lines


def _model(study: Study) -> list[str]:
    spec = study.spec
    if not study.models:
        return [
            "The population model is not run on this scenario: nobody sent a known photo, so "
            "the runs measured no detection rate to scale."
        ]
    lines = [
        f"Population model ({spec.accounts:,} accounts, {spec.prevalence:.4%} re-sharing known "
        f"photos, {spec.items_per_account:,.0f} photos per account and "
        f"{spec.known_items_per_sharer:g} known photos per re-sharer a year, t = "
        f"{spec.threshold}):"
    ]
    for name, m in study.models.items():
        if name == "none":
            continue
        lines.append(
            f"{plain_name(name)}: finds {pct(m.account_recall)} of offending accounts; "
            f"{count(m.false_flags_per_million, 1)} false flags per million accounts per year."
        )
    zero = [s for s in _ran(study) if s.false_match.trials and s.false_match.successes == 0]
    if zero and len(zero) == len(_ran(study)):
        bound = zero[0].false_match.estimate
        assert bound is not None
        lines.append(
            f"No ordinary photo counted as a match in any run ({ratio(zero[0].false_match)}), "
            "which bounds the per-photo false-match rate against this scenario's list below "
            f"{100 * bound.high:.2f}% (95%); the false-flag intervals above are wide because "
            "that bound is all these small runs can say. It is also a rate against a list of "
            f"{study.scenario.known_items} real pictures (the other entries are random "
            "stand-ins), not a deployed list of a million: vouchsafe eval hashing models that."
        )
    return lines


def _privacy(study: Study) -> list[str]:
    lines = []
    all_hashes, every_result, some, nothing = [], [], [], []
    for s in _ran(study):
        pooled = {p.party: p for p in s.pooled_ledger()}
        provider = pooled.get(PROVIDER)
        items = sum(r.items for r in s.runs)
        if provider is None or not items:
            continue
        known = max(provider.item_hashes_in_clear, provider.media_in_clear)
        if not known and not provider.match_results_known:
            nothing.append(s.name)
        elif known >= items:
            all_hashes.append(s.name)
        elif provider.match_results_known >= items:
            every_result.append(s.name)
        elif provider.match_results_known:
            some.append(f"{plain_name(s.name)} {provider.match_results_known} of {items}")
    if all_hashes:
        lines.append(
            f"The provider ends up with the photo or its full fingerprint for every photo in: "
            f"{_names(all_hashes)}."
        )
    if every_result:
        lines.append(
            "The provider learns, photo by photo, whether every photo matched (without its "
            f"fingerprint) in: {_names(every_result)}."
        )
    if some:
        lines.append(
            "The provider learns match results for only some photos (of all photos sent) in: "
            + "; ".join(some)
            + "."
        )
    if nothing:
        lines.append(
            "The provider learned nothing about any single photo (no photo, fingerprint or match "
            f"result) in: {_names(nothing)}."
        )
    return lines


def conclusions(study: Study) -> list[str]:
    """The conclusions, in order: detection, flags, the model, privacy."""
    return [*_detection(study), *_flags(study), *_model(study), *_privacy(study)]
