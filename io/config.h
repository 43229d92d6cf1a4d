/* Study configurations: an INI file (libinih) of one section, [study], overridable key by key
 * from the command line. Values are kept as text together with where each came from
 * ("configs/ci.ini:7", "--grid", "default"), so that the code which expands them into points
 * (bench/plan.c) can name the file, line and key of a bad value.
 *
 *   [study]
 *   variants    = all | cpu | gpu | naive,tiled,...
 *   grids       = 50x222x241, 128, auto, dataset         (NZxNYxNX, N for N^3, auto, dataset)
 *   threads     = cores | pow2 | 1,2,4
 *   timesteps   = 1, 10, 100
 *   tunings     = default | tile_y=8,tile_x=128           ("|" between tunings)
 *   host_memory = pinned, pageable                        (GPU variants; CPU rows say none)
 *   reps = 3    warmup = 1    scheme = course    k = 0.1
 *   land_fraction = 0.5    seed = 20240101    dataset = path/to/file.nc (optional)
 *   ranks       = 1, 2, 4                             (MPI variants: processes; mpirun -n max)
 *   scaling     = strong | weak                       (weak: grids are the block of one rank)
 *   max_reps = 20   target_noise = 2   point_time = 2   min_time = 0.01
 *       (adaptive repetitions: at least reps, then more until the 95 % confidence interval
 *       of the median is within target_noise % of it, at most max_reps, and none started
 *       after point_time seconds of the point; each repetition batches kernel passes to
 *       last min_time seconds; target_noise = 0 runs exactly reps)
 *
 * Lines starting with ; or # are comments, and so is " ; ..." after a value. Lines are at
 * most 199 characters (libinih's limit): a value ending in a single backslash goes on with the
 * next line, which starts with blanks. In values, \\ \; \# \s and \xHH stand for a backslash,
 * ';', '#', a blank and the character with that hex code; any other backslash is itself.
 * An unknown section or key, a repeated key, or a malformed number is an error naming the
 * file, the line and the key.
 *
 * io_config_write writes every value so that io_config_load reads back the same text (escaped
 * and continued as above), so a run's study.ini plans the same points again (--resume). */
#ifndef IO_CONFIG_H
#define IO_CONFIG_H

#include <stddef.h>

#include "../kernels/variant.h"

typedef enum io_config_key {
    IO_KEY_VARIANTS,
    IO_KEY_GRIDS,
    IO_KEY_THREADS,
    IO_KEY_TIMESTEPS,
    IO_KEY_TUNINGS,
    IO_KEY_HOST_MEMORY,
    IO_KEY_REPS,
    IO_KEY_WARMUP,
    IO_KEY_SCHEME,
    IO_KEY_K,
    IO_KEY_LAND_FRACTION,
    IO_KEY_SEED,
    IO_KEY_DATASET,
    IO_KEY_RANKS,
    IO_KEY_SCALING,
    IO_KEY_MAX_REPS,
    IO_KEY_TARGET_NOISE,
    IO_KEY_POINT_TIME,
    IO_KEY_MIN_TIME,
    IO_KEY_COUNT
} io_config_key;

enum { IO_CONFIG_TEXT_MAX = 4096, IO_CONFIG_ORIGIN_MAX = 600 };

typedef struct io_config_value {
    char text[IO_CONFIG_TEXT_MAX];
    char origin[IO_CONFIG_ORIGIN_MAX]; /* "FILE:LINE", "--flag" or "default" */
} io_config_value;

typedef struct io_study_config {
    io_config_value values[IO_KEY_COUNT];
    char path[IO_CONFIG_ORIGIN_MAX];    /* the file loaded last, "" if none */
} io_study_config;

/* The key's name in the file ("host_memory"), or NULL for a bad key. */
const char *io_config_key_name(io_config_key key);

/* The built-in defaults: the single-point run of earlier versions (cpu variants, the course
 * grid 50x222x241, 10 steps, all cores, 5 reps after 1 warm-up). */
void io_config_defaults(io_study_config *config);

/* Reads path over config (keys it sets replace earlier values). Errors: STENCIL_ERR_IO when the
 * file cannot be read, STENCIL_ERR_ARG as "FILE:LINE: [section] key: what is wrong". */
stencil_status io_config_load(const char *path, io_study_config *config, stencil_error *err);

/* Sets one key by name (a command-line override); origin is recorded with it. */
stencil_status io_config_set(io_study_config *config, const char *key, const char *text,
                             const char *origin, stencil_error *err);

/* Strict scalar parsing with the value's origin and key in the message. */
stencil_status io_config_long(const io_study_config *config, io_config_key key, long lo, long hi,
                              long *out, stencil_error *err);
stencil_status io_config_double(const io_study_config *config, io_config_key key, double lo,
                                double hi, double *out, stencil_error *err);

/* Formats "ORIGIN: key: " + message into err (for errors found while expanding a value). */
stencil_status io_config_fail(const io_study_config *config, io_config_key key, stencil_error *err,
                              const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Writes config as an INI file ([study], every key) that io_config_load reads back exactly. */
stencil_status io_config_write(const io_study_config *config, const char *path,
                               stencil_error *err);

#endif
