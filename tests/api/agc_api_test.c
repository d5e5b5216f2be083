/* A program written for AGC's C library (agc-api.h), in the spirit of AGC's own example: it
 * lists an archive's samples and contigs and fetches ranges, and checks every answer against
 * what AGC 3.2.2's library gives (return values, range clamping, first-word lookups) and what
 * AGC's getcol printed. It includes nothing of agc-flow but agc-api.h, and compiles with
 * -I<prefix>/include/agcflow as programs made for AGC's library do.
 *
 *   agc_api_test FIXTURES_DIR */
#include <agc-api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0, checks = 0;
#define CHECK(cond)                                                                           \
    do {                                                                                      \
        ++checks;                                                                             \
        if (!(cond)) ++failures, fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    } while (0)

/* The sequence of the `n`-th record of a FASTA file (line breaks removed). */
static char* fasta_record(const char* path, int n) {
    FILE* f = fopen(path, "r");
    if (!f) return NULL;
    char line[1024];
    int at = -1;
    size_t len = 0, cap = 1 << 20;
    char* seq = malloc(cap);
    seq[0] = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '>') {
            if (++at > n) break;
            continue;
        }
        if (at != n) continue;
        size_t l = strcspn(line, "\n");
        if (len + l + 1 > cap) seq = realloc(seq, cap *= 2);
        memcpy(seq + len, line, l);
        seq[len += l] = 0;
    }
    fclose(f);
    return seq;
}

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: agc_api_test FIXTURES_DIR\n");
        return 2;
    }
    char path[4096], expected[4096], v1[4096];
    snprintf(path, sizeof path, "%s/syn-small/default.agc", argv[1]);
    snprintf(expected, sizeof expected, "%s/syn-small/expected/getcol.fa", argv[1]);
    snprintf(v1, sizeof v1, "%s/legacy-v1/toy.agc", argv[1]);

    CHECK(agc_open(NULL, 1) == NULL);
    CHECK(agc_open("/nonexistent.agc", 1) == NULL);
    agc_t* agc = agc_open(path, 0);
    CHECK(agc != NULL);
    if (!agc) return 1;

    /* Samples, sorted, and their contigs in stored order. */
    CHECK(agc_n_sample(agc) == 7);
    int n_sample = 0;
    char** samples = agc_list_sample(agc, &n_sample);
    CHECK(n_sample == 7 && strcmp(samples[0], "ref") == 0 && strcmp(samples[6], "sample05") == 0 && samples[7] == NULL);
    printf("No. samples: %d\n", n_sample);
    for (char** p = samples; *p; ++p) printf("%s : %d\n", *p, agc_n_ctg(agc, *p));
    int n_ctg = 0;
    char** contigs = agc_list_ctg(agc, "sample00", &n_ctg);
    CHECK(n_ctg == 5 && strcmp(contigs[0], "chr1 sample0 assembly") == 0 && contigs[5] == NULL);
    for (char** p = contigs; *p; ++p) printf("   %s : %d\n", *p, agc_get_ctg_len(agc, "sample00", *p));
    char* ref = agc_reference_sample(agc);
    CHECK(ref && strcmp(ref, "ref") == 0);
    agc_string_destroy(ref);

    /* Lookups by first word: "chr1" is sample00's "chr1 sample0 assembly"; without a sample it
     * is in 7 samples (-2), and an unknown one is -1. */
    char* want = fasta_record(expected, 4); /* sample00's first contig */
    int len = agc_get_ctg_len(agc, "sample00", "chr1");
    CHECK(len == (int)strlen(want));
    CHECK(agc_get_ctg_len(agc, "sample00", "chr1 anything") == len);
    CHECK(agc_get_ctg_len(agc, NULL, "chr1") == -2);
    CHECK(agc_get_ctg_len(agc, NULL, "chrX") == -1);
    CHECK(agc_get_ctg_len(agc, "nosuch", "chr1") == -1);
    CHECK(agc_get_ctg_len(agc, NULL, "unplaced_0") > 0);
    CHECK(agc_n_ctg(agc, "nosuch") == -1);

    /* Ranges: 0-based, inclusive, clamped as AGC clamps them. */
    char* buf = malloc((size_t)len + 1);
    CHECK(agc_get_ctg_seq(agc, "sample00", "chr1", 100, 199, buf) == 100 && strncmp(buf, want + 100, 100) == 0 && buf[100] == 0);
    CHECK(agc_get_ctg_seq(agc, "sample00", "chr1", -5, 9, buf) == 10 && strncmp(buf, want, 10) == 0);
    CHECK(agc_get_ctg_seq(agc, "sample00", "chr1", len - 10, -1, buf) == 10 && strcmp(buf, want + len - 10) == 0);
    CHECK(agc_get_ctg_seq(agc, "sample00", "chr1", len - 10, len + 500, buf) == 10 && strcmp(buf, want + len - 10) == 0);
    CHECK(agc_get_ctg_seq(agc, "sample00", "chr1", 50, 10, buf) == len && strcmp(buf, want) == 0); /* start > end: all */
    CHECK(agc_get_ctg_seq(agc, "sample00", "chr1", -3, -1, buf) == len);
    CHECK(agc_get_ctg_seq(agc, "sample00", "chr1", len, len + 10, buf) == 0 && buf[0] == 0);
    /* Errors leave the buffer as it was. */
    strcpy(buf, "untouched");
    CHECK(agc_get_ctg_seq(agc, NULL, "chr1", 0, 9, buf) == -1 && strcmp(buf, "untouched") == 0);
    CHECK(agc_get_ctg_seq(agc, "sample00", "chrX", 0, 9, buf) == -1 && strcmp(buf, "untouched") == 0);
    CHECK(agc_get_ctg_seq(agc, "sample00", "chr1", 0, 9, NULL) == -1);
    printf("%d %d %d : %.20s...\n", 100, 199, agc_get_ctg_seq(agc, "sample00", "chr1", 100, 199, buf), buf);

    /* Unknown samples give an empty list; lists and strings are freed as documented. */
    int none = 99;
    char** empty = agc_list_ctg(agc, "nosuch", &none);
    CHECK(empty && empty[0] == NULL && none == 0);
    CHECK(agc_list_destroy(empty) == 0);
    CHECK(agc_list_destroy(samples) == 0);
    CHECK(agc_list_destroy(contigs) == 0);
    CHECK(agc_list_destroy(NULL) == 0);
    CHECK(agc_string_destroy(NULL) == 0);

    /* NULL handles and names give the error value, not a crash. */
    CHECK(agc_n_sample(NULL) == -1);
    CHECK(agc_n_ctg(agc, NULL) == -1);
    CHECK(agc_get_ctg_len(NULL, "ref", "chr1") == -1);
    CHECK(agc_get_ctg_len(agc, "ref", NULL) == -1);
    CHECK(agc_reference_sample(NULL) == NULL);
    CHECK(agc_list_sample(NULL, &n_sample) == NULL);
    CHECK(agc_close(agc) == 0);
    CHECK(agc_close(NULL) == -1);

    /* An AGC 1.1 archive: its reference is its first stored sample. */
    agc = agc_open(v1, 1);
    CHECK(agc != NULL);
    ref = agc_reference_sample(agc);
    CHECK(ref && strcmp(ref, "a") == 0);
    agc_string_destroy(ref);
    CHECK(agc_get_ctg_seq(agc, "a", "chr1a", 0, -1, buf) == 13 && strcmp(buf, "CTGAGCTGACTGA") == 0);
    agc_close(agc);

    free(buf), free(want);
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
