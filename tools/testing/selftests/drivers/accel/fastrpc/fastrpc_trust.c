// SPDX-License-Identifier: GPL-2.0-only
/*
 * The FastRPC accel driver against a DSP that restarts, loses replies and
 * meets hostile clients (issue "Trust", Documentation/accel/fastrpc/
 * fastrpc.rst): a DSP restart never waits for userspace (a caller stuck in
 * a userfaultfd page), what a DSP may still use after a lost reply is kept
 * and then given back at the restart, per-client limits and memory cgroup
 * charging of call payloads, a device that goes online only once it can
 * answer, INVOKE that never waits behind MAP, and smaller argument checks.
 *
 * Expects the harness's instances (cdsp0 on "cdsp") and creates one of its
 * own ("trust0" on "gdsp1", one context bank with one session).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/userfaultfd.h>
#include <misc/fastrpc.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#include "kselftest_harness.h"
#include "../../../../../accel/fastrpc/fastrpc_util.h"

#define SIM_CFG		"/sys/kernel/config/fastrpc-sim"
#define PARAMS		"/sys/module/fastrpc_accel/parameters"
#define MAIN_INST	"cdsp0"
#define OWN_INST	"trust0"
#define OWN_LABEL	"gdsp1"
#define PAGE		4096ull
#define MiB		(1024ull * 1024)

/* "Now" counters that are 0 with no file open and no call unanswered */
static const char * const idle_counters[] = {
	"in_flight", "calls_live", "sessions_used", "payloads", "kept",
	"bo_maps", "dsp_maps", "pinned_pages", "payload_cache_held",
};

static int write_uint(const char *path, unsigned long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", v);
	return frpc_write_str(path, buf);
}

static long long read_uint(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtoll(buf, NULL, 0) : -EIO;
}

/* Set a module parameter of fastrpc_accel; returns the old value */
static long long set_param(const char *name, unsigned long long v)
{
	char p[128];
	long long old;

	snprintf(p, sizeof(p), PARAMS "/%s", name);
	old = read_uint(p);
	if (old >= 0 && write_uint(p, v))
		return -EIO;
	return old;
}

static int open_pd(const char *dom, uint32_t *simtest)
{
	int fd = frpc_open_online(dom, 0), ret;

	if (fd < 0)
		return fd;
	ret = frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				DRM_FASTRPC_PROCESS_UNSIGNED);
	if (!ret)
		ret = frpc_module_open(fd, FRPC_SIMTEST_URI, simtest);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/*
 * Wait (up to 15 s) until every idle counter of @dom's device is 0; on
 * failure name the first one that is not in @bad.
 */
static int wait_idle(const char *dom, char *bad, size_t badlen)
{
	unsigned int i, tries;
	uint64_t v = 0;
	int fd, ret;

	for (tries = 0; tries < 150; tries++) {
		fd = frpc_open_domain(dom, NULL, NULL, 0);
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

static int counter(const char *dom, const char *name, uint64_t *v)
{
	int fd = frpc_open_domain(dom, NULL, NULL, 0), ret;

	if (fd < 0)
		return fd;
	ret = frpc_drv_counter(fd, name, v);
	close(fd);
	return ret;
}

/* DRM_FASTRPC_QUERY_PROCESS: the state of the file's process, or -errno */
static int process_state(int fd)
{
	struct drm_fastrpc_process_info info;
	uint32_t size = sizeof(info);
	int ret;

	memset(&info, 0xcc, sizeof(info));
	ret = frpc_query(fd, DRM_FASTRPC_QUERY_PROCESS, &info, &size);
	if (ret)
		return ret;
	if (size != sizeof(info) || info.pad)
		return -EPROTO;
	return info.state;
}

static uint32_t sim_messages(const char *inst)
{
	uint64_t v = 0;

	frpc_sim_counter(inst, "messages", &v);
	return v;
}

/* ------------------------------------------------------------------ */
/* A DSP restart never waits for a caller stuck in a userfaultfd page  */
/* ------------------------------------------------------------------ */

struct uffd_call {
	int fd;
	uint32_t simtest;
	void *in, *out;
	size_t len;
	int ret;
	pthread_t thread;
};

static void *uffd_call_thread(void *arg)
{
	struct uffd_call *c = arg;
	struct frpc_buf in = { c->in, c->len }, out = { c->out, c->len };

	c->ret = frpc_invoke(c->fd, c->simtest, FRPC_SIMTEST_ECHO, &in, 1,
			     &out, 1, 0, NULL);
	return NULL;
}

/* A userfaultfd with [@area, +@len) registered for missing pages */
static int uffd_setup(void *area, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)area, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (uffd < 0)
		return -errno;
	if (ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		close(uffd);
		return -errno;
	}
	return uffd;
}

/* Wait up to @ms for the fault of a caller on @uffd */
static int uffd_wait_fault(int uffd, int ms)
{
	struct pollfd p = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&p, 1, ms) != 1)
		return -ETIMEDOUT;
	if (read(uffd, &msg, sizeof(msg)) != sizeof(msg))
		return -errno;
	return msg.event == UFFD_EVENT_PAGEFAULT ? 0 : -EINVAL;
}

static void uffd_resolve(int uffd, void *area, size_t len)
{
	struct uffdio_zeropage zp = {
		.range = { .start = (uintptr_t)area, .len = len },
	};

	ioctl(uffd, UFFDIO_ZEROPAGE, &zp);
}

