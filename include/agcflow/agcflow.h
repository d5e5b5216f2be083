/* agc-flow's C API: compress collections of assembled genomes into AGC archives and read them.
 *
 * Everything goes through a session, which carries the limits: worker threads per operation, a
 * memory budget, how many operations may run at once, a progress callback and a message
 * callback. Every call returns a status; the message of the last failure on the calling thread
 * is agcflow_last_error(). The library never prints, never exits or aborts, and installs no
 * signal handlers.
 *
 * Thread safety: a session and an archive handle may be used from many threads at once. A
 * writer (in-memory compression) is used from one thread at a time.
 *
 * Strings returned through `const char**` stay valid until the handle they came from is closed.
 * Memory the library allocates for the caller is freed with agcflow_free().
 *
 * Coordinates are 64-bit, 0-based and half-open: [start, end). AGCFLOW_END as `end` means the
 * end of the contig.
 */
#ifndef AGCFLOW_H
#define AGCFLOW_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define AGCFLOW_API
#elif defined(AGCFLOW_BUILDING_LIBRARY)
#define AGCFLOW_API __attribute__((visibility("default")))
#else
#define AGCFLOW_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define AGCFLOW_VERSION_MAJOR 0
#define AGCFLOW_VERSION_MINOR 2
#define AGCFLOW_VERSION_PATCH 0

/* The library's version, e.g. "0.2.0". */
AGCFLOW_API const char* agcflow_version(void);

/* ---- statuses ------------------------------------------------------------------------------ */

typedef enum agcflow_status {
    AGCFLOW_OK = 0,
    AGCFLOW_ERR_ARGUMENT = 1,     /* a NULL pointer, a bad option value, a handle in the wrong state */
    AGCFLOW_ERR_NOT_FOUND = 2,    /* an unknown sample or contig */
    AGCFLOW_ERR_AMBIGUOUS = 3,    /* a contig name that could mean several contigs */
    AGCFLOW_ERR_RANGE = 4,        /* coordinates outside the contig, or start > end */
    AGCFLOW_ERR_INPUT = 5,        /* bad input: FASTA, sequence letters, names, a query or BED line */
    AGCFLOW_ERR_IO = 6,           /* a file that cannot be opened, read or written (a full disk too) */
    AGCFLOW_ERR_CORRUPT = 7,      /* not an AGC archive, or a damaged one */
    AGCFLOW_ERR_UNSUPPORTED = 8,  /* an archive version or a feature this build cannot handle */
    AGCFLOW_ERR_NO_MEMORY = 9,    /* out of memory, or a size beyond what may be allocated */
    AGCFLOW_ERR_CANCELLED = 10,   /* cancelled by agcflow_session_cancel or the progress callback */
    AGCFLOW_ERR_BUSY = 11,        /* the session's limit on concurrent operations was reached */
    AGCFLOW_ERR_INTERNAL = 12     /* a bug of agc-flow's; the message says where */
} agcflow_status;

/* A constant name for a status, e.g. "AGCFLOW_ERR_NOT_FOUND". */
AGCFLOW_API const char* agcflow_status_name(agcflow_status status);

/* The message of the last call that failed on this thread (one line, no newline); "" when none. */
AGCFLOW_API const char* agcflow_last_error(void);

/* Frees memory the library allocated for the caller (NULL is ignored). */
AGCFLOW_API void agcflow_free(void* p);

/* ---- sessions ------------------------------------------------------------------------------ */

typedef struct agcflow_session agcflow_session;

typedef struct agcflow_progress {
    const char* operation; /* "create", "append", "extract" */
    uint64_t done;         /* units done: samples (create, append), contigs or ranges (extraction) */
    uint64_t total;        /* units in all; 0 when not known in advance */
    uint64_t bases;        /* bases processed so far (create, append) */
} agcflow_progress;

/* Called from the thread that runs the operation (not always the caller's). Return 0 to go
 * on, anything else to cancel the operation. */
typedef int (*agcflow_progress_fn)(void* user, const agcflow_progress* progress);

typedef enum agcflow_message_level {
    AGCFLOW_MESSAGE_WARNING = 0, /* something the user should know; the operation goes on */
    AGCFLOW_MESSAGE_NOTE = 1,    /* how the operation uses its budget (create's verbosity 1) */
    AGCFLOW_MESSAGE_DETAIL = 2
} agcflow_message_level;

