// SPDX-License-Identifier: GPL-2.0-only
/*
 * fastrpc_bench - time FastRPC calls on a DSP (the simulated one in the
 * test VM). Two benchmarks:
 *
 * 1. Without -m or -r: calls with large arguments, copied inline versus
 *    passed in place as buffer objects (zero-copy), through the FastRPC
 *    accel UAPI (this file).
 *
 *    Each call is simtest "touch" (method 6): one in-buffer and one
 *    out-buffer of the same size; the DSP reads the first and last byte of
 *    the in-buffer and writes them to the out-buffer, so the DSP's own work
 *    does not depend on the size and the time is the cost of moving the
 *    arguments. Without the touch method the bench falls back to "echo"
 *    (method 2), which copies the whole buffer on the DSP side too.
 *
 *    The table has one row per size (sizes[]) and one column per way of
 *    passing the arguments (modes[]: each opens its own device file, so a
 *    mode may use another driver); ratios[] lists the ratio columns. Add an
 *    entry to any of them to extend the table.
 *
 *    Exit status: 0 when the inline mode ran and every mode that could run
 *    gave right answers, 1 otherwise, 2 on bad usage.
 *
 * 2. -m old-legacy|legacy|accel, then -r: the old driver
 *    (drivers/misc/fastrpc.c), fastrpc_accel's legacy face and its accel
 *    UAPI side by side, on the same operations: a null call, inline and
 *    dma-buf echo calls of 4 KiB, 64 KiB and 1 MiB, the first call of a
 *    new 4 KiB buffer and a buffer's create+call+free cycle (each with the
 *    face's own buffers and with dma-heap ones), a map+unmap pair and a
 *    PD's create+release, the simulator's bare transport round trip, and
 *    null calls from 1, 2 and 4 processes at once (fastrpc_bench_cmp.c,
 *    whose header comment tells the rows and how to read the figures).
 *    The two drivers cannot own the DSP at once, so each column is one run
 *    of the program with -m, which writes its results to a file (-o); the
 *    VM's init swaps the drivers in between, and -r prints the table of
 *    the three files:
 *
 *      fastrpc_bench -m accel -o /tmp/accel.txt
 *      fastrpc_bench -m legacy -o /tmp/legacy.txt
 *      (swap fastrpc_accel for fastrpc.ko)
 *      fastrpc_bench -m old-legacy -o /tmp/old.txt
 *      fastrpc_bench -r /tmp/old.txt /tmp/legacy.txt /tmp/accel.txt
 *
 *    Exit status of -m: 1 when the device of old-legacy or accel cannot be
 *    used, when an accel cell fails, or on a wrong answer from our driver;
 *    the legacy column may be all "n/a" (no legacy node yet). Of -r: 1 when
 *    a cell holds a wrong answer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
/* x86-64 reads the TSC (the bench is built 64-bit only) */
#ifdef __x86_64__
#include <x86intrin.h>
#endif

#include "fastrpc_util.h"
#include "fastrpc_bench.h"

#define DSP_EUNSUPPORTED FRPC_DSP_ERR(FRPC_AEE_EUNSUPPORTED)

/* What a mode calls on: its own file, process and module */
struct bench_ctx {
	const char *domain;
	int fd;
	uint32_t simtest;
	uint32_t method;	/* FRPC_SIMTEST_TOUCH or _ECHO */
	struct drm_fastrpc_device_info info;
};

/* The two arguments of one mode at one size */
struct bench_bufs {
	uint64_t size;
	uint8_t *in, *out;		/* CPU views */
	struct drm_fastrpc_arg ain, aout;
	uint32_t hin, hout;		/* GEM handles, 0 for none */
};

struct bench_mode {
	const char *name;		/* column header */
	/* Open the device and the DSP process: 0 or -errno */
	int (*open)(struct bench_ctx *c);
	void (*close)(struct bench_ctx *c);
	/* Allocate the buffers of @size: 0, or -errno when not available */
	int (*prepare)(struct bench_ctx *c, struct bench_bufs *b,
		       uint64_t size);
	/* One call: 0 or -errno */
	int (*call)(struct bench_ctx *c, struct bench_bufs *b);
	void (*release)(struct bench_ctx *c, struct bench_bufs *b);
	/* Calls at sizes of at least 16 MiB (0: the -i count) */
	unsigned int big_iters;
};

/* ---- the accel device ---- */

