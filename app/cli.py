"""The `faircast` command. Serving needs eventlet's monkey-patching before anything else loads."""

from __future__ import annotations

import os
import sys
import warnings

SERVING_COMMANDS = ("serve", "demo")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    args = sys.argv[1:] if argv is None else argv
    # Eventlet announces its maintenance mode on import; docs/decisions.md says why it is used.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    async_mode = os.environ.get("FAIRCAST_ASYNC_MODE", "eventlet")
    if args and args[0] in SERVING_COMMANDS and async_mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
        # psycopg's C wait loop would block the event loop; its select() loop is green.
        os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    from app.commands import cli

    cli.main(args=args, prog_name="faircast")


if __name__ == "__main__":
    main()
