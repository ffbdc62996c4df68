// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which commands the FastRPC nodes take, and what they write.
 *
 * The accel node takes the driver's ioctls and the DRM core ioctls an
 * accel client needs (VERSION, GET_CAP, GEM_CLOSE, PRIME_*), each only as
 * its whole command word: anything else is refused before DRM sees it
 * (DRM would run GET_UNIQUE and GET_MAGIC on a file without a master, and
 * its 32-bit path picks a routine by the command's number alone). Every
 * argument sits between canary bytes and guard pages: nothing may be
 * written outside it.
 *
 * The legacy node returns the DSP's result as the ioctl's value, but never
 * one of the kernel's own error codes, which would restart the system call
 * and send the call again (Documentation/accel/fastrpc/legacy.rst).
 *
 * Built 64-bit and 32-bit (fastrpc_ioctl_filter32: the .compat_ioctl
 * paths); self-contained, so that both builds are the same source.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/fastrpc_accel.h>
#include <misc/fastrpc.h>

#include "../../../../../accel/fastrpc/fastrpc_util.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#include "kselftest_harness.h"

#define ACCEL_NODE	"/dev/accel/accel0"
#define LEGACY_NODE	"/dev/fastrpc-cdsp"
#define SIM_DIR		"/sys/kernel/debug/fastrpc_sim/cdsp0"

#define CANARY		0xa5
#define RANDOM_CMDS	2000

/* ------------------------------------------------------------------ */
/* An argument between canaries, in a page between two guard pages     */

struct guarded {
	uint8_t *map;	/* guard page, data page, guard page */
	uint8_t *page;
	uint8_t *arg;
	size_t size;
	size_t psize;
};

/* @size bytes, 8-byte aligned, 64 canary bytes from the end of the page */
static int guard_alloc(struct guarded *g, size_t size)
{
	g->psize = sysconf(_SC_PAGESIZE);
	if (size > g->psize - 128)
		return -1;
	g->map = mmap(NULL, 3 * g->psize, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->map == MAP_FAILED)
		return -1;
	g->page = g->map + g->psize;
	if (mprotect(g->page, g->psize, PROT_READ | PROT_WRITE))
		return -1;
	g->size = size;
	g->arg = g->page + ((g->psize - 64 - size) & ~(size_t)7);
	memset(g->page, CANARY, g->psize);
	memset(g->arg, 0, size);
	return 0;
}

static void guard_free(struct guarded *g)
{
	munmap(g->map, 3 * g->psize);
}

/* Offset of the first changed canary byte, or -1 */
static long guard_check(const struct guarded *g)
{
	size_t i;

	for (i = 0; i < g->psize; i++) {
		if (g->page + i >= g->arg && g->page + i < g->arg + g->size)
			continue;
		if (g->page[i] != CANARY)
			return (long)i;
	}
	return -1;
}

/* ioctl() with the argument of @size bytes, zeroed; returns the errno or 0 */
static int guarded_ioctl(int fd, unsigned long cmd, size_t size,
			 long *changed)
{
	struct guarded g;
	int ret;

	if (guard_alloc(&g, size))
		return -1;
	ret = ioctl(fd, cmd, g.arg) ? errno : 0;
	*changed = guard_check(&g);
	guard_free(&g);
	return ret;
}

#define EXPECT_REFUSED(fd, cmd, size, err) do {				\
	long __changed;							\
	int __e = guarded_ioctl(fd, cmd, size, &__changed);		\
	EXPECT_EQ(err, __e) TH_LOG("%s (%#lx): %s", #cmd,		\
				   (unsigned long)(cmd), strerror(__e)); \
	EXPECT_EQ(-1, __changed) TH_LOG("%s: byte %ld of the page written", \
					#cmd, __changed);		\
} while (0)

/* The command word of @cmd with another argument size */
#define RESIZE(cmd, size) \
	_IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), (size))

/* DRM_IOCTL_VERSION of the other ABI: 64 bytes on 64-bit, 36 on 32-bit */
#define VERSION_SIZE_OTHER \
	(sizeof(struct drm_version) == 64 ? 36 : 64)

/* ------------------------------------------------------------------ */
/* The accel node                                                     */

FIXTURE(accel) {
	int fd;
};

