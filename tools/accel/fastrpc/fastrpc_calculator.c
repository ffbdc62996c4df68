// SPDX-License-Identifier: GPL-2.0-only
/*
 * fastrpc_calculator - the Hexagon SDK "calculator" client, written against
 * the public API of the qualcomm/fastrpc library only (remote.h, rpcmem.h):
 * remote_handle64_open() of the calculator's URI, sum and max through
 * remote_handle64_invoke() on rpcmem and on ordinary buffers, fastrpc_mmap(),
 * capability queries through remote_handle_control(), several threads; and
 * the simulated DSP's test module growing its heap through the library.
 *
 * The library decides which kernel interface it speaks: the same binary runs
 * on the legacy /dev/fastrpc-* nodes (of either driver) and, with the
 * library's accel backend, on /dev/accel. Each check prints one TAP line,
 * its answers after the name ("ok 3 - name # answers"), whose text depends
 * only on the answers, so two runs can be compared line by line; timings
 * are TAP comment lines.
 *
 * Usage: fastrpc_calculator [-d] [-i iterations]
 *   -d  demo: tell what happens instead of printing TAP
 *   -i  calls of the timed loop (default 1000, 0: no timing)
 * Exit status: 0 when every check passed, 1 otherwise.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "remote.h"
#include "rpcmem.h"

#define CALC_URI	"file:///libcalculator_skel.so?calculator_skel_handle_invoke&_modver=1.0&_dom=cdsp"
#define SIMTEST_URI	"file:///libsimtest_skel.so?simtest_skel_handle_invoke&_modver=1.0&_dom=cdsp"
#define SIMTEST_GROW	12
#define NOSUCH_URI	"file:///libnosuch_skel.so?nosuch_skel_handle_invoke&_modver=1.0&_dom=cdsp"
#define CALC_SUM	2
#define CALC_MAX	3
#define NTHREADS	4
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define THREAD_CALLS	100

static int ntest, nfail, demo;

static void result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	ntest++;
	if (!ok)
		nfail++;
	/* The demo tells its story and shows only what went wrong */
	if (demo && ok)
		return;
	if (demo)
		printf("  FAILED: %s", name);
	else
		printf("%sok %d - %s", ok ? "" : "not ", ntest, name);
	if (fmt) {
		printf(demo ? ": " : " # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
}

static void say(const char *fmt, ...)
{
	va_list ap;

	if (!demo)
		return;
	printf("  ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/*
 * calculator.sum(vec, &res) and calculator.max(vec, &res): in0 the count,
 * in1 the vector, out0 the answer (an s64 sum, an s32 maximum)
 */
static int calc_call(remote_handle64 h, uint32_t method, const int32_t *vec,
		     uint32_t vlen, void *res, uint32_t rlen)
{
	uint32_t n = vlen / sizeof(*vec);
	remote_arg pra[3];

	pra[0].buf.pv = &n;
	pra[0].buf.nLen = sizeof(n);
	pra[1].buf.pv = (void *)vec;
	pra[1].buf.nLen = vlen;
	pra[2].buf.pv = res;
	pra[2].buf.nLen = rlen;
	return remote_handle64_invoke(h, REMOTE_SCALARS_MAKE(method, 2, 1), pra);
}

static int calc_sum(remote_handle64 h, const int32_t *vec, uint32_t vlen,
		    int64_t *res)
{
	return calc_call(h, CALC_SUM, vec, vlen, res, sizeof(*res));
}

static int calc_max(remote_handle64 h, const int32_t *vec, uint32_t vlen,
		    int32_t *res)
{
	return calc_call(h, CALC_MAX, vec, vlen, res, sizeof(*res));
}

static int32_t *vec_alloc(uint32_t n, int rpcmem)
{
	size_t len = n ? n * sizeof(int32_t) : 4;

	if (rpcmem)
		return rpcmem_alloc(RPCMEM_HEAP_ID_SYSTEM, RPCMEM_DEFAULT_FLAGS, len);
	return malloc(len);
}

static void vec_free(int32_t *v, int rpcmem)
{
	if (rpcmem)
		rpcmem_free(v);
	else
		free(v);
}

static void check_caps(void)
{
	static const struct { uint32_t id; const char *name; } attrs[] = {
		{ DOMAIN_SUPPORT, "domain" },
		{ UNSIGNED_PD_SUPPORT, "unsigned_pd" },
		{ HVX_SUPPORT_64B, "hvx64" },
		{ HVX_SUPPORT_128B, "hvx128" },
		{ VTCM_PAGE, "vtcm_page" },
		{ VTCM_COUNT, "vtcm_count" },
		{ ARCH_VER, "arch" },
		{ ASYNC_FASTRPC_SUPPORT, "async" },
		{ STATUS_NOTIFICATION_SUPPORT, "status_notif" },
	};
	uint32_t val[ARRAY_SIZE(attrs)];
	char text[256];
	size_t i, off = 0;
	int err = 0, ret;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		struct remote_dsp_capability cap = {
			.domain = CDSP_DOMAIN_ID,
			.attribute_ID = attrs[i].id,
		};

		ret = remote_handle_control(DSPRPC_GET_DSP_INFO, &cap, sizeof(cap));
		if (ret && !err)
			err = ret;
		val[i] = ret ? 0xffffffff : cap.capability;
		off += snprintf(text + off, sizeof(text) - off, "%s%s=0x%x",
				i ? " " : "", attrs[i].name, val[i]);
	}
	/* The simulated DSP's table: 4 HVX 128-byte units, arch v73 */
	result(!err && val[0] == 1 && val[3] == 4 && val[6] == 0x73,
	       "dsp_info", "%s", text);
	say("capabilities of cdsp: %s", text);
}

static void check_sum_max(remote_handle64 h, const char *what, int rpcmem,
			  uint32_t n)
{
	int32_t *v = vec_alloc(n, rpcmem), max = 0;
	int64_t sum = 0, want_sum = 0;
	int32_t want_max = INT32_MIN;
	char name[64];
	uint32_t i;
	int r1, r2;

	if (!v) {
		result(0, what, "allocation of %u values failed", n);
		return;
	}
	for (i = 0; i < n; i++) {
		v[i] = (int32_t)((i * 2654435761u) % 2000001) - 1000000;
		want_sum += v[i];
		if (v[i] > want_max)
			want_max = v[i];
	}
	r1 = calc_sum(h, v, n * sizeof(*v), &sum);
	r2 = calc_max(h, v, n * sizeof(*v), &max);
	snprintf(name, sizeof(name), "%s_%u", what, n);
	result(!r1 && !r2 && sum == want_sum && max == want_max, name,
	       "sum rc=0x%x %" PRId64 ", max rc=0x%x %d", r1, sum, r2, max);
	say("%u values in a %s buffer: sum = %" PRId64 ", max = %d", n,
	    rpcmem ? "rpcmem" : "malloc'd", sum, max);
	vec_free(v, rpcmem);
}

static void check_errors(remote_handle64 h)
{
	remote_handle64 bad = 0;
	remote_arg pra[1];
	int32_t *v = vec_alloc(16, 1);
	uint32_t n = 16;
	int64_t sum = 0;
	int ret;

	ret = remote_handle64_open(NOSUCH_URI, &bad);
	result(ret != 0, "open_unknown_module", "rc=0x%x", ret);
	if (!ret)
		remote_handle64_close(bad);

	/* A count past the end of the vector: the DSP refuses it */
	if (v) {
		remote_arg a[3] = {
			{ .buf = { &n, sizeof(n) } },
			{ .buf = { v, 8 } },
			{ .buf = { &sum, sizeof(sum) } },
		};

		ret = remote_handle64_invoke(h, REMOTE_SCALARS_MAKE(CALC_SUM, 2, 1), a);
		result(ret != 0, "sum_short_vector", "rc=0x%x", ret);
		vec_free(v, 1);
	} else {
		result(0, "sum_short_vector", "rpcmem_alloc failed");
	}

	pra[0].buf.pv = &n;
	pra[0].buf.nLen = sizeof(n);
	ret = remote_handle64_invoke(h, REMOTE_SCALARS_MAKE(31, 1, 0), pra);
	result(ret != 0, "unknown_method", "rc=0x%x", ret);
}

static void check_mmap(remote_handle64 h)
{
	uint32_t n = 4096, i;
	size_t len = n * sizeof(int32_t);
	int32_t *v = vec_alloc(n, 1);
	int64_t sum = 0, want = 0;
	int fd, r1, r2 = -1, r3 = -1, r4;

	if (!v) {
		result(0, "fastrpc_mmap", "rpcmem_alloc failed");
		return;
	}
	for (i = 0; i < n; i++) {
		v[i] = i * 3 + 1;
		want += v[i];
	}
	fd = rpcmem_to_fd(v);
	r1 = fastrpc_mmap(CDSP_DOMAIN_ID, fd, v, 0, len, FASTRPC_MAP_FD);
	if (!r1) {
		r2 = calc_sum(h, v, len, &sum);
		r3 = fastrpc_munmap(CDSP_DOMAIN_ID, fd, v, len);
	}
	/* Unmapping what is no longer mapped fails */
	r4 = fastrpc_munmap(CDSP_DOMAIN_ID, fd, v, len);
	result(fd >= 0 && !r1 && !r2 && sum == want && !r3 && r4 != 0,
	       "fastrpc_mmap", "map rc=0x%x sum rc=0x%x %" PRId64
	       " unmap rc=0x%x again %s", r1, r2, sum, r3,
	       r4 ? "fails" : "succeeds");
	say("fastrpc_mmap() of a %zu-byte rpcmem buffer, sum over it = %" PRId64
	    ", fastrpc_munmap()", len, sum);
	vec_free(v, 1);
}

/* A vector that starts inside an rpcmem buffer: passed as a range of it */
static void check_offset(remote_handle64 h)
{
	uint32_t n = 1000, skip = 17, i;
	int32_t *v = vec_alloc(n + skip, 1);
	int64_t sum = 0, want = 0;
	int ret;

	if (!v) {
		result(0, "rpcmem_offset", "rpcmem_alloc failed");
		return;
	}
	for (i = 0; i < n + skip; i++) {
		v[i] = i < skip ? 1000000 : (int32_t)(i * 5);
		if (i >= skip)
			want += v[i];
	}
	ret = calc_sum(h, v + skip, n * sizeof(*v), &sum);
	result(!ret && sum == want, "rpcmem_offset", "rc=0x%x %" PRId64, ret, sum);
	vec_free(v, 1);
}

/*
 * The simulator's test module asks its host for more heap (apps_mem, served
 * by the library's listener, which maps memory into the DSP process).
 */
static void check_grow(void)
{
	uint64_t len = 64 * 1024, addr = 0;
	remote_handle64 h = 0;
	remote_arg pra[2];
	int ret, r2 = -1;

	ret = remote_handle64_open(SIMTEST_URI, &h);
	if (!ret) {
		pra[0].buf.pv = &len;
		pra[0].buf.nLen = sizeof(len);
		pra[1].buf.pv = &addr;
		pra[1].buf.nLen = sizeof(addr);
		r2 = remote_handle64_invoke(h, REMOTE_SCALARS_MAKE(SIMTEST_GROW, 1, 1),
					    pra);
		remote_handle64_close(h);
	}
	result(!ret && !r2 && addr && !(addr & 4095), "dsp_heap_grow",
	       "open rc=0x%x grow rc=0x%x, %s page-aligned address", ret, r2,
	       addr && !(addr & 4095) ? "a" : "no");
	say("the DSP grew its heap by %" PRIu64 " KiB through the library's listener",
	    len / 1024);
}

struct worker {
	pthread_t thread;
	remote_handle64 h;
	int index;
	int bad;
};

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	uint32_t n = 256 + 64 * w->index, i;
	int32_t *v = vec_alloc(n, 1);
	int64_t sum, want = 0;
	int call;

	if (!v) {
		w->bad = -1;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		v[i] = (int32_t)(i + 1000 * w->index);
		want += v[i];
	}
	for (call = 0; call < THREAD_CALLS; call++) {
		sum = 0;
		if (calc_sum(w->h, v, n * sizeof(*v), &sum) || sum != want)
			w->bad++;
	}
	vec_free(v, 1);
	return NULL;
}

static void check_threads(remote_handle64 h)
{
	struct worker w[NTHREADS];
	int i, bad = 0, started = 0;

	for (i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){ .h = h, .index = i };
		if (pthread_create(&w[i].thread, NULL, worker_fn, &w[i]))
			break;
		started++;
	}
	for (i = 0; i < started; i++) {
		pthread_join(w[i].thread, NULL);
		bad += w[i].bad;
	}
	result(started == NTHREADS && !bad, "threads",
	       "%d threads x %d calls, %d wrong", NTHREADS, THREAD_CALLS, bad);
	say("%d threads made %d calls at once, %d wrong", NTHREADS,
	    NTHREADS * THREAD_CALLS, bad);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Per-call times of sum over 1024 values, printed, never checked */
static void time_calls(remote_handle64 h, int iters, int rpcmem)
{
	uint32_t n = 1024, i;
	int32_t *v = vec_alloc(n, rpcmem);
	uint64_t *t = calloc(iters, sizeof(*t));
	int64_t sum;
	int k;

	if (!v || !t) {
		printf("%stiming: allocation failed\n", demo ? "  " : "# ");
		goto out;
	}
	for (i = 0; i < n; i++)
		v[i] = i;
	for (k = 0; k < iters; k++) {
		uint64_t t0 = now_ns();

		if (calc_sum(h, v, n * sizeof(*v), &sum)) {
			printf("%stiming: call %d failed\n", demo ? "  " : "# ", k);
			goto out;
		}
		t[k] = now_ns() - t0;
	}
	qsort(t, iters, sizeof(*t), cmp_u64);
	printf("%sper-call time, sum of 1024 values (4 KiB, %s buffer), %d calls: ",
	       demo ? "  " : "# ", rpcmem ? "rpcmem" : "malloc'd", iters);
	printf("median %.1f us, p10 %.1f us, p90 %.1f us\n", t[iters / 2] / 1000.0,
	       t[iters / 10] / 1000.0, t[iters * 9 / 10] / 1000.0);
out:
	free(t);
	vec_free(v, rpcmem);
}

int main(int argc, char **argv)
{
	remote_handle64 h = 0, h2 = 0;
	int iters = 1000, opt, ret, r2;
	int64_t sum = 0;
	int32_t one = 42;

	while ((opt = getopt(argc, argv, "di:")) != -1) {
		switch (opt) {
		case 'd':
			demo = 1;
			break;
		case 'i':
			iters = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-d] [-i iterations]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!demo)
		printf("TAP version 13\n");

	check_caps();

	say("remote_handle64_open(\"%s\")", CALC_URI);
	ret = remote_handle64_open(CALC_URI, &h);
	result(!ret && h, "open", "rc=0x%x", ret);
	if (ret) {
		if (!demo)
			printf("1..%d\n", ntest);
		return 1;
	}

	check_sum_max(h, "rpcmem", 1, 1000);
	check_sum_max(h, "malloc", 0, 1000);
	check_sum_max(h, "rpcmem", 1, 1 << 20);
	check_sum_max(h, "rpcmem", 1, 0);
	check_offset(h);
	check_errors(h);
	check_mmap(h);
	check_grow();
	check_threads(h);
	if (iters > 0) {
		time_calls(h, iters, 1);
		time_calls(h, iters, 0);
	}

	/* Two handles: closing one leaves the other working */
	ret = remote_handle64_open(CALC_URI, &h2);
	r2 = ret ? ret : remote_handle64_close(h2);
	ret = calc_sum(h, &one, sizeof(one), &sum);
	say("a second handle opened and closed, the first still sums");
	result(!r2 && !ret && sum == 42, "second_handle",
	       "open+close rc=0x%x, first still sums: rc=0x%x %" PRId64, r2,
	       ret, sum);

	ret = remote_handle64_close(h);
	result(!ret, "close", "rc=0x%x", ret);
	say("remote_handle64_close(): the last handle, the DSP process ends");

	/* The last close ended the session: a new open starts another one */
	ret = remote_handle64_open(CALC_URI, &h);
	sum = 0;
	r2 = ret ? ret : calc_sum(h, &one, sizeof(one), &sum);
	if (!ret)
		ret = remote_handle64_close(h);
	result(!ret && !r2 && sum == 42, "reopen", "rc=0x%x sum rc=0x%x %" PRId64,
	       ret, r2, sum);

	if (!demo)
		printf("1..%d\n", ntest);
	say("%d checks, %d failed", ntest, nfail);
	return nfail ? 1 : 0;
}
