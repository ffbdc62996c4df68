// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cache maintenance and implicit synchronisation of the FastRPC driver's
 * buffers (Documentation/accel/fastrpc/memory.rst):
 *
 * - a call cleans and invalidates only the pages of the ranges it names
 *   of cached objects, nothing for write-combined objects
 *   (DRM_FASTRPC_GEM_WC) or dma-bufs of other exporters; DMA_BUF_IOCTL_SYNC
 *   on an exported object syncs its DSP mappings. The driver counter
 *   synced_bytes shows the bytes handed to dma_sync_*().
 * - before the DSP gets a call the driver waits for the fences of its
 *   buffers (an input buffer for the writers, an output buffer for all),
 *   and while the call runs its own fence is in each buffer's reservation
 *   object (write for outputs, read for inputs) until the call ends.
 *
 * The other device is the simulator's fence file
 * (/sys/kernel/debug/fastrpc_sim/<name>/fence, Documentation/accel/
 * fastrpc/sim.rst): "add <fd> read|write" adds an unsignalled fence to a
 * dma-buf, "signal" signals them all, "wait <fd> <ms>" waits as a reader
 * on another device does, reading gives the number outstanding.
 *
 * Expects the harness's instance cdsp0 on "cdsp", its legacy node
 * /dev/fastrpc-cdsp, /dev/dma_heap/system and debugfs. The counters and
 * files of the feature are required: a missing one fails the test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/sync_file.h>
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

/* How long a blocked call is watched before the fence is signalled */
#define BLOCK_MS	400u
/* The simulator's reply delay that makes a call slow */
#define SLOW_MS		1500

/* ------------------------------------------------------------------ */
/* Counters and the simulator's fence file                            */
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

/* Write a command to the simulator's fence file: 0 or -errno */
static int fence_cmd(const char *fmt, ...)
{
	char path[256], cmd[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	frpc_sim_path(SIM_INST, "fence", path, sizeof(path));
	return frpc_write_str(path, cmd);
}

/* Outstanding simulator fences, or ~0 when the file cannot be read */
static uint64_t fences_outstanding(void)
{
	uint64_t v;

	return frpc_sim_counter(SIM_INST, "fence", &v) ? ~0ull : v;
}

static int have_fence_file(void)
{
	char path[256];

	frpc_sim_path(SIM_INST, "fence", path, sizeof(path));
	return access(path, R_OK | W_OK) == 0;
}

static int have_heap(void)
{
	return access("/dev/dma_heap/system", F_OK) == 0;
}

static int have_legacy(void)
{
	return access(LEGACY_NODE, F_OK) == 0;
}

/* poll() of one fd for @events: the revents, 0 on timeout, or -errno */
static int poll1(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int ret = poll(&p, 1, ms);

	if (ret < 0)
		return -errno;
	return ret ? p.revents : 0;
}

/*
 * Status of the fences a reader (@write 0) or a writer (1) of the dma-buf
 * @fd waits for, through DMA_BUF_IOCTL_EXPORT_SYNC_FILE and
 * SYNC_IOC_FILE_INFO: 1 signalled, 0 active, or -errno.
 */
static int sync_file_status(int fd, int write)
{
	struct dma_buf_export_sync_file e = {
		.flags = write ? DMA_BUF_SYNC_WRITE : DMA_BUF_SYNC_READ,
		.fd = -1,
	};
	struct sync_file_info info;
	int ret;

	if (ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &e))
		return -errno;
	memset(&info, 0, sizeof(info));
	ret = ioctl(e.fd, SYNC_IOC_FILE_INFO, &info) ? -errno : info.status;
	close(e.fd);
	return ret;
}

/*
 * DMA_BUF_IOCTL_EXPORT_SYNC_FILE for a reader (@write 0) or a writer (1):
 * the sync_file fd, or -errno. It holds the fences it has now: their
 * status, errors included, can be read after they signalled, when the
 * dma-buf's own iterators no longer show them.
 */
static int sync_file_export(int fd, int write)
{
	struct dma_buf_export_sync_file e = {
		.flags = write ? DMA_BUF_SYNC_WRITE : DMA_BUF_SYNC_READ,
		.fd = -1,
	};

	return ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &e) ? -errno : e.fd;
}

/* SYNC_IOC_FILE_INFO status: 1 signalled, 0 active, <0 error; or -errno */
static int sync_fd_status(int sfd)
{
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	return ioctl(sfd, SYNC_IOC_FILE_INFO, &info) ? -errno : info.status;
}

/* ------------------------------------------------------------------ */
/* Calls                                                              */
/* ------------------------------------------------------------------ */

/* DRM_IOCTL_FASTRPC_GEM_CREATE with @flags: 0 or -errno */
static int gem_create_flags(int fd, uint64_t size, uint32_t flags,
			    uint32_t *handle)
{
	struct drm_fastrpc_gem_create c = { .size = size, .flags = flags };

	if (ioctl(fd, DRM_IOCTL_FASTRPC_GEM_CREATE, &c))
		return -errno;
	*handle = c.handle;
	return 0;
}

static int echo_args(int fd, uint32_t simtest, struct drm_fastrpc_arg in,
		     struct drm_fastrpc_arg out, uint32_t timeout_ms)
{
	return frpc_invoke_args(fd, simtest, FRPC_SIMTEST_ECHO, &in, 1, &out,
				1, timeout_ms, NULL);
}

static int fill_args(int fd, uint32_t simtest, uint32_t *pattern,
		     struct drm_fastrpc_arg out, uint32_t timeout_ms)
{
	struct drm_fastrpc_arg in = frpc_arg_inline(pattern, sizeof(*pattern));

	return frpc_invoke_args(fd, simtest, FRPC_SIMTEST_FILL, &in, 1, &out,
				1, timeout_ms, NULL);
}

/*
 * A call run by a thread: the accel face with @in/@out, or the legacy
 * face with @largs and @sc.
 */
struct bg_call {
	pthread_t th;
	int fd, legacy;
	uint32_t handle, method, timeout_ms, sc;
	struct drm_fastrpc_arg in, out;
	struct fastrpc_invoke_args largs[2];
	int ret;
	uint64_t t0, t1;
	int done;
};

