// SPDX-License-Identifier: GPL-2.0-only
/*
 * Observability of the FastRPC driver (Documentation/accel/fastrpc/
 * observability.rst):
 *
 * - the DRM client usage stats of an accel file: "drm-engine-dsp: <N> ns"
 *   in /proc/self/fdinfo/<fd>, the time during which the file had a call
 *   on the DSP. It grows by at least the time a simtest "sleep" call
 *   sleeps, also while the call is in flight, never for a file that makes
 *   no call, only for the file that made the call, and at most by the
 *   time that passed; a call the DSP failed counts, one refused before it
 *   was sent does not; a call failed by a DSP restart counts until the
 *   restart.
 * - the "fastrpc" trace events: invoke start and end, map and unmap, PD
 *   create and release, channel down and up, with their fields, on both
 *   faces. They are read from a tracefs instance of the test's own
 *   (instances/fastrpc_observe.<pid>), so nothing else's tracing is
 *   disturbed; tracefs is mounted at /sys/kernel/tracing when it is not.
 *   A kernel without tracefs skips those tests; one whose tracefs has no
 *   "fastrpc" events fails them.
 *
 * Expects the harness's instances cdsp0 (cdsp) with its legacy node
 * /dev/fastrpc-cdsp, debugfs at /sys/kernel/debug.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <misc/fastrpc.h>

/* See fastrpc_uapi.c */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#include "kselftest_harness.h"
#include "../../../../../accel/fastrpc/fastrpc_util.h"

#define SIM_INST		"cdsp0"
#define DOMAIN			"cdsp"
#define LEGACY_NODE		"/dev/fastrpc-cdsp"
#define SIM_DEBUGFS		FRPC_DEBUGFS "/fastrpc_sim"
#define RPROC_DEBUGFS		FRPC_DEBUGFS "/remoteproc"
#define TRACEFS			"/sys/kernel/tracing"
#define ENGINE_KEY		"drm-engine-dsp:"
#define PAGE			4096ull
#define NSEC_PER_MSEC		1000000ull
/* One restart on TCG with KASAN: generous */
#define RESTART_TIMEOUT_MS	30000
#define ADSP_MMAP_ADD_PAGES	0x1000
#define LSC(m, in, out)	(((uint32_t)(m) << 24) | ((in) << 16) | ((out) << 8))
#define DSP_EBADPARM		FRPC_DSP_ERR(FRPC_AEE_EBADPARM)

/* The driver's trace events, all of which must exist */
static const char * const events[] = {
	"fastrpc_invoke_start", "fastrpc_invoke_end", "fastrpc_map",
	"fastrpc_unmap", "fastrpc_pd_create", "fastrpc_pd_release",
	"fastrpc_channel_up", "fastrpc_channel_down",
};

#define OPEN_SIMTEST_OR_SKIP(fd, h) do {				\
	fd = frpc_open_simtest(DOMAIN, h);				\
	if (fd == -ENOENT)						\
		SKIP(return, "no " DOMAIN " device in " FRPC_ACCEL_DIR);\
	ASSERT_LE(0, fd) TH_LOG("simtest PD: %s", strerror(-fd));	\
} while (0)

/* ------------------------------------------------------------------ */
/* Calls                                                              */
/* ------------------------------------------------------------------ */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int sim_sleep(int fd, uint32_t h, uint32_t ms)
{
	struct frpc_buf i = { &ms, sizeof(ms) };

	return frpc_invoke(fd, h, FRPC_SIMTEST_SLEEP, &i, 1, NULL, 0, 0, NULL);
}

/* simtest "error": the DSP answers @retval */
static int sim_error(int fd, uint32_t h, uint32_t retval, uint32_t *st)
{
	struct frpc_buf i = { &retval, sizeof(retval) };

	return frpc_invoke(fd, h, FRPC_SIMTEST_ERROR, &i, 1, NULL, 0, 0, st);
}

/* A call in another thread */
struct sleeper {
	int fd;
	uint32_t h;
	uint32_t ms;
	int ret;
	pid_t tid;		/* the thread that made the call */
	uint64_t start_ns;
	uint64_t end_ns;
	pthread_t th;
};

static void *sleeper_fn(void *arg)
{
	struct sleeper *s = arg;

	s->tid = (pid_t)syscall(SYS_gettid);
	s->start_ns = now_ns();
	s->ret = sim_sleep(s->fd, s->h, s->ms);
	s->end_ns = now_ns();
	return NULL;
}

static int sleeper_start(struct sleeper *s, int fd, uint32_t h, uint32_t ms)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->h = h;
	s->ms = ms;
	s->ret = 1;
	return -pthread_create(&s->th, NULL, sleeper_fn, s);
}

/* Wait until the device has @n calls in flight (5 s): 0 or -ETIMEDOUT */
static int wait_in_flight(int fd, uint64_t n)
{
	uint64_t end = frpc_now_us() + 5000000, v = 0;

	do {
		if (!frpc_drv_counter(fd, "in_flight", &v) && v >= n)
			return 0;
		usleep(2000);
	} while (frpc_now_us() < end);
	return -ETIMEDOUT;
}

/* ------------------------------------------------------------------ */
/* fdinfo                                                             */
/* ------------------------------------------------------------------ */

