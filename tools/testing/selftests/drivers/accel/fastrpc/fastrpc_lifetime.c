// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lifetime of the FastRPC driver's buffer mappings (Documentation/accel/
 * fastrpc/memory.rst): the per-file cache of GEM mappings and its limits
 * (module parameters map_cache_entries and map_cache_mib), dma-bufs named
 * by fd mapped for one call only, MAP / MEM_MAP mappings that last until
 * their unmap, pinned pages charged to the process (VmPin), and the
 * per-device counters bo_maps, pinned_pages, objects and cache_evictions.
 *
 * Expects the harness's instance cdsp0 on "cdsp", its legacy node
 * /dev/fastrpc-cdsp, /dev/dma_heap/system and debugfs. The counters and
 * parameters of the feature are required: a missing one fails the test.
 * The flat_memory loops run 10000 rounds (FASTRPC_LIFETIME_ROUNDS), but
 * stop at the first sample past 60 s (FASTRPC_LIFETIME_SECONDS) once they
 * have 2 samples: the debug kernel (KASAN, kmemleak, DMA-API debugging)
 * runs a round some 20 times slower.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <misc/fastrpc.h>

/* See fastrpc_uapi.c */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#include "kselftest_harness.h"
#include "../../../../../accel/fastrpc/fastrpc_util.h"

#define SIM_INST	"cdsp0"
#define LEGACY_NODE	"/dev/fastrpc-cdsp"
#define PAGE		4096ull
#define KiB		1024ull
#define MiB		(1024ull * 1024)
#define ROUNDS_DEFAULT	10000
#define SECONDS_DEFAULT	60
#define SAMPLE_EVERY	1000
/*
 * Rounds before the start figures: the driver's payload cache (a few
 * payload buffers per context bank and size, mapped there) fills up.
 */
#define WARMUP_ROUNDS	8

/* ------------------------------------------------------------------ */
/* Counters, parameters, /proc                                        */
/* ------------------------------------------------------------------ */

static uint64_t sim_counter(struct __test_metadata *_metadata,
			    const char *name)
{
	uint64_t v = 0;
	int ret = frpc_sim_counter(SIM_INST, name, &v);

	ASSERT_EQ(0, ret) TH_LOG("sim counter %s: %s", name, strerror(-ret));
	return v;
}

static uint64_t drv_counter(struct __test_metadata *_metadata, int fd,
			    const char *name)
{
	uint64_t v = 0;
	int ret = frpc_drv_counter(fd, name, &v);

	ASSERT_EQ(0, ret) TH_LOG("driver counter %s: %s", name, strerror(-ret));
	return v;
}

/* VmPin of this process in kB, or -1 when /proc/self/status has none */
static long vmpin_kb(void)
{
	char line[256];
	long v = -1;
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* Poll VmPin until it is @want, up to @ms: the last value */
static long wait_vmpin(long want, unsigned int ms)
{
	uint64_t end = frpc_now_us() + ms * 1000ull;
	long v;

	while ((v = vmpin_kb()) != want && frpc_now_us() < end)
		usleep(10000);
	return v;
}

/* A parameter of the driver module: 0 or -errno */
static int drv_param(const char *name, uint64_t *v)
{
	static const char *const mods[] = { "fastrpc_accel", "fastrpc" };
	char path[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mods); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s",
			 mods[i], name);
		if (!frpc_read_counter(path, NULL, v))
			return 0;
	}
	return -ENOENT;
}

/* What the tests watch */
struct snap {
	uint64_t bo_maps, pinned, objects, smmu, held;
	long vmpin;
};

/*
 * Pages of the simulated SMMU one payload buffer of the driver's payload
 * cache may hold (the cache keeps buffers below 64 KiB)
 */
#define PAYLOAD_PAGES_MAX	16

static void take(struct __test_metadata *_metadata, int fd, struct snap *s)
{
	s->bo_maps = drv_counter(_metadata, fd, "bo_maps");
	s->pinned = drv_counter(_metadata, fd, "pinned_pages");
	s->objects = drv_counter(_metadata, fd, "objects");
	s->smmu = sim_counter(_metadata, "smmu_pages");
	s->held = drv_counter(_metadata, fd, "payload_cache_held");
	s->vmpin = vmpin_kb();
	ASSERT_LE(0, s->vmpin) TH_LOG("no VmPin in /proc/self/status");
}

/*
 * Equal, but for the SMMU pages of payload buffers the driver's payload
 * cache took or gave back in between (a bounded cache, not a leak)
 */
static int snap_eq(const struct snap *a, const struct snap *b)
{
	uint64_t dheld = a->held > b->held ? a->held - b->held :
					     b->held - a->held;
	uint64_t dsmmu = a->smmu > b->smmu ? a->smmu - b->smmu :
					     b->smmu - a->smmu;

	return a->bo_maps == b->bo_maps && a->pinned == b->pinned &&
	       a->objects == b->objects && a->vmpin == b->vmpin &&
	       dsmmu <= dheld * PAYLOAD_PAGES_MAX;
}

static void print_snap(const char *what, const struct snap *s)
{
	ksft_print_msg("%-14s bo_maps %llu pinned %llu objs %llu smmu %llu VmPin %ld held %llu\n",
		       what, (unsigned long long)s->bo_maps,
		       (unsigned long long)s->pinned,
		       (unsigned long long)s->objects,
		       (unsigned long long)s->smmu, s->vmpin,
		       (unsigned long long)s->held);
}

/*
 * Take a snapshot until it equals @want, for up to @ms (what a release
 * frees a little later): 1 when it does, 0 (and the last one in @s)
 * otherwise.
 */
static int settle_to(struct __test_metadata *_metadata, int fd,
		     const struct snap *want, struct snap *s, unsigned int ms)
{
	uint64_t end = frpc_now_us() + ms * 1000ull;

	for (;;) {
		take(_metadata, fd, s);
		if (snap_eq(s, want))
			return 1;
		if (frpc_now_us() > end)
			return 0;
		usleep(10000);
	}
}

/*
 * Let what earlier tests released go away before taking baselines: until
 * no call is in flight and the mapped pages stop changing, up to 3 s.
 */
