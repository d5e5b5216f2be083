/* The C API (agcflow.h) end to end, as a program linked against libagcflow sees it: create
 * from files and from memory (byte-identical to the golden archives), append, every query,
 * many threads on one handle, the concurrency limit, cancellation, and a status (never a crash)
 * for every kind of bad input.
 *
 *   c_api_test FIXTURES_DIR TEMP_DIR
 *
 * Built in the tree (tests/CMakeLists.txt) and again against an installed prefix with nothing
 * but pkg-config (tests/api/install_test.sh). Exit 0 when every check passes. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <agcflow/agcflow.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int g_failures = 0, g_checks = 0;
static const char* g_fixtures;
static const char* g_tmp;

#define CHECK(cond)                                                             \
    do {                                                                        \
        ++g_checks;                                                             \
        if (!(cond)) {                                                          \
            ++g_failures;                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                       \
    } while (0)

/* A call that must give `want`; on a mismatch the status and message are printed. */
#define EXPECT_STATUS(want, call)                                                                   \
    do {                                                                                            \
        agcflow_status got_ = (call);                                                               \
        ++g_checks;                                                                                 \
        if (got_ != (want)) {                                                                       \
            ++g_failures;                                                                           \
            fprintf(stderr, "%s:%d: %s gave %s (%s), expected %s\n", __FILE__, __LINE__, #call,      \
                    agcflow_status_name(got_), agcflow_last_error(), agcflow_status_name(want));     \
        }                                                                                           \
    } while (0)
#define OK(call) EXPECT_STATUS(AGCFLOW_OK, call)

/* The last error's message must be `want`. */
#define EXPECT_MESSAGE(want)                                                                         \
    do {                                                                                            \
        ++g_checks;                                                                                 \
        if (strcmp(agcflow_last_error(), (want)) != 0) {                                            \
            ++g_failures;                                                                           \
            fprintf(stderr, "%s:%d: last error \"%s\", expected \"%s\"\n", __FILE__, __LINE__,      \
                    agcflow_last_error(), (want));                                                  \
        }                                                                                           \
    } while (0)

static char* path_of(const char* dir, const char* name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char* p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static char* fixture(const char* name) { return path_of(g_fixtures, name); }
static char* temp(const char* name) { return path_of(g_tmp, name); }

static char* read_all(const char* path, size_t* size) {
    FILE* f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char* buf = malloc(cap + 1);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) buf = realloc(buf, (cap *= 2) + 1);
    }
    fclose(f);
    buf[n] = 0;
    if (size) *size = n;
    return buf;
}

static int same_files(const char* a, const char* b) {
    size_t na = 0, nb = 0;
    char* x = read_all(a, &na);
    char* y = read_all(b, &nb);
    int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static int exists(const char* path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- FASTA records of a file (headers, sequences with line breaks removed) ---- */

typedef struct {
    char* name;
    char* seq;
    size_t len;
} record;

typedef struct {
    record* r;
    size_t n;
} records;

static records parse_fasta(const char* text) {
    records out = {NULL, 0};
    size_t cap = 0;
    const char* p = text;
    while (*p) {
        const char* eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (*p == '>') {
            if (out.n == cap) out.r = realloc(out.r, (cap = cap ? 2 * cap : 64) * sizeof(record));
            out.r[out.n].name = strndup(p + 1, len - 1);
            out.r[out.n].seq = malloc(1);
            out.r[out.n].seq[0] = 0;
            out.r[out.n].len = 0;
            ++out.n;
        } else if (out.n) {
            record* r = &out.r[out.n - 1];
            r->seq = realloc(r->seq, r->len + len + 1);
            memcpy(r->seq + r->len, p, len);
            r->len += len;
            r->seq[r->len] = 0;
        }
        p += len + (eol ? 1 : 0);
    }
    return out;
}

static void free_records(records* rs) {
    for (size_t i = 0; i < rs->n; ++i) free(rs->r[i].name), free(rs->r[i].seq);
    free(rs->r);
}

static records read_fasta(const char* path) {
    char* text = read_all(path, NULL);
    records r = {NULL, 0};
    if (text) r = parse_fasta(text);
    free(text);
    return r;
}

/* ---- callbacks ---- */

typedef struct {
    char* data;
    size_t size, cap;
} buffer;

static int collect(void* user, const void* data, size_t size) {
    buffer* b = user;
    if (b->size + size > b->cap) b->data = realloc(b->data, b->cap = 2 * (b->size + size) + 1);
    memcpy(b->data + b->size, data, size);
    b->size += size;
    return 0;
}

static int failing_write(void* user, const void* data, size_t size) {
    (void)user, (void)data, (void)size;
    return 1;
}

/* ---- the tests ---- */

static agcflow_session* new_session(uint32_t threads) {
    agcflow_session_options o;
    agcflow_session_options_init(&o);
    o.threads = threads;
    agcflow_session* s = NULL;
    OK(agcflow_session_create(&o, &s));
    return s;
}

static const char* kSynInputs[] = {"ref.fa", "sample00.fa", "sample01.fa", "sample02.fa", "sample03.fa",
                                   "sample04.fa.gz", "sample05.fa.gz"};

static void test_basics(void) {
    CHECK(strlen(agcflow_version()) > 0);
    CHECK(strcmp(agcflow_status_name(AGCFLOW_ERR_NOT_FOUND), "AGCFLOW_ERR_NOT_FOUND") == 0);
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_session_create(NULL, NULL));
    EXPECT_MESSAGE("session is NULL");
    agcflow_session_options o;
    memset(&o, 0, sizeof o); /* not initialised: size 0 */
    agcflow_session* s = (agcflow_session*)1;
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_session_create(&o, &s));
    CHECK(s == NULL);
    OK(agcflow_session_create(NULL, &s));
    uint32_t running = 99;
    OK(agcflow_session_running(s, &running));
    CHECK(running == 0);
    agcflow_session_destroy(s);
    agcflow_session_destroy(NULL);
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_session_cancel(NULL));
}