/*
 * The value of "drm-engine-dsp: <N> ns" of @fd: 0 and *@ns, -ENOENT when
 * the key is missing, -EPROTO when it is malformed (no " ns" unit, or a
 * second such key).
 */
static int engine_ns(int fd, uint64_t *ns)
{
	char path[64], line[256], unit[8];
	int found = 0, ret = 0;
	unsigned long long v;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, ENGINE_KEY, strlen(ENGINE_KEY)))
			continue;
		if (found++ ||
		    sscanf(line + strlen(ENGINE_KEY), "%llu %7s", &v,
			   unit) != 2 || strcmp(unit, "ns"))
			ret = -EPROTO;
		else
			*ns = v;
	}
	fclose(f);
	return found ? ret : -ENOENT;
}

/* Does the fdinfo of @fd have a key starting with @prefix? 1, 0 or -errno */
static int fdinfo_has(int fd, const char *prefix)
{
	char path[64], line[256];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, prefix, strlen(prefix)))
			found = 1;
	fclose(f);
	return found;
}

static uint64_t engine(struct __test_metadata *_metadata, int fd)
{
	uint64_t ns = 0;
	int ret = engine_ns(fd, &ns);

	ASSERT_EQ(0, ret) TH_LOG("%s in /proc/self/fdinfo/%d: %s", ENGINE_KEY,
				 fd, strerror(-ret));
	return ns;
}

#define ENGINE(fd) engine(_metadata, fd)

/* A file that made no call: the key is there, 0, and stays so */
TEST(fdinfo_idle_client)
{
	uint64_t a, b;
	int fd;

	fd = frpc_open_domain(DOMAIN, NULL, NULL, 0);
	if (fd == -ENOENT)
		SKIP(return, "no " DOMAIN " device");
	ASSERT_LE(0, fd);
	EXPECT_EQ(0ull, ENGINE(fd));
	/* One engine, not a group: no capacity key (capacity 1) */
	EXPECT_EQ(0, fdinfo_has(fd, "drm-engine-capacity-"));
	/* The memory keys are still there */
	EXPECT_EQ(1, fdinfo_has(fd, "drm-total-"));
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	a = ENGINE(fd);
	usleep(300000);
	b = ENGINE(fd);
	/* PD creation is the driver's call, not the client's */
	EXPECT_EQ(0ull, a);
	EXPECT_EQ(a, b);
	close(fd);
}

/*
 * A 300 ms sleep on the DSP adds at least 300 ms, and at most the time
 * the ioctl took; an idle file with a PD does not grow afterwards.
 */
TEST(fdinfo_sleep_call)
{
	const uint32_t ms = 300;
	uint64_t b0, b1, b2, t0, t1;
	uint32_t h;
	int fd;

	OPEN_SIMTEST_OR_SKIP(fd, &h);
	b0 = ENGINE(fd);
	t0 = now_ns();
	ASSERT_EQ(0, sim_sleep(fd, h, ms));
	t1 = now_ns();
	b1 = ENGINE(fd);
	TH_LOG("busy %" PRIu64 " -> %" PRIu64 " ns over a call of %" PRIu64
	       " ns", b0, b1, t1 - t0);
	EXPECT_LE(b0 + ms * NSEC_PER_MSEC, b1);
	EXPECT_GE(b0 + (t1 - t0), b1);
	usleep(200000);
	b2 = ENGINE(fd);
	EXPECT_EQ(b1, b2);
	close(fd);
}

/* A call in flight counts while it runs: the value grows at every read */
TEST(fdinfo_in_flight)
{
	uint64_t prev, v, first, last = 0;
	struct sleeper s;
	uint32_t h;
	int fd, i, grew = 0;

	OPEN_SIMTEST_OR_SKIP(fd, &h);
	first = ENGINE(fd);
	ASSERT_EQ(0, sleeper_start(&s, fd, h, 1500));
	ASSERT_EQ(0, wait_in_flight(fd, 1));
	prev = ENGINE(fd);
	for (i = 0; i < 5; i++) {
		usleep(100000);
		v = ENGINE(fd);
		EXPECT_LE(prev, v);
		if (v > prev)
			grew++;
		prev = v;
	}
	/* Read before the call returned */
	EXPECT_EQ(1, s.ret);
	EXPECT_EQ(5, grew);
	EXPECT_LE(first + 400 * NSEC_PER_MSEC, prev);
	ASSERT_EQ(0, pthread_join(s.th, NULL));
	EXPECT_EQ(0, s.ret);
	last = ENGINE(fd);
	EXPECT_LE(prev, last);
	EXPECT_LE(first + 1500 * NSEC_PER_MSEC, last);
	close(fd);
}

/*
 * Two files: each one's calls count for it alone. Two calls of one file
 * at the same time count once: the value is time the file kept the DSP
 * busy, which grows by at most the time that passed.
 */