static int accel_open(struct bench_ctx *c)
{
	uint32_t st = 0;
	int ret;

	c->fd = frpc_open_domain(c->domain, &c->info, NULL, 0);
	if (c->fd < 0)
		return c->fd;
	ret = frpc_process_init(c->fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				DRM_FASTRPC_PROCESS_UNSIGNED);
	if (!ret)
		ret = frpc_module_open(c->fd, FRPC_SIMTEST_URI, &c->simtest);
	if (ret) {
		close(c->fd);
		c->fd = -1;
		return ret;
	}
	/* touch if the DSP has it, else echo */
	c->method = FRPC_SIMTEST_TOUCH;
	ret = frpc_invoke(c->fd, c->simtest, c->method, NULL, 0, NULL, 0, 0,
			  &st);
	if (ret == -EOPNOTSUPP && st == DSP_EUNSUPPORTED)
		c->method = FRPC_SIMTEST_ECHO;
	return 0;
}

static void accel_close(struct bench_ctx *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int accel_call(struct bench_ctx *c, struct bench_bufs *b)
{
	return frpc_invoke_args(c->fd, c->simtest, c->method, &b->ain, 1,
				&b->aout, 1, 0, NULL);
}

/* ---- mode "inline": arguments copied through the payload ---- */

static int inline_prepare(struct bench_ctx *c, struct bench_bufs *b,
			  uint64_t size)
{
	(void)c;
	b->in = malloc(size);
	b->out = malloc(size);
	if (!b->in || !b->out) {
		free(b->in);
		free(b->out);
		return -ENOMEM;
	}
	memset(b->in, 1, size);
	memset(b->out, 0, size);
	b->ain = frpc_arg_inline(b->in, size);
	b->aout = frpc_arg_inline(b->out, size);
	return 0;
}

static void inline_release(struct bench_ctx *c, struct bench_bufs *b)
{
	(void)c;
	free(b->in);
	free(b->out);
}

/* ---- mode "zero-copy": GEM buffer objects, used in place ---- */

static int gem_one(int fd, uint64_t size, uint32_t *h, uint8_t **map)
{
	void *p;
	int ret;

	ret = frpc_gem_create(fd, size, h);
	if (ret)
		return ret;
	ret = frpc_gem_mmap(fd, *h, size, &p);
	if (ret) {
		frpc_gem_close(fd, *h);
		*h = 0;
		return ret;
	}
	*map = p;
	return 0;
}

static void gem_release(struct bench_ctx *c, struct bench_bufs *b)
{
	if (b->in)
		munmap(b->in, b->size);
	if (b->out)
		munmap(b->out, b->size);
	if (b->hin)
		frpc_gem_close(c->fd, b->hin);
	if (b->hout)
		frpc_gem_close(c->fd, b->hout);
}

static int gem_prepare(struct bench_ctx *c, struct bench_bufs *b,
		       uint64_t size)
{
	int ret;

	ret = gem_one(c->fd, size, &b->hin, &b->in);
	if (!ret)
		ret = gem_one(c->fd, size, &b->hout, &b->out);
	if (ret) {
		gem_release(c, b);
		return ret;
	}
	memset(b->in, 1, size);
	b->ain = frpc_arg_gem(b->hin, 0, size);
	b->aout = frpc_arg_gem(b->hout, 0, size);
	return 0;
}

/* Columns. modes[0] is the reference: it must always run. */
static const struct bench_mode modes[] = {
	{ "inline", accel_open, accel_close, inline_prepare, accel_call,
	  inline_release, 20 },
	{ "zero-copy", accel_open, accel_close, gem_prepare, accel_call,
	  gem_release, 0 },
};

#define NMODES ARRAY_LEN(modes)

/* Ratio columns: median of mode num / median of mode den */
static const struct { unsigned int num, den; const char *name; } ratios[] = {
	{ 1, 0, "zero-copy/inline" },
};

/* Rows */
static const uint64_t sizes[] = { 4 * KiB, 64 * KiB, MiB, 16 * MiB };
#define NSIZES ARRAY_LEN(sizes)

struct cell {
	int err;		/* 0, or -errno: not measured */
	const char *where;	/* what failed */
	int wrong;		/* answers checked and wrong */
	unsigned int n;
	double first;		/* first call: includes mapping the buffers */
	double median, p10, p90, min, max;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(const double *v, unsigned int n, unsigned int p)
{
	return v[(unsigned int)((uint64_t)(n - 1) * p / 100)];
}

/*
 * The clock of the measurements. A TCG guest whose kernel could not
 * calibrate its TSC (no PIT, HPET or PM timer reference in time) runs on
 * the jiffies clocksource, and CLOCK_MONOTONIC then moves in steps of a
 * tick (4 ms): far too coarse for calls of tens of microseconds. The TSC
 * itself still counts at a constant rate (QEMU's is the host's), so on x86
 * the bench reads it directly and converts with a rate measured against
 * CLOCK_MONOTONIC between two of its steps, 250 ms apart or more, then
 * again over the whole run before the results are given
 * (bench_clock_finish()), which makes the rate's error negligible even on
 * a loaded host.
 */
static double tsc_per_us;	/* 0: CLOCK_MONOTONIC */
static uint64_t tsc_base, mono_base;

#ifdef __x86_64__
/* Spin until CLOCK_MONOTONIC moves: the TSC then and the new time (ns) */
static uint64_t clock_edge(uint64_t *mono_ns)
{
	struct timespec ts;
	uint64_t first, now, tsc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	first = (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
	do {
		tsc = __rdtsc();
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
	} while (now == first);
	*mono_ns = now;
	return tsc;
}

static void bench_clock_init(void)
{
	uint64_t m0, m1, c0, c1;

	c0 = clock_edge(&m0);
	do
		c1 = clock_edge(&m1);
	while (m1 - m0 < 250000000u);
	if (c1 > c0) {
		tsc_per_us = (double)(c1 - c0) * 1000 / (double)(m1 - m0);
		tsc_base = c0;
		mono_base = m0;
	}
}

double bench_clock_finish(void)
{
	uint64_t m, c;
	double rate, f;

	if (tsc_per_us <= 0)
		return 1;
	c = clock_edge(&m);
	if (c <= tsc_base || m <= mono_base)
		return 1;
	rate = (double)(c - tsc_base) * 1000 / (double)(m - mono_base);
	f = tsc_per_us / rate;
	tsc_per_us = rate;
	return f;
}

double bench_now_us(void)
{
	if (tsc_per_us > 0)
		return (double)(__rdtsc() - tsc_base) / tsc_per_us;
	return (double)frpc_now_us();
}
#else
static void bench_clock_init(void)
{
}

double bench_clock_finish(void)
{
	return 1;
}

double bench_now_us(void)
{
	return (double)frpc_now_us();
}
#endif

/* What the times are measured with, for the output */
void bench_clock_desc(char *buf, size_t len)
{
	char cs[64] = "?";
	FILE *f;

	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  "re");
	if (f) {
		if (fgets(cs, sizeof(cs), f))
			cs[strcspn(cs, "\n")] = '\0';
		fclose(f);
	}
	if (tsc_per_us > 0)
		snprintf(buf, len, "TSC at %.1f MHz (measured; kernel clocksource %s)",
			 tsc_per_us, cs);
	else
		snprintf(buf, len, "CLOCK_MONOTONIC (kernel clocksource %s)", cs);
}

void bench_stats_scale(struct bench_stats *s, double f)
{
	s->median *= f;
	s->p10 *= f;
	s->p90 *= f;
	s->min *= f;
	s->max *= f;
}

void bench_stats(double *t, unsigned int n, struct bench_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (!n)
		return;
	qsort(t, n, sizeof(*t), cmp_double);
	s->n = n;
	s->median = pct(t, n, 50);
	s->p10 = pct(t, n, 10);
	s->p90 = pct(t, n, 90);
	s->min = t[0];
	s->max = t[n - 1];
}

/* One call with fresh end bytes: 1 when the out-buffer got them */
static int call_checked(const struct bench_mode *m, struct bench_ctx *c,
			struct bench_bufs *b, uint8_t seed, int *ret)
{
	uint64_t last = b->size - 1;

	b->in[0] = seed;
	b->in[last] = seed ^ 0x5a;
	b->out[0] = ~seed;
	b->out[last] = ~(seed ^ 0x5a);
	*ret = m->call(c, b);
	return !*ret && b->out[0] == seed && b->out[last] == (seed ^ 0x5a);
}

static void measure(const struct bench_mode *m, struct bench_ctx *c,
		    uint64_t size, unsigned int iters, struct cell *cell)
{
	struct bench_stats st;
	struct bench_bufs b;
	double t0;
	double *t;
	unsigned int i;
	int ret;

	memset(cell, 0, sizeof(*cell));
	memset(&b, 0, sizeof(b));
	b.size = size;
	if (size >= 16 * MiB && m->big_iters && m->big_iters < iters)
		iters = m->big_iters;
	t = calloc(iters, sizeof(*t));
	if (!t) {
		cell->where = "setup";
		cell->err = -ENOMEM;
		return;
	}
	ret = m->prepare(c, &b, size);
	if (ret) {
		cell->where = "setup";
		cell->err = ret;
		free(t);
		return;
	}
	cell->where = "call";
	/* The first call maps the buffers; check the answers on the way */
	for (i = 0; i < 3; i++) {
		t0 = bench_now_us();
		if (!call_checked(m, c, &b, 0x30 + i, &ret)) {
			cell->err = ret;
			cell->wrong = !ret;
			goto out;
		}
		if (!i)
			cell->first = bench_now_us() - t0;
	}
	for (i = 0; i < iters; i++) {
		t0 = bench_now_us();
		ret = m->call(c, &b);
		t[i] = bench_now_us() - t0;
		if (ret) {
			cell->err = ret;
			goto out;
		}
	}
	if (!call_checked(m, c, &b, 0x77, &ret)) {
		cell->err = ret;
		cell->wrong = !ret;
		goto out;
	}
	bench_stats(t, iters, &st);
	cell->n = st.n;
	cell->median = st.median;
	cell->p10 = st.p10;
	cell->p90 = st.p90;
	cell->min = st.min;
	cell->max = st.max;
out:
	m->release(c, &b);
	free(t);
}

static int cell_ok(const struct cell *c)
{
	return !c->err && !c->wrong && c->n;
}

static const char *size_str(uint64_t s, char *buf, size_t len)
{
	if (s >= MiB && !(s % MiB))
		snprintf(buf, len, "%llu MiB", (unsigned long long)(s / MiB));
	else if (s >= KiB && !(s % KiB))
		snprintf(buf, len, "%llu KiB", (unsigned long long)(s / KiB));
	else
		snprintf(buf, len, "%llu B", (unsigned long long)s);
	return buf;
}

static void print_cell(const struct cell *c)
{
	char buf[64];

	if (c->wrong)
		snprintf(buf, sizeof(buf), "WRONG ANSWER");
	else if (c->err)
		snprintf(buf, sizeof(buf), "n/a (%s: %s)", c->where,
			 strerror(-c->err));
	else
		snprintf(buf, sizeof(buf), "%9.1f [%8.1f-%9.1f] %4u",
			 c->median, c->p10, c->p90, c->n);
	printf(" | %-35s", buf);
}

static void print_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-d domain] [-i iterations] [-I big-inline-iterations]\n"
		"       %s -m old-legacy|legacy|accel [-d domain] [-n node] [-s inst] [-i n] [-t ms]\n"
		"          [-o file]\n"
		"       %s -r old-legacy-file legacy-file accel-file\n"
		"  -d domain   DSP domain label (default cdsp)\n"
		"  -i n        calls per size and mode (default 200); with -m, timed\n"
		"              operations per cell at most (default 500)\n"
		"  -I n        inline calls at 16 MiB (default 20)\n"
		"  -m mode     measure one column of the driver comparison\n"
		"  -n node     legacy node of -m old-legacy|legacy (default /dev/fastrpc-<domain>)\n"
		"  -s inst     with -m, simulator instance of the transport floor row (default:\n"
		"              the one labelled <domain> in configfs)\n"
		"  -t ms       with -m, time limit of a cell's timed operations (default 2000;\n"
		"              a cell has at least 5)\n"
		"  -o file     with -m, write the results there (default stdout)\n"
		"  -r          print the comparison table of the result files\n",
		prog, prog, prog);
}