/* Warnings and notes (one line each, no newline), e.g. AGC's warnings about query ranges. */
typedef void (*agcflow_message_fn)(void* user, agcflow_message_level level, const char* text);

typedef struct agcflow_session_options {
    size_t size;              /* sizeof(agcflow_session_options): set by agcflow_session_options_init */
    uint32_t threads;         /* worker threads per operation; 0: half the hardware threads */
    uint64_t max_memory;      /* bytes an operation may plan with; 0: half the physical memory.
                                 With max_operations > 1, each operation gets max_memory / max_operations. */
    uint32_t max_operations;  /* operations of this session running at once; 0: no limit */
    int wait_when_busy;       /* 1: a call past the limit waits for a free place; 0: it fails at once
                                 with AGCFLOW_ERR_BUSY */
    agcflow_progress_fn progress;
    void* progress_user;
    agcflow_message_fn message;
    void* message_user;
} agcflow_session_options;

/* The defaults: threads 0, max_memory 0, no operation limit, wait when busy, no callbacks. */
AGCFLOW_API void agcflow_session_options_init(agcflow_session_options* options);

/* `options` may be NULL (the defaults). */
AGCFLOW_API agcflow_status agcflow_session_create(const agcflow_session_options* options, agcflow_session** session);

/* Cancels what still runs and frees the session; its callbacks are not called once this
 * returns. Handles made from the session stay usable (they keep what they need of it), without
 * the callbacks. NULL is ignored. */
AGCFLOW_API void agcflow_session_destroy(agcflow_session* session);  /* (not from a callback) */

/* Cancels every operation of the session that is running now: each fails with
 * AGCFLOW_ERR_CANCELLED, and a cancelled create or append leaves no output file. Operations
 * started later run normally. */
AGCFLOW_API agcflow_status agcflow_session_cancel(agcflow_session* session);

/* Operations of the session running now. */
AGCFLOW_API agcflow_status agcflow_session_running(const agcflow_session* session, uint32_t* running);

/* ---- outputs ------------------------------------------------------------------------------- */

/* Takes `size` bytes of output; returns 0 on success, anything else fails the operation. */
typedef int (*agcflow_write_fn)(void* user, const void* data, size_t size);

typedef enum agcflow_output_kind {
    AGCFLOW_OUTPUT_PATH = 0,     /* a file: written to an unnamed file and moved into place only when
                                    the operation succeeds (devices and FIFOs are written as streams) */
    AGCFLOW_OUTPUT_FD = 1,       /* a file descriptor the caller owns (not closed), written as a stream */
    AGCFLOW_OUTPUT_CALLBACK = 2  /* a callback, written as a stream */
} agcflow_output_kind;

typedef struct agcflow_output {
    agcflow_output_kind kind;
    const char* path;       /* AGCFLOW_OUTPUT_PATH */
    int fd;                 /* AGCFLOW_OUTPUT_FD */
    agcflow_write_fn write; /* AGCFLOW_OUTPUT_CALLBACK */
    void* write_user;
} agcflow_output;

AGCFLOW_API agcflow_output agcflow_output_path(const char* path);
AGCFLOW_API agcflow_output agcflow_output_fd(int fd);
AGCFLOW_API agcflow_output agcflow_output_callback(agcflow_write_fn write, void* user);

/* Writes `size` bytes to an output as one whole: a file appears with all of them or not at all. */
AGCFLOW_API agcflow_status agcflow_write(const agcflow_output* output, const void* data, size_t size);

/* ---- compression --------------------------------------------------------------------------- */

typedef enum agcflow_preset {
    AGCFLOW_PRESET_AGC = 0, /* AGC 3.2.2's zstd levels: byte-identical archives */
    AGCFLOW_PRESET_FAST = 1,
    AGCFLOW_PRESET_MAX = 2
} agcflow_preset;

