#include "tools/agc-flow/inspect_command.h"

#include <iostream>

#include "io/error.h"
#include "pipeline/inspect.h"

CLI::App* add_inspect_command(CLI::App& app, InspectArgs& args) {
    auto* inspect = app.add_subcommand("inspect", "show what an archive holds; with --diff, compare two archives");
    inspect->add_option("archives", args.files, "archive (or two with --diff)")->required()->expected(1, 2);
    inspect->add_flag("--groups", args.groups, "list every segment group");
    inspect->add_option("--top", args.top, "number of largest groups listed (default: 10)");
    inspect->add_flag("--diff", args.diff,
                      "compare two archives: exit 0 if identical or logically identical, 1 if different");
    return inspect;
}

int run_inspect(const InspectArgs& args) {
    try {
        if (args.diff) {
            if (args.files.size() != 2) throw agcflow::Error(agcflow::ErrorKind::argument, "inspect --diff needs two archives");
            auto r = agcflow::diff_archives(args.files[0], args.files[1]);
            agcflow::print_diff(r, std::cout);
            return r.identical() ? 0 : 1;
        }
        if (args.files.size() != 1) throw agcflow::Error(agcflow::ErrorKind::argument, "inspect takes one archive (two with --diff)");
        agcflow::InspectOptions opt;
        opt.all_groups = args.groups;
        opt.top_groups = args.top;
        agcflow::inspect_archive(args.files[0], std::cout, opt);
        return 0;
    } catch (const agcflow::Error& e) {
        std::cout.flush();
        std::cerr << "agc-flow: " << e.what() << '\n';
        return 1;
    }
}