static void test_create_from_files(void) {
    agcflow_session* s = new_session(2);
    char* in[7];
    for (int i = 0; i < 7; ++i) {
        char rel[64];
        snprintf(rel, sizeof rel, "syn-small/input/%s", kSynInputs[i]);
        in[i] = fixture(rel);
    }
    char* out = temp("default.agc");
    agcflow_output o = agcflow_output_path(out);
    OK(agcflow_create(s, &o, (const char* const*)in, 7, NULL));
    char* golden = fixture("syn-small/default.agc");
    CHECK(same_files(out, golden));

    /* Options: -s 5000 -k 25 -l 18 -b 3 */
    agcflow_create_options c;
    agcflow_create_options_init(&c);
    c.segment_size = 5000, c.k = 25, c.min_match_length = 18, c.batch_size = 3;
    OK(agcflow_create(s, &o, (const char* const*)in, 7, &c));
    char* small = fixture("syn-small/small-seg.agc");
    CHECK(same_files(out, small));

    /* Bad options and inputs. */
    c.k = 12;
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_create(s, &o, (const char* const*)in, 7, &c));
    EXPECT_MESSAGE("k 12 is outside 17..32");
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_create(s, &o, (const char* const*)in, 0, NULL));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_create(s, NULL, (const char* const*)in, 7, NULL));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_create(NULL, &o, (const char* const*)in, 7, NULL));
    const char* missing[] = {in[0], "/nonexistent/x.fa"};
    char* out2 = temp("missing.agc");
    agcflow_output o2 = agcflow_output_path(out2);
    EXPECT_STATUS(AGCFLOW_ERR_IO, agcflow_create(s, &o2, missing, 2, NULL));
    CHECK(!exists(out2));
    /* The output may not be one of the inputs. */
    agcflow_output onto_input = agcflow_output_path(in[1]);
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_create(s, &onto_input, (const char* const*)in, 7, NULL));
    /* A full disk: /dev/full takes the archive as a stream and fails. */
    agcflow_output full = agcflow_output_path("/dev/full");
    EXPECT_STATUS(AGCFLOW_ERR_IO, agcflow_create(s, &full, (const char* const*)in, 2, NULL));
    CHECK(strstr(agcflow_last_error(), "No space left on device") != NULL);
    /* A write callback that fails. */
    agcflow_output cb = agcflow_output_callback(failing_write, NULL);
    EXPECT_STATUS(AGCFLOW_ERR_IO, agcflow_create(s, &cb, (const char* const*)in, 2, NULL));
    /* Bad letters in a file. */
    char* bad = temp("bad.fa");
    FILE* f = fopen(bad, "w");
    fputs(">x\nACGTXACGT\n", f);
    fclose(f);
    const char* with_bad[] = {in[0], bad};
    EXPECT_STATUS(AGCFLOW_ERR_INPUT, agcflow_create(s, &o2, with_bad, 2, NULL));
    CHECK(!exists(out2));

    for (int i = 0; i < 7; ++i) free(in[i]);
    free(out), free(out2), free(golden), free(small), free(bad);
    agcflow_session_destroy(s);
}

/* Adds every record of a plain FASTA file as contigs of the current sample. */
static void add_fasta(agcflow_writer* w, const char* path) {
    records rs = read_fasta(path);
    CHECK(rs.n > 0);
    for (size_t i = 0; i < rs.n; ++i) OK(agcflow_writer_add_contig(w, rs.r[i].name, rs.r[i].seq, rs.r[i].len));
    free_records(&rs);
}