FIXTURE_SETUP(accel)
{
	self->fd = open(ACCEL_NODE, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, ACCEL_NODE " does not exist");
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
}

FIXTURE_TEARDOWN(accel)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Core ioctls of primary nodes: GET_UNIQUE and GET_MAGIC oopsed */
TEST_F(accel, core_master_ioctls)
{
	EXPECT_REFUSED(self->fd, DRM_IOCTL_GET_UNIQUE,
		       sizeof(struct drm_unique), ENOTTY);
	EXPECT_REFUSED(self->fd, DRM_IOCTL_GET_MAGIC,
		       sizeof(struct drm_auth), ENOTTY);
	EXPECT_REFUSED(self->fd, DRM_IOCTL_AUTH_MAGIC,
		       sizeof(struct drm_auth), ENOTTY);
	EXPECT_REFUSED(self->fd, DRM_IOCTL_SET_MASTER, 0, ENOTTY);
	EXPECT_REFUSED(self->fd, DRM_IOCTL_DROP_MASTER, 0, ENOTTY);
}

/* Core ioctls no accel client needs, with a 32-bit translation or not */
TEST_F(accel, core_other_ioctls)
{
	EXPECT_REFUSED(self->fd, DRM_IOCTL_GET_CLIENT,
		       sizeof(struct drm_client), ENOTTY);
	EXPECT_REFUSED(self->fd, DRM_IOCTL_GET_STATS,
		       sizeof(struct drm_stats), ENOTTY);
	EXPECT_REFUSED(self->fd, DRM_IOCTL_SET_UNIQUE,
		       sizeof(struct drm_unique), ENOTTY);
	EXPECT_REFUSED(self->fd, DRM_IOCTL_WAIT_VBLANK,
		       sizeof(union drm_wait_vblank), ENOTTY);
	EXPECT_REFUSED(self->fd, DRM_IOCTL_SET_CLIENT_CAP,
		       sizeof(struct drm_set_client_cap), ENOTTY);
	EXPECT_REFUSED(self->fd, DRM_IOCTL_GEM_FLINK,
		       sizeof(struct drm_gem_flink), ENOTTY);
	EXPECT_REFUSED(self->fd, DRM_IOCTL_GEM_OPEN,
		       sizeof(struct drm_gem_open), ENOTTY);
	EXPECT_REFUSED(self->fd, DRM_IOCTL_SYNCOBJ_CREATE,
		       sizeof(struct drm_syncobj_create), ENOTTY);
	EXPECT_REFUSED(self->fd, DRM_IOCTL_MODE_GETRESOURCES,
		       sizeof(struct drm_mode_card_res), ENOTTY);
}

/* The legacy UAPI sent to the accel node: nr 1 was GET_UNIQUE, 6 GET_STATS */
TEST_F(accel, legacy_ioctls)
{
	EXPECT_REFUSED(self->fd, FASTRPC_IOCTL_ALLOC_DMA_BUFF,
		       sizeof(struct fastrpc_alloc_dma_buf), ENOTTY);
	EXPECT_REFUSED(self->fd, FASTRPC_IOCTL_FREE_DMA_BUFF,
		       sizeof(__u32), ENOTTY);
	EXPECT_REFUSED(self->fd, FASTRPC_IOCTL_INVOKE,
		       sizeof(struct fastrpc_invoke), ENOTTY);
	EXPECT_REFUSED(self->fd, FASTRPC_IOCTL_INIT_ATTACH, 0, ENOTTY);
	EXPECT_REFUSED(self->fd, FASTRPC_IOCTL_INIT_CREATE,
		       sizeof(struct fastrpc_init_create), ENOTTY);
	EXPECT_REFUSED(self->fd, FASTRPC_IOCTL_MMAP,
		       sizeof(struct fastrpc_req_mmap), ENOTTY);
	EXPECT_REFUSED(self->fd, FASTRPC_IOCTL_MUNMAP,
		       sizeof(struct fastrpc_req_munmap), ENOTTY);
	EXPECT_REFUSED(self->fd, FASTRPC_IOCTL_INIT_ATTACH_SNS, 0, ENOTTY);
	EXPECT_REFUSED(self->fd, FASTRPC_IOCTL_INIT_CREATE_STATIC,
		       sizeof(struct fastrpc_init_create_static), ENOTTY);
	EXPECT_REFUSED(self->fd, FASTRPC_IOCTL_MEM_MAP,
		       sizeof(struct fastrpc_mem_map), ENOTTY);
	EXPECT_REFUSED(self->fd, FASTRPC_IOCTL_MEM_UNMAP,
		       sizeof(struct fastrpc_mem_unmap), ENOTTY);
	EXPECT_REFUSED(self->fd, FASTRPC_IOCTL_GET_DSP_INFO,
		       sizeof(struct fastrpc_ioctl_capability), ENOTTY);
}

