// SPDX-License-Identifier: GPL-2.0-only
/*
 * DSP restarts through the remoteproc core, as on a Qualcomm board: each
 * live simulated DSP is a remote processor (Documentation/accel/fastrpc/
 * sim.rst) whose debugfs "crash" (recovery enabled) removes the rpmsg
 * device and registers it again.
 *
 * Deterministic cases: the /sys/class/remoteproc entries (and the lookup
 * the FastRPC library does in them), a crash while a call sleeps in the
 * DSP, the legacy node after a crash, sysfs stop/start, a boot without
 * the firmware file, the configfs "live" toggle.
 *
 * The soak: FASTRPC_RESTARTS (default 200) crashes of cdsp0 and adsp0
 * under four processes of mixed load on both faces (PD create and
 * release, inline, GEM and dma-buf arguments, MAP/UNMAP, sleeping calls,
 * opens and closes). Calls may fail with EPIPE, ENODEV or ETIMEDOUT while
 * a DSP restarts, and a legacy node is absent (ENOENT) while its channel
 * is down; any other failure, or wrong data, fails the test. Afterwards,
 * with no file open, every "now" counter of the driver and the SMMU pages
 * of the simulator must be back to 0, and a new PD must answer a call.
 *
 * Expects the harness's instances cdsp0 (cdsp, 3 sessions) and adsp0
 * (adsp, 2 sessions), debugfs at /sys/kernel/debug.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <misc/fastrpc.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#include "kselftest_harness.h"
#include "../../../../../accel/fastrpc/fastrpc_util.h"

#define SIM_CFG			"/sys/kernel/config/fastrpc-sim"
#define SIM_DEBUGFS		FRPC_DEBUGFS "/fastrpc_sim"
#define RPROC_CLASS		"/sys/class/remoteproc"
#define RPROC_DEBUGFS		FRPC_DEBUGFS "/remoteproc"
#define SIM_FIRMWARE		"fastrpc-sim.mbn"
/* enum rproc_crash_type: mmufault, watchdog, fatal error */
#define RPROC_CRASH_TYPES	3
/* One restart, under load, on TCG with KASAN: generous */
#define RESTART_TIMEOUT_MS	30000
#define NWORKERS		4
#define BO_SIZE			65536
#define INLINE_MAX		8192
#define MAX_BAD			8

#define LSC(m, in, out)	(((uint32_t)(m) << 24) | ((in) << 16) | ((out) << 8))
#define ADSP_MMAP_ADD_PAGES	0x1000

struct sim_inst {
	const char *name;	/* configfs/debugfs instance */
	const char *label;	/* accel domain */
	const char *rproc;	/* remoteproc name the FastRPC library expects */
	const char *legacy;	/* legacy node */
};

static const struct sim_inst cdsp = {
	"cdsp0", "cdsp", "cdsp", "/dev/fastrpc-cdsp"
};
static const struct sim_inst adsp = {
	"adsp0", "adsp", "adsp", "/dev/fastrpc-adsp"
};

/* ------------------------------------------------------------------ */
/* sysfs, debugfs and configfs                                        */
/* ------------------------------------------------------------------ */

static int read_line(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int write_line(const char *path, const char *val)
{
	ssize_t len = strlen(val), n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n != len)
		ret = n < 0 ? -errno : -EIO;
	close(fd);
	return ret;
}

/* "index" or "starts" of debugfs fastrpc_sim/<inst>/remoteproc */
static int64_t sim_rproc(const char *inst, const char *what)
{
	char path[256];
	uint64_t v;
	int ret;

	snprintf(path, sizeof(path), SIM_DEBUGFS "/%s/remoteproc", inst);
	ret = frpc_read_counter(path, what, &v);
	return ret ? ret : (int64_t)v;
}

static void rproc_path(char *buf, size_t len, int idx, const char *attr)
{
	snprintf(buf, len, RPROC_CLASS "/remoteproc%d/%s", idx, attr);
}

static int rproc_read(int idx, const char *attr, char *buf, size_t len)
{
	char path[256];

	rproc_path(path, sizeof(path), idx, attr);
	return read_line(path, buf, len);
}

static int rproc_write(int idx, const char *attr, const char *val)
{
	char path[256];

	rproc_path(path, sizeof(path), idx, attr);
	return write_line(path, val);
}

static int rproc_crash(int idx, unsigned int type)
{
	char path[256], val[16];

	snprintf(path, sizeof(path), RPROC_DEBUGFS "/remoteproc%d/crash", idx);
	snprintf(val, sizeof(val), "%u\n", type);
	return write_line(path, val);
}

static int rproc_state_is(int idx, const char *state)
{
	char buf[64];

	return !rproc_read(idx, "state", buf, sizeof(buf)) &&
	       !strcmp(buf, state);
}

/* The accel device of @label answers DEVICE_INFO with ONLINE set */
static int dev_online(int fd)
{
	struct drm_fastrpc_device_info info;

	return !frpc_device_info(fd, &info) &&
	       (info.flags & DRM_FASTRPC_DEVICE_ONLINE);
}

static int open_accel(const struct sim_inst *si)
{
	return frpc_open_domain(si->label, NULL, NULL, 0);
}

/*
 * Wait until the instance's channel has been added again since @starts0,
 * its remote processor runs and its accel device is online. Returns the
 * time it took in ms, or -ETIMEDOUT.
 */