typedef struct agcflow_create_options {
    size_t size;               /* sizeof(agcflow_create_options): set by agcflow_create_options_init */
    uint32_t k;                /* splitter k-mer length, 17..32 (31) */
    uint32_t min_match_length; /* LZ-diff minimum match length, 15..32 (20) */
    uint32_t segment_size;     /* expected segment size, 100..1000000 (60000) */
    uint32_t batch_size;       /* pack and collection batch size, >= 1; 0 (the default): the preset's,
                                  50 (AGC's), or 500 with AGCFLOW_PRESET_MAX */
    int adaptive;              /* 1: new splitters from samples that share none with the reference */
    int concatenated;          /* 1: one sample per record, named by the first word of its name */
    double fallback_fraction;  /* fraction of fallback minimizers, 0..0.05 (0) */
    uint32_t verbosity;        /* 0..2: 1 sends notes on the memory plan to the message callback */
    int checksums;             /* 1: a self-verifying archive (still read by AGC): zstd frame checksums and
                                  a checksum of every part, checked whenever agc-flow reads the part.
                                  Appending keeps an archive's checksums. */
    uint32_t protect;          /* 1..100: also write the RaptorQ sidecar "<output>.rq" with this redundancy
                                  (percent), as agcflow_protect does; 0: none (an output file only) */
    agcflow_preset preset;     /* AGCFLOW_PRESET_AGC (the default: AGC's archive, byte for byte), or
                                  AGCFLOW_PRESET_FAST / AGCFLOW_PRESET_MAX: other zstd levels (and for MAX
                                  ten times larger packs, unless batch_size is set), an archive
                                  AGC still reads to the same bases, recorded in its file_type_info
                                  ("agcflow_preset"). Append ignores this field and keeps the
                                  archive's preset. */
    const char* trace;         /* NULL, or a file to write every task of the run to, as Chrome
                                  trace-event JSON (Perfetto opens it; bench/scaling-model replays it) */
} agcflow_create_options;

/* AGC's defaults. */
AGCFLOW_API void agcflow_create_options_init(agcflow_create_options* options);

/* Compresses FASTA files (plain or gzipped) into an archive byte-identical to AGC 3.2.2's for
 * the same inputs and options: the first input is the reference; a sample is named after its
 * file as AGC names it. `options` may be NULL (the defaults). */
AGCFLOW_API agcflow_status agcflow_create(agcflow_session* session, const agcflow_output* output,
                                          const char* const* inputs, size_t n_inputs,
                                          const agcflow_create_options* options);

/* Writes a new archive holding the archive `archive`'s samples and those of `inputs`, as AGC's
 * append writes it. k, min_match_length, segment_size and batch_size come from the archive
 * (those fields of `options` are ignored); `archive` itself is never modified. */
AGCFLOW_API agcflow_status agcflow_append(agcflow_session* session, const char* archive, const agcflow_output* output,
                                          const char* const* inputs, size_t n_inputs,
                                          const agcflow_create_options* options);

/* In-memory compression: samples and their contigs handed over one by one. The archive is the
 * one agcflow_create would make from FASTA files holding the same records (the first sample is
 * the reference). Compression runs while contigs are added; agcflow_writer_add_contig waits
 * when the memory budget holds as much as it may. */
typedef struct agcflow_writer agcflow_writer;

AGCFLOW_API agcflow_status agcflow_writer_create(agcflow_session* session, const agcflow_output* output,
                                                 const agcflow_create_options* options, agcflow_writer** writer);
/* A writer that appends to `archive` (parameters from the archive, as agcflow_append). */
AGCFLOW_API agcflow_status agcflow_writer_append(agcflow_session* session, const char* archive,
                                                 const agcflow_output* output, const agcflow_create_options* options,
                                                 agcflow_writer** writer);
/* Starts the next sample. With `concatenated`, samples are named by their contigs' first words
 * and this only separates the inputs (the first is still the reference); `name` may be NULL. */
AGCFLOW_API agcflow_status agcflow_writer_add_sample(agcflow_writer* writer, const char* name);
/* A contig of the current sample: its full name (no line breaks) and `length` IUPAC nucleotide
 * letters (ACGTNRYSWKMBDHVU, either case; nothing else, no line breaks). */
AGCFLOW_API agcflow_status agcflow_writer_add_contig(agcflow_writer* writer, const char* name, const char* sequence,
                                                     size_t length);
