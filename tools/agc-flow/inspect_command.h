// `agc-flow inspect`: the developer's view of an archive's streams, parts, groups and
// collection, and `--diff` of two archives. It reads archives through agc-flow's internals
// (pipeline/inspect.h), the one part of the program that does.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

struct InspectArgs {
    std::vector<std::string> files;
    bool groups = false, diff = false;
    uint32_t top = 10;
};

CLI::App* add_inspect_command(CLI::App& app, InspectArgs& args);

// Exit status: 0 (diff: identical or logically identical), 1 (diff: different) or, on an
// error (printed as one line), 1.
int run_inspect(const InspectArgs& args);