/* The same numbers as DRM commands of the wrong size (GET_UNIQUE, GET_STATS) */
TEST_F(accel, drm_numbers_wrong_size)
{
	EXPECT_REFUSED(self->fd, RESIZE(DRM_IOCTL_GET_UNIQUE, 32), 32, ENOTTY);
	EXPECT_REFUSED(self->fd, RESIZE(DRM_IOCTL_GET_STATS, 32), 32, ENOTTY);
	EXPECT_REFUSED(self->fd, RESIZE(DRM_IOCTL_GET_CLIENT, 32), 32, ENOTTY);
}

/* Is @type a type the VFS serves before the driver (FIOCLEX, FIFREEZE, ...)? */
static int vfs_type(unsigned int type)
{
	return type == 'T' || type == 'X' || type == 'f' || type == 0x94 ||
	       type == 0x15 || type == 0;
}

TEST_F(accel, random_other_types)
{
	unsigned int seed = 8, i, type, dir, nr, size;
	unsigned long cmd;
	long changed;
	int e;

	srand(seed);
	for (i = 0; i < RANDOM_CMDS; i++) {
		do {
			type = rand() & 0xff;
		} while (type == DRM_IOCTL_BASE || vfs_type(type));
		dir = rand() & 3;
		nr = rand() & 0xff;
		size = dir ? rand() % 512 : 0;
		cmd = _IOC(dir, type, nr, size);
		e = guarded_ioctl(self->fd, cmd, size, &changed);
		EXPECT_EQ(ENOTTY, e) TH_LOG("seed %u #%u: cmd %#lx: %s",
					    seed, i, cmd, strerror(e));
		EXPECT_EQ(-1, changed) TH_LOG("seed %u #%u: cmd %#lx wrote byte %ld",
					      seed, i, cmd, changed);
		if (e != ENOTTY || changed != -1)
			break;
	}
}

/* Our numbers and the allowed core ones, with another size or direction */
TEST_F(accel, wrong_size_or_direction)
{
	EXPECT_REFUSED(self->fd, RESIZE(DRM_IOCTL_VERSION, 8), 8, EINVAL);
	EXPECT_REFUSED(self->fd, RESIZE(DRM_IOCTL_VERSION, VERSION_SIZE_OTHER),
		       VERSION_SIZE_OTHER, EINVAL);
	EXPECT_REFUSED(self->fd, RESIZE(DRM_IOCTL_GEM_CLOSE, 16), 16, EINVAL);
	EXPECT_REFUSED(self->fd, RESIZE(DRM_IOCTL_GET_CAP, 8), 8, EINVAL);
	EXPECT_REFUSED(self->fd, RESIZE(DRM_IOCTL_PRIME_FD_TO_HANDLE, 16), 16,
		       EINVAL);
	EXPECT_REFUSED(self->fd,
		       RESIZE(DRM_IOCTL_FASTRPC_QUERY,
			      sizeof(struct drm_fastrpc_query) - 8),
		       sizeof(struct drm_fastrpc_query) - 8, EINVAL);
	EXPECT_REFUSED(self->fd,
		       RESIZE(DRM_IOCTL_FASTRPC_INVOKE,
			      sizeof(struct drm_fastrpc_invoke) + 8),
		       sizeof(struct drm_fastrpc_invoke) + 8, EINVAL);
	EXPECT_REFUSED(self->fd,
		       _IOC(_IOC_WRITE, DRM_IOCTL_BASE,
			    _IOC_NR(DRM_IOCTL_FASTRPC_QUERY),
			    sizeof(struct drm_fastrpc_query)),
		       sizeof(struct drm_fastrpc_query), EINVAL);
	/* A driver number past ours */
	EXPECT_REFUSED(self->fd,
		       DRM_IOWR(DRM_COMMAND_BASE + 0x20, struct drm_fastrpc_query),
		       sizeof(struct drm_fastrpc_query), EINVAL);
}

