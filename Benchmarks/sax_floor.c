/*
 * sax_floor: the floor for any libxml2 SAX2 reader of a vasprun.xml.
 *
 * One pass of libxml2's SAX2 push parser over FILE with empty callbacks (startElementNs,
 * endElementNs, characters), the same options Cascade uses (XML_PARSE_NONET | XML_PARSE_HUGE)
 * and the same 1 MiB chunks read with fread. Whatever a real reader does on top of this
 * (number scanning, storing) is its own cost; this program measures libxml2's.
 *
 * Build (Benchmarks/run-vasprun.sh does this; never commit the binary):
 *   gcc -O2 Benchmarks/sax_floor.c -o bench-data/sax_floor $(pkg-config --cflags --libs libxml-2.0)
 * Usage:
 *   sax_floor FILE [--repeat N] [--chunk BYTES] [--ignore-enc]
 * --ignore-enc adds XML_PARSE_IGNORE_ENC: the ISO-8859-1 declaration of vasprun.xml is ignored
 * and the (ASCII) bytes are read as UTF-8, skipping libxml2's isolat1ToUTF8 conversion. It is an
 * experiment, not the floor (a non-ASCII byte would then be an encoding error).
 * Prints the wall time of each pass (CLOCK_MONOTONIC), min and median, peak RSS, and the
 * element / character-byte counts (so the callbacks are not empty in the optimiser's eyes).
 */
#define _POSIX_C_SOURCE 200809L
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

struct counts {
    unsigned long long elements;
    unsigned long long char_bytes;
    int errors;
};

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
                     const xmlChar **attributes) {
    (void)localname; (void)prefix; (void)uri; (void)nb_namespaces; (void)namespaces;
    (void)nb_attributes; (void)nb_defaulted; (void)attributes;
    ((struct counts *)ctx)->elements++;
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri) {
    (void)ctx; (void)localname; (void)prefix; (void)uri;
}

static void on_characters(void *ctx, const xmlChar *ch, int len) {
    (void)ch;
    ((struct counts *)ctx)->char_bytes += (unsigned long long)len;
}

static void on_error(void *ctx, const xmlError *error) {
    if (error && error->level >= XML_ERR_ERROR) {
        struct counts *c = ctx;
        if (c->errors++ == 0) fprintf(stderr, "XML error line %d: %s", error->line, error->message ? error->message : "?\n");
    }
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int pass(const char *path, size_t chunk, int options, struct counts *c) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return -1; }
    char *buffer = malloc(chunk);
    xmlSAXHandler h;
    memset(&h, 0, sizeof h);
    h.initialized = XML_SAX2_MAGIC;
    h.startElementNs = on_start;
    h.endElementNs = on_end;
    h.characters = on_characters;
    h.serror = (xmlStructuredErrorFunc)on_error;
    memset(c, 0, sizeof *c);
    xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(&h, c, NULL, 0, path);
    if (!ctxt) { fprintf(stderr, "cannot create parser\n"); return -1; }
    xmlCtxtUseOptions(ctxt, options);
    size_t n;
    int status = 0;
    while ((n = fread(buffer, 1, chunk, f)) > 0) {
        status = xmlParseChunk(ctxt, buffer, (int)n, 0);
        if (status != 0) break;
    }
    if (status == 0) status = xmlParseChunk(ctxt, NULL, 0, 1);
    xmlFreeParserCtxt(ctxt);
    free(buffer);
    fclose(f);
    return status != 0 || c->errors ? -1 : 0;
}

int main(int argc, char **argv) {
    const char *path = NULL;
    int repeat = 1;
    size_t chunk = 1 << 20;
    int options = XML_PARSE_NONET | XML_PARSE_HUGE;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--chunk") && i + 1 < argc) chunk = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--ignore-enc")) options |= XML_PARSE_IGNORE_ENC;
        else if (argv[i][0] != '-' && !path) path = argv[i];
        else { fprintf(stderr, "usage: sax_floor FILE [--repeat N] [--chunk BYTES] [--ignore-enc]\n"); return 2; }
    }
    if (!path || repeat < 1 || chunk < 1) { fprintf(stderr, "usage: sax_floor FILE [--repeat N] [--chunk BYTES] [--ignore-enc]\n"); return 2; }
    LIBXML_TEST_VERSION
    double *times = calloc((size_t)repeat, sizeof *times);
    struct counts c;
    for (int r = 0; r < repeat; r++) {
        double t0 = now();
        if (pass(path, chunk, options, &c) != 0) { fprintf(stderr, "parse failed\n"); return 1; }
        times[r] = now() - t0;
        printf("run %d: %.3f s\n", r + 1, times[r]);
    }
    qsort(times, (size_t)repeat, sizeof *times, compare);
    double median = repeat % 2 ? times[repeat / 2] : (times[repeat / 2 - 1] + times[repeat / 2]) / 2;
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    printf("libxml2 %s, chunk %zu B, options 0x%x%s\n", xmlParserVersion, chunk, options,
           options & XML_PARSE_IGNORE_ENC ? " (IGNORE_ENC)" : "");
    printf("elements %llu, character bytes %llu\n", c.elements, c.char_bytes);
    printf("wall time: min %.3f s, median %.3f s over %d run(s)\n", times[0], median, repeat);
    printf("peak RSS: %.1f MB\n", (double)u.ru_maxrss * 1024 / 1e6);
    free(times);
    xmlCleanupParser();
    return 0;
}