static void *bg_call_fn(void *p)
{
	struct bg_call *c = p;

	c->t0 = frpc_now_us();
	if (c->legacy)
		c->ret = frpc_legacy_invoke(c->fd, c->handle, c->sc, c->largs);
	else
		c->ret = frpc_invoke_args(c->fd, c->handle, c->method, &c->in,
					  1, &c->out, 1, c->timeout_ms, NULL);
	c->t1 = frpc_now_us();
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int bg_start(struct bg_call *c)
{
	c->done = 0;
	c->ret = -EINPROGRESS;
	return -pthread_create(&c->th, NULL, bg_call_fn, c);
}

static int bg_done(struct bg_call *c)
{
	return __atomic_load_n(&c->done, __ATOMIC_ACQUIRE);
}

/* Wait up to @ms for the call to end: 1 and joined, or 0 */
static int bg_wait(struct bg_call *c, unsigned int ms)
{
	uint64_t end = frpc_now_us() + ms * 1000ull;

	while (!bg_done(c)) {
		if (frpc_now_us() > end)
			return 0;
		usleep(5000);
	}
	pthread_join(c->th, NULL);
	return 1;
}

/* Latency of the finished call in ms */
static uint64_t bg_ms(const struct bg_call *c)
{
	return (c->t1 - c->t0) / 1000;
}

/* Wait up to @ms until sim counter @name exceeds @v: 1 or 0 */
static int sim_counter_above(const char *name, uint64_t v, unsigned int ms)
{
	uint64_t end = frpc_now_us() + ms * 1000ull, cur;

	for (;;) {
		if (!frpc_sim_counter(SIM_INST, name, &cur) && cur > v)
			return 1;
		if (frpc_now_us() > end)
			return 0;
		usleep(5000);
	}
}

/* Wait up to @ms until driver counter @name is at most @v: 1 or 0 */
static int drv_counter_at_most(int fd, const char *name, uint64_t v,
			       unsigned int ms)
{
	uint64_t end = frpc_now_us() + ms * 1000ull, cur;

	for (;;) {
		if (!frpc_drv_counter(fd, name, &cur) && cur <= v)
			return 1;
		if (frpc_now_us() > end)
			return 0;
		usleep(10000);
	}
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
	ASSERT_TRUE(have_fence_file())
		TH_LOG(FRPC_DEBUGFS "/fastrpc_sim/" SIM_INST "/fence missing");
}

FIXTURE_TEARDOWN(cdsp)
{
	/* Leave the simulator as found, whatever failed */
	frpc_sim_knob(SIM_INST, "delay_ms", 0);
	fence_cmd("signal");
	if (self->fd >= 0)
		close(self->fd);
}

/* A GEM object of @size and its dma-buf */
struct xbo {
	uint32_t handle;
	int dfd;
	uint8_t *map;
	uint64_t size;
};

static int xbo_new(int fd, uint64_t size, uint32_t flags, struct xbo *b)
{
	void *p;
	int ret;

	memset(b, 0, sizeof(*b));
	b->dfd = -1;
	ret = gem_create_flags(fd, size, flags, &b->handle);
	if (ret)
		return ret;
	b->size = size;
	ret = frpc_gem_mmap(fd, b->handle, size, &p);
	if (!ret) {
		b->map = p;
		ret = frpc_prime_export(fd, b->handle, &b->dfd);
	}
	return ret;
}

static void xbo_free(int fd, struct xbo *b)
{
	if (b->map)
		munmap(b->map, b->size);
	if (b->dfd >= 0)
		close(b->dfd);
	if (b->handle)
		frpc_gem_close(fd, b->handle);
	memset(b, 0, sizeof(*b));
	b->dfd = -1;
}

#define XBO_NEW(fd, size, flags, b) do {				\
	int __r = xbo_new(fd, size, flags, b);				\
	ASSERT_EQ(0, __r) TH_LOG("new object: %s", strerror(-__r));	\
} while (0)

/* ------------------------------------------------------------------ */
/* The simulator's fence file itself                                  */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, sim_fence_knob)
{
	struct xbo a;
	uint64_t n0;

	XBO_NEW(self->fd, PAGE, 0, &a);
	n0 = fences_outstanding();
	ASSERT_EQ(0u, n0) TH_LOG("fences outstanding before the test");

	/* No fence: a reader does not wait */
	EXPECT_EQ(0, fence_cmd("wait %d 0", a.dfd));
	EXPECT_EQ(POLLIN, poll1(a.dfd, POLLIN, 0));

	/* A read fence: readers go on, writers wait */
	ASSERT_EQ(0, fence_cmd("add %d read", a.dfd));
	EXPECT_EQ(1u, fences_outstanding());
	EXPECT_EQ(0, fence_cmd("wait %d 50", a.dfd));
	EXPECT_EQ(POLLIN, poll1(a.dfd, POLLIN, 0));
	EXPECT_EQ(0, poll1(a.dfd, POLLOUT, 50));
	EXPECT_EQ(0, sync_file_status(a.dfd, 1));
	EXPECT_EQ(1, sync_file_status(a.dfd, 0));

	/* A write fence: readers wait too */
	ASSERT_EQ(0, fence_cmd("add %d write", a.dfd));
	EXPECT_EQ(2u, fences_outstanding());
	EXPECT_EQ(-ETIMEDOUT, fence_cmd("wait %d 100", a.dfd));
	EXPECT_EQ(-ETIMEDOUT, fence_cmd("wait %d 0", a.dfd));
	EXPECT_EQ(0, poll1(a.dfd, POLLIN, 50));
	EXPECT_EQ(0, sync_file_status(a.dfd, 0));

	/* signal: all of them */
	ASSERT_EQ(0, fence_cmd("signal"));
	EXPECT_EQ(0u, fences_outstanding());
	EXPECT_EQ(0, fence_cmd("wait %d 0", a.dfd));
	EXPECT_EQ(POLLIN | POLLOUT, poll1(a.dfd, POLLIN | POLLOUT, 0));
	EXPECT_EQ(1, sync_file_status(a.dfd, 0));
	EXPECT_EQ(1, sync_file_status(a.dfd, 1));
	EXPECT_EQ(0, fence_cmd("signal"));

	/* Errors */
	EXPECT_EQ(-EBADF, fence_cmd("add 1000 write"));
	EXPECT_EQ(-EINVAL, fence_cmd("add %d readwrite", a.dfd));
	EXPECT_EQ(-EINVAL, fence_cmd("add %d", a.dfd));
	/* A file that is not a dma-buf */
	EXPECT_EQ(-EINVAL, fence_cmd("add %d write", self->fd));
	EXPECT_EQ(-EINVAL, fence_cmd("wait %d 60001", a.dfd));
	EXPECT_EQ(-EBADF, fence_cmd("wait -1 0"));
	EXPECT_EQ(-EINVAL, fence_cmd("bogus"));
	EXPECT_EQ(0u, fences_outstanding());
	xbo_free(self->fd, &a);
}

