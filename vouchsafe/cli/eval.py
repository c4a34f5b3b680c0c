"""``vouchsafe eval hashing``: measure PSI candidates against the transform suite."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

NAME = "eval"
HELP = "measurement harnesses (hashing: PSI recall per transform and false-match figures)"
DEFAULT_JSON = Path("out/eval/hashing.json")
DEFAULT_BUDGETS = "16,32,64,128,256"


def configure(parser: argparse.ArgumentParser) -> None:
    """``eval hashing`` and its options."""
    targets = parser.add_subparsers(dest="target", metavar="TARGET", required=True)
    hashing = targets.add_parser("hashing", help="PSI recall, PDQ@31 baseline, false matches")
    hashing.add_argument(
        "--folder", type=Path, default=None, help="images to use (default: the shared corpus)"
    )
    hashing.add_argument("--signal-type", choices=("pdq", "onnx"), default="pdq")
    hashing.add_argument("--backend", choices=("numpy", "onnx"), default="numpy")
    hashing.add_argument("--stride", type=int, default=1, help="use every k-th image")
    hashing.add_argument("--offset", type=int, default=0, help="start at the i-th image")
    hashing.add_argument("--limit", type=int, default=None, help="at most this many images")
    hashing.add_argument("--transforms", default=None, help="comma-separated subset")
    hashing.add_argument("--hash-set-size", type=int, default=1_000_000, help="N")
    hashing.add_argument("--images-per-day", type=int, default=100, help="M")
    hashing.add_argument("--threshold", type=int, default=30, help="match threshold t")
    hashing.add_argument(
        "--no-confirmation", action="store_true", help="skip the keyed confirmation hash"
    )
    hashing.add_argument(
        "--confirmation-fit-out", type=Path, default=None, metavar="PATH",
        help="write the confirmation hash's fitted centre and match distance (centre.json)",
    )  # fmt: skip
    hashing.add_argument("--json", type=Path, default=DEFAULT_JSON, help="report path")
    hashing.add_argument(
        "--html", type=Path, default=None, help="frontier page (default: beside the JSON)"
    )
    hashing.add_argument(
        "--max-candidates", default=DEFAULT_BUDGETS,
        help=f"comma-separated candidate budgets (default {DEFAULT_BUDGETS})",
    )  # fmt: skip
    hashing.add_argument(
        "--split", choices=("held_out", "fit", "all"), default="held_out",
        help="images to report on (default: the held-out half the schemes were not fitted on)",
    )  # fmt: skip
    hashing.add_argument(
        "--no-cost", action="store_true", help="skip timing vouchers and the outer step"
    )
    hashing.add_argument(
        "--jobs", type=int, default=1, help="worker processes, each hashing a shard (default 1)"
    )


def _default_folder(tmp: Path) -> Path:
    from vouchsafe.corpus import default_corpus_dir
    from vouchsafe.imagegen import synthetic_image

    corpus = default_corpus_dir()
    if (corpus / "MANIFEST.tsv").is_file():
        return corpus
    for seed in range(12):  # embedded benign default when the corpus is absent
        synthetic_image(seed, (512, 384)).save(tmp / f"generated_{seed:02d}.png")
    return tmp


def _collect_with_bar(config: Any, shard: tuple[int, int]) -> dict[str, Any]:
    from tqdm import tqdm

    from vouchsafe.evaluation.hashing import collect_records

    def bar(items: Iterable[Path]) -> Iterable[Path]:
        label = "eval hashing" if shard[1] == 1 else f"eval hashing {shard[0] + 1}/{shard[1]}"
        return tqdm(list(items), desc=label, unit="image", position=shard[0])

    return collect_records(config, shard, wrap=bar)


def _run_sharded(config: Any, jobs: int) -> dict[str, Any]:
    from concurrent.futures import ProcessPoolExecutor

    from vouchsafe.evaluation.hashing import merge_records, summarize

    if jobs == 1:
        return summarize(config, _collect_with_bar(config, (0, 1)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_collect_with_bar, config, (i, jobs)) for i in range(jobs)]
        parts = [f.result() for f in futures]
    return summarize(config, merge_records(parts))


def run(args: argparse.Namespace) -> int:
    """Runs the harness with a progress bar, prints the table, writes the JSON report."""
    import dataclasses
    import json
    import tempfile

    from vouchsafe.cli import UsageError
    from vouchsafe.evaluation.hashing import HashingEvalConfig
    from vouchsafe.evaluation.page import hashing_report_html
    from vouchsafe.evaluation.report import format_budget_table, format_hashing_report
    from vouchsafe.evaluation.transforms import TRANSFORMS

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or _default_folder(Path(tmp))
        if not folder.is_dir():
            raise UsageError(f"no such folder: {folder}")
        names = tuple(t.name for t in TRANSFORMS)
        if args.transforms:
            names = tuple(n.strip() for n in args.transforms.split(",") if n.strip())
        config = HashingEvalConfig(
            folder=folder,
            signal_type=args.signal_type,
            backend=args.backend,
            stride=args.stride,
            offset=args.offset,
            limit=args.limit,
            transforms=names,
            hash_set_size=args.hash_set_size,
            images_per_day=args.images_per_day,
            threshold=args.threshold,
            confirmation=not args.no_confirmation,
        )
        if args.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        config = dataclasses.replace(
            config,
            split=args.split,
            max_candidates=_budgets(args.max_candidates),
            measure_cost=not args.no_cost,
        )
        try:
            report = _run_sharded(config, args.jobs)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    print(format_hashing_report(report))
    print()
    print(format_budget_table(report))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    page = args.html or args.json.with_suffix(".html")
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(hashing_report_html(report), encoding="utf-8")
    print(f"report: {args.json} and {page} (with the recall-cost frontier)")
    if args.confirmation_fit_out is not None and "confirmation" in report:
        fit = {"written_by": "vouchsafe eval hashing --confirmation-fit-out",
               "fit_rule": report["confirmation"]["fit_rule"],
               "split": report["confirmation"]["split"],
               "training_images": report["confirmation"]["training_images"],
               **report["confirmation"]["fit"]}  # fmt: skip
        args.confirmation_fit_out.write_text(json.dumps(fit, indent=1) + "\n", encoding="utf-8")
        print(f"confirmation fit: {args.confirmation_fit_out}")
    return 0


def _budgets(text: str) -> tuple[int, ...]:
    from vouchsafe.cli import UsageError
    from vouchsafe.sdk.media.candidates import BUDGETS

    try:
        budgets = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise UsageError(f"--max-candidates takes integers, got {text!r}") from None
    unknown = [b for b in budgets if b not in BUDGETS]
    if not budgets or unknown:
        raise UsageError(f"--max-candidates: each budget must be one of {BUDGETS}")
    return budgets