static void settle(int fd)
{
	uint64_t end = frpc_now_us() + 3000000, a, prev = ~0ull;

	for (;;) {
		int quiet = 1;

		if (!frpc_drv_counter(fd, "in_flight", &a) && a)
			quiet = 0;
		if (!frpc_sim_counter(SIM_INST, "smmu_pages", &a)) {
			if (a != prev)
				quiet = 0;
			prev = a;
		}
		if (quiet || frpc_now_us() > end)
			return;
		usleep(50000);
	}
}

static unsigned int env_uint(const char *name, unsigned int def)
{
	const char *s = getenv(name);
	long n = s ? strtol(s, NULL, 0) : 0;

	return n > 0 ? (unsigned int)n : def;
}

/* Index of the first byte of @buf that is not @c, or -1 */
static ssize_t check_bytes(const uint8_t *buf, size_t len, uint8_t c)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != c)
			return i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* dma-bufs                                                           */
/* ------------------------------------------------------------------ */

/*
 * Whether the dma-buf of inode @ino is listed in /sys/kernel/debug/
 * dma_buf/bufinfo ("size flags mode count exp_name ino name" lines):
 * 1, 0, or -errno.
 */
static int dmabuf_exists(unsigned long ino)
{
	char line[512];
	int found = 0;
	FILE *f;

	f = fopen(FRPC_DEBUGFS "/dma_buf/bufinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long size, flags, mode, count, i;
		char exp[128];

		if (sscanf(line, "%lu %lx %lx %lu %127s %lu", &size, &flags,
			   &mode, &count, exp, &i) == 6 && i == ino) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

static int have_heap(void)
{
	return access("/dev/dma_heap/system", F_OK) == 0;
}

static int have_legacy(void)
{
	return access(LEGACY_NODE, F_OK) == 0;
}

static unsigned long fd_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

/* Poll until the dma-buf of @ino is gone, up to @ms: 1 gone, 0 not */
static int dmabuf_gone(unsigned long ino, unsigned int ms)
{
	uint64_t end = frpc_now_us() + ms * 1000ull;

	while (dmabuf_exists(ino) > 0) {
		if (frpc_now_us() > end)
			return 0;
		usleep(10000);
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Accel face                                                         */
/* ------------------------------------------------------------------ */

static int echo_args(int fd, uint32_t simtest, struct drm_fastrpc_arg in,
		     struct drm_fastrpc_arg out)
{
	return frpc_invoke_args(fd, simtest, FRPC_SIMTEST_ECHO, &in, 1, &out,
				1, 0, NULL);
}

/* simtest echo of [0, @len) of GEM object @h into @out */
static int echo_gem(int fd, uint32_t simtest, uint32_t h, void *out,
		    uint64_t len)
{
	return echo_args(fd, simtest, frpc_arg_gem(h, 0, len),
			 frpc_arg_inline(out, len));
}

static int sim_read_at(int fd, uint32_t simtest, uint64_t addr, void *buf,
		       uint64_t len)
{
	struct frpc_sim_read_at r = { .dsp_addr = addr, .len = len };
	struct drm_fastrpc_arg in = frpc_arg_inline(&r, sizeof(r));
	struct drm_fastrpc_arg out = frpc_arg_inline(buf, len);

	return frpc_invoke_args(fd, simtest, FRPC_SIMTEST_READ_AT, &in, 1,
				&out, 1, 0, NULL);
}

/* ------------------------------------------------------------------ */
/* Legacy face                                                        */
/* ------------------------------------------------------------------ */

/* simtest echo of the dma-buf @bfd mapped at @p into @out */
static int legacy_echo_fd(int fd, uint32_t simtest, int bfd, void *p,
			  void *out, uint64_t len)
{
	struct fastrpc_invoke_args a[2];

	frpc_legacy_arg(&a[0], p, len, bfd);
	frpc_legacy_arg(&a[1], out, len, -1);
	return frpc_legacy_invoke(fd, simtest, FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1), a);
}

/* ------------------------------------------------------------------ */
/* Fixture: a cdsp file with a dynamic PD and simtest open            */
/* ------------------------------------------------------------------ */

FIXTURE(cdsp) {
	int fd;
	uint32_t simtest;
};

FIXTURE_SETUP(cdsp)
{
	int ret;

	self->fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	if (self->fd == -ENOENT)
		SKIP(return, "no cdsp device in " FRPC_ACCEL_DIR);
	ASSERT_LE(0, self->fd) TH_LOG("open cdsp: %s", strerror(-self->fd));
	ret = frpc_process_init(self->fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				DRM_FASTRPC_PROCESS_UNSIGNED);
	ASSERT_EQ(0, ret) TH_LOG("process init: %s", strerror(-ret));
	ret = frpc_module_open(self->fd, FRPC_SIMTEST_URI, &self->simtest);
	ASSERT_EQ(0, ret) TH_LOG("open simtest: %s", strerror(-ret));
	settle(self->fd);
}

FIXTURE_TEARDOWN(cdsp)
{
	frpc_sim_knob(SIM_INST, "delay_ms", 0);
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * The loop of the flat_memory tests: @round(i) makes, uses and frees one
 * buffer; every SAMPLE_EVERY rounds the snapshot must equal the one after
 * the first SAMPLE_EVERY rounds, and at the end the one before the loop.
 * Prints the figures and the time taken. WARMUP_ROUNDS rounds come first.
 */
typedef int (*round_fn)(void *ctx, unsigned int i);

static void flat_loop(struct __test_metadata *_metadata, int fd,
		      const char *what, round_fn round, void *ctx)
{
	unsigned int i, n = env_uint("FASTRPC_LIFETIME_ROUNDS", ROUNDS_DEFAULT);
	uint64_t budget = env_uint("FASTRPC_LIFETIME_SECONDS", SECONDS_DEFAULT);
	struct snap start, ref, s;
	uint64_t t0, t;
	int ret, flat = 1;

	take(_metadata, fd, &s);
	print_snap("before warm-up", &s);
	for (i = 0; i < WARMUP_ROUNDS; i++) {
		ret = round(ctx, n + i);
		ASSERT_EQ(0, ret) TH_LOG("%s: warm-up %u: %s", what, i,
					 strerror(-ret));
	}
	settle(fd);
	take(_metadata, fd, &start);
	print_snap("start", &start);
	ref = start;
	t0 = frpc_now_us();
	for (i = 0; i < n; i++) {
		ret = round(ctx, i);
		ASSERT_EQ(0, ret) TH_LOG("%s: round %u: %s", what, i,
					 strerror(-ret));
		if ((i + 1) % SAMPLE_EVERY && i + 1 != n)
			continue;
		take(_metadata, fd, &s);
		if (i + 1 == SAMPLE_EVERY || (n < SAMPLE_EVERY && i + 1 == n))
			ref = s;
		{
			char label[40];

			snprintf(label, sizeof(label), "round %u", i + 1);
			print_snap(label, &s);
		}
		if (!snap_eq(&s, &ref)) {
			/* What is freed a little later may lag */
			if (settle_to(_metadata, fd, &ref, &s, 1000)) {
				ksft_print_msg("  (equal again after a wait)\n");
			} else {
				flat = 0;
				print_snap("  but the reference is", &ref);
			}
		}
		if (i + 1 >= 2 * SAMPLE_EVERY && i + 1 < n &&
		    frpc_now_us() - t0 > budget * 1000000) {
			ksft_print_msg("%s: stopped after %u rounds (%llu s budget)\n",
				       what, i + 1, (unsigned long long)budget);
			n = i + 1;
			break;
		}
	}
	t = frpc_now_us() - t0;
	ksft_print_msg("%s: %u rounds in %llu.%03llu s (%llu us a round)\n",
		       what, n, (unsigned long long)(t / 1000000),
		       (unsigned long long)(t / 1000 % 1000),
		       (unsigned long long)(t / n));
	EXPECT_TRUE(flat) TH_LOG("%s: the figures grew with the rounds", what);
	ret = settle_to(_metadata, fd, &start, &s, 2000);
	print_snap("end", &s);
	EXPECT_TRUE(ret) TH_LOG("%s: the end differs from the start", what);
	EXPECT_EQ(start.bo_maps, s.bo_maps);
	EXPECT_EQ(start.pinned, s.pinned);
	EXPECT_EQ(start.objects, s.objects);
	EXPECT_EQ(start.vmpin, s.vmpin);
}

/* ------------------------------------------------------------------ */
/* flat_memory_accel: GEM_CREATE, INVOKE, GEM_CLOSE                   */
/* ------------------------------------------------------------------ */

struct accel_round {
	int fd;
	uint32_t simtest;
	uint8_t out[PAGE];
};

static int accel_gem_round(void *p, unsigned int i)
{
	struct accel_round *r = p;
	uint32_t h;
	int ret;

	ret = frpc_gem_create(r->fd, PAGE, &h);
	if (ret)
		return ret;
	memset(r->out, 0xa5, sizeof(r->out));
	ret = echo_gem(r->fd, r->simtest, h, r->out, PAGE);
	/* A new object is zeroed: the DSP read it */
	if (!ret && check_bytes(r->out, PAGE, 0) >= 0)
		ret = -EIO;
	if (frpc_gem_close(r->fd, h) && !ret)
		ret = -EBADF;
	return ret;
}

TEST_F_TIMEOUT(cdsp, flat_memory_accel, 280)
{
	struct accel_round r = { .fd = self->fd, .simtest = self->simtest };

	flat_loop(_metadata, self->fd, "accel GEM", accel_gem_round, &r);
}

/* ------------------------------------------------------------------ */
/* flat_memory_legacy: dma-buf, INVOKE with its fd, close             */
/* ------------------------------------------------------------------ */

struct legacy_round {
	int lfd, heap;
	uint32_t simtest;
	unsigned int heap_rounds, alloc_rounds;
	uint8_t out[PAGE];
};

/* Even rounds a dma-heap buffer, odd ones one of ALLOC_DMA_BUFF */
static int legacy_round(void *p, unsigned int i)
{
	struct legacy_round *r = p;
	int bfd, ret;
	void *map;

	if (r->heap && !(i & 1)) {
		bfd = frpc_dma_heap_alloc("system", PAGE);
		r->heap_rounds++;
	} else {
		bfd = frpc_legacy_alloc(r->lfd, PAGE);
		r->alloc_rounds++;
	}
	if (bfd < 0)
		return bfd;
	map = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, bfd, 0);
	if (map == MAP_FAILED) {
		ret = -errno;
		close(bfd);
		return ret;
	}
	memset(map, (uint8_t)i, PAGE);
	memset(r->out, ~(uint8_t)i, sizeof(r->out));
	ret = legacy_echo_fd(r->lfd, r->simtest, bfd, map, r->out, PAGE);
	if (!ret && check_bytes(r->out, PAGE, (uint8_t)i) >= 0)
		ret = -EIO;
	munmap(map, PAGE);
	close(bfd);
	return ret;
}

struct dmabuf_round {
	int fd;
	uint32_t simtest;
	uint8_t out[PAGE];
};

/* A dma-heap buffer as an accel DRM_FASTRPC_BUF_DMABUF argument */
static int accel_dmabuf_round(void *p, unsigned int i)
{
	struct dmabuf_round *r = p;
	int bfd, ret;

	bfd = frpc_dma_heap_alloc("system", PAGE);
	if (bfd < 0)
		return bfd;
	memset(r->out, 0xa5, sizeof(r->out));
	ret = echo_args(r->fd, r->simtest, frpc_arg_dmabuf(bfd, 0, PAGE),
			frpc_arg_inline(r->out, PAGE));
	if (!ret && check_bytes(r->out, PAGE, 0) >= 0)
		ret = -EIO;
	close(bfd);
	return ret;
}

TEST_F_TIMEOUT(cdsp, flat_memory_legacy, 280)
{
	struct legacy_round *lr;
	struct dmabuf_round *dr;

	lr = calloc(1, sizeof(*lr));
	dr = calloc(1, sizeof(*dr));
	ASSERT_NE(NULL, lr);
	ASSERT_NE(NULL, dr);
	lr->heap = have_heap();
	if (!lr->heap)
		ksft_print_msg("no /dev/dma_heap/system: legacy rounds use ALLOC_DMA_BUFF only\n");

	if (!have_legacy())
		SKIP(return, LEGACY_NODE " does not exist");
	lr->lfd = frpc_legacy_open_simtest(LEGACY_NODE, &lr->simtest);
	ASSERT_LE(0, lr->lfd) TH_LOG("legacy open: %s", strerror(-lr->lfd));
	flat_loop(_metadata, self->fd, "legacy fd", legacy_round, lr);
	ksft_print_msg("legacy fd: %u dma-heap and %u ALLOC_DMA_BUFF buffers\n",
		       lr->heap_rounds, lr->alloc_rounds);
	close(lr->lfd);

	if (lr->heap) {
		dr->fd = self->fd;
		dr->simtest = self->simtest;
		flat_loop(_metadata, self->fd, "accel DMABUF",
			  accel_dmabuf_round, dr);
	}
	free(dr);
	if (!lr->heap) {
		free(lr);
		SKIP(return, "no /dev/dma_heap/system for the accel DMABUF rounds");
	}
	free(lr);
}

/* ------------------------------------------------------------------ */
/* dmabuf_released: the driver keeps no dma-buf past its use          */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, dmabuf_released)
{
	uint64_t objs;
	uint8_t out[PAGE];
	unsigned long ino;
	uint32_t h, lst;
	void *map;
	int bfd, lfd, ret;

	if (!have_heap())
		SKIP(return, "no /dev/dma_heap/system");
	bfd = frpc_dma_heap_alloc("system", PAGE);
	ASSERT_LE(0, bfd) TH_LOG("heap alloc: %s", strerror(-bfd));
	ino = fd_ino(bfd);
	ret = dmabuf_exists(ino);
	ASSERT_EQ(1, ret) TH_LOG("dma-buf ino %lu not in " FRPC_DEBUGFS
				 "/dma_buf/bufinfo (%s)", ino,
				 ret < 0 ? strerror(-ret) : "not listed");

	/* By fd in an accel call, then closed */
	ret = echo_args(self->fd, self->simtest, frpc_arg_dmabuf(bfd, 0, PAGE),
			frpc_arg_inline(out, PAGE));
	ASSERT_EQ(0, ret) TH_LOG("call with the dma-buf: %s", strerror(-ret));
	close(bfd);
	EXPECT_TRUE(dmabuf_gone(ino, 1000))
		TH_LOG("accel DMABUF argument: dma-buf still alive after close");

	/* Imported by PRIME, used, handle closed, then fd closed */
	bfd = frpc_dma_heap_alloc("system", PAGE);
	ASSERT_LE(0, bfd) TH_LOG("heap alloc: %s", strerror(-bfd));
	ino = fd_ino(bfd);
	ASSERT_EQ(0, frpc_prime_import(self->fd, bfd, &h));
	ASSERT_EQ(0, echo_gem(self->fd, self->simtest, h, out, PAGE));
	ASSERT_EQ(0, frpc_gem_close(self->fd, h));
	close(bfd);
	EXPECT_TRUE(dmabuf_gone(ino, 1000))
		TH_LOG("PRIME import: dma-buf still alive after close");

	/* The other order: the import keeps it until its handle goes */
	bfd = frpc_dma_heap_alloc("system", PAGE);
	ASSERT_LE(0, bfd) TH_LOG("heap alloc: %s", strerror(-bfd));
	ino = fd_ino(bfd);
	objs = drv_counter(_metadata, self->fd, "objects");
	ASSERT_EQ(0, frpc_prime_import(self->fd, bfd, &h));
	EXPECT_EQ(objs + 1, drv_counter(_metadata, self->fd, "objects"))
		TH_LOG("an import is not counted in objects");
	close(bfd);
	ASSERT_EQ(0, echo_gem(self->fd, self->simtest, h, out, PAGE));
	EXPECT_EQ(1, dmabuf_exists(ino))
		TH_LOG("the import does not hold its dma-buf");
	ASSERT_EQ(0, frpc_gem_close(self->fd, h));
	EXPECT_TRUE(dmabuf_gone(ino, 1000))
		TH_LOG("PRIME import: dma-buf still alive after GEM_CLOSE");
	EXPECT_EQ(objs, drv_counter(_metadata, self->fd, "objects"));

	/* By fd in a legacy call, then closed */
	lfd = frpc_legacy_open_simtest(LEGACY_NODE, &lst);
	if (lfd < 0) {
		ksft_print_msg("no legacy file (%s): legacy part skipped\n",
			       strerror(-lfd));
		return;
	}
	bfd = frpc_dma_heap_alloc("system", PAGE);
	ASSERT_LE(0, bfd) TH_LOG("heap alloc: %s", strerror(-bfd));
	ino = fd_ino(bfd);
	map = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, bfd, 0);
	ASSERT_NE(MAP_FAILED, map);
	ret = legacy_echo_fd(lfd, lst, bfd, map, out, PAGE);
	EXPECT_EQ(0, ret) TH_LOG("legacy call: %s", strerror(-ret));
	munmap(map, PAGE);
	close(bfd);
	EXPECT_TRUE(dmabuf_gone(ino, 1000))
		TH_LOG("legacy fd argument: dma-buf still alive after close");
	close(lfd);
}

/*
 * A caller killed during a call with a dma-buf named by fd. With @shared,
 * its file lives on in this process: the call is abandoned, and its buffer
 * stays alive and mapped until the DSP answers (the DSP may still use it),
 * then goes. Without, the file and its process on the DSP go with the
 * caller, and so do the call, its mapping and the buffer.
 */
static void killed_caller(struct __test_metadata *_metadata, int self_fd,
			  int shared)
{
	uint64_t bo0, in0, m0, end;
	int bfd, pfd = -1, sync[2], go[2], status;
	uint32_t pst = 0;
	unsigned long ino;
	uint8_t tok = 0;
	pid_t pid;

	bfd = frpc_dma_heap_alloc("system", PAGE);
	ASSERT_LE(0, bfd) TH_LOG("heap alloc: %s", strerror(-bfd));
	ino = fd_ino(bfd);
	if (shared) {
		pfd = frpc_open_simtest("cdsp", &pst);
		ASSERT_LE(0, pfd) TH_LOG("second file: %s", strerror(-pfd));
	}
	bo0 = drv_counter(_metadata, self_fd, "bo_maps");
	in0 = drv_counter(_metadata, self_fd, "in_flight");
	ASSERT_EQ(0, pipe(sync));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		uint8_t out[PAGE];
		uint32_t st = pst;
		int fd = pfd;

		close(sync[0]);
		close(go[1]);
		if (!shared)
			fd = frpc_open_simtest("cdsp", &st);
		if (fd < 0)
			_exit(10);
		if (write(sync[1], &tok, 1) != 1 || read(go[0], &tok, 1) != 1)
			_exit(11);
		echo_args(fd, st, frpc_arg_dmabuf(bfd, 0, PAGE),
			  frpc_arg_inline(out, PAGE));
		_exit(12);
	}
	close(sync[1]);
	close(go[0]);
	/* Only the child's descriptor is left */
	close(bfd);
	ASSERT_EQ(1, read(sync[0], &tok, 1)) TH_LOG("child setup failed");
	close(sync[0]);
	m0 = sim_counter(_metadata, "messages");
	ASSERT_EQ(0, frpc_sim_knob(SIM_INST, "delay_ms", 2000));
	ASSERT_EQ(1, write(go[1], &tok, 1));
	close(go[1]);
	end = frpc_now_us() + 2000000;
	while (sim_counter(_metadata, "messages") <= m0 && frpc_now_us() < end)
		usleep(5000);
	usleep(100000);
	EXPECT_EQ(bo0 + 1, drv_counter(_metadata, self_fd, "bo_maps"));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	usleep(200000);

	if (shared) {
		/* Abandoned, still at the DSP: mapped, so alive */
		EXPECT_EQ(in0 + 1, drv_counter(_metadata, self_fd, "in_flight"))
			TH_LOG("the abandoned call is not in flight");
		EXPECT_EQ(bo0 + 1, drv_counter(_metadata, self_fd, "bo_maps"));
		EXPECT_EQ(1, dmabuf_exists(ino))
			TH_LOG("the dma-buf of an unanswered call was released");
	}

	/* Answered (or its process gone): unmapped and released */
	end = frpc_now_us() + 6000000;
	while (drv_counter(_metadata, self_fd, "in_flight") > in0 &&
	       frpc_now_us() < end)
		usleep(20000);
	frpc_sim_knob(SIM_INST, "delay_ms", 0);
	EXPECT_EQ(in0, drv_counter(_metadata, self_fd, "in_flight"));
	end = frpc_now_us() + 2000000;
	while (drv_counter(_metadata, self_fd, "bo_maps") > bo0 &&
	       frpc_now_us() < end)
		usleep(20000);
	EXPECT_EQ(bo0, drv_counter(_metadata, self_fd, "bo_maps"));
	EXPECT_TRUE(dmabuf_gone(ino, 2000))
		TH_LOG("the dma-buf outlived its call");
	if (pfd >= 0)
		close(pfd);
}

