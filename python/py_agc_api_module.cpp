// The Python module `py_agc_api`: AGC 3.2.2's Python interface (its src/py_agc_api), so that
// scripts written for AGC's module run unchanged: class CAGCFile with AGC's method names and
// positional arguments, and StringVector, a list-like vector of strings. Errors come back as
// AGC's return values (False, -1, -2, ''), as in AGC. The GIL is released while archives are
// read.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl_bind.h>

#include <string>
#include <vector>

#include "agcflow/agc-api.h"

namespace py = pybind11;

PYBIND11_MAKE_OPAQUE(std::vector<std::string>)

PYBIND11_MODULE(py_agc_api, m) {
    m.doc() = "Python wrapper for AGC_API.";
    py::bind_vector<std::vector<std::string>>(m, "StringVector");
    using release = py::call_guard<py::gil_scoped_release>;
    py::class_<CAGCFile>(m, "CAGCFile")
        .def(py::init<>())
        .def("Open", &CAGCFile::Open, release())
        .def("Close", &CAGCFile::Close, release())
        .def("GetCtgLen", &CAGCFile::GetCtgLen, release())
        .def(
            "GetCtgSeq",
            [](const CAGCFile& f, const std::string& sample, const std::string& name, int start, int end) {
                std::string seq;
                return f.GetCtgSeq(sample, name, start, end, seq) < 0 ? std::string() : seq;
            },
            release())
        .def(
            "GetCtgSeq",
            [](const CAGCFile& f, const std::string& name, int start, int end) {
                std::string seq;
                return f.GetCtgSeq("", name, start, end, seq) < 0 ? std::string() : seq;
            },
            release())
        .def("NSample", &CAGCFile::NSample, release())
        .def("NCtg", &CAGCFile::NCtg, release())
        .def("ListSample", &CAGCFile::ListSample, release())
        .def(
            "GetReferenceSample",
            [](const CAGCFile& f) {
                std::string name;
                f.GetReferenceSample(name);
                return name;
            },
            release())
        .def("ListCtg", &CAGCFile::ListCtg, release());
}
