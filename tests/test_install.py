"""`pip install .` as a user gets it: one `micnews` namespace (no top-level `crawler` or
`cleaners` to shadow a user's own Scrapy project or the PyPI packages of those names), the
built demo site inside, its generator not. The wheel is built offline and installed, without
dependencies, into a clean virtualenv; the checks run from outside the repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT

# builds a wheel and a virtualenv (~10 s); one worker runs the module,
# so its module-scoped fixture is built once, not once per worker
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("install")]

PROBE = """
import importlib, importlib.resources, sys
for name in ("crawler", "cleaners"):
    try:
        importlib.import_module(name)
    except ModuleNotFoundError:
        pass
    else:
        sys.exit(f"a top-level {name!r} package is importable")
import micnews.cleaners, micnews.crawler
assert "/site-packages/" in micnews.cleaners.__file__, micnews.cleaners.__file__
demo = importlib.resources.files("micnews.crawler.demo")
assert (demo / "expected.json").is_file() and (demo / "site" / "mic" / "index.html").is_file()
assert not (demo / "build_demo.py").is_file()
print("ok")
"""


def _run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-3000:])
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel of a copy of the sources a clone has (no build/ or egg-info leftovers)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    junk = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("crawler", "cleaners"):
        shutil.copytree(ROOT / name, src / name, ignore=junk)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-q", "-w", tmp / "dist", src)
    (built,) = (tmp / "dist").glob("micnews-*.whl")
    return built


def test_the_wheel_has_one_namespace_and_the_demo_site_without_its_generator(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"micnews", next(t for t in tops if t.endswith(".dist-info"))}, tops
    assert "micnews/crawler/demo/expected.json" in names
    assert any(n.startswith("micnews/crawler/demo/site/mic/") for n in names)
    assert any(n.startswith("micnews/cleaners/profiles/") and n.endswith(".toml") for n in names)
    assert not [n for n in names if "build_demo" in n or n.endswith("demo/content.py")]


def test_installed_from_outside_the_repo_only_micnews_imports(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         "-q", wheel)
    assert (venv / "bin" / "micnews").is_file(), "the console script"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    done = _run(python, "-c", PROBE, cwd=outside)
    assert done.stdout.strip() == "ok"
