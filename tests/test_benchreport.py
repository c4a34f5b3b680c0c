"""The benchmark report reads pytest-benchmark JSON correctly: per-item figures, floors as
weighted sums, metric ratios, rows that did not run, and the files `vouchsafe bench report`
writes. Fixture numbers are made up; nothing here times anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vouchsafe.benchrender import format_seconds, render_markdown, render_plot
from vouchsafe.benchreport import ReportError, build_report, load_report
from vouchsafe.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "benchmarks_small.json"


def _data() -> dict[str, object]:
    data: dict[str, object] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


def test_per_item_figures_divide_by_items_per_call() -> None:
    report = load_report(FIXTURE)
    voucher = next(f for f in report.figures if f.key == "voucher_16")
    assert voucher.median == pytest.approx(0.0032 / 16)
    assert (voucher.q1, voucher.q3) == (pytest.approx(0.003 / 16), pytest.approx(0.0036 / 16))
    assert voucher.rate == pytest.approx(16 / 0.0032)


def test_floor_ratio_is_against_weighted_sum_of_primitives() -> None:
    report = load_report(FIXTURE)
    floor = next(r for r in report.ratios if r.against == "floor")
    # floor = 2 * 60 us + 1 * 20 us = 140 us; row = 200 us per voucher
    assert floor.median == pytest.approx(200e-6 / 140e-6)
    # widest range: row q1 over floor q3, row q3 over floor q1
    assert floor.low == pytest.approx((0.003 / 16) / (2 * 80e-6 + 20e-6))
    assert floor.high == pytest.approx((0.0036 / 16) / (2 * 50e-6 + 20e-6))


def test_ratio_against_unmeasured_row_says_what_is_missing() -> None:
    report = load_report(FIXTURE)
    anchor = next(r for r in report.ratios if r.against == "anchor")
    assert anchor.median is None
    assert anchor.missing == "absent_anchor"
    assert "not measured (absent_anchor missing)" in render_markdown(report)


def test_metric_ratio_compares_named_metrics_of_two_rows() -> None:
    report = load_report(FIXTURE)
    relay = next(r for r in report.ratios if r.against == "relay")
    assert relay.median == pytest.approx(300 / 1200)
    assert relay.low == pytest.approx(290 / 1500)
    assert relay.high == pytest.approx(310 / 1000)


def test_rows_that_did_not_run_appear_with_their_reason() -> None:
    markdown = render_markdown(load_report(FIXTURE))
    assert "| pdqhash, 512 px | not installed: pdqhash |" in markdown


def test_markdown_states_machine_load_median_and_spread() -> None:
    markdown = render_markdown(load_report(FIXTURE))
    assert "Test CPU Model, nproc = 2" in markdown
    assert "at end 3.00 / 2.00 / 1.00" in markdown
    row = "| voucher, 16 candidates | 200 µs / voucher | 188 µs - 225 µs | 5,000 vouchers/s | 10 |"
    assert row in markdown
    assert "**1.43x**" in markdown
    assert "| relay, 2 clients | messages/s | 1,200 1/s | 1,000 - 1,500 |" in markdown
    # an undescribed benchmark still shows, under its test name
    assert "| test_plain | 500 ms / op |" in markdown


def test_sections_are_listed_in_their_numbered_order() -> None:
    assert load_report(FIXTURE).sections() == [
        "0. Floor", "1. Hashing", "2. Voucher", "6. Throughput", "Other",
    ]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(2.5, "2.5 s"), (0.0123, "12.3 ms"), (5.8e-5, "58 µs"), (8.88e-7, "888 ns")],
)
def test_format_seconds_picks_readable_unit(seconds: float, text: str) -> None:
    assert format_seconds(seconds) == text


def test_json_without_benchmarks_is_rejected() -> None:
    with pytest.raises(ReportError, match="no 'benchmarks' list"):
        build_report({"machine_info": {}})


def test_nonpositive_items_per_call_is_rejected() -> None:
    data = _data()
    benches = data["benchmarks"]
    assert isinstance(benches, list)
    benches[0]["extra_info"]["per_call"] = 0
    with pytest.raises(ReportError, match="per_call must be positive"):
        build_report(data)


def test_duplicate_keys_are_rejected() -> None:
    data = _data()
    benches = data["benchmarks"]
    assert isinstance(benches, list)
    benches[1]["extra_info"]["key"] = "scalarmult"
    with pytest.raises(ReportError, match="share one key"):
        build_report(data)


def test_plot_is_a_png(tmp_path: Path) -> None:
    path = tmp_path / "b.png"
    render_plot(load_report(FIXTURE), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_writes_table_and_plot_next_to_the_json(tmp_path: Path) -> None:
    json_path = tmp_path / "benchmarks.json"
    json_path.write_bytes(FIXTURE.read_bytes())
    assert main(["bench", "report", "--json", str(json_path)]) == 0
    assert (tmp_path / "benchmarks.md").read_text(encoding="utf-8").startswith("# vouchsafe")
    assert (tmp_path / "benchmarks.png").stat().st_size > 0


def test_cli_without_a_benchmark_run_exits_with_usage_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "report", "--json", str(tmp_path / "none.json")]) == 2
    assert "run `make bench` first" in capsys.readouterr().err


def test_cli_reports_malformed_json_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "benchmarks.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["bench", "report", "--json", str(bad)]) == 2
    assert "cannot read benchmark JSON" in capsys.readouterr().err


def test_paired_ratio_is_taken_as_measured_and_marked() -> None:
    report = load_report(FIXTURE)
    paired = next(r for r in report.ratios if r.against == "paired kernel")
    assert (paired.median, paired.low, paired.high, paired.paired) == (1.25, 1.2, 1.3, True)
    assert "| **1.25x** | 1.2 - 1.3 (paired) |" in render_markdown(report)


def test_rows_without_meaningful_timing_show_only_metrics_and_ratios() -> None:
    markdown = render_markdown(load_report(FIXTURE))
    assert "| scan, 2 clients | 20 s / op |" not in markdown
    assert "| scan, 2 clients | uploads/s | 300 1/s | 290 - 310 |" in markdown
    assert "| relay, 2 clients | 20 s / op |" in markdown
