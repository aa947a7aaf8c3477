"""``python -m prosewise.server.lsp [--stdio] [--tcp HOST:PORT] [--lite]``."""

from __future__ import annotations

import argparse
import logging

from prosewise.agents.engines.hub import EngineHub
from prosewise.server.stdio import reserve_stdout


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments editors pass, start loading harper and start the server."""
    parser = argparse.ArgumentParser(prog="prosewise-lsp", description=__doc__)
    parser.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP port (for debugging)")
    parser.add_argument("--lite", action="store_true",
                        help="harper and the rule agents only: no lingotweaker (≈400 MB less)")
    parser.add_argument("--log-level", default="WARNING", help="logging level on stderr")
    args = parser.parse_args(argv)
    reserve_stdout()  # before harper runs: it prints to fd 1
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    engines = EngineHub.for_server()

    from prosewise.server.lsp import serve  # after harper started loading (see above)

    serve(stdio=not args.tcp, tcp=args.tcp, lite=args.lite, engines=engines)


if __name__ == "__main__":
    main()
