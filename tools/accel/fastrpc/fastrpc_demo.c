// SPDX-License-Identifier: GPL-2.0-only
/*
 * fastrpc_demo - call the Hexagon SDK "calculator" example on a DSP through
 * the FastRPC accel UAPI: find the domain's accel node by name, create a
 * dynamic user PD, open the module with remotectl1, compute sum and max of
 * an array, check the answers and time the calls.
 *
 * Meanwhile a listener thread of the helper library (fastrpc_listener.h)
 * serves the DSP's calls back to the host: a DSP that loads modules
 * through the host fetches libcalculator_skel.so from the library path
 * (-L, default $ADSP_LIBRARY_PATH), and with the simulator's simtest module
 * the DSP logs a FARF message that the host prints, and grows its heap
 * with memory the host maps for it (Documentation/accel/fastrpc/
 * reverse.rst).
 *
 * Exit status: 0 when every answer is right, 1 otherwise, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fastrpc_listener.h"
#include "fastrpc_util.h"

#define SHOW_EDGE	5	/* values shown at each end of a long array */

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-d domain] [-n count] [-i iterations] [-L path] [-q]\n"
		"  -d domain      DSP domain label (default cdsp)\n"
		"  -L path        library path for the DSP's loader, ';'-separated\n"
		"                 (default $ADSP_LIBRARY_PATH)\n"
		"  -n count       number of array elements (default 1000)\n"
		"  -i iterations  calls per method for the timing (default 1000, 0 = none)\n"
		"  -q             quiet: print only errors and the verdict\n",
		prog);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void print_array(const int32_t *v, uint32_t n)
{
	uint32_t i;

	printf("  input      n = %u: [", n);
	for (i = 0; i < n; i++) {
		if (n > 2 * SHOW_EDGE && i == SHOW_EDGE) {
			printf(", ...");
			i = n - SHOW_EDGE - 1;
			continue;
		}
		printf("%s%d", i ? ", " : "", v[i]);
	}
	printf("]\n");
}

struct timing {
	double median_us, mean_us;
	uint64_t min_us, max_us;
	unsigned int wrong;
};

static int time_calls(int fd, uint32_t handle, int is_sum, const int32_t *v,
		      uint32_t n, int64_t want_sum, int32_t want_max,
		      unsigned int iters, struct timing *t)
{
	uint64_t *us, total = 0;
	unsigned int i;
	int ret = 0;

	us = calloc(iters, sizeof(*us));
	if (!us)
		return -ENOMEM;
	memset(t, 0, sizeof(*t));

	for (i = 0; i < iters; i++) {
		uint64_t t0 = frpc_now_us();
		int64_t sum = 0;
		int32_t max = 0;

		if (is_sum)
			ret = frpc_calc_sum(fd, handle, v, n, &sum);
		else
			ret = frpc_calc_max(fd, handle, v, n, &max);
		us[i] = frpc_now_us() - t0;
		if (ret)
			break;
		if (is_sum ? sum != want_sum : max != want_max)
			t->wrong++;
		total += us[i];
	}
	if (!ret && iters) {
		qsort(us, iters, sizeof(*us), cmp_u64);
		t->median_us = iters % 2 ? us[iters / 2] :
			       (us[iters / 2 - 1] + us[iters / 2]) / 2.0;
		t->mean_us = (double)total / iters;
		t->min_us = us[0];
		t->max_us = us[iters - 1];
	}
	free(us);
	return ret;
}

#define FARF_TEXT	"hello from the DSP"
#define GROW_KIB	64

/*
 * Two calls of the DSP back to the host, through the simulator's simtest
 * module: a FARF message (adspmsgd_apps log) and a heap grow (apps_mem
 * request_map64, served with a forward map while the grow waits).
 * Returns 1 when one did not work.
 */