static void test_create_in_memory(void) {
    agcflow_session* s = new_session(2);
    /* first-three.agc: create -s 5000 ref.fa sample00.fa sample01.fa sample02.fa */
    agcflow_create_options c;
    agcflow_create_options_init(&c);
    c.segment_size = 5000;
    char* out = temp("memory.agc");
    agcflow_output o = agcflow_output_path(out);
    agcflow_writer* w = NULL;
    OK(agcflow_writer_create(s, &o, &c, &w));
    const char* names[] = {"ref", "sample00", "sample01", "sample02"};
    for (int i = 0; i < 4; ++i) {
        OK(agcflow_writer_add_sample(w, names[i]));
        char file[64];
        snprintf(file, sizeof file, "syn-small/input/%s.fa", names[i]);
        char* p = fixture(file);
        add_fasta(w, p);
        free(p);
    }
    CHECK(!exists(out)); /* nothing at the path until finished */
    OK(agcflow_writer_finish(w));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_writer_add_sample(w, "late"));
    agcflow_writer_destroy(w);
    char* golden = fixture("syn-small/first-three.agc");
    CHECK(same_files(out, golden));

    /* Appending in memory = appending the same file. */
    char* appended_mem = temp("appended-memory.agc");
    char* appended_file = temp("appended-file.agc");
    agcflow_output om = agcflow_output_path(appended_mem), of = agcflow_output_path(appended_file);
    char* s3 = fixture("syn-small/input/sample03.fa");
    OK(agcflow_writer_append(s, golden, &om, NULL, &w));
    OK(agcflow_writer_add_sample(w, "sample03"));
    add_fasta(w, s3);
    OK(agcflow_writer_finish(w));
    agcflow_writer_destroy(w);
    const char* one[] = {s3};
    OK(agcflow_append(s, golden, &of, one, 1, NULL));
    CHECK(same_files(appended_mem, appended_file));
    /* Appending a sample already in the archive is refused. */
    OK(agcflow_writer_append(s, golden, &om, NULL, &w));
    EXPECT_STATUS(AGCFLOW_ERR_INPUT, agcflow_writer_add_sample(w, "sample01"));
    CHECK(strstr(agcflow_last_error(), "sample01 is already in the archive") != NULL);
    agcflow_writer_destroy(w);

    /* Bad input in memory: each a status, and nothing left at the path. */
    char* out2 = temp("memory-bad.agc");
    agcflow_output o2 = agcflow_output_path(out2);
    OK(agcflow_writer_create(s, &o2, NULL, &w));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_writer_add_contig(w, "c", "ACGT", 4)); /* no sample yet */
    agcflow_writer_destroy(w);
    OK(agcflow_writer_create(s, &o2, NULL, &w));
    OK(agcflow_writer_add_sample(w, "ref"));
    EXPECT_STATUS(AGCFLOW_ERR_INPUT, agcflow_writer_add_contig(w, "c1", "ACGTJ", 5));
    EXPECT_MESSAGE("sample ref, contig c1: 'J' at base 5 is not an IUPAC nucleotide letter (AGC would store it wrongly)");
    /* The writer is done for after a failure. */
    EXPECT_STATUS(AGCFLOW_ERR_INPUT, agcflow_writer_finish(w));
    agcflow_writer_destroy(w);
    CHECK(!exists(out2));
    OK(agcflow_writer_create(s, &o2, NULL, &w));
    OK(agcflow_writer_add_sample(w, "ref"));
    OK(agcflow_writer_add_contig(w, "c1", "ACGTACGTAC", 10));
    EXPECT_STATUS(AGCFLOW_ERR_INPUT, agcflow_writer_add_contig(w, "c1", "ACGT", 4)); /* twice */
    agcflow_writer_destroy(w);
    OK(agcflow_writer_create(s, &o2, NULL, &w));
    OK(agcflow_writer_add_sample(w, "ref"));
    EXPECT_STATUS(AGCFLOW_ERR_INPUT, agcflow_writer_add_contig(w, "c1", "", 0)); /* empty */
    agcflow_writer_destroy(w);
    OK(agcflow_writer_create(s, &o2, NULL, &w));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_writer_finish(w)); /* no reference */
    agcflow_writer_destroy(w);
    OK(agcflow_writer_create(s, &o2, NULL, &w));
    OK(agcflow_writer_add_sample(w, "ref"));
    EXPECT_STATUS(AGCFLOW_ERR_INPUT, agcflow_writer_add_sample(w, "s1")); /* ref has no contigs */
    agcflow_writer_destroy(w);
    OK(agcflow_writer_create(s, &o2, NULL, &w));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_writer_add_contig(NULL, "c", "A", 1));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_writer_add_contig(w, NULL, "A", 1));
    agcflow_writer_destroy(w); /* abandoned: no output */
    CHECK(!exists(out2));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_writer_create(s, &o2, NULL, NULL));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_writer_append(s, NULL, &o2, NULL, &w));
    EXPECT_STATUS(AGCFLOW_ERR_IO, agcflow_writer_append(s, "/nonexistent.agc", &o2, NULL, &w));

    free(out), free(golden), free(appended_mem), free(appended_file), free(s3), free(out2);
    agcflow_session_destroy(s);
}

/* Lookups that could mean two contigs are refused, naming both. */
static void test_ambiguity(void) {
    agcflow_session* s = new_session(1);
    char* out = temp("ambiguous.agc");
    agcflow_output o = agcflow_output_path(out);
    agcflow_writer* w = NULL;
    OK(agcflow_writer_create(s, &o, NULL, &w));
    const char* seq = "ACGTTGCAACGTAGCTAGCTAGGATCGATCGA";
    OK(agcflow_writer_add_sample(w, "s1"));
    OK(agcflow_writer_add_contig(w, "c1 x", seq, 32));
    OK(agcflow_writer_add_contig(w, "d1", seq, 32));
    OK(agcflow_writer_add_sample(w, "s2"));
    OK(agcflow_writer_add_contig(w, "c1 y", seq, 30));
    OK(agcflow_writer_finish(w));
    agcflow_writer_destroy(w);
    agcflow_archive* a = NULL;
    OK(agcflow_archive_open(s, out, &a));
    uint64_t len = 0;
    EXPECT_STATUS(AGCFLOW_ERR_AMBIGUOUS, agcflow_archive_contig_length(a, NULL, "c1", &len));
    CHECK(strstr(agcflow_last_error(), "contig c1 is in 2 samples of") != NULL);
    OK(agcflow_archive_contig_length(a, "s2", "c1", &len));
    CHECK(len == 30);
    OK(agcflow_archive_contig_length(a, NULL, "c1 y", &len));
    CHECK(len == 30);
    OK(agcflow_archive_contig_length(a, NULL, "d1", &len));
    agcflow_archive_close(a);
    free(out);
    agcflow_session_destroy(s);
}

static void test_append_files(void) {
    agcflow_session* s = new_session(2);
    char* in = fixture("syn-small/first-three.agc");
    char* golden = fixture("syn-small/appended.agc");
    char* out = temp("appended.agc");
    const char* names[] = {"sample03.fa", "sample04.fa.gz", "sample05.fa.gz"};
    char* files[3];
    for (int i = 0; i < 3; ++i) {
        char rel[64];
        snprintf(rel, sizeof rel, "syn-small/input/%s", names[i]);
        files[i] = fixture(rel);
    }
    agcflow_output o = agcflow_output_path(out);
    OK(agcflow_append(s, in, &o, (const char* const*)files, 3, NULL));
    CHECK(same_files(out, golden));
    agcflow_output onto = agcflow_output_path(in);
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_append(s, in, &onto, (const char* const*)files, 3, NULL));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_append(s, NULL, &o, (const char* const*)files, 3, NULL));
    for (int i = 0; i < 3; ++i) free(files[i]);
    free(in), free(golden), free(out);
    agcflow_session_destroy(s);
}

/* The expected sequence of contig `ci` of sample `si` in syn-small/default.agc, from getcol.fa. */
static const record* expected_contig(agcflow_archive* a, const records* all, uint64_t si, uint64_t ci) {
    size_t at = 0;
    for (uint64_t i = 0; i < si; ++i) {
        const char* name = NULL;
        uint64_t n = 0;
        agcflow_archive_sample(a, i, &name);
        agcflow_archive_contig_count(a, name, &n);
        at += n;
    }
    return &all->r[at + ci];
}

