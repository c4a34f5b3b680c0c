"""One self-contained HTML report (plots embedded as PNG data URIs) plus JSON, per scenario."""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from vouchsafe.compare.criteria import CRITERIA, criteria_row
from vouchsafe.compare.modes import NOT_IMPLEMENTED
from vouchsafe.compare.population import ORDINARY, Population
from vouchsafe.compare.run import ModeResult
from vouchsafe.compare.sketch import dct_sketch, sketch_correlation

LEDGER_COLUMNS = (
    ("media_in_clear", "media in clear"),
    ("item_hashes_in_clear", "item hashes in clear"),
    ("match_results_known", "match results"),
    ("positive_results_known", "positive results"),
    ("linkable_items", "linkable items"),
    ("hash_set_entries_in_clear", "list hashes in clear"),
    ("hash_set_keys_in_clear", "list keys in clear"),
    ("prefix_bits_per_item", "prefix bits / item"),
)


def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _image_uri(pixels: npt.NDArray[np.uint8], scale: int) -> str:
    from PIL import Image

    image = Image.fromarray(pixels)
    image = image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _plots(results: Sequence[ModeResult]) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ran = [r for r in results if r.available]
    names = [r.name for r in ran]
    x = np.arange(len(ran))
    out: list[tuple[str, str]] = []

    fig, ax = plt.subplots(figsize=(9, 3.4))
    ax.bar(x - 0.2, [100 * (r.item_recall or 0) for r in ran], 0.4, label="item recall %")
    ax.bar(x + 0.2, [r.false_item_matches for r in ran], 0.4, label="false item matches")
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.legend()
    ax.set_title("Effectiveness: recall on known items, and false matches")
    out.append(("Effectiveness", _png(fig)))
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(9, 3.4))
    ax.bar(x - 0.2, [max(r.bytes_up_per_item, 0.1) for r in ran], 0.4, label="bytes up / item")
    ax.bar(x + 0.2, [max(r.bytes_down_per_item, 0.1) for r in ran], 0.4, label="bytes down / item")
    ax.set_yscale("log")
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.legend()
    ax.set_title("Detection traffic per item (delivery of the item itself excluded)")
    out.append(("Bandwidth", _png(fig)))
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(9, 3.4))
    ax.bar(x - 0.2, [max(r.client_cpu_ms_per_item, 1e-3) for r in ran], 0.4, label="device ms")
    ax.bar(x + 0.2, [max(r.server_cpu_ms_per_item, 1e-3) for r in ran], 0.4, label="servers ms")
    ax.set_yscale("log")
    ax.set_xticks(x, names, rotation=30, ha="right")
    ax.legend()
    ax.set_title("CPU time per item, measured in this run")
    out.append(("CPU", _png(fig)))
    plt.close(fig)

    parties = sorted({p.party for r in ran for p in r.ledger} - {"hash_source"})
    grid = np.zeros((len(ran), len(parties)))
    for row, r in enumerate(ran):
        for p in r.ledger:
            if p.party in parties and r.items:
                grid[row, parties.index(p.party)] = (
                    max(p.item_hashes_in_clear, p.media_in_clear, p.match_results_known) / r.items
                )
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(ran) + 1.2))
    ax.imshow(grid, cmap="Reds", vmin=0, vmax=1, aspect="auto")
    ax.set_yticks(range(len(ran)), names)
    ax.set_xticks(range(len(parties)), parties, rotation=30, ha="right")
    for row in range(len(ran)):
        for col in range(len(parties)):
            ax.text(col, row, f"{100 * grid[row, col]:.0f}%", ha="center", va="center", fontsize=8)
    ax.set_title("Share of items about which each party holds a hash, the media or a match result")
    out.append(("Leakage", _png(fig)))
    plt.close(fig)
    return out


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _fmt(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{100 * value:.0f}%" if pct else f"{value:.1f}"


def _sketch_section(population: Population, results: Sequence[ModeResult]) -> str:
    from PIL import Image

    ordinaries = [
        i
        for i in population.items
        if population.truth[i.item_id].kind == ORDINARY and len(i.perceptual_hash) == 32
    ]
    if not ordinaries:
        return ""
    ordinary = ordinaries[0]
    correlations = []
    for item in ordinaries:
        try:
            with Image.open(io.BytesIO(item.media)) as opened:
                small = np.asarray(opened.convert("L").resize((64, 64)), dtype=np.uint8)
        except OSError:
            continue
        correlations.append(sketch_correlation(small, item.perceptual_hash))
    measured = (
        f" Over the {len(correlations)} ordinary photos of this run, the sketch correlates with "
        f"the photo's 64x64 greyscale at mean r = {np.mean(correlations):.2f} "
        f"(min {min(correlations):.2f}, max {max(correlations):.2f})."
        if correlations
        else ""
    )
    try:
        with Image.open(io.BytesIO(ordinary.media)) as opened:
            grey = opened.convert("L")
    except OSError:
        photo = ""
    else:
        grey.thumbnail((192, 192))
        photo = _image_uri(np.asarray(grey, dtype=np.uint8), 1)
    sketch = _image_uri(dct_sketch(ordinary.perceptual_hash), 3)
    holders = ", ".join(
        f"{r.name}: {p.party}"
        for r in results
        for p in r.ledger
        if p.item_hashes_in_clear and p.party not in ("device",)
    )
    source = html.escape(population.truth[ordinary.item_id].source)
    return (
        "<h2>What a PDQ hash reveals (hash_upload)</h2>"
        f"<p>Left: an ordinary photo a user sent ({source},"
        " greyscale). Right: the inverse DCT of its PDQ hash's sign pattern, computed from the "
        "32-byte hash alone. Anyone holding the hash in the clear sees this coarse layout."
        f"{measured} "
        "Parties that held item hashes in the clear in this run: "
        f"{html.escape(holders) or 'none'}.</p>"
        f'<p><img src="{photo}" alt="photo"> <img src="{sketch}" alt="DCT sketch"></p>'
    )


STYLE = (
    "body{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;font-size:13px;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top}"
    "th{background:#f3f3f3}.note{color:#555;font-size:13px}"
)


def render_html(population: Population, results: Sequence[ModeResult]) -> str:
    """The whole report as one HTML string."""
    scenario = population.scenario
    metrics = _table(
        [
            "mode", "items run", "item recall", "account recall", "false item matches",
            "false-flag accounts", "colliding matched", "B up/item", "B down/item",
            "B between services/item", "B to device at setup", "device ms/item", "servers ms/item",
        ],
        [
            [
                r.name, r.extras.get("items_run", r.items), _fmt(r.item_recall, True),
                _fmt(r.account_recall, True),
                r.false_item_matches, len(r.false_flag_accounts),
                f"{r.colliding_items_matched}/{r.colliding_items_sent}",
                _fmt(r.bytes_up_per_item), _fmt(r.bytes_down_per_item),
                _fmt(r.service_bytes_per_item), r.setup_bytes_to_device,
                f"{r.client_cpu_ms_per_item:.2f}", f"{r.server_cpu_ms_per_item:.2f}",
            ]
            for r in results
            if r.available
        ],
    )  # fmt: skip
    ledger_rows = [
        [r.name, p.party, *[getattr(p, key) for key, _ in LEDGER_COLUMNS], p.opaque_fields or ""]
        for r in results
        if r.available
        for p in r.ledger
        if p.party != "hash_source"
    ]
    ledger = _table(
        ["mode", "party", *[h for _, h in LEDGER_COLUMNS], "opaque fields"], ledger_rows
    )
    criteria = _table(
        ["mode", *CRITERIA],
        [[row.mode, *[row.cells[c] for c in CRITERIA]] for row in map(criteria_row, results)],
    )
    extras = _table(
        ["mode", "known items detected by transform", "mode-specific measurements"],
        [
            [r.name, json.dumps(r.known_detected_by_transform), json.dumps(_short(r.extras))]
            for r in results
            if r.available
        ],
    )
    missing = _table(
        ["option", "status"],
        [[r.name, r.reason] for r in results if not r.available]
        + [[name, f"not implemented: {why}"] for name, why in NOT_IMPLEMENTED.items()],
    )
    plots = "".join(
        f'<h3>{html.escape(t)}</h3><img src="{uri}" alt="{t}">' for t, uri in _plots(results)
    )
    known = sum(1 for t in population.truth.values() if t.kind == "known")
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>vouchsafe compare: {html.escape(scenario.name)}</title><style>{STYLE}</style></head><body>
<h1>Detection modes compared: scenario “{html.escape(scenario.name)}”</h1>
<p>{html.escape(scenario.description)}</p>
<p class="note">{scenario.population} users, {len(population.items)} media items ({known} re-shared
known items), hash set of {len(population.hash_set)} entries ({scenario.known_items} benign corpus
photos playing "known" items plus {scenario.filler_hashes} random filler hashes), match threshold
t = {scenario.threshold}, synthetic rate {scenario.synthetic_rate}. PSI candidates:
{html.escape(population.candidate_scheme)}. Every image is a benign stand-in from the shared
corpus or generated by code. Every figure below was measured in this run: recall against the
ground truth, bytes from the serialised messages, CPU with per-party timers (the device's
hashing time is added for every mode in which the device hashes), and the leakage ledger derived
from what each party received and computed.</p>
<h2>Measurements</h2>{metrics}{plots}
<h2>Leakage ledger: what each party held at the end</h2>
<p class="note">Counts are of media items unless named. "in clear" means the exact bytes were
found in what the party received or computed. "device" is every user's device taken together
(for partial_hash: the buckets all devices received between them).</p>{ledger}
{_sketch_section(population, results)}
<h2>The five criteria of the expert process</h2>
<p class="note">Each cell cites the measured figures above; "design:" marks a property of the
construction rather than a measurement.</p>{criteria}
<h2>Mode-specific measurements</h2>{extras}
<h2>Not run or not implemented</h2>{missing}
</body></html>"""


def _short(extras: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in extras.items():
        if isinstance(value, list) and len(value) > 12 and all(isinstance(v, int) for v in value):
            out[key] = {
                "count": len(value),
                "min": min(value),
                "mean": round(sum(value) / len(value), 1),
                "max": max(value),
            }
        else:
            out[key] = value
    return out


def write_report(population: Population, results: Sequence[ModeResult], out_dir: Path) -> Path:
    """Writes ``report.html`` and ``report.json`` into ``out_dir``; returns the HTML path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    scenario = population.scenario
    data = {
        "scenario": {
            "name": scenario.name,
            "population": scenario.population,
            "items": len(population.items),
            "hash_set_size": len(population.hash_set),
            "threshold": scenario.threshold,
            "synthetic_rate": scenario.synthetic_rate,
            "candidate_scheme": population.candidate_scheme,
            "known_sources": list(population.known_sources),
        },
        "modes": [r.as_dict() | {"extras": _short(r.extras)} for r in results],
        "criteria": [criteria_row(r).__dict__ for r in results],
        "not_implemented": NOT_IMPLEMENTED,
    }
    (out_dir / "report.json").write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    html_path = out_dir / "report.html"
    html_path.write_text(render_html(population, results), encoding="utf-8")
    return html_path
