"""Pages shared by the lab and the provider's server: one stylesheet, one base template, Jinja2.

Every HTML page the project writes (the demo, comparison and evaluation reports, the server's
transparency page and, later, the operators' console) extends ``base.html`` here and inlines
``style.css``, so each page is self-contained (nothing fetched when opened) and they all look
alike. This package needs only Jinja2: the server may import it without the lab, and the lab
(which depends on the server extra) imports it for its reports. Autoescaping is always on:
values reach the HTML only through templates, never through string formatting.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
STYLESHEET_PATH = Path(__file__).resolve().parent / "style.css"


@dataclass(frozen=True)
class Chart:
    """One chart as a page shows it: an embedded image with its axis labels and caption.

    ``x_label`` and ``y_label`` are the chart's own axis titles (with units), written into the image
    element as ``data-x-label``/``data-y-label`` so a browser test can check every chart has
    them; ``caption`` is the one line that says what to look at.
    """

    title: str
    png: bytes
    alt: str
    caption: str
    x_label: str
    y_label: str

    @property
    def uri(self) -> str:
        """The PNG as a ``data:`` URI (the page fetches nothing)."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True)
class Table:
    """A table: column headers and rows of cells (any value; rendered escaped)."""

    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    caption: str = ""


@cache
def stylesheet() -> str:
    """The one stylesheet, as text (inlined by ``base.html``)."""
    return STYLESHEET_PATH.read_text(encoding="utf-8")


def environment(*template_dirs: Path) -> jinja2.Environment:
    """A Jinja2 environment with autoescaping on, whose templates are ``template_dirs`` (first
    match wins) and then this package's shared ones (``base.html``, ``macros.html``)."""
    return _environment(tuple(Path(d).resolve() for d in template_dirs))


@cache
def _environment(template_dirs: tuple[Path, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*template_dirs, TEMPLATE_DIR]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["stylesheet"] = stylesheet
    return env


def render_page(
    template: str, context: Mapping[str, Any], template_dirs: Sequence[Path] = ()
) -> str:
    """Renders ``template`` (found in ``template_dirs`` or here) with ``context``."""
    return environment(*template_dirs).get_template(template).render(**context)
