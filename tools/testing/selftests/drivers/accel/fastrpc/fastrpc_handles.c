// SPDX-License-Identifier: GPL-2.0-only
/*
 * Handle arguments (the in-handles and out-handles of the scalars word) on
 * both faces of the FastRPC accel driver: a handle names a buffer (a GEM
 * handle or dma-buf fd on the accel face, a dma-buf fd on the legacy face)
 * that the DSP reaches in place; the DSP gets {fd, offset, len} in rpra[i]
 * and the buffer's whole mapping in pages[i], as drivers/misc/fastrpc.c
 * laid it out (Documentation/accel/fastrpc/uapi.rst, legacy.rst).
 *
 * The simulated DSP's simtest "handles" method (FRPC_SIMTEST_HANDLES)
 * reports what it saw of each handle and copies in-handle j to out-handle
 * j, so every case checks both the layout and that the data moved.
 *
 * Expects the harness's instance cdsp0 on "cdsp" and the legacy node
 * /dev/fastrpc-cdsp of fastrpc_accel.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <misc/fastrpc.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#include "kselftest_harness.h"
#include "../../../../../accel/fastrpc/fastrpc_util.h"

#define PAGE		4096u
#define LEGACY_NODE	"/dev/fastrpc-cdsp"
#define DSP_EBADPARM	FRPC_DSP_ERR(FRPC_AEE_EBADPARM)
#define MAX_HANDLES	15

/* "Now" counters that are 0 with no file open and no call unanswered */
static const char * const idle_counters[] = {
	"in_flight", "calls_live", "bo_maps", "dsp_maps", "pinned_pages",
};

#define OPEN_DOMAIN_OR_SKIP(fd, dom) do {				\
	fd = frpc_open_domain(dom, NULL, NULL, 0);			\
	if (fd == -ENOENT)						\
		SKIP(return, "no %s device in " FRPC_ACCEL_DIR, dom);	\
	ASSERT_LE(0, fd) TH_LOG("opening %s: %s", dom, strerror(-fd));	\
} while (0)

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

/* ------------------------------------------------------------------ */
/* Accel face                                                         */
/* ------------------------------------------------------------------ */

static int accel_call(int fd, uint32_t simtest, uint32_t sc,
		      struct drm_fastrpc_arg *args, uint32_t nargs,
		      uint32_t *dsp_status)
{
	struct drm_fastrpc_invoke inv = {
		.handle = simtest,
		.sc = sc,
		.args = (uintptr_t)args,
		.num_args = nargs,
		.arg_size = sizeof(*args),
		.timeout_ms = 5000,
	};
	int ret;

	ret = frpc_invoke_raw(fd, &inv);
	if (dsp_status)
		*dsp_status = inv.dsp_status;
	return ret;
}

/* simtest handles with no buffers: out0 gets the records */
static int accel_handles(int fd, uint32_t simtest, uint32_t inh,
			 uint32_t outh, const struct drm_fastrpc_arg *h,
			 struct frpc_sim_handle_rec *recs)
{
	struct drm_fastrpc_arg args[1 + 2 * MAX_HANDLES];
	uint32_t i, n = inh + outh;

	memset(recs, 0xcc, n * sizeof(*recs));
	args[0] = frpc_arg_inline(recs, n * sizeof(*recs));
	for (i = 0; i < n; i++)
		args[1 + i] = h[i];
	return accel_call(fd, simtest,
			  FRPC_SC(FRPC_SIMTEST_HANDLES, 0, 1) |
			  FRPC_SC_HANDLES(inh, outh), args, 1 + n, NULL);
}

static struct drm_fastrpc_arg handle_gem(uint32_t handle, uint64_t offset,
					 uint64_t len)
{
	return frpc_arg_gem(handle, offset, len);
}

FIXTURE(accel) {
	int fd;
	uint32_t simtest;
	uint32_t gem[2];
	uint8_t *map[2];
};

#define ACCEL_BO_SIZE	(3 * PAGE)

FIXTURE_SETUP(accel)
{
	int ret, i;
	void *p;

	self->fd = -1;
	OPEN_DOMAIN_OR_SKIP(self->fd, "cdsp");
	ret = frpc_process_init(self->fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				DRM_FASTRPC_PROCESS_UNSIGNED);
	ASSERT_EQ(0, ret) TH_LOG("process init: %s", strerror(-ret));
	ret = frpc_module_open(self->fd, FRPC_SIMTEST_URI, &self->simtest);
	ASSERT_EQ(0, ret) TH_LOG("open simtest: %s", strerror(-ret));
	for (i = 0; i < 2; i++) {
		ret = frpc_gem_create(self->fd, ACCEL_BO_SIZE, &self->gem[i]);
		ASSERT_EQ(0, ret) TH_LOG("gem create: %s", strerror(-ret));
		ret = frpc_gem_mmap(self->fd, self->gem[i], ACCEL_BO_SIZE, &p);
		ASSERT_EQ(0, ret) TH_LOG("gem mmap: %s", strerror(-ret));
		self->map[i] = p;
	}
}

