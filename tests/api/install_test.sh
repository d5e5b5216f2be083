#!/bin/sh
# Installs agc-flow into a temporary prefix, then builds and runs programs against the installed
# library with nothing but pkg-config (the C API, the C++ API, programs written for AGC's
# library) and a CMake project with nothing but find_package(agcflow).
#
#   tests/api/install_test.sh BUILD_DIR SOURCE_DIR FIXTURES_DIR
set -eu
build=$1 src=$2 fixtures=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name agcflow.pc)")/..
export PKG_CONFIG_PATH="$libdir/pkgconfig"
export LD_LIBRARY_PATH="$libdir"

# What is installed: the program, the libraries (the shared one with a SONAME), three headers,
# the package files, the man page and the licence.
test -x "$prefix/bin/agc-flow"
test -f "$libdir/libagcflow.a"
objdump -p "$libdir/libagcflow.so" | grep -q 'SONAME *libagcflow.so.0'
[ "$(ls "$prefix/include/agcflow" | tr '\n' ' ')" = "agc-api.h agcflow.h agcflow.hpp " ]
test -f "$libdir/cmake/agcflow/agcflowConfig.cmake"
test -f "$prefix/share/man/man1/agc-flow.1"
test -f "$prefix/share/doc/agc-flow/LICENSE"
"$prefix/bin/agc-flow" --version | grep -q "^agc-flow $(pkg-config --modversion agcflow)"
grep -q '^\.TH AGC-FLOW 1' "$prefix/share/man/man1/agc-flow.1"
if command -v groff >/dev/null; then groff -man -Tutf8 -ww -z "$prefix/share/man/man1/agc-flow.1"; fi

cc -std=c11 -Wall -Werror "$src/tests/api/c_api_test.c" $(pkg-config --cflags --libs agcflow) -lpthread -o "$tmp/c_api_test"
c++ -std=c++20 -Wall -Werror "$src/tests/api/cpp_api_test.cpp" $(pkg-config --cflags --libs agcflow) -lpthread -o "$tmp/cpp_api_test"
cc -Wall "$src/tests/api/agc_api_test.c" -I"$prefix/include/agcflow" $(pkg-config --cflags --libs agcflow) -o "$tmp/agc_api_test"
c++ -Wall "$src/tests/api/agc_api_test.cpp" -I"$prefix/include/agcflow" $(pkg-config --cflags --libs agcflow) -lpthread -o "$tmp/agc_api_test_cpp"
mkdir "$tmp/work" "$tmp/c" "$tmp/cpp"
"$tmp/c_api_test" "$fixtures" "$tmp/c"
"$tmp/cpp_api_test" "$fixtures" "$tmp/cpp"
"$tmp/agc_api_test" "$fixtures" >/dev/null
"$tmp/agc_api_test_cpp" "$fixtures" >/dev/null

cmake -S "$src/tests/api/cmake-consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/consumer" -j2 >/dev/null
"$tmp/consumer/consumer_shared" "$tmp/work/shared.agc"
"$tmp/consumer/consumer_static" "$tmp/work/static.agc"
cmp "$tmp/work/shared.agc" "$tmp/work/static.agc"
# The static program carries the library in itself; the shared one loads libagcflow.so.0.
! ldd "$tmp/consumer/consumer_static" | grep -q libagcflow
ldd "$tmp/consumer/consumer_shared" | grep -q libagcflow.so.0
# The Python modules, where they were built.
if [ -n "$(find "$prefix" -name 'agcflow.cpython*.so')" ]; then
  pydir=$(dirname "$(find "$prefix" -name 'agcflow.cpython*.so')")
  PYTHONPATH="$pydir" /usr/bin/python3 -c "import agcflow, py_agc_api; a = agcflow.Archive('$fixtures/toy/toy_ex.agc'); assert a.reference() == 'ref'"
fi
# The README's examples, as a reader would run them: in a copy of the demo data.
block() {  # the first fenced block of language $1 in the README's "Using the library" section
  awk -v lang="$1" '/^## Using the library/ {in_s=1} in_s && /^## / && !/Using the library/ {in_s=0}
                    in_s && $0 == "```" lang {on=1; next} on && /^```/ {exit} on {print}' "$src/README.md"
}
mkdir "$tmp/readme"
cp "$src"/tools/demo-data/* "$tmp/readme/"
block c > "$tmp/readme/example.c"
block python > "$tmp/readme/example.py"
test -s "$tmp/readme/example.c" && test -s "$tmp/readme/example.py"
cc "$tmp/readme/example.c" $(pkg-config --cflags --libs agcflow) -o "$tmp/readme/example"
(cd "$tmp/readme" && ./example) | grep -q '^chr2@sample1 \[100, 220): 120 bases: [ACGTN]\{120\}$'
if [ -n "${pydir:-}" ]; then
  rm "$tmp/readme/demo.agc"
  (cd "$tmp/readme" && PYTHONPATH="$pydir" /usr/bin/python3 example.py) | grep -q '^not found: no contig chr9 in sample sample1'
fi
echo "install test: all passed"