/* Completes the archive and commits the output. */
AGCFLOW_API agcflow_status agcflow_writer_finish(agcflow_writer* writer);
/* Frees the writer; without a successful finish, the output is abandoned (no file left). */
AGCFLOW_API void agcflow_writer_destroy(agcflow_writer* writer);

/* ---- queries ------------------------------------------------------------------------------- */

typedef struct agcflow_archive agcflow_archive;

#define AGCFLOW_END UINT64_MAX

/* Opens an archive (every AGC format version). The handle serves many threads at once. */
AGCFLOW_API agcflow_status agcflow_archive_open(agcflow_session* session, const char* path, agcflow_archive** archive);
AGCFLOW_API void agcflow_archive_close(agcflow_archive* archive);

typedef struct agcflow_archive_info {
    size_t size;                  /* set by the caller: sizeof(agcflow_archive_info) */
    uint32_t version_major;       /* AGC file format: 1, 2 or 3 */
    uint32_t version_minor;
    uint32_t k;
    uint32_t min_match_length;
    uint32_t segment_size;        /* 0 in v1 archives, which do not store it */
    uint32_t batch_size;
    uint64_t samples;
    uint64_t metadata_entries;    /* file_type_info key/value pairs */
    uint64_t command_lines;       /* command lines stored by AGC 1.x/2.x (none in v3) */
} agcflow_archive_info;

AGCFLOW_API agcflow_status agcflow_archive_get_info(const agcflow_archive* archive, agcflow_archive_info* info);
/* file_type_info entry i (sorted by key). */
AGCFLOW_API agcflow_status agcflow_archive_metadata(const agcflow_archive* archive, uint64_t index, const char** key,
                                                    const char** value);
/* Stored command line i and its date (often ""). */
AGCFLOW_API agcflow_status agcflow_archive_command_line(const agcflow_archive* archive, uint64_t index,
                                                        const char** command, const char** date);

/* The reference sample (as AGC's listref reports it). */
AGCFLOW_API agcflow_status agcflow_archive_reference(const agcflow_archive* archive, const char** name);
/* Sample i in archive order (0 .. samples - 1). */
AGCFLOW_API agcflow_status agcflow_archive_sample(const agcflow_archive* archive, uint64_t index, const char** name);
AGCFLOW_API agcflow_status agcflow_archive_contig_count(const agcflow_archive* archive, const char* sample,
                                                        uint64_t* count);
/* Contig i of a sample in stored order: its full name and length (either may be NULL). */
AGCFLOW_API agcflow_status agcflow_archive_contig(const agcflow_archive* archive, const char* sample, uint64_t index,
                                                  const char** name, uint64_t* length);

/* Contig lookup, used by the calls below: `contig` is a full stored name, or the first word of
 * one (the name up to its first space). `sample` NULL means any sample: the contig must then be
 * in exactly one. A name that could mean two contigs is AGCFLOW_ERR_AMBIGUOUS, naming both. */
AGCFLOW_API agcflow_status agcflow_archive_contig_length(const agcflow_archive* archive, const char* sample,
                                                         const char* contig, uint64_t* length);

/* Bases [start, end) of a contig as upper-case letters into `buffer` of `capacity` bytes, with a
 * NUL after them when there is room; `*length` gets their number. AGCFLOW_ERR_RANGE when
 * start > end or end > the contig's length (end may be AGCFLOW_END); AGCFLOW_ERR_ARGUMENT when
 * the buffer is too small (*length then says how much is needed, NUL not counted). */
AGCFLOW_API agcflow_status agcflow_archive_sequence(agcflow_archive* archive, const char* sample, const char* contig,
                                                    uint64_t start, uint64_t end, char* buffer, size_t capacity,
                                                    uint64_t* length);
/* The same into memory the library allocates (NUL-terminated; free with agcflow_free). */
AGCFLOW_API agcflow_status agcflow_archive_sequence_alloc(agcflow_archive* archive, const char* sample,
                                                          const char* contig, uint64_t start, uint64_t end,
                                                          char** sequence, uint64_t* length);

typedef struct agcflow_range {
    const char* sample; /* NULL: any sample */
    const char* contig;
    uint64_t start;
    uint64_t end;       /* exclusive; AGCFLOW_END: the contig's end */
} agcflow_range;