TEST_F_TIMEOUT(cdsp, killed_caller_keeps_dmabuf, 60)
{
	if (!have_heap())
		SKIP(return, "no /dev/dma_heap/system");
	killed_caller(_metadata, self->fd, 1);
	killed_caller(_metadata, self->fd, 0);
}

/* ------------------------------------------------------------------ */
/* lru_eviction                                                       */
/* ------------------------------------------------------------------ */

TEST_F_TIMEOUT(cdsp, lru_eviction, 120)
{
	uint64_t entries, mib, bo0, ev0, pin0, v, max = 0, big;
	uint8_t out[PAGE], *map;
	unsigned int i, n;
	uint32_t *h, hb[3];
	int ret;

	ret = drv_param("map_cache_entries", &entries);
	ASSERT_EQ(0, ret) TH_LOG("no module parameter map_cache_entries");
	ret = drv_param("map_cache_mib", &mib);
	ASSERT_EQ(0, ret) TH_LOG("no module parameter map_cache_mib");
	ksft_print_msg("map_cache_entries %llu, map_cache_mib %llu\n",
		       (unsigned long long)entries, (unsigned long long)mib);
	ASSERT_LT(0u, entries);
	ASSERT_GE(4096u, entries) TH_LOG("map_cache_entries too large to test");
	n = entries + 8;
	h = calloc(n, sizeof(*h));
	ASSERT_NE(NULL, h);

	bo0 = drv_counter(_metadata, self->fd, "bo_maps");
	pin0 = drv_counter(_metadata, self->fd, "pinned_pages");
	ev0 = drv_counter(_metadata, self->fd, "cache_evictions");
	for (i = 0; i < n; i++) {
		ret = frpc_gem_create(self->fd, PAGE, &h[i]);
		ASSERT_EQ(0, ret) TH_LOG("create %u: %s", i, strerror(-ret));
	}
	ASSERT_EQ(0, frpc_gem_mmap(self->fd, h[0], PAGE, (void **)&map));
	memset(map, 0x5a, PAGE);

	for (i = 0; i < n; i++) {
		ret = echo_gem(self->fd, self->simtest, h[i], out, PAGE);
		ASSERT_EQ(0, ret) TH_LOG("call %u: %s", i, strerror(-ret));
		v = drv_counter(_metadata, self->fd, "bo_maps") - bo0;
		if (v > max)
			max = v;
		EXPECT_GE(entries, v) TH_LOG("after %u objects: %llu mappings",
					     i + 1, (unsigned long long)v);
		v = drv_counter(_metadata, self->fd, "pinned_pages") - pin0;
		EXPECT_GE(entries, v) TH_LOG("after %u objects: %llu pages",
					     i + 1, (unsigned long long)v);
	}
	v = drv_counter(_metadata, self->fd, "cache_evictions") - ev0;
	ksft_print_msg("%u objects used: at most %llu mapped, %llu evictions\n",
		       n, (unsigned long long)max, (unsigned long long)v);
	EXPECT_LE(8u, v);
	/* The cache is full: the last ones are all kept */
	EXPECT_EQ(entries, drv_counter(_metadata, self->fd, "bo_maps") - bo0);

	/* The most recent one is cached: no new mapping, no eviction */
	ev0 = drv_counter(_metadata, self->fd, "cache_evictions");
	ASSERT_EQ(0, echo_gem(self->fd, self->simtest, h[n - 1], out, PAGE));
	EXPECT_EQ(ev0, drv_counter(_metadata, self->fd, "cache_evictions"));

	/* The first one was evicted: mapped again, it still works */
	memset(out, 0, sizeof(out));
	ret = echo_gem(self->fd, self->simtest, h[0], out, PAGE);
	ASSERT_EQ(0, ret) TH_LOG("first object again: %s", strerror(-ret));
	EXPECT_EQ(-1, check_bytes(out, PAGE, 0x5a));
	EXPECT_EQ(ev0 + 1, drv_counter(_metadata, self->fd, "cache_evictions"));
	EXPECT_EQ(entries, drv_counter(_metadata, self->fd, "bo_maps") - bo0);
	munmap(map, PAGE);

	/* Closing the handles drops their entries */
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, frpc_gem_close(self->fd, h[i]));
	free(h);
	EXPECT_EQ(bo0, drv_counter(_metadata, self->fd, "bo_maps"));
	EXPECT_EQ(pin0, drv_counter(_metadata, self->fd, "pinned_pages"));

	/* The size limit: two objects of more than half of it */
	if (!mib || mib > 256) {
		ksft_print_msg("map_cache_mib %llu: size limit not tested\n",
			       (unsigned long long)mib);
		return;
	}
	big = mib * MiB / 2 + PAGE;
	ev0 = drv_counter(_metadata, self->fd, "cache_evictions");
	for (i = 0; i < 2; i++) {
		ret = frpc_gem_create(self->fd, big, &hb[i]);
		ASSERT_EQ(0, ret) TH_LOG("create %llu bytes: %s",
					 (unsigned long long)big,
					 strerror(-ret));
		ret = echo_gem(self->fd, self->simtest, hb[i], out, PAGE);
		ASSERT_EQ(0, ret) TH_LOG("call %u: %s", i, strerror(-ret));
		EXPECT_EQ(1u, drv_counter(_metadata, self->fd, "bo_maps") - bo0)
			TH_LOG("%u objects of %llu MiB + 4 KiB each", i + 1,
			       (unsigned long long)mib / 2);
		EXPECT_EQ(big / PAGE,
			  drv_counter(_metadata, self->fd, "pinned_pages") -
			  pin0);
	}
	EXPECT_EQ(ev0 + 1, drv_counter(_metadata, self->fd, "cache_evictions"));
	/* A smaller one fits next to the second */
	ASSERT_EQ(0, frpc_gem_create(self->fd, PAGE, &hb[2]));
	ASSERT_EQ(0, echo_gem(self->fd, self->simtest, hb[2], out, PAGE));
	EXPECT_EQ(2u, drv_counter(_metadata, self->fd, "bo_maps") - bo0);
	EXPECT_EQ(ev0 + 1, drv_counter(_metadata, self->fd, "cache_evictions"));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, frpc_gem_close(self->fd, hb[i]));
	EXPECT_EQ(bo0, drv_counter(_metadata, self->fd, "bo_maps"));
	EXPECT_EQ(pin0, drv_counter(_metadata, self->fd, "pinned_pages"));
}

