"""`python -m pipeline` and the `vnpolicy` command: SIGTERM is handled as Ctrl-C is, before
anything is imported, so an interrupted run at any moment commits its tables or leaves them
untouched, removes its temporary files, ends its workers and prints no traceback."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

from .errors import Interrupted

EXIT_STATUS = {signal.SIGINT: 130, signal.SIGTERM: 143}  # 128 + the signal, as shells report


def _interrupt(signum: int, frame: FrameType | None) -> None:
    for handled in EXIT_STATUS:  # one interruption: the clean-up runs undisturbed
        signal.signal(handled, signal.SIG_IGN)
    raise Interrupted(signum)


def main() -> int:
    """Run the command line; an interruption is a message and the shell's exit status."""
    for handled in EXIT_STATUS:
        signal.signal(handled, _interrupt)
    try:
        from .cli import app

        try:
            app(prog_name="vnpolicy")
        finally:
            sys.stdout.flush()  # here, where a closed pipe can still be caught
    except Interrupted as stop:
        name = signal.Signals(stop.signum).name
        print(f"vnpolicy: interrupted by {name}: tables as they were before the run",
              file=sys.stderr)
        if stop.detail:
            print(f"vnpolicy: {stop.detail}", file=sys.stderr)
        return EXIT_STATUS[stop.signum]
    except BrokenPipeError:  # `vnpolicy audit DIR | head`: the reader has what it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
