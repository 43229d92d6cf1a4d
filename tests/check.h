/* A minimal test helper: CHECK records a failure with file:line and goes on; check_finish
 * prints a summary and gives the exit status. */
#ifndef TEST_CHECK_H
#define TEST_CHECK_H

#include <stdio.h>

typedef struct check_ctx {
    int run, failed;
} check_ctx;

#define CHECK(ctx, cond, ...)                                                      \
    do {                                                                           \
        (ctx)->run++;                                                              \
        if (!(cond)) {                                                             \
            (ctx)->failed++;                                                       \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                          \
            fputc('\n', stderr);                                                   \
        }                                                                          \
    } while (0)

static inline int check_finish(const check_ctx *ctx, const char *name)
{
    printf("%s: %d checks, %d failed\n", name, ctx->run, ctx->failed);
    return ctx->failed ? 1 : 0;
}

#endif
