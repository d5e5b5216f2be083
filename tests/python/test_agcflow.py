# The Python module agcflow: archives as AGC makes them, queries like slices, the GIL released
# during work, and a Python exception for every kind of bad input.
import os
import pathlib
import threading

import pytest

import agcflow
from conftest import read_fasta

SYN_INPUTS = ["ref.fa", "sample00.fa", "sample01.fa", "sample02.fa", "sample03.fa", "sample04.fa.gz", "sample05.fa.gz"]


def syn(fixtures, name):
    return str(fixtures / "syn-small" / name)


def test_create_from_files_is_agcs_archive(fixtures, tmp_path):
    out = tmp_path / "default.agc"
    agcflow.create(str(out), [syn(fixtures, "input/" + f) for f in SYN_INPUTS], threads=2)
    assert out.read_bytes() == (fixtures / "syn-small" / "default.agc").read_bytes()
    agcflow.create(str(out), [syn(fixtures, "input/" + f) for f in SYN_INPUTS], segment_size=5000, k=25,
                   min_match_length=18, batch_size=3)
    assert out.read_bytes() == (fixtures / "syn-small" / "small-seg.agc").read_bytes()


def test_create_with_a_preset_keeps_the_bases(fixtures, tmp_path):
    inputs = [syn(fixtures, "input/" + f) for f in SYN_INPUTS]
    default, fast = tmp_path / "default.agc", tmp_path / "fast.agc"
    agcflow.create(str(default), inputs)
    agcflow.create(str(fast), inputs, preset="fast")
    assert fast.read_bytes() != default.read_bytes()
    with agcflow.Archive(str(default)) as a, agcflow.Archive(str(fast)) as b:
        assert b.samples() == a.samples()
        for s in a.samples():
            for c in a.contigs(s):
                assert b.sequence(c, s) == a.sequence(c, s)
    with pytest.raises(ValueError, match="preset"):
        agcflow.create(str(tmp_path / "x.agc"), inputs, preset="ultra")


def test_append_is_agcs_archive(fixtures, tmp_path):
    out = tmp_path / "appended.agc"
    agcflow.append(syn(fixtures, "first-three.agc"), str(out),
                   [syn(fixtures, "input/" + f) for f in ["sample03.fa", "sample04.fa.gz", "sample05.fa.gz"]])
    assert out.read_bytes() == (fixtures / "syn-small" / "appended.agc").read_bytes()


def test_writer_in_memory_is_the_files_archive(fixtures, tmp_path):
    out = tmp_path / "memory.agc"
    with agcflow.Writer(str(out), segment_size=5000) as w:
        for name in ["ref", "sample00", "sample01", "sample02"]:
            w.add_sample(name)
            for header, seq in read_fasta(fixtures / "syn-small" / "input" / (name + ".fa")):
                w.add_contig(header, seq)
    assert out.read_bytes() == (fixtures / "syn-small" / "first-three.agc").read_bytes()
    # An exception inside the with block abandons the archive.
    out2 = tmp_path / "abandoned.agc"
    with pytest.raises(RuntimeError):
        with agcflow.Writer(str(out2)) as w:
            w.add_sample("ref")
            w.add_contig("c", "ACGT" * 10)
            raise RuntimeError("stop")
    assert not out2.exists()


def test_progress_and_cancellation(fixtures, tmp_path):
    seen = []
    out = tmp_path / "p.agc"
    inputs = [syn(fixtures, "input/" + f) for f in SYN_INPUTS]
    agcflow.create(str(out), inputs, progress=lambda op, done, total, bases: seen.append((op, done, total)))
    assert seen[-1] == ("create", 7, 7) and len(seen) == 7
    out.unlink()
    with pytest.raises(agcflow.CancelledError):
        agcflow.create(str(out), inputs, progress=lambda op, done, total, bases: done < 3)
    assert not out.exists()
    # The callback's own exception is what the call raises.
    with pytest.raises(ZeroDivisionError):
        agcflow.create(str(out), inputs, progress=lambda *a: 1 / 0)
    assert not out.exists()


def test_queries(fixtures):
    expected = read_fasta(fixtures / "syn-small" / "expected" / "getcol.fa")
    with agcflow.Archive(syn(fixtures, "default.agc"), threads=2) as a:
        assert a.samples() == ["ref", "sample00", "sample01", "sample02", "sample03", "sample04", "sample05"]
        assert a.reference() == "ref"
        assert a.info()["samples"] == 7 and a.info()["version"] == (3, 0)
        assert a.contigs("sample00") == [h for h, _ in expected[4:9]]
        header, seq = expected[4]
        assert a.length("chr1", "sample00") == len(seq)
        assert a.sequence("chr1", "sample00") == seq
        assert a.sequence("chr1", "sample00", 100, 200) == seq[100:200]
        assert a.sequence("chr1", "sample00", start=len(seq) - 7) == seq[-7:]
        assert a.sequence(header, None, 5, 5) == ""
        got = a.sequences([("chr1", "sample00", 0, 10), ("chr1", "sample00"), (header, None, 3, 9)])
        assert got == [seq[:10], seq, seq[3:9]]
        i = 0
        for s in a.samples():
            for c in a.contigs(s):
                assert a.sequence(c, s) == expected[i][1]
                i += 1
        assert i == len(expected)