/* ------------------------------------------------------------------ */
/* map_keeps: MAP'ed buffers outlive their handle until UNMAP         */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, map_keeps)
{
	const uint64_t size = 64 * KiB;
	struct fastrpc_mem_unmap mu;
	struct fastrpc_mem_map mm;
	struct snap s0, s1, s;
	uint64_t addr, objs;
	uint8_t *map, rd[PAGE];
	uint32_t h, lst;
	int lfd, bfd, ret;

	take(_metadata, self->fd, &s0);
	ASSERT_EQ(0, frpc_gem_create(self->fd, size, &h));
	ASSERT_EQ(0, frpc_gem_mmap(self->fd, h, size, (void **)&map));
	memset(map, 0x3c, size);
	EXPECT_EQ(s0.objects + 1, drv_counter(_metadata, self->fd, "objects"));
	ret = frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, h, 0, size, &addr);
	ASSERT_EQ(0, ret) TH_LOG("MAP: %s", strerror(-ret));
	take(_metadata, self->fd, &s1);
	EXPECT_EQ(s0.bo_maps + 1, s1.bo_maps);
	EXPECT_EQ(s0.pinned + size / PAGE, s1.pinned);
	EXPECT_LE(s0.smmu + size / PAGE, s1.smmu);
	EXPECT_EQ(s0.vmpin + (long)(size / KiB), s1.vmpin);

	/* The handle and the CPU mapping go: the DSP mapping stays */
	munmap(map, size);
	ASSERT_EQ(0, frpc_gem_close(self->fd, h));
	take(_metadata, self->fd, &s);
	EXPECT_TRUE(snap_eq(&s, &s1)) {
		print_snap("mapped", &s1);
		print_snap("handle closed", &s);
	}
	memset(rd, 0, sizeof(rd));
	ret = sim_read_at(self->fd, self->simtest, addr + size - PAGE, rd,
			  PAGE);
	EXPECT_EQ(0, ret) TH_LOG("read_at: %s", strerror(-ret));
	EXPECT_EQ(-1, check_bytes(rd, PAGE, 0x3c));

	/*
	 * UNMAP: everything goes, the object too. The payload cache may
	 * have grown with the read_at: the SMMU is compared with just before.
	 */
	take(_metadata, self->fd, &s1);
	ASSERT_EQ(0, frpc_unmap(self->fd, addr));
	EXPECT_EQ(-ENOENT, frpc_unmap(self->fd, addr));
	s0.smmu = s1.smmu - size / PAGE;
	EXPECT_TRUE(settle_to(_metadata, self->fd, &s0, &s, 1000)) {
		print_snap("want", &s0);
		print_snap("after UNMAP", &s);
	}

	/* Legacy MEM_MAP of a dma-buf, fd closed, until MEM_UNMAP */
	if (!have_legacy())
		SKIP(return, LEGACY_NODE " does not exist");
	lfd = frpc_legacy_open_simtest(LEGACY_NODE, &lst);
	ASSERT_LE(0, lfd) TH_LOG("legacy open: %s", strerror(-lfd));
	settle(self->fd);
	take(_metadata, self->fd, &s0);
	bfd = frpc_legacy_alloc(lfd, size);
	ASSERT_LE(0, bfd) TH_LOG("ALLOC_DMA_BUFF: %s", strerror(-bfd));
	objs = drv_counter(_metadata, self->fd, "objects");
	EXPECT_EQ(s0.objects + 1, objs);
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, bfd, 0);
	ASSERT_NE(MAP_FAILED, map);
	memset(map, 0xc3, size);
	memset(&mm, 0, sizeof(mm));
	mm.fd = bfd;
	mm.flags = FASTRPC_MAP_FD;
	mm.vaddrin = (uintptr_t)map;
	mm.length = size;
	ASSERT_EQ(0, ioctl(lfd, FASTRPC_IOCTL_MEM_MAP, &mm))
		TH_LOG("MEM_MAP: %s", strerror(errno));
	take(_metadata, self->fd, &s1);
	EXPECT_EQ(s0.bo_maps + 1, s1.bo_maps);
	EXPECT_EQ(s0.pinned + size / PAGE, s1.pinned);
	EXPECT_EQ(s0.vmpin + (long)(size / KiB), s1.vmpin);
	munmap(map, size);
	close(bfd);
	take(_metadata, self->fd, &s);
	EXPECT_TRUE(snap_eq(&s, &s1)) {
		print_snap("MEM_MAP'ed", &s1);
		print_snap("fd closed", &s);
	}
	{
		struct fastrpc_invoke_args a[2];
		struct frpc_sim_read_at r = {
			.dsp_addr = mm.vaddrout, .len = PAGE,
		};

		memset(rd, 0, sizeof(rd));
		frpc_legacy_arg(&a[0], &r, sizeof(r), -1);
		frpc_legacy_arg(&a[1], rd, PAGE, -1);
		ret = frpc_legacy_invoke(lfd, lst,
					 FRPC_SC(FRPC_SIMTEST_READ_AT, 1, 1), a);
		EXPECT_EQ(0, ret) TH_LOG("legacy read_at: %s", strerror(-ret));
		EXPECT_EQ(-1, check_bytes(rd, PAGE, 0xc3));
	}
	memset(&mu, 0, sizeof(mu));
	mu.fd = bfd;
	mu.vaddr = mm.vaddrout;
	mu.length = size;
	take(_metadata, self->fd, &s1);
	EXPECT_EQ(0, ioctl(lfd, FASTRPC_IOCTL_MEM_UNMAP, &mu))
		TH_LOG("MEM_UNMAP: %s", strerror(errno));
	s0.smmu = s1.smmu - size / PAGE;
	EXPECT_TRUE(settle_to(_metadata, self->fd, &s0, &s, 1000)) {
		print_snap("want", &s0);
		print_snap("after MEM_UNMAP", &s);
	}
	close(lfd);
}