/* The inline versus zero-copy table */
static int sizes_main(const struct bench_opts *o, unsigned int big_iters)
{
	static struct cell cells[NSIZES][NMODES];
	struct bench_ctx ctx[NMODES];
	struct bench_mode mtab[NMODES];
	const char *domain = o->domain;
	unsigned int iters = o->iters, i, j;
	int ret, bad = 0;
	char s1[32], s2[32], clk[160];
	double f;

	memcpy(mtab, modes, sizeof(modes));
	if (big_iters)
		mtab[0].big_iters = big_iters;

	for (j = 0; j < NMODES; j++) {
		memset(&ctx[j], 0, sizeof(ctx[j]));
		ctx[j].domain = domain;
		ctx[j].fd = -1;
		ret = mtab[j].open(&ctx[j]);
		if (ret) {
			fprintf(stderr, "fastrpc_bench: %s: cannot open %s: %s\n",
				mtab[j].name, domain, strerror(-ret));
			for (i = 0; i < NSIZES; i++)
				cells[i][j] = (struct cell){ .err = ret,
							     .where = "open" };
			if (!j)
				return 1;
			continue;
		}
		printf("%-10s %s, driver %u.%u, simtest %s\n", mtab[j].name,
		       domain, ctx[j].info.driver_major,
		       ctx[j].info.driver_minor,
		       ctx[j].method == FRPC_SIMTEST_TOUCH ?
		       "touch (method 6)" :
		       "echo (method 2; no touch method: the DSP copies too)");
		for (i = 0; i < NSIZES; i++)
			measure(&mtab[j], &ctx[j], sizes[i], iters,
				&cells[i][j]);
		mtab[j].close(&ctx[j]);
	}

	f = bench_clock_finish();
	for (i = 0; i < NSIZES; i++) {
		for (j = 0; j < NMODES; j++) {
			struct cell *e = &cells[i][j];

			e->first *= f;
			e->median *= f;
			e->p10 *= f;
			e->p90 *= f;
			e->min *= f;
			e->max *= f;
		}
	}
	bench_clock_desc(clk, sizeof(clk));
	printf("clock: %s\n", clk);
	printf("\n1 in + 1 out buffer of each size; time per call in microseconds:\n");
	printf("median [p10-p90] calls\n\n");
	printf("%-8s", "size");
	for (j = 0; j < NMODES; j++)
		printf(" | %-35s", mtab[j].name);
	for (j = 0; j < ARRAY_LEN(ratios); j++)
		printf(" | %s", ratios[j].name);
	printf("\n");
	for (i = 0; i < NSIZES; i++) {
		printf("%-8s", size_str(sizes[i], s1, sizeof(s1)));
		for (j = 0; j < NMODES; j++) {
			print_cell(&cells[i][j]);
			bad |= cells[i][j].wrong;
		}
		/* The reference mode must always work */
		if (!cell_ok(&cells[i][0]))
			bad = 1;
		for (j = 0; j < ARRAY_LEN(ratios); j++) {
			const struct cell *n = &cells[i][ratios[j].num];
			const struct cell *d = &cells[i][ratios[j].den];

			if (cell_ok(n) && cell_ok(d) && d->median > 0)
				printf(" | %*.3f", (int)strlen(ratios[j].name),
				       n->median / d->median);
			else
				printf(" | %*s", (int)strlen(ratios[j].name),
				       "-");
		}
		printf("\n");
	}

	printf("\nfirst call of each size (maps the buffers), us:\n");
	for (j = 0; j < NMODES; j++) {
		printf("  %-10s", mtab[j].name);
		for (i = 0; i < NSIZES; i++) {
			if (cells[i][j].err || cells[i][j].wrong)
				printf("  %s: -", size_str(sizes[i], s1, sizeof(s1)));
			else
				printf("  %s: %.0f",
				       size_str(sizes[i], s1, sizeof(s1)),
				       cells[i][j].first);
		}
		printf("\n");
	}

	printf("\nlargest / smallest size, per mode:\n");
	for (j = 0; j < NMODES; j++) {
		const struct cell *lo = &cells[0][j];
		const struct cell *hi = &cells[NSIZES - 1][j];

		if (!cell_ok(lo) || !cell_ok(hi) || lo->median <= 0) {
			printf("  %-10s -\n", mtab[j].name);
			continue;
		}
		printf("  %-10s median %s / median %s = %.2f", mtab[j].name,
		       size_str(sizes[NSIZES - 1], s1, sizeof(s1)),
		       size_str(sizes[0], s2, sizeof(s2)),
		       hi->median / lo->median);
		printf(" (min %.1f / %.1f us, max %.1f / %.1f us)\n", hi->min,
		       lo->min, hi->max, lo->max);
	}
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct bench_opts o = {
		.domain = "cdsp",
		.budget_ms = 2000,
	};
	unsigned int big_iters = 0;
	int opt;

	while ((opt = getopt(argc, argv, "d:i:I:m:n:o:rs:t:h")) != -1) {
		switch (opt) {
		case 'd':
			o.domain = optarg;
			break;
		case 'i':
			o.iters = strtoul(optarg, NULL, 0);
			break;
		case 'I':
			big_iters = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			o.mode = optarg;
			break;
		case 'n':
			o.node = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'r':
			o.report = 1;
			break;
		case 's':
			o.sim = optarg;
			break;
		case 't':
			o.budget_ms = strtoul(optarg, NULL, 0);
			break;
		default:
			print_usage(argv[0]);
			return 2;
		}
	}
	if ((o.report && o.mode) || (!o.report && optind != argc)) {
		print_usage(argv[0]);
		return 2;
	}
	if (o.report)
		return bench_cmp_report(argv + optind, argc - optind);
	bench_clock_init();
	if (o.mode) {
		o.iters = o.iters ? o.iters : 500;
		return bench_cmp_run(&o);
	}
	o.iters = o.iters ? o.iters : 200;
	return sizes_main(&o, big_iters);
}