/*
 * Take @inst down from a child process; true when that finished within
 * @secs (a removal that waits for the stuck caller never does).
 */
static int restart_down_within(const char *inst, int secs)
{
	pid_t pid = fork();
	int st, i;

	if (!pid)
		_exit(frpc_sim_live(inst, 0) ? 1 : 0);
	for (i = 0; i < secs * 20; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) && !WEXITSTATUS(st);
		usleep(50000);
	}
	return 0;
}

static void restart_with_stuck_caller(struct __test_metadata *_metadata,
				      int stuck_in)
{
	struct uffd_call c = { .len = 2 * PAGE };
	char bad[96] = "";
	void *area;
	int uffd, quick;

	c.fd = open_pd("cdsp", &c.simtest);
	ASSERT_LE(0, c.fd) TH_LOG("PD: %s", strerror(-c.fd));
	area = mmap(NULL, c.len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	uffd = uffd_setup(area, c.len);
	if (uffd < 0) {
		close(c.fd);
		SKIP(return, "no userfaultfd: %s", strerror(-uffd));
	}
	if (stuck_in) {
		c.in = area;
		c.out = malloc(c.len);
	} else {
		c.in = malloc(c.len);
		memset(c.in, 0x5a, c.len);
		c.out = area;
	}
	ASSERT_EQ(0, pthread_create(&c.thread, NULL, uffd_call_thread, &c));
	ASSERT_EQ(0, uffd_wait_fault(uffd, 10000))
		TH_LOG("the caller never touched the userfaultfd page");

	/* The caller sits in copy_%s_user(): the DSP restarts under it */
	quick = restart_down_within(MAIN_INST, 20);
	uffd_resolve(uffd, area, c.len);
	pthread_join(c.thread, NULL);
	EXPECT_TRUE(quick) TH_LOG("taking the DSP down waited for the caller");
	if (stuck_in) {
		/* Never sent: the channel went away first */
		EXPECT_TRUE(c.ret == -EPIPE || c.ret == -ENODEV)
			TH_LOG("call: %d (%s)", c.ret, strerror(-c.ret));
	} else {
		/* Answered before the restart: the payload outlived it */
		EXPECT_EQ(0, c.ret) TH_LOG("call: %s", strerror(-c.ret));
		EXPECT_EQ(0, memcmp(c.in, c.out, c.len));
	}

	/* The process went with the DSP */
	EXPECT_EQ(DRM_FASTRPC_PROCESS_STATE_LOST, process_state(c.fd));
	EXPECT_EQ(0, frpc_sim_live(MAIN_INST, 1));
	close(c.fd);
	close(uffd);
	munmap(area, c.len);
	free(stuck_in ? c.out : c.in);
	EXPECT_EQ(0, wait_idle("cdsp", bad, sizeof(bad))) TH_LOG("%s", bad);
	c.fd = open_pd("cdsp", &c.simtest);
	EXPECT_LE(0, c.fd) TH_LOG("PD after restart: %s", strerror(-c.fd));
	if (c.fd >= 0)
		close(c.fd);
}

TEST(restart_with_caller_stuck_in_copy_in)
{
	restart_with_stuck_caller(_metadata, 1);
}

struct args_call {
	int fd;
	uint32_t simtest;
	struct drm_fastrpc_arg *args;
	int ret;
};

static void *args_call_thread(void *arg)
{
	struct args_call *c = arg;
	struct drm_fastrpc_invoke inv = {
		.handle = c->simtest,
		.sc = FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1),
		.args = (uintptr_t)c->args,
		.num_args = 2,
		.arg_size = sizeof(*c->args),
	};

	c->ret = frpc_invoke_raw(c->fd, &inv);
	return NULL;
}

/*
 * The caller has its process and sits reading its argument array when the
 * DSP goes away; the array then names a buffer object. Nothing may be
 * mapped on the context bank that went away (KASAN on the debug kernel).
 */
TEST(restart_with_caller_stuck_reading_args)
{
	struct drm_fastrpc_arg *page;
	struct uffdio_copy copy;
	struct args_call c;
	char out[64], bad[96] = "";
	pthread_t t;
	uint32_t h;
	void *area;
	int uffd;

	c.fd = open_pd("cdsp", &c.simtest);
	ASSERT_LE(0, c.fd);
	ASSERT_EQ(0, frpc_gem_create(c.fd, 64 * 1024, &h));
	area = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	uffd = uffd_setup(area, PAGE);
	if (uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(-uffd));
	c.args = area;
	ASSERT_EQ(0, pthread_create(&t, NULL, args_call_thread, &c));
	ASSERT_EQ(0, uffd_wait_fault(uffd, 10000));

	EXPECT_TRUE(restart_down_within(MAIN_INST, 20));
	/* Now the array arrives: a GEM range in, an inline buffer out */
	page = aligned_alloc(PAGE, PAGE);
	memset(page, 0, PAGE);
	page[0] = frpc_arg_gem(h, 0, sizeof(out));
	page[1] = frpc_arg_inline(out, sizeof(out));
	copy = (struct uffdio_copy){
		.dst = (uintptr_t)area, .src = (uintptr_t)page, .len = PAGE,
	};
	EXPECT_EQ(0, ioctl(uffd, UFFDIO_COPY, &copy));
	pthread_join(t, NULL);
	EXPECT_TRUE(c.ret == -EPIPE || c.ret == -ENODEV)
		TH_LOG("call: %d (%s)", c.ret, strerror(-c.ret));

	EXPECT_EQ(0, frpc_sim_live(MAIN_INST, 1));
	close(c.fd);
	close(uffd);
	munmap(area, PAGE);
	free(page);
	EXPECT_EQ(0, wait_idle("cdsp", bad, sizeof(bad))) TH_LOG("%s", bad);
}

