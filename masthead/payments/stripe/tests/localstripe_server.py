"""Run localstripe on 127.0.0.1 only, keeping its state in memory.

localstripe's own command listens on every interface and pickles its store to a fixed file in
/tmp after each write; the tests need neither. ``python -m
masthead.payments.stripe.tests.localstripe_server --port N``.
"""

import argparse
import logging

from aiohttp import web
from localstripe import resources
from localstripe.server import app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # In memory only: parallel runs must not share (or overwrite) one pickle file.
    resources.Store.dump_to_disk = lambda self: None
    logging.basicConfig(level=logging.WARNING)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