static int show_callbacks(int fd, struct frpc_listener *l, int quiet)
{
	uint32_t simtest, st = 0, in0[2] = { FRPC_FARF_HIGH, sizeof(FARF_TEXT) };
	uint64_t len = GROW_KIB * 1024, addr = 0, t0;
	struct frpc_listener_stats ls;
	struct frpc_buf in[2], out[1];
	struct frpc_farf m;
	int ret, got = 0;

	if (frpc_module_open(fd, FRPC_SIMTEST_URI, &simtest)) {
		if (!quiet)
			printf("  callback   no simtest module on this DSP: skipped\n");
		return 0;
	}

	in[0] = (struct frpc_buf){ in0, sizeof(in0) };
	in[1] = (struct frpc_buf){ FARF_TEXT, sizeof(FARF_TEXT) };
	ret = frpc_invoke(fd, simtest, FRPC_SIMTEST_FARF, in, 2, NULL, 0, 0,
			  &st);
	if (ret) {
		fprintf(stderr, "FAIL: simtest farf: %s (DSP 0x%x)\n",
			strerror(-ret), st);
		return 1;
	}
	/* It comes asynchronously, maybe after other messages */
	for (t0 = frpc_now_us(); !got && frpc_now_us() - t0 < 5000000;) {
		if (frpc_listener_farf_read(l, &m, 100))
			continue;
		got = !strcmp(m.msg, FARF_TEXT);
		if (!quiet)
			printf("  callback   FARF via adspmsgd_apps: %s %s:%u: %s\n",
			       frpc_farf_level_name(m.level), m.file, m.line,
			       m.msg);
	}
	if (!got) {
		fprintf(stderr, "FAIL: the FARF message did not reach the host\n");
		return 1;
	}

	in[0] = (struct frpc_buf){ &len, sizeof(len) };
	out[0] = (struct frpc_buf){ &addr, sizeof(addr) };
	ret = frpc_invoke(fd, simtest, FRPC_SIMTEST_GROW, in, 1, out, 1, 0,
			  &st);
	frpc_listener_stats(l, &ls);
	if (ret || !addr || addr != ls.last_map_vadsp) {
		fprintf(stderr, "FAIL: grow: %s (DSP 0x%x), got 0x%llx, mapped 0x%llx\n",
			strerror(-ret), st, (unsigned long long)addr,
			(unsigned long long)ls.last_map_vadsp);
		return 1;
	}
	if (!quiet)
		printf("  callback   grow via apps_mem: %u KiB mapped by the host at DSP 0x%llx\n",
		       GROW_KIB, (unsigned long long)addr);
	frpc_remotectl_close(fd, simtest, NULL, NULL, 0);
	return 0;
}