TEST(restart_with_caller_stuck_in_copy_out)
{
	restart_with_stuck_caller(_metadata, 0);
}

/* ------------------------------------------------------------------ */
/* A lost reply: kept until the DSP restarts, then given back          */
/* ------------------------------------------------------------------ */

/* In a new process: PROCESS_INIT on OWN_LABEL; exit status 0 or errno */
static int child_process_init(void)
{
	pid_t pid = fork();
	int st;

	if (!pid) {
		int fd = frpc_open_online(OWN_LABEL, 0), ret;

		if (fd < 0)
			_exit(-fd);
		ret = frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
					DRM_FASTRPC_PROCESS_UNSIGNED);
		_exit(-ret);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

TEST(lost_release_kept_until_restart)
{
	uint32_t simtest, h;
	uint64_t dsp_addr, kept = 0, used = 0, pages = 1;
	char bad[96] = "";
	long long old_to;
	int fd, ret;
	pid_t pid;
	int st;

	ret = frpc_sim_create(OWN_INST, OWN_LABEL, 1, 0);
	if (ret == -ENOENT)
		SKIP(return, "no simulator configfs");
	ASSERT_EQ(0, ret) TH_LOG("creating " OWN_INST ": %s", strerror(-ret));
	old_to = set_param("kernel_timeout_ms", 1000);
	ASSERT_LE(0, old_to);

	/* A process with a PD, a mapped buffer, then a lost RELEASE reply */
	pid = fork();
	if (!pid) {
		fd = open_pd(OWN_LABEL, &simtest);
		if (fd < 0)
			_exit(10);
		if (frpc_gem_create(fd, 64 * 1024, &h) ||
		    frpc_map(fd, DRM_FASTRPC_BUF_GEM, h, 0, 64 * 1024,
			     &dsp_addr))
			_exit(11);
		if (frpc_sim_knob(OWN_INST, "drop_reply", 1))
			_exit(12);
		close(fd);	/* RELEASE: its reply is dropped */
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st))
		TH_LOG("child setup failed: %d", WEXITSTATUS(st));

	/* The DSP may still use the init memory and the mapping */
	EXPECT_EQ(0, counter(OWN_LABEL, "kept", &kept));
	EXPECT_LE(2ull, kept) TH_LOG("kept %llu", (unsigned long long)kept);
	EXPECT_EQ(0, counter(OWN_LABEL, "sessions_used", &used));
	EXPECT_LE(1ull, used);
	EXPECT_EQ(0, frpc_sim_counter(OWN_INST, "smmu_pages", &pages));
	EXPECT_LT(0ull, pages);
	/* ... so its only bank is nobody else's meanwhile */
	EXPECT_EQ(EBUSY, child_process_init());

	/* The DSP restarts: it forgot everything, all of it comes back */
	EXPECT_EQ(0, frpc_sim_live(OWN_INST, 0));
	EXPECT_EQ(0, frpc_sim_live(OWN_INST, 1));
	EXPECT_EQ(0, wait_idle(OWN_LABEL, bad, sizeof(bad))) TH_LOG("%s", bad);
	EXPECT_EQ(0, frpc_sim_counter(OWN_INST, "smmu_pages", &pages));
	EXPECT_EQ(0ull, pages);
	EXPECT_EQ(0, child_process_init());

	set_param("kernel_timeout_ms", old_to);
	frpc_sim_remove(OWN_INST);
}

/* ------------------------------------------------------------------ */
/* Per-client limits and memory accounting                             */
/* ------------------------------------------------------------------ */

struct sleeper {
	int fd;
	uint32_t simtest, ms, timeout;
	int ret;
	pthread_t thread;
};

static void *sleeper_thread(void *arg)
{
	struct sleeper *s = arg;
	struct frpc_buf in = { &s->ms, sizeof(s->ms) };

	s->ret = frpc_invoke(s->fd, s->simtest, FRPC_SIMTEST_SLEEP, &in, 1,
			     NULL, 0, s->timeout, NULL);
	return NULL;
}

static int echo(int fd, uint32_t simtest, size_t len, uint32_t timeout)
{
	void *p = malloc(len ? len : 1), *q = malloc(len ? len : 1);
	struct frpc_buf in = { p, len }, out = { q, len };
	int ret;

	memset(p, 0x33, len);
	ret = frpc_invoke(fd, simtest, FRPC_SIMTEST_ECHO, &in, 1, &out, 1,
			  timeout, NULL);
	free(p);
	free(q);
	return ret;
}

