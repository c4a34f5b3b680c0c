"""The demo's HTML report: one self-contained file, plots embedded as base64 PNG.

Nothing is fetched when the file is opened (no scripts, fonts or images from elsewhere), so it can
be mailed or archived as is.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from vouchsafe.demo.result import DemoResult


def _figure_png(figure: object) -> str:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=110, bbox_inches="tight")  # type: ignore[attr-defined]
    return base64.b64encode(out.getvalue()).decode("ascii")


def matches_plot(result: DemoResult) -> str:
    """Bar chart: known items each account sent (ground truth) against the match threshold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [a.name for a in result.accounts]
    known = [a.known_sent for a in result.accounts]
    vouchers = [a.vouchers_uploaded for a in result.accounts]
    figure, axes = plt.subplots(figsize=(7.5, 3.6))
    positions = range(len(names))
    axes.bar(
        [p - 0.2 for p in positions],
        known,
        width=0.4,
        label="known items sent (truth)",
        color="#c0392b",
    )
    axes.bar(
        [p + 0.2 for p in positions],
        vouchers,
        width=0.4,
        label="vouchers the server received",
        color="#7f8c8d",
    )
    axes.axhline(
        result.settings.threshold,
        color="black",
        linestyle="--",
        label=f"match threshold t = {result.settings.threshold}",
    )
    axes.set_xticks(list(positions), names)
    axes.set_ylabel("count")
    axes.set_ylim(0, max([*known, *vouchers, result.settings.threshold]) * 1.45 + 1)
    axes.set_title("Matches per account against the threshold")
    axes.legend(fontsize=8, loc="upper right", ncols=3)
    encoded = _figure_png(figure)
    plt.close(figure)
    return encoded


def learned_plot(result: DemoResult) -> str:
    """Per account: items the provider could open (review queue) against known items sent."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [a.name for a in result.accounts]
    figure, axes = plt.subplots(figsize=(7.5, 3.2))
    axes.bar(
        names,
        [a.items_in_review for a in result.accounts],
        color="#2980b9",
        label="items the provider could open",
    )
    axes.plot(
        names,
        [a.known_sent for a in result.accounts],
        "o",
        color="#c0392b",
        label="known items sent (truth)",
    )
    axes.set_ylabel("items")
    axes.set_title("What the provider learned, per account")
    axes.legend(fontsize=8)
    encoded = _figure_png(figure)
    plt.close(figure)
    return encoded


def _table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem}
th{background:#f3f3f3}pre{background:#f7f7f7;padding:.5rem;white-space:pre-wrap}
.ok{color:#1e7e34}.bad{color:#b00020}
.derivatives{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0;font-size:.8rem}
.px{image-rendering:pixelated}
"""


def render_html(result: DemoResult) -> str:
    """The whole report as one HTML string."""
    s = result.settings
    accounts = _table(
        [
            "user",
            "role",
            "texts",
            "photos",
            "known sent (truth)",
            "vouchers",
            "in review",
            "confirmed",
            "report",
            "suspended",
            "appeal",
            "received intact",
        ],
        [
            [
                a.name,
                a.role,
                a.texts_sent,
                a.photos_sent,
                a.known_sent,
                a.vouchers_uploaded,
                a.items_in_review,
                a.confirmed_by_reviewer,
                a.report_status or "-",
                "yes" if a.suspended else "no",
                a.appeal_status or "-",
                f"{a.messages_received_intact}/{a.messages_received}",
            ]
            for a in result.accounts
        ],
    )
    learned = _table(
        ["party", "learned", "did not learn"],
        [
            [
                "relay (server)",
                f"{result.server_blob_count} opaque blobs "
                f"({result.server_blob_bytes} bytes), who sent to whom, when, sizes",
                "any text, photo, file name or caption",
            ],
            [
                "provider below threshold",
                "number of vouchers per account (real + synthetic)",
                "whether any photo matched, or how many",
            ],
            [
                "provider past threshold",
                "for matching items only: full hash, low-res grey derivative, media type",
                "non-matching photos; text",
            ],
            ["reviewer", "the visual derivatives of matched items", "anything else"],
            ["authority", "the signed report of reviewer-confirmed items", "anything else"],
        ],
    )
    transparency = _table(["figure", "value"], [[k, v] for k, v in result.transparency.items()])
    derivatives = (
        "".join(
            f'<figure><img alt="visual derivative" src="data:image/png;base64,'
            f'{base64.b64encode(png).decode("ascii")}" width="128" class="px">'
            f"<figcaption>{html.escape(user)} / {html.escape(item)}: {html.escape(decision)}"
            "</figcaption></figure>"
            for user, item, decision, png in result.reviewed
        )
        or "<p>Nothing reached a reviewer.</p>"
    )
    steps = "".join(
        f"<h3>{i}. {html.escape(step.title)}</h3><pre>{html.escape(chr(10).join(step.lines))}</pre>"
        for i, step in enumerate(result.steps, start=1)
    )
    audit = (
        '<span class="ok">verified</span>'
        if result.audit_log_ok
        else '<span class="bad">FAILED</span>'
    )
    leaks = (
        '<span class="ok">none found</span>'
        if not result.plaintext_found_on_server
        else '<span class="bad">'
        + html.escape(", ".join(result.plaintext_found_on_server))
        + "</span>"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vouchsafe demo report</title>
<style>{_STYLE}</style></head><body>
<h1>vouchsafe end-to-end demo</h1>
<p>{s.users} users, {s.images_per_user} photos each, match threshold t = {s.threshold},
synthetic voucher rate {s.synthetic_rate}, seed {s.seed}; ran in {result.seconds:.1f} s.
All images are benign, openly licensed stand-ins; the "known" items are ordinary photos playing
that role.</p>
<h2>Outcome per account</h2>{accounts}
<img alt="matches per account vs threshold" src="data:image/png;base64,{matches_plot(result)}">
<h2>What each party learned</h2>{learned}
<img alt="what the provider learned" src="data:image/png;base64,{learned_plot(result)}">
<h2>What the reviewer saw</h2>
<p>Only items of an account past the threshold, that also matched the full PDQ hash (distance
at most 31), reach a reviewer, and only as these visual derivatives (64 px, 16 grey levels),
never the original photo.</p>
<div class="derivatives">{derivatives}</div>
<h2>Checks</h2>
<p>Audit log: {audit} ({html.escape(result.audit_log_detail)}).<br>
Plaintext (sent texts and photo bytes) in the server's database and logs: {leaks}.</p>
<h2>Transparency figures</h2>{transparency}
<h2>Step by step</h2>{steps}
<h2>The other detection options</h2>
<p>The same question asked of every option the EU expert process assessed (server-side hashing,
hash upload, on-device lists, partial hashes, third parties, multi-party matching, enclaves,
homomorphic encryption, per-item PSI and this threshold PSI), measured on one scenario:
<a href="../compare/baseline/report.html">out/compare/baseline/report.html</a>, written by
<code>vouchsafe compare</code> (<code>make demo</code> runs it without the two slowest modes).</p>
</body></html>
"""


def write_report(result: DemoResult, out_dir: Path) -> Path:
    """Writes ``out_dir/report.html`` and returns its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "report.html"
    path.write_text(render_html(result), encoding="utf-8")
    return path