FIXTURE_TEARDOWN(accel)
{
	int i;

	for (i = 0; i < 2; i++)
		if (self->map[i])
			munmap(self->map[i], ACCEL_BO_SIZE);
	if (self->fd >= 0)
		close(self->fd);
}

/* GEM in-handle to GEM out-handle: the layout seen and the bytes moved */
TEST_F(accel, gem_in_to_out)
{
	struct frpc_sim_handle_rec r[2];
	struct drm_fastrpc_arg h[2];
	const uint32_t len = PAGE + 1000;

	fill(self->map[0], ACCEL_BO_SIZE, 1);
	memset(self->map[1], 0, ACCEL_BO_SIZE);
	h[0] = handle_gem(self->gem[0], 100, len);
	h[1] = handle_gem(self->gem[1], 7, len);
	ASSERT_EQ(0, accel_handles(self->fd, self->simtest, 1, 1, h, r));

	EXPECT_EQ((int32_t)self->gem[0], r[0].fd);
	EXPECT_EQ(100u, r[0].offset);
	EXPECT_EQ(len, r[0].len);
	EXPECT_EQ(1u, r[0].mapped);
	EXPECT_EQ((int32_t)self->gem[1], r[1].fd);
	EXPECT_EQ(7u, r[1].offset);
	EXPECT_EQ(len, r[1].len);
	EXPECT_EQ(1u, r[1].mapped);

	EXPECT_EQ(0, memcmp(self->map[1] + 7, self->map[0] + 100, len));
	/* Nothing outside the out-handle's range was written */
	EXPECT_EQ(0, self->map[1][6]);
	EXPECT_EQ(0, self->map[1][7 + len]);
}

