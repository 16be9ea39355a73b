"""How a stop signal ends newsfacts' commands: SIGTERM and SIGINT raise :class:`Stopped` in the main thread, a run
ends what it started (workers, Prefect's embedded server), and ``serve``'s stop is bounded."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
STOP_GRACE_S = 5.0  # how long a process the run started has to end after SIGTERM, before SIGKILL
SERVE_STOP_S = 8.0  # serve: how long Prefect's runner may take to stop on SIGTERM before the process ends
SERVE_RESEND_S = 3.0  # serve: a stop signal whose exception was lost is sent again after this long


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGINT stopped the run. A KeyboardInterrupt (not an Exception: nothing on the way catches it),
    so Prefect records the flow run as Crashed by a signal, and the run's pool terminates its workers."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


RECEIVED: list[int] = []  # the stop signals this process received (a handler on the way may catch Stopped)
_RESEND: dict[str, Any] = {"after": None, "timer": None}  # see _stopped_by_signals(resend_after=...)


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    RECEIVED.append(signum)
    if _RESEND["after"] is not None:  # Python drops an exception raised inside a finaliser: signal again
        import threading

        timer = threading.Timer(_RESEND["after"], os.kill, (os.getpid(), signum))
        timer.daemon = True
        timer.start()
        _RESEND["timer"] = timer
    raise Stopped(signum)


@contextlib.contextmanager
def _stopped_by_signals(resend_after: float | None = None) -> Iterator[None]:
    """SIGTERM and SIGINT raise :class:`Stopped` in the main thread. While the flow runs, Prefect's engine has
    its own SIGTERM handler: it ends the flow run (Crashed), then sends the signal again to this one.
    ``resend_after``: when the process still runs that many seconds after a stop signal (the exception was
    raised inside a finaliser, where Python prints and drops it), the signal is sent again."""
    import threading

    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    _RESEND["after"] = resend_after
    previous = {signum: signal.signal(signum, _raise_stopped) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        if _RESEND["timer"] is not None:
            _RESEND["timer"].cancel()
        _RESEND["after"] = _RESEND["timer"] = None
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _end_started_processes() -> None:
    """Stop what the run started and left: Prefect's embedded server (stopped only at a normal exit), then
    every process still below this one (worker processes, a Dask cluster's): SIGTERM, SIGKILL after a grace."""
    import psutil

    if "prefect.logging.handlers" in sys.modules:  # the run's last logs and events, while the server is up
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        for service in (APILogWorker, EventsWorker):
            with contextlib.suppress(Exception):
                service.drain_all(timeout=STOP_GRACE_S)
    if "prefect.server.api.server" in sys.modules:
        from prefect.server.api.server import SubprocessASGIServer

        with contextlib.suppress(Exception):
            SubprocessASGIServer().stop()  # the process's singleton; stopping one never started is a no-op
    from multiprocessing import resource_tracker

    # multiprocessing's resource tracker ignores SIGTERM: it ends when this process does, after its clean-up
    tracker = getattr(resource_tracker._resource_tracker, "_pid", None)
    children = [c for c in psutil.Process().children(recursive=True) if c.pid != tracker]
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=STOP_GRACE_S)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(alive, timeout=STOP_GRACE_S)


def _bound_runner_stop() -> None:
    """Prefect's runner stops on SIGTERM by pausing its deployments through the API, retrying while the server
    is unreachable: with the server gone, ``serve`` would not end. Its stop gets SERVE_STOP_S seconds; then the
    process ends (exit 0: nothing of serve's own is left half-done, the flow runs it started are processes of
    their own)."""
    import threading

    from prefect.runner.runner import Runner

    graceful = Runner.handle_sigterm
    if getattr(graceful, "_bounded", False):
        return

    def handle_sigterm(self: Runner, *args: Any, **kwargs: Any) -> None:
        RECEIVED.append(signal.SIGTERM)

        def give_up() -> None:
            print("newsfacts: serve stopped by SIGTERM", file=sys.stderr, flush=True)
            os._exit(0)

        timer = threading.Timer(SERVE_STOP_S, give_up)
        timer.daemon = True
        timer.start()
        graceful(self, *args, **kwargs)

    handle_sigterm._bounded = True  # type: ignore[attr-defined]
    Runner.handle_sigterm = handle_sigterm  # type: ignore[method-assign]
