#include "io/compression_profile.h"

namespace agcflow {

CompressionProfile preset_profile(Preset preset) {
    CompressionProfile p;
    p.preset = preset;
    switch (preset) {
        case Preset::agc:
            break;
        // Measured on four collections (bench results in the README): level 3 everywhere
        // compressed better than 1, 4, 5, 6 or 7 on the largest, in half the CPU of AGC's levels.
        case Preset::fast:
            p.pack_level = 3;
            p.reference_plain_level = 3;
            p.reference_tuple_level = 3;
            p.samples_level = 3;
            p.contigs_level = 3;
            p.details_level = 3;
            break;
        // zstd's level 22 made packs larger than 19 did on every collection tried (small frames;
        // its parameters suit large inputs); references and metadata gain a little from 22.
        // Storing each reference in its smaller form: -18% on human LPA (plain bytes at 22 beat
        // tuples there); the parse without short detours: -3% on yeast mitochondria.
        case Preset::max:
            p.pack_level = 19;
            p.reference_plain_level = 22;
            p.reference_tuple_level = 19;
            p.samples_level = 22;
            p.contigs_level = 22;
            p.details_level = 22;
            p.reference_smaller_form = true;
            p.lz_no_short_detours = true;
            break;
    }
    return p;
}

uint32_t preset_pack_cardinality(Preset preset) { return preset == Preset::max ? 500 : 50; }

const char* preset_name(Preset preset) {
    switch (preset) {
        case Preset::fast: return "fast";
        case Preset::max: return "max";
        case Preset::agc: break;
    }
    return "agc";
}

std::optional<Preset> parse_preset(std::string_view name) {
    for (Preset p : {Preset::agc, Preset::fast, Preset::max})
        if (name == preset_name(p)) return p;
    return std::nullopt;
}

}  // namespace agcflow