TEST(limit_calls_per_client)
{
	struct sleeper s[3];
	uint32_t simtest, simtest2;
	uint64_t lim0 = 0, lim1 = 0;
	long long old;
	int fd, fd2, i;

	fd = open_pd("cdsp", &simtest);
	ASSERT_LE(0, fd);
	fd2 = open_pd("cdsp", &simtest2);
	ASSERT_LE(0, fd2);
	old = set_param("max_calls_per_client", 3);
	ASSERT_LE(0, old) TH_LOG("no max_calls_per_client parameter");
	counter("cdsp", "limited", &lim0);

	for (i = 0; i < 3; i++) {
		s[i] = (struct sleeper){ .fd = fd, .simtest = simtest,
					 .ms = 1500 };
		ASSERT_EQ(0, pthread_create(&s[i].thread, NULL,
					    sleeper_thread, &s[i]));
	}
	usleep(400000);
	/* The client has 3 calls unfinished: a fourth waits for none */
	EXPECT_EQ(-EAGAIN, echo(fd, simtest, 64, 0));
	/* Another client is not affected */
	EXPECT_EQ(0, echo(fd2, simtest2, 64, 0));
	for (i = 0; i < 3; i++) {
		pthread_join(s[i].thread, NULL);
		EXPECT_EQ(0, s[i].ret);
	}
	EXPECT_EQ(0, echo(fd, simtest, 64, 0));
	counter("cdsp", "limited", &lim1);
	EXPECT_LT(lim0, lim1);
	set_param("max_calls_per_client", old);
	close(fd);
	close(fd2);
}

TEST(limit_abandoned_calls)
{
	struct sleeper s = { .ms = 2000, .timeout = 50 };
	long long old;
	int fd, i;

	fd = open_pd("cdsp", &s.simtest);
	ASSERT_LE(0, fd);
	s.fd = fd;
	old = set_param("max_abandoned_per_client", 2);
	ASSERT_LE(0, old);

	for (i = 0; i < 2; i++) {
		sleeper_thread(&s);
		EXPECT_EQ(-ETIMEDOUT, s.ret);
	}
	/* Two calls the DSP still works on: no third until they end */
	EXPECT_EQ(-EBUSY, echo(fd, s.simtest, 64, 0));
	usleep(2600000);
	EXPECT_EQ(0, echo(fd, s.simtest, 64, 0));
	set_param("max_abandoned_per_client", old);
	close(fd);
}

TEST(limit_abandoned_bytes)
{
	char bad[96] = "";
	uint32_t simtest;
	long long old;
	int fd, i;

	fd = open_pd("cdsp", &simtest);
	ASSERT_LE(0, fd);
	old = set_param("max_abandoned_kb_per_client", 40000);
	ASSERT_LE(0, old);

	/* 2 x 16 MiB of payload each, never answered */
	ASSERT_EQ(0, frpc_sim_knob(MAIN_INST, "drop_reply", 2));
	for (i = 0; i < 2; i++)
		EXPECT_EQ(-ETIMEDOUT, echo(fd, simtest, 16 * MiB, 200));
	EXPECT_EQ(-EBUSY, echo(fd, simtest, 64, 0));
	frpc_sim_knob(MAIN_INST, "drop_reply", 0);
	set_param("max_abandoned_kb_per_client", old);
	/* The DSP released the process: the calls are given back */
	close(fd);
	EXPECT_EQ(0, wait_idle("cdsp", bad, sizeof(bad))) TH_LOG("%s", bad);
}

#define CG	"/sys/fs/cgroup"

static int cgroup_setup(void)
{
	if (access(CG "/cgroup.controllers", R_OK)) {
		mkdir(CG, 0755);
		if (mount("none", CG, "cgroup2", 0, NULL))
			return -errno;
	}
	frpc_write_str(CG "/cgroup.subtree_control", "+memory");
	if (mkdir(CG "/fastrpc_trust", 0755) && errno != EEXIST)
		return -errno;
	return frpc_write_str(CG "/fastrpc_trust/memory.max", "40M");
}

TEST(payload_charged_to_memcg)
{
	int ret, st;
	pid_t pid;

	ret = cgroup_setup();
	if (ret)
		SKIP(return, "no memory cgroup: %s", strerror(-ret));

	pid = fork();
	if (!pid) {
		uint32_t simtest;
		void *big;
		int fd;

		if (frpc_write_str(CG "/fastrpc_trust/cgroup.procs", "0"))
			_exit(100);
		fd = open_pd("cdsp", &simtest);
		if (fd < 0)
			_exit(101);
		/* 4 MiB fit in the group */
		if (echo(fd, simtest, 4 * MiB, 0))
			_exit(102);
		/* 2 x 24 MiB of payload do not: -ENOMEM, no OOM kill */
		big = mmap(NULL, 24 * MiB, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		{
			struct frpc_buf in = { big, 24 * MiB };
			struct frpc_buf out = { big, 24 * MiB };

			ret = frpc_invoke(fd, simtest, FRPC_SIMTEST_ECHO, &in,
					  1, &out, 1, 0, NULL);
		}
		close(fd);
		_exit(ret == -ENOMEM ? 0 : 103);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st)) TH_LOG("child killed by signal %d",
					   WTERMSIG(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	rmdir(CG "/fastrpc_trust");
}

/* ------------------------------------------------------------------ */
/* Online only once the DSP can answer                                 */
/* ------------------------------------------------------------------ */

static volatile int poll_stop;
static int poll_violations;

static void *online_poller(void *arg)
{
	struct drm_fastrpc_device_info info;
	int fd = *(int *)arg;

	while (!poll_stop) {
		if (!frpc_device_info(fd, &info) &&
		    (info.flags & DRM_FASTRPC_DEVICE_ONLINE) &&
		    !info.num_sessions)
			poll_violations++;
	}
	return NULL;
}

TEST(online_only_when_ready)
{
	long long old_to;
	pthread_t t;
	int fd, i, pfd, ret;

	pfd = frpc_open_online("cdsp", 0);
	ASSERT_LE(0, pfd);
	old_to = set_param("kernel_timeout_ms", 2000);
	poll_stop = 0;
	poll_violations = 0;
	ASSERT_EQ(0, pthread_create(&t, NULL, online_poller, &pfd));
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, frpc_sim_live(MAIN_INST, 0));
		ASSERT_EQ(0, frpc_sim_live(MAIN_INST, 1));
		/* Straight away: a call must be answered */
		fd = frpc_open_online("cdsp", 0);
		ASSERT_LE(0, fd);
		ret = frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
					DRM_FASTRPC_PROCESS_UNSIGNED);
		EXPECT_EQ(0, ret) TH_LOG("PD right after online: %s",
					 strerror(-ret));
		close(fd);
	}
	poll_stop = 1;
	pthread_join(t, NULL);
	EXPECT_EQ(0, poll_violations)
		TH_LOG("online with no session %d times", poll_violations);
	set_param("kernel_timeout_ms", old_to);
	close(pfd);
}