/* ------------------------------------------------------------------ */
/* Cache maintenance                                                  */
/* ------------------------------------------------------------------ */

/* @d = synced_bytes added by @call, which must succeed */
#define SYNCED_BY(d, call) do {						\
	uint64_t __s0 = drv_counter(_metadata, self->fd, "synced_bytes");\
	int __r = (call);						\
	ASSERT_EQ(0, __r) TH_LOG("%s: %s", #call, strerror(-__r));	\
	d = drv_counter(_metadata, self->fd, "synced_bytes") - __s0;	\
} while (0)

TEST_F(cdsp, range_sync)
{
	const uint64_t size = MiB;
	uint32_t pattern = 0x5eed5eed;
	uint64_t d, s0;
	uint8_t *out;
	uint32_t h = 0;

	out = malloc(size);
	ASSERT_NE(NULL, out);
	ASSERT_EQ(0, gem_create_flags(self->fd, size, 0, &h));

	/* 4 KiB at 512 KiB: one page, each way */
	SYNCED_BY(d, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(h, 512 * KiB, PAGE),
			       frpc_arg_inline(out, PAGE), 0));
	EXPECT_EQ(2 * PAGE, d);
	/* Again: the cached mapping is synced again for each call */
	SYNCED_BY(d, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(h, 512 * KiB, PAGE),
			       frpc_arg_inline(out, PAGE), 0));
	EXPECT_EQ(2 * PAGE, d);
	/* 4 KiB across a page boundary: two pages */
	SYNCED_BY(d, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(h, 512 * KiB + 2048, PAGE),
			       frpc_arg_inline(out, PAGE), 0));
	EXPECT_EQ(4 * PAGE, d);
	/* One byte */
	SYNCED_BY(d, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(h, 100, 1),
			       frpc_arg_inline(out, 1), 0));
	EXPECT_EQ(2 * PAGE, d);
	/* An output buffer */
	SYNCED_BY(d, fill_args(self->fd, self->simtest, &pattern,
			       frpc_arg_gem(h, 3 * PAGE, PAGE), 0));
	EXPECT_EQ(2 * PAGE, d);
	/* Two ranges of the object in one call */
	SYNCED_BY(d, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(h, 0, PAGE),
			       frpc_arg_gem(h, 8 * PAGE + 1, PAGE), 0));
	EXPECT_EQ(2 * PAGE + 4 * PAGE, d);
	/* The whole of it */
	SYNCED_BY(d, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(h, 0, size),
			       frpc_arg_inline(out, size), 0));
	EXPECT_EQ(2 * size, d);
	/* Inline arguments only: nothing */
	SYNCED_BY(d, echo_args(self->fd, self->simtest,
			       frpc_arg_inline(out, PAGE),
			       frpc_arg_inline(out + PAGE, PAGE), 0));
	EXPECT_EQ(0u, d);
	/* A call refused before the DSP syncs nothing */
	s0 = drv_counter(_metadata, self->fd, "synced_bytes");
	EXPECT_EQ(-ERANGE, echo_args(self->fd, self->simtest,
				     frpc_arg_gem(h, size - 8, 16),
				     frpc_arg_inline(out, 16), 0));
	EXPECT_EQ(s0, drv_counter(_metadata, self->fd, "synced_bytes"));
	EXPECT_EQ(0, frpc_gem_close(self->fd, h));
	free(out);
}

TEST_F(cdsp, wc_no_sync)
{
	uint32_t pattern = 0xabad1dea, h = 0, hc = 0, imp = 0;
	uint8_t out[PAGE];
	uint64_t d;
	int hfd;

	ASSERT_EQ(0, gem_create_flags(self->fd, MiB, DRM_FASTRPC_GEM_WC, &h));
	ASSERT_EQ(0, gem_create_flags(self->fd, MiB, 0, &hc));

	/* The same call on a cached object does sync */
	SYNCED_BY(d, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(hc, 512 * KiB, PAGE),
			       frpc_arg_inline(out, PAGE), 0));
	EXPECT_EQ(2 * PAGE, d);
	/*
	 * Write-combined: the first mapping on the session cleans the
	 * object once; calls on it then sync nothing, in or out
	 */
	SYNCED_BY(d, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(h, 512 * KiB, PAGE),
			       frpc_arg_inline(out, PAGE), 0));
	EXPECT_EQ(MiB, d) TH_LOG("first mapping of a WC object");
	SYNCED_BY(d, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(h, 512 * KiB, PAGE),
			       frpc_arg_inline(out, PAGE), 0));
	EXPECT_EQ(0u, d);
	SYNCED_BY(d, fill_args(self->fd, self->simtest, &pattern,
			       frpc_arg_gem(h, 0, MiB), 0));
	EXPECT_EQ(0u, d);
	/* Mixed: only the cached one counts */
	SYNCED_BY(d, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(h, 0, PAGE),
			       frpc_arg_gem(hc, 0, PAGE), 0));
	EXPECT_EQ(2 * PAGE, d);
	EXPECT_EQ(0, frpc_gem_close(self->fd, h));
	EXPECT_EQ(0, frpc_gem_close(self->fd, hc));

	if (!have_heap())
		SKIP(return, "no /dev/dma_heap/system");
	/* Another exporter's dma-buf syncs itself: by fd and imported */
	hfd = frpc_dma_heap_alloc("system", MiB);
	ASSERT_LE(0, hfd) TH_LOG("heap alloc: %s", strerror(-hfd));
	SYNCED_BY(d, echo_args(self->fd, self->simtest,
			       frpc_arg_dmabuf(hfd, 512 * KiB, PAGE),
			       frpc_arg_inline(out, PAGE), 0));
	EXPECT_EQ(0u, d);
	ASSERT_EQ(0, frpc_prime_import(self->fd, hfd, &imp));
	SYNCED_BY(d, fill_args(self->fd, self->simtest, &pattern,
			       frpc_arg_gem(imp, PAGE, PAGE), 0));
	EXPECT_EQ(0u, d);
	EXPECT_EQ(0, frpc_gem_close(self->fd, imp));
	close(hfd);
}

