// Builds an archive in memory and reads it back through the installed library.
//   consumer OUTPUT.agc
#include <agcflow/agcflow.hpp>

#include <iostream>

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    try {
        agcflow::Session session({.threads = 2});
        const std::string seq = "ACGTTGCAACGTAGCTAGCTAGGATCGATCGATTTACGGCAT";
        {
            agcflow::Writer w(session, agcflow::Output::path(argv[1]));
            w.add_sample("ref");
            w.add_contig("chr1 first", seq);
            w.add_sample("s1");
            w.add_contig("chr1 second", seq.substr(3));
            w.finish();
        }
        agcflow::Archive a(session, argv[1]);
        const bool ok = a.samples() == std::vector<std::string>{"ref", "s1"} && a.sequence("chr1", "s1") == seq.substr(3) &&
                        a.sequence("chr1", "ref", 4, 10) == seq.substr(4, 6);
        std::cout << (ok ? "ok" : "WRONG") << " agcflow " << agcflow::version() << '\n';
        return ok ? 0 : 1;
    } catch (const agcflow::Exception& e) {
        std::cerr << e.status_name() << ": " << e.what() << '\n';
        return 1;
    }
}