/* ------------------------------------------------------------------ */
/* INVOKE does not wait behind MAP; UNMAP is refused during a call     */
/* ------------------------------------------------------------------ */

struct mapper {
	int fd;
	uint32_t h;
	int ret;
};

static void *mapper_thread(void *arg)
{
	struct mapper *m = arg;
	uint64_t a;

	m->ret = frpc_map(m->fd, DRM_FASTRPC_BUF_GEM, m->h, 0, PAGE, &a);
	return NULL;
}

TEST(invoke_not_behind_map)
{
	struct mapper m;
	uint32_t simtest;
	long long old_to;
	uint64_t t0, t1;
	pthread_t t;

	m.fd = open_pd("cdsp", &simtest);
	ASSERT_LE(0, m.fd);
	ASSERT_EQ(0, frpc_gem_create(m.fd, PAGE, &m.h));
	old_to = set_param("kernel_timeout_ms", 3000);
	ASSERT_LE(0, old_to);
	/* MAP's reply is lost: it holds the file for 3 s */
	ASSERT_EQ(0, frpc_sim_knob(MAIN_INST, "drop_reply", 1));
	ASSERT_EQ(0, pthread_create(&t, NULL, mapper_thread, &m));
	usleep(300000);
	t0 = frpc_now_us();
	EXPECT_EQ(0, echo(m.fd, simtest, 64, 0));
	t1 = frpc_now_us();
	EXPECT_GT(1000000ull, t1 - t0) TH_LOG("INVOKE took %llu us behind MAP",
					   (unsigned long long)(t1 - t0));
	pthread_join(t, NULL);
	EXPECT_EQ(-ETIMEDOUT, m.ret);
	set_param("kernel_timeout_ms", old_to);
	close(m.fd);
}

TEST(unmap_refused_during_call)
{
	struct sleeper s = { .ms = 1000 };
	uint64_t dsp_addr;
	uint32_t h;

	s.fd = open_pd("cdsp", &s.simtest);
	ASSERT_LE(0, s.fd);
	ASSERT_EQ(0, frpc_gem_create(s.fd, PAGE, &h));
	ASSERT_EQ(0, frpc_map(s.fd, DRM_FASTRPC_BUF_GEM, h, 0, PAGE,
			      &dsp_addr));
	ASSERT_EQ(0, pthread_create(&s.thread, NULL, sleeper_thread, &s));
	usleep(300000);
	EXPECT_EQ(-EBUSY, frpc_unmap(s.fd, dsp_addr));
	pthread_join(s.thread, NULL);
	EXPECT_EQ(0, s.ret);
	EXPECT_EQ(0, frpc_unmap(s.fd, dsp_addr));
	close(s.fd);
}

/*
 * A call to a system handle (here the loader, handle 8) uses no mapping of
 * the process: it does not hold UNMAP off. A listener thread's call waits
 * in the DSP for as long as the process lives, so counting it would refuse
 * every unmap of a process that serves DSP-to-host calls. The DSP holds
 * every reply for 1 s; before the rule, UNMAP failed at once with EBUSY.
 */
struct opener {
	int fd, ret;
	uint32_t h;
	volatile int done;
};

static void *opener_thread(void *arg)
{
	struct opener *o = arg;

	o->ret = frpc_module_open(o->fd, FRPC_CALCULATOR_URI, &o->h);
	o->done = 1;
	return NULL;
}

TEST(unmap_during_system_call)
{
	struct opener o = { 0 };
	uint32_t simtest, h;
	uint64_t dsp_addr;
	pthread_t t;

	o.fd = open_pd("cdsp", &simtest);
	ASSERT_LE(0, o.fd);
	ASSERT_EQ(0, frpc_gem_create(o.fd, PAGE, &h));
	ASSERT_EQ(0, frpc_map(o.fd, DRM_FASTRPC_BUF_GEM, h, 0, PAGE,
			      &dsp_addr));
	ASSERT_EQ(0, frpc_sim_knob(MAIN_INST, "delay_ms", 1000));
	ASSERT_EQ(0, pthread_create(&t, NULL, opener_thread, &o));
	usleep(300000);
	/* The open waits for its reply */
	EXPECT_FALSE(o.done);
	EXPECT_EQ(0, frpc_unmap(o.fd, dsp_addr));
	pthread_join(t, NULL);
	ASSERT_EQ(0, frpc_sim_knob(MAIN_INST, "delay_ms", 0));
	EXPECT_EQ(0, o.ret);
	close(o.fd);
}