TEST_F(cdsp, create_flags)
{
	static const uint32_t bad[] = {
		2, 4, 0x100, 0x80000000u, ~0u, DRM_FASTRPC_GEM_WC | 2,
	};
	const uint64_t size = 64 * KiB;
	uint32_t pattern = 0x0ddba11, h, v;
	uint8_t out[PAGE], *p;
	unsigned int i;
	struct xbo w;
	ssize_t bad_at;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, gem_create_flags(self->fd, PAGE, bad[i], &h))
			TH_LOG("flags %#x", bad[i]);
	/* WC with a bad size is still refused */
	EXPECT_EQ(-EINVAL, gem_create_flags(self->fd, 0, DRM_FASTRPC_GEM_WC,
					    &h));

	XBO_NEW(self->fd, size, DRM_FASTRPC_GEM_WC, &w);
	/* Zeroed; what the CPU writes through the WC mapping, the DSP reads */
	for (i = 0; i < size; i++)
		if (w.map[i])
			break;
	EXPECT_EQ(size, i);
	for (i = 0; i < size; i++)
		w.map[i] = (uint8_t)(i * 7 + 1);
	memset(out, 0, sizeof(out));
	ASSERT_EQ(0, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(w.handle, size - PAGE, PAGE),
			       frpc_arg_inline(out, PAGE), 0));
	for (bad_at = -1, i = 0; i < PAGE; i++)
		if (out[i] != (uint8_t)((size - PAGE + i) * 7 + 1)) {
			bad_at = i;
			break;
		}
	EXPECT_EQ(-1, bad_at) TH_LOG("byte %zd differs", bad_at);
	/* What the DSP writes, the CPU reads */
	ASSERT_EQ(0, fill_args(self->fd, self->simtest, &pattern,
			       frpc_arg_gem(w.handle, PAGE, PAGE), 0));
	memcpy(&v, w.map + PAGE, 4);
	EXPECT_EQ(pattern, v);
	memcpy(&v, w.map + 2 * PAGE - 4, 4);
	EXPECT_EQ(pattern, v);
	EXPECT_EQ((uint8_t)(PAGE * 7 + 1 - 7), w.map[PAGE - 1]);

	/* Through the exported dma-buf's mapping too */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, w.dfd, 0);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap of the dma-buf: %s",
					strerror(errno));
	memset(p + 4 * PAGE, 0x77, PAGE);
	memset(out, 0, sizeof(out));
	ASSERT_EQ(0, echo_args(self->fd, self->simtest,
			       frpc_arg_dmabuf(w.dfd, 4 * PAGE, PAGE),
			       frpc_arg_inline(out, PAGE), 0));
	for (bad_at = -1, i = 0; i < PAGE; i++)
		if (out[i] != 0x77) {
			bad_at = i;
			break;
		}
	EXPECT_EQ(-1, bad_at) TH_LOG("byte %zd differs", bad_at);
	EXPECT_EQ(0x77, w.map[4 * PAGE + 100]);
	munmap(p, size);
	xbo_free(self->fd, &w);
}

/* DMA_BUF_IOCTL_SYNC: 0 or -errno */
static int dmabuf_sync(int dfd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return ioctl(dfd, DMA_BUF_IOCTL_SYNC, &s) ? -errno : 0;
}