static void test_queries(void) {
    agcflow_session* s = new_session(2);
    agcflow_archive* a = NULL;
    char* path = fixture("syn-small/default.agc");
    OK(agcflow_archive_open(s, path, &a));
    agcflow_archive_info info;
    info.size = sizeof info;
    OK(agcflow_archive_get_info(a, &info));
    CHECK(info.version_major == 3 && info.version_minor == 0);
    CHECK(info.k == 31 && info.min_match_length == 20 && info.segment_size == 60000 && info.batch_size == 50);
    CHECK(info.samples == 7 && info.command_lines == 0 && info.metadata_entries == 7);
    const char *key = NULL, *value = NULL;
    OK(agcflow_archive_metadata(a, 1, &key, &value));
    CHECK(strcmp(key, "file_version_major") == 0 && strcmp(value, "3") == 0);
    EXPECT_STATUS(AGCFLOW_ERR_RANGE, agcflow_archive_metadata(a, 7, &key, &value));
    const char* name = NULL;
    OK(agcflow_archive_reference(a, &name));
    CHECK(strcmp(name, "ref") == 0);
    OK(agcflow_archive_sample(a, 3, &name));
    CHECK(strcmp(name, "sample02") == 0);
    EXPECT_STATUS(AGCFLOW_ERR_RANGE, agcflow_archive_sample(a, 7, &name));
    uint64_t n = 0;
    OK(agcflow_archive_contig_count(a, "sample00", &n));
    CHECK(n == 5);
    uint64_t len = 0;
    OK(agcflow_archive_contig(a, "sample00", 4, &name, &len));
    CHECK(strcmp(name, "unplaced_0") == 0);

    char* expected_path = fixture("syn-small/expected/getcol.fa");
    records all = read_fasta(expected_path);
    CHECK(all.n == 31);
    /* Every contig's length and whole sequence. */
    for (uint64_t si = 0; si < info.samples; ++si) {
        const char* sample = NULL;
        OK(agcflow_archive_sample(a, si, &sample));
        OK(agcflow_archive_contig_count(a, sample, &n));
        for (uint64_t ci = 0; ci < n; ++ci) {
            const record* want = expected_contig(a, &all, si, ci);
            const char* cname = NULL;
            OK(agcflow_archive_contig(a, sample, ci, &cname, &len));
            CHECK(strcmp(cname, want->name) == 0);
            CHECK(len == want->len);
            uint64_t len2 = 0;
            OK(agcflow_archive_contig_length(a, sample, cname, &len2));
            CHECK(len2 == len);
            char* seq = NULL;
            uint64_t got = 0;
            OK(agcflow_archive_sequence_alloc(a, sample, cname, 0, AGCFLOW_END, &seq, &got));
            CHECK(got == want->len && seq && memcmp(seq, want->seq, got) == 0 && seq[got] == 0);
            agcflow_free(seq);
        }
    }
    /* Ranges into the caller's buffer, by the contig's first word. */
    const record* chr1 = expected_contig(a, &all, 2, 3); /* sample01's "chr1 sample1 assembly" */
    char buf[2001];
    uint64_t got = 0;
    OK(agcflow_archive_sequence(a, "sample01", "chr1", 1000, 3000, buf, sizeof buf, &got));
    CHECK(got == 2000 && memcmp(buf, chr1->seq + 1000, 2000) == 0 && buf[2000] == 0);
    OK(agcflow_archive_sequence(a, "sample01", "chr1 sample1 assembly", 5, 5, buf, sizeof buf, &got));
    CHECK(got == 0 && buf[0] == 0);
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_archive_sequence(a, "sample01", "chr1", 0, 3000, buf, sizeof buf, &got));
    CHECK(got == 3000); /* what would be needed */
    /* Without a sample, a full name is found in its one sample; "chr2" is the reference's (its
     * full name), though the first word of contigs of all 7 samples. */
    OK(agcflow_archive_contig_length(a, NULL, "chr1 sample1 assembly", &len));
    CHECK(len == chr1->len);
    OK(agcflow_archive_contig_length(a, NULL, "chr2", &len));
    CHECK(len == expected_contig(a, &all, 0, 1)->len);
    EXPECT_STATUS(AGCFLOW_ERR_NOT_FOUND, agcflow_archive_contig_length(a, NULL, "chrX", &len));
    EXPECT_STATUS(AGCFLOW_ERR_NOT_FOUND, agcflow_archive_contig_length(a, "sample01", "chr1 bogus", &len));
    EXPECT_STATUS(AGCFLOW_ERR_NOT_FOUND, agcflow_archive_contig_length(a, "nosuch", "chr1", &len));
    CHECK(strstr(agcflow_last_error(), "no sample nosuch in") != NULL);
    EXPECT_STATUS(AGCFLOW_ERR_RANGE, agcflow_archive_sequence(a, "sample01", "chr1", 10, 5, buf, sizeof buf, &got));
    EXPECT_STATUS(AGCFLOW_ERR_RANGE,
                  agcflow_archive_sequence(a, "sample01", "chr1", 0, chr1->len + 1, buf, sizeof buf, &got));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_archive_sequence(a, "sample01", NULL, 0, 5, buf, sizeof buf, &got));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_archive_sequence(NULL, "sample01", "chr1", 0, 5, buf, sizeof buf, &got));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_archive_sequence(a, "sample01", "chr1", 0, 5, NULL, 10, &got));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_archive_contig_count(a, NULL, &n));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_archive_reference(NULL, &name));

    /* Many ranges at once. */
    enum { kRanges = 500 };
    agcflow_range ranges[kRanges];
    const record* wants[kRanges];
    char samples[7][16];
    unsigned seed = 12345;
    for (int i = 0; i < kRanges; ++i) {
        uint64_t si = (seed = seed * 1103515245u + 12345u) % 7;
        const char* sample = NULL;
        agcflow_archive_sample(a, si, &sample);
        snprintf(samples[si], sizeof samples[si], "%s", sample);
        agcflow_archive_contig_count(a, sample, &n);
        uint64_t ci = (seed = seed * 1103515245u + 12345u) % n;
        wants[i] = expected_contig(a, &all, si, ci);
        const char* cname = NULL;
        agcflow_archive_contig(a, sample, ci, &cname, &len);
        uint64_t x = (seed = seed * 1103515245u + 12345u) % (len + 1), y = (seed = seed * 1103515245u + 12345u) % (len + 1);
        ranges[i].sample = samples[si];
        ranges[i].contig = cname;
        ranges[i].start = x < y ? x : y;
        ranges[i].end = x < y ? y : x;
    }
    char* bases = NULL;
    uint64_t offsets[kRanges + 1];
    OK(agcflow_archive_sequences(a, ranges, kRanges, &bases, offsets));
    int all_right = bases != NULL;
    for (int i = 0; i < kRanges && all_right; ++i)
        all_right = offsets[i + 1] - offsets[i] == ranges[i].end - ranges[i].start &&
                    memcmp(bases + offsets[i], wants[i]->seq + ranges[i].start, ranges[i].end - ranges[i].start) == 0;
    CHECK(all_right);
    agcflow_free(bases);
    ranges[7].end = ranges[7].start - 1 + (ranges[7].start == 0 ? 2 : 0);
    ranges[7].start += 1;
    EXPECT_STATUS(AGCFLOW_ERR_RANGE, agcflow_archive_sequences(a, ranges, kRanges, &bases, offsets));
    CHECK(strncmp(agcflow_last_error(), "range 7: ", 9) == 0);

    /* FASTA output: getset -l 60, getcol, getctg. */
    agcflow_fasta_options f;
    agcflow_fasta_options_init(&f);
    f.line_length = 60;
    buffer b = {NULL, 0, 0};
    agcflow_output cb = agcflow_output_callback(collect, &b);
    const char* one[] = {"sample01"};
    OK(agcflow_archive_write_samples(a, one, 1, &f, &cb));
    char* want_set = fixture("syn-small/expected/getset-l60-sample01.fa");
    size_t want_size = 0;
    char* want = read_all(want_set, &want_size);
    CHECK(b.size == want_size && memcmp(b.data, want, want_size) == 0);
    free(want);
    const char* unknown[] = {"sample01", "nosuch"};
    b.size = 0;
    EXPECT_STATUS(AGCFLOW_ERR_NOT_FOUND, agcflow_archive_write_samples(a, unknown, 2, &f, &cb));
    CHECK(b.size == 0); /* nothing written */
    char* col = temp("getcol.fa");
    agcflow_output o = agcflow_output_path(col);
    OK(agcflow_archive_write_collection(a, NULL, &o));
    CHECK(same_files(col, expected_path));
    b.size = 0;
    const char* queries[] = {"chr1@sample02:1000-1999", "chr2@ref"};
    OK(agcflow_archive_write_queries(a, queries, 2, NULL, &cb));
    char* want_ctg = fixture("syn-small/expected/getctg-ranges.fa");
    want = read_all(want_ctg, &want_size);
    CHECK(b.size == want_size && memcmp(b.data, want, want_size) == 0);
    free(want);
    const char* bad_queries[] = {"chr1@sample02:1000-1999", "chr1"};
    EXPECT_STATUS(AGCFLOW_ERR_AMBIGUOUS, agcflow_archive_write_queries(a, bad_queries, 2, NULL, &cb));
    agcflow_output full = agcflow_output_path("/dev/full");
    EXPECT_STATUS(AGCFLOW_ERR_IO, agcflow_archive_write_collection(a, NULL, &full));

    free(b.data), free(col), free(want_set), free(want_ctg), free(expected_path), free(path);
    free_records(&all);
    agcflow_archive_close(a);
    agcflow_session_destroy(s);
}

