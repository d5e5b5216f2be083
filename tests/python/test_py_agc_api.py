# The Python module py_agc_api: AGC 3.2.2's Python interface. A script in the spirit of AGC's
# src/py_agc_api/py_agc_test.py must print what it prints with AGC's module.
import os
import threading

import pytest

import py_agc_api as agc

# What AGC 3.2.2's module prints for the script below on AGC's toy_ex.agc.
EXPECTED_TOY = """No. samples:  4
Reference sample:  ref
Samples in file with no. of contigs
a : 2
b : 4
c : 3
ref : 4

Contents of sample: a
length of contig chr1a : 13
\tsubsequence pos: 8 - 12 len: 5 seq: ACTGA
\tsubsequence pos: 8 - 12 len: 5 seq: ACTGA
length of contig chr3a : 9
\tsubsequence pos: 4 - 8 len: 5 seq: TAGCT
\tsubsequence pos: 4 - 8 len: 5 seq: TAGCT
"""


def listing(path):
    """Samples, contig counts and 5-base windows of the first sample, as AGC's example lists them."""
    lines = []
    f = agc.CAGCFile()
    assert f.Open(path, True)
    n = f.NSample()
    lines.append(f"No. samples:  {n}")
    lines.append(f"Reference sample:  {f.GetReferenceSample()}")
    samples = agc.StringVector()
    assert f.ListSample(samples) == 0
    lines.append("Samples in file with no. of contigs")
    for s in samples:
        lines.append(f"{s} : {f.NCtg(s)}")
    sample = samples[0]
    lines.append("")
    lines.append(f"Contents of sample: {sample}")
    contigs = agc.StringVector()
    f.ListCtg(sample, contigs)
    for c in contigs:
        length = f.GetCtgLen(sample, c)
        lines.append(f"length of contig {c} : {length}")
        start, end = 8, 12
        if end >= length:
            end = length - 1
            start = 0 if 5 > length else end - 4
        for seq in (f.GetCtgSeq(sample, c, start, end), f.GetCtgSeq(c, start, end)):
            lines.append(f"\tsubsequence pos: {start} - {end} len: {len(seq)} seq: {seq}")
    f.Close()
    return "\n".join(lines) + "\n"


def test_prints_what_agc_prints(fixtures):
    assert listing(str(fixtures / "toy" / "toy_ex.agc")) == EXPECTED_TOY


def test_string_vector_is_list_like():
    v = agc.StringVector(["a", "b"])
    v.append("c")
    assert len(v) == 3 and list(v) == ["a", "b", "c"] and v[1] == "b" and "c" in v
    assert repr(v) == "StringVector[a, b, c]"
    with pytest.raises(TypeError):
        agc.CAGCFile().ListSample(["a"])  # a plain list is not a StringVector, as in AGC


def test_agcs_return_values(fixtures):
    f = agc.CAGCFile()
    assert f.NSample() == -1
    assert not f.Open(str(fixtures / "nonexistent.agc"), True)
    with pytest.raises(TypeError):
        f.Open(str(fixtures / "syn-small" / "default.agc"))  # prefetching is required, as in AGC
    assert f.Open(str(fixtures / "syn-small" / "default.agc"), False)
    assert f.GetCtgLen("", "chr1") == -2  # in 7 samples
    assert f.GetCtgLen("ref", "chrX") == -1
    assert f.GetCtgSeq("chr1", 0, 9) == ""  # errors give '' (AGC drops the code)
    assert f.GetCtgSeq("ref", "chr1", -5, 9) == f.GetCtgSeq("ref", "chr1", 0, 9)
    whole = f.GetCtgSeq("ref", "chr1", 0, -1)
    assert len(whole) == f.GetCtgLen("ref", "chr1")
    assert f.GetCtgSeq("ref", "chr1", 50, 10) == whole  # start > end: the whole contig
    assert f.NCtg("nosuch") == -1
    assert f.Close() and not f.Close()


def test_threads_on_one_handle(fixtures):
    f = agc.CAGCFile()
    assert f.Open(str(fixtures / "syn-small" / "default.agc"), True)
    whole = f.GetCtgSeq("sample00", "chr1", 0, -1)
    wrong = []

    def work(t):
        for i in range(100):
            s = (t * 7919 + i * 104729) % (len(whole) - 100)
            if f.GetCtgSeq("sample00", "chr1", s, s + 99) != whole[s:s + 100]:
                wrong.append(i)

    ts = [threading.Thread(target=work, args=(t,)) for t in range(6)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert wrong == []