/* The whole object, to its last byte */
TEST_F(accel, gem_whole_object)
{
	struct frpc_sim_handle_rec r[2];
	struct drm_fastrpc_arg h[2];

	fill(self->map[0], ACCEL_BO_SIZE, 2);
	memset(self->map[1], 0, ACCEL_BO_SIZE);
	h[0] = handle_gem(self->gem[0], 0, ACCEL_BO_SIZE);
	h[1] = handle_gem(self->gem[1], 0, ACCEL_BO_SIZE);
	ASSERT_EQ(0, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	EXPECT_EQ(0, memcmp(self->map[1], self->map[0], ACCEL_BO_SIZE));
}

/* dma-buf handles: the fd as given is the DSP's cookie */
TEST_F(accel, dmabuf_handles)
{
	struct frpc_sim_handle_rec r[2];
	struct drm_fastrpc_arg h[2];
	int dfd[2], ret, i;

	for (i = 0; i < 2; i++) {
		ret = frpc_prime_export(self->fd, self->gem[i], &dfd[i]);
		ASSERT_EQ(0, ret) TH_LOG("export: %s", strerror(-ret));
	}
	fill(self->map[0], ACCEL_BO_SIZE, 3);
	memset(self->map[1], 0, ACCEL_BO_SIZE);
	h[0] = frpc_arg_dmabuf(dfd[0], PAGE, 2 * PAGE);
	h[1] = frpc_arg_dmabuf(dfd[1], 3, 2 * PAGE);
	ASSERT_EQ(0, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	EXPECT_EQ(dfd[0], r[0].fd);
	EXPECT_EQ(PAGE, r[0].offset);
	EXPECT_EQ(dfd[1], r[1].fd);
	EXPECT_EQ(3u, r[1].offset);
	EXPECT_EQ(1u, r[0].mapped);
	EXPECT_EQ(1u, r[1].mapped);
	EXPECT_EQ(0, memcmp(self->map[1] + 3, self->map[0] + PAGE, 2 * PAGE));

	/* A GEM handle and a dma-buf fd of the same object in one call */
	memset(self->map[1], 0, ACCEL_BO_SIZE);
	h[0] = handle_gem(self->gem[0], 0, PAGE);
	h[1] = frpc_arg_dmabuf(dfd[1], PAGE, PAGE);
	ASSERT_EQ(0, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	EXPECT_EQ((int32_t)self->gem[0], r[0].fd);
	EXPECT_EQ(dfd[1], r[1].fd);
	EXPECT_EQ(0, memcmp(self->map[1] + PAGE, self->map[0], PAGE));
	close(dfd[0]);
	close(dfd[1]);
}

/* Buffers and handles in one call: inline, GEM buffer, and handles */
TEST_F(accel, mixed_buffers_and_handles)
{
	struct drm_fastrpc_arg args[1 + 2 + 3 + 2 + 2];
	struct frpc_sim_handle_rec r[4];
	uint8_t in0[300], out1[300];
	uint32_t st = 1;
	int n = 0, ret;

	fill(in0, sizeof(in0), 4);
	memset(out1, 0, sizeof(out1));
	fill(self->map[0], ACCEL_BO_SIZE, 5);
	memset(self->map[1], 0, ACCEL_BO_SIZE);
	/* in-buffers: inline, and a GEM range */
	args[n++] = frpc_arg_inline(in0, sizeof(in0));
	args[n++] = frpc_arg_gem(self->gem[0], 2 * PAGE, 200);
	/* out-buffers: records, inline copy of in0, GEM copy of in1 */
	args[n++] = frpc_arg_inline(r, sizeof(r));
	args[n++] = frpc_arg_inline(out1, sizeof(out1));
	args[n++] = frpc_arg_gem(self->gem[1], 2 * PAGE + 500, 200);
	/* in-handles, out-handles */
	args[n++] = handle_gem(self->gem[0], 0, 1000);
	args[n++] = handle_gem(self->gem[0], 1000, 50);
	args[n++] = handle_gem(self->gem[1], 10, 1000);
	args[n++] = handle_gem(self->gem[1], 1100, 40);
	ret = accel_call(self->fd, self->simtest,
			 FRPC_SC(FRPC_SIMTEST_HANDLES, 2, 3) |
			 FRPC_SC_HANDLES(2, 2), args, n, &st);
	ASSERT_EQ(0, ret) TH_LOG("%s, dsp_status %#x", strerror(-ret), st);
	EXPECT_EQ(0u, st);

	EXPECT_EQ(0, memcmp(out1, in0, sizeof(in0)));
	EXPECT_EQ(0, memcmp(self->map[1] + 2 * PAGE + 500,
			    self->map[0] + 2 * PAGE, 200));
	EXPECT_EQ(0, memcmp(self->map[1] + 10, self->map[0], 1000));
	/* in-handle 1 (50 bytes) to out-handle 1 (40 bytes): the shorter */
	EXPECT_EQ(0, memcmp(self->map[1] + 1100, self->map[0] + 1000, 40));
	EXPECT_EQ(0, self->map[1][1140]);
	EXPECT_EQ((int32_t)self->gem[0], r[0].fd);
	EXPECT_EQ(0u, r[0].offset);
	EXPECT_EQ(1000u, r[0].len);
	EXPECT_EQ(1000u, r[1].offset);
	EXPECT_EQ(50u, r[1].len);
	EXPECT_EQ(10u, r[2].offset);
	EXPECT_EQ(40u, r[3].len);
}

/* An empty handle: checked, sent with its fd and offset, nothing mapped */
TEST_F(accel, zero_length_handle)
{
	struct frpc_sim_handle_rec r[2];
	struct drm_fastrpc_arg h[2];

	memset(self->map[1], 0x5a, ACCEL_BO_SIZE);
	h[0] = handle_gem(self->gem[0], 123, 0);
	h[1] = handle_gem(self->gem[1], ACCEL_BO_SIZE, 0);
	ASSERT_EQ(0, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	EXPECT_EQ((int32_t)self->gem[0], r[0].fd);
	EXPECT_EQ(123u, r[0].offset);
	EXPECT_EQ(0u, r[0].len);
	EXPECT_EQ(0u, r[0].mapped);
	EXPECT_EQ(ACCEL_BO_SIZE, r[1].offset);
	EXPECT_EQ(0u, r[1].mapped);
	EXPECT_EQ(0x5a, self->map[1][0]);

	/* ... but still checked */
	h[0] = handle_gem(self->gem[0] + 100, 0, 0);
	EXPECT_EQ(-ENOENT, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	h[0] = handle_gem(self->gem[0], ACCEL_BO_SIZE + 1, 0);
	EXPECT_EQ(-ERANGE, accel_handles(self->fd, self->simtest, 1, 1, h, r));
}

/* Only in-handles, or only out-handles */
TEST_F(accel, one_direction)
{
	struct frpc_sim_handle_rec r[2];
	struct drm_fastrpc_arg h[2];

	memset(self->map[1], 0, ACCEL_BO_SIZE);
	h[0] = handle_gem(self->gem[0], 0, 16);
	h[1] = handle_gem(self->gem[1], 0, 16);
	ASSERT_EQ(0, accel_handles(self->fd, self->simtest, 2, 0, h, r));
	EXPECT_EQ((int32_t)self->gem[1], r[1].fd);
	ASSERT_EQ(0, accel_handles(self->fd, self->simtest, 0, 2, h, r));
	EXPECT_EQ((int32_t)self->gem[0], r[0].fd);
	/* Nothing was copied: no pair of in- and out-handle */
	EXPECT_EQ(0, self->map[1][0]);
}

/* Every scalar the word allows for handles: 15 in, 15 out */
TEST_F(accel, max_handles)
{
	struct frpc_sim_handle_rec r[2 * MAX_HANDLES];
	struct drm_fastrpc_arg h[2 * MAX_HANDLES];
	int i;

	fill(self->map[0], ACCEL_BO_SIZE, 6);
	memset(self->map[1], 0, ACCEL_BO_SIZE);
	for (i = 0; i < MAX_HANDLES; i++) {
		h[i] = handle_gem(self->gem[0], i * 100, 100);
		h[MAX_HANDLES + i] = handle_gem(self->gem[1], i * 100, 100);
	}
	ASSERT_EQ(0, accel_handles(self->fd, self->simtest, MAX_HANDLES,
				   MAX_HANDLES, h, r));
	for (i = 0; i < 2 * MAX_HANDLES; i++) {
		EXPECT_EQ((uint32_t)(i % MAX_HANDLES) * 100, r[i].offset);
		EXPECT_EQ(1u, r[i].mapped);
	}
	EXPECT_EQ(0, memcmp(self->map[1], self->map[0], MAX_HANDLES * 100));
}

/* Malformed handle arguments */
TEST_F(accel, bad_handles)
{
	struct frpc_sim_handle_rec r[2];
	struct drm_fastrpc_arg h[2];
	int pipefd[2];

	h[1] = handle_gem(self->gem[1], 0, 16);

	/* No buffer kind: a handle always names a buffer */
	h[0] = frpc_arg_inline(r, 16);
	EXPECT_EQ(-EINVAL, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	h[0] = frpc_arg_inline(NULL, 0);
	EXPECT_EQ(-EINVAL, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	/* Both kinds, an unknown flag, a pointer */
	h[0] = handle_gem(self->gem[0], 0, 16);
	h[0].flags = DRM_FASTRPC_BUF_GEM | DRM_FASTRPC_BUF_DMABUF;
	EXPECT_EQ(-EINVAL, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	h[0].flags = DRM_FASTRPC_BUF_GEM | 0x100;
	EXPECT_EQ(-EINVAL, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	h[0] = handle_gem(self->gem[0], 0, 16);
	h[0].ptr = (uintptr_t)r;
	EXPECT_EQ(-EINVAL, accel_handles(self->fd, self->simtest, 1, 1, h, r));

	/* Unknown GEM handle, a descriptor that is no dma-buf, a closed one */
	h[0] = handle_gem(self->gem[1] + 1000, 0, 16);
	EXPECT_EQ(-ENOENT, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	ASSERT_EQ(0, pipe(pipefd));
	h[0] = frpc_arg_dmabuf(pipefd[0], 0, 16);
	EXPECT_EQ(-EBADF, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	close(pipefd[0]);
	close(pipefd[1]);
	h[0] = frpc_arg_dmabuf(pipefd[0], 0, 16);
	EXPECT_EQ(-EBADF, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	h[0] = frpc_arg_dmabuf(-1, 0, 16);
	EXPECT_EQ(-EBADF, accel_handles(self->fd, self->simtest, 1, 1, h, r));

	/* Ranges past the end, and ranges that wrap */
	h[0] = handle_gem(self->gem[0], 0, ACCEL_BO_SIZE + 1);
	EXPECT_EQ(-ERANGE, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	h[0] = handle_gem(self->gem[0], ACCEL_BO_SIZE - 15, 16);
	EXPECT_EQ(-ERANGE, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	h[0] = handle_gem(self->gem[0], 1ull << 32, 16);
	EXPECT_EQ(-ERANGE, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	h[0] = handle_gem(self->gem[0], UINT64_MAX, 2);
	EXPECT_EQ(-EOVERFLOW, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	h[0] = handle_gem(self->gem[0], 16, UINT64_MAX);
	EXPECT_EQ(-EOVERFLOW, accel_handles(self->fd, self->simtest, 1, 1, h, r));

	/* The out-handle is checked the same way */
	h[0] = handle_gem(self->gem[0], 0, 16);
	h[1] = handle_gem(self->gem[1], ACCEL_BO_SIZE, 1);
	EXPECT_EQ(-ERANGE, accel_handles(self->fd, self->simtest, 1, 1, h, r));

	/* The file still works */
	h[1] = handle_gem(self->gem[1], 0, 16);
	EXPECT_EQ(0, accel_handles(self->fd, self->simtest, 1, 1, h, r));
}

/* num_args must count the handles too */
TEST_F(accel, scalar_counts)
{
	struct drm_fastrpc_arg args[2 + 2 * MAX_HANDLES];
	struct frpc_sim_handle_rec r[2 * MAX_HANDLES];
	uint32_t sc = FRPC_SC(FRPC_SIMTEST_HANDLES, 0, 1) |
		      FRPC_SC_HANDLES(1, 1);
	int i;

	args[0] = frpc_arg_inline(r, sizeof(r));
	for (i = 1; i < 2 + 2 * MAX_HANDLES; i++)
		args[i] = handle_gem(self->gem[0], 0, 8);
	/* Too few, too many */
	EXPECT_EQ(-EINVAL, accel_call(self->fd, self->simtest, sc, args, 1,
				      NULL));
	EXPECT_EQ(-EINVAL, accel_call(self->fd, self->simtest, sc, args, 2,
				      NULL));
	EXPECT_EQ(-EINVAL, accel_call(self->fd, self->simtest, sc, args, 4,
				      NULL));
	EXPECT_EQ(0, accel_call(self->fd, self->simtest, sc, args, 3, NULL));
	/* One more than 15 + 15 handles does not fit the word: too many */
	sc = FRPC_SC(FRPC_SIMTEST_HANDLES, 0, 1) |
	     FRPC_SC_HANDLES(MAX_HANDLES, MAX_HANDLES);
	EXPECT_EQ(-EINVAL, accel_call(self->fd, self->simtest, sc, args,
				      2 + 2 * MAX_HANDLES, NULL));
	EXPECT_EQ(0, accel_call(self->fd, self->simtest, sc, args,
				1 + 2 * MAX_HANDLES, NULL));
}

/* Handles to a method that takes none: the DSP refuses them */
TEST_F(accel, method_without_handles)
{
	uint8_t in[8] = { 0 }, out[8];
	struct drm_fastrpc_arg args[3];
	uint32_t st = 0;

	args[0] = frpc_arg_inline(in, sizeof(in));
	args[1] = frpc_arg_inline(out, sizeof(out));
	args[2] = handle_gem(self->gem[0], 0, 8);
	EXPECT_EQ(-EINVAL, accel_call(self->fd, self->simtest,
				      FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1) |
				      FRPC_SC_HANDLES(1, 0), args, 3, &st));
	EXPECT_EQ(DSP_EBADPARM, st);
}

/* A handle whose GEM handle is closed after the call still worked */
TEST_F(accel, handle_closed_after_call)
{
	struct frpc_sim_handle_rec r[2];
	struct drm_fastrpc_arg h[2];
	uint32_t g;
	void *p;

	ASSERT_EQ(0, frpc_gem_create(self->fd, PAGE, &g));
	ASSERT_EQ(0, frpc_gem_mmap(self->fd, g, PAGE, &p));
	fill(p, PAGE, 7);
	h[0] = handle_gem(g, 0, PAGE);
	h[1] = handle_gem(self->gem[1], 0, PAGE);
	ASSERT_EQ(0, accel_handles(self->fd, self->simtest, 1, 1, h, r));
	EXPECT_EQ(0, memcmp(self->map[1], p, PAGE));
	EXPECT_EQ(0, frpc_gem_close(self->fd, g));
	munmap(p, PAGE);
	EXPECT_EQ(-ENOENT, accel_handles(self->fd, self->simtest, 1, 1, h, r));
}

/* ------------------------------------------------------------------ */
/* Legacy face                                                        */
/* ------------------------------------------------------------------ */

#define LEGACY_BUF_SIZE	(2 * PAGE)

static void set_arg(struct fastrpc_invoke_args *a, const void *p,
		    uint64_t len, int fd)
{
	a->ptr = (uintptr_t)p;
	a->length = len;
	a->fd = fd;
	a->attr = 0;
}

/* A handle: ptr is the offset into the buffer */
static void set_handle(struct fastrpc_invoke_args *a, int fd,
		       uint64_t offset, uint64_t len)
{
	a->ptr = offset;
	a->length = len;
	a->fd = fd;
	a->attr = 0;
}

static int legacy_invoke(int fd, uint32_t handle, uint32_t sc,
			 struct fastrpc_invoke_args *args)
{
	struct fastrpc_invoke inv = {
		.handle = handle,
		.sc = sc,
		.args = (uintptr_t)args,
	};

	return ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv);
}

/* ioctl result, or -errno */
static int legacy_handles(int fd, uint32_t simtest, uint32_t inh,
			  uint32_t outh, const struct fastrpc_invoke_args *h,
			  struct frpc_sim_handle_rec *recs)
{
	struct fastrpc_invoke_args args[1 + 2 * MAX_HANDLES];
	uint32_t i, n = inh + outh;
	int ret;

	memset(recs, 0xcc, n * sizeof(*recs));
	set_arg(&args[0], recs, n * sizeof(*recs), -1);
	for (i = 0; i < n; i++)
		args[1 + i] = h[i];
	ret = legacy_invoke(fd, simtest, FRPC_SC(FRPC_SIMTEST_HANDLES, 0, 1) |
			    FRPC_SC_HANDLES(inh, outh), args);
	return ret == -1 ? -errno : ret;
}

static int legacy_alloc(int fd, uint64_t size)
{
	struct fastrpc_alloc_dma_buf req = { .fd = -1, .size = size };

	if (ioctl(fd, FASTRPC_IOCTL_ALLOC_DMA_BUFF, &req))
		return -errno;
	return req.fd;
}

FIXTURE(legacy) {
	int fd;
	uint32_t simtest;
	int buf[2];
	uint8_t *map[2];
};

FIXTURE_SETUP(legacy)
{
	struct fastrpc_init_create init = { 0 };
	struct fastrpc_invoke_args a[4];
	struct { uint32_t urilen, dlerrlen; } in;
	struct { int32_t handle, dlerr; } out = { -1, -1 };
	static const char uri[] = FRPC_SIMTEST_URI;
	char errtxt[64] = "";
	int i;

	self->buf[0] = -1;
	self->buf[1] = -1;
	self->fd = open(LEGACY_NODE, O_RDWR);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, LEGACY_NODE " does not exist");
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->fd, FASTRPC_IOCTL_INIT_CREATE, &init))
		TH_LOG("INIT_CREATE: %s", strerror(errno));

	in.urilen = sizeof(uri);
	in.dlerrlen = sizeof(errtxt);
	set_arg(&a[0], &in, sizeof(in), -1);
	set_arg(&a[1], uri, sizeof(uri), -1);
	set_arg(&a[2], &out, sizeof(out), -1);
	set_arg(&a[3], errtxt, sizeof(errtxt), -1);
	ASSERT_EQ(0, legacy_invoke(self->fd, FRPC_HANDLE_REMOTECTL1,
				   FRPC_SC(FRPC_REMOTECTL1_OPEN1, 2, 2), a));
	ASSERT_EQ(0, out.dlerr) TH_LOG("open simtest: %s", errtxt);
	self->simtest = out.handle;

	for (i = 0; i < 2; i++) {
		void *p;

		self->buf[i] = legacy_alloc(self->fd, LEGACY_BUF_SIZE);
		ASSERT_LE(0, self->buf[i]) TH_LOG("ALLOC_DMA_BUFF: %s",
						  strerror(-self->buf[i]));
		p = mmap(NULL, LEGACY_BUF_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED, self->buf[i], 0);
		ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
		self->map[i] = p;
	}
}

FIXTURE_TEARDOWN(legacy)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (self->map[i])
			munmap(self->map[i], LEGACY_BUF_SIZE);
		if (self->buf[i] >= 0)
			close(self->buf[i]);
	}
	if (self->fd >= 0)
		close(self->fd);
}

/* dma-buf in-handle to dma-buf out-handle */
TEST_F(legacy, dmabuf_in_to_out)
{
	struct fastrpc_invoke_args h[2];
	struct frpc_sim_handle_rec r[2];
	const uint32_t len = PAGE + 17;

	fill(self->map[0], LEGACY_BUF_SIZE, 8);
	memset(self->map[1], 0, LEGACY_BUF_SIZE);
	set_handle(&h[0], self->buf[0], 100, len);
	set_handle(&h[1], self->buf[1], 50, len);
	ASSERT_EQ(0, legacy_handles(self->fd, self->simtest, 1, 1, h, r));
	EXPECT_EQ(self->buf[0], r[0].fd);
	EXPECT_EQ(100u, r[0].offset);
	EXPECT_EQ(len, r[0].len);
	EXPECT_EQ(1u, r[0].mapped);
	EXPECT_EQ(self->buf[1], r[1].fd);
	EXPECT_EQ(50u, r[1].offset);
	EXPECT_EQ(1u, r[1].mapped);
	EXPECT_EQ(0, memcmp(self->map[1] + 50, self->map[0] + 100, len));
	EXPECT_EQ(0, self->map[1][49]);
	EXPECT_EQ(0, self->map[1][50 + len]);
}

/* No fd (-1 or 0) or no length: the values are sent, nothing mapped */
TEST_F(legacy, unmapped_handles)
{
	struct fastrpc_invoke_args h[4];
	struct frpc_sim_handle_rec r[4];

	set_handle(&h[0], -1, 0, 0);
	set_handle(&h[1], 0, 77, 0);
	set_handle(&h[2], self->buf[0], 5, 0);
	/* Not checked when empty, as before: only a cookie to the DSP */
	set_handle(&h[3], 12345, 6, 0);
	ASSERT_EQ(0, legacy_handles(self->fd, self->simtest, 2, 2, h, r));
	EXPECT_EQ(-1, r[0].fd);
	EXPECT_EQ(0, r[1].fd);
	EXPECT_EQ(77u, r[1].offset);
	EXPECT_EQ(self->buf[0], r[2].fd);
	EXPECT_EQ(5u, r[2].offset);
	EXPECT_EQ(12345, r[3].fd);
	EXPECT_EQ(0u, r[0].mapped + r[1].mapped + r[2].mapped + r[3].mapped);

	/*
	 * A length without a buffer: described as the old driver did (a
	 * page list entry with no pages); the DSP refuses it.
	 */
	set_handle(&h[0], -1, 0, 16);
	EXPECT_EQ((int)DSP_EBADPARM,
		  legacy_handles(self->fd, self->simtest, 1, 1, h, r));
}

/* Inline buffers, a dma-buf buffer and handles in one call */
TEST_F(legacy, mixed_buffers_and_handles)
{
	struct fastrpc_invoke_args a[2 + 3 + 1 + 1];
	struct frpc_sim_handle_rec r[2];
	uint8_t in0[100], out1[100];

	fill(in0, sizeof(in0), 9);
	fill(self->map[0], LEGACY_BUF_SIZE, 10);
	memset(self->map[1], 0, LEGACY_BUF_SIZE);
	memset(out1, 0, sizeof(out1));
	set_arg(&a[0], in0, sizeof(in0), -1);
	/* a dma-buf buffer argument: ptr is an address in its mapping */
	set_arg(&a[1], self->map[0] + PAGE, 64, self->buf[0]);
	set_arg(&a[2], r, sizeof(r), -1);
	set_arg(&a[3], out1, sizeof(out1), -1);
	set_arg(&a[4], self->map[1] + PAGE + 8, 64, self->buf[1]);
	set_handle(&a[5], self->buf[0], 0, 300);
	set_handle(&a[6], self->buf[1], 400, 300);
	ASSERT_EQ(0, legacy_invoke(self->fd, self->simtest,
				   FRPC_SC(FRPC_SIMTEST_HANDLES, 2, 3) |
				   FRPC_SC_HANDLES(1, 1), a))
		TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, memcmp(out1, in0, sizeof(in0)));
	EXPECT_EQ(0, memcmp(self->map[1] + PAGE + 8, self->map[0] + PAGE, 64));
	EXPECT_EQ(0, memcmp(self->map[1] + 400, self->map[0], 300));
	EXPECT_EQ(self->buf[0], r[0].fd);
	EXPECT_EQ(400u, r[1].offset);
}

/* Every buffer error of a handle is EINVAL, as for buffers */
TEST_F(legacy, bad_handles)
{
	struct fastrpc_invoke_args h[2];
	struct frpc_sim_handle_rec r[2];
	int pipefd[2];

	set_handle(&h[1], self->buf[1], 0, 16);
	/* Not a dma-buf; a descriptor that is not open */
	ASSERT_EQ(0, pipe(pipefd));
	set_handle(&h[0], pipefd[0], 0, 16);
	EXPECT_EQ(-EINVAL, legacy_handles(self->fd, self->simtest, 1, 1, h, r));
	close(pipefd[0]);
	close(pipefd[1]);
	set_handle(&h[0], pipefd[0], 0, 16);
	EXPECT_EQ(-EINVAL, legacy_handles(self->fd, self->simtest, 1, 1, h, r));
	set_handle(&h[0], -2, 0, 16);
	EXPECT_EQ(-EINVAL, legacy_handles(self->fd, self->simtest, 1, 1, h, r));
	/* Past the end of the buffer */
	set_handle(&h[0], self->buf[0], 0, LEGACY_BUF_SIZE + 1);
	EXPECT_EQ(-EINVAL, legacy_handles(self->fd, self->simtest, 1, 1, h, r));
	set_handle(&h[0], self->buf[0], LEGACY_BUF_SIZE - 8, 16);
	EXPECT_EQ(-EINVAL, legacy_handles(self->fd, self->simtest, 1, 1, h, r));
	/* More than the wire's 32 bits, mapped or not */
	set_handle(&h[0], self->buf[0], 1ull << 32, 16);
	EXPECT_EQ(-EINVAL, legacy_handles(self->fd, self->simtest, 1, 1, h, r));
	set_handle(&h[0], -1, 0, 1ull << 32);
	EXPECT_EQ(-EINVAL, legacy_handles(self->fd, self->simtest, 1, 1, h, r));
	set_handle(&h[0], -1, UINT64_MAX, 0);
	EXPECT_EQ(-EINVAL, legacy_handles(self->fd, self->simtest, 1, 1, h, r));
	/* The out-handle too */
	set_handle(&h[0], self->buf[0], 0, 16);
	set_handle(&h[1], self->buf[1], LEGACY_BUF_SIZE, 1);
	EXPECT_EQ(-EINVAL, legacy_handles(self->fd, self->simtest, 1, 1, h, r));
	/* The file still works */
	set_handle(&h[1], self->buf[1], 0, 16);
	EXPECT_EQ(0, legacy_handles(self->fd, self->simtest, 1, 1, h, r));
	/* The argument array must hold the handles: here it cannot */
	EXPECT_EQ(-1, legacy_invoke(self->fd, self->simtest,
				    FRPC_SC(FRPC_SIMTEST_HANDLES, 0, 1) |
				    FRPC_SC_HANDLES(1, 1),
				    (void *)(uintptr_t)8));
	EXPECT_EQ(EFAULT, errno);
}

/* 15 in-handles and 15 out-handles */
TEST_F(legacy, max_handles)
{
	struct fastrpc_invoke_args h[2 * MAX_HANDLES];
	struct frpc_sim_handle_rec r[2 * MAX_HANDLES];
	int i;

	fill(self->map[0], LEGACY_BUF_SIZE, 11);
	memset(self->map[1], 0, LEGACY_BUF_SIZE);
	for (i = 0; i < MAX_HANDLES; i++) {
		set_handle(&h[i], self->buf[0], i * 64, 64);
		set_handle(&h[MAX_HANDLES + i], self->buf[1], i * 64, 64);
	}
	ASSERT_EQ(0, legacy_handles(self->fd, self->simtest, MAX_HANDLES,
				    MAX_HANDLES, h, r));
	EXPECT_EQ(0, memcmp(self->map[1], self->map[0], MAX_HANDLES * 64));
	EXPECT_EQ(14u * 64, r[29].offset);
}

/* ------------------------------------------------------------------ */
/* Nothing is left behind                                             */
/* ------------------------------------------------------------------ */

static int wait_idle(char *bad, size_t badlen)
{
	unsigned int i, tries;
	uint64_t v = 0;
	int fd, ret;

	for (tries = 0; tries < 150; tries++) {
		fd = frpc_open_domain("cdsp", NULL, NULL, 0);
		if (fd < 0)
			return fd;
		for (i = 0; i < ARRAY_SIZE(idle_counters); i++) {
			ret = frpc_drv_counter(fd, idle_counters[i], &v);
			if (ret || v)
				break;
		}
		close(fd);
		if (i == ARRAY_SIZE(idle_counters))
			return 0;
		snprintf(bad, badlen, "%s=%llu (%s)", idle_counters[i],
			 (unsigned long long)v, ret ? strerror(-ret) : "not 0");
		usleep(100000);
	}
	return -EBUSY;
}

/* Good and bad handle calls on both faces leave no mapping behind */
TEST(no_leaks)
{
	struct drm_fastrpc_arg h[2];
	struct fastrpc_invoke_args lh[2];
	struct frpc_sim_handle_rec r[2];
	struct fastrpc_init_create init = { 0 };
	uint32_t simtest, g[2];
	char bad[128] = "";
	int fd, lfd, dfd, bfd, i, ret;

	fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	if (fd == -ENOENT)
		SKIP(return, "no cdsp device");
	ASSERT_LE(0, fd);
	ret = wait_idle(bad, sizeof(bad));
	if (ret)
		SKIP(return, "device not idle before the test: %s", bad);

	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	ASSERT_EQ(0, frpc_module_open(fd, FRPC_SIMTEST_URI, &simtest));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, frpc_gem_create(fd, PAGE, &g[i]));
	ASSERT_EQ(0, frpc_prime_export(fd, g[1], &dfd));
	for (i = 0; i < 20; i++) {
		h[0] = handle_gem(g[0], 0, 64);
		h[1] = frpc_arg_dmabuf(dfd, 64, 64);
		EXPECT_EQ(0, accel_handles(fd, simtest, 1, 1, h, r));
		h[1] = frpc_arg_dmabuf(dfd, PAGE, 1);
		EXPECT_EQ(-ERANGE, accel_handles(fd, simtest, 1, 1, h, r));
	}

	lfd = open(LEGACY_NODE, O_RDWR);
	if (lfd >= 0) {
		ASSERT_EQ(0, ioctl(lfd, FASTRPC_IOCTL_INIT_CREATE, &init));
		bfd = legacy_alloc(lfd, PAGE);
		ASSERT_LE(0, bfd);
		for (i = 0; i < 20; i++) {
			/* simtest is a handle of the accel file's PD only */
			set_handle(&lh[0], bfd, 0, 64);
			set_handle(&lh[1], dfd, 0, 64);
			legacy_handles(lfd, simtest, 1, 1, lh, r);
			set_handle(&lh[1], dfd, PAGE, 64);
			EXPECT_EQ(-EINVAL,
				  legacy_handles(lfd, simtest, 1, 1, lh, r));
		}
		close(bfd);
		close(lfd);
	}
	close(dfd);
	close(fd);

	ret = wait_idle(bad, sizeof(bad));
	EXPECT_EQ(0, ret) TH_LOG("not idle after the test: %s", bad);
}

TEST_HARNESS_MAIN