static int wait_restart(const struct sim_inst *si, int64_t starts0,
			uint64_t t0, int timeout_ms)
{
	int idx = sim_rproc(si->name, "index");
	uint64_t end = t0 + (uint64_t)timeout_ms * 1000;
	int fd = open_accel(si), ret = -ETIMEDOUT;

	if (fd < 0 || idx < 0) {
		if (fd >= 0)
			close(fd);
		return fd < 0 ? fd : idx;
	}
	do {
		if (sim_rproc(si->name, "starts") > starts0 &&
		    rproc_state_is(idx, "running") && dev_online(fd)) {
			ret = (int)((frpc_now_us() - t0) / 1000);
			break;
		}
		usleep(2000);
	} while (frpc_now_us() < end);
	close(fd);
	return ret;
}

/* Wait for @path to exist (@present) or not */
static int wait_path(const char *path, int present, int timeout_ms)
{
	uint64_t end = frpc_now_us() + (uint64_t)timeout_ms * 1000;

	do {
		if ((access(path, F_OK) == 0) == !!present)
			return 0;
		usleep(5000);
	} while (frpc_now_us() < end);
	return -ETIMEDOUT;
}

/* ------------------------------------------------------------------ */
/* Calls                                                              */
/* ------------------------------------------------------------------ */

static int sim_sleep(int fd, uint32_t h, uint32_t ms)
{
	struct frpc_buf i = { &ms, sizeof(ms) };

	return frpc_invoke(fd, h, FRPC_SIMTEST_SLEEP, &i, 1, NULL, 0, 0, NULL);
}

static void fill(uint8_t *p, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)((seed + i) * 2654435761u >> 13);
}

/* An inline echo of @len bytes: 0, -EBADMSG on wrong data, or -errno */
static int echo_inline(int fd, uint32_t h, size_t len, uint32_t seed)
{
	static __thread uint8_t in[INLINE_MAX], out[INLINE_MAX];
	struct frpc_buf i = { in, len }, o = { out, len };
	int ret;

	fill(in, len, seed);
	memset(out, 0, len);
	ret = frpc_invoke(fd, h, FRPC_SIMTEST_ECHO, &i, 1, &o, 1, 0, NULL);
	if (!ret && memcmp(in, out, len))
		ret = -EBADMSG;
	return ret;
}

/* A new dynamic PD on the accel device of @si answers an echo */
static int new_pd_works(const struct sim_inst *si)
{
	uint32_t h;
	int fd, ret;

	fd = open_accel(si);
	if (fd < 0)
		return fd;
	ret = frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				DRM_FASTRPC_PROCESS_UNSIGNED);
	if (!ret)
		ret = frpc_module_open(fd, FRPC_SIMTEST_URI, &h);
	if (!ret)
		ret = echo_inline(fd, h, 256, 7);
	close(fd);
	return ret;
}

/* Legacy face */
static void lset(struct fastrpc_invoke_args *a, const void *p, size_t len,
		 int fd)
{
	a->ptr = (uintptr_t)p;
	a->length = len;
	a->fd = fd;
	a->attr = 0;
}

/* 0, or -errno; a positive DSP result becomes -EREMOTEIO */
static int linvoke(int fd, uint32_t handle, uint32_t sc,
		   struct fastrpc_invoke_args *args)
{
	struct fastrpc_invoke inv = {
		.handle = handle, .sc = sc, .args = (uintptr_t)args,
	};
	int ret = ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv);

	if (ret < 0)
		return -errno;
	return ret ? -EREMOTEIO : 0;
}

static int lcreate_pd(int fd)
{
	struct fastrpc_init_create init = { 0 };

	return ioctl(fd, FASTRPC_IOCTL_INIT_CREATE, &init) ? -errno : 0;
}

static int lopen_module(int fd, uint32_t *handle)
{
	const char *uri = FRPC_SIMTEST_URI;
	struct fastrpc_invoke_args a[4];
	struct { uint32_t urilen, dlerrlen; } in;
	struct { int32_t handle, dlerr; } out = { -1, -1 };
	char errtxt[128] = "";
	int ret;

	in.urilen = strlen(uri) + 1;
	in.dlerrlen = sizeof(errtxt);
	lset(&a[0], &in, sizeof(in), -1);
	lset(&a[1], uri, in.urilen, -1);
	lset(&a[2], &out, sizeof(out), -1);
	lset(&a[3], errtxt, sizeof(errtxt), -1);
	ret = linvoke(fd, 8, LSC(2, 2, 2), a);
	if (!ret && out.dlerr)
		ret = -ENOENT;
	*handle = out.handle;
	return ret;
}

static int lecho(int fd, uint32_t h, const void *in, void *out, size_t len,
		 int out_fd)
{
	struct fastrpc_invoke_args a[2];

	lset(&a[0], in, len, -1);
	lset(&a[1], out, len, out_fd);
	return linvoke(fd, h, LSC(FRPC_SIMTEST_ECHO, 1, 1), a);
}

static int lsleep(int fd, uint32_t h, uint32_t ms)
{
	struct fastrpc_invoke_args a[1];

	lset(&a[0], &ms, sizeof(ms), -1);
	return linvoke(fd, h, LSC(FRPC_SIMTEST_SLEEP, 1, 0), a);
}