TEST_F(accel, version)
{
	struct drm_version *v;
	struct guarded g, name;
	long changed;

	ASSERT_EQ(0, guard_alloc(&g, sizeof(*v)));
	ASSERT_EQ(0, guard_alloc(&name, 7));
	v = (struct drm_version *)g.arg;
	v->name = (char *)name.arg;
	v->name_len = 7;
	EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_VERSION, v))
		TH_LOG("VERSION: %s", strerror(errno));
	EXPECT_EQ(7u, v->name_len);
	EXPECT_EQ(0, memcmp(name.arg, "fastrpc", 7));
	changed = guard_check(&g);
	EXPECT_EQ(-1, changed) TH_LOG("VERSION wrote byte %ld", changed);
	changed = guard_check(&name);
	EXPECT_EQ(-1, changed) TH_LOG("VERSION wrote name byte %ld", changed);
	guard_free(&name);
	guard_free(&g);
}

TEST_F(accel, allowed_core_ioctls)
{
	struct drm_prime_handle ph = { .handle = 0x7fffffff, .fd = -1 };
	struct drm_gem_close gc = { .handle = 0x7fffffff };
	struct drm_get_cap cap = { .capability = DRM_CAP_PRIME };

	EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_GET_CAP, &cap))
		TH_LOG("GET_CAP: %s", strerror(errno));
	EXPECT_EQ((uint64_t)(DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT),
		  cap.value);

	/* The core ioctls' own errors */
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_GEM_CLOSE, &gc));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph));
	EXPECT_EQ(ENOENT, errno);
	ph.fd = -1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph));
	EXPECT_EQ(EBADF, errno);
}

TEST_F(accel, driver_ioctl)
{
	struct drm_fastrpc_device_info *info;
	struct drm_fastrpc_query q = { .type = DRM_FASTRPC_QUERY_DEVICE_INFO };
	struct guarded g;
	long changed;

	ASSERT_EQ(0, guard_alloc(&g, sizeof(*info)));
	info = (struct drm_fastrpc_device_info *)g.arg;
	q.size = sizeof(*info);
	q.pointer = (uintptr_t)info;
	EXPECT_EQ(0, ioctl(self->fd, DRM_IOCTL_FASTRPC_QUERY, &q))
		TH_LOG("QUERY: %s", strerror(errno));
	EXPECT_EQ(0, strncmp((const char *)info->domain, "cdsp",
			     sizeof(info->domain)));
	changed = guard_check(&g);
	EXPECT_EQ(-1, changed) TH_LOG("QUERY wrote byte %ld", changed);
	guard_free(&g);
}

/* ------------------------------------------------------------------ */
/* The legacy node: DSP results that are kernel error codes            */

static long sim_messages(void)
{
	long v = -1;
	FILE *f;

	f = fopen(SIM_DIR "/messages", "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int sim_knob(const char *name, int val)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), SIM_DIR "/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ok = fprintf(f, "%d\n", val) > 0;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	alarms++;
}

static void set_arg(struct fastrpc_invoke_args *a, const void *p, size_t len)
{
	a->ptr = (uintptr_t)p;
	a->length = len;
	a->fd = -1;
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

/* remotectl1 open1 of simtest; the module handle or -1 */
static int64_t legacy_open_simtest(int fd)
{
	struct fastrpc_invoke_args a[4];
	struct { uint32_t urilen, dlerrlen; } in;
	struct { int32_t handle, dlerr; } out = { -1, -1 };
	char errtxt[256] = "";

	in.urilen = strlen(FRPC_SIMTEST_URI) + 1;
	in.dlerrlen = sizeof(errtxt);
	set_arg(&a[0], &in, sizeof(in));
	set_arg(&a[1], FRPC_SIMTEST_URI, in.urilen);
	set_arg(&a[2], &out, sizeof(out));
	set_arg(&a[3], errtxt, sizeof(errtxt));
	if (legacy_invoke(fd, FRPC_HANDLE_REMOTECTL1,
			  FRPC_SC(FRPC_REMOTECTL1_OPEN1, 2, 2), a) || out.dlerr)
		return -1;
	return (uint32_t)out.handle;
}

/* simtest ERROR: the DSP method returns @val */
static int simtest_error(int fd, uint32_t h, int32_t val)
{
	struct fastrpc_invoke_args a[1];

	set_arg(&a[0], &val, sizeof(val));
	return legacy_invoke(fd, h, FRPC_SC(FRPC_SIMTEST_ERROR, 1, 0), a);
}

FIXTURE(legacy) {
	int fd;
	uint32_t h;
};

FIXTURE_SETUP(legacy)
{
	struct fastrpc_init_create init = { 0 };
	int64_t h;

	self->fd = open(LEGACY_NODE, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, LEGACY_NODE " does not exist");
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->fd, FASTRPC_IOCTL_INIT_CREATE, &init))
		TH_LOG("INIT_CREATE: %s", strerror(errno));
	h = legacy_open_simtest(self->fd);
	ASSERT_LE(0, h) TH_LOG("opening simtest failed");
	self->h = h;
	if (sim_messages() < 0)
		SKIP(return, SIM_DIR "/messages not readable");
}