TEST(fdinfo_per_client)
{
	uint64_t a0, a1, a2, b0, b1, b2, t0, t1;
	struct sleeper s1, s2;
	uint32_t ha, hb;
	int fa, fb;

	OPEN_SIMTEST_OR_SKIP(fa, &ha);
	fb = frpc_open_simtest(DOMAIN, &hb);
	ASSERT_LE(0, fb) TH_LOG("second simtest PD: %s", strerror(-fb));

	a0 = ENGINE(fa);
	b0 = ENGINE(fb);
	ASSERT_EQ(0, sim_sleep(fa, ha, 200));
	a1 = ENGINE(fa);
	b1 = ENGINE(fb);
	EXPECT_LE(a0 + 200 * NSEC_PER_MSEC, a1);
	EXPECT_EQ(b0, b1);

	ASSERT_EQ(0, sim_sleep(fb, hb, 200));
	a2 = ENGINE(fa);
	b2 = ENGINE(fb);
	EXPECT_EQ(a1, a2);
	EXPECT_LE(b1 + 200 * NSEC_PER_MSEC, b2);

	/* Two calls of fa at once */
	t0 = now_ns();
	ASSERT_EQ(0, sleeper_start(&s1, fa, ha, 400));
	ASSERT_EQ(0, sleeper_start(&s2, fa, ha, 400));
	ASSERT_EQ(0, pthread_join(s1.th, NULL));
	ASSERT_EQ(0, pthread_join(s2.th, NULL));
	t1 = now_ns();
	EXPECT_EQ(0, s1.ret);
	EXPECT_EQ(0, s2.ret);
	a1 = ENGINE(fa);
	TH_LOG("two 400 ms calls at once: +%" PRIu64 " ns in %" PRIu64 " ns",
	       a1 - a2, t1 - t0);
	EXPECT_LE(a2 + 400 * NSEC_PER_MSEC, a1);
	EXPECT_GE(a2 + (t1 - t0), a1);
	EXPECT_EQ(b2, ENGINE(fb));
	close(fa);
	close(fb);
}

/*
 * A call the DSP fails took DSP time and counts; one the driver refuses
 * before sending it does not.
 */
TEST(fdinfo_failed_call)
{
	struct drm_fastrpc_arg bad = frpc_arg_gem(0x7fffff, 0, 16);
	uint64_t b0, b1, b2;
	uint32_t h, st = 0;
	int fd, ret;

	OPEN_SIMTEST_OR_SKIP(fd, &h);
	b0 = ENGINE(fd);
	ret = sim_error(fd, h, DSP_EBADPARM, &st);
	EXPECT_EQ(-EINVAL, ret);
	EXPECT_EQ(DSP_EBADPARM, st);
	b1 = ENGINE(fd);
	EXPECT_LT(b0, b1);

	/* An unknown GEM handle: -ENOENT, nothing sent */
	ret = frpc_invoke_args(fd, h, FRPC_SIMTEST_ECHO, &bad, 1, NULL, 0, 0,
			       NULL);
	EXPECT_EQ(-ENOENT, ret);
	b2 = ENGINE(fd);
	EXPECT_EQ(b1, b2);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* DSP restarts (see fastrpc_restart.c)                               */
/* ------------------------------------------------------------------ */

/* "index" or "starts" of debugfs fastrpc_sim/<inst>/remoteproc */
static int64_t sim_rproc(const char *what)
{
	char path[256];
	uint64_t v;
	int ret;

	snprintf(path, sizeof(path), SIM_DEBUGFS "/%s/remoteproc", SIM_INST);
	ret = frpc_read_counter(path, what, &v);
	return ret ? ret : (int64_t)v;
}

/* A fatal error of the remote processor: it restarts (recovery on) */
static int rproc_crash(int idx)
{
	char path[256];

	snprintf(path, sizeof(path), RPROC_DEBUGFS "/remoteproc%d/crash", idx);
	return frpc_write_str(path, "2\n");
}

/* The channel was added again since @starts0 and the device is online */
static int wait_restart(int64_t starts0)
{
	uint64_t end = frpc_now_us() + RESTART_TIMEOUT_MS * 1000ull;
	int ret = -ETIMEDOUT;

	do {
		if (sim_rproc("starts") > starts0) {
			int fd = frpc_open_online(DOMAIN, 0);

			if (fd >= 0) {
				close(fd);
				ret = 0;
				break;
			}
		}
		usleep(5000);
	} while (frpc_now_us() < end);
	return ret;
}

#define RPROC_IDX_OR_SKIP(idx) do {					\
	idx = (int)sim_rproc("index");					\
	if (idx < 0)							\
		SKIP(return, SIM_INST " is not a remote processor "	\
		     "(no debugfs remoteproc file)");			\
} while (0)

/*
 * Crash the DSP while a 20 s call sleeps in it: the call fails at once,
 * with -EPIPE or -ENODEV; it counted until then and the value stops.
 * *@in_dsp_ns: how long the call was in flight before the crash, at least.
 */
static void crash_during_sleep(struct __test_metadata *_metadata,
			       int fd, uint32_t h, struct sleeper *s,
			       uint64_t *in_dsp_ns)
{
	uint64_t t_crash;
	int64_t starts;
	int idx;

	idx = (int)sim_rproc("index");
	ASSERT_LE(0, idx);
	ASSERT_EQ(0, sleeper_start(s, fd, h, 20000));
	ASSERT_EQ(0, wait_in_flight(fd, 1));
	usleep(300000);
	starts = sim_rproc("starts");
	ASSERT_LE(1, starts);
	t_crash = now_ns();
	*in_dsp_ns = t_crash - s->start_ns;
	ASSERT_EQ(0, rproc_crash(idx));
	ASSERT_EQ(0, pthread_join(s->th, NULL));
	EXPECT_TRUE(s->ret == -EPIPE || s->ret == -ENODEV)
		TH_LOG("the call returned %d", s->ret);
	EXPECT_GT(t_crash + 10000 * NSEC_PER_MSEC, s->end_ns);
	ASSERT_EQ(0, wait_restart(starts)) TH_LOG(DOMAIN " did not come back");
}

