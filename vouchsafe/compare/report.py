"""The comparison report: one self-contained HTML page (charts embedded) plus JSON.

Built from a :class:`~vouchsafe.compare.study.Study` through the Jinja2 template
``templates/compare_report.html`` on the shared base page (autoescaped; no HTML is assembled in
Python). Every figure says where it comes from: the real runs (the protocol and its messages,
over several seeds) or the population model (arithmetic on the runs' per-item rates).
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from vouchsafe.compare import charts
from vouchsafe.compare.conclusions import conclusions, count, differences, pct, ratio, reference
from vouchsafe.compare.criteria import CRITERIA, criteria_row
from vouchsafe.compare.glossary import MODE_TEXT, plain_name
from vouchsafe.compare.ledger import PartyLedger
from vouchsafe.compare.modes import NOT_IMPLEMENTED
from vouchsafe.compare.population import ORDINARY, Population
from vouchsafe.compare.replicates import ModeSummary
from vouchsafe.compare.sketch import dct_sketch, sketch_correlation
from vouchsafe.compare.study import SWEEPABLE, Study
from vouchsafe.server.web import Table, render_page

TEMPLATES = Path(__file__).resolve().parent / "templates"
PARTY_NAMES = {
    "provider": "The provider",
    "device": "The phones (taken together)",
    "third_party": "The matching service",
    "service_a": "Service A",
    "service_b": "Service B",
    "enclave": "The sealed chip",
}


def _image_uri(pixels: npt.NDArray[np.uint8], scale: int) -> str:
    from PIL import Image

    image = Image.fromarray(pixels)
    image = image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _ran(study: Study) -> list[ModeSummary]:
    return [s for s in study.replicates.modes.values() if s.available and s.runs]


def _ms(study: Study, s: ModeSummary, key: str) -> str:
    e = s.mean(lambda r: float(getattr(r, key)))
    return "n/a" if e is None else f"{e.value:,.1f} ({e.low:,.1f}-{e.high:,.1f})"


def real_runs_table(study: Study) -> Table:
    """Per mode, every rate over the seeds with its 95% interval."""
    rows = [
        [
            plain_name(s.name),
            f"{pct(s.detection_estimate)}; {ratio(s.detection)}",
            f"{pct(s.item_recall.estimate)}; {ratio(s.item_recall)}",
            f"{pct(s.account_recall.estimate)}; {ratio(s.account_recall)}",
            f"{pct(s.false_flags.estimate)}; {ratio(s.false_flags)}",
            f"{pct(s.false_match.estimate)}; {ratio(s.false_match)}",
            *(
                [f"{pct(s.colliding_matched.estimate)}; {ratio(s.colliding_matched)}"]
                if any(x.colliding_matched.trials for x in _ran(study))
                else []
            ),
        ]
        for s in _ran(study)
    ]
    headers = [
        "mode",
        "known photos matched (per photo)",
        "known photos the provider learned of",
        "offending accounts flagged",
        "other accounts flagged (false flags)",
        "ordinary photos matched (false matches)",
    ]
    if any(x.colliding_matched.trials for x in _ran(study)):
        headers.append("crafted collisions matched")
    return Table(headers, rows)


def cost_table(study: Study) -> Table:
    """Bytes and CPU per photo, mean over seeds with a bootstrap 95% interval."""
    rows = [
        [
            plain_name(s.name),
            _ms(study, s, "bytes_up_per_item"),
            _ms(study, s, "bytes_down_per_item"),
            _ms(study, s, "service_bytes_per_item"),
            f"{s.pooled_result().setup_bytes_to_device:,}",
            _ms(study, s, "client_cpu_ms_per_item"),
            _ms(study, s, "server_cpu_ms_per_item"),
        ]
        for s in _ran(study)
    ]
    return Table(
        [
            "mode", "bytes sent by the phone per photo", "bytes received per photo",
            "bytes between services per photo", "bytes to each phone at setup",
            "phone CPU ms per photo", "servers CPU ms per photo",
        ],
        rows,
    )  # fmt: skip


def model_table(study: Study) -> Table:
    """The population model's figures per mode, with intervals."""
    rows = [
        [
            plain_name(name),
            f"{100 * m.detection_per_item:.0f}%",
            f"{m.false_match_per_item:.2%}",
            count(m.offenders),
            pct(m.account_recall),
            count(m.false_flags_per_million, 1),
            count(m.reviewed_items),
        ]
        for name, m in study.models.items()
    ]
    return Table(
        [
            "mode", "per-photo detection (measured)", "per-photo false match (measured)",
            "offending accounts a year", "offending accounts flagged",
            "false flags per million accounts a year", "photos for human review a year",
        ],
        rows,
    )  # fmt: skip


