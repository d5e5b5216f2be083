#include "pipeline/query.h"

#include <algorithm>

#include <fmt/format.h>

#include "io/error.h"

namespace agcflow {

namespace {

bool parse_int(std::string_view s, int64_t& v) {
    if (s.empty()) return false;
    const size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size() || s.size() - i > 18) return false;
    int64_t x = 0;
    for (size_t j = i; j < s.size(); ++j) {
        if (s[j] < '0' || s[j] > '9') return false;
        x = x * 10 + (s[j] - '0');
    }
    v = i ? -x : x;
    return true;
}

// The largest index i in [lo, hi] with text[i] == c, or kNone.
size_t last_of(std::string_view text, char c, size_t lo, size_t hi) {
    if (hi >= text.size()) {
        if (text.empty()) return std::string_view::npos;
        hi = text.size() - 1;
    }
    for (size_t i = hi + 1; i-- > lo;)
        if (text[i] == c) return i;
    return std::string_view::npos;
}

constexpr size_t kNone = std::string_view::npos;

std::string shown(const ContigRef& r, const ArchiveCatalog& catalog) {
    return "'" + catalog.contig(r).name + "' of sample " + catalog.sample_names()[r.sample_index];
}

[[noreturn]] void ambiguous(const ArchiveCatalog& catalog, const std::string& what, const std::vector<ContigRef>& refs,
                            bool any_sample) {
    // The same sample twice means two contigs of one sample share the name's first word.
    bool distinct_samples = true;
    for (size_t i = 1; i < refs.size(); ++i)
        if (refs[i].sample_index == refs[i - 1].sample_index) distinct_samples = false;
    if (any_sample && distinct_samples)
        throw Error(ErrorKind::ambiguous, "contig " + what + " is in " + std::to_string(refs.size()) + " samples of " +
                                              catalog.path_text() + "; name one as " + what + "@<sample>");
    throw Error(ErrorKind::ambiguous, "contig " + what + " is ambiguous in " + catalog.path_text() + ": it could be " +
                                          shown(refs[0], catalog) + " or " + shown(refs[1], catalog));
}

}  // namespace

ContigQuery parse_contig_query(std::string_view text) {
    const std::string quoted = fmt::format("'{}'", text);
    if (text.empty()) throw Error("empty contig query");
    if (text.find_first_of("\r\n") != kNone) throw Error("bad contig query " + quoted + ": it holds a line break");
    const size_t n = text.size();
    ContigQuery q;
    auto set_range = [&](std::string_view from, std::string_view to) {
        if (!parse_int(from, q.from) || !parse_int(to, q.to))
            throw Error("bad range in contig query " + quoted + ": from and to must be integers");
        q.has_range = true;
    };
    // Every group holds at least one character; a greedy group takes the last delimiter that
    // leaves the rest of the pattern matchable.
    const size_t dash = n >= 2 ? last_of(text, '-', 1, n - 2) : kNone;
    // (.+)@(.+):(.+)-(.+)
    if (dash != kNone && dash >= 4) {
        const size_t colon = last_of(text, ':', 3, dash - 2);
        if (colon != kNone) {
            const size_t at = last_of(text, '@', 1, colon - 2);
            if (at != kNone && colon >= 3) {
                q.contig = text.substr(0, at);
                q.sample = text.substr(at + 1, colon - at - 1);
                set_range(text.substr(colon + 1, dash - colon - 1), text.substr(dash + 1));
                return q;
            }
        }
    }
    // (.+)@(.+)
    if (n >= 3) {
        const size_t at = last_of(text, '@', 1, n - 2);
        if (at != kNone) {
            q.contig = text.substr(0, at);
            q.sample = text.substr(at + 1);
            return q;
        }
    }
    // (.+):(.+)-(.+)
    if (dash != kNone && dash >= 3) {
        const size_t colon = last_of(text, ':', 1, dash - 2);
        if (colon != kNone) {
            q.contig = text.substr(0, colon);
            set_range(text.substr(colon + 1, dash - colon - 1), text.substr(dash + 1));
            return q;
        }
    }
    q.contig = text;
    return q;
}

ContigRef resolve_query(const ArchiveCatalog& catalog, const ContigQuery& q) {
    const std::string& archive = catalog.path_text();
    const uint32_t version = catalog.version();
    if (q.sample.empty()) {
        // 2.x compares the stored first word with the whole query; 1.x and 3.x with its first word.
        const std::string_view word = version >= 2000 && version < 3000 ? std::string_view(q.contig)
                                                                          : contig_first_word_view(q.contig);
        const auto& refs = catalog.contigs_with_first_word(word);
        if (refs.empty()) throw Error::not_found("no contig " + q.contig + " in " + archive);
        if (refs.size() > 1) ambiguous(catalog, q.contig, refs, true);
        return refs.front();
    }
    const auto si = catalog.sample_index(q.sample);
    if (!si) throw Error::not_found("no sample " + q.sample + " in " + archive);
    // 1.x compares first words; 2.x and 3.x the stored first word with the whole query.
    const std::string_view word = version < 2000 ? contig_first_word_view(q.contig) : std::string_view(q.contig);
    const auto& found = catalog.contigs_with_first_word(*si, word);
    if (found.empty()) throw Error::not_found("no contig " + q.contig + " in sample " + q.sample + " of " + archive);
    if (found.size() > 1) {
        std::vector<ContigRef> refs;
        for (uint32_t ci : found) refs.push_back({*si, ci});
        ambiguous(catalog, q.contig, refs, false);
    }
    return {*si, found.front()};
}

ContigRef find_contig(const ArchiveCatalog& catalog, std::string_view sample, std::string_view name) {
    const std::string& archive = catalog.path_text();
    const std::string_view word = contig_first_word_view(name);
    std::vector<ContigRef> candidates;
    if (sample.empty()) {
        candidates = catalog.contigs_with_first_word(word);
    } else {
        const auto si = catalog.sample_index(std::string(sample));
        if (!si) throw Error::not_found("no sample " + std::string(sample) + " in " + archive);
        for (uint32_t ci : catalog.contigs_with_first_word(*si, word)) candidates.push_back({*si, ci});
    }
    std::vector<ContigRef> exact;
    for (const auto& r : candidates)
        if (catalog.contig(r).name == name) exact.push_back(r);
    const std::string what(name);
    if (exact.size() == 1) return exact.front();
    if (exact.size() > 1) ambiguous(catalog, what, exact, sample.empty());
    if (candidates.empty() || name != word) {
        if (sample.empty()) throw Error::not_found("no contig " + what + " in " + archive);
        throw Error::not_found("no contig " + what + " in sample " + std::string(sample) + " of " + archive);
    }
    if (candidates.size() > 1) ambiguous(catalog, what, candidates, sample.empty());
    return candidates.front();
}

std::optional<std::string> unreachable_by_query(std::string_view sample, std::string_view name) {
    const std::string_view word = contig_first_word_view(name);
    if (word.empty()) return "its name starts with a space";
    const std::string at = std::string(word) + "@" + std::string(sample);
    for (const std::string& query : {at, at + ":0-0"}) {
        try {
            const ContigQuery q = parse_contig_query(query);
            if (q.contig == word && q.sample == sample) return std::nullopt;
        } catch (const Error&) {
        }
    }
    return "AGC's getctg would read '" + at + "' as another contig or sample";
}

}  // namespace agcflow