/* A plain test that may take longer than the harness's default 30 s */
FIXTURE(slow) {
	int unused;
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

TEST_F_TIMEOUT(slow, fdinfo_restart_mid_call, 120)
{
	uint64_t b0, b1, b2, in_dsp;
	struct sleeper s;
	uint32_t h;
	int fd, idx;

	RPROC_IDX_OR_SKIP(idx);
	(void)idx;
	OPEN_SIMTEST_OR_SKIP(fd, &h);
	b0 = ENGINE(fd);
	crash_during_sleep(_metadata, fd, h, &s, &in_dsp);
	b1 = ENGINE(fd);
	TH_LOG("busy +%" PRIu64 " ns, call in the DSP %" PRIu64
	       " ns before the crash, %" PRIu64 " ns in all", b1 - b0, in_dsp,
	       s.end_ns - s.start_ns);
	/* At least the time before the crash, not the 20 s of the sleep */
	EXPECT_LE(b0 + in_dsp - 50 * NSEC_PER_MSEC, b1);
	EXPECT_GE(b0 + (s.end_ns - s.start_ns), b1);
	usleep(200000);
	b2 = ENGINE(fd);
	EXPECT_EQ(b1, b2);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* tracefs                                                            */
/* ------------------------------------------------------------------ */

/* One line of the trace buffer that is an event of the driver */
struct ev {
	char name[32];		/* "fastrpc_invoke_end" */
	int pid;		/* task that emitted it */
	uint64_t ts_us;		/* timestamp, us */
	const char *args;	/* "<domain> key=value ..." (in the buffer) */
};

struct trace {
	char inst[128];		/* the instance's directory */
	char *buf;		/* its trace, read by trace_read() */
	struct ev *ev;
	int nev;
};

static int tracefs_mounted(void)
{
	return access(TRACEFS "/instances", F_OK) == 0;
}

/* 0 once tracefs is at TRACEFS, -ENODEV without tracefs, or -errno */
static int tracefs_mount(void)
{
	if (tracefs_mounted())
		return 0;
	/* sysfs has the mount point only when tracefs is built in */
	if (access(TRACEFS, F_OK))
		return errno == ENOENT ? -ENODEV : -errno;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) && errno != EBUSY)
		return -errno;
	return tracefs_mounted() ? 0 : -ENOENT;
}

static int write_file(const char *dir, const char *name, const char *val)
{
	char path[256];
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n != (ssize_t)strlen(val))
		ret = n < 0 ? -errno : -EIO;
	close(fd);
	return ret;
}

/* Read a whole file into a NUL-terminated buffer (free()): NULL on error */
static char *read_all(const char *path)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap), *nb;
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb)
				break;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = 0;
	return buf;
}

/*
 * Parse "   <comm>-<pid>   [cpu] flags  <sec>.<usec>: <event>: <args>"
 * lines of the driver's events; the buffer is cut at line ends.
 */
static void trace_parse(struct trace *t)
{
	char *line = t->buf, *next, *ev, *colon, *p;
	double ts;
	int n = 0;

	for (p = t->buf; *p; p++)
		n += *p == '\n';
	t->ev = calloc(n + 1, sizeof(*t->ev));
	t->nev = 0;
	for (; line && *line; line = next) {
		struct ev *e = &t->ev[t->nev];

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (line[0] == '#')
			continue;
		ev = strstr(line, ": fastrpc_");
		if (!ev)
			continue;
		colon = strchr(ev + 2, ':');
		if (!colon || colon - (ev + 2) >= (long)sizeof(e->name))
			continue;
		memcpy(e->name, ev + 2, colon - (ev + 2));
		e->name[colon - (ev + 2)] = 0;
		e->args = colon + 2;
		/* Timestamp: the number just before @ev */
		for (p = ev; p > line && p[-1] != ' '; p--)
			;
		if (sscanf(p, "%lf", &ts) != 1)
			continue;
		e->ts_us = (uint64_t)(ts * 1e6 + 0.5);
		/* pid: after the last '-' before the " [cpu]" */
		p = strstr(line, " [");
		if (!p)
			continue;
		while (p > line && p[-1] != '-')
			p--;
		e->pid = atoi(p);
		t->nev++;
	}
}

/* A new instance with the driver's events enabled and an empty buffer */
static int trace_start(struct trace *t)
{
	char dir[192];
	int ret;

	memset(t, 0, sizeof(*t));
	snprintf(t->inst, sizeof(t->inst), TRACEFS "/instances/fastrpc_observe.%d",
		 getpid());
	if (mkdir(t->inst, 0755) && errno != EEXIST)
		return -errno;
	/* One clock for all CPUs: latencies are differences of timestamps */
	ret = write_file(t->inst, "trace_clock", "mono");
	if (ret)
		return ret;
	snprintf(dir, sizeof(dir), "%s/events/fastrpc", t->inst);
	ret = write_file(dir, "enable", "1");
	if (!ret)
		ret = write_file(t->inst, "trace", "");
	return ret;
}