int main(int argc, char **argv)
{
	const char *domain = "cdsp";
	struct frpc_listener_opts lopts = { 0 };
	struct frpc_listener_stats ls;
	struct frpc_listener *l;
	unsigned int iters = 1000;
	uint32_t n = 1000, i, handle;
	struct drm_fastrpc_device_info info;
	char path[64], uri[256], dlmsg[256];
	int64_t want_sum = 0, sum = 0;
	int32_t want_max = INT32_MIN, max = 0, dlerr;
	struct timing ts, tm;
	int quiet = 0, bad = 0;
	int32_t *v;
	int fd, opt, ret;

	while ((opt = getopt(argc, argv, "d:n:i:L:qh")) != -1) {
		switch (opt) {
		case 'd':
			domain = optarg;
			break;
		case 'L':
			lopts.lib_path = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			iters = strtoul(optarg, NULL, 0);
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(argv[0]);
			return 0;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (optind != argc || n < 1 || n > 16 * 1024 * 1024) {
		usage(argv[0]);
		return 2;
	}

	if (!quiet)
		printf("fastrpc_demo: calculator example on the %s DSP\n",
		       domain);

	fd = frpc_open_domain(domain, &info, path, sizeof(path));
	if (fd < 0) {
		fprintf(stderr, "FAIL: no accel device for domain '%s' in %s: %s\n",
			domain, FRPC_ACCEL_DIR, strerror(-fd));
		return 1;
	}
	if (!quiet)
		printf("  device     %s: domain %s (id %u), %s%s, driver %u.%u, protocol %u, %u sessions\n",
		       path, (const char *)info.domain, info.domain_id,
		       info.flags & DRM_FASTRPC_DEVICE_ONLINE ? "online" : "OFFLINE",
		       info.flags & DRM_FASTRPC_DEVICE_SECURE ? ", secure" : "",
		       info.driver_major, info.driver_minor,
		       info.protocol_version, info.num_sessions);

	ret = frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				DRM_FASTRPC_PROCESS_UNSIGNED);
	if (ret) {
		fprintf(stderr, "FAIL: creating the dynamic PD: %s\n",
			strerror(-ret));
		return 1;
	}
	if (!quiet)
		printf("  process    unsigned dynamic user PD created\n");

	/* Before the open: the DSP may load the module through the host */
	ret = frpc_listener_start(fd, FRPC_FACE_ACCEL, &lopts, &l);
	if (ret) {
		fprintf(stderr, "FAIL: starting the listener: %s\n",
			strerror(-ret));
		return 1;
	}
	frpc_listener_stats(l, &ls);
	if (!quiet)
		printf("  listener   serving the DSP's calls to the host (handle %u)\n",
		       ls.handle);

	snprintf(uri, sizeof(uri),
		 "file:///libcalculator_skel.so?calculator_skel_handle_invoke&_modver=1.0&_dom=%s",
		 domain);
	ret = frpc_remotectl_open(fd, uri, &handle, &dlerr, dlmsg,
				  sizeof(dlmsg));
	if (ret || dlerr) {
		fprintf(stderr, "FAIL: opening %s: %s (dlerr 0x%x%s%s)\n", uri,
			strerror(-ret), (uint32_t)dlerr, *dlmsg ? ": " : "",
			dlmsg);
		return 1;
	}
	frpc_listener_stats(l, &ls);
	if (!quiet && ls.files_opened)
		printf("  module     calculator open, handle 0x%x, fetched from the host (%llu bytes)\n",
		       handle, (unsigned long long)ls.bytes_read);
	else if (!quiet)
		printf("  module     calculator open, remote handle 0x%x (DSP's own loader)\n",
		       handle);

	v = malloc((size_t)n * sizeof(*v));
	if (!v) {
		fprintf(stderr, "FAIL: out of memory\n");
		return 1;
	}
	/* 1..n with every fourth value negated */
	for (i = 0; i < n; i++) {
		v[i] = (int32_t)(i + 1);
		if (i % 4 == 3)
			v[i] = -v[i];
		want_sum += v[i];
		if (v[i] > want_max)
			want_max = v[i];
	}
	if (!quiet)
		print_array(v, n);

	ret = frpc_calc_sum(fd, handle, v, n, &sum);
	if (ret) {
		fprintf(stderr, "FAIL: calculator sum: %s\n", strerror(-ret));
		return 1;
	}
	bad |= sum != want_sum;
	ret = frpc_calc_max(fd, handle, v, n, &max);
	if (ret) {
		fprintf(stderr, "FAIL: calculator max: %s\n", strerror(-ret));
		return 1;
	}
	bad |= max != want_max;
	if (!quiet || bad) {
		printf("  sum        DSP %lld, expected %lld: %s\n",
		       (long long)sum, (long long)want_sum,
		       sum == want_sum ? "ok" : "WRONG");
		printf("  max        DSP %d, expected %d: %s\n", max, want_max,
		       max == want_max ? "ok" : "WRONG");
	}

	if (iters) {
		ret = time_calls(fd, handle, 1, v, n, want_sum, want_max, iters,
				 &ts);
		if (!ret)
			ret = time_calls(fd, handle, 0, v, n, want_sum,
					 want_max, iters, &tm);
		if (ret) {
			fprintf(stderr, "FAIL: timed calls: %s\n",
				strerror(-ret));
			return 1;
		}
		if (!quiet) {
			printf("  timing     %u calls each (CLOCK_MONOTONIC, per call):\n",
			       iters);
			printf("    sum      median %8.1f us, mean %8.1f us, min %llu us, max %llu us\n",
			       ts.median_us, ts.mean_us,
			       (unsigned long long)ts.min_us,
			       (unsigned long long)ts.max_us);
			printf("    max      median %8.1f us, mean %8.1f us, min %llu us, max %llu us\n",
			       tm.median_us, tm.mean_us,
			       (unsigned long long)tm.min_us,
			       (unsigned long long)tm.max_us);
		}
		if (ts.wrong || tm.wrong) {
			printf("  timed calls with a wrong answer: sum %u, max %u\n",
			       ts.wrong, tm.wrong);
			bad = 1;
		}
	}

	ret = frpc_remotectl_close(fd, handle, &dlerr, dlmsg, sizeof(dlmsg));
	if (ret || dlerr) {
		fprintf(stderr, "FAIL: closing the calculator: %s (dlerr 0x%x)\n",
			strerror(-ret), (uint32_t)dlerr);
		bad = 1;
	} else if (!quiet) {
		printf("  module     calculator closed\n");
	}
	free(v);

	bad |= show_callbacks(fd, l, quiet);
	frpc_listener_stats(l, &ls);
	ret = frpc_listener_stop(l);
	if (ret) {
		fprintf(stderr, "FAIL: stopping the listener: %s\n",
			strerror(-ret));
		bad = 1;
	} else if (!quiet) {
		printf("  listener   stopped; served remotectl %llu, std %llu, mem %llu, msgd %llu\n",
		       (unsigned long long)ls.served[FRPC_LISTENER_REMOTECTL],
		       (unsigned long long)ls.served[FRPC_LISTENER_STD],
		       (unsigned long long)ls.served[FRPC_LISTENER_MEM],
		       (unsigned long long)ls.served[FRPC_LISTENER_MSGD]);
	}
	close(fd);

	printf("fastrpc_demo: %s\n", bad ? "FAIL" : "PASS");
	return bad ? 1 : 0;
}
