// SPDX-License-Identifier: GPL-2.0-only
/*
 * The FastRPC accel driver against a hostile simulated DSP: one test per
 * fault knob of fastrpc_sim (Documentation/accel/fastrpc/sim.rst, "Fault
 * knobs"), each checking what the driver does through the accel UAPI.
 *
 * Expects the live simulated cdsp instance "cdsp0" with its configfs
 * directory (knobs in faults/) and debugfs mounted at /sys/kernel/debug.
 * Every test ends with no file of it open and checks that the driver's
 * "now" counters (the ones that exist) and the simulator's SMMU pages are
 * back to what they were before the first test: nothing leaked.
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
#include <unistd.h>

/* See fastrpc_uapi.c: keep -Wall -Wextra quiet about the harness */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#include "kselftest_harness.h"
#include "../../../../../accel/fastrpc/fastrpc_util.h"

#define SIM_INST	"cdsp0"
#define SIM_CFG		"/sys/kernel/config/fastrpc-sim/" SIM_INST
#define SIM_FAULTS	SIM_CFG "/faults"
#define SIM_DBG		FRPC_DEBUGFS "/fastrpc_sim/" SIM_INST
#define ECHO_LEN	256
#define SETTLE_MS	5000

/* The knobs, reset before and after every test */
static const char * const knobs[] = {
	"drop_reply", "short_reply", "dup_reply", "bad_ctx", "notify",
	"trunc_reply", "long_reply", "reorder_reply", "delay_ms", "fail_nth",
	"crash_after", "stall",
};

/*
 * Driver counters that are "now" values: with no file open and every call
 * answered or the DSP restarted they are back to their value before the
 * tests. Only those the driver has are checked.
 */
static const char * const now_counters[] = {
	"in_flight", "bo_maps", "dsp_maps", "payload_cache_held",
	"sessions_used", "payloads", "calls_live", "kept", "pinned_pages",
};
#define NR_NOW	ARRAY_SIZE(now_counters)

/* Baseline, read before the first test (-1: the driver has no such counter) */
static int64_t base_drv[NR_NOW];
static int64_t base_smmu = -1;

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(val))
		ret = -EIO;
	close(fd);
	return ret;
}

static int read_u64(const char *path, uint64_t *v)
{
	return frpc_read_counter(path, NULL, v);
}

static int knob_set(const char *knob, unsigned int val)
{
	char path[256], buf[16];

	snprintf(path, sizeof(path), SIM_FAULTS "/%s", knob);
	snprintf(buf, sizeof(buf), "%u\n", val);
	return write_str(path, buf);
}

static int knob_get(const char *knob, uint64_t *v)
{
	char path[256];

	snprintf(path, sizeof(path), SIM_FAULTS "/%s", knob);
	return read_u64(path, v);
}

static void knobs_reset(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		knob_set(knobs[i], 0);
}

static uint64_t sim_counter(const char *name)
{
	uint64_t v = ~0ull;

	frpc_sim_counter(SIM_INST, name, &v);
	return v;
}

static int device_online(int fd)
{
	struct drm_fastrpc_device_info info;

	if (frpc_device_info(fd, &info))
		return 0;
	return !!(info.flags & DRM_FASTRPC_DEVICE_ONLINE);
}

/* Wait until the cdsp device is online: 0, or -ETIMEDOUT */
static int wait_online(unsigned int timeout_ms)
{
	uint64_t end = frpc_now_us() + timeout_ms * 1000ull;
	int fd, on = 0;

	do {
		fd = frpc_open_domain("cdsp", NULL, NULL, 0);
		if (fd >= 0) {
			on = device_online(fd);
			close(fd);
			if (on)
				return 0;
		}
		usleep(20000);
	} while (frpc_now_us() < end);
	return -ETIMEDOUT;
}

/* Restart the DSP through configfs, as a subsystem restart */
static int restart_dsp(void)
{
	int ret = write_str(SIM_CFG "/live", "0");

	if (!ret)
		ret = write_str(SIM_CFG "/live", "1");
	if (!ret)
		ret = wait_online(SETTLE_MS);
	return ret;
}

static void read_baseline(void)
{
	uint64_t v;
	size_t i;
	int fd;

	fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	if (fd < 0)
		return;
	for (i = 0; i < NR_NOW; i++)
		base_drv[i] = frpc_drv_counter(fd, now_counters[i], &v) ? -1 :
			      (int64_t)v;
	close(fd);
	if (!read_u64(SIM_DBG "/smmu_pages", &v))
		base_smmu = v;
}

