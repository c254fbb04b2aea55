"""Settings come from one place (issue 14): every ``MICNEWS_*`` setting read anywhere has
exactly one default, in ``crawler/defaults.py``, documented there; no call site restates it."""

from __future__ import annotations

import ast
import re

from tests.conftest import ROOT

SOURCES = [p for folder in ("crawler", "cleaners", "bench")
           for p in sorted((ROOT / folder).rglob("*.py"))]
DEFAULTS = ROOT / "crawler" / "defaults.py"
# environment variables, not Scrapy settings (README)
ENVIRONMENT = {"MICNEWS_STAGING", "MICNEWS_DEMO_PORT"}
GETTERS = {"get", "getint", "getfloat", "getbool", "getlist", "getdict", "getwithbase"}


def _defined() -> dict[str, int]:
    tree = ast.parse(DEFAULTS.read_text("utf-8"))
    counts: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    counts[target.id] = counts.get(target.id, 0) + 1
    return counts


def test_every_micnews_setting_has_exactly_one_default():
    defined = _defined()
    assert all(n == 1 for n in defined.values()), {k: n for k, n in defined.items() if n > 1}
    used: dict[str, set[str]] = {}
    for path in SOURCES:
        if path == DEFAULTS:
            continue
        for name in re.findall(r"\bMICNEWS_[A-Z0-9_]+\b", path.read_text("utf-8")):
            used.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    missing = {n: sorted(f) for n, f in used.items() if n not in defined and n not in ENVIRONMENT}
    assert missing == {}, "settings read without a default in crawler/defaults.py"
    unused = {n for n in defined if n.startswith("MICNEWS_")} - set(used)
    assert unused == set(), "defaults nobody reads"


def test_no_call_site_restates_a_default():
    restated = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in GETTERS and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and str(node.args[0].value).startswith("MICNEWS_")
                    and node.args[0].value not in ENVIRONMENT
                    and (len(node.args) > 1 or node.keywords)):
                restated.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert restated == []


def test_each_micnews_setting_is_documented_once():
    """A string right under each MICNEWS_* assignment, and one README row linking there."""
    tree = ast.parse(DEFAULTS.read_text("utf-8"))
    body = tree.body
    undocumented = []
    for i, node in enumerate(body):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id.startswith("MICNEWS_"):
            nxt = body[i + 1] if i + 1 < len(body) else None
            if not (isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant)):
                undocumented.append(node.targets[0].id)
    assert undocumented == []
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "crawler/defaults.py" in readme


def test_readme_user_agent_is_the_one_sent():
    from micnews.crawler.defaults import USER_AGENT

    assert f"`{USER_AGENT}`" in (ROOT / "README.md").read_text("utf-8")
