"""Sites as configuration: load ``sites.toml`` and resolve crawl targets."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

STATUSES = ("live", "moved", "archive-only", "unknown")
logger = logging.getLogger(__name__)
_warned: set[tuple[str, str]] = set()  # (site, old family name): one warning per process


class SiteConfigError(ValueError):
    """A sites file or crawl target that cannot be used."""


@dataclass(frozen=True)
class Site:
    """One site to crawl."""

    name: str
    root: str
    family: str = "auto"
    start: tuple[str, ...] = field(default_factory=tuple)
    # other hosts of the same site (host or host:port), on-site like the root's: where it moved
    aliases: tuple[str, ...] = field(default_factory=tuple)
    status: str = "unknown"  # what is known of its state: live, moved, archive-only

    @property
    def netlocs(self) -> list[str]:
        """Host (and non-default port) of the root, then of each alias."""
        return list(dict.fromkeys([site_of(self.root),
                                   *(site_of(f"http://{a}/") for a in self.aliases)]))

    @property
    def start_urls(self) -> list[str]:
        """Root first, then the configured entry points, without repeats."""
        return list(dict.fromkeys([self.root, *self.start]))

    @property
    def host(self) -> str:
        """Host name the crawl stays on."""
        return urlsplit(self.root).hostname or ""


def load_sites(path: str | Path | None = None) -> dict[str, Site]:
    """Read a sites file (the bundled ``crawler/sites.toml`` by default)."""
    try:
        if path is None:
            text = resources.files("micnews.crawler").joinpath("sites.toml").read_text("utf-8")
        else:
            text = Path(path).read_text("utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SiteConfigError(f"cannot read sites file {path or 'sites.toml'}: {exc}") from exc
    sites = {}
    for name, table in data.items():
        if not isinstance(table, dict) or "root" not in table:
            raise SiteConfigError(f"site {name!r} needs a 'root' URL")
        sites[name] = Site(
            name=name,
            root=_check_url(table["root"]),
            family=_check_family(name, table.get("family", "auto")),
            start=tuple(_check_url(u) for u in table.get("start", [])),
            aliases=tuple(_check_alias(name, a) for a in table.get("aliases", [])),
            status=_check_status(name, table.get("status", "unknown")),
        )
    return sites


def resolve_targets(targets: list[str], sites: dict[str, Site]) -> list[Site]:
    """Names and URLs from the command line as sites; no targets means all sites."""
    if not targets:
        return list(sites.values())
    out = []
    for target in targets:
        if target in sites:
            out.append(sites[target])
        elif "://" in target:
            url = _check_url(target)
            out.append(Site(name=urlsplit(url).netloc, root=url))
        else:
            known = ", ".join(sorted(sites)) or "none"
            raise SiteConfigError(f"unknown site {target!r} (configured: {known}; or give a URL)")
    return out


def _check_alias(site: str, alias: object) -> str:
    """An alias as ``host`` or ``host:port`` (a URL is cut to its host and port)."""
    text = str(alias).strip()
    netloc = urlsplit(text if "://" in text else f"http://{text}").netloc.rpartition("@")[2]
    try:
        if not netloc or not urlsplit(f"http://{netloc}/").hostname:
            raise ValueError
        urlsplit(f"http://{netloc}/").port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise SiteConfigError(f"site {site!r}: not a host name in aliases: {text!r}") from None
    return netloc.lower()


def _check_family(site: str, family: object) -> str:
    """``auto`` or a profile's name; a profile's former name (its ``aliases``) becomes the
    current one, with a one-line warning; an unknown name is an error listing the known."""
    name = str(family).strip()
    if name == "auto":
        return name
    from micnews.cleaners.profile import UnknownFamily, get_profile

    try:
        current = get_profile(name).name
    except UnknownFamily as exc:
        raise SiteConfigError(f"site {site!r}: {exc}") from None
    if current != name and (site, name) not in _warned:
        _warned.add((site, name))
        logger.warning('site %r: family %r is deprecated, now called %r (the old name still '
                       'works; write family = "%s" in the sites file)', site, name, current,
                       current)
    return current


def _check_status(site: str, status: object) -> str:
    if status not in STATUSES:
        raise SiteConfigError(f"site {site!r}: status must be one of {', '.join(STATUSES)}, "
                              f"not {status!r}")
    return str(status)


def site_of(url: str) -> str:
    """Host, lower-case, plus ``:port`` when the port is not the scheme's default (the
    same rule as :func:`micnews.cleaners.clean.site_of`, which the crawl compares with)."""
    from micnews.cleaners.clean import site_of as _site_of

    return _site_of(url)


def _check_url(url: str) -> str:
    """``url`` if it is a usable http(s) URL, without credentials (never sent nor stored)."""
    try:
        url = url.strip()
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except (ValueError, AttributeError):
        raise SiteConfigError(f"not a valid URL: {url!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SiteConfigError(f"not an http(s) URL: {url!r}")
    if parts.username is not None or parts.password is not None:
        url = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    return url
