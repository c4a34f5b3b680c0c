"""The demo's building blocks: corpus split, sent copies, leak search and the HTML report."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image

from vouchsafe.demo.images import MAX_SENT_SIDE, sendable_copy, split_corpus
from vouchsafe.demo.leakcheck import find_plaintext, media_needles, text_needles
from vouchsafe.demo.report import render_html, write_report
from vouchsafe.demo.result import AccountOutcome, DemoResult, DemoSettings, Step


def test_corpus_split_is_deterministic_and_disjoint(corpus_dir: Path) -> None:
    first = split_corpus(corpus_dir, 3, 5, seed=7)
    assert first == split_corpus(corpus_dir, 3, 5, seed=7)
    assert len(set(first.known) | set(first.ordinary)) == 8
    assert split_corpus(corpus_dir, 3, 5, seed=8) != first


def test_corpus_too_small_is_a_clear_error(corpus_dir: Path) -> None:
    with pytest.raises(ValueError, match="usable photos"):
        split_corpus(corpus_dir, 1000, 1000, seed=0)


def test_modified_copy_differs_in_bytes_and_size(corpus_dir: Path) -> None:
    path = split_corpus(corpus_dir, 1, 0, seed=1).known[0]
    plain = sendable_copy(path, random.Random(1), modify=False)
    modified = sendable_copy(path, random.Random(1), modify=True)
    assert plain != modified
    with Image.open(io.BytesIO(plain)) as a, Image.open(io.BytesIO(modified)) as b:
        assert max(a.size) <= MAX_SENT_SIDE
        assert b.size[0] < a.size[0]
        assert b.format == "JPEG"


def test_leak_search_finds_planted_plaintext_and_nothing_else(tmp_path: Path) -> None:
    photo = bytes(random.Random(3).randbytes(4000))
    db = tmp_path / "server.db"
    db.write_bytes(b"header" + photo[1000:3000] + b"trailer")
    log = tmp_path / "server.log"
    log.write_text("GET /v1/health 200\nsending 'hello there'\n")
    needles = [
        *text_needles("text 1", "hello there"),
        *media_needles("photo 1", photo),
        *text_needles("text 2", "never sent"),
    ]
    found = find_plaintext([db, log], needles)
    assert "text 1 in server.log" in found
    assert any(label.startswith("photo 1") and "server.db" in label for label in found)
    assert not any(label.startswith("text 2") for label in found)


def _result() -> DemoResult:
    result = DemoResult(DemoSettings(3, 4, 3, 0.1, 1, 4, 2))
    result.accounts = [
        AccountOutcome(
            "alice", role="sends known items", known_sent=4, vouchers_uploaded=5, items_in_review=4
        ),
        AccountOutcome("bob", role="below threshold", known_sent=2, vouchers_uploaded=4),
        AccountOutcome("carol<script>", known_sent=0, vouchers_uploaded=4),
    ]
    result.steps = [Step("start", ("server on 127.0.0.1",))]
    png = io.BytesIO()
    Image.new("L", (64, 48), 128).save(png, format="PNG")
    result.reviewed = [("alice", "0123abcd", "confirmed", png.getvalue())]
    result.audit_log_ok = True
    return result


def test_report_is_one_self_contained_file_with_embedded_plots(tmp_path: Path) -> None:
    path = write_report(_result(), tmp_path / "out")
    text = path.read_text(encoding="utf-8")
    assert path.name == "report.html" and list(path.parent.iterdir()) == [path]
    assert text.count("data:image/png;base64,") == 3  # two plots and one derivative
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert "carol&lt;script&gt;" in render_html(_result())