/*
 * UNMAP against a call that is starting: one thread calls a method that
 * sleeps 1 ms, over and over; another maps and unmaps a buffer as fast as
 * UNMAP lets it. UNMAP may answer EBUSY, but the DSP must never be asked
 * to unmap while a call of the process runs (the simulator counts that in
 * unmaps_in_call). A busy check that a starting call can slip past lets
 * the MEM_UNMAP through while the call sleeps on the DSP.
 */
struct call_loop {
	int fd;
	uint32_t simtest;
	volatile int stop;
	unsigned int calls;
	int ret;
};

static void *call_loop_thread(void *arg)
{
	struct call_loop *l = arg;
	uint32_t ms = 1;
	struct frpc_buf in = { &ms, sizeof(ms) };

	while (!l->stop && !l->ret) {
		l->ret = frpc_invoke(l->fd, l->simtest, FRPC_SIMTEST_SLEEP, &in,
				     1, NULL, 0, 0, NULL);
		l->calls++;
	}
	return NULL;
}

TEST(unmap_never_during_call)
{
	unsigned int unmaps = 0, busy = 0;
	struct call_loop l = { 0 };
	uint64_t before = 0, after = 0, dsp_addr, t0;
	pthread_t t;
	uint32_t h;
	int ret;

	if (frpc_sim_counter(MAIN_INST, "unmaps_in_call", &before))
		SKIP(return, "simulator without unmaps_in_call");
	l.fd = open_pd("cdsp", &l.simtest);
	ASSERT_LE(0, l.fd);
	ASSERT_EQ(0, frpc_gem_create(l.fd, PAGE, &h));
	ASSERT_EQ(0, pthread_create(&t, NULL, call_loop_thread, &l));

	t0 = frpc_now_us();
	while (unmaps < 2000 && frpc_now_us() - t0 < 20000000ull) {
		ret = frpc_map(l.fd, DRM_FASTRPC_BUF_GEM, h, 0, PAGE, &dsp_addr);
		if (ret)
			break;
		while ((ret = frpc_unmap(l.fd, dsp_addr)) == -EBUSY)
			busy++;
		if (ret)
			break;
		unmaps++;
	}
	l.stop = 1;
	pthread_join(t, NULL);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(0, l.ret);
	EXPECT_LT(100u, unmaps);
	EXPECT_EQ(0, frpc_sim_counter(MAIN_INST, "unmaps_in_call", &after));
	EXPECT_EQ(before, after)
		TH_LOG("%llu unmaps reached the DSP during a call (%u unmaps, %u EBUSY, %u calls)",
		       (unsigned long long)(after - before), unmaps, busy,
		       l.calls);
	close(l.fd);
}

/*
 * A legacy dma-buf argument is looked up once: its offset and its mapping
 * come from the same buffer even while another thread swaps the buffer
 * behind the descriptor. Page 1 of buffer A is mapped, and the argument
 * points at that mapping, offset 4096 of A: A is read there. With B behind
 * the descriptor, the address is not in a mapping of B: offset 0 of B. An
 * offset taken from one buffer and applied to the other reads page 0 of A
 * or page 1 of B.
 */
struct fd_swapper {
	int fd, a, b;
	volatile int stop;
	unsigned int swaps;
};

static void *fd_swap_thread(void *arg)
{
	struct fd_swapper *s = arg;

	while (!s->stop) {
		dup2(s->swaps & 1 ? s->a : s->b, s->fd);
		s->swaps++;
	}
	return NULL;
}

static int legacy_simtest(int fd, uint32_t *h)
{
	struct fastrpc_init_create init = { 0 };
	const char *uri = FRPC_SIMTEST_URI;
	struct { uint32_t urilen, dlerrlen; } in;
	struct { int32_t handle, dlerr; } out = { -1, -1 };
	struct fastrpc_invoke_args a[4] = {
		{ .ptr = (uintptr_t)&in, .length = sizeof(in), .fd = -1 },
		{ .ptr = (uintptr_t)uri, .length = strlen(uri) + 1, .fd = -1 },
		{ .ptr = (uintptr_t)&out, .length = sizeof(out), .fd = -1 },
	};
	char errtxt[64];
	struct fastrpc_invoke inv = {
		.handle = 8, .sc = (2 << 24) | (2 << 16) | (2 << 8),
		.args = (uintptr_t)a,
	};

	a[3] = (struct fastrpc_invoke_args) {
		.ptr = (uintptr_t)errtxt, .length = sizeof(errtxt), .fd = -1,
	};
	in.urilen = a[1].length;
	in.dlerrlen = sizeof(errtxt);
	if (ioctl(fd, FASTRPC_IOCTL_INIT_CREATE, &init) ||
	    ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv))
		return -errno;
	if (out.dlerr)
		return -ENOENT;
	*h = out.handle;
	return 0;
}

static int legacy_alloc(int fd, uint64_t size, uint8_t page0, uint8_t page1)
{
	struct fastrpc_alloc_dma_buf req = { .fd = -1, .size = size };
	uint8_t *p;

	if (ioctl(fd, FASTRPC_IOCTL_ALLOC_DMA_BUFF, &req))
		return -errno;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, req.fd, 0);
	if (p == MAP_FAILED) {
		close(req.fd);
		return -ENOMEM;
	}
	memset(p, page0, PAGE);
	memset(p + PAGE, page1, PAGE);
	munmap(p, size);
	return req.fd;
}