/* Many ranges at once, decoded in parallel, each segment once however many ranges touch it:
 * range i's letters are (*bases)[offsets[i] .. offsets[i + 1]), all in one allocation (free
 * with agcflow_free). `offsets` has n + 1 entries, filled by the call. Every range is checked
 * before anything is decoded; the first bad one fails the call, and the message gives its index. */
AGCFLOW_API agcflow_status agcflow_archive_sequences(agcflow_archive* archive, const agcflow_range* ranges, size_t n,
                                                     char** bases, uint64_t* offsets);

typedef struct agcflow_fasta_options {
    size_t size;             /* sizeof(agcflow_fasta_options): set by agcflow_fasta_options_init */
    uint32_t line_length;    /* letters per line, >= 1 (80; AGC's CLI clamps to 40..2e9) */
    uint32_t gzip_level;     /* 0: plain text; 1..9: gzip (one member per record) */
    int streaming;           /* 1: one contig in memory at a time (least memory) */
    int skip_reference;      /* collection only: leave out the reference sample (getcol -r) */
    int sample_in_name;      /* headers "<sample>#<contig name>" (PanSN style; getctg --sample-in-name) */
} agcflow_fasta_options;

AGCFLOW_API void agcflow_fasta_options_init(agcflow_fasta_options* options);

/* getset: every contig of each named sample, in stored order, as FASTA. */
AGCFLOW_API agcflow_status agcflow_archive_write_samples(agcflow_archive* archive, const char* const* samples,
                                                         size_t n, const agcflow_fasta_options* options,
                                                         const agcflow_output* output);
/* getcol: every sample in AGC's order. */
AGCFLOW_API agcflow_status agcflow_archive_write_collection(agcflow_archive* archive,
                                                            const agcflow_fasta_options* options,
                                                            const agcflow_output* output);
/* getcol -o DIR: one file <directory>/<sample>.fa (.fa.gz with gzip) per sample. A sample name
 * that is not a plain file name (empty, ".", "..", or containing '/') is refused. */
AGCFLOW_API agcflow_status agcflow_archive_write_collection_files(agcflow_archive* archive, const char* directory,
                                                                  const agcflow_fasta_options* options);
/* getctg: AGC's queries ("contig", "contig@sample", "contig:from-to", "contig@sample:from-to";
 * from-to 0-based and inclusive), with AGC's lookups, range normalisation and headers; AGC's
 * warnings go to the message callback. Every query is checked before anything is written. */
AGCFLOW_API agcflow_status agcflow_archive_write_queries(agcflow_archive* archive, const char* const* queries,
                                                         size_t n, const agcflow_fasta_options* options,
                                                         const agcflow_output* output);
/* getctg --regions: the ranges of a BED file ("-": standard input) — column 1 "contig" or
 * "contig@sample", columns 2 and 3 a 0-based start and an exclusive end — each printed as one
 * AGC query "contig[@sample]:start-(end-1)" would print it, in file order. The whole file is
 * checked first; a bad line fails the call naming its line number. */
AGCFLOW_API agcflow_status agcflow_archive_write_regions(agcflow_archive* archive, const char* bed_path,
                                                         const agcflow_fasta_options* options,
                                                         const agcflow_output* output);

/* ---- protection against damage: RaptorQ sidecars ------------------------------------------- */

/* 1 when this build has RaptorQ (liblcrq); otherwise protect, verify with a sidecar and repair
 * fail with AGCFLOW_ERR_UNSUPPORTED. */
AGCFLOW_API int agcflow_raptorq_available(void);

typedef struct agcflow_protect_options {
    size_t size;          /* sizeof(agcflow_protect_options): set by agcflow_protect_options_init */
    uint32_t redundancy;  /* repair data, percent of the file's size, 1..100 (10); protect only */
    const char* sidecar;  /* the sidecar's path; NULL: "<file>.rq" */
} agcflow_protect_options;

AGCFLOW_API void agcflow_protect_options_init(agcflow_protect_options* options);