TEST_F(cdsp, cpu_access_sync)
{
	static const uint64_t bad[] = {
		0, DMA_BUF_SYNC_END, ~0ull, DMA_BUF_SYNC_RW | 8,
		DMA_BUF_SYNC_RW | (1ull << 63),
	};
	const uint64_t size = 256 * KiB;
	uint8_t out[PAGE];
	uint32_t st2, h2;
	unsigned int i;
	struct xbo b;
	uint64_t d;
	int fd2;

	XBO_NEW(self->fd, size, 0, &b);
	/* Not mapped on any session: nothing to sync */
	SYNCED_BY(d, dmabuf_sync(b.dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	EXPECT_EQ(0u, d);
	SYNCED_BY(d, dmabuf_sync(b.dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	EXPECT_EQ(0u, d);

	/* Used by a call: one mapping (the file's cache) */
	ASSERT_EQ(0, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(b.handle, 0, PAGE),
			       frpc_arg_inline(out, PAGE), 0));
	SYNCED_BY(d, dmabuf_sync(b.dfd, DMA_BUF_SYNC_START |
				 DMA_BUF_SYNC_READ));
	EXPECT_EQ(size, d);
	SYNCED_BY(d, dmabuf_sync(b.dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
	EXPECT_EQ(size, d);
	SYNCED_BY(d, dmabuf_sync(b.dfd, DMA_BUF_SYNC_START |
				 DMA_BUF_SYNC_WRITE));
	EXPECT_EQ(size, d);
	SYNCED_BY(d, dmabuf_sync(b.dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE));
	EXPECT_EQ(size, d);

	/* Bad flags: refused by the core, nothing synced */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t s0 = drv_counter(_metadata, self->fd, "synced_bytes");

		EXPECT_EQ(-EINVAL, dmabuf_sync(b.dfd, bad[i]))
			TH_LOG("flags %#llx", (unsigned long long)bad[i]);
		EXPECT_EQ(s0, drv_counter(_metadata, self->fd, "synced_bytes"));
	}

	/* Another file, another session: two mappings */
	fd2 = frpc_open_simtest("cdsp", &st2);
	ASSERT_LE(0, fd2) TH_LOG("second file: %s", strerror(-fd2));
	ASSERT_EQ(0, frpc_prime_import(fd2, b.dfd, &h2));
	ASSERT_EQ(0, echo_args(fd2, st2, frpc_arg_gem(h2, 0, PAGE),
			       frpc_arg_inline(out, PAGE), 0));
	SYNCED_BY(d, dmabuf_sync(b.dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	EXPECT_EQ(2 * size, d);
	SYNCED_BY(d, dmabuf_sync(b.dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	EXPECT_EQ(2 * size, d);

	/* Our handle closed: its cache entry goes, the other stays */
	munmap(b.map, b.size);
	b.map = NULL;
	ASSERT_EQ(0, frpc_gem_close(self->fd, b.handle));
	b.handle = 0;
	SYNCED_BY(d, dmabuf_sync(b.dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	EXPECT_EQ(size, d);
	SYNCED_BY(d, dmabuf_sync(b.dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	EXPECT_EQ(size, d);
	/* The other file gone: none */
	close(fd2);
	ASSERT_TRUE(drv_counter_at_most(self->fd, "in_flight", 0, 2000));
	SYNCED_BY(d, dmabuf_sync(b.dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	EXPECT_EQ(0u, d);
	SYNCED_BY(d, dmabuf_sync(b.dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	EXPECT_EQ(0u, d);
	xbo_free(self->fd, &b);
}

/* ------------------------------------------------------------------ */
/* Implicit synchronisation                                           */
/* ------------------------------------------------------------------ */

/*
 * @c is blocked before the DSP: still running after BLOCK_MS and no
 * message reached the DSP; then "signal" lets it through.
 */
static void blocked_then_released(struct __test_metadata *_metadata,
				  int fd, struct bg_call *c, const char *what)
{
	uint64_t m0 = sim_counter(_metadata, "messages"), t_signal;
	uint64_t w0 = drv_counter(_metadata, fd, "fence_waits");

	ASSERT_EQ(0, bg_start(c));
	usleep(BLOCK_MS * 1000);
	EXPECT_FALSE(bg_done(c))
		TH_LOG("%s: the call did not wait for the fence (%s)", what,
		       strerror(-c->ret));
	EXPECT_EQ(m0, sim_counter(_metadata, "messages"))
		TH_LOG("%s: the call reached the DSP before the fence", what);
	t_signal = frpc_now_us();
	ASSERT_EQ(0, fence_cmd("signal"));
	ASSERT_TRUE(bg_wait(c, 5000))
		TH_LOG("%s: the call did not end after the signal", what);
	EXPECT_EQ(0, c->ret) TH_LOG("%s: %s", what, strerror(-c->ret));
	/* It ended after the signal: its latency covers the wait */
	EXPECT_LE(t_signal, c->t1);
	EXPECT_LE(t_signal - c->t0, c->t1 - c->t0);
	EXPECT_LT(m0, sim_counter(_metadata, "messages"));
	EXPECT_EQ(w0 + 1, drv_counter(_metadata, fd, "fence_waits"));
	ksft_print_msg("%s: waited %llu ms for the fence\n", what,
		       (unsigned long long)bg_ms(c));
}

TEST_F(cdsp, producer_fence_waited)
{
	struct bg_call c;
	uint8_t out[PAGE];
	struct xbo a;
	int hfd;

	/* A GEM input buffer another device is writing */
	XBO_NEW(self->fd, PAGE, 0, &a);
	memset(a.map, 0x42, PAGE);
	ASSERT_EQ(0, fence_cmd("add %d write", a.dfd));
	memset(&c, 0, sizeof(c));
	c.fd = self->fd;
	c.handle = self->simtest;
	c.method = FRPC_SIMTEST_ECHO;
	c.in = frpc_arg_gem(a.handle, 0, PAGE);
	c.out = frpc_arg_inline(out, PAGE);
	blocked_then_released(_metadata, self->fd, &c, "GEM input");
	EXPECT_EQ(0x42, out[PAGE - 1]);

	/* The same by dma-buf fd */
	ASSERT_EQ(0, fence_cmd("add %d write", a.dfd));
	c.in = frpc_arg_dmabuf(a.dfd, 0, PAGE);
	blocked_then_released(_metadata, self->fd, &c, "our dma-buf input by fd");
	xbo_free(self->fd, &a);

	/* Another exporter's buffer */
	if (!have_heap())
		SKIP(return, "no /dev/dma_heap/system");
	hfd = frpc_dma_heap_alloc("system", PAGE);
	ASSERT_LE(0, hfd);
	ASSERT_EQ(0, fence_cmd("add %d write", hfd));
	c.in = frpc_arg_dmabuf(hfd, 0, PAGE);
	blocked_then_released(_metadata, self->fd, &c, "dma-heap input by fd");
	close(hfd);
}

TEST_F_TIMEOUT(cdsp, producer_fence_timeout, 60)
{
	uint8_t out[PAGE];
	uint64_t m0, t;
	struct xbo a;
	int ret;

	XBO_NEW(self->fd, PAGE, 0, &a);
	ASSERT_EQ(0, fence_cmd("add %d write", a.dfd));
	m0 = sim_counter(_metadata, "messages");

	/* timeout_ms bounds the wait */
	t = frpc_now_us();
	ret = echo_args(self->fd, self->simtest, frpc_arg_gem(a.handle, 0, PAGE),
			frpc_arg_inline(out, PAGE), 200);
	t = (frpc_now_us() - t) / 1000;
	EXPECT_EQ(-ETIMEDOUT, ret) TH_LOG("%s", strerror(-ret));
	EXPECT_LE(190u, t);
	EXPECT_GT(3000u, t);
	ksft_print_msg("timeout_ms 200: ETIMEDOUT after %llu ms\n",
		       (unsigned long long)t);
	usleep(100000);
	EXPECT_EQ(m0, sim_counter(_metadata, "messages"))
		TH_LOG("the timed-out call reached the DSP");
	EXPECT_TRUE(drv_counter_at_most(self->fd, "in_flight", 0, 1000));
	EXPECT_EQ(1u, fences_outstanding());

	/* Without timeout_ms, 10 s */
	t = frpc_now_us();
	ret = echo_args(self->fd, self->simtest, frpc_arg_gem(a.handle, 0, PAGE),
			frpc_arg_inline(out, PAGE), 0);
	t = (frpc_now_us() - t) / 1000;
	EXPECT_EQ(-ETIMEDOUT, ret) TH_LOG("%s", strerror(-ret));
	EXPECT_LE(9900u, t);
	EXPECT_GT(15000u, t);
	ksft_print_msg("timeout_ms 0: ETIMEDOUT after %llu ms\n",
		       (unsigned long long)t);
	EXPECT_EQ(m0, sim_counter(_metadata, "messages"));

	/* Signalled: the call goes */
	ASSERT_EQ(0, fence_cmd("signal"));
	ret = echo_args(self->fd, self->simtest, frpc_arg_gem(a.handle, 0, PAGE),
			frpc_arg_inline(out, PAGE), 200);
	EXPECT_EQ(0, ret) TH_LOG("%s", strerror(-ret));
	EXPECT_LT(m0, sim_counter(_metadata, "messages"));
	xbo_free(self->fd, &a);
}

static void on_sigusr1(int sig)
{
}

TEST_F(cdsp, producer_fence_interrupted)
{
	struct sigaction sa;
	struct bg_call c;
	uint8_t out[PAGE];
	struct xbo a;
	uint64_t m0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;	/* no SA_RESTART */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));

	XBO_NEW(self->fd, PAGE, 0, &a);
	ASSERT_EQ(0, fence_cmd("add %d write", a.dfd));
	m0 = sim_counter(_metadata, "messages");
	memset(&c, 0, sizeof(c));
	c.fd = self->fd;
	c.handle = self->simtest;
	c.method = FRPC_SIMTEST_ECHO;
	c.in = frpc_arg_gem(a.handle, 0, PAGE);
	c.out = frpc_arg_inline(out, PAGE);
	ASSERT_EQ(0, bg_start(&c));
	usleep(300000);
	ASSERT_FALSE(bg_done(&c)) TH_LOG("did not wait: %s", strerror(-c.ret));
	ASSERT_EQ(0, pthread_kill(c.th, SIGUSR1));
	ASSERT_TRUE(bg_wait(&c, 3000))
		TH_LOG("a signal does not interrupt the wait for a fence");
	EXPECT_EQ(-EINTR, c.ret) TH_LOG("%s", strerror(-c.ret));
	EXPECT_EQ(m0, sim_counter(_metadata, "messages"));
	EXPECT_TRUE(drv_counter_at_most(self->fd, "in_flight", 0, 1000));
	ASSERT_EQ(0, fence_cmd("signal"));
	xbo_free(self->fd, &a);
}

TEST_F(cdsp, read_fence_does_not_block_input)
{
	uint32_t pattern = 0x600dcafe, v;
	uint8_t out[PAGE];
	struct bg_call c;
	struct xbo a, b;
	uint64_t t, w0;
	int ret;

	XBO_NEW(self->fd, PAGE, 0, &a);
	XBO_NEW(self->fd, PAGE, 0, &b);
	memset(a.map, 0x24, PAGE);

	/* A reader on another device does not hold up our reading */
	ASSERT_EQ(0, fence_cmd("add %d read", a.dfd));
	w0 = drv_counter(_metadata, self->fd, "fence_waits");
	t = frpc_now_us();
	ret = echo_args(self->fd, self->simtest, frpc_arg_gem(a.handle, 0, PAGE),
			frpc_arg_inline(out, PAGE), 2000);
	t = (frpc_now_us() - t) / 1000;
	EXPECT_EQ(0, ret) TH_LOG("%s", strerror(-ret));
	EXPECT_GT(1000u, t) TH_LOG("an input buffer waited %llu ms for a reader",
				   (unsigned long long)t);
	EXPECT_EQ(0x24, out[0]);
	EXPECT_EQ(1u, fences_outstanding());
	EXPECT_EQ(w0, drv_counter(_metadata, self->fd, "fence_waits"));

	/* ... but does hold up our writing */
	ASSERT_EQ(0, fence_cmd("add %d read", b.dfd));
	memset(&c, 0, sizeof(c));
	c.fd = self->fd;
	c.handle = self->simtest;
	c.method = FRPC_SIMTEST_FILL;
	c.in = frpc_arg_inline(&pattern, sizeof(pattern));
	c.out = frpc_arg_gem(b.handle, 0, PAGE);
	blocked_then_released(_metadata, self->fd, &c, "output with a reader");
	memcpy(&v, b.map, 4);
	EXPECT_EQ(pattern, v);

	/* and so does a writer */
	ASSERT_EQ(0, fence_cmd("add %d write", b.dfd));
	blocked_then_released(_metadata, self->fd, &c, "output with a writer");
	xbo_free(self->fd, &a);
	xbo_free(self->fd, &b);
}

/*
 * While @c runs slowly on the DSP (delay_ms), its input @in and output
 * @out dma-bufs show its fences; after it, none.
 */
static void fences_during_call(struct __test_metadata *_metadata,
			       struct bg_call *c, int in, int out,
			       const char *what)
{
	uint64_t m0 = sim_counter(_metadata, "messages");
	int sfd;

	ASSERT_EQ(0, frpc_sim_knob(SIM_INST, "delay_ms", SLOW_MS));
	ASSERT_EQ(0, bg_start(c));
	ASSERT_TRUE(sim_counter_above("messages", m0, 1000))
		TH_LOG("%s: the call did not reach the DSP", what);
	usleep(50000);
	ASSERT_FALSE(bg_done(c)) TH_LOG("%s: not slow (%s)", what,
					strerror(-c->ret));

	/* The output: the DSP writes it */
	EXPECT_EQ(0, poll1(out, POLLIN, 100))
		TH_LOG("%s: the output is readable during the call", what);
	sfd = sync_file_export(out, 0);
	EXPECT_LE(0, sfd) TH_LOG("%s: EXPORT_SYNC_FILE: %s", what,
				 strerror(-sfd));
	EXPECT_EQ(0, sync_fd_status(sfd))
		TH_LOG("%s: no active write fence on the output", what);
	EXPECT_EQ(-ETIMEDOUT, fence_cmd("wait %d 100", out))
		TH_LOG("%s: another device's reader did not wait", what);
	/* The input: the DSP reads it; readers go, writers wait */
	if (in >= 0) {
		EXPECT_EQ(POLLIN, poll1(in, POLLIN, 0))
			TH_LOG("%s: a write fence on the input", what);
		EXPECT_EQ(0, fence_cmd("wait %d 0", in));
		EXPECT_EQ(0, poll1(in, POLLOUT, 100))
			TH_LOG("%s: no read fence on the input", what);
		EXPECT_EQ(0, sync_file_status(in, 1));
	}
	EXPECT_FALSE(bg_done(c)) TH_LOG("%s: the checks outlived the call",
					what);

	ASSERT_TRUE(bg_wait(c, SLOW_MS + 5000)) TH_LOG("%s: no end", what);
	EXPECT_EQ(0, c->ret) TH_LOG("%s: %s", what, strerror(-c->ret));
	ASSERT_EQ(0, frpc_sim_knob(SIM_INST, "delay_ms", 0));
	EXPECT_EQ(POLLIN | POLLOUT, poll1(out, POLLIN | POLLOUT, 0))
		TH_LOG("%s: output fence not signalled after the call", what);
	EXPECT_EQ(1, sync_file_status(out, 0));
	EXPECT_EQ(1, sync_file_status(out, 1));
	/* The call's own fence: signalled, without error */
	EXPECT_EQ(1, sync_fd_status(sfd));
	close(sfd);
	EXPECT_EQ(0, fence_cmd("wait %d 0", out));
	if (in >= 0) {
		EXPECT_EQ(POLLIN | POLLOUT, poll1(in, POLLIN | POLLOUT, 0))
			TH_LOG("%s: input fence not signalled after the call",
			       what);
		EXPECT_EQ(1, sync_file_status(in, 1));
	}
}

TEST_F(cdsp, dsp_fence_published)
{
	uint32_t pattern = 0xfeedf00d, v;
	struct bg_call c;
	struct xbo a, b;
	int hfd;

	XBO_NEW(self->fd, PAGE, 0, &a);
	XBO_NEW(self->fd, PAGE, 0, &b);
	memset(a.map, 0x99, PAGE);

	memset(&c, 0, sizeof(c));
	c.fd = self->fd;
	c.handle = self->simtest;
	c.method = FRPC_SIMTEST_ECHO;
	c.in = frpc_arg_gem(a.handle, 0, PAGE);
	c.out = frpc_arg_gem(b.handle, 0, PAGE);
	fences_during_call(_metadata, &c, a.dfd, b.dfd, "GEM echo");
	EXPECT_EQ(0x99, b.map[PAGE - 1]);

	/* By fd */
	c.in = frpc_arg_dmabuf(a.dfd, 0, PAGE);
	c.out = frpc_arg_dmabuf(b.dfd, 0, PAGE);
	fences_during_call(_metadata, &c, a.dfd, b.dfd, "dma-buf echo");

	if (!have_heap())
		SKIP(return, "no /dev/dma_heap/system");
	hfd = frpc_dma_heap_alloc("system", PAGE);
	ASSERT_LE(0, hfd);
	c.method = FRPC_SIMTEST_FILL;
	c.in = frpc_arg_inline(&pattern, sizeof(pattern));
	c.out = frpc_arg_dmabuf(hfd, 0, PAGE);
	fences_during_call(_metadata, &c, -1, hfd, "dma-heap output");
	{
		void *p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, hfd, 0);

		ASSERT_NE(MAP_FAILED, p);
		frpc_dmabuf_sync(hfd, 0);
		memcpy(&v, p, 4);
		frpc_dmabuf_sync(hfd, 1);
		EXPECT_EQ(pattern, v);
		munmap(p, PAGE);
	}
	close(hfd);
	xbo_free(self->fd, &a);
	xbo_free(self->fd, &b);
}

TEST_F_TIMEOUT(cdsp, fence_signalled_on_timeout, 60)
{
	uint32_t pattern = 0x7117, value = 0x80000401u, tok, st2;
	struct bg_call c;
	uint8_t c1;
	uint64_t m0;
	struct xbo a, b;
	int ret, sync[2], go[2], status, sfd;
	pid_t pid;

	XBO_NEW(self->fd, PAGE, 0, &a);
	XBO_NEW(self->fd, PAGE, 0, &b);

	/* Timed out: the DSP may still run it, the fences are signalled */
	ASSERT_EQ(0, frpc_sim_knob(SIM_INST, "delay_ms", SLOW_MS));
	memset(&c, 0, sizeof(c));
	c.fd = self->fd;
	c.handle = self->simtest;
	c.method = FRPC_SIMTEST_FILL;
	c.in = frpc_arg_inline(&pattern, sizeof(pattern));
	c.out = frpc_arg_gem(b.handle, 0, PAGE);
	c.timeout_ms = 600;
	m0 = sim_counter(_metadata, "messages");
	ASSERT_EQ(0, bg_start(&c));
	ASSERT_TRUE(sim_counter_above("messages", m0, 1000));
	sfd = sync_file_export(b.dfd, 1);
	ASSERT_LE(0, sfd) TH_LOG("EXPORT_SYNC_FILE: %s", strerror(-sfd));
	EXPECT_EQ(0, sync_fd_status(sfd)) TH_LOG("no fence of the call");
	ASSERT_TRUE(bg_wait(&c, 3000));
	EXPECT_EQ(-ETIMEDOUT, c.ret) TH_LOG("%s", strerror(-c.ret));
	EXPECT_EQ(POLLIN | POLLOUT, poll1(b.dfd, POLLIN | POLLOUT, 100))
		TH_LOG("timed out: a fence of the call is still unsignalled");
	/* Given up: signalled with an error */
	EXPECT_EQ(-ECANCELED, sync_fd_status(sfd));
	close(sfd);
	EXPECT_EQ(0, fence_cmd("wait %d 0", b.dfd));
	ASSERT_EQ(0, frpc_sim_knob(SIM_INST, "delay_ms", 0));
	EXPECT_TRUE(drv_counter_at_most(self->fd, "in_flight", 0,
					SLOW_MS + 3000));

	/* Failed on the DSP (simtest error): signalled */
	memcpy(a.map, &value, sizeof(value));
	{
		struct drm_fastrpc_arg in = frpc_arg_gem(a.handle, 0, 4);
		uint32_t dsp = 0;

		ret = frpc_invoke_args(self->fd, self->simtest,
				       FRPC_SIMTEST_ERROR, &in, 1, NULL, 0, 0,
				       &dsp);
		EXPECT_NE(0, ret);
		EXPECT_EQ(value, dsp);
	}
	EXPECT_EQ(POLLIN | POLLOUT, poll1(a.dfd, POLLIN | POLLOUT, 100))
		TH_LOG("failed call: a fence is still unsignalled");

	/* The caller killed during the call: signalled */
	ASSERT_EQ(0, pipe(sync));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		uint32_t h;
		int fd;

		close(sync[0]);
		close(go[1]);
		fd = frpc_open_simtest("cdsp", &st2);
		if (fd < 0 || frpc_prime_import(fd, b.dfd, &h))
			_exit(10);
		tok = 1;
		if (write(sync[1], &tok, 1) != 1 || read(go[0], &tok, 1) != 1)
			_exit(11);
		fill_args(fd, st2, &pattern, frpc_arg_gem(h, 0, PAGE), 0);
		_exit(12);
	}
	close(sync[1]);
	close(go[0]);
	ASSERT_EQ(1, read(sync[0], &c1, 1)) TH_LOG("child setup failed");
	close(sync[0]);
	m0 = sim_counter(_metadata, "messages");
	ASSERT_EQ(0, frpc_sim_knob(SIM_INST, "delay_ms", 3000));
	ASSERT_EQ(1, write(go[1], &c1, 1));
	close(go[1]);
	EXPECT_TRUE(sim_counter_above("messages", m0, 2000));
	usleep(100000);
	EXPECT_EQ(0, poll1(b.dfd, POLLIN, 100))
		TH_LOG("the child's call shows no fence");
	sfd = sync_file_export(b.dfd, 1);
	ASSERT_LE(0, sfd) TH_LOG("EXPORT_SYNC_FILE: %s", strerror(-sfd));
	EXPECT_EQ(0, sync_fd_status(sfd));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(POLLIN, poll1(b.dfd, POLLIN, 500))
		TH_LOG("killed caller: the fence is still unsignalled");
	EXPECT_EQ(-ECANCELED, sync_fd_status(sfd));
	close(sfd);
	ASSERT_EQ(0, frpc_sim_knob(SIM_INST, "delay_ms", 0));
	EXPECT_TRUE(drv_counter_at_most(self->fd, "in_flight", 0, 5000));
	xbo_free(self->fd, &a);
	xbo_free(self->fd, &b);
}

/*
 * A call does not wait for the fence of another FastRPC call on its
 * buffer: calls to the DSP are ordered by their callers.
 */
TEST_F(cdsp, fastrpc_fences_not_waited)
{
	uint32_t pattern = 0x1234, pattern2 = 0x5678, v;
	struct bg_call c1, c2;
	uint64_t m0, w0;
	struct xbo b;
	int fd2;

	XBO_NEW(self->fd, PAGE, 0, &b);
	memset(&c2, 0, sizeof(c2));
	fd2 = frpc_open_simtest("cdsp", &c2.handle);
	ASSERT_LE(0, fd2) TH_LOG("second file: %s", strerror(-fd2));
	memset(&c1, 0, sizeof(c1));
	c1.fd = self->fd;
	c1.handle = self->simtest;
	c1.method = FRPC_SIMTEST_FILL;
	c1.in = frpc_arg_inline(&pattern, sizeof(pattern));
	c1.out = frpc_arg_gem(b.handle, 0, PAGE);
	c2.fd = fd2;
	c2.method = FRPC_SIMTEST_FILL;
	c2.in = frpc_arg_inline(&pattern2, sizeof(pattern2));
	c2.out = frpc_arg_dmabuf(b.dfd, 0, PAGE);

	w0 = drv_counter(_metadata, self->fd, "fence_waits");
	m0 = sim_counter(_metadata, "messages");
	ASSERT_EQ(0, frpc_sim_knob(SIM_INST, "delay_ms", SLOW_MS));
	ASSERT_EQ(0, bg_start(&c1));
	ASSERT_TRUE(sim_counter_above("messages", m0, 1000));
	EXPECT_EQ(0, poll1(b.dfd, POLLIN, 0)) TH_LOG("no fence of call 1");
	/* The second writer goes to the DSP while the first is there */
	ASSERT_EQ(0, bg_start(&c2));
	EXPECT_TRUE(sim_counter_above("messages", m0 + 1, 500))
		TH_LOG("the second call waited for the first one's fence");
	EXPECT_FALSE(bg_done(&c1));
	ASSERT_TRUE(bg_wait(&c1, SLOW_MS + 5000));
	ASSERT_TRUE(bg_wait(&c2, SLOW_MS + 5000));
	ASSERT_EQ(0, frpc_sim_knob(SIM_INST, "delay_ms", 0));
	EXPECT_EQ(0, c1.ret);
	EXPECT_EQ(0, c2.ret);
	EXPECT_EQ(w0, drv_counter(_metadata, self->fd, "fence_waits"));
	memcpy(&v, b.map, 4);
	EXPECT_TRUE(v == pattern || v == pattern2);
	close(fd2);
	xbo_free(self->fd, &b);
}

/* ------------------------------------------------------------------ */
/* The legacy face                                                    */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, legacy_face_fences)
{
	struct bg_call c;
	uint8_t *pa, *pb, out[PAGE];
	int lfd, fa, fb, hfd;
	uint32_t lst = 0;

	if (!have_legacy())
		SKIP(return, LEGACY_NODE " does not exist");
	lfd = frpc_legacy_open_simtest(LEGACY_NODE, &lst);
	ASSERT_LE(0, lfd) TH_LOG("legacy open: %s", strerror(-lfd));
	fa = frpc_legacy_alloc(lfd, PAGE);
	fb = frpc_legacy_alloc(lfd, PAGE);
	ASSERT_LE(0, fa);
	ASSERT_LE(0, fb);
	pa = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fa, 0);
	pb = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fb, 0);
	ASSERT_NE(MAP_FAILED, pa);
	ASSERT_NE(MAP_FAILED, pb);
	memset(pa, 0x31, PAGE);

	memset(&c, 0, sizeof(c));
	c.fd = lfd;
	c.legacy = 1;
	c.handle = lst;
	c.sc = FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1);
	frpc_legacy_arg(&c.largs[0], pa, PAGE, fa);
	frpc_legacy_arg(&c.largs[1], pb, PAGE, fb);

	/* A writer on the input holds the call */
	ASSERT_EQ(0, fence_cmd("add %d write", fa));
	blocked_then_released(_metadata, self->fd, &c, "legacy input");
	EXPECT_EQ(0x31, pb[0]);
	/* A reader on the output too */
	ASSERT_EQ(0, fence_cmd("add %d read", fb));
	blocked_then_released(_metadata, self->fd, &c, "legacy output");

	/* The call's fences while the DSP works */
	fences_during_call(_metadata, &c, fa, fb, "legacy echo");

	/* Another exporter's input */
	if (have_heap()) {
		hfd = frpc_dma_heap_alloc("system", PAGE);
		ASSERT_LE(0, hfd);
		ASSERT_EQ(0, fence_cmd("add %d write", hfd));
		frpc_legacy_arg(&c.largs[0], NULL, PAGE, hfd);
		frpc_legacy_arg(&c.largs[1], out, PAGE, -1);
		blocked_then_released(_metadata, self->fd, &c, "legacy dma-heap input");
		close(hfd);
	}
	munmap(pa, PAGE);
	munmap(pb, PAGE);
	close(fa);
	close(fb);
	close(lfd);
}

TEST_HARNESS_MAIN