static void test_open_errors(void) {
    agcflow_session* s = new_session(1);
    agcflow_archive* a = (agcflow_archive*)1;
    EXPECT_STATUS(AGCFLOW_ERR_IO, agcflow_archive_open(s, "/nonexistent/a.agc", &a));
    CHECK(a == NULL);
    CHECK(strncmp(agcflow_last_error(), "cannot open archive /nonexistent/a.agc", 38) == 0);
    char* fa = fixture("syn-small/input/ref.fa");
    EXPECT_STATUS(AGCFLOW_ERR_CORRUPT, agcflow_archive_open(s, fa, &a));
    /* Calls with the handle that failed to open (NULL) give statuses. */
    uint64_t n;
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_archive_contig_count(a, "ref", &n));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_archive_write_collection(a, NULL, NULL));
    agcflow_archive_close(a);
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_archive_open(s, NULL, &a));
    EXPECT_STATUS(AGCFLOW_ERR_ARGUMENT, agcflow_archive_open(NULL, fa, &a));

    /* A corrupt archive: one payload byte of a group part changed (toy_ex.agc: stream x1d's
     * first part holds a zstd frame at byte 251). */
    char* golden = fixture("toy/toy_ex.agc");
    size_t size = 0;
    char* bytes = read_all(golden, &size);
    char* bad = temp("corrupt.agc");
    CHECK((unsigned char)bytes[251] == 0x28);
    bytes[251] = 0;
    FILE* f = fopen(bad, "wb");
    fwrite(bytes, 1, size, f);
    fclose(f);
    OK(agcflow_archive_open(s, bad, &a));
    buffer b = {NULL, 0, 0};
    agcflow_output cb = agcflow_output_callback(collect, &b);
    EXPECT_STATUS(AGCFLOW_ERR_CORRUPT, agcflow_archive_write_collection(a, NULL, &cb));
    EXPECT_MESSAGE("corrupt archive: stream x1d part 0: zstd: Unknown frame descriptor");
    agcflow_archive_close(a);
    free(b.data), free(bytes), free(bad), free(golden), free(fa);

    /* A 1.x archive reads through the same calls. */
    char* v1 = fixture("legacy-v1/toy.agc");
    OK(agcflow_archive_open(s, v1, &a));
    agcflow_archive_info info;
    info.size = sizeof info;
    OK(agcflow_archive_get_info(a, &info));
    CHECK(info.version_major == 1 && info.segment_size == 0 && info.command_lines == 1);
    const char *cmd = NULL, *date = NULL, *ref = NULL;
    OK(agcflow_archive_command_line(a, 0, &cmd, &date));
    CHECK(strcmp(cmd, "agc create -t 1 -o toy-v.agc ref.fa a.fa b.fa c.fa") == 0 && strcmp(date, "") == 0);
    OK(agcflow_archive_reference(a, &ref));
    CHECK(strcmp(ref, "a") == 0);
    char* seq = NULL;
    uint64_t len = 0;
    OK(agcflow_archive_sequence_alloc(a, "a", "chr1a", 0, AGCFLOW_END, &seq, &len));
    CHECK(len == 13 && strcmp(seq, "CTGAGCTGACTGA") == 0);
    agcflow_free(seq);
    agcflow_archive_close(a);
    free(v1);
    agcflow_session_destroy(s);
}