/* Every counter is at its baseline now */
static int at_baseline(void)
{
	uint64_t v;
	size_t i;
	int fd, ok = 1;

	fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	if (fd < 0)
		return 0;
	for (i = 0; i < NR_NOW; i++)
		if (base_drv[i] >= 0 &&
		    (frpc_drv_counter(fd, now_counters[i], &v) ||
		     (int64_t)v != base_drv[i]))
			ok = 0;
	close(fd);
	if (base_smmu >= 0 &&
	    (read_u64(SIM_DBG "/smmu_pages", &v) || (int64_t)v != base_smmu))
		ok = 0;
	return ok;
}

/*
 * With no file of the test open, wait up to SETTLE_MS for every counter to
 * be back to its baseline, then check them all.
 */
static void expect_baseline(struct __test_metadata *_metadata)
{
	uint64_t end = frpc_now_us() + SETTLE_MS * 1000ull, v;
	int64_t now[NR_NOW], smmu;
	int fd, settled;
	size_t i;

	fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, fd);
	do {
		settled = 1;
		for (i = 0; i < NR_NOW; i++) {
			if (base_drv[i] < 0)
				continue;
			now[i] = frpc_drv_counter(fd, now_counters[i], &v) ?
				 -1 : (int64_t)v;
			settled &= now[i] == base_drv[i];
		}
		smmu = read_u64(SIM_DBG "/smmu_pages", &v) ? -1 : (int64_t)v;
		settled &= smmu == base_smmu;
		if (settled)
			break;
		usleep(20000);
	} while (frpc_now_us() < end);
	close(fd);

	for (i = 0; i < NR_NOW; i++) {
		if (base_drv[i] < 0)
			continue;
		EXPECT_EQ(base_drv[i], now[i])
			TH_LOG("counter %s: %lld, was %lld", now_counters[i],
			       (long long)now[i], (long long)base_drv[i]);
	}
	EXPECT_EQ(base_smmu, smmu) TH_LOG("sim smmu_pages: %lld, was %lld",
					  (long long)smmu,
					  (long long)base_smmu);
}

static uint8_t pattern_byte(uint32_t seed, size_t i)
{
	uint32_t x = seed * 2654435761u + (uint32_t)i * 40503u;

	return (uint8_t)(x ^ (x >> 11) ^ (x >> 23));
}

/* simtest echo of ECHO_LEN bytes: the ioctl's result, -EBADMSG if wrong */
static int echo(int fd, uint32_t h, uint32_t seed, uint32_t timeout_ms)
{
	uint8_t in[ECHO_LEN], out[ECHO_LEN];
	struct frpc_buf i = { in, sizeof(in) }, o = { out, sizeof(out) };
	size_t k;
	int ret;

	for (k = 0; k < sizeof(in); k++)
		in[k] = pattern_byte(seed, k);
	memset(out, 0, sizeof(out));
	ret = frpc_invoke(fd, h, FRPC_SIMTEST_ECHO, &i, 1, &o, 1, timeout_ms,
			  NULL);
	if (!ret && memcmp(in, out, sizeof(in)))
		ret = -EBADMSG;
	return ret;
}

static int sim_sleep(int fd, uint32_t h, uint32_t ms, uint32_t timeout_ms)
{
	struct frpc_buf i = { &ms, sizeof(ms) };

	return frpc_invoke(fd, h, FRPC_SIMTEST_SLEEP, &i, 1, NULL, 0,
			   timeout_ms, NULL);
}

static uint64_t drv_counter(struct __test_metadata *_metadata, int fd,
			    const char *name)
{
	uint64_t v = 0;
	int ret = frpc_drv_counter(fd, name, &v);

	EXPECT_EQ(0, ret) TH_LOG("driver counter %s: %s", name,
				 strerror(-ret));
	return v;
}

/* Poll a driver counter until it is @want: the last value read */
static uint64_t wait_drv_counter(int fd, const char *name, uint64_t want,
				 unsigned int timeout_ms)
{
	uint64_t end = frpc_now_us() + timeout_ms * 1000ull, v = ~0ull;

	for (;;) {
		if (frpc_drv_counter(fd, name, &v) == 0 && v == want)
			return v;
		if (frpc_now_us() > end)
			return v;
		usleep(10000);
	}
}