/* ------------------------------------------------------------------ */
/* dmabuf_call_only: a dma-buf by fd is mapped for its call only,     */
/* unless MAP'ed, and then the call reuses that mapping               */
/* ------------------------------------------------------------------ */

struct slow_call {
	pthread_t th;
	int fd, legacy, ret, done;
	uint32_t handle;
	struct drm_fastrpc_arg in, out;
	struct fastrpc_invoke_args largs[2];
};

static void *slow_call_fn(void *p)
{
	struct slow_call *c = p;

	if (c->legacy)
		c->ret = frpc_legacy_invoke(c->fd, c->handle,
					    FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1),
					    c->largs);
	else
		c->ret = echo_args(c->fd, c->handle, c->in, c->out);
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Run @c with the simulator's replies delayed by @ms: @during gets the
 * bo_maps while the DSP holds the call, @after once it returned.
 */
static void slow_bo_maps(struct __test_metadata *_metadata, int fd,
			 struct slow_call *c, unsigned int ms,
			 uint64_t *during, uint64_t *after)
{
	uint64_t m0 = sim_counter(_metadata, "messages"), end, v;

	ASSERT_EQ(0, frpc_sim_knob(SIM_INST, "delay_ms", ms));
	c->done = 0;
	ASSERT_EQ(0, pthread_create(&c->th, NULL, slow_call_fn, c));
	end = frpc_now_us() + 2000000;
	while (frpc_sim_counter(SIM_INST, "messages", &v) || v <= m0) {
		if (frpc_now_us() > end)
			break;
		usleep(5000);
	}
	usleep(50000);
	*during = drv_counter(_metadata, fd, "bo_maps");
	EXPECT_FALSE(__atomic_load_n(&c->done, __ATOMIC_ACQUIRE))
		TH_LOG("the call was not slow: %s", strerror(-c->ret));
	pthread_join(c->th, NULL);
	frpc_sim_knob(SIM_INST, "delay_ms", 0);
	EXPECT_EQ(0, c->ret) TH_LOG("slow call: %s", strerror(-c->ret));
	*after = drv_counter(_metadata, fd, "bo_maps");
}