/* ---- many threads on one handle ---- */

typedef struct {
    agcflow_archive* a;
    const records* all;
    int seed;
    int wrong;
} query_job;

static void* query_worker(void* arg) {
    query_job* job = arg;
    unsigned seed = (unsigned)job->seed;
    char buf[4096];
    for (int i = 0; i < 300; ++i) {
        uint64_t si = (seed = seed * 1103515245u + 12345u) % 7, n = 0, len = 0;
        const char *sample = NULL, *cname = NULL;
        agcflow_archive_sample(job->a, si, &sample);
        agcflow_archive_contig_count(job->a, sample, &n);
        uint64_t ci = (seed = seed * 1103515245u + 12345u) % n;
        agcflow_archive_contig(job->a, sample, ci, &cname, &len);
        const record* want = expected_contig(job->a, job->all, si, ci);
        uint64_t start = (seed = seed * 1103515245u + 12345u) % (len + 1);
        uint64_t end = start + (seed = seed * 1103515245u + 12345u) % 4000;
        if (end > len) end = len;
        uint64_t got = 0;
        if (agcflow_archive_sequence(job->a, sample, cname, start, end, buf, sizeof buf, &got) != AGCFLOW_OK ||
            got != end - start || memcmp(buf, want->seq + start, got) != 0)
            ++job->wrong;
    }
    return NULL;
}

static void test_threads(void) {
    agcflow_session* s = new_session(2);
    agcflow_archive* a = NULL;
    char* path = fixture("syn-small/default.agc");
    char* expected = fixture("syn-small/expected/getcol.fa");
    records all = read_fasta(expected);
    OK(agcflow_archive_open(s, path, &a));
    enum { kThreads = 8 };
    pthread_t t[kThreads];
    query_job jobs[kThreads];
    for (int i = 0; i < kThreads; ++i) {
        jobs[i] = (query_job){a, &all, i + 1, 0};
        pthread_create(&t[i], NULL, query_worker, &jobs[i]);
    }
    int wrong = 0;
    for (int i = 0; i < kThreads; ++i) pthread_join(t[i], NULL), wrong += jobs[i].wrong;
    CHECK(wrong == 0);
    agcflow_archive_close(a);
    free_records(&all);
    free(path), free(expected);
    agcflow_session_destroy(s);
}

/* ---- the concurrency limit and cancellation ---- */

typedef struct {
    agcflow_archive* a;
    volatile int done;
    agcflow_status status;
} waiting_query;

static void* blocked_query(void* arg) {
    waiting_query* q = arg;
    uint64_t n = 0;
    char buf[16];
    q->status = agcflow_archive_sequence(q->a, "ref", "chr1", 0, 10, buf, sizeof buf, &n);
    q->done = 1;
    return NULL;
}

static void test_limits(void) {
    char* path = fixture("syn-small/default.agc");
    char* out = temp("limit.agc");
    agcflow_output o = agcflow_output_path(out);
    /* A writer holds its session's one place until it finishes. */
    agcflow_session_options so;
    agcflow_session_options_init(&so);
    so.max_operations = 1;
    so.wait_when_busy = 0;
    agcflow_session* s = NULL;
    OK(agcflow_session_create(&so, &s));
    agcflow_archive* a = NULL;
    OK(agcflow_archive_open(s, path, &a)); /* opening is not an operation */
    char buf[16];
    uint64_t n = 0;
    OK(agcflow_archive_sequence(a, "ref", "chr1", 0, 10, buf, sizeof buf, &n));
    agcflow_writer* w = NULL;
    OK(agcflow_writer_create(s, &o, NULL, &w));
    uint32_t running = 0;
    OK(agcflow_session_running(s, &running));
    CHECK(running == 1);
    EXPECT_STATUS(AGCFLOW_ERR_BUSY, agcflow_archive_sequence(a, "ref", "chr1", 0, 10, buf, sizeof buf, &n));
    EXPECT_MESSAGE("the session already runs 1 operations, its limit");
    agcflow_writer* w2 = NULL;
    EXPECT_STATUS(AGCFLOW_ERR_BUSY, agcflow_writer_create(s, &o, NULL, &w2));
    agcflow_writer_destroy(w);
    OK(agcflow_archive_sequence(a, "ref", "chr1", 0, 10, buf, sizeof buf, &n));
    agcflow_archive_close(a);
    agcflow_session_destroy(s);

    /* Waiting: the query runs once the writer is done. */
    so.wait_when_busy = 1;
    OK(agcflow_session_create(&so, &s));
    OK(agcflow_archive_open(s, path, &a));
    OK(agcflow_writer_create(s, &o, NULL, &w));
    OK(agcflow_writer_add_sample(w, "ref"));
    OK(agcflow_writer_add_contig(w, "c", "ACGTACGTACGTTTGACCAGGTACA", 25));
    waiting_query q = {a, 0, AGCFLOW_ERR_INTERNAL};
    pthread_t t;
    pthread_create(&t, NULL, blocked_query, &q);
    usleep(200 * 1000);
    CHECK(!q.done); /* still waiting for the writer's place */
    OK(agcflow_writer_finish(w));
    agcflow_writer_destroy(w);
    pthread_join(t, NULL);
    CHECK(q.done && q.status == AGCFLOW_OK);
    CHECK(exists(out));
    agcflow_archive_close(a);
    agcflow_session_destroy(s);
    free(path), free(out);
}

