#!/bin/sh
# The agc-flow program is a client of the public C++ API: its sources include agcflow.hpp and
# CLI11 (and system headers) only, besides its own headers; inspect_command.cpp, the developer's inspect, is the one file
# allowed internal headers.
set -eu
dir=$1/tools/agc-flow
bad=$(grep -H '^#include "' "$dir"/*.cpp "$dir"/*.h | grep -v '^[^:]*inspect_command.cpp:' |
      grep -v '#include "agcflow/agcflow.hpp"' | grep -v '#include "tools/agc-flow/[a-z_]*\.h"' || true)
if [ -n "$bad" ]; then
  echo "internal headers included by the program:"
  echo "$bad"
  exit 1
fi
grep -q '#include "agcflow/agcflow.hpp"' "$dir/main.cpp"
