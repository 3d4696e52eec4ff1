"""Print every speed figure with its ratio to a plain reference: `python -m bench [name ...]`."""
import importlib
import pkgutil
import sys

import bench


def modules(selected):
    for info in pkgutil.iter_modules(bench.__path__):
        if not info.name.startswith("_") and (not selected or info.name in selected):
            yield importlib.import_module(f"bench.{info.name}")


def main(argv):
    print(f"{'benchmark':58s} {'ours':>12s} {'reference':>12s} {'ratio':>7s}  target")
    failed = 0
    for module in modules(argv):
        for bench_fn in getattr(module, "BENCHES", ()):   # harness and references have none
            for r in bench_fn():
                ref = f"{r.reference:10.4g} {r.unit}" if r.reference else ""
                ratio = f"{r.ratio:6.1f}x" if r.ratio else ""
                mark = {True: "ok", False: "MISSED", None: ""}[r.ok]
                failed += r.ok is False
                print(f"{r.name:58s} {r.value:9.4g} {r.unit:<3s}{ref:>13s} {ratio:>7s}  {r.target} {mark}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