TEST(legacy_dmabuf_fd_looked_up_once)
{
	unsigned int i, seen[256] = { 0 };
	struct fd_swapper s = { 0 };
	struct fastrpc_invoke_args a[2];
	struct fastrpc_invoke inv;
	uint8_t back[64], *p;
	uint32_t h = 0;
	uint64_t end;
	pthread_t t;
	int fd;

	fd = open("/dev/fastrpc-cdsp", O_RDWR);
	if (fd < 0 && errno == ENOENT)
		SKIP(return, "no /dev/fastrpc-cdsp");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, legacy_simtest(fd, &h));
	s.a = legacy_alloc(fd, 2 * PAGE, 'a', 'A');
	ASSERT_LE(0, s.a);
	s.b = legacy_alloc(fd, 2 * PAGE, 'b', 'B');
	ASSERT_LE(0, s.b);
	/* Page 1 of A, alone in its VMA */
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, s.a, PAGE);
	ASSERT_TRUE(p != MAP_FAILED);
	EXPECT_EQ('A', p[0]);
	s.fd = dup(s.a);
	ASSERT_LE(0, s.fd);

	/* Without the swapper: offset 4096 of A */
	a[0] = (struct fastrpc_invoke_args) {
		.ptr = (uintptr_t)p, .length = sizeof(back), .fd = s.fd,
	};
	a[1] = (struct fastrpc_invoke_args) {
		.ptr = (uintptr_t)back, .length = sizeof(back), .fd = -1,
	};
	inv = (struct fastrpc_invoke) {
		.handle = h, .sc = (FRPC_SIMTEST_ECHO << 24) | (1 << 16) | (1 << 8),
		.args = (uintptr_t)a,
	};
	ASSERT_EQ(0, ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv));
	ASSERT_EQ('A', back[0]);
	dup2(s.b, s.fd);
	ASSERT_EQ(0, ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv));
	ASSERT_EQ('b', back[0]);

	ASSERT_EQ(0, pthread_create(&t, NULL, fd_swap_thread, &s));
	/*
	 * 3000 calls, or 15 s of them: a legacy fd is mapped for each call,
	 * which the debug kernel makes slow, and the harness stops a test
	 * after 30 s.
	 */
	end = frpc_now_us() + 15 * 1000000ull;
	for (i = 0; i < 3000 && frpc_now_us() < end; i++) {
		memset(back, 0, sizeof(back));
		if (ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv)) {
			/* Between close and install by dup2() */
			EXPECT_EQ(EBADF, errno);
			continue;
		}
		seen[back[0]]++;
	}
	s.stop = 1;
	pthread_join(t, NULL);
	TH_LOG("A@4096 %u, B@0 %u, A@0 %u, B@4096 %u, %u swaps", seen['A'],
	       seen['b'], seen['a'], seen['B'], s.swaps);
	EXPECT_EQ(0u, seen['a']);
	EXPECT_EQ(0u, seen['B']);
	EXPECT_EQ(0u, seen[0]);
	EXPECT_LT(0u, seen['A']);
	EXPECT_LT(0u, seen['b']);

	munmap(p, PAGE);
	close(s.fd);
	close(s.a);
	close(s.b);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* A PD that dies                                                      */
/* ------------------------------------------------------------------ */

/*
 * A module of one process faults (simtest crash): the DSP drops that PD's
 * running calls and reports it dead. Every call of the file fails with
 * ECONNRESET, the running one at once; another process on the same DSP
 * carries on; the file can make a new process; nothing stays behind.
 */
