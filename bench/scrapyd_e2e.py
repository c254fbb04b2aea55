"""The README's scrapyd recipe, run as written against a real scrapyd (issue 14).

Usage (CI runs it: ``.ci/run``)::

    python bench/scrapyd_e2e.py            # exit 0: deployed, crawled, dataset read

Steps, all on 127.0.0.1 and in temporary folders:

1. a fresh virtualenv (system site-packages: micnews's dependencies) gets
   ``pip install '.[scrapyd]'``'s extra from PyPI: scrapyd, scrapyd-client and a setuptools
   both accept (>= 77 for ``license = "MIT"``, < 81 for scrapyd's ``pkg_resources``);
2. a ``git clone`` of this repository's HEAD (a clean checkout), its ``scrapy.cfg``
   ``[deploy] url`` pointed at the scrapyd started in step 3 (a free port instead of 6800);
3. ``scrapyd`` with a ``scrapyd.conf`` in its own folder;
4. ``scrapyd-deploy`` from the clone's root — it must not leave an untracked file there;
5. ``schedule.json`` of the ``news`` spider on a loopback fixture site (``site=URL``,
   ``setting=MICNEWS_OUT=…``), ``listjobs.json`` until it finished, then the dataset is
   read back with pyarrow and its URLs compared with the site's articles;
6. a second job on a port nothing listens on: its log ends with micnews's one line.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from micnews.cleaners.dataset import load  # noqa: E402
from micnews.crawler.demo.server import SiteServer  # noqa: E402
from micnews.crawler.urls import canonical_url  # noqa: E402

SITE = "nukeviet"
FIXTURES = ROOT / "tests" / "fixtures" / "sites"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], cwd: Path, **kw) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, **kw)
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(cmd)}\n"
                         f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return result


def api(base: str, endpoint: str, data: dict | list | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=30) as answer:
        return json.loads(answer.read())


def wait_job(base: str, job: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        jobs = api(base, "listjobs.json?project=micnews")
        if any(j["id"] == job for j in jobs.get("finished", [])):
            return
        time.sleep(0.5)
    raise SystemExit(f"job {job} did not finish in {seconds} s")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="micnews-scrapyd-"))
    scrapyd = server = None
    try:
        venv = work / "venv"
        run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], work)
        py = venv / "bin" / "python"
        extra = _scrapyd_extra()
        run([str(py), "-m", "pip", "install", "-q", *extra], work)

        repo = work / "repo"
        run(["git", "clone", "-q", str(ROOT), str(repo)], work)
        port = free_port()
        cfg = repo / "scrapy.cfg"
        cfg.write_text(cfg.read_text().replace("http://localhost:6800/",
                                               f"http://127.0.0.1:{port}/"))

        home = work / "scrapyd"
        home.mkdir()
        (home / "scrapyd.conf").write_text(
            f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\n"
            f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\n"
            f"dbs_dir = {home / 'dbs'}\nitems_dir =\nmax_proc = 2\npoll_interval = 0.5\n")
        scrapyd = subprocess.Popen([str(venv / "bin" / "scrapyd")], cwd=home,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                api(base, "daemonstatus.json")
                break
            except OSError:
                if scrapyd.poll() is not None:
                    raise SystemExit(
                        f"scrapyd stopped: {scrapyd.communicate()[1][-3000:]}") from None
                time.sleep(0.1)

        deployed = run([str(venv / "bin" / "scrapyd-deploy")], repo)
        if '"status": "ok"' not in deployed.stdout + deployed.stderr:
            raise SystemExit(f"deploy failed: {deployed.stdout}\n{deployed.stderr}")
        left = run(["git", "status", "--porcelain", "--untracked-files=all"], repo).stdout
        untracked = [line for line in left.splitlines() if line.startswith("??")]
        if untracked:
            raise SystemExit(f"scrapyd-deploy left untracked files: {untracked}")

        server = SiteServer(FIXTURES / SITE).start()
        out = work / "dataset"
        job = api(base, "schedule.json", [
            ("project", "micnews"), ("spider", "news"), ("site", server.base_url + "/"),
            ("setting", f"MICNEWS_OUT={out}"), ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "AUTOTHROTTLE_ENABLED=False")])["jobid"]
        wait_job(base, job)
        log = next((home / "logs").rglob(f"{job}.log")).read_text()
        expected = json.loads((FIXTURES / "expected.json").read_text("utf-8"))[SITE]
        want = sorted(canonical_url(server.base_url + p) for p in expected)
        got = sorted(canonical_url(u) for u in
                     load(out).to_table(columns=["url"]).column("url").to_pylist())
        if got != want:
            raise SystemExit(f"dataset: {got} != {want}\n{log[-3000:]}")
        if "Spider closed (finished)" not in log:
            raise SystemExit(f"the job did not finish cleanly:\n{log[-3000:]}")

        down = api(base, "schedule.json", [
            ("project", "micnews"), ("spider", "news"), ("site", f"http://127.0.0.1:{free_port()}/"),
            ("setting", f"MICNEWS_OUT={work / 'down'}")])["jobid"]
        wait_job(base, down)
        log = next((home / "logs").rglob(f"{down}.log")).read_text()
        if "Spider closed (unreachable)" not in log or "micnews/exit_code': 1" not in log:
            raise SystemExit(f"an unreachable site's job:\n{log[-3000:]}")
        print(f"scrapyd: deployed, crawled {len(got)} articles of {SITE} on {server.base_url}, "
              f"unreachable site ended with exit code 1; nothing left untracked")
        return 0
    finally:
        if server is not None:
            server.stop()
        if scrapyd is not None:
            scrapyd.terminate()
            scrapyd.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def _scrapyd_extra() -> list[str]:
    """The ``scrapyd`` extra of pyproject.toml (one list of requirements)."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return list(project["optional-dependencies"]["scrapyd"])


if __name__ == "__main__":
    raise SystemExit(main())