static int cancel_at_first(void* user, const agcflow_progress* p) {
    (void)user;
    return strcmp(p->operation, "create") == 0 ? 1 : 0;
}

typedef struct {
    int calls;
    char last[64];
} progress_log;

static int log_progress(void* user, const agcflow_progress* p) {
    progress_log* log = user;
    ++log->calls;
    snprintf(log->last, sizeof log->last, "%s %llu/%llu", p->operation, (unsigned long long)p->done,
             (unsigned long long)p->total);
    return 0;
}

static void test_cancellation(void) {
    char* in[7];
    for (int i = 0; i < 7; ++i) {
        char rel[64];
        snprintf(rel, sizeof rel, "syn-small/input/%s", kSynInputs[i]);
        in[i] = fixture(rel);
    }
    char* out = temp("cancelled.agc");
    agcflow_output o = agcflow_output_path(out);
    /* The progress callback cancels: no output. */
    agcflow_session_options so;
    agcflow_session_options_init(&so);
    so.progress = cancel_at_first;
    agcflow_session* s = NULL;
    OK(agcflow_session_create(&so, &s));
    EXPECT_STATUS(AGCFLOW_ERR_CANCELLED, agcflow_create(s, &o, (const char* const*)in, 7, NULL));
    CHECK(!exists(out));
    agcflow_session_destroy(s);

    /* Progress is reported per sample. */
    progress_log log = {0, ""};
    so.progress = log_progress;
    so.progress_user = &log;
    OK(agcflow_session_create(&so, &s));
    OK(agcflow_create(s, &o, (const char* const*)in, 7, NULL));
    CHECK(log.calls == 7 && strcmp(log.last, "create 7/7") == 0);
    agcflow_session_destroy(s);
    remove(out);

    /* The session cancels a running writer: its calls give CANCELLED, no output. */
    s = new_session(1);
    agcflow_writer* w = NULL;
    OK(agcflow_writer_create(s, &o, NULL, &w));
    OK(agcflow_writer_add_sample(w, "ref"));
    OK(agcflow_writer_add_contig(w, "c", "ACGTACGTACGTTTGACCAGGTACA", 25));
    OK(agcflow_session_cancel(s));
    agcflow_status st = AGCFLOW_OK;
    for (int i = 0; i < 1000 && st == AGCFLOW_OK; ++i) {
        char name[32];
        snprintf(name, sizeof name, "s%d", i);
        st = agcflow_writer_add_sample(w, name);
        if (st == AGCFLOW_OK) st = agcflow_writer_add_contig(w, "c", "ACGTACGTACGTTTGACCAGGTACA", 25);
    }
    if (st == AGCFLOW_OK) st = agcflow_writer_finish(w);
    CHECK(st == AGCFLOW_ERR_CANCELLED);
    agcflow_writer_destroy(w);
    CHECK(!exists(out));
    /* Later operations run normally. */
    OK(agcflow_create(s, &o, (const char* const*)in, 2, NULL));
    CHECK(exists(out));
    agcflow_session_destroy(s);
    for (int i = 0; i < 7; ++i) free(in[i]);
    free(out);
}

/* A session destroyed while a writer made from it is still open: the writer is cancelled, and
 * its calls give statuses afterwards (no hang, no crash); an archive handle keeps working. */
static void test_session_destroyed_first(void) {
    agcflow_session* s = new_session(1);
    char* out = temp("orphan.agc");
    char* path = fixture("syn-small/default.agc");
    agcflow_output o = agcflow_output_path(out);
    agcflow_writer* w = NULL;
    agcflow_archive* a = NULL;
    OK(agcflow_writer_create(s, &o, NULL, &w));
    OK(agcflow_archive_open(s, path, &a));
    OK(agcflow_writer_add_sample(w, "ref"));
    agcflow_session_destroy(s);
    agcflow_status st = agcflow_writer_add_contig(w, "c", "ACGTACGTACGTTTGACCAGGTACA", 25);
    if (st == AGCFLOW_OK) st = agcflow_writer_finish(w);
    CHECK(st == AGCFLOW_ERR_CANCELLED);
    agcflow_writer_destroy(w);
    CHECK(!exists(out));
    char buf[16];
    uint64_t n = 0;
    OK(agcflow_archive_sequence(a, "ref", "chr1", 0, 10, buf, sizeof buf, &n));
    CHECK(n == 10);
    agcflow_archive_close(a);
    free(out), free(path);
}

/* ---- protect, verify, repair ---- */

typedef struct {
    uint64_t begin[8], end[8];
    int n;
} ranges_seen;

static int note_range(void* user, uint64_t begin, uint64_t end) {
    ranges_seen* r = (ranges_seen*)user;
    if (r->n < 8) r->begin[r->n] = begin, r->end[r->n] = end;
    r->n++;
    return 0;
}