def test_threads_share_one_archive_without_the_gil(fixtures):
    expected = read_fasta(fixtures / "syn-small" / "expected" / "getcol.fa")
    seq = expected[4][1]
    a = agcflow.Archive(syn(fixtures, "default.agc"))
    wrong = []

    def work(t):
        for i in range(200):
            start = (t * 7919 + i * 104729) % (len(seq) - 100)
            if a.sequence("chr1", "sample00", start, start + 100) != seq[start:start + 100]:
                wrong.append((t, i))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


def test_the_gil_is_released_while_creating(fixtures, tmp_path):
    # While another thread creates an archive, this one keeps running Python code: with the GIL
    # held through the call, the counter would stay near 0.
    inputs = [syn(fixtures, "input/" + f) for f in SYN_INPUTS]
    done = threading.Event()
    t = threading.Thread(target=lambda: (agcflow.create(str(tmp_path / "x.agc"), inputs, threads=1), done.set()))
    count = 0
    t.start()
    while not done.is_set():
        count += 1
    t.join()
    assert count > 10000


def test_every_bad_input_raises(fixtures, tmp_path):
    a = agcflow.Archive(syn(fixtures, "default.agc"))
    with pytest.raises(agcflow.NotFoundError, match="no sample nosuch in"):
        a.contigs("nosuch")
    with pytest.raises(KeyError):
        a.sequence("chrX", "ref")
    amb = tmp_path / "ambiguous.agc"
    with agcflow.Writer(str(amb)) as w:
        for sample, contig in [("s1", "c1 x"), ("s2", "c1 y")]:
            w.add_sample(sample)
            w.add_contig(contig, "ACGTTGCAACGTAGCTAGCTAGGATCGATCGA")
    with pytest.raises(agcflow.AmbiguousError, match="contig c1 is in 2 samples"):
        agcflow.Archive(str(amb)).sequence("c1")
    with pytest.raises(agcflow.RangeError):
        a.sequence("chr1", "ref", 20, 10)
    with pytest.raises(IndexError):
        a.sequence("chr1", "ref", 0, 10 ** 9)
    with pytest.raises(agcflow.ArgumentError):
        a.sequences([()])
    with pytest.raises(agcflow.FileError):
        agcflow.Archive(str(tmp_path / "none.agc"))
    with pytest.raises(agcflow.CorruptArchiveError):
        agcflow.Archive(syn(fixtures, "input/ref.fa"))
    corrupt = bytearray((fixtures / "toy" / "toy_ex.agc").read_bytes())
    corrupt[251] = 0
    (tmp_path / "corrupt.agc").write_bytes(bytes(corrupt))
    with pytest.raises(agcflow.CorruptArchiveError, match="zstd"):
        agcflow.Archive(str(tmp_path / "corrupt.agc")).sequence("chr1a", "a")
    with pytest.raises(agcflow.ArgumentError, match="k 40 is outside"):
        agcflow.create(str(tmp_path / "k.agc"), [syn(fixtures, "input/ref.fa")], k=40)
    with pytest.raises(agcflow.FileError):
        agcflow.create("/dev/full", [syn(fixtures, "input/ref.fa")])
    with pytest.raises(agcflow.InputError, match="is not an IUPAC nucleotide letter"):
        w = agcflow.Writer(str(tmp_path / "w.agc"))
        w.add_sample("ref")
        w.add_contig("c", "ACGTXX")
    assert not (tmp_path / "w.agc").exists()
    a.close()
    with pytest.raises(agcflow.ArgumentError, match="closed"):
        a.samples()


def test_legacy_archives(fixtures):
    v1 = agcflow.Archive(str(fixtures / "legacy-v1" / "toy.agc"))
    assert v1.info()["version"] == (1, 0) and v1.reference() == "a"
    assert v1.sequence("chr1a", "a") == "CTGAGCTGACTGA"


@pytest.mark.skipif(not agcflow.raptorq_available(), reason="built without liblcrq")
def test_protect_verify_repair(fixtures, tmp_path):
    data = tmp_path / "data.bin"
    original = os.urandom(2_000_000)
    data.write_bytes(original)
    layout = agcflow.protect(str(data), redundancy=20)
    assert layout["file_size"] == 2_000_000 and layout["redundancy"] == 20
    assert (tmp_path / "data.bin.rq").stat().st_size == layout["sidecar_size"]
    assert agcflow.verify(str(data))["intact"]
    damaged = bytearray(original)
    damaged[300_000:340_000] = bytes(40_000)
    data.write_bytes(bytes(damaged))
    report = agcflow.verify(str(data))
    assert not report["intact"] and report["repairable"]
    assert report["damaged"] == [(300_000, 340_000)]
    out = tmp_path / "fixed.bin"
    assert agcflow.repair(str(data), output=str(out))["file_repaired"]
    assert out.read_bytes() == original
    # Beyond the redundancy: an exception, nothing written.
    damaged[:1_000_000] = bytes(1_000_000)
    data.write_bytes(bytes(damaged))
    with pytest.raises(agcflow.CorruptArchiveError, match="cannot be repaired"):
        agcflow.repair(str(data))
    assert data.read_bytes() == bytes(damaged)
    with pytest.raises(agcflow.FileError, match="no sidecar"):
        agcflow.verify(str(out))
    # create protect=, and the check of an archive without a sidecar.
    archive = tmp_path / "p.agc"
    agcflow.create(str(archive), [str(fixtures / "syn-small" / "input" / "ref.fa")], protect=10)
    assert agcflow.verify(str(archive))["intact"]
    agcflow.check_archive(str(archive))
    with pytest.raises(agcflow.CorruptArchiveError):
        agcflow.check_archive(str(data))