/* A cdsp file with a dynamic PD and simtest open: 0 or -errno */
static int open_pd(int *fd, uint32_t *h)
{
	int ret;

	*fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	if (*fd < 0)
		return *fd;
	ret = frpc_process_init(*fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				DRM_FASTRPC_PROCESS_UNSIGNED);
	if (!ret)
		ret = frpc_module_open(*fd, FRPC_SIMTEST_URI, h);
	if (ret) {
		close(*fd);
		*fd = -1;
	}
	return ret;
}

FIXTURE(hostile) {
	int fd;
	uint32_t h;
};

FIXTURE_SETUP(hostile)
{
	int ret;

	self->fd = -1;
	if (access(SIM_FAULTS, F_OK))
		SKIP(return, SIM_FAULTS " missing (no simulator fault knobs)");
	ret = frpc_open_domain("cdsp", NULL, NULL, 0);
	if (ret == -ENOENT)
		SKIP(return, "no cdsp device");
	ASSERT_LE(0, ret);
	close(ret);
	knobs_reset();
	ASSERT_EQ(0, wait_online(SETTLE_MS));
	ret = open_pd(&self->fd, &self->h);
	ASSERT_EQ(0, ret) TH_LOG("PD: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(hostile)
{
	if (self->fd >= 0)
		close(self->fd);
	knobs_reset();
	/*
	 * A test that failed half-way may have left the DSP down, or kept
	 * memory for it: start the next one afresh.
	 */
	if (access(SIM_FAULTS, F_OK) == 0 &&
	    (wait_online(SETTLE_MS) || !at_baseline()))
		restart_dsp();
}

/* Close the test's file and check that nothing is left */
static void close_and_check(struct __test_metadata *_metadata,
			    FIXTURE_DATA(hostile) *self, int restart)
{
	close(self->fd);
	self->fd = -1;
	if (restart)
		ASSERT_EQ(0, restart_dsp());
	expect_baseline(_metadata);
}

/* The DSP works: a fresh PD gets a correct echo */
static void expect_new_pd_works(struct __test_metadata *_metadata)
{
	uint32_t h;
	int fd, ret;

	ret = open_pd(&fd, &h);
	ASSERT_EQ(0, ret) TH_LOG("new PD: %s", strerror(-ret));
	EXPECT_EQ(0, echo(fd, h, 999, 0));
	close(fd);
}

/* drop_reply: the call times out; after close and a restart nothing is left */
TEST_F(hostile, drop)
{
	uint64_t fl0, t0, el;

	fl0 = drv_counter(_metadata, self->fd, "in_flight");
	ASSERT_EQ(0, knob_set("drop_reply", 1));
	t0 = frpc_now_us();
	EXPECT_EQ(-ETIMEDOUT, echo(self->fd, self->h, 1, 200));
	el = frpc_now_us() - t0;
	EXPECT_GE(el, 190000ull);
	EXPECT_LT(el, 2000000ull);
	/* still waiting for its reply, which never comes */
	EXPECT_EQ(fl0 + 1, drv_counter(_metadata, self->fd, "in_flight"));
	EXPECT_EQ(0, echo(self->fd, self->h, 2, 0));
	close_and_check(_metadata, self, 1);
	expect_new_pd_works(_metadata);
}

/* dup_reply: the call succeeds once, the duplicate is rejected */
TEST_F(hostile, duplicate)
{
	uint64_t rej0, fl0;

	rej0 = drv_counter(_metadata, self->fd, "replies_rejected");
	fl0 = drv_counter(_metadata, self->fd, "in_flight");
	ASSERT_EQ(0, knob_set("dup_reply", 1));
	EXPECT_EQ(0, echo(self->fd, self->h, 3, 0));
	EXPECT_EQ(rej0 + 1, wait_drv_counter(self->fd, "replies_rejected",
					     rej0 + 1, 1000));
	EXPECT_EQ(fl0, drv_counter(_metadata, self->fd, "in_flight"));
	/* the next call is not completed by anything stale */
	EXPECT_EQ(0, echo(self->fd, self->h, 4, 0));
	EXPECT_EQ(rej0 + 1, drv_counter(_metadata, self->fd,
					"replies_rejected"));
	close_and_check(_metadata, self, 0);
}

/* delay_ms: a shorter timeout expires, a longer one does not */
TEST_F(hostile, delay)
{
	uint64_t fl0, t0, el;

	fl0 = drv_counter(_metadata, self->fd, "in_flight");
	ASSERT_EQ(0, knob_set("delay_ms", 400));
	t0 = frpc_now_us();
	EXPECT_EQ(-ETIMEDOUT, echo(self->fd, self->h, 5, 100));
	el = frpc_now_us() - t0;
	EXPECT_LT(el, 390000ull) TH_LOG("timed out after %llu us",
					(unsigned long long)el);
	t0 = frpc_now_us();
	EXPECT_EQ(0, echo(self->fd, self->h, 6, 3000));
	el = frpc_now_us() - t0;
	EXPECT_GE(el, 390000ull) TH_LOG("answered after %llu us",
					(unsigned long long)el);
	/* the late reply of the abandoned call has come by now */
	EXPECT_EQ(fl0, wait_drv_counter(self->fd, "in_flight", fl0, 2000));
	ASSERT_EQ(0, knob_set("delay_ms", 0));
	EXPECT_EQ(0, echo(self->fd, self->h, 7, 1000));
	close_and_check(_metadata, self, 0);
}

struct echo_thread {
	int fd;
	uint32_t h;
	uint32_t seed;
	int result;
	uint64_t done_us;
};

static void *echo_thread(void *p)
{
	struct echo_thread *a = p;

	a->result = echo(a->fd, a->h, a->seed, 5000);
	a->done_us = frpc_now_us();
	return NULL;
}

/* reorder_reply: two calls at once, the first reply comes second */
TEST_F(hostile, reorder)
{
	struct echo_thread a = { self->fd, self->h, 100, -1, 0 };
	struct echo_thread b = { self->fd, self->h, 200, -1, 0 };
	uint64_t r0, tb_start;
	pthread_t ta, tb;

	r0 = sim_counter("replies");
	ASSERT_EQ(0, knob_set("reorder_reply", 1));
	ASSERT_EQ(0, pthread_create(&ta, NULL, echo_thread, &a));
	/* a's reply is held back until b's goes out */
	usleep(200000);
	tb_start = frpc_now_us();
	ASSERT_EQ(0, pthread_create(&tb, NULL, echo_thread, &b));
	ASSERT_EQ(0, pthread_join(ta, NULL));
	ASSERT_EQ(0, pthread_join(tb, NULL));
	EXPECT_EQ(0, a.result);
	EXPECT_EQ(0, b.result);
	/* a was answered only once b's call was made */
	EXPECT_GE(a.done_us, tb_start);
	EXPECT_EQ(r0 + 2, sim_counter("replies"));
	EXPECT_EQ(0, echo(self->fd, self->h, 300, 1000));
	close_and_check(_metadata, self, 0);
}

/*
 * A reply the driver must not take: the call does not complete from it
 * (it times out), the reply is counted as rejected, the file goes on
 * working, and after close and a restart nothing is left.
 */
static void rejected_reply(struct __test_metadata *_metadata,
			   FIXTURE_DATA(hostile) *self, const char *knob)
{
	uint64_t rej0;

	rej0 = drv_counter(_metadata, self->fd, "replies_rejected");
	ASSERT_EQ(0, knob_set(knob, 1));
	EXPECT_EQ(-ETIMEDOUT, echo(self->fd, self->h, 8, 300));
	EXPECT_EQ(rej0 + 1, wait_drv_counter(self->fd, "replies_rejected",
					     rej0 + 1, 1000));
	EXPECT_EQ(0, echo(self->fd, self->h, 9, 1000));
	close_and_check(_metadata, self, 1);
	expect_new_pd_works(_metadata);
}

/* short_reply: 8 bytes, the context only */
TEST_F(hostile, short_reply)
{
	rejected_reply(_metadata, self, "short_reply");
}

/* trunc_reply: 12 bytes, a context and half a retval */
TEST_F(hostile, trunc_reply)
{
	rejected_reply(_metadata, self, "trunc_reply");
}

/* bad_ctx: the context of no call */
TEST_F(hostile, wrong_context)
{
	rejected_reply(_metadata, self, "bad_ctx");
}

/*
 * long_reply: 64 bytes, a good reply and random bytes after it. The
 * driver takes a reply of at least 16 bytes and ignores the rest.
 */
TEST_F(hostile, long_reply)
{
	uint64_t rej0, rep0;

	rej0 = drv_counter(_metadata, self->fd, "replies_rejected");
	rep0 = drv_counter(_metadata, self->fd, "replies");
	ASSERT_EQ(0, knob_set("long_reply", 3));
	EXPECT_EQ(0, echo(self->fd, self->h, 10, 1000));
	EXPECT_EQ(0, echo(self->fd, self->h, 11, 1000));
	EXPECT_EQ(0, echo(self->fd, self->h, 12, 1000));
	EXPECT_EQ(rep0 + 3, drv_counter(_metadata, self->fd, "replies"));
	EXPECT_EQ(rej0, drv_counter(_metadata, self->fd, "replies_rejected"));
	close_and_check(_metadata, self, 0);
}

/* fail_nth: send() of the Nth message fails; that call fails with it */
TEST_F(hostile, fail_nth)
{
	uint64_t fl0, m0;

	fl0 = drv_counter(_metadata, self->fd, "in_flight");
	ASSERT_EQ(0, knob_set("fail_nth", 1));
	EXPECT_EQ(-EIO, echo(self->fd, self->h, 13, 1000));
	EXPECT_EQ(fl0, drv_counter(_metadata, self->fd, "in_flight"));
	EXPECT_EQ(0, echo(self->fd, self->h, 14, 1000));

	m0 = sim_counter("messages");
	ASSERT_EQ(0, knob_set("fail_nth", 3));
	EXPECT_EQ(0, echo(self->fd, self->h, 15, 1000));
	EXPECT_EQ(0, echo(self->fd, self->h, 16, 1000));
	EXPECT_EQ(-EIO, echo(self->fd, self->h, 17, 1000));
	EXPECT_EQ(0, echo(self->fd, self->h, 18, 1000));
	/* the failed message never reached the DSP */
	EXPECT_EQ(m0 + 3, sim_counter("messages"));
	EXPECT_EQ(fl0, drv_counter(_metadata, self->fd, "in_flight"));
	close_and_check(_metadata, self, 0);
}

struct sleep_thread {
	int fd;
	uint32_t h;
	int result;
	uint64_t elapsed_us;
};

static void *sleep_thread(void *p)
{
	struct sleep_thread *a = p;
	uint64_t t0 = frpc_now_us();

	a->result = sim_sleep(a->fd, a->h, 5000, 0);
	a->elapsed_us = frpc_now_us() - t0;
	return NULL;
}

/*
 * crash_after: at the Nth message the DSP crashes. Calls in flight fail at
 * once with EPIPE or ENODEV, the device comes back and a new PD works.
 */
TEST_F(hostile, crash_after)
{
	struct sleep_thread s = { self->fd, self->h, 1, 0 };
	uint64_t fl0, left;
	pthread_t t;
	int ret;

	fl0 = drv_counter(_metadata, self->fd, "in_flight");
	ASSERT_EQ(0, pthread_create(&t, NULL, sleep_thread, &s));
	EXPECT_EQ(fl0 + 1, wait_drv_counter(self->fd, "in_flight", fl0 + 1,
					    2000));
	ASSERT_EQ(0, knob_set("crash_after", 1));
	ret = echo(self->fd, self->h, 19, 3000);
	EXPECT_TRUE(ret == -EPIPE || ret == -ENODEV)
		TH_LOG("call at the crash: %d (%s)", ret, strerror(-ret));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_TRUE(s.result == -EPIPE || s.result == -ENODEV)
		TH_LOG("call in flight: %d (%s)", s.result, strerror(-s.result));
	EXPECT_LT(s.elapsed_us, 4000000ull);
	/* used up */
	EXPECT_EQ(0, knob_get("crash_after", &left));
	EXPECT_EQ(0ull, left);

	ASSERT_EQ(0, wait_online(10000)) TH_LOG("the DSP did not come back");
	/* the PD of the file died with the DSP */
	ret = echo(self->fd, self->h, 20, 1000);
	EXPECT_NE(0, ret);
	expect_new_pd_works(_metadata);
	close_and_check(_metadata, self, 0);
}

/*
 * stall: calls time out; once cleared the DSP handles what it received,
 * the late replies find no caller and are dropped, new calls work.
 */
TEST_F(hostile, stall)
{
	uint64_t fl0, m0, r0;

	fl0 = drv_counter(_metadata, self->fd, "in_flight");
	m0 = sim_counter("messages");
	r0 = sim_counter("replies");
	ASSERT_EQ(0, knob_set("stall", 1));
	EXPECT_EQ(-ETIMEDOUT, echo(self->fd, self->h, 21, 200));
	EXPECT_EQ(-ETIMEDOUT, echo(self->fd, self->h, 22, 200));
	/* received, not answered */
	EXPECT_EQ(m0 + 2, sim_counter("messages"));
	EXPECT_EQ(r0, sim_counter("replies"));
	EXPECT_EQ(fl0 + 2, drv_counter(_metadata, self->fd, "in_flight"));

	ASSERT_EQ(0, knob_set("stall", 0));
	EXPECT_EQ(fl0, wait_drv_counter(self->fd, "in_flight", fl0, 2000));
	EXPECT_EQ(r0 + 2, sim_counter("replies"));
	EXPECT_EQ(0, echo(self->fd, self->h, 23, 1000));
	close_and_check(_metadata, self, 0);
}

/*
 * A stall that outlasts the file: its close does not hang, and the release
 * the DSP answers late is no leak once the DSP restarts.
 */
TEST_F(hostile, stall_then_close)
{
	uint64_t t0, el;

	ASSERT_EQ(0, knob_set("stall", 1));
	EXPECT_EQ(-ETIMEDOUT, echo(self->fd, self->h, 24, 200));
	t0 = frpc_now_us();
	close(self->fd);
	self->fd = -1;
	el = frpc_now_us() - t0;
	TH_LOG("close with the DSP stalled took %llu us",
	       (unsigned long long)el);
	EXPECT_LT(el, 15000000ull);
	ASSERT_EQ(0, knob_set("stall", 0));
	expect_new_pd_works(_metadata);
	ASSERT_EQ(0, restart_dsp());
	expect_baseline(_metadata);
	expect_new_pd_works(_metadata);
}

/* The knobs are the same in configfs and debugfs; bad values refused */
TEST_F(hostile, knob_interfaces)
{
	uint64_t v;

	ASSERT_EQ(0, knob_set("delay_ms", 7));
	ASSERT_EQ(0, read_u64(SIM_DBG "/delay_ms", &v));
	EXPECT_EQ(7ull, v);
	ASSERT_EQ(0, frpc_sim_knob(SIM_INST, "fail_nth", 5));
	ASSERT_EQ(0, knob_get("fail_nth", &v));
	EXPECT_EQ(5ull, v);
	EXPECT_EQ(-EINVAL, write_str(SIM_FAULTS "/drop_reply", "many"));
	EXPECT_EQ(-ERANGE, write_str(SIM_FAULTS "/drop_reply",
				     "4294967295"));
	knobs_reset();
	close_and_check(_metadata, self, 0);
}

/*
 * The transport floor: each write of up to 64 bytes to the instance's echo
 * file is a message and reply through the simulator; no FastRPC.
 */
TEST_F(hostile, transport_echo)
{
	uint64_t m0, calls0, v, t0, el;
	char buf[65];
	int fd, i;

	memset(buf, 'x', sizeof(buf));
	m0 = sim_counter("messages");
	calls0 = drv_counter(_metadata, self->fd, "calls");
	fd = open(SIM_DBG "/echo", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (i = 1; i <= 64; i++)
		ASSERT_EQ(i, write(fd, buf, i));
	t0 = frpc_now_us();
	for (i = 0; i < 1000; i++)
		ASSERT_EQ(16, write(fd, buf, 16));
	el = frpc_now_us() - t0;
	TH_LOG("echo write: %.1f us", el / 1000.0);
	t0 = frpc_now_us();
	for (i = 0; i < 1000; i++)
		ASSERT_EQ(0, echo(self->fd, self->h, i, 1000));
	el = frpc_now_us() - t0;
	TH_LOG("FastRPC echo of %d bytes: %.1f us", ECHO_LEN, el / 1000.0);
	EXPECT_EQ(-1, write(fd, buf, 65));
	EXPECT_EQ(EMSGSIZE, errno);
	/* the fault knobs are for FastRPC messages only */
	ASSERT_EQ(0, knob_set("drop_reply", 1));
	EXPECT_EQ(8, write(fd, buf, 8));
	EXPECT_EQ(0, knob_get("drop_reply", &v));
	EXPECT_EQ(1ull, v);
	ASSERT_EQ(0, knob_set("drop_reply", 0));
	close(fd);
	EXPECT_EQ(m0 + 1000, sim_counter("messages"));
	EXPECT_EQ(calls0 + 1000, drv_counter(_metadata, self->fd, "calls"));
	close_and_check(_metadata, self, 0);
}

static void __attribute__((constructor)) hostile_baseline(void)
{
	size_t i;

	for (i = 0; i < NR_NOW; i++)
		base_drv[i] = -1;
	knobs_reset();
	wait_online(SETTLE_MS);
	read_baseline();
}

TEST_HARNESS_MAIN