def difference_table(study: Study) -> Table:
    """Each mode minus the reference mode, one row per mode, with Newcombe 95% intervals."""
    ref = reference(study)
    by_mode: dict[str, dict[str, str]] = {}
    for d in differences(study):
        e = d.estimate
        by_mode.setdefault(d.mode, {})[d.figure] = (
            "n/a"
            if e is None
            else f"{100 * e.value:+.0f} points ({100 * e.low:+.0f} to {100 * e.high:+.0f}): "
            f"{d.verdict}"
        )
    figures = ("known items matched", "offenders flagged", "false flags")
    return Table(
        ["mode", *(f"{f}, minus {plain_name(ref) if ref else '-'}" for f in figures)],
        [[plain_name(mode), *(cells.get(f, "n/a") for f in figures)] for mode, cells in
         by_mode.items()],
    )  # fmt: skip


def _sentence(p: PartyLedger, items: int) -> str:
    who = PARTY_NAMES.get(p.party, p.party.replace("_", " ").capitalize())
    holds = "hold" if p.party == "device" else "holds"
    parts = []
    if p.media_in_clear:
        parts.append(f"{p.media_in_clear:,} of {items:,} photos in the clear")
    if p.item_hashes_in_clear:
        parts.append(f"the full fingerprints of {p.item_hashes_in_clear:,} photos")
    if p.match_results_known:
        parts.append(
            f"whether {p.match_results_known:,} photos matched ({p.positive_results_known:,} did)"
        )
    if p.linkable_items:
        parts.append(f"enough to link {p.linkable_items:,} photos to copies of one another")
    if p.hash_set_entries_in_clear:
        parts.append(f"{p.hash_set_entries_in_clear:,} entries of the list in the clear")
    if p.hash_set_keys_in_clear:
        parts.append(f"{p.hash_set_keys_in_clear:,} list keys in the clear")
    if p.prefix_bits_per_item:
        parts.append(f"{p.prefix_bits_per_item:.0f} bits of each photo's fingerprint")
    if not parts:
        opaque = sum(p.opaque_fields.values())
        return f"{who} {holds} nothing readable" + (
            f" ({opaque:,} sealed or encrypted values only)." if opaque else "."
        )
    return f"{who} {holds} " + ", ".join(parts) + "."


def ledger_sentences(study: Study) -> list[tuple[str, list[str]]]:
    """Per mode, one sentence per party, from the ledger pooled over seeds."""
    out = []
    for s in _ran(study):
        items = sum(r.items for r in s.runs)
        parties = [p for p in s.pooled_ledger() if p.party != "hash_source"]
        out.append((plain_name(s.name), [_sentence(p, items) for p in parties]))
    return out


