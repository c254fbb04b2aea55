"""Every exit code ``micnews crawl`` can return, in one place (documented in README.md,
"Exit codes"). Scheduled jobs (cron, systemd, scrapyd wrappers) branch on them."""

EXIT_OK = 0  # the crawl finished (a distributed worker: the shared queue ran dry)
EXIT_FAILED = 1  # nothing could be fetched, or the crawl could not start
EXIT_USAGE = 2  # bad command input: unknown site, bad option, unwritable folder
EXIT_INTERRUPTED = 3  # SIGINT/SIGTERM (once: flushed and stopped; twice: stopped at once)
EXIT_PROFILE_ROT = 4  # finished, but a site's family profile no longer fits it (profile health)
EXIT_DISK_FULL = 74  # EX_IOERR: a write failed for lack of space; the crawl stopped there
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run of the same site is going on; try again later
