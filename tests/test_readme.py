"""The README's two commands are the ones CI runs, as a newcomer would run them."""

import re

from tests.helpers import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_opens_with_two_commands():
    text = (ROOT / "README.md").read_text("utf-8")
    assert text.index("```bash\n") < text.index("\n## "), "the commands come before any section"
    assert readme_commands() == ["pip install -e . && micnews crawl --demo",
                                 "pip install -e '.[test]' && pytest"]


def test_ci_runs_both_readme_commands_verbatim_with_the_stock_pip():
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    lines = ci.splitlines()
    for command in readme_commands():
        assert command in lines
    code = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    assert "python3 -m venv" in code
    assert not re.search(r"pip[^\n]*install[^\n]*(-U|--upgrade)[^\n]*\bpip\b", code), \
        "no pip upgrade: CI must see what a user with the venv's own pip sees"


def test_readme_names_the_fast_tier_and_its_time():
    text = (ROOT / "README.md").read_text("utf-8")
    assert "pytest -m 'not e2e'" in text
