"""`python -m nnlib --version` prints the installed nnlib version; `python -m nnlib` says what it is."""
import argparse

import nnlib


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nnlib", description=nnlib.__doc__.splitlines()[0].removeprefix("nnlib: "))
    parser.add_argument("--version", action="version", version=f"nnlib {nnlib.__version__}")
    parser.parse_args(argv)
    print(f"nnlib {nnlib.__version__}: {parser.description}")


if __name__ == "__main__":
    main()
