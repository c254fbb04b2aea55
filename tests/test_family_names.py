"""Family names in a sites file: a profile's former name keeps working (issue 12 renamed
``mic_current`` to ``vccorp_cms``), with one warning naming the new name; an unknown name is
one error line listing the known ones. The former names are data: ``aliases`` in the
profile's TOML (cleaners/profiles), read by the profile loader."""

from __future__ import annotations

import logging

import pytest

from micnews.cleaners.profile import UnknownFamily, get_profile, load_profiles
from micnews.crawler import sites as sites_mod
from micnews.crawler.sites import SiteConfigError, load_sites
from tests.conftest import run_cli

OLD = '[mic]\nroot = "https://mic.gov.vn/"\nfamily = "mic_current"\n'


def test_former_names_are_data_read_by_the_profile_loader() -> None:
    vccorp = get_profile("vccorp_cms")
    assert "mic_current" in vccorp.aliases
    assert get_profile("mic_current") is vccorp
    names = [p.name for p in load_profiles()]
    aliases = [a for p in load_profiles() for a in p.aliases]
    assert len(set(aliases)) == len(aliases) and not set(aliases) & set(names)


def test_an_unknown_family_names_the_known_ones() -> None:
    with pytest.raises(UnknownFamily) as err:
        get_profile("nukeviet9")
    assert str(err.value) == ("unknown family 'nukeviet9' (known: auto, mic_legacy, "
                              "nukeviet3, nukeviet4, vccorp_cms)")


def test_an_old_sites_file_keeps_working_with_one_warning(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(sites_mod, "_warned", set())
    path = tmp_path / "sites.toml"
    path.write_text(OLD + '[dienbien]\nroot = "https://stttt.dienbien.gov.vn/"\n'
                    'family = "nukeviet4"\n', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="micnews.crawler.sites"):
        first, again = load_sites(path), load_sites(path)  # the command reads it more than once
    assert first["mic"].family == again["mic"].family == "vccorp_cms"
    assert first["dienbien"].family == "nukeviet4"
    warned = [r.getMessage() for r in caplog.records]
    assert warned == ["site 'mic': family 'mic_current' is deprecated, now called 'vccorp_cms' "
                      '(the old name still works; write family = "vccorp_cms" in the sites file)']


def test_an_unknown_family_is_a_config_error(tmp_path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text('[x]\nroot = "https://x.gov.vn/"\nfamily = "vccorp"\n', encoding="utf-8")
    with pytest.raises(SiteConfigError, match=r"^site 'x': unknown family 'vccorp' \(known: "
                                               r"auto, mic_legacy, .*vccorp_cms\)$"):
        load_sites(path)


def test_the_bundled_sites_file_uses_current_names() -> None:
    known = {"auto", *(p.name for p in load_profiles())}
    assert {s.family for s in load_sites().values()} <= known


@pytest.mark.e2e
def test_the_command_says_it_in_one_line(tmp_path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(OLD, encoding="utf-8")
    result = run_cli("sites", "--sites-file", str(path))
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "'mic_current' is deprecated" in lines[0], result.stderr
    assert "vccorp_cms" in lines[0] and "vccorp_cms" in result.stdout
