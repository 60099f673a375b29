"""Arrows point down, in Python and in templates.

Python imports are checked by import-linter (contracts in pyproject.toml, run by `make lint`); the
tests here show those contracts hold and fail on a forbidden import. Templates have no imports for
import-linter to see, so a template of one app loading another app's tag library or including its
templates is checked here with the same layers.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import engines

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("readinggroup", "tools", "desk", "api", "search", "notifications", "reviews", "papers", "members", "core")

# Template folders and their layer; the same order as the import-linter layers. Pages at the top level
# of templates/ and allauth's overrides belong to the configuration, which may use anything; shared
# partials in includes/ stand with core and may use no app.
TEMPLATE_LAYERS = {
    "desk": 4,
    "api": 4,
    "search": 4,
    "notifications": 3,
    "reviews": 2,
    "papers": 1,
    "members": 1,
    "includes": 0,
    "core": 0,
}
CONFIGURATION_LAYER = 5
LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")
REFERENCE = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"']+)["']""")


def _template_owner(relative_path: str) -> tuple[str, int]:
    folder = relative_path.split("/", 1)[0] if "/" in relative_path else ""
    return folder, TEMPLATE_LAYERS.get(folder, CONFIGURATION_LAYER)


def _library_owner(library: str) -> str | None:
    package = engines["django"].engine.libraries.get(library, "").split(".", 1)[0]
    return package if package in TEMPLATE_LAYERS else None


def _may_use(source: tuple[str, int], target: tuple[str, int]) -> bool:
    (source_folder, source_layer), (target_folder, target_layer) = source, target
    if CONFIGURATION_LAYER in (source_layer, target_layer):
        return True  # the site's frame (base.html) and error pages know every app and every app extends them
    return source_folder == target_folder or target_layer < source_layer


def template_direction_violations(template_root: Path) -> list[str]:
    """Every tag-library load, include or extends that points from a template up (or sideways) to another app."""
    violations = []
    for path in sorted(template_root.rglob("*.html")):
        relative = path.relative_to(template_root).as_posix()
        source = _template_owner(relative)
        text = path.read_text(encoding="utf-8")
        for match in LOAD.finditer(text):
            names = match.group(1).split()
            libraries = names[names.index("from") + 1 :] if "from" in names else names
            for library in libraries:
                owner = _library_owner(library)
                if owner is not None and not _may_use(source, (owner, TEMPLATE_LAYERS[owner])):
                    violations.append(f"{relative} loads {library} ({owner})")
        for target in REFERENCE.findall(text):
            if not _may_use(source, _template_owner(target)):
                violations.append(f"{relative} uses {target}")
    return violations


def test_templates_point_down_only():
    assert template_direction_violations(ROOT / "templates") == []


@pytest.mark.parametrize(
    "forbidden",
    [
        "{% load reviews_tags %}",
        "{% load member_name from reviews_tags %}",
        '{% include "reviews/_week_reviews.html" %}',
        "{% extends 'members/profile_edit.html' %}",
    ],
)
def test_a_papers_template_reaching_up_is_caught(tmp_path, forbidden):
    shutil.copytree(ROOT / "templates", tmp_path, dirs_exist_ok=True)
    page = tmp_path / "papers" / "paper_detail.html"
    page.write_text(page.read_text(encoding="utf-8") + forbidden + "\n", encoding="utf-8")
    assert len(template_direction_violations(tmp_path)) == 1


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_import_contracts_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "forbidden_import", "broken"),
    [
        ("papers/selectors.py", "from reviews.models import Review", "papers is not allowed to import reviews"),
        ("core/markup.py", "from papers.models import Week", "core is not allowed to import papers"),
        ("members/services.py", "from papers.models import Week", "members is not allowed to import papers"),
    ],
)
def test_import_contracts_fail_on_a_forbidden_import(tmp_path, module, forbidden_import, broken):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{forbidden_import}  # noqa\n", encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert broken in result.stdout