TEST(pd_crash_fails_its_calls_only)
{
	struct sleeper s = { .ms = 5000 };
	uint64_t down0 = 0, down1 = 0, t0, a;
	uint32_t simtest2, h;
	char bad[96] = "";
	int fd2;

	ASSERT_EQ(0, counter("cdsp", "pds_down", &down0));
	s.fd = open_pd("cdsp", &s.simtest);
	ASSERT_LE(0, s.fd);
	fd2 = open_pd("cdsp", &simtest2);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, frpc_gem_create(s.fd, PAGE, &h));
	ASSERT_EQ(0, pthread_create(&s.thread, NULL, sleeper_thread, &s));
	usleep(300000);

	t0 = frpc_now_us();
	EXPECT_EQ(-ECONNRESET, frpc_invoke(s.fd, s.simtest, FRPC_SIMTEST_CRASH,
					   NULL, 0, NULL, 0, 0, NULL));
	pthread_join(s.thread, NULL);
	/* The call that was running failed with it, not 5 s later */
	EXPECT_EQ(-ECONNRESET, s.ret);
	EXPECT_GT(3000000ull, frpc_now_us() - t0);
	EXPECT_EQ(0, counter("cdsp", "pds_down", &down1));
	EXPECT_EQ(down0 + 1, down1);
	/* Userspace can ask what happened */
	EXPECT_EQ(DRM_FASTRPC_PROCESS_STATE_DIED, process_state(s.fd));
	EXPECT_EQ(DRM_FASTRPC_PROCESS_STATE_RUNNING, process_state(fd2));

	/* Later calls fail the same way, and reach no DSP */
	EXPECT_EQ(-ECONNRESET, echo(s.fd, s.simtest, 64, 0));
	EXPECT_EQ(-ECONNRESET, frpc_map(s.fd, DRM_FASTRPC_BUF_GEM, h, 0, PAGE,
					&a));
	/* Another process carries on */
	EXPECT_EQ(0, echo(fd2, simtest2, 64, 0));
	/* The file makes a new process */
	ASSERT_EQ(0, frpc_process_init(s.fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	ASSERT_EQ(0, frpc_module_open(s.fd, FRPC_SIMTEST_URI, &s.simtest));
	EXPECT_EQ(0, echo(s.fd, s.simtest, 64, 0));
	EXPECT_EQ(0, frpc_map(s.fd, DRM_FASTRPC_BUF_GEM, h, 0, PAGE, &a));
	EXPECT_EQ(DRM_FASTRPC_PROCESS_STATE_RUNNING, process_state(s.fd));

	close(s.fd);
	close(fd2);
	EXPECT_EQ(0, wait_idle("cdsp", bad, sizeof(bad))) TH_LOG("%s", bad);
}

/* The same through the legacy face: its calls fail with ECONNRESET */
TEST(pd_crash_legacy)
{
	uint32_t ms = 0;
	struct fastrpc_invoke_args a = {
		.ptr = (uintptr_t)&ms, .length = sizeof(ms), .fd = -1,
	};
	struct fastrpc_invoke inv;
	char bad[96] = "";
	uint32_t h, h2;
	int fd, fd2;

	fd = open("/dev/fastrpc-cdsp", O_RDWR);
	if (fd < 0 && errno == ENOENT)
		SKIP(return, "no /dev/fastrpc-cdsp");
	ASSERT_LE(0, fd);
	fd2 = open("/dev/fastrpc-cdsp", O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, legacy_simtest(fd, &h));
	ASSERT_EQ(0, legacy_simtest(fd2, &h2));

	inv = (struct fastrpc_invoke) {
		.handle = h, .sc = FRPC_SIMTEST_CRASH << 24,
	};
	EXPECT_EQ(-1, ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(-1, ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv));
	EXPECT_EQ(ECONNRESET, errno);
	/* The other file carries on: simtest sleep of 0 ms */
	inv = (struct fastrpc_invoke) {
		.handle = h2, .sc = (FRPC_SIMTEST_SLEEP << 24) | (1 << 16),
		.args = (uintptr_t)&a,
	};
	EXPECT_EQ(0, ioctl(fd2, FASTRPC_IOCTL_INVOKE, &inv));
	close(fd);
	close(fd2);
	EXPECT_EQ(0, wait_idle("cdsp", bad, sizeof(bad))) TH_LOG("%s", bad);
}

/* ------------------------------------------------------------------ */
/* Argument checks                                                     */
/* ------------------------------------------------------------------ */

TEST(sc_attribute_bits_reserved)
{
	struct drm_fastrpc_arg a[2];
	struct drm_fastrpc_invoke inv;
	char in[8] = "abcdefg", out[8];
	uint32_t simtest, bit;
	int fd;

	fd = open_pd("cdsp", &simtest);
	ASSERT_LE(0, fd);
	a[0] = frpc_arg_inline(in, sizeof(in));
	a[1] = frpc_arg_inline(out, sizeof(out));
	for (bit = 29; bit < 32; bit++) {
		inv = (struct drm_fastrpc_invoke){
			.handle = simtest,
			.sc = FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1) | (1u << bit),
			.args = (uintptr_t)a, .num_args = 2,
			.arg_size = sizeof(a[0]),
		};
		EXPECT_EQ(-EINVAL, frpc_invoke_raw(fd, &inv))
			TH_LOG("sc bit %u", bit);
	}
	inv.sc = FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1);
	EXPECT_EQ(0, frpc_invoke_raw(fd, &inv));
	close(fd);
}

TEST(query_size_bounded)
{
	struct drm_fastrpc_query q;
	unsigned char *buf;
	size_t n = DRM_FASTRPC_QUERY_MAX_SIZE;
	size_t i, bad = 0;
	int fd;

	fd = frpc_open_online("cdsp", 0);
	ASSERT_LE(0, fd);
	buf = malloc(n + 1);
	memset(buf, 0xff, n + 1);
	q = (struct drm_fastrpc_query){
		.type = DRM_FASTRPC_QUERY_DEVICE_INFO,
		.size = 0xffffffffu, .pointer = (uintptr_t)buf,
	};
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0xff, buf[0]);
	q.size = n + 1;
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q));
	EXPECT_EQ(EINVAL, errno);
	/* The largest accepted: answer, then zeroes up to the size */
	q.size = n;
	EXPECT_EQ(0, ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q));
	EXPECT_EQ(sizeof(struct drm_fastrpc_device_info), q.size);
	for (i = sizeof(struct drm_fastrpc_device_info); i < n; i++)
		bad += buf[i] != 0;
	EXPECT_EQ(0ul, bad);
	EXPECT_EQ(0xff, buf[n]);
	free(buf);
	close(fd);
}

TEST(create_static_heap_bounded)
{
	struct fastrpc_init_create_static init;
	char name[] = "audiopd";
	uint32_t m0, m1;
	int fd;

	fd = open("/dev/fastrpc-adsp", O_RDWR);
	if (fd < 0)
		SKIP(return, "no /dev/fastrpc-adsp");
	init = (struct fastrpc_init_create_static){
		.namelen = sizeof(name), .memlen = 0xfffff000u,
		.name = (uintptr_t)name,
	};
	m0 = sim_messages("adsp0");
	EXPECT_EQ(-1, ioctl(fd, FASTRPC_IOCTL_INIT_CREATE_STATIC, &init));
	EXPECT_EQ(EINVAL, errno);
	m1 = sim_messages("adsp0");
	/* Refused before anything was allocated or sent */
	EXPECT_EQ(m0, m1);
	close(fd);
}

TEST_HARNESS_MAIN
