"""The documentation stands on its own: every relative link in a Markdown file leads somewhere.

Every Markdown file of the repository (tracked, or new and not ignored: what `git ls-files
--cached --others --exclude-standard` lists, or a walk when git is not at hand) is read, and
each relative link `[text](path)`, `[text](path#anchor)`, `[text](#anchor)`, image or
reference definition must point at a file or folder of the repository. An anchor into a
Markdown file must name one of its headings, slugged as GitHub slugs them (lower case,
punctuation dropped, spaces to hyphens, `-1`, `-2` for repeats) or an explicit `<a id>`/`<a
name>`. Links inside code blocks and code spans are not links. Web links (`https:`,
`mailto:` …) are not checked.

No file may point outside the repository to the shared design folder either: the text
`../` + `shared` appears in no file.
"""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Never the repository's own files, whatever git says about them.
SKIPPED_DIRS = frozenset(
    {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
)
OUTSIDE = "../" + "shared"  # spelled in two parts, so this file does not contain it

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
# [text](target) and ![alt](target); text may hold one level of brackets, e.g. [`a[b]`](x).
_INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+[\"'(][^)]*)?\s*\)")
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)\s*$")
_HTML_ANCHOR = re.compile(r"<a\s[^>]*(?:id|name)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _skipped(relative: Path) -> bool:
    return any(part in SKIPPED_DIRS for part in relative.parts)


@cache
def repository_files() -> frozenset[Path]:
    """The repository's files, relative to its root."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, check=True,
        ).stdout.decode("utf-8", "surrogateescape")
        paths = [Path(name) for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        paths = []
        for folder, dirs, names in os.walk(ROOT):
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
            paths += [(Path(folder) / name).relative_to(ROOT) for name in names]
    return frozenset(p for p in paths if not _skipped(p) and (ROOT / p).is_file())


@cache
def repository_dirs() -> frozenset[Path]:
    return frozenset(parent for path in repository_files() for parent in path.parents)


def markdown_files() -> list[Path]:
    return sorted(p for p in repository_files() if p.suffix.lower() in (".md", ".markdown"))


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) outside fenced code blocks, with code spans blanked out."""
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        opening = _FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)[0] * len(opening.group(1))
            continue
        if fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            continue
        yield number, _CODE_SPAN.sub(lambda span: " " * len(span.group(0)), line)


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text lower-cased, punctuation dropped (letters,
    digits, `_`, `-` and spaces stay), each space a hyphen."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link counts by its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "")
    text = unicodedata.normalize("NFC", text).strip().lower()
    kept = "".join(
        char for char in text
        if char in " -_" or unicodedata.category(char)[0] in "LNM"
    )
    return kept.replace(" ", "-")


@cache
def anchors_of(path: Path) -> frozenset[str]:
    """Every anchor a Markdown file offers: its headings' slugs (repeats numbered) and HTML ids."""
    text = (ROOT / path).read_text(encoding="utf-8")
    anchors: set[str] = set()
    seen: dict[str, int] = {}

    def add_heading(title: str) -> None:
        slug = github_slug(title)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")

    previous: str | None = None
    for _, line in prose_lines(text):
        anchors.update(match.group(1) for match in _HTML_ANCHOR.finditer(line))
        heading = _ATX_HEADING.match(line)
        if heading:
            add_heading(heading.group(2))
            previous = None
            continue
        if (
            previous is not None
            and _SETEXT_UNDERLINE.match(line)
            and previous.strip()
            and not previous.lstrip().startswith(("-", "*", "+", "|", ">"))
        ):
            add_heading(previous.strip())
            previous = None
            continue
        previous = line
    return frozenset(anchors)


def links_of(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, target) of every link in the file's prose."""
    text = (ROOT / path).read_text(encoding="utf-8")
    for number, line in prose_lines(text):
        for match in _INLINE_LINK.finditer(line):
            yield number, match.group(1)
        definition = _REFERENCE_DEFINITION.match(line)
        if definition:
            yield number, definition.group(1)


def broken(source: Path, target: str) -> str | None:
    """Why the link `target` in `source` leads nowhere, or None when it is fine."""
    target = target.strip("<>").strip()
    if not target or _SCHEME.match(target) or target.startswith("//"):
        return None  # a web link, mail address and the like: not ours to check
    location, _, anchor = target.partition("#")
    location = unquote(location.split("?", 1)[0])
    if not location:
        resolved = source
    else:
        base = ROOT if location.startswith("/") else (ROOT / source).parent
        absolute = Path(os.path.normpath(base / location.lstrip("/")))
        try:
            resolved = absolute.relative_to(ROOT)
        except ValueError:
            return "points outside the repository"
        if resolved not in repository_files() and resolved not in repository_dirs():
            return "no such file in the repository"
    is_markdown = resolved in repository_files() and resolved.suffix.lower() in (".md", ".markdown")
    if anchor and is_markdown and unquote(anchor).lower() not in anchors_of(resolved):
        return f"{resolved.as_posix()} has no heading '#{anchor}'"
    return None


def test_the_repository_has_markdown_files():
    # Guards the listing itself: a test that finds no file would pass without checking anything.
    names = {path.as_posix() for path in markdown_files()}
    assert "README.md" in names


@pytest.mark.parametrize("markdown", markdown_files(), ids=lambda path: path.as_posix())
def test_every_relative_link_resolves(markdown: Path):
    problems = [
        f"{markdown.as_posix()}:{line}: ({target}) {why}"
        for line, target in links_of(markdown)
        if (why := broken(markdown, target)) is not None
    ]
    assert not problems, "Broken links:\n" + "\n".join(problems)


# The contract's own file names, upper-case as nowhere in this repository (ours is docs/api.md).
OUTSIDE_NAMES = [OUTSIDE, "API" + ".md", "API-2" + ".md"]


@pytest.mark.parametrize("needle", OUTSIDE_NAMES)
def test_no_file_points_at_the_shared_design_folder(needle: str):
    found = [
        path.as_posix()
        for path in sorted(repository_files())
        if needle.encode() in (ROOT / path).read_bytes()
    ]
    assert not found, f"These files mention {needle}, which is not part of the repository: {found}"


# --- the checker itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Rule 14: abuse", "rule-14-abuse"),
        ("Reading any object: node", "reading-any-object-node"),
        ("`import-debtors`: the CSV columns", "import-debtors-the-csv-columns"),
        ("Ids, pages and scalars", "ids-pages-and-scalars"),
        ("Löschen & Ändern", "löschen--ändern"),
        ("A [linked](https://example.com) word", "a-linked-word"),
    ],
)
def test_github_slug(heading: str, slug: str):
    assert github_slug(heading) == slug


def test_links_in_code_are_not_links():
    text = "```md\n[x](nowhere.md)\n```\nSee `[y](nowhere.md)` and [z](README.md).\n"
    targets = [target for _, line in prose_lines(text) for target in _INLINE_LINK.findall(line)]
    assert targets == ["README.md"]


@pytest.mark.parametrize(
    ("target", "fine"),
    [
        ("README.md", True),
        ("README.md#layout", True),
        ("README.md#no-such-heading", False),
        ("docs/", True),
        ("nowhere.md", False),
        ("../outside.md", False),
        ("https://example.com/x.md", True),
        ("mailto:ops@example.com", True),
    ],
)
def test_broken_tells_a_good_link_from_a_bad_one(target: str, fine: bool):
    assert (broken(Path("README.md"), target) is None) is fine
