// SPDX-License-Identifier: GPL-2.0-only
/*
 * fastrpc_bench - time calls with large arguments, copied inline versus
 * passed in place as buffer objects (zero-copy), on a DSP through the
 * FastRPC accel UAPI.
 *
 * Each call is simtest "touch" (method 6): one in-buffer and one
 * out-buffer of the same size; the DSP reads the first and last byte of
 * the in-buffer and writes them to the out-buffer, so the DSP's own work
 * does not depend on the size and the time is the cost of moving the
 * arguments. Without the touch method the bench falls back to "echo"
 * (method 2), which copies the whole buffer on the DSP side too.
 *
 * The table has one row per size (sizes[]) and one column per way of
 * passing the arguments (modes[]: each opens its own device file, so a
 * mode may use another driver); ratios[] lists the ratio columns. Add an
 * entry to any of them to extend the table.
 *
 * Exit status: 0 when the inline mode ran and every mode that could run
 * gave right answers, 1 otherwise, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fastrpc_util.h"

#define KiB		1024ull
#define MiB		(1024ull * 1024)
#define DSP_EUNSUPPORTED FRPC_DSP_ERR(FRPC_AEE_EUNSUPPORTED)
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

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
	struct bench_bufs b;
	uint64_t t0;
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
		t0 = frpc_now_us();
		if (!call_checked(m, c, &b, 0x30 + i, &ret)) {
			cell->err = ret;
			cell->wrong = !ret;
			goto out;
		}
		if (!i)
			cell->first = (double)(frpc_now_us() - t0);
	}
	for (i = 0; i < iters; i++) {
		t0 = frpc_now_us();
		ret = m->call(c, &b);
		t[i] = (double)(frpc_now_us() - t0);
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
	qsort(t, iters, sizeof(*t), cmp_double);
	cell->n = iters;
	cell->median = pct(t, iters, 50);
	cell->p10 = pct(t, iters, 10);
	cell->p90 = pct(t, iters, 90);
	cell->min = t[0];
	cell->max = t[iters - 1];
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

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-d domain] [-i iterations] [-I big-inline-iterations]\n"
		"  -d domain   DSP domain label (default cdsp)\n"
		"  -i n        calls per size and mode (default 200)\n"
		"  -I n        inline calls at 16 MiB (default 20)\n",
		prog);
}

int main(int argc, char **argv)
{
	static struct cell cells[NSIZES][NMODES];
	struct bench_ctx ctx[NMODES];
	struct bench_mode mtab[NMODES];
	const char *domain = "cdsp";
	unsigned int iters = 200, i, j;
	int opt, ret, bad = 0;
	char s1[32], s2[32];

	memcpy(mtab, modes, sizeof(modes));
	while ((opt = getopt(argc, argv, "d:i:I:h")) != -1) {
		switch (opt) {
		case 'd':
			domain = optarg;
			break;
		case 'i':
			iters = strtoul(optarg, NULL, 0);
			break;
		case 'I':
			mtab[0].big_iters = strtoul(optarg, NULL, 0);
			break;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (!iters) {
		usage(argv[0]);
		return 2;
	}

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

	printf("\n1 in + 1 out buffer of each size; time per call in microseconds: median [p10-p90] calls\n\n");
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
		printf("  %-10s median %s / median %s = %.2f (min %.1f / %.1f us, max %.1f / %.1f us)\n",
		       mtab[j].name, size_str(sizes[NSIZES - 1], s1, sizeof(s1)),
		       size_str(sizes[0], s2, sizeof(s2)),
		       hi->median / lo->median, hi->min, lo->min, hi->max,
		       lo->max);
	}
	return bad ? 1 : 0;
}
