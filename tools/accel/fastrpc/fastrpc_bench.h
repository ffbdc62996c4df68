/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fastrpc_bench: what fastrpc_bench.c (main, inline versus zero-copy
 * table) and fastrpc_bench_cmp.c (old driver / legacy face / accel table)
 * share.
 */
#ifndef FASTRPC_BENCH_H
#define FASTRPC_BENCH_H

#include <stddef.h>
#include <stdint.h>

#define KiB		1024ull
#define MiB		(1024ull * 1024)
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

struct bench_opts {
	const char *domain;	/* -d: accel device label (default cdsp) */
	const char *mode;	/* -m: column to measure, NULL for none */
	const char *out;	/* -o: results file of -m (default stdout) */
	const char *node;	/* -n: legacy node (default /dev/fastrpc-<domain>) */
	const char *sim;	/* -s: simulator instance of the transport floor */
	unsigned int iters;	/* -i: timed calls per cell */
	unsigned int budget_ms;	/* -t: time limit of the timed calls of a cell */
	int report;		/* -r: print the table of the files in argv */
};

/* Time order statistics of one cell */
struct bench_stats {
	unsigned int n;
	double median, p10, p90, min, max;
};

/* Microseconds since an arbitrary start, as precise as the machine allows */
double bench_now_us(void);
/*
 * Measure bench_now_us()'s rate again over the whole run: returns the
 * factor to multiply the times measured so far with
 */
double bench_clock_finish(void);
/* What bench_now_us() reads, in words */
void bench_clock_desc(char *buf, size_t len);

/* Multiply the times of @s by @f */
void bench_stats_scale(struct bench_stats *s, double f);
/* Sort @t[@n] and fill @s */
void bench_stats(double *t, unsigned int n, struct bench_stats *s);

/* -m: measure one column and write its results; exit status */
int bench_cmp_run(const struct bench_opts *o);
/* -r: print the table of the result files @files[@n]; exit status */
int bench_cmp_report(char **files, int n);

#endif /* FASTRPC_BENCH_H */
