// `agc-flow protect`, `verify` and `repair`: RaptorQ sidecars through the public C++ API.
// verify and repair have exit codes of their own: 0 intact (or repaired), 1 damaged (or damage
// beyond repair), 2 an error (no sidecar, an unreadable file).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <thread>

struct ProtectArgs {
    std::string file, sidecar, output;
    uint32_t redundancy = 10;
    uint32_t threads = std::max(1u, std::thread::hardware_concurrency() / 2);
    uint64_t max_memory_mib = 0;
    bool verbose = false;
};

struct ProtectCommands {
    CLI::App* protect = nullptr;
    CLI::App* verify = nullptr;
    CLI::App* repair = nullptr;
    bool parsed() const { return protect->parsed() || verify->parsed() || repair->parsed(); }
};

ProtectCommands add_protect_commands(CLI::App& app, ProtectArgs& args);

// Runs the command that was parsed; errors are printed here (one line) and give the exit code.
int run_protect_command(const ProtectCommands& commands, const ProtectArgs& args);