/* ------------------------------------------------------------------ */
/* Deterministic cases                                                */
/* ------------------------------------------------------------------ */

/* Skip without the instance; fail if it has no remote processor */
#define RPROC_IDX_OR_SKIP(idx, si) do {					\
	char _p[128];							\
									\
	snprintf(_p, sizeof(_p), SIM_CFG "/%s", (si)->name);		\
	if (access(_p, F_OK))						\
		SKIP(return, "no simulated %s", (si)->name);		\
	idx = sim_rproc((si)->name, "index");				\
	ASSERT_LE(0, idx) TH_LOG("no remoteproc file for %s: %s",	\
				 (si)->name, strerror(-idx));		\
} while (0)

/* The FastRPC library's DOMAIN_SUPPORT lookup (fastrpc_cap.c) */
static int library_finds(const char *search)
{
	char path[64], name[64];
	int i;

	for (i = 0; ; i++) {
		snprintf(path, sizeof(path), RPROC_CLASS "/remoteproc%d/name",
			 i);
		if (read_line(path, name, sizeof(name)))
			return 0;
		if (strstr(name, search))
			return 1;
	}
}

TEST(remoteproc_sysfs)
{
	const struct sim_inst *all[] = { &cdsp, &adsp };
	char buf[128], path[256];
	unsigned int i;
	int idx, n;

	for (i = 0; i < 2; i++) {
		RPROC_IDX_OR_SKIP(idx, all[i]);
		ASSERT_EQ(0, rproc_read(idx, "name", buf, sizeof(buf)))
			TH_LOG("remoteproc%d of %s", idx, all[i]->name);
		EXPECT_STREQ(all[i]->rproc, buf);
		ASSERT_EQ(0, rproc_read(idx, "state", buf, sizeof(buf)));
		EXPECT_STREQ("running", buf);
		ASSERT_EQ(0, rproc_read(idx, "firmware", buf, sizeof(buf)));
		EXPECT_STREQ(SIM_FIRMWARE, buf);
		snprintf(path, sizeof(path), RPROC_DEBUGFS "/remoteproc%d/recovery",
			 idx);
		ASSERT_EQ(0, read_line(path, buf, sizeof(buf)));
		EXPECT_STREQ("enabled", buf);
		snprintf(path, sizeof(path), RPROC_DEBUGFS "/remoteproc%d/crash",
			 idx);
		EXPECT_EQ(0, access(path, W_OK));
		EXPECT_LE(1, sim_rproc(all[i]->name, "starts"));
	}

	/* The library stops at the first missing index: no holes */
	for (n = 0; ; n++) {
		snprintf(path, sizeof(path), RPROC_CLASS "/remoteproc%d", n);
		if (access(path, F_OK))
			break;
	}
	snprintf(path, sizeof(path), RPROC_CLASS "/remoteproc%d", n + 1);
	EXPECT_NE(0, access(path, F_OK)) TH_LOG("hole at remoteproc%d", n);
	EXPECT_LE(2, n);

	/* adsp and cdsp supported; mdsp, sdsp, gdsp0 (no instance) not */
	EXPECT_EQ(1, library_finds("adsp"));
	EXPECT_EQ(1, library_finds("cdsp"));
	EXPECT_EQ(0, library_finds("mss"));
	EXPECT_EQ(0, library_finds("spss"));
	EXPECT_EQ(0, library_finds("gdsp0"));
}

struct sleeper {
	int fd;
	uint32_t h;
	uint32_t ms;
	int ret;
	uint64_t done_us;
};

static void *sleeper_fn(void *arg)
{
	struct sleeper *s = arg;

	s->ret = sim_sleep(s->fd, s->h, s->ms);
	s->done_us = frpc_now_us();
	return NULL;
}

/*
 * A crash through the remoteproc core while a call sleeps 20 s in the DSP:
 * the call fails with EPIPE or ENODEV at once, the PD is gone, the device
 * comes back online and a new PD answers.
 */