TEST_F(cdsp, dmabuf_call_only)
{
	const uint64_t size = 64 * KiB;
	struct fastrpc_mem_unmap mu;
	struct fastrpc_mem_map mm;
	uint64_t bo0, during, after, addr;
	uint8_t out[PAGE];
	struct slow_call c;
	uint32_t lst = 0;
	int bfd, lfd;
	void *map;

	if (!have_heap())
		SKIP(return, "no /dev/dma_heap/system");
	bfd = frpc_dma_heap_alloc("system", size);
	ASSERT_LE(0, bfd) TH_LOG("heap alloc: %s", strerror(-bfd));
	bo0 = drv_counter(_metadata, self->fd, "bo_maps");
	memset(&c, 0, sizeof(c));
	c.fd = self->fd;
	c.handle = self->simtest;
	c.in = frpc_arg_dmabuf(bfd, PAGE, PAGE);
	c.out = frpc_arg_inline(out, PAGE);

	/* By fd: mapped while the call runs, not after */
	slow_bo_maps(_metadata, self->fd, &c, 800, &during, &after);
	EXPECT_EQ(bo0 + 1, during);
	EXPECT_EQ(bo0, after) TH_LOG("the dma-buf stayed mapped after its call");

	/* MAP'ed: the call uses that mapping, which stays */
	ASSERT_EQ(0, frpc_map(self->fd, DRM_FASTRPC_BUF_DMABUF, bfd, 0, size,
			      &addr));
	EXPECT_EQ(bo0 + 1, drv_counter(_metadata, self->fd, "bo_maps"));
	slow_bo_maps(_metadata, self->fd, &c, 800, &during, &after);
	EXPECT_EQ(bo0 + 1, during) TH_LOG("the call did not reuse the MAP");
	EXPECT_EQ(bo0 + 1, after);
	ASSERT_EQ(0, frpc_unmap(self->fd, addr));
	EXPECT_EQ(bo0, drv_counter(_metadata, self->fd, "bo_maps"));

	/* The legacy face: MEM_MAP'ed, then used by fd */
	if (!have_legacy()) {
		close(bfd);
		SKIP(return, LEGACY_NODE " does not exist");
	}
	lfd = frpc_legacy_open_simtest(LEGACY_NODE, &lst);
	ASSERT_LE(0, lfd) TH_LOG("legacy open: %s", strerror(-lfd));
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, bfd, 0);
	ASSERT_NE(MAP_FAILED, map);
	memset(&c, 0, sizeof(c));
	c.fd = lfd;
	c.legacy = 1;
	c.handle = lst;
	frpc_legacy_arg(&c.largs[0], (uint8_t *)map + PAGE, PAGE, bfd);
	frpc_legacy_arg(&c.largs[1], out, PAGE, -1);
	slow_bo_maps(_metadata, self->fd, &c, 800, &during, &after);
	EXPECT_EQ(bo0 + 1, during);
	EXPECT_EQ(bo0, after) TH_LOG("legacy: the dma-buf stayed mapped");

	memset(&mm, 0, sizeof(mm));
	mm.fd = bfd;
	mm.flags = FASTRPC_MAP_FD;
	mm.vaddrin = (uintptr_t)map;
	mm.length = size;
	ASSERT_EQ(0, ioctl(lfd, FASTRPC_IOCTL_MEM_MAP, &mm))
		TH_LOG("MEM_MAP: %s", strerror(errno));
	EXPECT_EQ(bo0 + 1, drv_counter(_metadata, self->fd, "bo_maps"));
	slow_bo_maps(_metadata, self->fd, &c, 800, &during, &after);
	EXPECT_EQ(bo0 + 1, during) TH_LOG("the call did not reuse MEM_MAP's");
	EXPECT_EQ(bo0 + 1, after);
	memset(&mu, 0, sizeof(mu));
	mu.fd = bfd;
	mu.vaddr = mm.vaddrout;
	mu.length = size;
	EXPECT_EQ(0, ioctl(lfd, FASTRPC_IOCTL_MEM_UNMAP, &mu))
		TH_LOG("MEM_UNMAP: %s", strerror(errno));
	EXPECT_EQ(bo0, drv_counter(_metadata, self->fd, "bo_maps"));
	munmap(map, size);
	close(bfd);
	close(lfd);
}

