"""One timestamped log format for the appliance and its HTTP server; the scheduler's per-run lines at DEBUG."""

from __future__ import annotations

import logging
from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# APScheduler logs "Running job ..." and "Job ... executed successfully" at INFO for every
# run (apscheduler/executors/base.py), and a line per job added at start; with jobs every few
# seconds they were most of the log. The jobs log their own failures at WARNING or above.
_SCHEDULER_LOGGERS = ("apscheduler.executors.default", "apscheduler.scheduler")


class _Demote(logging.Filter):
    """Turns INFO records into DEBUG ones, dropped unless the appliance logs at debug level."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger().isEnabledFor(logging.DEBUG)


def configure(level: str) -> None:
    """Log to standard error in FORMAT at ``level`` (debug, info, warning, error)."""
    logging.basicConfig(level=level.upper(), format=FORMAT, force=True)
    for name in _SCHEDULER_LOGGERS:
        scheduler = logging.getLogger(name)
        if not any(isinstance(f, _Demote) for f in scheduler.filters):
            scheduler.addFilter(_Demote())


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's ``log_config``: its loggers keep no handlers of their own and pass records to ours."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {name: {"handlers": [], "propagate": True} for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
    }


def litestar_config() -> Any:
    """Litestar's ``logging_config``: leave the root logger (configured above) alone, same format for its own logger."""
    from litestar.logging.config import LoggingConfig

    return LoggingConfig(configure_root_logger=False, propagate=False, formatters={"standard": {"format": FORMAT}})