FIXTURE_TEARDOWN(legacy)
{
	sim_knob("delay_ms", 0);
	if (self->fd >= 0)
		close(self->fd);
}

/* -ERESTARTSYS .. -ENOGRACE (512 .. 531): once, as EREMOTEIO */
TEST_F(legacy, kernel_errnos_mapped)
{
	long before, after;
	int32_t v;
	int ret;

	for (v = -531; v <= -512; v++) {
		before = sim_messages();
		errno = 0;
		ret = simtest_error(self->fd, self->h, v);
		after = sim_messages();
		EXPECT_EQ(-1, ret) TH_LOG("DSP result %d: ioctl returned %d",
					  v, ret);
		EXPECT_EQ(EREMOTEIO, errno) TH_LOG("DSP result %d: %s", v,
						   strerror(errno));
		EXPECT_EQ(before + 1, after)
			TH_LOG("DSP result %d: %ld messages sent", v,
			       after - before);
	}
}

/*
 * The same with a signal (handled, SA_RESTART) pending when the ioctl
 * returns, as when one arrives during the call: the kernel restarted the
 * ioctl for -ERESTARTSYS and -ERESTARTNOINTR, and the call went to the DSP
 * again. The DSP's replies are late by the simulator's delay_ms knob, the
 * signal comes 20 ms into the call (earlier, it only makes the check
 * weaker).
 */
TEST_F(legacy, kernel_errnos_mapped_signal)
{
	struct itimerval it = { .it_value = { .tv_usec = 20000 } };
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	long before, after;
	int32_t v;
	int ret;

	if (sim_knob("delay_ms", 100))
		SKIP(return, SIM_DIR "/delay_ms not writable");
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	for (v = -531; v <= -512; v++) {
		alarms = 0;
		before = sim_messages();
		ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
		errno = 0;
		ret = simtest_error(self->fd, self->h, v);
		after = sim_messages();
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EREMOTEIO, errno) TH_LOG("DSP result %d: %s", v,
						   strerror(errno));
		EXPECT_EQ(before + 1, after)
			TH_LOG("DSP result %d: %ld messages sent", v,
			       after - before);
		EXPECT_EQ(1, alarms);
	}
	sim_knob("delay_ms", 0);
}

/* Other DSP results come back unchanged, as from the old driver */
TEST_F(legacy, other_results_unchanged)
{
	static const int32_t vals[] = { -22, -511, -532, -4095 };
	long before, after;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		before = sim_messages();
		errno = 0;
		ret = simtest_error(self->fd, self->h, vals[i]);
		after = sim_messages();
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(-vals[i], errno) TH_LOG("DSP result %d: errno %d",
						  vals[i], errno);
		EXPECT_EQ(before + 1, after);
	}
	/* An AEE error is not an errno: the ioctl's value */
	before = sim_messages();
	ret = simtest_error(self->fd, self->h,
			    (int32_t)FRPC_DSP_ERR(FRPC_AEE_EBADPARM));
	after = sim_messages();
	EXPECT_EQ((int)FRPC_DSP_ERR(FRPC_AEE_EBADPARM), ret);
	EXPECT_EQ(before + 1, after);
	EXPECT_EQ(0, simtest_error(self->fd, self->h, 0));
}

TEST_HARNESS_MAIN