/* ------------------------------------------------------------------ */
/* vmpin_charged                                                      */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, vmpin_charged)
{
	const uint64_t size = MiB;
	const long kb = size / KiB;
	uint8_t out[PAGE];
	uint64_t addr;
	long v0, v;
	uint32_t h;
	int bfd, ret;

	v0 = vmpin_kb();
	ASSERT_LE(0, v0) TH_LOG("no VmPin in /proc/self/status");
	ASSERT_EQ(0, frpc_gem_create(self->fd, size, &h));
	EXPECT_EQ(v0, vmpin_kb()) TH_LOG("charged before any mapping");

	/* Mapped for a call and cached: charged until GEM_CLOSE */
	ASSERT_EQ(0, echo_gem(self->fd, self->simtest, h, out, PAGE));
	EXPECT_EQ(v0 + kb, vmpin_kb());
	/* MAP shares the session's mapping: charged once */
	ret = frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, h, 0, size, &addr);
	ASSERT_EQ(0, ret) TH_LOG("MAP: %s", strerror(-ret));
	EXPECT_EQ(v0 + kb, vmpin_kb());
	ASSERT_EQ(0, frpc_unmap(self->fd, addr));
	EXPECT_EQ(v0 + kb, vmpin_kb()) TH_LOG("the cache entry holds it");
	ASSERT_EQ(0, frpc_gem_close(self->fd, h));
	EXPECT_EQ(v0, vmpin_kb());

	/* A dma-buf MAP'ed by fd: charged until UNMAP */
	if (!have_heap())
		SKIP(return, "no /dev/dma_heap/system");
	bfd = frpc_dma_heap_alloc("system", size);
	ASSERT_LE(0, bfd) TH_LOG("heap alloc: %s", strerror(-bfd));
	ret = frpc_map(self->fd, DRM_FASTRPC_BUF_DMABUF, bfd, 0, size, &addr);
	ASSERT_EQ(0, ret) TH_LOG("MAP dma-buf: %s", strerror(-ret));
	close(bfd);
	EXPECT_EQ(v0 + kb, vmpin_kb());
	ASSERT_EQ(0, frpc_unmap(self->fd, addr));
	EXPECT_EQ(v0, vmpin_kb());

	/* An error path charges nothing: a range past the end */
	ASSERT_EQ(0, frpc_gem_create(self->fd, size, &h));
	EXPECT_EQ(-ERANGE, echo_args(self->fd, self->simtest,
				     frpc_arg_gem(h, size - 8, 16),
				     frpc_arg_inline(out, 16)));
	EXPECT_GE(v0 + kb, vmpin_kb());
	ASSERT_EQ(0, frpc_gem_close(self->fd, h));
	EXPECT_EQ(v0, vmpin_kb());

	/* Closing the file releases all */
	ASSERT_EQ(0, frpc_gem_create(self->fd, size, &h));
	ASSERT_EQ(0, echo_gem(self->fd, self->simtest, h, out, PAGE));
	EXPECT_EQ(v0 + kb, vmpin_kb());
	close(self->fd);
	self->fd = -1;
	v = wait_vmpin(v0, 2000);
	EXPECT_EQ(v0, v);
}

TEST_HARNESS_MAIN