/* Stop recording and read what the instance holds */
static int trace_stop(struct trace *t)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/events/fastrpc", t->inst);
	write_file(path, "enable", "0");
	snprintf(path, sizeof(path), "%s/trace", t->inst);
	free(t->buf);
	free(t->ev);
	t->ev = NULL;
	t->buf = read_all(path);
	if (!t->buf)
		return -errno ?: -ENOMEM;
	trace_parse(t);
	return t->ev ? 0 : -ENOMEM;
}

static void trace_end(struct trace *t)
{
	char path[192];

	if (!t->inst[0])
		return;
	snprintf(path, sizeof(path), "%s/events/fastrpc", t->inst);
	write_file(path, "enable", "0");
	free(t->buf);
	free(t->ev);
	rmdir(t->inst);
	memset(t, 0, sizeof(*t));
}

/* Value of " key=" in @e's arguments: 0, or -ENOENT */
static int ev_field(const struct ev *e, const char *key, long long *v)
{
	char pat[40];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(e->args, pat);
	if (!p)
		return -ENOENT;
	*v = strtoll(p + strlen(pat), NULL, 0);
	return 0;
}

static long long evf(const struct ev *e, const char *key)
{
	long long v = -0x7fffffffffffffffLL;

	ev_field(e, key, &v);
	return v;
}

/* The unsigned 64-bit field @key (addresses, ctx) */
static uint64_t evu(const struct ev *e, const char *key)
{
	char pat[40];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(e->args, pat);
	return p ? strtoull(p + strlen(pat), NULL, 0) : ~0ull;
}

/* The domain: the first word of the arguments */
static int ev_domain_is(const struct ev *e, const char *dom)
{
	size_t n = strlen(dom);

	return !strncmp(e->args, dom, n) && e->args[n] == ' ';
}

