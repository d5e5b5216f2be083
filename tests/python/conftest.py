# Shared paths for the pytest suites of the Python modules (run by ctest; see tests/CMakeLists.txt).
import os
import pathlib

import pytest


@pytest.fixture(scope="session")
def fixtures():
    return pathlib.Path(os.environ.get("AGCFLOW_FIXTURES", pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"))


def read_fasta(path):
    """(header, sequence) records of a FASTA file."""
    records = []
    for line in pathlib.Path(path).read_text().splitlines():
        if line.startswith(">"):
            records.append([line[1:], ""])
        elif records:
            records[-1][1] += line
    return [tuple(r) for r in records]