/* A sidecar's layout. */
typedef struct agcflow_protect_info {
    uint64_t file_size;       /* bytes of the file protected */
    uint32_t symbol_size;     /* bytes per symbol (T) */
    uint64_t symbols;         /* source symbols */
    uint32_t blocks;          /* RaptorQ source blocks (interleaved: symbol i is in block i mod blocks) */
    uint32_t block_symbols;   /* source symbols of the largest block (K) */
    uint32_t repair_symbols;  /* repair symbols per block */
    uint32_t redundancy;      /* percent asked for */
    uint64_t sidecar_size;    /* bytes */
} agcflow_protect_info;

/* Writes the sidecar of any file: its size and SHA-256, a checksum of every symbol and the
 * repair symbols, each checksummed. The sidecar appears whole or not at all. Memory stays
 * within the session's budget (README, "Protection"). `info` may be NULL. */
AGCFLOW_API agcflow_status agcflow_protect(agcflow_session* session, const char* file,
                                           const agcflow_protect_options* options, agcflow_protect_info* info);

/* What a file's comparison with its sidecar found. */
typedef struct agcflow_damage_report {
    agcflow_protect_info layout;    /* the sidecar's */
    uint64_t file_size;             /* the file's size now */
    int intact;                     /* 1: the file's bytes are those protected */
    uint64_t damaged_bytes;         /* wrong or missing (beyond the file's end now) */
    uint64_t damaged_ranges;        /* ranges of them, passed to the range callback */
    uint64_t unchecked_bytes;       /* bytes whose checksums are lost in the (damaged) sidecar */
    uint64_t appended_bytes;        /* the file is longer than it was by this much */
    int sidecar_damaged;            /* 1: some of the sidecar is damaged */
    uint64_t sidecar_records;       /* repair symbols in the sidecar */
    uint64_t sidecar_bad_records;   /* of those, damaged */
    uint32_t blocks_damaged;        /* blocks with damage */
    uint32_t blocks_beyond;         /* of those, with more damage than their intact repair symbols */
    uint64_t recoverable_bytes;     /* damaged bytes in blocks that can be rebuilt */
    int repairable;                 /* 1: agcflow_repair would restore the file exactly */
    int file_repaired;              /* agcflow_repair: 1 when the file was rebuilt and written */
    int sidecar_rewritten;          /* agcflow_repair: 1 when a damaged sidecar was written anew */
    int refused;                    /* agcflow_repair: 1 when nothing was written because the damage
                                       exceeds the redundancy (the status is AGCFLOW_ERR_CORRUPT) */
} agcflow_damage_report;

/* Each damaged range [begin, end) of the file as protected; a non-zero return stops the calls. */
typedef int (*agcflow_range_fn)(void* user, uint64_t begin, uint64_t end);

/* Compares a file with its sidecar: AGCFLOW_OK whatever the damage (the report says), an error
 * when the sidecar is missing or unreadable (AGCFLOW_ERR_IO) or not a sidecar at all, both
 * copies of its header damaged (AGCFLOW_ERR_CORRUPT). `ranges` may be NULL. */
AGCFLOW_API agcflow_status agcflow_verify(agcflow_session* session, const char* file,
                                          const agcflow_protect_options* options, agcflow_damage_report* report,
                                          agcflow_range_fn ranges, void* user);

/* Restores a file's exact bytes (also when it was cut short or extended) into `output` (NULL:
 * the file itself, replaced only once the rebuilt bytes match the sidecar's SHA-256); in place,
 * a damaged sidecar is written anew as well. Damage beyond the sidecar's redundancy:
 * AGCFLOW_ERR_CORRUPT, a message saying how much is damaged and how much could be recovered,
 * the report filled in, nothing written. `report` and `ranges` (the damaged ranges found, as
 * agcflow_verify passes them) may be NULL. */
AGCFLOW_API agcflow_status agcflow_repair(agcflow_session* session, const char* file, const char* output,
                                          const agcflow_protect_options* options, agcflow_damage_report* report,
                                          agcflow_range_fn ranges, void* user);

/* Checks an archive without a sidecar: its container and every structure in it, every part
 * decoded (and checked against the archive's checksums, where it has them), every contig of
 * every sample rebuilt. AGCFLOW_OK when all is consistent, AGCFLOW_ERR_CORRUPT naming the first
 * problem otherwise. */
AGCFLOW_API agcflow_status agcflow_archive_check(agcflow_session* session, const char* path);

#ifdef __cplusplus
}
#endif

#endif /* AGCFLOW_H */