static int write_bytes(const char* path, const unsigned char* p, size_t n) {
    FILE* f = fopen(path, "wb");
    if (!f) return 0;
    const int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static void test_protect(void) {
    if (!agcflow_raptorq_available()) {
        printf("(built without liblcrq: protect not tested)\n");
        CHECK(agcflow_protect(new_session(1), "x", NULL, NULL) == AGCFLOW_ERR_UNSUPPORTED);
        return;
    }
    agcflow_session* s = new_session(2);
    const size_t n = 1500000;
    unsigned char* data = (unsigned char*)malloc(n);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; ++i) x = x * 1103515245u + 12345u, data[i] = (unsigned char)(x >> 16);
    char* file = temp("protected.bin");
    char* side = temp("protected.bin.rq");
    CHECK(write_bytes(file, data, n));

    agcflow_protect_options po;
    agcflow_protect_options_init(&po);
    CHECK(po.redundancy == 10 && po.sidecar == NULL);
    agcflow_protect_info info;
    CHECK(agcflow_protect(s, file, &po, &info) == AGCFLOW_OK);
    CHECK(info.file_size == n && info.symbol_size == 15000 && info.blocks == 1 && info.redundancy == 10);
    CHECK(exists(side));
    po.redundancy = 0;
    CHECK(agcflow_protect(s, file, &po, NULL) == AGCFLOW_ERR_ARGUMENT);
    CHECK(strcmp(agcflow_last_error(), "redundancy 0 is outside 1..100") == 0);
    CHECK(agcflow_protect(s, NULL, NULL, NULL) == AGCFLOW_ERR_ARGUMENT);
    CHECK(agcflow_protect(NULL, file, NULL, NULL) == AGCFLOW_ERR_ARGUMENT);

    agcflow_damage_report r;
    ranges_seen seen = {{0}, {0}, 0};
    CHECK(agcflow_verify(s, file, NULL, &r, note_range, &seen) == AGCFLOW_OK);
    CHECK(r.intact == 1 && r.damaged_bytes == 0 && seen.n == 0 && r.sidecar_damaged == 0);
    CHECK(r.layout.sidecar_size == info.sidecar_size);

    /* Two damaged symbols: found, reported, repaired in place. */
    data[20000] ^= 1;
    data[n - 1] ^= 1;
    CHECK(write_bytes(file, data, n));
    CHECK(agcflow_verify(s, file, NULL, &r, note_range, &seen) == AGCFLOW_OK);
    CHECK(r.intact == 0 && r.repairable == 1 && r.damaged_ranges == 2 && r.damaged_bytes == 30000);
    CHECK(seen.n == 2 && seen.begin[0] == 15000 && seen.end[0] == 30000 && seen.end[1] == n);
    CHECK(agcflow_repair(s, file, NULL, NULL, &r, NULL, NULL) == AGCFLOW_OK);
    CHECK(r.file_repaired == 1 && r.refused == 0);
    data[20000] ^= 1;
    data[n - 1] ^= 1;
    size_t got = 0;
    unsigned char* back = (unsigned char*)read_all(file, &got);
    CHECK(got == n && memcmp(back, data, n) == 0);
    free(back);

    /* Beyond the redundancy: AGCFLOW_ERR_CORRUPT, the report says so, nothing changes. */
    memset(data, 0, 400000);
    CHECK(write_bytes(file, data, n));
    CHECK(agcflow_repair(s, file, NULL, NULL, &r, NULL, NULL) == AGCFLOW_ERR_CORRUPT);
    CHECK(r.refused == 1 && r.repairable == 0 && r.blocks_beyond == 1 && r.file_repaired == 0);
    CHECK(strstr(agcflow_last_error(), "cannot be repaired: 405.0 kB damaged in 1 of 1 blocks") != NULL);
    back = (unsigned char*)read_all(file, &got);
    CHECK(got == n && memcmp(back, data, n) == 0);
    free(back);

    /* No sidecar: an error, not a report. */
    remove(side);
    CHECK(agcflow_verify(s, file, NULL, &r, NULL, NULL) == AGCFLOW_ERR_IO);
    CHECK(strstr(agcflow_last_error(), "no sidecar") != NULL);

    /* create with protect, and the deep check of an archive. */
    char* ref = fixture("syn-small/input/ref.fa");
    const char* inputs[] = {ref};
    char* out = temp("protected.agc");
    char* out_rq = temp("protected.agc.rq");
    agcflow_create_options co;
    agcflow_create_options_init(&co);
    co.protect = 15;
    agcflow_output o = agcflow_output_path(out);
    CHECK(agcflow_create(s, &o, inputs, 1, &co) == AGCFLOW_OK);
    CHECK(exists(out_rq));
    CHECK(agcflow_verify(s, out, NULL, &r, NULL, NULL) == AGCFLOW_OK && r.intact == 1 && r.layout.redundancy == 15);
    CHECK(agcflow_archive_check(s, out) == AGCFLOW_OK);
    CHECK(agcflow_archive_check(s, file) == AGCFLOW_ERR_CORRUPT);
    agcflow_output so = agcflow_output_fd(1);
    CHECK(agcflow_create(s, &so, inputs, 1, &co) == AGCFLOW_ERR_ARGUMENT);
    co.protect = 101;
    CHECK(agcflow_create(s, &o, inputs, 1, &co) == AGCFLOW_ERR_ARGUMENT);

    free(ref);
    free(out);
    free(out_rq);
    free(file);
    free(side);
    free(data);
    agcflow_session_destroy(s);
}

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: c_api_test FIXTURES_DIR TEMP_DIR\n");
        return 2;
    }
    g_fixtures = argv[1];
    g_tmp = argv[2];
    test_basics();
    test_create_from_files();
    test_create_in_memory();
    test_append_files();
    test_ambiguity();
    test_queries();
    test_open_errors();
    test_threads();
    test_limits();
    test_cancellation();
    test_session_destroyed_first();
    test_protect();
    printf("%d checks, %d failed\n", g_checks, g_failures);
    return g_failures ? 1 : 0;
}
