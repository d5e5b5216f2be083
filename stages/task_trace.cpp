#include "stages/task_trace.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>

#include "io/error.h"

namespace agcflow {

namespace {
// Small, stable thread numbers for the trace (the order in which threads first record).
uint32_t thread_number() {
    static std::atomic<uint32_t> next{0};
    thread_local uint32_t mine = next++;
    return mine;
}

std::string json_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;
        o += c;
    }
    return o;
}
}  // namespace

Trace::Trace(const std::filesystem::path& path)
    : enabled_(!path.empty()), path_(path), origin_(std::chrono::steady_clock::now()) {
    if (!enabled_) return;
    out_.open(path, std::ios::binary | std::ios::trunc);
    if (!out_) throw Error::io("cannot write the trace " + path.string());
}

void Trace::add(const Event& e) {
    Event x = e;
    x.thread = thread_number();
    std::lock_guard lock(mutex_);
    events_.push_back(x);
}

void Trace::write(const std::vector<std::pair<std::string, std::string>>& meta) {
    if (!enabled_) return;
    auto& out = out_;
    const auto& path = path_;
    std::vector<Event> ev;
    {
        std::lock_guard lock(mutex_);
        ev = events_;
    }
    std::stable_sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) { return a.start_ns < b.start_ns; });
    out << "{\"displayTimeUnit\":\"ms\",\"otherData\":{";
    for (size_t i = 0; i < meta.size(); ++i)
        out << (i ? "," : "") << '"' << json_escape(meta[i].first) << "\":\"" << json_escape(meta[i].second) << '"';
    out << "},\"traceEvents\":[\n";
    char buf[320];
    for (size_t i = 0; i < ev.size(); ++i) {
        const Event& e = ev[i];
        std::snprintf(buf, sizeof buf,
                      "%s{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":1,\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f,"
                      "\"args\":{\"sample\":%lld,\"group\":%lld,\"bytes\":%llu}}",
                      i ? ",\n" : "", e.node, e.node, e.thread, e.start_ns / 1e3, (e.end_ns - e.start_ns) / 1e3,
                      static_cast<long long>(e.sample), static_cast<long long>(e.group),
                      static_cast<unsigned long long>(e.bytes));
        out << buf;
    }
    out << "\n]}\n";
    if (!out.flush()) throw Error::io("cannot write the trace " + path.string());
}

}  // namespace agcflow
