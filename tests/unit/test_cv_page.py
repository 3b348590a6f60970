"""The strengths CV prints on one A4 page even when every field is as full as the
API allows; checked by printing it with a real browser engine."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import msgspec
import msgspec.inspect as inspect
import pytest

from service.coaching.cv import render_page
from service.coaching.types import StrengthsCvIn

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WORDS = "Wanha Mylly ja mökkitalkoot, "  # wide letters, Finnish letters, spaces


def _fullest(info: Any) -> Any:
    """The largest value a field's limits allow."""
    if isinstance(info, inspect.UnionType):
        info = next(t for t in info.types if not isinstance(t, inspect.NoneType))
    if isinstance(info, inspect.StrType):
        length = info.max_length or 100
        return (WORDS * (length // len(WORDS) + 1))[:length]
    if isinstance(info, inspect.ListType):
        return [_fullest(info.item_type) for _ in range(info.max_length or 10)]
    if isinstance(info, inspect.StructType):
        return {field.name: _fullest(field.type) for field in info.fields}
    raise TypeError(info)


def fullest_cv() -> StrengthsCvIn:
    info = inspect.type_info(StrengthsCvIn)
    assert isinstance(info, inspect.StructType)
    return msgspec.convert(
        {field.name: _fullest(field.type) for field in info.fields}, StrengthsCvIn
    )


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_fullest_cv_prints_on_one_a4_page(language: str, tmp_path: Path) -> None:
    if CHROMIUM is None:
        # CI installs chromium and sets this, so there the test cannot pass by skipping.
        if os.environ.get("POLKU_TEST_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is needed to print the CV page")
        pytest.skip("needs chromium to print the page")
    cv = fullest_cv()
    html = render_page(
        cv, name="Maria-Kristiina Vähäsarja-Hämäläinen", language=language, updated_on="2026-11-22"
    )
    page = tmp_path / "cv.html"
    page.write_text(html, encoding="utf-8")
    pdf = tmp_path / "cv.pdf"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())
    assert len(pages) == 1
    assert cv.experience[0].title in html
