"""python -m deploy [--port 8501] [--address 0.0.0.0] [--processes N] [--no-precompute]

Runs one Streamlit process per core (or N) behind nginx on address:port, until stopped
(Ctrl-C, or SIGTERM from `docker stop`). Needs nginx (Debian: apt-get install nginx).
Each process precomputes every lesson's default and preset views in the background once it
answers its health check (deploy/warm.py), unless --no-precompute.
"""
import argparse
import signal
import sys
import time

from deploy import cores, serve


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m deploy", description=__doc__.splitlines()[2])
    parser.add_argument("--port", type=int, default=8501, help="where nginx listens (8501)")
    parser.add_argument("--address", default="0.0.0.0", help="the address nginx listens on")
    parser.add_argument("--processes", type=int, default=cores(),
                        help=f"Streamlit processes (default: one per core, here {cores()})")
    parser.add_argument("--no-precompute", dest="precompute", action="store_false",
                        help="do not precompute the lessons' default and preset views at start")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))   # docker stop: clean shutdown
    with serve(args.processes, args.port, args.address, precompute=args.precompute) as (url, backends, procs):
        print(f"Gradient Descent Lab: {len(backends)} Streamlit processes behind nginx at "
              f"{args.address}:{args.port}", flush=True)
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(1)
        except KeyboardInterrupt:
            return 0
    print("a server process stopped: shutting down the others", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