/* A word of the arguments (" kernel", " heap", " lost") */
static int ev_has_word(const struct ev *e, const char *word)
{
	const char *p = e->args;
	size_t n = strlen(word);

	while ((p = strstr(p, word))) {
		if (p > e->args && p[-1] == ' ' && (!p[n] || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

/*
 * The first event @name from @from on, of task @pid (0: any), whose
 * numeric field @key is @val (NULL @key: any): its index, or -1.
 */
static int ev_find(const struct trace *t, int from, const char *name,
		   int pid, const char *key, long long val)
{
	int i;

	for (i = from; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];

		if (strcmp(e->name, name) || (pid && e->pid != pid))
			continue;
		if (key && evf(e, key) != val)
			continue;
		return i;
	}
	return -1;
}

static void trace_dump(const struct trace *t)
{
	int i;

	for (i = 0; i < t->nev; i++)
		ksft_print_msg("  [%d] pid %d %s: %s\n", i, t->ev[i].pid,
			       t->ev[i].name, t->ev[i].args);
}

FIXTURE(tr) {
	struct trace t;
};

FIXTURE_SETUP(tr)
{
	char path[256];
	unsigned int i;
	int ret;

	ret = tracefs_mount();
	if (ret == -ENODEV)
		SKIP(return, "no tracefs in this kernel (CONFIG_FTRACE)");
	ASSERT_EQ(0, ret) TH_LOG("mounting tracefs: %s", strerror(-ret));
	/* tracefs is there: the driver's events must be */
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		snprintf(path, sizeof(path), TRACEFS "/events/fastrpc/%s/format",
			 events[i]);
		ASSERT_EQ(0, access(path, R_OK)) TH_LOG("%s missing", path);
	}
	ret = trace_start(&self->t);
	ASSERT_EQ(0, ret) TH_LOG("trace instance: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(tr)
{
	trace_end(&self->t);
}

/* The fields of each event, as its format file lists them */
TEST_F(tr, formats)
{
	static const struct {
		const char *event;
		const char *fields[9];
	} want[] = {
		{ "fastrpc_invoke_start",
		  { "domain", "client", "kernel", "handle", "sc", "ctx" } },
		{ "fastrpc_invoke_end",
		  { "domain", "client", "handle", "sc", "ctx", "result",
		    "dsp_status" } },
		{ "fastrpc_map",
		  { "domain", "client", "fd", "flags", "heap", "addr", "len",
		    "dsp_addr", "result" } },
		{ "fastrpc_unmap",
		  { "domain", "client", "fd", "heap", "dsp_addr", "len",
		    "result" } },
		{ "fastrpc_pd_create",
		  { "domain", "client", "kind", "attrs", "result",
		    "dsp_status" } },
		{ "fastrpc_pd_release",
		  { "domain", "client", "sent", "result", "dsp_status" } },
		{ "fastrpc_channel_up", { "domain", "dev", "secure" } },
		{ "fastrpc_channel_down", { "domain", "dev", "failed" } },
	};
	char path[256], pat[64];
	unsigned int i, j;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char *fmt;

		snprintf(path, sizeof(path), TRACEFS "/events/fastrpc/%s/format",
			 want[i].event);
		fmt = read_all(path);
		ASSERT_NE(NULL, fmt) TH_LOG("%s: %s", path, strerror(errno));
		for (j = 0; j < 9 && want[i].fields[j]; j++) {
			snprintf(pat, sizeof(pat), " %s;", want[i].fields[j]);
			EXPECT_NE(NULL, strstr(fmt, pat))
				TH_LOG("%s has no field %s", want[i].event,
				       want[i].fields[j]);
		}
		free(fmt);
	}
}

/*
 * invoke_start and invoke_end of a call, matched by ctx, with its handle,
 * sc and result; a call that sleeps 100 ms is at least that long between
 * the two; a call the DSP fails ends with its errno and DSP status.
 */
TEST_F(tr, invoke)
{
	uint32_t h, st = 0, sc_sleep = FRPC_SC(FRPC_SIMTEST_SLEEP, 1, 0);
	int fd, pid = getpid(), s, e, s2, e2;
	long long ctx;

	OPEN_SIMTEST_OR_SKIP(fd, &h);
	ASSERT_EQ(0, trace_start(&self->t));
	ASSERT_EQ(0, sim_sleep(fd, h, 100));
	ASSERT_EQ(-EINVAL, sim_error(fd, h, DSP_EBADPARM, &st));
	ASSERT_EQ(0, trace_stop(&self->t));

	s = ev_find(&self->t, 0, "fastrpc_invoke_start", pid, "handle", h);
	ASSERT_LE(0, s) { trace_dump(&self->t); }
	EXPECT_TRUE(ev_domain_is(&self->t.ev[s], DOMAIN));
	EXPECT_EQ(sc_sleep, evf(&self->t.ev[s], "sc"));
	EXPECT_FALSE(ev_has_word(&self->t.ev[s], "kernel"));
	EXPECT_LT(0, evf(&self->t.ev[s], "client"));
	ctx = evf(&self->t.ev[s], "ctx");
	EXPECT_NE(0, ctx);
	e = ev_find(&self->t, s + 1, "fastrpc_invoke_end", pid, "ctx", ctx);
	ASSERT_LE(0, e) { trace_dump(&self->t); }
	EXPECT_EQ(h, evf(&self->t.ev[e], "handle"));
	EXPECT_EQ(sc_sleep, evf(&self->t.ev[e], "sc"));
	EXPECT_EQ(0, evf(&self->t.ev[e], "result"));
	EXPECT_EQ(0, evf(&self->t.ev[e], "dsp_status"));
	EXPECT_EQ(evf(&self->t.ev[s], "client"),
		  evf(&self->t.ev[e], "client"));
	EXPECT_LE(self->t.ev[s].ts_us + 100000, self->t.ev[e].ts_us);

	/* The failed call */
	s2 = ev_find(&self->t, e + 1, "fastrpc_invoke_start", pid, "handle", h);
	ASSERT_LE(0, s2) { trace_dump(&self->t); }
	EXPECT_EQ(FRPC_SC(FRPC_SIMTEST_ERROR, 1, 0),
		  evf(&self->t.ev[s2], "sc"));
	ctx = evf(&self->t.ev[s2], "ctx");
	e2 = ev_find(&self->t, s2 + 1, "fastrpc_invoke_end", pid, "ctx", ctx);
	ASSERT_LE(0, e2) { trace_dump(&self->t); }
	EXPECT_EQ(-EINVAL, evf(&self->t.ev[e2], "result"));
	EXPECT_EQ(DSP_EBADPARM, evf(&self->t.ev[e2], "dsp_status"));
	close(fd);
}

/*
 * PD create (the INIT call is the kernel's own) and, at close, release
 * of the same client; a legacy file's PD the same way.
 */
TEST_F(tr, pd_create_release)
{
	int fd, pid = getpid(), c, r, k;
	long long client;

	fd = frpc_open_domain(DOMAIN, NULL, NULL, 0);
	if (fd == -ENOENT)
		SKIP(return, "no " DOMAIN " device");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	close(fd);
	ASSERT_EQ(0, trace_stop(&self->t));

	c = ev_find(&self->t, 0, "fastrpc_pd_create", pid, "result", 0);
	ASSERT_LE(0, c) { trace_dump(&self->t); }
	EXPECT_TRUE(ev_domain_is(&self->t.ev[c], DOMAIN));
	EXPECT_NE(NULL, strstr(self->t.ev[c].args, " kind=dynamic "));
	client = evf(&self->t.ev[c], "client");
	EXPECT_LT(0, client);
	EXPECT_EQ(0, evf(&self->t.ev[c], "dsp_status"));
	/* Its INIT call: a kernel call to handle 1 of that client */
	k = ev_find(&self->t, 0, "fastrpc_invoke_start", pid, "handle", 1);
	ASSERT_LE(0, k) { trace_dump(&self->t); }
	EXPECT_LT(k, c);
	EXPECT_TRUE(ev_has_word(&self->t.ev[k], "kernel"));
	EXPECT_EQ(client, evf(&self->t.ev[k], "client"));
	r = ev_find(&self->t, c + 1, "fastrpc_pd_release", pid, "client",
		    client);
	ASSERT_LE(0, r) { trace_dump(&self->t); }
	EXPECT_FALSE(ev_has_word(&self->t.ev[r], "lost"));
	EXPECT_EQ(0, evf(&self->t.ev[r], "result"));
}

/* MAP and UNMAP of a GEM object, as a mapping and in the process's heap */
TEST_F(tr, map_unmap)
{
	const uint64_t size = 4 * PAGE;
	int fd, pid = getpid(), m, u, mh, uh;
	uint64_t addr = 0, haddr = 0;
	uint32_t h, bo;
	int ret;

	OPEN_SIMTEST_OR_SKIP(fd, &h);
	ASSERT_EQ(0, frpc_gem_create(fd, size, &bo));
	ASSERT_EQ(0, trace_start(&self->t));
	ret = frpc_map(fd, DRM_FASTRPC_BUF_GEM, bo, 0, size, &addr);
	ASSERT_EQ(0, ret) TH_LOG("MAP: %s", strerror(-ret));
	ASSERT_EQ(0, frpc_unmap(fd, addr));
	ret = frpc_map(fd, DRM_FASTRPC_BUF_GEM | DRM_FASTRPC_MAP_HEAP, bo, 0,
		       size, &haddr);
	ASSERT_EQ(0, ret) TH_LOG("MAP to the heap: %s", strerror(-ret));
	ASSERT_EQ(0, frpc_unmap(fd, haddr));
	/* Not a mapping: refused before anything is sent, no event */
	ASSERT_EQ(-ENOENT, frpc_unmap(fd, haddr));
	ASSERT_EQ(0, trace_stop(&self->t));

	m = ev_find(&self->t, 0, "fastrpc_map", pid, "fd", bo);
	ASSERT_LE(0, m) { trace_dump(&self->t); }
	EXPECT_TRUE(ev_domain_is(&self->t.ev[m], DOMAIN));
	EXPECT_EQ(addr, evu(&self->t.ev[m], "dsp_addr"));
	EXPECT_EQ(size, evu(&self->t.ev[m], "len"));
	EXPECT_NE(0ull, evu(&self->t.ev[m], "addr"));
	EXPECT_EQ(0, evf(&self->t.ev[m], "result"));
	EXPECT_FALSE(ev_has_word(&self->t.ev[m], "heap"));
	u = ev_find(&self->t, m + 1, "fastrpc_unmap", pid, "fd", bo);
	ASSERT_LE(0, u) { trace_dump(&self->t); }
	EXPECT_EQ(addr, evu(&self->t.ev[u], "dsp_addr"));
	EXPECT_EQ(size, evu(&self->t.ev[u], "len"));
	EXPECT_EQ(0, evf(&self->t.ev[u], "result"));
	EXPECT_FALSE(ev_has_word(&self->t.ev[u], "heap"));

	mh = ev_find(&self->t, u + 1, "fastrpc_map", pid, "fd", bo);
	ASSERT_LE(0, mh) { trace_dump(&self->t); }
	EXPECT_TRUE(ev_has_word(&self->t.ev[mh], "heap"));
	EXPECT_EQ(haddr, evu(&self->t.ev[mh], "dsp_addr"));
	EXPECT_EQ(0, evf(&self->t.ev[mh], "result"));
	uh = ev_find(&self->t, mh + 1, "fastrpc_unmap", pid, "fd", bo);
	ASSERT_LE(0, uh) { trace_dump(&self->t); }
	EXPECT_TRUE(ev_has_word(&self->t.ev[uh], "heap"));
	EXPECT_EQ(haddr, evu(&self->t.ev[uh], "dsp_addr"));
	EXPECT_EQ(0, evf(&self->t.ev[uh], "result"));
	/* Nothing for the refused UNMAP */
	EXPECT_EQ(-1, ev_find(&self->t, uh + 1, "fastrpc_unmap", pid, NULL, 0));
	frpc_gem_close(fd, bo);
	close(fd);
}

/*
 * The legacy face goes through the same code: INIT_CREATE, INVOKE,
 * MMAP and MUNMAP of memory the driver allocates (fd -1), close.
 */
TEST_F(tr, legacy_face)
{
	struct fastrpc_req_munmap mu = { 0 };
	struct fastrpc_req_mmap mm = { 0 };
	struct fastrpc_invoke_args a[2];
	char in[32] = "legacy", out[32] = "";
	int fd, pid = getpid(), c, s, e, m, u, r;
	long long client, ctx;
	uint32_t h;

	if (access(LEGACY_NODE, F_OK))
		SKIP(return, "no " LEGACY_NODE);
	ASSERT_EQ(0, trace_start(&self->t));
	fd = frpc_legacy_open_simtest(LEGACY_NODE, &h);
	ASSERT_LE(0, fd) TH_LOG("legacy simtest: %s", strerror(-fd));
	frpc_legacy_arg(&a[0], in, sizeof(in), -1);
	frpc_legacy_arg(&a[1], out, sizeof(out), -1);
	ASSERT_EQ(0, frpc_legacy_invoke(fd, h, LSC(FRPC_SIMTEST_ECHO, 1, 1), a));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
	mm.fd = -1;
	mm.flags = ADSP_MMAP_ADD_PAGES;
	mm.size = 4 * PAGE;
	ASSERT_EQ(0, ioctl(fd, FASTRPC_IOCTL_MMAP, &mm)) TH_LOG("MMAP: %s",
								 strerror(errno));
	mu.vaddrout = mm.vaddrout;
	mu.size = mm.size;
	ASSERT_EQ(0, ioctl(fd, FASTRPC_IOCTL_MUNMAP, &mu))
		TH_LOG("MUNMAP: %s", strerror(errno));
	close(fd);
	ASSERT_EQ(0, trace_stop(&self->t));

	c = ev_find(&self->t, 0, "fastrpc_pd_create", pid, "result", 0);
	ASSERT_LE(0, c) { trace_dump(&self->t); }
	EXPECT_TRUE(ev_domain_is(&self->t.ev[c], DOMAIN));
	EXPECT_NE(NULL, strstr(self->t.ev[c].args, " kind=dynamic "));
	client = evf(&self->t.ev[c], "client");
	s = ev_find(&self->t, c + 1, "fastrpc_invoke_start", pid, "handle", h);
	ASSERT_LE(0, s) { trace_dump(&self->t); }
	EXPECT_EQ(client, evf(&self->t.ev[s], "client"));
	EXPECT_EQ(LSC(FRPC_SIMTEST_ECHO, 1, 1), evf(&self->t.ev[s], "sc"));
	ctx = evf(&self->t.ev[s], "ctx");
	e = ev_find(&self->t, s + 1, "fastrpc_invoke_end", pid, "ctx", ctx);
	ASSERT_LE(0, e) { trace_dump(&self->t); }
	EXPECT_EQ(0, evf(&self->t.ev[e], "result"));

	m = ev_find(&self->t, e + 1, "fastrpc_map", pid, "client", client);
	ASSERT_LE(0, m) { trace_dump(&self->t); }
	EXPECT_TRUE(ev_has_word(&self->t.ev[m], "heap"));
	EXPECT_EQ(ADSP_MMAP_ADD_PAGES, evf(&self->t.ev[m], "flags"));
	EXPECT_EQ(-1, evf(&self->t.ev[m], "fd"));
	EXPECT_EQ(mm.size, evu(&self->t.ev[m], "len"));
	EXPECT_EQ(mm.vaddrout, evu(&self->t.ev[m], "dsp_addr"));
	EXPECT_EQ(0, evf(&self->t.ev[m], "result"));
	u = ev_find(&self->t, m + 1, "fastrpc_unmap", pid, "client", client);
	ASSERT_LE(0, u) { trace_dump(&self->t); }
	EXPECT_EQ(mm.vaddrout, evu(&self->t.ev[u], "dsp_addr"));
	EXPECT_EQ(0, evf(&self->t.ev[u], "result"));

	r = ev_find(&self->t, u + 1, "fastrpc_pd_release", pid, "client",
		    client);
	ASSERT_LE(0, r) { trace_dump(&self->t); }
	EXPECT_EQ(0, evf(&self->t.ev[r], "result"));
	EXPECT_FALSE(ev_has_word(&self->t.ev[r], "lost"));
}

/*
 * A DSP restart while a call sleeps in it: the call ends with -EPIPE (or
 * -ENODEV), the channel goes down failing it, and comes up again; the
 * file's lost process is released without INIT RELEASE.
 */
TEST_F_TIMEOUT(tr, restart, 120)
{
	int fd, pid = getpid(), s, e, d, up, r, idx;
	long long ctx, client;
	struct sleeper sl;
	uint64_t in_dsp;
	uint32_t h;

	RPROC_IDX_OR_SKIP(idx);
	(void)idx;
	OPEN_SIMTEST_OR_SKIP(fd, &h);
	ASSERT_EQ(0, trace_start(&self->t));
	crash_during_sleep(_metadata, fd, h, &sl, &in_dsp);
	close(fd);
	ASSERT_EQ(0, trace_stop(&self->t));

	/* The call was made by the sleeper's thread */
	s = ev_find(&self->t, 0, "fastrpc_invoke_start", sl.tid, "handle", h);
	ASSERT_LE(0, s) { trace_dump(&self->t); }
	ctx = evf(&self->t.ev[s], "ctx");
	client = evf(&self->t.ev[s], "client");
	e = ev_find(&self->t, s + 1, "fastrpc_invoke_end", sl.tid, "ctx", ctx);
	ASSERT_LE(0, e) { trace_dump(&self->t); }
	EXPECT_EQ(sl.ret, evf(&self->t.ev[e], "result"));
	EXPECT_EQ(0, evf(&self->t.ev[e], "dsp_status"));

	d = ev_find(&self->t, s + 1, "fastrpc_channel_down", 0, NULL, 0);
	ASSERT_LE(0, d) { trace_dump(&self->t); }
	EXPECT_TRUE(ev_domain_is(&self->t.ev[d], DOMAIN));
	EXPECT_LE(1, evf(&self->t.ev[d], "failed"));
	EXPECT_NE(NULL, strstr(self->t.ev[d].args, " dev="));
	up = ev_find(&self->t, d + 1, "fastrpc_channel_up", 0, NULL, 0);
	ASSERT_LE(0, up) { trace_dump(&self->t); }
	EXPECT_TRUE(ev_domain_is(&self->t.ev[up], DOMAIN));

	r = ev_find(&self->t, s + 1, "fastrpc_pd_release", pid, "client",
		    client);
	ASSERT_LE(0, r) { trace_dump(&self->t); }
	EXPECT_TRUE(ev_has_word(&self->t.ev[r], "lost"));
}

TEST_HARNESS_MAIN