def _humanize(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list) and value and all(isinstance(v, int | float) for v in value):
        if len(value) <= 6:
            return ", ".join(f"{v:,}" for v in value)
        return (
            f"{len(value)} values from {min(value):,} to {max(value):,} "
            f"(mean {sum(value) / len(value):,.1f})"
        )
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {_humanize(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:,.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def extras_table(study: Study) -> Table:
    """Mode-specific measurements (first seed) as readable rows."""
    rows: list[list[str]] = []
    for s in _ran(study):
        first = s.runs[0]
        by_transform = ", ".join(f"{k}: {v.successes}/{v.trials}" for k, v in
                                 s.detection_by_transform.items())  # fmt: skip
        rows.append([plain_name(s.name), "known photos matched by edit (all seeds)",
                     by_transform or "-"])  # fmt: skip
        for key, value in first.extras.items():
            rows.append([plain_name(s.name), key.replace("_", " "), _humanize(value)])
    return Table(["mode", "measurement", "value"], rows)


def criteria_table(study: Study) -> Table:
    """The expert process's five criteria, each cell quoting the pooled figures."""
    rows = []
    for s in study.replicates.modes.values():
        row = criteria_row(s.pooled_result())
        rows.append([plain_name(s.name), *[row.cells[c] for c in CRITERIA]])
    return Table(["mode", *CRITERIA], rows)


def sweep_table(study: Study) -> Table | None:
    """Per sweep value and mode: model recall and false flags, runs' leakage."""
    if study.sweep is None:
        return None
    rows = []
    for point in study.sweep_points:
        for name, m in point.models.items():
            leaked = point.replicates.modes[name].leaked_items.estimate
            rows.append(
                [
                    f"{point.value:g}",
                    plain_name(name),
                    pct(m.account_recall),
                    count(m.false_flags_per_million, 1),
                    pct(leaked),
                ]
            )
    return Table(
        [
            SWEEPABLE[study.sweep.parameter],
            "mode",
            "offending accounts flagged (model)",
            "false flags per million a year (model)",
            "photos the most-informed other party learns about (runs)",
        ],
        rows,
    )


def sketch(population: Population, study: Study) -> dict[str, Any] | None:
    """What one PDQ hash reveals: a photo next to the picture drawn from its hash alone."""
    from PIL import Image

    ordinaries = [
        i
        for i in population.items
        if population.truth[i.item_id].kind == ORDINARY and len(i.perceptual_hash) == 32
    ]
    if not ordinaries:
        return None
    correlations = []
    for item in ordinaries:
        try:
            with Image.open(io.BytesIO(item.media)) as opened:
                small = np.asarray(opened.convert("L").resize((64, 64)), dtype=np.uint8)
        except OSError:
            continue
        correlations.append(sketch_correlation(small, item.perceptual_hash))
    ordinary = ordinaries[0]
    try:
        with Image.open(io.BytesIO(ordinary.media)) as opened:
            grey = opened.convert("L")
    except OSError:
        return None
    grey.thumbnail((192, 192))
    holders = sorted(
        {
            plain_name(s.name)
            for s in _ran(study)
            for p in s.pooled_ledger()
            if p.item_hashes_in_clear and p.party != "device"
        }
    )
    return {
        "source": population.truth[ordinary.item_id].source,
        "photo": _image_uri(np.asarray(grey, dtype=np.uint8), 1),
        "sketch": _image_uri(dct_sketch(ordinary.perceptual_hash), 3),
        "photos": len(correlations),
        "mean_r": float(np.mean(correlations)) if correlations else None,
        "min_r": min(correlations) if correlations else None,
        "max_r": max(correlations) if correlations else None,
        "holders": holders,
    }


def render_html(study: Study) -> str:
    """The whole report as one HTML string."""
    scenario = study.scenario
    ran = _ran(study)
    no_offenders = not any(s.account_recall.trials for s in ran)
    context = {
        "scenario": scenario,
        "study": study,
        "seeds": study.replicates.seeds,
        "items_per_seed": study.replicates.items_per_seed,
        "accounts_per_seed": study.replicates.accounts_per_seed,
        "conclusions": conclusions(study),
        "modes": [
            (
                plain_name(s.name),
                s.name,
                MODE_TEXT[s.name].description if s.name in MODE_TEXT else s.summary,
            )
            for s in study.replicates.modes.values()
        ],
        "real_runs": real_runs_table(study),
        "differences": difference_table(study),
        "reference": plain_name(reference(study) or "-"),
        "model": model_table(study),
        "spec": study.spec,
        "costs": cost_table(study),
        "ledger": ledger_sentences(study),
        "criteria": criteria_table(study),
        "extras": extras_table(study),
        "missing": Table(
            ["option", "status"],
            [
                [plain_name(s.name), s.reason]
                for s in study.replicates.modes.values()
                if not s.available
            ]
            + [[name, f"not implemented: {why}"] for name, why in NOT_IMPLEMENTED.items()],
        ),
        "charts": {
            "detection": charts.detection_chart(study, intended_zero=no_offenders),
            "accounts": charts.accounts_chart(study),
            "model": charts.model_chart(study) if study.models else None,
            "bytes": charts.cost_chart(study, "bytes"),
            "cpu": charts.cost_chart(study, "cpu"),
            "leakage": charts.leakage_heatmap(study),
            "sweep": charts.sweep_charts(study) if study.models else [],
        },
        "sweep_table": sweep_table(study),
        "fewer_seeds": [
            (plain_name(s.name), len(s.runs), s.runs[0].extras.get("items_run", ""))
            for s in ran
            if len(s.runs) < len(study.replicates.seeds)
        ],
        "sweep_label": SWEEPABLE[study.sweep.parameter] if study.sweep else "",
        "sketch": sketch(study.first_population, study),
        "hash_set_size": len(study.first_population.hash_set),
        "candidate_scheme": study.replicates.candidate_scheme,
    }
    return render_page("compare_report.html", context, [TEMPLATES])


def report_data(study: Study) -> dict[str, Any]:
    """The JSON record: every pooled count and interval, per-seed results, the model."""
    scenario = study.scenario
    modes = []
    for s in study.replicates.modes.values():
        entry: dict[str, Any] = {
            "name": s.name,
            "plain_name": plain_name(s.name),
            "title": s.title,
            "available": s.available,
            "reason": s.reason,
        }
        if s.runs:
            entry |= {
                "known_items_matched": s.detection_estimate.as_dict()
                if s.detection_estimate
                else None,
                "known_items_matched_by_transform": {
                    k: [v.successes, v.trials] for k, v in s.detection_by_transform.items()
                },
                "item_recall": _est(s.item_recall.estimate),
                "account_recall": _est(s.account_recall.estimate),
                "false_flag_accounts": _est(s.false_flags.estimate),
                "false_match_per_item": _est(s.false_match.estimate),
                "colliding_matched": _est(s.colliding_matched.estimate),
                "per_seed": [r.as_dict() for r in s.runs],
            }
        modes.append(entry)
    return {
        "scenario": {
            "name": scenario.name,
            "description": scenario.description,
            "intended_outcome": scenario.intended_outcome,
            "threshold": scenario.threshold,
            "synthetic_rate": scenario.synthetic_rate,
            "hash_set_size": len(study.first_population.hash_set),
            "candidate_scheme": study.replicates.candidate_scheme,
        },
        "seeds": study.replicates.seeds,
        "items_per_seed": study.replicates.items_per_seed,
        "seconds": study.seconds,
        "load_average": study.load_average,
        "sources": {
            "real_runs": "modes[*] (every count pooled over the seeds)",
            "population_model": "population_model (arithmetic on the runs' per-item rates)",
        },
        "modes": modes,
        "differences": [
            {
                "mode": d.mode,
                "figure": d.figure,
                "difference": _est(d.estimate),
                "verdict": d.verdict,
            }
            for d in differences(study)
        ],
        "population_model": {
            "spec": study.spec.__dict__,
            "modes": [m.as_dict() for m in study.models.values()],
        },
        "sweep": None
        if study.sweep is None
        else {
            "parameter": study.sweep.parameter,
            "points": [
                {
                    "value": p.value,
                    "model": [m.as_dict() for m in p.models.values()],
                    "leaked_items": {
                        n: _est(s.leaked_items.estimate)
                        for n, s in p.replicates.modes.items()
                        if s.runs
                    },
                }
                for p in study.sweep_points
            ],
        },
        "conclusions": conclusions(study),
        "criteria": [
            criteria_row(s.pooled_result()).__dict__ for s in study.replicates.modes.values()
        ],
        "not_implemented": NOT_IMPLEMENTED,
    }


def _est(e: Any) -> Any:
    return None if e is None else e.as_dict()


def write_report(study: Study, out_dir: Path) -> Path:
    """Writes ``report.html`` and ``report.json`` into ``out_dir``; returns the HTML path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(
        json.dumps(report_data(study), indent=2, default=str), encoding="utf-8"
    )
    html_path = out_dir / "report.html"
    html_path.write_text(render_html(study), encoding="utf-8")
    return html_path
