/* AGC 3.2.2's library interface (refresh-bio/agc, src/lib-cxx/agc-api.h), provided by agc-flow:
 * a program written for AGC's library compiles unchanged against this header and links with
 * libagcflow instead. Same names, signatures, return values and range semantics; where AGC's
 * library has a bug, this one does what AGC's documentation says:
 *  - agc_list_destroy frees every string of the list and the list (AGC's walks past its end);
 *  - agc_string_destroy exists (AGC declares it but never defines it);
 *  - agc_close frees the handle, as fclose does (AGC's leaks it);
 *  - NULL arguments give the error value instead of a crash, and a handle that failed to open
 *    or was closed answers every query with the error value.
 * Contigs are found as AGC's library finds them: by the first word of the name (up to a space),
 * in both the query and the archive. Ranges are 0-based and inclusive: a negative start means 0,
 * a negative end (or one past the contig) its last base, and start > end the whole contig.
 * Every AGC archive version (1.x, 2.x, 3.x) is read. One handle serves many threads at once.
 */
#ifndef AGC_API_H
#define AGC_API_H

#ifdef __cplusplus
#include <memory>
#include <string>
#include <vector>

class CAGCFile {
    std::unique_ptr<class CAGCDecompressorLibrary> agc;
    bool is_opened;

public:
    CAGCFile();
    ~CAGCFile();

    /* Opens an archive; `prefetching` reads it into memory at once. False on error, or when the
     * handle is open already. */
    bool Open(const std::string& file_name, bool prefetching = true);

    /* True when an open archive was closed. */
    bool Close();

    /* The contig's length; -1 when the archive is not open or there is no such contig (or
     * sample), -2 when `sample` is empty and the name is in several places. */
    int GetCtgLen(const std::string& sample, const std::string& name) const;

    /* Bases start..end (0-based, inclusive) of a contig into `buffer`: 0 on success, -1 or -2
     * (as GetCtgLen) on error, when `buffer` is left as it was. */
    int GetCtgSeq(const std::string& sample, const std::string& name, int start, int end, std::string& buffer) const;

    /* The number of samples; -1 when the archive is not open. */
    int NSample() const;

    /* The number of contigs of a sample; -1 when not open or there is no such sample. */
    int NCtg(const std::string& sample) const;

    /* The sample names, sorted: 0, or -1 when the archive is not open. */
    int ListSample(std::vector<std::string>& samples) const;

    /* The reference sample's name: 0, or -1 when the archive is not open. */
    int GetReferenceSample(std::string& sample) const;

    /* The contig names of a sample, in stored order: 0, or -1 when the archive is not open or
     * there is no such sample (`names` is then left as it was). */
    int ListCtg(const std::string& sample, std::vector<std::string>& names) const;
};

typedef CAGCFile agc_t;
#define EXTERNC extern "C"
#else
typedef struct agc_t agc_t;
#define EXTERNC
#endif

/* An open archive, or NULL on error. */
EXTERNC agc_t* agc_open(char* fn, int prefetching);

/* Closes the archive and frees the handle: 0, or -1 for NULL. */
EXTERNC int agc_close(agc_t* agc);

/* As CAGCFile::GetCtgLen; `sample` may be NULL (any sample). */
EXTERNC int agc_get_ctg_len(const agc_t* agc, const char* sample, const char* name);

/* Bases start..end (0-based, inclusive) into `buf`, NUL-terminated (it needs the length + 1
 * bytes): the number of bases, or -1 on any error (`buf` is then not written). */
EXTERNC int agc_get_ctg_seq(const agc_t* agc, const char* sample, const char* name, int start, int end, char* buf);

/* The number of samples, or -1. */
EXTERNC int agc_n_sample(const agc_t* agc);

/* The number of contigs of a sample, or -1. */
EXTERNC int agc_n_ctg(const agc_t* agc, const char* sample);

/* The reference sample's name (free with agc_string_destroy), or NULL. */
EXTERNC char* agc_reference_sample(const agc_t* agc);

/* The sample names, sorted, as a NULL-terminated array (free with agc_list_destroy), or NULL;
 * `*n_sample` gets their number. */
EXTERNC char** agc_list_sample(const agc_t* agc, int* n_sample);

/* A sample's contig names in stored order, as a NULL-terminated array (free with
 * agc_list_destroy), or NULL; an unknown sample gives an empty list. */
EXTERNC char** agc_list_ctg(const agc_t* agc, const char* sample, int* n_ctg);

/* Frees a list from agc_list_sample or agc_list_ctg: 0. */
EXTERNC int agc_list_destroy(char** list);

/* Frees a string from agc_reference_sample: 0. */
EXTERNC int agc_string_destroy(char* sample);

#endif