TEST(crash_during_sleep)
{
	struct sleeper s = { .ms = 20000, .ret = 1 };
	uint64_t in_flight = 0, t0, end;
	struct timespec ts;
	pthread_t th;
	int64_t starts;
	int idx, ms, ret;

	RPROC_IDX_OR_SKIP(idx, &cdsp);
	s.fd = open_accel(&cdsp);
	ASSERT_LE(0, s.fd);
	ASSERT_EQ(0, frpc_process_init(s.fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	ASSERT_EQ(0, frpc_module_open(s.fd, FRPC_SIMTEST_URI, &s.h));
	ASSERT_EQ(0, pthread_create(&th, NULL, sleeper_fn, &s));

	/* The call is in the DSP */
	end = frpc_now_us() + 5000000;
	while (frpc_now_us() < end &&
	       (frpc_drv_counter(s.fd, "in_flight", &in_flight) ||
		!in_flight))
		usleep(5000);
	EXPECT_EQ(1u, in_flight);
	usleep(100000);

	starts = sim_rproc(cdsp.name, "starts");
	ASSERT_LE(1, starts);
	t0 = frpc_now_us();
	ASSERT_EQ(0, rproc_crash(idx, 2)) TH_LOG("crash: %s", strerror(errno));

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	ret = pthread_timedjoin_np(th, NULL, &ts);
	ASSERT_EQ(0, ret) TH_LOG("the sleeping call did not return in 10 s");
	TH_LOG("call ended after %llu ms: %s",
	       (unsigned long long)(s.done_us - t0) / 1000, strerror(-s.ret));
	EXPECT_TRUE(s.ret == -EPIPE || s.ret == -ENODEV)
		TH_LOG("call returned %d", s.ret);
	EXPECT_GT(5000000ull, s.done_us - t0);

	ms = wait_restart(&cdsp, starts, t0, RESTART_TIMEOUT_MS);
	ASSERT_LE(0, ms) TH_LOG("cdsp did not come back: %s", strerror(-ms));
	TH_LOG("restarted in %d ms", ms);

	/* The old PD is gone for good, a new one works */
	ret = echo_inline(s.fd, s.h, 64, 1);
	EXPECT_TRUE(ret == -EPIPE || ret == -ENODEV) TH_LOG("old PD: %d", ret);
	close(s.fd);
	EXPECT_EQ(0, new_pd_works(&cdsp));
}

/*
 * The legacy node after a crash: an open file's calls fail with EPIPE or
 * ENODEV; the node comes back and a new file's PD answers.
 */
TEST(legacy_after_crash)
{
	static uint8_t in[512], out[512];
	uint32_t h;
	int64_t starts;
	uint64_t t0;
	int idx, fd, ret, ms;

	RPROC_IDX_OR_SKIP(idx, &cdsp);
	fd = open(cdsp.legacy, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		SKIP(return, "no %s", cdsp.legacy);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", cdsp.legacy, strerror(errno));
	ASSERT_EQ(0, lcreate_pd(fd));
	ASSERT_EQ(0, lopen_module(fd, &h));
	fill(in, sizeof(in), 3);
	ASSERT_EQ(0, lecho(fd, h, in, out, sizeof(in), -1));
	ASSERT_EQ(0, memcmp(in, out, sizeof(in)));

	starts = sim_rproc(cdsp.name, "starts");
	t0 = frpc_now_us();
	ASSERT_EQ(0, rproc_crash(idx, 1));
	ms = wait_restart(&cdsp, starts, t0, RESTART_TIMEOUT_MS);
	ASSERT_LE(0, ms) TH_LOG("cdsp did not come back: %s", strerror(-ms));

	ret = lecho(fd, h, in, out, sizeof(in), -1);
	EXPECT_TRUE(ret == -EPIPE || ret == -ENODEV)
		TH_LOG("old legacy file: %d (%s)", ret, strerror(-ret));
	close(fd);

	ASSERT_EQ(0, wait_path(cdsp.legacy, 1, 10000));
	fd = open(cdsp.legacy, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open after crash: %s", strerror(errno));
	EXPECT_EQ(0, lcreate_pd(fd));
	EXPECT_EQ(0, lopen_module(fd, &h));
	memset(out, 0, sizeof(out));
	EXPECT_EQ(0, lecho(fd, h, in, out, sizeof(in), -1));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
	close(fd);
}

/*
 * sysfs state stop/start: the channel goes and comes back; a start with a
 * missing firmware file fails and leaves the DSP offline.
 */
FIXTURE(rproc_state) {
	int idx;
};

FIXTURE_SETUP(rproc_state)
{
	self->idx = -1;
	RPROC_IDX_OR_SKIP(self->idx, &cdsp);
}

FIXTURE_TEARDOWN(rproc_state)
{
	if (self->idx < 0)
		return;
	/* Leave cdsp running for whoever comes next */
	if (!rproc_state_is(self->idx, "running")) {
		rproc_write(self->idx, "firmware", SIM_FIRMWARE);
		rproc_write(self->idx, "state", "start");
	}
}

TEST_F(rproc_state, stop_start)
{
	char buf[64];
	int fd, ret;

	fd = open_accel(&cdsp);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rproc_write(self->idx, "state", "stop"));
	EXPECT_TRUE(rproc_state_is(self->idx, "offline"));
	EXPECT_FALSE(dev_online(fd));
	EXPECT_EQ(-ENODEV, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
					     DRM_FASTRPC_PROCESS_UNSIGNED));
	EXPECT_EQ(0, wait_path(cdsp.legacy, 0, 5000));

	/* No firmware file: the core cannot boot it */
	ASSERT_EQ(0, rproc_write(self->idx, "firmware", "fastrpc-sim-none.mbn"));
	ret = rproc_write(self->idx, "state", "start");
	EXPECT_EQ(-ENOENT, ret) TH_LOG("start: %s", strerror(-ret));
	EXPECT_TRUE(rproc_state_is(self->idx, "offline"));
	EXPECT_FALSE(dev_online(fd));
	ASSERT_EQ(0, rproc_write(self->idx, "firmware", SIM_FIRMWARE));
	ASSERT_EQ(0, rproc_read(self->idx, "firmware", buf, sizeof(buf)));
	EXPECT_STREQ(SIM_FIRMWARE, buf);

	ASSERT_EQ(0, rproc_write(self->idx, "state", "start"));
	EXPECT_TRUE(rproc_state_is(self->idx, "running"));
	EXPECT_TRUE(dev_online(fd));
	close(fd);
	EXPECT_EQ(0, new_pd_works(&cdsp));
	EXPECT_EQ(0, wait_path(cdsp.legacy, 1, 5000));
}

/* configfs live=0 unregisters the remote processor, live=1 boots it */
TEST_F(rproc_state, live_toggle)
{
	char live[128], path[128], buf[64];
	int idx;

	snprintf(live, sizeof(live), SIM_CFG "/%s/live", cdsp.name);
	snprintf(path, sizeof(path), RPROC_CLASS "/remoteproc%d", self->idx);
	ASSERT_EQ(0, write_line(live, "0"));
	self->idx = -1;
	EXPECT_NE(0, access(path, F_OK)) TH_LOG("%s still there", path);
	EXPECT_EQ(-ENOENT, sim_rproc(cdsp.name, "index"));
	ASSERT_EQ(0, write_line(live, "1"));
	idx = sim_rproc(cdsp.name, "index");
	ASSERT_LE(0, idx);
	self->idx = idx;
	EXPECT_EQ(1, sim_rproc(cdsp.name, "starts"));
	ASSERT_EQ(0, rproc_read(idx, "name", buf, sizeof(buf)));
	EXPECT_STREQ(cdsp.rproc, buf);
	EXPECT_TRUE(rproc_state_is(idx, "running"));
	EXPECT_EQ(0, new_pd_works(&cdsp));
}

/* ------------------------------------------------------------------ */
/* The soak                                                           */
/* ------------------------------------------------------------------ */

enum soak_op {
	OP_OPEN, OP_PD, OP_MODULE, OP_ECHO, OP_GEM, OP_DMABUF, OP_MAP,
	OP_UNMAP, OP_SLEEP,
	OP_LOPEN, OP_LPD, OP_LMODULE, OP_LECHO, OP_LDMABUF, OP_LMMAP,
	OP_LMUNMAP, OP_LSLEEP,
	NR_OPS,
};

static const char * const op_names[NR_OPS] = {
	"open", "pd_create", "module_open", "echo_inline", "echo_gem",
	"echo_dmabuf", "map", "unmap", "sleep",
	"legacy_open", "legacy_pd_create", "legacy_module_open",
	"legacy_echo", "legacy_echo_dmabuf", "legacy_mmap", "legacy_munmap",
	"legacy_sleep",
};

enum soak_res {
	RES_OK, RES_EPIPE, RES_ENODEV, RES_ETIMEDOUT, RES_ABSENT, RES_BAD,
	NR_RESULTS,
};

static const char * const res_names[NR_RESULTS] = {
	"ok", "EPIPE", "ENODEV", "ETIMEDOUT", "absent", "FAILED",
};

struct worker_stats {
	uint64_t n[NR_OPS][NR_RESULTS];
	uint64_t sessions;
	unsigned int nbad;
	char bad[MAX_BAD][96];
};

struct soak {
	int stop;
	struct worker_stats w[NWORKERS];
};

struct worker {
	struct worker_stats *st;
	int *stop;
	const struct sim_inst *si;
	char accel_path[64];
	uint32_t rnd;
};

/* The parent sets the flag in shared memory when the soak ends */
static int stopped(struct worker *w)
{
	return __atomic_load_n(w->stop, __ATOMIC_RELAXED);
}

static uint32_t rnd(struct worker *w)
{
	w->rnd ^= w->rnd << 13;
	w->rnd ^= w->rnd >> 17;
	w->rnd ^= w->rnd << 5;
	return w->rnd;
}

/* Count the outcome of @op; true if the PD is gone (stop this session) */
static int record(struct worker *w, enum soak_op op, int err)
{
	struct worker_stats *st = w->st;
	enum soak_res r;

	switch (err) {
	case 0:
		r = RES_OK;
		break;
	case -EPIPE:
		r = RES_EPIPE;
		break;
	case -ENODEV:
		r = RES_ENODEV;
		break;
	case -ETIMEDOUT:
		r = RES_ETIMEDOUT;
		break;
	default:
		r = RES_BAD;
		if (st->nbad < MAX_BAD)
			snprintf(st->bad[st->nbad], sizeof(st->bad[0]),
				 "%s on %s: %d (%s)", op_names[op],
				 w->si->name, err,
				 err == -EBADMSG ? "wrong data" :
				 strerror(-err));
		st->nbad++;
		break;
	}
	st->n[op][r]++;
	return err != 0;
}

static void accel_session(struct worker *w)
{
	static __thread uint8_t in[INLINE_MAX], out[INLINE_MAX];
	uint32_t h, bo = 0, n, i, seed;
	int fd, dfd = -1, ret;
	uint64_t addr;
	void *map = MAP_FAILED;
	size_t len;

	fd = open(w->accel_path, O_RDWR | O_CLOEXEC);
	if (record(w, OP_OPEN, fd < 0 ? -errno : 0))
		return;
	if (record(w, OP_PD, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
					       DRM_FASTRPC_PROCESS_UNSIGNED)))
		goto out;
	if (record(w, OP_MODULE, frpc_module_open(fd, FRPC_SIMTEST_URI, &h)))
		goto out;

	ret = frpc_gem_create(fd, BO_SIZE, &bo);
	if (!ret)
		ret = frpc_gem_mmap(fd, bo, BO_SIZE, &map);
	if (!ret)
		ret = frpc_prime_export(fd, bo, &dfd);
	if (ret) {
		/* Local objects: no restart excuses a failure */
		record(w, OP_GEM, ret);
		goto out;
	}

	n = 1 + rnd(w) % 12;
	for (i = 0; i < n && !stopped(w); i++) {
		struct drm_fastrpc_arg a[2];

		seed = rnd(w);
		len = 1 + rnd(w) % INLINE_MAX;
		switch (rnd(w) % 6) {
		case 0:
			ret = record(w, OP_ECHO, echo_inline(fd, h, len, seed));
			break;
		case 1:	/* GEM in, inline out */
			fill((uint8_t *)map + BO_SIZE - len, len, seed);
			a[0] = frpc_arg_gem(bo, BO_SIZE - len, len);
			a[1] = frpc_arg_inline(out, len);
			memset(out, 0, len);
			ret = frpc_invoke_args(fd, h, FRPC_SIMTEST_ECHO, a, 1,
					       a + 1, 1, 0, NULL);
			if (!ret && memcmp(out, (uint8_t *)map + BO_SIZE - len,
					   len))
				ret = -EBADMSG;
			ret = record(w, OP_GEM, ret);
			break;
		case 2:	/* inline in, dma-buf out */
			fill(in, len, seed);
			memset(map, 0, len);
			a[0] = frpc_arg_inline(in, len);
			a[1] = frpc_arg_dmabuf(dfd, 0, len);
			ret = frpc_invoke_args(fd, h, FRPC_SIMTEST_ECHO, a, 1,
					       a + 1, 1, 0, NULL);
			if (!ret && memcmp(in, map, len))
				ret = -EBADMSG;
			ret = record(w, OP_DMABUF, ret);
			break;
		case 3:
			ret = frpc_map(fd, DRM_FASTRPC_BUF_GEM, bo, 0, BO_SIZE,
				       &addr);
			ret = record(w, OP_MAP, ret);
			/* Now and then left for the close to unmap */
			if (!ret && rnd(w) % 4)
				ret = record(w, OP_UNMAP, frpc_unmap(fd, addr));
			break;
		default:
			ret = record(w, OP_SLEEP, sim_sleep(fd, h, rnd(w) % 20));
			break;
		}
		if (ret)
			break;
	}
out:
	if (map != MAP_FAILED)
		munmap(map, BO_SIZE);
	if (dfd >= 0)
		close(dfd);
	close(fd);
}

static void legacy_session(struct worker *w)
{
	static __thread uint8_t in[INLINE_MAX], out[INLINE_MAX];
	struct fastrpc_alloc_dma_buf ab = { .fd = -1, .size = BO_SIZE };
	struct fastrpc_req_mmap mm;
	struct fastrpc_req_munmap mu;
	void *map = MAP_FAILED;
	uint32_t h, n, i;
	int fd, ret;
	size_t len;

	fd = open(w->si->legacy, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* The channel is down: no node */
		w->st->n[OP_LOPEN][RES_ABSENT]++;
		usleep(10000);
		return;
	}
	if (record(w, OP_LOPEN, fd < 0 ? -errno : 0))
		return;
	if (record(w, OP_LPD, lcreate_pd(fd)))
		goto out;
	if (record(w, OP_LMODULE, lopen_module(fd, &h)))
		goto out;

	n = 1 + rnd(w) % 12;
	for (i = 0; i < n && !stopped(w); i++) {
		len = 1 + rnd(w) % INLINE_MAX;
		fill(in, len, rnd(w));
		switch (rnd(w) % 4) {
		case 0:
			memset(out, 0, len);
			ret = lecho(fd, h, in, out, len, -1);
			if (!ret && memcmp(in, out, len))
				ret = -EBADMSG;
			ret = record(w, OP_LECHO, ret);
			break;
		case 1:	/* inline in, dma-buf out */
			if (ab.fd < 0) {
				ret = ioctl(fd, FASTRPC_IOCTL_ALLOC_DMA_BUFF,
					    &ab) ? -errno : 0;
				if (!ret) {
					map = mmap(NULL, BO_SIZE,
						   PROT_READ | PROT_WRITE,
						   MAP_SHARED, ab.fd, 0);
					if (map == MAP_FAILED)
						ret = -errno;
				}
				if (ret) {
					ret = record(w, OP_LDMABUF, ret);
					break;
				}
			}
			memset(map, 0, len);
			ret = lecho(fd, h, in, map, len, ab.fd);
			if (!ret && memcmp(in, map, len))
				ret = -EBADMSG;
			ret = record(w, OP_LDMABUF, ret);
			break;
		case 2:
			memset(&mm, 0, sizeof(mm));
			mm.fd = -1;
			mm.flags = ADSP_MMAP_ADD_PAGES;
			mm.size = BO_SIZE;
			ret = ioctl(fd, FASTRPC_IOCTL_MMAP, &mm) ? -errno : 0;
			ret = record(w, OP_LMMAP, ret);
			if (!ret && rnd(w) % 4) {
				mu.vaddrout = mm.vaddrout;
				mu.size = mm.size;
				ret = ioctl(fd, FASTRPC_IOCTL_MUNMAP, &mu) ?
				      -errno : 0;
				ret = record(w, OP_LMUNMAP, ret);
			}
			break;
		default:
			ret = record(w, OP_LSLEEP, lsleep(fd, h, rnd(w) % 20));
			break;
		}
		if (ret)
			break;
	}
out:
	if (map != MAP_FAILED)
		munmap(map, BO_SIZE);
	if (ab.fd >= 0)
		close(ab.fd);
	close(fd);
}

static void worker_main(struct worker *w)
{
	uint64_t failed;

	while (!stopped(w)) {
		failed = w->st->n[OP_PD][RES_ENODEV] +
			 w->st->n[OP_LOPEN][RES_ENODEV];
		w->st->sessions++;
		if (rnd(w) % 2)
			accel_session(w);
		else
			legacy_session(w);
		/* The DSP is down: leave the CPU to its restart a while */
		if (failed != w->st->n[OP_PD][RES_ENODEV] +
			      w->st->n[OP_LOPEN][RES_ENODEV])
			usleep(10000);
	}
}

/* Sum of the outcomes of every worker */
static void soak_report(struct __test_metadata *_metadata, struct soak *sk)
{
	uint64_t tot[NR_OPS][NR_RESULTS] = { 0 }, sessions = 0;
	unsigned int i, j, k;

	for (k = 0; k < NWORKERS; k++) {
		sessions += sk->w[k].sessions;
		for (i = 0; i < NR_OPS; i++)
			for (j = 0; j < NR_RESULTS; j++)
				tot[i][j] += sk->w[k].n[i][j];
	}
	ksft_print_msg("%llu sessions; calls per outcome:\n",
		       (unsigned long long)sessions);
	for (i = 0; i < NR_OPS; i++) {
		char line[256];
		int off = 0;

		for (j = 0; j < NR_RESULTS; j++)
			if (tot[i][j])
				off += snprintf(line + off, sizeof(line) - off,
						" %s %llu", res_names[j],
						(unsigned long long)tot[i][j]);
		if (off)
			ksft_print_msg("  %-20s%s\n", op_names[i], line);
	}
	for (k = 0; k < NWORKERS; k++)
		for (i = 0; i < sk->w[k].nbad && i < MAX_BAD; i++)
			ksft_print_msg("worker %u: %s\n", k, sk->w[k].bad[i]);
}

/*
 * Driver counters that count what exists now: 0 with no file open. The
 * first ones must exist; the others are read when the driver has them.
 */
#define NOW_REQUIRED	4
static const char * const now_counters[] = {
	"in_flight", "bo_maps", "dsp_maps", "payload_cache_held",
	"sessions_used", "payloads", "calls_live", "kept", "pinned_pages",
};

#define NR_NOW	ARRAY_SIZE(now_counters)

/* The counters file of the device of @si (named by minor or by label) */
static int counters_path(const struct sim_inst *si, char *path, size_t len)
{
	int fd, minor;

	fd = open_accel(si);
	if (fd < 0)
		return fd;
	minor = frpc_accel_minor(fd);
	close(fd);
	snprintf(path, len, FRPC_DEBUGFS "/accel/%d/counters", minor);
	if (!access(path, R_OK))
		return 0;
	snprintf(path, len, FRPC_DEBUGFS "/accel/fastrpc-%s/counters",
		 si->label);
	return access(path, R_OK) ? -errno : 0;
}

/*
 * With no file open: every "now" counter of the device and the SMMU pages
 * of the instance are 0 (waits up to 3 s for them to settle). Returns the
 * number of counters that are not, or are missing.
 */
static int baseline_check(const struct sim_inst *si)
{
	uint64_t end = frpc_now_us() + 3000000, v;
	char path[256];
	unsigned int i;
	int bad, ret;

	if (counters_path(si, path, sizeof(path))) {
		ksft_print_msg("%s: no counters file\n", si->name);
		return 1;
	}
	for (;;) {
		bad = 0;
		for (i = 0; i < NR_NOW; i++) {
			ret = frpc_read_counter(path, now_counters[i], &v);
			if ((!ret && v) || (ret && i < NOW_REQUIRED))
				bad++;
		}
		ret = frpc_sim_counter(si->name, "smmu_pages", &v);
		if (ret || v)
			bad++;
		if (!bad || frpc_now_us() > end)
			break;
		usleep(50000);
	}
	for (i = 0; i < NR_NOW; i++) {
		if (frpc_read_counter(path, now_counters[i], &v))
			ksft_print_msg("%s: %s absent%s\n", si->name,
				       now_counters[i],
				       i < NOW_REQUIRED ? "  <-- required" : "");
		else
			ksft_print_msg("%s: %s %llu%s\n", si->name,
				       now_counters[i], (unsigned long long)v,
				       v ? "  <-- not 0" : "");
	}
	if (frpc_sim_counter(si->name, "smmu_pages", &v))
		ksft_print_msg("%s: smmu_pages absent  <-- required\n",
			       si->name);
	else
		ksft_print_msg("%s: smmu_pages %llu%s\n", si->name,
			       (unsigned long long)v, v ? "  <-- not 0" : "");
	return bad;
}

static unsigned int env_restarts(void)
{
	const char *s = getenv("FASTRPC_RESTARTS");

	return s && *s ? (unsigned int)strtoul(s, NULL, 0) : 200;
}

/* Wait for the workers, at most @ms; false if one is stuck */
static int reap(pid_t *pids, int ms)
{
	uint64_t end = frpc_now_us() + (uint64_t)ms * 1000;
	int left, k, st;

	for (;;) {
		for (k = 0, left = 0; k < NWORKERS; k++) {
			if (pids[k] > 0 &&
			    waitpid(pids[k], &st, WNOHANG) == pids[k])
				pids[k] = 0;
			left += pids[k] > 0;
		}
		if (!left || frpc_now_us() > end)
			return !left;
		usleep(10000);
	}
}

static void dump_stuck(pid_t *pids)
{
	char path[64], buf[256];
	int k;

	for (k = 0; k < NWORKERS; k++) {
		if (pids[k] <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/wchan", pids[k]);
		if (read_line(path, buf, sizeof(buf)))
			buf[0] = 0;
		ksft_print_msg("worker %d (pid %d) stuck in %s\n", k, pids[k],
			       buf);
		snprintf(path, sizeof(path), "/proc/%d/stack", pids[k]);
		if (!read_line(path, buf, sizeof(buf)))
			ksft_print_msg("  stack: %s\n", buf);
	}
}

TEST_F_TIMEOUT(rproc_state, soak, 3600)
{
	const struct sim_inst *insts[] = { &cdsp, &adsp };
	unsigned int restarts = env_restarts(), r, per[2] = { 0 };
	uint64_t t_start, t0, sum_ms = 0;
	int idx[2], max_ms = 0, k, ms, stuck;
	unsigned int bad;
	struct worker workers[NWORKERS] = { 0 };
	pid_t pids[NWORKERS] = { 0 };
	struct soak *sk;

	idx[0] = self->idx;
	idx[1] = sim_rproc(adsp.name, "index");
	ASSERT_LE(0, idx[1]) TH_LOG("no remoteproc for %s", adsp.name);

	sk = mmap(NULL, sizeof(*sk), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sk);
	memset(sk, 0, sizeof(*sk));

	/* Three processes on cdsp (3 sessions), one on adsp (2 sessions) */
	for (k = 0; k < NWORKERS; k++) {
		struct worker *w = &workers[k];
		int fd;

		w->st = &sk->w[k];
		w->stop = &sk->stop;
		w->si = k < 3 ? &cdsp : &adsp;
		w->rnd = 0x9e3779b9u * (k + 1);
		fd = frpc_open_domain(w->si->label, NULL, w->accel_path,
				      sizeof(w->accel_path));
		ASSERT_LE(0, fd) TH_LOG("no %s device", w->si->label);
		close(fd);
	}
	/* Nothing of the soak outlives the test program */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (k = 0; k < NWORKERS; k++) {
		pids[k] = fork();
		if (!pids[k]) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			worker_main(&workers[k]);
			_exit(0);
		}
		if (pids[k] < 0) {
			__atomic_store_n(&sk->stop, 1, __ATOMIC_RELAXED);
			reap(pids, 60000);
			ASSERT_LE(0, pids[k]);
		}
	}

	t_start = frpc_now_us();
	srand(1);
	for (r = 0; r < restarts; r++) {
		/* Three cdsp restarts in four */
		int i = (r % 4 == 3);
		int64_t starts = sim_rproc(insts[i]->name, "starts");

		/* Let the load run into the restart */
		usleep(20000 + rand() % 80000);
		t0 = frpc_now_us();
		ms = rproc_crash(idx[i], rand() % RPROC_CRASH_TYPES);
		if (ms) {
			ksft_print_msg("crash of %s: %s\n", insts[i]->name,
				       strerror(-ms));
			break;
		}
		ms = wait_restart(insts[i], starts, t0, RESTART_TIMEOUT_MS);
		if (ms < 0) {
			char st[32] = "?";

			rproc_read(idx[i], "state", st, sizeof(st));
			ksft_print_msg("restart %u of %s did not finish in %d ms (state %s)\n",
				       r, insts[i]->name, RESTART_TIMEOUT_MS,
				       st);
			break;
		}
		per[i]++;
		sum_ms += ms;
		if (ms > max_ms)
			max_ms = ms;
	}

	__atomic_store_n(&sk->stop, 1, __ATOMIC_RELAXED);
	stuck = !reap(pids, 60000);
	if (stuck) {
		dump_stuck(pids);
		for (k = 0; k < NWORKERS; k++)
			if (pids[k] > 0)
				kill(pids[k], SIGKILL);
		reap(pids, 10000);
	}

	ksft_print_msg("%u restarts (cdsp0 %u, adsp0 %u) in %llu s; restart time mean %llu ms, max %d ms\n",
		       per[0] + per[1], per[0], per[1],
		       (unsigned long long)(frpc_now_us() - t_start) / 1000000,
		       (unsigned long long)(per[0] + per[1] ?
					    sum_ms / (per[0] + per[1]) : 0),
		       max_ms);
	soak_report(_metadata, sk);

	EXPECT_EQ(restarts, per[0] + per[1]);
	EXPECT_FALSE(stuck) TH_LOG("a load process did not stop in 60 s");
	for (k = 0, bad = 0; k < NWORKERS; k++)
		bad += sk->w[k].nbad;
	EXPECT_EQ(0u, bad) TH_LOG("%u calls failed otherwise", bad);

	/* Baseline: both devices online, a new PD answers, nothing left */
	for (k = 0; k < 2; k++) {
		EXPECT_EQ(0, new_pd_works(insts[k]))
			TH_LOG("%s after the soak", insts[k]->name);
		EXPECT_EQ(0, baseline_check(insts[k]))
			TH_LOG("%s: counters not back to 0", insts[k]->name);
	}
	munmap(sk, sizeof(*sk));
}

TEST_HARNESS_MAIN
