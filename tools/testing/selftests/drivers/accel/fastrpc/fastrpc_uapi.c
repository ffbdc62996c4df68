// SPDX-License-Identifier: GPL-2.0-only
/*
 * UAPI tests of the FastRPC accel driver against the simulated DSP
 * (fastrpc_sim, Documentation/accel/fastrpc/sim.rst).
 *
 * Expects a live simulated cdsp instance "cdsp0" (label cdsp, 3 context
 * banks of 1 session) and "adsp0" (label adsp, 2 context banks); debugfs
 * mounted at /sys/kernel/debug. Without a cdsp device every test skips.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * kselftest_harness.h has unused parameters in its own functions and in
 * the functions its TEST()/FIXTURE() macros define, and a local next to
 * its setjmp(); keep -Wall -Wextra builds quiet about those.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#include "kselftest_harness.h"
#include "../../../../../accel/fastrpc/fastrpc_util.h"

#define SIM_INST	"cdsp0"
#define SIM_DIR		FRPC_DEBUGFS "/fastrpc_sim/" SIM_INST
#define KERNEL_ADDR	0xffffffff81000000ull
#define ECHO_MAX	65536
#define GUARD		64

/* Raw DSP results (errnos: include/uapi/drm/fastrpc_accel.h) */
#define DSP_EBADPARM	FRPC_DSP_ERR(FRPC_AEE_EBADPARM)		/* 0x8000040e */
#define DSP_EINVHANDLE	FRPC_DSP_ERR(FRPC_AEE_EINVHANDLE)	/* 0x8000042c */

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

/* Open the cdsp device or skip the test when there is none */
#define OPEN_DOMAIN_OR_SKIP(fd, dom, info) do {				\
	fd = frpc_open_domain(dom, info, NULL, 0);			\
	if (fd == -ENOENT)						\
		SKIP(return, "no %s device in " FRPC_ACCEL_DIR, dom);	\
	ASSERT_LE(0, fd) TH_LOG("opening %s: %s", dom, strerror(-fd));	\
} while (0)

/* The privileged device of the domain (privilege.rst) */
#define OPEN_PRIV_OR_SKIP(fd, dom, info) do {				\
	fd = frpc_open_domain_privileged(dom, info, NULL, 0);		\
	if (fd == -ENOENT)						\
		SKIP(return, "no privileged %s device", dom);		\
	ASSERT_LE(0, fd) TH_LOG("opening %s: %s", dom, strerror(-fd));	\
} while (0)

static uint8_t pattern_byte(uint32_t seed, uint64_t i)
{
	uint32_t x = seed * 2654435761u + (uint32_t)i * 40503u +
		     (uint32_t)(i >> 16);

	return (uint8_t)(x ^ (x >> 11) ^ (x >> 23));
}

static void fill_pattern(uint8_t *buf, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern_byte(seed, i);
}

/* One in-buffer, one out-buffer echo on simtest */
static int echo1(int fd, uint32_t h, const void *in, void *out, uint64_t len,
		 uint32_t timeout_ms, uint32_t *status)
{
	struct frpc_buf i = { (void *)in, len }, o = { out, len };

	return frpc_invoke(fd, h, FRPC_SIMTEST_ECHO, &i, 1, &o, 1, timeout_ms,
			   status);
}

static int sim_error(int fd, uint32_t h, uint32_t value, uint32_t *status)
{
	struct frpc_buf i = { &value, sizeof(value) };

	return frpc_invoke(fd, h, FRPC_SIMTEST_ERROR, &i, 1, NULL, 0, 0,
			   status);
}

static int sim_sleep(int fd, uint32_t h, uint32_t ms, uint32_t timeout_ms)
{
	struct frpc_buf i = { &ms, sizeof(ms) };

	return frpc_invoke(fd, h, FRPC_SIMTEST_SLEEP, &i, 1, NULL, 0,
			   timeout_ms, NULL);
}

/* An echo with a fresh pattern: 0 when the answer is right */
static int echo_check(int fd, uint32_t h, size_t len, uint32_t seed)
{
	uint8_t *in, *out;
	int ret;

	in = malloc(len + 1);
	out = malloc(len + 1);
	if (!in || !out) {
		free(in);
		free(out);
		return -ENOMEM;
	}
	fill_pattern(in, len, seed);
	memset(out, 0xa5, len);
	ret = echo1(fd, h, in, out, len, 0, NULL);
	if (!ret && memcmp(in, out, len))
		ret = -EBADMSG;
	free(in);
	free(out);
	return ret;
}

/* The device still answers correctly: an echo and a calculator sum */
static void assert_works(struct __test_metadata *_metadata, int fd,
			 uint32_t calc, uint32_t simtest)
{
	int32_t v[4] = { 5, -7, 100, 2 };
	int64_t sum = 0;

	ASSERT_EQ(0, echo_check(fd, simtest, 300, 77));
	ASSERT_EQ(0, frpc_calc_sum(fd, calc, v, 4, &sum));
	ASSERT_EQ(100, sum);
}

static int sim_present(void)
{
	return access(SIM_DIR, F_OK) == 0;
}

#define SIM_OR_SKIP() do {						\
	if (!sim_present())						\
		SKIP(return, SIM_DIR " missing (no simulator debugfs)");\
} while (0)

static uint64_t drv_counter(struct __test_metadata *_metadata, int fd,
			    const char *name)
{
	uint64_t v = 0;
	int ret = frpc_drv_counter(fd, name, &v);

	ASSERT_EQ(0, ret) TH_LOG("driver counter %s (minor %d): %s", name,
				 frpc_accel_minor(fd), strerror(-ret));
	return v;
}

static uint64_t sim_counter(struct __test_metadata *_metadata,
			    const char *name)
{
	uint64_t v = 0;
	int ret = frpc_sim_counter(SIM_INST, name, &v);

	ASSERT_EQ(0, ret) TH_LOG("sim counter %s: %s", name, strerror(-ret));
	return v;
}

static void sim_knob(struct __test_metadata *_metadata, const char *knob)
{
	int ret = frpc_sim_knob(SIM_INST, knob, 1);

	ASSERT_EQ(0, ret) TH_LOG("sim knob %s: %s", knob, strerror(-ret));
}

/* Poll a driver counter until it equals @want; returns the last value */
static uint64_t wait_drv_counter(int fd, const char *name, uint64_t want,
				 unsigned int timeout_ms)
{
	uint64_t end = frpc_now_us() + timeout_ms * 1000ull, v = ~0ull;

	for (;;) {
		if (frpc_drv_counter(fd, name, &v) == 0 && v == want)
			return v;
		if (frpc_now_us() > end)
			return v;
		usleep(20000);
	}
}

/* A page that was mapped and is not any more */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, 2 * 4096);
	return p;
}

/* Fill a drm_fastrpc_invoke for simtest echo of one in/out pair */
static void echo_invoke(struct drm_fastrpc_invoke *inv,
			struct drm_fastrpc_arg *args, uint32_t h,
			void *in, void *out, uint64_t len)
{
	memset(args, 0, 2 * sizeof(*args));
	args[0].ptr = (uintptr_t)in;
	args[0].length = len;
	args[1].ptr = (uintptr_t)out;
	args[1].length = len;
	memset(inv, 0, sizeof(*inv));
	inv->handle = h;
	inv->sc = FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1);
	inv->args = (uintptr_t)args;
	inv->num_args = 2;
	inv->arg_size = sizeof(*args);
}

/*
 * Number of new cdsp processes (files of this process) that can be
 * initialised, up to @want, retrying EBUSY for up to @timeout_ms while
 * sessions are released.
 */
static int sessions_free(unsigned int want, unsigned int timeout_ms)
{
	uint64_t end = frpc_now_us() + timeout_ms * 1000ull;
	int fds[16], n = 0, i;

	if (want > 16)
		want = 16;
	while (n < (int)want) {
		int fd = frpc_open_domain("cdsp", NULL, NULL, 0), ret;

		if (fd < 0)
			break;
		ret = frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
					DRM_FASTRPC_PROCESS_UNSIGNED);
		if (!ret) {
			fds[n++] = fd;
			continue;
		}
		close(fd);
		if (ret != -EBUSY || frpc_now_us() > end)
			break;
		usleep(50000);
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	return n;
}

#define SIM_CFG		"/sys/kernel/config/fastrpc-sim/" SIM_INST

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Take the simulated cdsp down and up again (a subsystem restart): calls
 * in flight end with EPIPE and the sessions they held are released. The
 * accel device stays; it comes back online.
 */
static void restart_dsp(struct __test_metadata *_metadata)
{
	struct drm_fastrpc_device_info info;
	uint64_t end;
	int fd;

	fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, write_str(SIM_CFG "/live", "0"));
	ASSERT_EQ(0, frpc_device_info(fd, &info));
	EXPECT_EQ(0u, info.flags & DRM_FASTRPC_DEVICE_ONLINE);
	EXPECT_EQ(-ENODEV, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
					     DRM_FASTRPC_PROCESS_UNSIGNED));
	ASSERT_EQ(0, write_str(SIM_CFG "/live", "1"));
	end = frpc_now_us() + 5000000;
	do {
		ASSERT_EQ(0, frpc_device_info(fd, &info));
		if (info.flags & DRM_FASTRPC_DEVICE_ONLINE)
			break;
		usleep(20000);
	} while (frpc_now_us() < end);
	ASSERT_NE(0u, info.flags & DRM_FASTRPC_DEVICE_ONLINE);
	close(fd);
	/* All sessions usable again */
	ASSERT_EQ((int)info.num_sessions,
		  sessions_free(info.num_sessions, 3000));
}

/* ------------------------------------------------------------------ */
/* Fixture: a cdsp file with a dynamic PD, calculator and simtest open */
/* ------------------------------------------------------------------ */

FIXTURE(cdsp) {
	int fd;
	struct drm_fastrpc_device_info info;
	uint32_t calc;
	uint32_t simtest;
};

FIXTURE_SETUP(cdsp)
{
	int ret;

	self->fd = -1;
	OPEN_DOMAIN_OR_SKIP(self->fd, "cdsp", &self->info);
	ret = frpc_process_init(self->fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				DRM_FASTRPC_PROCESS_UNSIGNED);
	ASSERT_EQ(0, ret) TH_LOG("process init: %s", strerror(-ret));
	ret = frpc_module_open(self->fd, FRPC_CALCULATOR_URI, &self->calc);
	ASSERT_EQ(0, ret) TH_LOG("open calculator: %s", strerror(-ret));
	ret = frpc_module_open(self->fd, FRPC_SIMTEST_URI, &self->simtest);
	ASSERT_EQ(0, ret) TH_LOG("open simtest: %s", strerror(-ret));
	ASSERT_NE(self->calc, self->simtest);
}

FIXTURE_TEARDOWN(cdsp)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* ------------------------------------------------------------------ */
/* QUERY                                                              */
/* ------------------------------------------------------------------ */

TEST(query_device_info)
{
	struct drm_fastrpc_device_info info;
	int fd;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	memset(&info, 0xcc, sizeof(info));
	ASSERT_EQ(0, frpc_device_info(fd, &info));
	EXPECT_STREQ("cdsp", (const char *)info.domain);
	/* NUL padded to the end of the field */
	EXPECT_EQ(0, info.domain[DRM_FASTRPC_DOMAIN_NAME_LEN - 1]);
	EXPECT_EQ((uint32_t)DRM_FASTRPC_DOMAIN_CDSP, info.domain_id);
	EXPECT_EQ((uint32_t)DRM_FASTRPC_DEVICE_ONLINE, info.flags);	/* not secure */
	EXPECT_NE(0u, info.driver_major | info.driver_minor);
	EXPECT_EQ(3u, info.num_sessions);
	TH_LOG("driver %u.%u protocol %u", info.driver_major,
	       info.driver_minor, info.protocol_version);
	close(fd);
}

TEST(query_size_only)
{
	struct drm_fastrpc_query q = {
		.type = DRM_FASTRPC_QUERY_DEVICE_INFO,
		.size = 0x1234,		/* ignored without a pointer */
	};
	int fd;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	ASSERT_EQ(0, ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q));
	EXPECT_EQ(sizeof(struct drm_fastrpc_device_info), q.size);

	q.type = DRM_FASTRPC_QUERY_DSP_ATTRS;
	q.size = 0;
	ASSERT_EQ(0, ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q));
	EXPECT_EQ(DRM_FASTRPC_DSP_ATTR_COUNT * sizeof(uint32_t), q.size);
	close(fd);
}

TEST(query_short_buffer)
{
	uint8_t buf[sizeof(struct drm_fastrpc_device_info)];
	struct drm_fastrpc_query q = {
		.type = DRM_FASTRPC_QUERY_DEVICE_INFO,
		.size = 6,
		.pointer = (uintptr_t)buf,
	};
	size_t i;
	int fd;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	memset(buf, 0xcc, sizeof(buf));
	ASSERT_EQ(0, ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q));
	EXPECT_EQ(sizeof(struct drm_fastrpc_device_info), q.size);
	/* "cdsp\0\0" written, nothing past the given size */
	EXPECT_EQ(0, memcmp(buf, "cdsp\0\0", 6));
	for (i = 6; i < sizeof(buf); i++)
		ASSERT_EQ(0xcc, buf[i]) TH_LOG("byte %zu written", i);
	close(fd);
}

TEST(query_oversize_buffer)
{
	const size_t isz = sizeof(struct drm_fastrpc_device_info);
	struct drm_fastrpc_device_info ref;
	uint8_t buf[256];
	struct drm_fastrpc_query q = {
		.type = DRM_FASTRPC_QUERY_DEVICE_INFO,
		.size = 200,
		.pointer = (uintptr_t)buf,
	};
	size_t i;
	int fd;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	ASSERT_EQ(0, frpc_device_info(fd, &ref));
	memset(buf, 0xcc, sizeof(buf));
	ASSERT_EQ(0, ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q));
	EXPECT_EQ(isz, q.size);
	EXPECT_EQ(0, memcmp(buf, &ref, isz));
	for (i = isz; i < 200; i++)
		ASSERT_EQ(0, buf[i]) TH_LOG("tail byte %zu not zeroed", i);
	for (i = 200; i < sizeof(buf); i++)
		ASSERT_EQ(0xcc, buf[i]) TH_LOG("byte %zu past size written", i);
	close(fd);
}

/* DRM_FASTRPC_QUERY_PROCESS before and after PROCESS_INIT */
TEST(query_process)
{
	struct drm_fastrpc_process_info info;
	uint32_t size = sizeof(info);
	int fd;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	memset(&info, 0xcc, sizeof(info));
	ASSERT_EQ(0, frpc_query(fd, DRM_FASTRPC_QUERY_PROCESS, &info, &size));
	EXPECT_EQ(sizeof(info), size);
	EXPECT_EQ((uint32_t)DRM_FASTRPC_PROCESS_STATE_NONE, info.state);
	EXPECT_EQ(0u, info.pad);
	/* A refused PROCESS_INIT leaves no process */
	EXPECT_EQ(-EACCES, frpc_process_init(fd, DRM_FASTRPC_PROCESS_ROOT, 0));
	ASSERT_EQ(0, frpc_query(fd, DRM_FASTRPC_QUERY_PROCESS, &info, &size));
	EXPECT_EQ((uint32_t)DRM_FASTRPC_PROCESS_STATE_NONE, info.state);
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC, 0));
	memset(&info, 0xcc, sizeof(info));
	ASSERT_EQ(0, frpc_query(fd, DRM_FASTRPC_QUERY_PROCESS, &info, &size));
	EXPECT_EQ((uint32_t)DRM_FASTRPC_PROCESS_STATE_RUNNING, info.state);
	EXPECT_EQ(0u, info.pad);
	close(fd);
}

TEST(query_bad)
{
	uint8_t buf[64];
	struct drm_fastrpc_query q = {
		.size = sizeof(buf),
		.pointer = (uintptr_t)buf,
	};
	void *gone;
	int fd;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	q.type = DRM_FASTRPC_QUERY_PROCESS + 1;
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q));
	EXPECT_EQ(EINVAL, errno);
	q.type = 0xffffffff;
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q));
	EXPECT_EQ(EINVAL, errno);

	gone = unmapped_page();
	ASSERT_NE(NULL, gone);
	q.type = DRM_FASTRPC_QUERY_DEVICE_INFO;
	q.pointer = (uintptr_t)gone;
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q));
	EXPECT_EQ(EFAULT, errno);
	q.pointer = KERNEL_ADDR;
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

static void check_dsp_attrs(struct __test_metadata *_metadata, int fd)
{
	uint32_t attrs[DRM_FASTRPC_DSP_ATTR_COUNT];
	/* The simulator's table, Documentation/accel/fastrpc/sim.rst */
	static const uint32_t want[] = {
		[0] = 1, [1] = 1, [2] = 0, [3] = 4, [4] = 0x40000, [5] = 1,
		[6] = 0x73,
	};
	int i, ret;

	memset(attrs, 0xcc, sizeof(attrs));
	ret = frpc_dsp_attrs(fd, attrs);
	ASSERT_EQ(0, ret) TH_LOG("DSP_ATTRS: %s", strerror(-ret));
	for (i = 0; i < DRM_FASTRPC_DSP_ATTR_COUNT; i++) {
		uint32_t w = i < (int)(ARRAY_SIZE(want)) ?
			     want[i] : 0;

		EXPECT_EQ(w, attrs[i]) TH_LOG("attribute %d", i);
	}
}

TEST_F(cdsp, query_dsp_attrs)
{
	check_dsp_attrs(_metadata, self->fd);
	/* A second query (cached or not) gives the same answer */
	check_dsp_attrs(_metadata, self->fd);
}

TEST(query_dsp_attrs_before_init)
{
	int fd;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	check_dsp_attrs(_metadata, fd);
	close(fd);
}

TEST(query_adsp_by_name)
{
	struct drm_fastrpc_device_info cinfo, ainfo;
	char cpath[64], apath[64];
	uint32_t calc;
	int32_t v[3] = { -1, 40, 3 };
	int64_t sum;
	int cfd, afd, ret;

	OPEN_DOMAIN_OR_SKIP(cfd, "cdsp", &cinfo);
	close(cfd);
	cfd = frpc_open_domain("cdsp", &cinfo, cpath, sizeof(cpath));
	ASSERT_LE(0, cfd);
	afd = frpc_open_domain("adsp", &ainfo, apath, sizeof(apath));
	ASSERT_LE(0, afd) TH_LOG("no adsp device: %s", strerror(-afd));
	EXPECT_STRNE(cpath, apath);
	EXPECT_STREQ("adsp", (const char *)ainfo.domain);
	EXPECT_EQ((uint32_t)DRM_FASTRPC_DOMAIN_ADSP, ainfo.domain_id);
	EXPECT_EQ((uint32_t)DRM_FASTRPC_DEVICE_ONLINE, ainfo.flags);
	EXPECT_EQ(2u, ainfo.num_sessions);
	EXPECT_NE(frpc_accel_minor(cfd), frpc_accel_minor(afd));
	/* No device answers to a label nobody has */
	EXPECT_EQ(-ENOENT, frpc_open_domain("xdsp", NULL, NULL, 0));
	EXPECT_EQ(-ENOENT, frpc_open_domain("cds", NULL, NULL, 0));

	/* And the adsp computes too */
	ASSERT_EQ(0, frpc_process_init(afd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	ret = frpc_module_open(afd,
		"file:///libcalculator_skel.so?calculator_skel_handle_invoke&_modver=1.0&_dom=adsp",
		&calc);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, frpc_calc_sum(afd, calc, v, 3, &sum));
	EXPECT_EQ(42, sum);
	close(afd);
	close(cfd);
}

/* ------------------------------------------------------------------ */
/* PROCESS_INIT                                                       */
/* ------------------------------------------------------------------ */

static int init_raw(int fd, struct drm_fastrpc_process_init *init)
{
	return ioctl(fd, DRM_IOCTL_FASTRPC_PROCESS_INIT, init) ? -errno : 0;
}

TEST(init_dynamic)
{
	uint32_t simtest;
	int fd;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	ASSERT_EQ(0, frpc_module_open(fd, FRPC_SIMTEST_URI, &simtest));
	EXPECT_EQ(0, echo_check(fd, simtest, 1000, 1));
	close(fd);
}

TEST(init_root)
{
	struct drm_fastrpc_device_info info;
	uint32_t simtest;
	int fd;

	OPEN_PRIV_OR_SKIP(fd, "cdsp", &info);
	EXPECT_NE(0u, info.flags & DRM_FASTRPC_DEVICE_PRIVILEGED);
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_ROOT, 0));
	ASSERT_EQ(0, frpc_module_open(fd, FRPC_SIMTEST_URI, &simtest));
	EXPECT_EQ(0, echo_check(fd, simtest, 1000, 2));
	close(fd);
}

/* The ordinary device refuses the root PD and keeps nothing of the try */
TEST(init_root_not_ordinary)
{
	struct drm_fastrpc_device_info info;
	uint32_t simtest;
	int fd;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", &info);
	EXPECT_EQ(0u, info.flags & DRM_FASTRPC_DEVICE_PRIVILEGED);
	EXPECT_EQ(-EACCES, frpc_process_init(fd, DRM_FASTRPC_PROCESS_ROOT, 0));
	EXPECT_EQ(-ENOTCONN, frpc_module_open(fd, FRPC_SIMTEST_URI, &simtest));
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	ASSERT_EQ(0, frpc_module_open(fd, FRPC_SIMTEST_URI, &simtest));
	EXPECT_EQ(0, echo_check(fd, simtest, 64, 5));
	close(fd);
}

TEST(init_with_shell)
{
	struct drm_fastrpc_process_init init = {
		.kind = DRM_FASTRPC_PROCESS_DYNAMIC,
		.flags = DRM_FASTRPC_PROCESS_UNSIGNED,
	};
	uint8_t *shell;
	uint32_t simtest;
	int fd, ret;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	shell = malloc(DRM_FASTRPC_SHELL_MAX_SIZE);
	ASSERT_NE(NULL, shell);
	fill_pattern(shell, DRM_FASTRPC_SHELL_MAX_SIZE, 3);
	memcpy(shell, "\177ELF", 4);
	init.shell = (uintptr_t)shell;
	init.shell_size = 4096;
	ret = init_raw(fd, &init);
	ASSERT_EQ(0, ret) TH_LOG("4 KiB shell: %s", strerror(-ret));
	ASSERT_EQ(0, frpc_module_open(fd, FRPC_SIMTEST_URI, &simtest));
	EXPECT_EQ(0, echo_check(fd, simtest, 100, 3));
	close(fd);

	/* The largest accepted size */
	fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, fd);
	init.shell_size = DRM_FASTRPC_SHELL_MAX_SIZE;
	ret = init_raw(fd, &init);
	EXPECT_EQ(0, ret) TH_LOG("max size shell: %s", strerror(-ret));
	close(fd);
	free(shell);
}

TEST(init_twice)
{
	int fd;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	EXPECT_EQ(-EALREADY, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
					       DRM_FASTRPC_PROCESS_UNSIGNED));
	close(fd);

	OPEN_PRIV_OR_SKIP(fd, "cdsp", NULL);
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	EXPECT_EQ(-EALREADY, frpc_process_init(fd, DRM_FASTRPC_PROCESS_ROOT, 0));
	close(fd);

	OPEN_PRIV_OR_SKIP(fd, "cdsp", NULL);
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_ROOT, 0));
	EXPECT_EQ(-EALREADY, frpc_process_init(fd, DRM_FASTRPC_PROCESS_ROOT, 0));
	close(fd);
}

TEST(init_bad_fields)
{
	static const struct {
		struct drm_fastrpc_process_init init;
		int err;
		const char *what;
	} cases[] = {
		{ { .kind = DRM_FASTRPC_PROCESS_AUDIO + 1 }, EINVAL,
		  "unknown kind 4" },
		{ { .kind = 0xffffffff }, EINVAL, "unknown kind ~0" },
		{ { .flags = 1 << 2 }, EINVAL, "unknown flag 1<<2" },
		{ { .flags = 0x80000000 | DRM_FASTRPC_PROCESS_UNSIGNED },
		  EINVAL, "unknown flag 1<<31" },
		{ { .flags = DRM_FASTRPC_PROCESS_UNSIGNED, .pad = 1 },
		  EINVAL, "non-zero pad" },
		{ { .kind = DRM_FASTRPC_PROCESS_ROOT, .shell = 0x10000 },
		  EINVAL, "root with a shell pointer" },
		{ { .kind = DRM_FASTRPC_PROCESS_ROOT, .shell_size = 16 },
		  EINVAL, "root with a shell size" },
		{ { .kind = DRM_FASTRPC_PROCESS_SENSORS,
		    .flags = DRM_FASTRPC_PROCESS_UNSIGNED },
		  EINVAL, "sensors with a flag" },
		{ { .kind = DRM_FASTRPC_PROCESS_AUDIO, .shell_size = 16 },
		  EINVAL, "audio with a shell size" },
		{ { .shell = 0x10000,
		    .shell_size = DRM_FASTRPC_SHELL_MAX_SIZE + 1 },
		  E2BIG, "shell size max + 1" },
		{ { .shell = 0x10000, .shell_size = 0xffffffff },
		  E2BIG, "shell size ~0" },
	};
	unsigned int i;
	uint32_t simtest;
	int fd;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct drm_fastrpc_process_init init = cases[i].init;

		EXPECT_EQ(-cases[i].err, init_raw(fd, &init))
			TH_LOG("%s", cases[i].what);
	}
	/* None of them left a half-made process behind */
	EXPECT_EQ(-ENOTCONN, frpc_module_open(fd, FRPC_SIMTEST_URI, &simtest));
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	ASSERT_EQ(0, frpc_module_open(fd, FRPC_SIMTEST_URI, &simtest));
	EXPECT_EQ(0, echo_check(fd, simtest, 64, 4));
	close(fd);
}

TEST(init_busy_one_process)
{
	struct drm_fastrpc_device_info info;
	int fds[16], n = 0, i, fd, pfd, ret;
	uint64_t busy0;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", &info);
	ASSERT_GT(info.num_sessions, 0u);
	ASSERT_LT(info.num_sessions, 16u);
	busy0 = drv_counter(_metadata, fd, "sessions_busy");
	fds[n++] = fd;
	ASSERT_EQ(0, frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				       DRM_FASTRPC_PROCESS_UNSIGNED));
	for (i = 1; i < (int)info.num_sessions; i++) {
		fds[n] = frpc_open_domain("cdsp", NULL, NULL, 0);
		ASSERT_LE(0, fds[n]);
		ret = frpc_process_init(fds[n++], DRM_FASTRPC_PROCESS_DYNAMIC,
					DRM_FASTRPC_PROCESS_UNSIGNED);
		ASSERT_EQ(0, ret) TH_LOG("file %d: %s", i, strerror(-ret));
	}
	EXPECT_EQ(busy0, drv_counter(_metadata, fd, "sessions_busy"));

	/* One more file than sessions: opening works, init does not */
	fds[n] = frpc_open_domain("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, fds[n]);
	EXPECT_EQ(-EBUSY, frpc_process_init(fds[n], DRM_FASTRPC_PROCESS_DYNAMIC,
					    DRM_FASTRPC_PROCESS_UNSIGNED));
	/* The privileged device shares the sessions of the domain */
	pfd = frpc_open_domain_privileged("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, pfd);
	EXPECT_EQ(-EBUSY, frpc_process_init(pfd, DRM_FASTRPC_PROCESS_ROOT, 0));
	close(pfd);
	/* sessions_busy counts the refusals */
	EXPECT_EQ(busy0 + 2, drv_counter(_metadata, fd, "sessions_busy"));

	/* Closing one file frees its session for the waiting file */
	close(fds[0]);
	ret = frpc_process_init(fds[n], DRM_FASTRPC_PROCESS_DYNAMIC,
				DRM_FASTRPC_PROCESS_UNSIGNED);
	EXPECT_EQ(0, ret) TH_LOG("after a close: %s", strerror(-ret));
	for (i = 1; i <= n; i++)
		close(fds[i]);
}

/*
 * Children that each open and init a cdsp file, report the result on
 * @res and hold the file until @hold is closed.
 */
TEST(init_busy_processes)
{
	struct drm_fastrpc_device_info info;
	int res[2], hold[2], i, fd, ok = 0, busy = 0, other = 0;
	pid_t pids[16];
	int nproc;
	uint64_t busy0;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", &info);
	ASSERT_LT(info.num_sessions, 15u);
	busy0 = drv_counter(_metadata, fd, "sessions_busy");
	nproc = info.num_sessions + 1;
	ASSERT_EQ(0, pipe(res));
	ASSERT_EQ(0, pipe(hold));

	for (i = 0; i < nproc; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0) {
			int cfd, r;
			char c;

			close(hold[1]);
			cfd = frpc_open_domain("cdsp", NULL, NULL, 0);
			r = cfd < 0 ? cfd :
			    frpc_process_init(cfd, DRM_FASTRPC_PROCESS_DYNAMIC,
					      DRM_FASTRPC_PROCESS_UNSIGNED);
			if (write(res[1], &r, sizeof(r)) != sizeof(r))
				_exit(2);
			/* Hold the session until the parent is done */
			while (read(hold[0], &c, 1) > 0)
				;
			_exit(0);
		}
	}
	close(hold[0]);
	for (i = 0; i < nproc; i++) {
		int r;

		ASSERT_EQ((ssize_t)sizeof(r), read(res[0], &r, sizeof(r)));
		if (r == 0) {
			ok++;
		} else if (r == -EBUSY) {
			busy++;
		} else {
			other++;
			TH_LOG("child init: %s", strerror(-r));
		}
	}
	EXPECT_EQ((int)info.num_sessions, ok);
	EXPECT_EQ(1, busy);
	EXPECT_EQ(0, other);
	EXPECT_EQ(busy0 + 1, drv_counter(_metadata, fd, "sessions_busy"));

	close(hold[1]);
	for (i = 0; i < nproc; i++) {
		int status;

		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	close(fd);
	/* All sessions free again */
	EXPECT_EQ((int)info.num_sessions,
		  sessions_free(info.num_sessions, 3000));
}

TEST(invoke_before_init)
{
	uint8_t in[16] = { 1 }, out[16];
	uint32_t h;
	int fd;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	EXPECT_EQ(-ENOTCONN, echo1(fd, 0x1000, in, out, sizeof(in), 0, NULL));
	EXPECT_EQ(-ENOTCONN, frpc_module_open(fd, FRPC_SIMTEST_URI, &h));
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Calculator                                                         */
/* ------------------------------------------------------------------ */

static void check_calc(struct __test_metadata *_metadata, int fd,
		       uint32_t calc, const int32_t *v, uint32_t n)
{
	int64_t want_sum = 0, sum = 0x5a5a5a5a5a5a5a5all;
	int32_t want_max = INT32_MIN, max = 0x5a5a5a5a;
	uint32_t i;
	int ret;

	for (i = 0; i < n; i++) {
		want_sum += v[i];
		if (v[i] > want_max)
			want_max = v[i];
	}
	ret = frpc_calc_sum(fd, calc, v, n, &sum);
	ASSERT_EQ(0, ret) TH_LOG("sum n=%u: %s", n, strerror(-ret));
	EXPECT_EQ(want_sum, sum) TH_LOG("sum n=%u", n);
	if (!n)
		return;		/* max of nothing is not defined */
	ret = frpc_calc_max(fd, calc, v, n, &max);
	ASSERT_EQ(0, ret) TH_LOG("max n=%u: %s", n, strerror(-ret));
	EXPECT_EQ(want_max, max) TH_LOG("max n=%u", n);
}

TEST_F(cdsp, calculator)
{
	static const int32_t a1[] = { 1, 2, 3, 4, 5 };
	static const int32_t a2[] = { -5 };
	static const int32_t a3[] = { -9, -3, -12, -3, -100 };
	static const int32_t a4[] = { INT32_MAX, INT32_MAX, INT32_MAX };
	static const int32_t a5[] = { INT32_MIN, INT32_MIN };
	static const int32_t a6[] = { 7, -1000000, 123456789, 0, 42 };
	const uint32_t big = 100000;
	int32_t *v;
	uint32_t i, seed = 12345;

	check_calc(_metadata, self->fd, self->calc, a1, 0);
	check_calc(_metadata, self->fd, self->calc, a1, 5);
	check_calc(_metadata, self->fd, self->calc, a2, 1);
	check_calc(_metadata, self->fd, self->calc, a3, 5);
	check_calc(_metadata, self->fd, self->calc, a4, 3);
	check_calc(_metadata, self->fd, self->calc, a5, 2);
	check_calc(_metadata, self->fd, self->calc, a6, 5);

	v = malloc(big * sizeof(*v));
	ASSERT_NE(NULL, v);
	for (i = 0; i < big; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = (int32_t)(seed ^ (seed >> 15));
	}
	check_calc(_metadata, self->fd, self->calc, v, big);
	/* Maximum at the very end, all others negative */
	for (i = 0; i < big; i++)
		v[i] = -(int32_t)(i % 1000) - 1;
	v[big - 1] = 3;
	check_calc(_metadata, self->fd, self->calc, v, big);
	free(v);
}

TEST_F(cdsp, calculator_short_input)
{
	int32_t v[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	uint32_t n = 10, status = 0;
	int64_t res;
	struct frpc_buf in[2] = { { &n, sizeof(n) }, { v, 9 * sizeof(v[0]) } };
	struct frpc_buf out[1] = { { &res, sizeof(res) } };

	memset(&res, 0xcc, sizeof(res));
	EXPECT_EQ(-EINVAL, frpc_invoke(self->fd, self->calc, FRPC_CALC_SUM,
				       in, 2, out, 1, 0, &status));
	EXPECT_EQ(DSP_EBADPARM, status);
	/* Out-buffers are not written when the method fails */
	EXPECT_EQ((int64_t)0xccccccccccccccccull, res);
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

/* ------------------------------------------------------------------ */
/* Echo                                                               */
/* ------------------------------------------------------------------ */

/*
 * Every size from 0 to 64 KiB. The input is a window of a pseudo-random
 * block at a size-dependent offset, so consecutive sizes differ at almost
 * every byte and the output left from the previous size never matches.
 */
/*
 * Echo every size from 0 to ECHO_MAX. FASTRPC_ECHO_STEP=n in the environment
 * (used on slow debug kernels) sweeps every n-th size instead, n odd so that
 * every residue modulo the 128-byte inline alignment is still covered, plus
 * every page boundary and its neighbours.
 */
static int echo_size_wanted(uint32_t len, uint32_t step)
{
	uint32_t in_page = len % 4096;

	return len % step == 0 || in_page <= 1 || in_page == 4095;
}

TEST_F_TIMEOUT(cdsp, echo_every_size, 1200)
{
	const char *env = getenv("FASTRPC_ECHO_STEP");
	uint32_t step = env ? strtoul(env, NULL, 0) : 1;
	uint8_t *pat, *out;
	uint32_t len;
	int ret;

	if (!step || step % 2 == 0)
		step = 1;
	if (step > 1)
		TH_LOG("FASTRPC_ECHO_STEP=%u: every %u-th size and page edges",
		       step, step);

	pat = malloc(ECHO_MAX + 256);
	out = malloc(ECHO_MAX + GUARD);
	ASSERT_NE(NULL, pat);
	ASSERT_NE(NULL, out);
	fill_pattern(pat, ECHO_MAX + 256, 99);
	memset(out, 0x5a, ECHO_MAX + GUARD);

	for (len = 0; len <= ECHO_MAX; len++) {
		const uint8_t *in = pat + (len * 37) % 251;

		if (!echo_size_wanted(len, step))
			continue;
		if (len) {
			out[0] = ~in[0];
			out[len - 1] = ~in[len - 1];
		}
		memset(out + len, 0x5a, GUARD);
		ret = echo1(self->fd, self->simtest, in, out, len, 0, NULL);
		ASSERT_EQ(0, ret) TH_LOG("size %u: %s", len, strerror(-ret));
		ASSERT_EQ(0, memcmp(in, out, len)) TH_LOG("size %u", len);
		for (int g = 0; g < GUARD; g++)
			ASSERT_EQ(0x5a, out[len + g])
				TH_LOG("size %u wrote past the end", len);
	}
	free(pat);
	free(out);
}

TEST_F(cdsp, echo_large)
{
	static const size_t sizes[] = { 1 << 20, (4 << 20) + 3 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		int ret = echo_check(self->fd, self->simtest, sizes[i], i + 10);

		EXPECT_EQ(0, ret) TH_LOG("size %zu: %s", sizes[i],
					 strerror(-ret));
	}
}

static void multi_echo(struct __test_metadata *_metadata, int fd, uint32_t h,
		       const size_t *sizes, unsigned int k)
{
	struct frpc_buf in[64], out[64];
	unsigned int i;
	int ret;

	ASSERT_LE(k, 64u);
	for (i = 0; i < k; i++) {
		in[i].ptr = malloc(sizes[i] + 1);
		out[i].ptr = malloc(sizes[i] + GUARD);
		ASSERT_NE(NULL, in[i].ptr);
		ASSERT_NE(NULL, out[i].ptr);
		in[i].len = out[i].len = sizes[i];
		fill_pattern(in[i].ptr, sizes[i], 1000 + i * 17 + k);
		memset(out[i].ptr, 0x5a, sizes[i] + GUARD);
	}
	ret = frpc_invoke(fd, h, FRPC_SIMTEST_ECHO, in, k, out, k, 0, NULL);
	ASSERT_EQ(0, ret) TH_LOG("%u pairs: %s", k, strerror(-ret));
	for (i = 0; i < k; i++) {
		uint8_t *o = out[i].ptr;
		size_t g;

		EXPECT_EQ(0, memcmp(in[i].ptr, o, sizes[i]))
			TH_LOG("pair %u of %u (%zu bytes)", i, k, sizes[i]);
		for (g = 0; g < GUARD; g++)
			EXPECT_EQ(0x5a, o[sizes[i] + g]) TH_LOG("pair %u", i);
		free(in[i].ptr);
		free(out[i].ptr);
	}
}

TEST_F(cdsp, echo_multi)
{
	static const size_t s1[] = { 1, 0, 4096, 100, 65536, 3, 128, 129 };
	static const size_t s2[] = { 4095, 4097 };
	size_t s3[32], s4[60];
	unsigned int i;

	multi_echo(_metadata, self->fd, self->simtest, s1, 8);
	multi_echo(_metadata, self->fd, self->simtest, s2, 2);
	for (i = 0; i < 32; i++)
		s3[i] = i + 1;
	multi_echo(_metadata, self->fd, self->simtest, s3, 32);
	for (i = 0; i < 60; i++)
		s4[i] = (i * 1237) % 3000;
	multi_echo(_metadata, self->fd, self->simtest, s4, 60);
}

/* Zero-length buffers: the pointer is ignored */
TEST_F(cdsp, echo_zero_length)
{
	struct drm_fastrpc_arg args[2];
	struct drm_fastrpc_invoke inv;

	echo_invoke(&inv, args, self->simtest, NULL, NULL, 0);
	EXPECT_EQ(0, frpc_invoke_raw(self->fd, &inv));
	args[0].ptr = 0xdead0000;
	args[1].ptr = KERNEL_ADDR;
	EXPECT_EQ(0, frpc_invoke_raw(self->fd, &inv));
	EXPECT_EQ(0u, inv.dsp_status);
}

TEST_F(cdsp, fill)
{
	uint32_t pat = 0xa1b2c3d4, words[1024 + GUARD / 4];
	struct frpc_buf in = { &pat, sizeof(pat) };
	struct frpc_buf out = { words, 1024 * 4 };
	unsigned int i;

	memset(words, 0, sizeof(words));
	ASSERT_EQ(0, frpc_invoke(self->fd, self->simtest, FRPC_SIMTEST_FILL,
				 &in, 1, &out, 1, 0, NULL));
	for (i = 0; i < 1024; i++)
		ASSERT_EQ(pat, words[i]) TH_LOG("word %u", i);
	for (; i < sizeof(words) / 4; i++)
		ASSERT_EQ(0u, words[i]);
}

/* Old userspace with a 16-byte argument struct, newer with a larger one */
TEST_F(cdsp, arg_size_compat)
{
	struct { uint64_t ptr, length; } small[2];
	struct { struct drm_fastrpc_arg a; uint8_t tail[32]; } large[2];
	uint8_t in[200], out[200];
	struct drm_fastrpc_invoke inv;
	int ret;

	fill_pattern(in, sizeof(in), 5);
	memset(out, 0, sizeof(out));
	small[0].ptr = (uintptr_t)in;
	small[1].ptr = (uintptr_t)out;
	small[0].length = small[1].length = sizeof(in);
	memset(&inv, 0, sizeof(inv));
	inv.handle = self->simtest;
	inv.sc = FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1);
	inv.args = (uintptr_t)small;
	inv.num_args = 2;
	inv.arg_size = DRM_FASTRPC_ARG_MIN_SIZE;
	ret = frpc_invoke_raw(self->fd, &inv);
	ASSERT_EQ(0, ret) TH_LOG("arg_size 16: %s", strerror(-ret));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));

	memset(out, 0, sizeof(out));
	memset(large, 0, sizeof(large));
	large[0].a.ptr = (uintptr_t)in;
	large[1].a.ptr = (uintptr_t)out;
	large[0].a.length = large[1].a.length = sizeof(in);
	inv.args = (uintptr_t)large;
	inv.arg_size = sizeof(large[0]);
	ret = frpc_invoke_raw(self->fd, &inv);
	ASSERT_EQ(0, ret) TH_LOG("arg_size %zu: %s", sizeof(large[0]),
				 strerror(-ret));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
}

/* ------------------------------------------------------------------ */
/* DSP errors                                                         */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, dsp_errors)
{
	static const struct { uint32_t value; int err; } cases[] = {
		{ 0x8000040e, EINVAL },		/* AEE_EBADPARM */
		{ 0x80000414, EOPNOTSUPP },	/* AEE_EUNSUPPORTED */
		{ 0x8000043e, ENOENT },		/* AEE_ENOSUCHMOD */
		{ 0x8000042c, EBADF },		/* AEE_EINVHANDLE */
		{ 0x80000402, ENOMEM },		/* AEE_ENOMEMORY */
		{ 0x8000040d, EBADFD },		/* AEE_EBADSTATE */
		{ 0x80000416, ENOENT },		/* AEE_ERESOURCENOTFOUND */
		{ 0x80000427, ENOENT },		/* AEE_ENOSUCH */
		{ 0x8000042e, EINTR },		/* AEE_EINTERRUPTED */
		{ 0x80000401, EREMOTEIO },	/* AEE_EFAILED */
		{ 0x80000499, EREMOTEIO },	/* unknown AEE code */
		{ 7, EREMOTEIO },		/* not a DSP error code */
		{ 0xffffffff, EREMOTEIO },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t status = 0x12345678;

		EXPECT_EQ(-cases[i].err, sim_error(self->fd, self->simtest,
						   cases[i].value, &status))
			TH_LOG("DSP result 0x%x", cases[i].value);
		EXPECT_EQ(cases[i].value, status);
	}
	/* Value 0 is success, and dsp_status says so */
	{
		uint32_t status = 0x12345678;

		EXPECT_EQ(0, sim_error(self->fd, self->simtest, 0, &status));
		EXPECT_EQ(0u, status);
	}
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

TEST_F(cdsp, dsp_error_out_untouched)
{
	uint8_t in[100], out[101];
	struct frpc_buf i = { in, sizeof(in) }, o = { out, sizeof(out) };
	uint32_t status = 0;
	unsigned int k;

	/* Lengths that do not match: the DSP refuses with AEE_EBADPARM */
	fill_pattern(in, sizeof(in), 6);
	memset(out, 0xcc, sizeof(out));
	EXPECT_EQ(-EINVAL, frpc_invoke(self->fd, self->simtest,
				       FRPC_SIMTEST_ECHO, &i, 1, &o, 1, 0,
				       &status));
	EXPECT_EQ(DSP_EBADPARM, status);
	for (k = 0; k < sizeof(out); k++)
		ASSERT_EQ(0xcc, out[k]) TH_LOG("byte %u written", k);
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

/* ------------------------------------------------------------------ */
/* Bad input                                                          */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, bad_handle)
{
	uint8_t in[32] = { 1, 2, 3 }, out[32];
	uint32_t status = 0;

	EXPECT_EQ(-EBADF, echo1(self->fd, 0x7777, in, out, sizeof(in), 0,
				&status));
	EXPECT_EQ(DSP_EINVHANDLE, status);
	EXPECT_EQ(-EPERM, echo1(self->fd, FRPC_HANDLE_INIT, in, out,
				sizeof(in), 0, NULL));
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

/* The kernel-only handle never reaches the DSP */
TEST_F(cdsp, init_handle_not_sent)
{
	uint8_t in[32] = { 0 };
	struct frpc_buf i = { in, sizeof(in) };
	uint64_t m0;

	SIM_OR_SKIP();
	m0 = sim_counter(_metadata, "messages");
	EXPECT_EQ(-EPERM, frpc_invoke(self->fd, FRPC_HANDLE_INIT, 0, &i, 1,
				      NULL, 0, 0, NULL));
	EXPECT_EQ(-EPERM, frpc_invoke(self->fd, FRPC_HANDLE_INIT, 1, NULL, 0,
				      NULL, 0, 0, NULL));
	EXPECT_EQ(m0, sim_counter(_metadata, "messages"));
}

TEST_F(cdsp, closed_module_handle)
{
	uint32_t h;
	int32_t dlerr = -1;

	ASSERT_EQ(0, frpc_module_open(self->fd, FRPC_SIMTEST_URI, &h));
	EXPECT_NE(h, self->simtest);
	EXPECT_EQ(0, echo_check(self->fd, h, 10, 8));
	ASSERT_EQ(0, frpc_remotectl_close(self->fd, h, &dlerr, NULL, 0));
	EXPECT_EQ(0, dlerr);
	EXPECT_EQ(-EBADF, echo_check(self->fd, h, 10, 8));
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

/* A module handle of another process's PD is not usable */
TEST_F(cdsp, foreign_handle)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = frpc_open_domain("cdsp", NULL, NULL, 0);

		if (fd < 0 || frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
						DRM_FASTRPC_PROCESS_UNSIGNED))
			_exit(10);
		if (echo_check(fd, self->simtest, 16, 9) != -EBADF)
			_exit(11);
		if (echo_check(self->fd, self->simtest, 16, 9) != 0)
			_exit(12);	/* the inherited file still works */
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

TEST_F(cdsp, unknown_module)
{
	char msg[256];
	uint32_t h = 0;
	int32_t dlerr = 0;
	int ret;

	ret = frpc_remotectl_open(self->fd,
		"file:///libnosuchthing_skel.so?nosuchthing_skel_handle_invoke&_modver=1.0&_dom=cdsp",
		&h, &dlerr, msg, sizeof(msg));
	ASSERT_EQ(0, ret) TH_LOG("open1: %s", strerror(-ret));
	EXPECT_NE(0, dlerr);
	EXPECT_NE(0, msg[0]) TH_LOG("no error text");
	TH_LOG("dlerr 0x%x: %s", (uint32_t)dlerr, msg);
	EXPECT_EQ(-ENOENT, frpc_module_open(self->fd,
		"file:///libnosuchthing_skel.so?x", &h));
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

TEST_F(cdsp, bad_num_args)
{
	struct drm_fastrpc_arg args[4];
	struct drm_fastrpc_invoke inv;
	uint8_t in[16] = { 0 }, out[16];

	echo_invoke(&inv, args, self->simtest, in, out, sizeof(in));
	memset(&args[2], 0, 2 * sizeof(args[0]));
	inv.num_args = 3;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	inv.num_args = 1;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	inv.num_args = 0;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	inv.num_args = 0xffffffff;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	/* sc says 2 in-buffers, args has 1 in + 1 out */
	inv.num_args = 2;
	inv.sc = FRPC_SC(FRPC_SIMTEST_ECHO, 2, 1);
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	inv.sc = FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1);
	EXPECT_EQ(0, frpc_invoke_raw(self->fd, &inv));
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

TEST_F(cdsp, bad_arg_size)
{
	static const uint32_t sizes[] = { 0, 8, 15, 4097, 8192, 0xffffffff };
	struct drm_fastrpc_arg args[2];
	struct drm_fastrpc_invoke inv;
	uint8_t in[16] = { 0 }, out[16];
	unsigned int i;

	echo_invoke(&inv, args, self->simtest, in, out, sizeof(in));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		inv.arg_size = sizes[i];
		EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv))
			TH_LOG("arg_size %u", sizes[i]);
	}
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

TEST_F(cdsp, bad_invoke_fields)
{
	struct drm_fastrpc_arg args[2];
	struct drm_fastrpc_invoke inv;
	uint8_t in[16] = { 0 }, out[16];

	echo_invoke(&inv, args, self->simtest, in, out, sizeof(in));
	inv.flags = 1;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	inv.flags = 0x80000000;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	inv.flags = 0;
	inv.pad = 1;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	inv.pad = 0;

	/*
	 * Argument flags: DRM_FASTRPC_BUF_GEM/DMABUF name a buffer
	 * (fastrpc_buffers tests those); unknown bits, both kinds at once,
	 * and a pointer on a buffer argument are invalid.
	 */
	args[0].flags = 1 << 2;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	args[0].flags = 0x80000000;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	args[0].flags = DRM_FASTRPC_BUF_FLAGS;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	args[0].flags = DRM_FASTRPC_BUF_GEM;	/* with args[0].ptr set */
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	args[1].flags = DRM_FASTRPC_BUF_DMABUF | (1 << 3);
	args[0].flags = 0;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	args[1].flags = 0;
	/* handle and offset are for buffers: MBZ on inline arguments */
	args[1].handle = 1;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	args[1].handle = 0;
	args[0].offset = 4;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	args[0].offset = 0;
	/* Reserved fields are checked on zero-length buffers too */
	args[0].length = args[1].length = 0;
	args[1].flags = 0x100;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	args[1].flags = 0;
	args[0].handle = 3;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	args[0].handle = 0;
	EXPECT_EQ(0, frpc_invoke_raw(self->fd, &inv));
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

TEST_F(cdsp, handles_in_sc)
{
	struct drm_fastrpc_arg args[3];
	struct drm_fastrpc_invoke inv;
	uint8_t in[16] = { 0 }, out[16];

	/* Handle arguments are counted in num_args (fastrpc_handles.c) */
	echo_invoke(&inv, args, self->simtest, in, out, sizeof(in));
	inv.sc = FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1) | FRPC_SC_HANDLES(1, 0);
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	/* A handle names a buffer: one without a buffer kind is malformed */
	memset(&args[2], 0, sizeof(args[2]));
	inv.num_args = 3;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	inv.sc = FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1) | FRPC_SC_HANDLES(0, 1);
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

TEST_F(cdsp, too_big)
{
	struct drm_fastrpc_arg args[4];
	struct drm_fastrpc_invoke inv;
	uint8_t in[16] = { 0 }, out[16];

	echo_invoke(&inv, args, self->simtest, in, out,
		    DRM_FASTRPC_INLINE_MAX + 1ull);
	EXPECT_EQ(-E2BIG, frpc_invoke_raw(self->fd, &inv));
	/* Each below the limit, together above it */
	echo_invoke(&inv, args, self->simtest, in, out,
		    DRM_FASTRPC_INLINE_MAX / 2 + 1);
	EXPECT_EQ(-E2BIG, frpc_invoke_raw(self->fd, &inv));
	/* A total that wraps around 2^64 */
	echo_invoke(&inv, args, self->simtest, in, out, 1ull << 63);
	EXPECT_EQ(-E2BIG, frpc_invoke_raw(self->fd, &inv));
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

TEST_F(cdsp, wrapping_range)
{
	struct drm_fastrpc_arg args[2];
	struct drm_fastrpc_invoke inv;
	uint8_t in[0x2000] = { 0 }, out[0x2000];

	echo_invoke(&inv, args, self->simtest, in, out, 0x2000);
	args[0].ptr = 0xfffffffffffff000ull;
	EXPECT_EQ(-EOVERFLOW, frpc_invoke_raw(self->fd, &inv));
	args[0].ptr = (uintptr_t)in;
	args[1].ptr = 0xffffffffffffffffull;
	EXPECT_EQ(-EOVERFLOW, frpc_invoke_raw(self->fd, &inv));
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

TEST_F(cdsp, bad_pointers)
{
	struct drm_fastrpc_arg args[2];
	struct drm_fastrpc_invoke inv;
	uint8_t in[64], out[64], *edge;
	uint8_t *gone = unmapped_page();

	ASSERT_NE(NULL, gone);
	fill_pattern(in, sizeof(in), 7);

	/* Unmapped in-buffer and out-buffer */
	echo_invoke(&inv, args, self->simtest, gone, out, sizeof(in));
	EXPECT_EQ(-EFAULT, frpc_invoke_raw(self->fd, &inv));
	echo_invoke(&inv, args, self->simtest, in, gone, sizeof(in));
	EXPECT_EQ(-EFAULT, frpc_invoke_raw(self->fd, &inv));

	/* A buffer that runs off the end of a mapping */
	edge = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, edge);
	ASSERT_EQ(0, munmap(edge + 4096, 4096));
	echo_invoke(&inv, args, self->simtest, edge + 4096 - 32, out, 64);
	EXPECT_EQ(-EFAULT, frpc_invoke_raw(self->fd, &inv));
	echo_invoke(&inv, args, self->simtest, in, edge + 4096 - 32, 64);
	EXPECT_EQ(-EFAULT, frpc_invoke_raw(self->fd, &inv));
	/* A read-only out-buffer */
	ASSERT_EQ(0, mprotect(edge, 4096, PROT_READ));
	echo_invoke(&inv, args, self->simtest, in, edge, 64);
	EXPECT_EQ(-EFAULT, frpc_invoke_raw(self->fd, &inv));
	munmap(edge, 4096);

	/* Kernel addresses */
	echo_invoke(&inv, args, self->simtest, (void *)(uintptr_t)KERNEL_ADDR,
		    out, sizeof(in));
	EXPECT_EQ(-EFAULT, frpc_invoke_raw(self->fd, &inv));
	echo_invoke(&inv, args, self->simtest, in,
		    (void *)(uintptr_t)KERNEL_ADDR, sizeof(in));
	EXPECT_EQ(-EFAULT, frpc_invoke_raw(self->fd, &inv));

	/* The argument array itself */
	echo_invoke(&inv, args, self->simtest, in, out, sizeof(in));
	inv.args = (uintptr_t)gone;
	EXPECT_EQ(-EFAULT, frpc_invoke_raw(self->fd, &inv));
	inv.args = KERNEL_ADDR;
	EXPECT_EQ(-EFAULT, frpc_invoke_raw(self->fd, &inv));
	inv.args = 0;
	EXPECT_EQ(-EFAULT, frpc_invoke_raw(self->fd, &inv));

	/* The ioctl argument itself */
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_FASTRPC_INVOKE, gone));
	EXPECT_EQ(EFAULT, errno);

	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

/* Requests the driver rejects never reach the DSP */
TEST_F(cdsp, rejected_not_sent)
{
	struct drm_fastrpc_arg args[3];
	struct drm_fastrpc_invoke inv;
	uint8_t in[16] = { 0 }, out[16];
	uint8_t *gone = unmapped_page();
	uint64_t m0;

	SIM_OR_SKIP();
	m0 = sim_counter(_metadata, "messages");
	echo_invoke(&inv, args, self->simtest, in, out, sizeof(in));
	inv.flags = 1;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	inv.flags = 0;
	inv.num_args = 3;
	EXPECT_EQ(-EINVAL, frpc_invoke_raw(self->fd, &inv));
	inv.num_args = 2;
	args[0].ptr = (uintptr_t)gone;
	EXPECT_EQ(-EFAULT, frpc_invoke_raw(self->fd, &inv));
	args[0].ptr = (uintptr_t)in;
	args[0].length = args[1].length = DRM_FASTRPC_INLINE_MAX;
	EXPECT_EQ(-E2BIG, frpc_invoke_raw(self->fd, &inv));
	EXPECT_EQ(m0, sim_counter(_metadata, "messages"));
}

/* ------------------------------------------------------------------ */
/* Timeouts, killed callers, concurrency                              */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, timeout)
{
	uint64_t base, ab, t0, elapsed, now;
	int ret;

	base = drv_counter(_metadata, self->fd, "in_flight");
	ab = drv_counter(_metadata, self->fd, "abandoned");
	t0 = frpc_now_us();
	ret = sim_sleep(self->fd, self->simtest, 1000, 100);
	elapsed = frpc_now_us() - t0;
	EXPECT_EQ(-ETIMEDOUT, ret);
	EXPECT_GE(elapsed, 90000ull);
	EXPECT_LT(elapsed, 700000ull) TH_LOG("took %llu us",
					  (unsigned long long)elapsed);

	/* The abandoned call stays in flight until the DSP answers */
	now = drv_counter(_metadata, self->fd, "in_flight");
	EXPECT_EQ(base + 1, now);
	EXPECT_EQ(ab + 1, drv_counter(_metadata, self->fd, "abandoned"));
	/* Meanwhile other calls go through */
	assert_works(_metadata, self->fd, self->calc, self->simtest);

	now = wait_drv_counter(self->fd, "in_flight", base, 3000);
	EXPECT_EQ(base, now);
	assert_works(_metadata, self->fd, self->calc, self->simtest);

	/* A timeout longer than the call does not fire */
	EXPECT_EQ(0, sim_sleep(self->fd, self->simtest, 50, 5000));
}

TEST_F(cdsp, killed_caller)
{
	uint64_t base_fl, base_busy, base_ab, t_kill, t_reaped;
	int sync[2], status, r;
	char c;
	pid_t pid;

	base_fl = drv_counter(_metadata, self->fd, "in_flight");
	base_busy = drv_counter(_metadata, self->fd, "sessions_busy");
	base_ab = drv_counter(_metadata, self->fd, "abandoned");
	ASSERT_EQ(0, pipe(sync));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint32_t h;
		int fd = frpc_open_domain("cdsp", NULL, NULL, 0);

		close(self->fd);
		if (fd < 0 ||
		    frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				      DRM_FASTRPC_PROCESS_UNSIGNED) ||
		    frpc_module_open(fd, FRPC_SIMTEST_URI, &h))
			_exit(10);
		if (write(sync[1], "x", 1) != 1)
			_exit(11);
		sim_sleep(fd, h, 2000, 0);
		_exit(12);	/* should have been killed */
	}
	close(sync[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1)) TH_LOG("child setup failed");
	usleep(200000);
	EXPECT_EQ(base_fl + 1, drv_counter(_metadata, self->fd, "in_flight"));

	t_kill = frpc_now_us();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	t_reaped = frpc_now_us();
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
	/* Killable: the exit does not wait for the 2 s call */
	EXPECT_LT(t_reaped - t_kill, 1500000ull)
		TH_LOG("exit took %llu us",
		       (unsigned long long)(t_reaped - t_kill));

	EXPECT_EQ(base_fl, wait_drv_counter(self->fd, "in_flight", base_fl,
					    5000));
	/* The killed caller's call was abandoned */
	EXPECT_EQ(base_ab + 1, drv_counter(_metadata, self->fd, "abandoned"));
	/* Its session is free again: with ours, all of them are in use */
	EXPECT_EQ((int)self->info.num_sessions - 1,
		  sessions_free(self->info.num_sessions - 1, 5000));
	/* and no init was refused meanwhile */
	EXPECT_EQ(base_busy, drv_counter(_metadata, self->fd,
					 "sessions_busy"));

	/* A new process can still init and call */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint32_t h;
		int fd = frpc_open_domain("cdsp", NULL, NULL, 0);

		if (fd < 0 ||
		    frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				      DRM_FASTRPC_PROCESS_UNSIGNED) ||
		    frpc_module_open(fd, FRPC_SIMTEST_URI, &h))
			_exit(10);
		r = echo_check(fd, h, 5000, 13);
		_exit(r ? 11 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

/* Echo loop of one client: returns 0 or the first failing iteration + 1 */
static int echo_loop(int fd, uint32_t h, unsigned int iters, uint32_t id)
{
	uint8_t in[3000], out[3000];
	unsigned int i;

	for (i = 0; i < iters; i++) {
		size_t len = 1 + (i * 131 + id * 17) % sizeof(in);
		uint32_t seed = id * 100000 + i;

		fill_pattern(in, len, seed);
		memset(out, 0, len);
		if (echo1(fd, h, in, out, len, 0, NULL) ||
		    memcmp(in, out, len))
			return i + 1;
	}
	return 0;
}

TEST_F_TIMEOUT(cdsp, two_processes, 120)
{
	pid_t pids[2];
	int i, status, r;

	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0) {
			uint32_t h;
			int fd = frpc_open_domain("cdsp", NULL, NULL, 0);

			close(self->fd);
			if (fd < 0 ||
			    frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
					      DRM_FASTRPC_PROCESS_UNSIGNED) ||
			    frpc_module_open(fd, FRPC_SIMTEST_URI, &h))
				_exit(100);
			r = echo_loop(fd, h, 200, getpid());
			_exit(r ? 101 : 0);
		}
	}
	/* The parent's PD works at the same time */
	r = echo_loop(self->fd, self->simtest, 200, 4242);
	EXPECT_EQ(0, r) TH_LOG("parent failed at iteration %d", r - 1);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child %d", i);
	}
}

struct thread_arg {
	int fd;
	uint32_t h;
	uint32_t id;
	int result;
	uint64_t elapsed_us;
};

static void *echo_thread(void *p)
{
	struct thread_arg *a = p;

	a->result = echo_loop(a->fd, a->h, 200, a->id);
	return NULL;
}

static void *sleep_thread(void *p)
{
	struct thread_arg *a = p;
	uint64_t t0 = frpc_now_us();

	a->result = sim_sleep(a->fd, a->h, 600, 0);
	a->elapsed_us = frpc_now_us() - t0;
	return NULL;
}

/* Threads of one process share the file and call at the same time */
TEST_F_TIMEOUT(cdsp, threads, 120)
{
	struct thread_arg a[4], s = { self->fd, self->simtest, 0, -1, 0 };
	pthread_t t[4], st;
	uint64_t t0, el;
	int i;

	for (i = 0; i < 4; i++) {
		a[i] = (struct thread_arg){ self->fd, self->simtest, 7000 + i,
					    -1, 0 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, echo_thread, &a[i]));
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(0, a[i].result) TH_LOG("thread %d", i);
	}

	/* A sleeping call does not hold up the others */
	ASSERT_EQ(0, pthread_create(&st, NULL, sleep_thread, &s));
	usleep(50000);
	t0 = frpc_now_us();
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, echo_check(self->fd, self->simtest, 100, i));
	el = frpc_now_us() - t0;
	ASSERT_EQ(0, pthread_join(st, NULL));
	EXPECT_EQ(0, s.result);
	EXPECT_GE(s.elapsed_us, 590000ull);
	EXPECT_LT(el, 500000ull) TH_LOG("10 echoes took %llu us",
				     (unsigned long long)el);
}

/* ------------------------------------------------------------------ */
/* Reply validation with the simulator's fault knobs                  */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, fault_drop_reply)
{
	uint8_t in[64], out[64];
	uint64_t t0, el;

	SIM_OR_SKIP();
	fill_pattern(in, sizeof(in), 20);
	sim_knob(_metadata, "drop_reply");
	t0 = frpc_now_us();
	EXPECT_EQ(-ETIMEDOUT, echo1(self->fd, self->simtest, in, out,
				    sizeof(in), 300, NULL));
	el = frpc_now_us() - t0;
	EXPECT_GE(el, 290000ull);
	EXPECT_LT(el, 1000000ull);
	assert_works(_metadata, self->fd, self->calc, self->simtest);
	/* The lost call holds its session until the DSP goes away */
	restart_dsp(_metadata);
}

/*
 * A process whose call lost its reply exits: its session is released at
 * close (Documentation/accel/fastrpc/fastrpc.rst, struct fastrpc_file).
 */
TEST_F(cdsp, fault_lost_reply_session_released)
{
	int status;
	pid_t pid;

	SIM_OR_SKIP();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint8_t in[16] = { 1 }, out[16];
		uint32_t h;
		int fd = frpc_open_domain("cdsp", NULL, NULL, 0);

		close(self->fd);
		if (fd < 0 ||
		    frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
				      DRM_FASTRPC_PROCESS_UNSIGNED) ||
		    frpc_module_open(fd, FRPC_SIMTEST_URI, &h) ||
		    frpc_sim_knob(SIM_INST, "drop_reply", 1))
			_exit(10);
		if (echo1(fd, h, in, out, sizeof(in), 300, NULL) != -ETIMEDOUT)
			_exit(11);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* Ours holds one session: all the others must be free */
	EXPECT_EQ((int)self->info.num_sessions - 1,
		  sessions_free(self->info.num_sessions - 1, 3000));
	restart_dsp(_metadata);
}

static void rejected_reply(struct __test_metadata *_metadata,
			   FIXTURE_DATA(cdsp) *self, const char *knob)
{
	uint8_t in[64], out[64];
	uint64_t rej0, rej;

	fill_pattern(in, sizeof(in), 21);
	rej0 = drv_counter(_metadata, self->fd, "replies_rejected");
	sim_knob(_metadata, knob);
	EXPECT_EQ(-ETIMEDOUT, echo1(self->fd, self->simtest, in, out,
				    sizeof(in), 300, NULL));
	rej = wait_drv_counter(self->fd, "replies_rejected", rej0 + 1, 1000);
	EXPECT_EQ(rej0 + 1, rej);
	assert_works(_metadata, self->fd, self->calc, self->simtest);
	/* The call never completed and holds its session until a restart */
	restart_dsp(_metadata);
}

TEST_F(cdsp, fault_short_reply)
{
	SIM_OR_SKIP();
	rejected_reply(_metadata, self, "short_reply");
}

TEST_F(cdsp, fault_bad_ctx)
{
	SIM_OR_SKIP();
	rejected_reply(_metadata, self, "bad_ctx");
}

TEST_F(cdsp, fault_dup_reply)
{
	uint8_t in[500], out[500];
	uint64_t rej0, rej;

	SIM_OR_SKIP();
	fill_pattern(in, sizeof(in), 22);
	memset(out, 0, sizeof(out));
	rej0 = drv_counter(_metadata, self->fd, "replies_rejected");
	sim_knob(_metadata, "dup_reply");
	ASSERT_EQ(0, echo1(self->fd, self->simtest, in, out, sizeof(in), 0,
			   NULL));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
	rej = wait_drv_counter(self->fd, "replies_rejected", rej0 + 1, 1000);
	EXPECT_EQ(rej0 + 1, rej);
	assert_works(_metadata, self->fd, self->calc, self->simtest);
	/* Exactly one duplicate was rejected */
	EXPECT_EQ(rej0 + 1, drv_counter(_metadata, self->fd,
					"replies_rejected"));
}

TEST_F(cdsp, fault_notify)
{
	uint8_t in[100], out[100];
	uint64_t n0, n;

	SIM_OR_SKIP();
	fill_pattern(in, sizeof(in), 23);
	memset(out, 0, sizeof(out));
	n0 = drv_counter(_metadata, self->fd, "notifications");
	sim_knob(_metadata, "notify");
	ASSERT_EQ(0, echo1(self->fd, self->simtest, in, out, sizeof(in), 0,
			   NULL));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
	n = wait_drv_counter(self->fd, "notifications", n0 + 1, 1000);
	EXPECT_EQ(n0 + 1, n);
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

/* ------------------------------------------------------------------ */
/* Payload cache                                                      */
/* ------------------------------------------------------------------ */

/*
 * simtest touch with in0 of @in_len and out0 of @out_len bytes: the DSP
 * writes only the first and the last byte of out0, so every other byte is
 * what the driver put in the payload, zeros as in a fresh allocation, never
 * what an earlier call or the DSP left in a reused one. 0 when the answer
 * is right; else -EBADMSG and *@bad the first wrong byte.
 */
static int touch_check(int fd, uint32_t h, size_t in_len, size_t out_len,
		       uint32_t seed, size_t *bad)
{
	uint8_t *in, *out;
	size_t k;
	int ret;

	in = malloc(in_len);
	out = malloc(out_len);
	if (!in || !out) {
		free(in);
		free(out);
		return -ENOMEM;
	}
	fill_pattern(in, in_len, seed);
	memset(out, 0xa5, out_len);
	{
		struct frpc_buf i = { in, in_len }, o = { out, out_len };

		ret = frpc_invoke(fd, h, FRPC_SIMTEST_TOUCH, &i, 1, &o, 1, 0,
				  NULL);
	}
	for (k = 0; !ret && k < out_len; k++) {
		uint8_t want = 0;

		if (k == 0)
			want = in[0];
		if (k == out_len - 1)
			want = in[in_len - 1];
		if (out[k] != want) {
			*bad = k;
			ret = -EBADMSG;
		}
	}
	free(in);
	free(out);
	return ret;
}

/* Calls of one process reuse their payloads instead of allocating them */
TEST_F(cdsp, payload_cache_reuse)
{
	uint64_t allocs0, hits0, allocs, hits;
	int i;

	/* A payload of one page (300 bytes each way) and one of three */
	ASSERT_EQ(0, echo_check(self->fd, self->simtest, 300, 1));
	ASSERT_EQ(0, echo_check(self->fd, self->simtest, 4096, 2));
	allocs0 = drv_counter(_metadata, self->fd, "payload_allocs");
	hits0 = drv_counter(_metadata, self->fd, "payload_cache_hits");

	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, echo_check(self->fd, self->simtest,
					i % 2 ? 4096 : 300, i + 3))
			TH_LOG("call %d", i);

	allocs = drv_counter(_metadata, self->fd, "payload_allocs");
	hits = drv_counter(_metadata, self->fd, "payload_cache_hits");
	/* Each call takes one payload, allocated or from the cache */
	EXPECT_EQ(allocs0 + hits0 + 50, allocs + hits);
	EXPECT_GE(5ull, allocs - allocs0)
		TH_LOG("50 calls allocated %llu payloads",
		       (unsigned long long)(allocs - allocs0));
	EXPECT_LE(45ull, hits - hits0);
}

/*
 * A call after a larger one gets right results: a reused payload never
 * shows the earlier call's data (nor what the DSP wrote) in out-buffers.
 */
TEST_F(cdsp, payload_cache_no_stale_data)
{
	/* echo of e bytes each way, then touch of ti in, to out bytes */
	static const struct { size_t e, ti, to; } cases[] = {
		{ 300, 300, 300 },
		{ 300, 1, 2000 },
		{ 4096, 4096, 4096 },
		{ 4096, 1, 7000 },
		{ 10000, 10000, 10000 },
		{ 10000, 1, 15000 },
		{ 30000, 30000, 30000 },
		{ 30000, 1, 40000 },
		{ 30000, 100, 200 },
		/* Not cached (more than 64 KiB), then small calls */
		{ 65536, 65536, 65536 },
		{ 65536, 1, 3000 },
	};
	uint64_t hits0, hits;
	unsigned int i;
	size_t bad = 0;

	hits0 = drv_counter(_metadata, self->fd, "payload_cache_hits");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, echo_check(self->fd, self->simtest, cases[i].e,
					100 + i))
			TH_LOG("case %u: echo of %zu", i, cases[i].e);
		EXPECT_EQ(0, touch_check(self->fd, self->simtest, cases[i].ti,
					 cases[i].to, 200 + i, &bad))
			TH_LOG("case %u: touch %zu/%zu after echo of %zu: byte %zu",
			       i, cases[i].ti, cases[i].to, cases[i].e, bad);
		/* And the other way round */
		EXPECT_EQ(0, echo_check(self->fd, self->simtest, cases[i].to,
					300 + i))
			TH_LOG("case %u: echo of %zu after touch", i,
			       cases[i].to);
	}
	/* Reused payloads were exercised, not only fresh ones */
	hits = drv_counter(_metadata, self->fd, "payload_cache_hits");
	EXPECT_LE(hits0 + 10, hits);
	assert_works(_metadata, self->fd, self->calc, self->simtest);
}

/* The buffers of a process are freed when it leaves its context bank */
TEST(payload_cache_released)
{
	uint64_t held0, held;
	int fd, status;
	pid_t pid;

	OPEN_DOMAIN_OR_SKIP(fd, "cdsp", NULL);
	held0 = drv_counter(_metadata, fd, "payload_cache_held");

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint64_t v = 0;
		uint32_t h;
		int cfd = frpc_open_domain("cdsp", NULL, NULL, 0), k;

		close(fd);
		if (cfd < 0 ||
		    frpc_process_init(cfd, DRM_FASTRPC_PROCESS_DYNAMIC,
				      DRM_FASTRPC_PROCESS_UNSIGNED) ||
		    frpc_module_open(cfd, FRPC_SIMTEST_URI, &h))
			_exit(10);
		for (k = 0; k < 10; k++)
			if (echo_check(cfd, h, k % 2 ? 4096 : 300, k))
				_exit(11);
		/* The process's payloads wait in its bank's cache */
		if (frpc_drv_counter(cfd, "payload_cache_held", &v) ||
		    v <= held0)
			_exit(12);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	/* Its file is closed, its bank free: no buffer is left for another */
	held = wait_drv_counter(fd, "payload_cache_held", held0, 2000);
	EXPECT_EQ(held0, held);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Simulator counters                                                 */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, sim_counters)
{
	const size_t len = 10000;
	uint64_t msg0, rep0, bytes0, calls0, replies0;

	SIM_OR_SKIP();
	msg0 = sim_counter(_metadata, "messages");
	rep0 = sim_counter(_metadata, "replies");
	bytes0 = sim_counter(_metadata, "inline_bytes");
	calls0 = drv_counter(_metadata, self->fd, "calls");
	replies0 = drv_counter(_metadata, self->fd, "replies");
	ASSERT_EQ(0, echo_check(self->fd, self->simtest, len, 31));
	EXPECT_EQ(msg0 + 1, sim_counter(_metadata, "messages"));
	EXPECT_EQ(rep0 + 1, sim_counter(_metadata, "replies"));
	EXPECT_LE(bytes0 + 2 * len, sim_counter(_metadata, "inline_bytes"));
	EXPECT_EQ(calls0 + 1, drv_counter(_metadata, self->fd, "calls"));
	EXPECT_EQ(replies0 + 1, drv_counter(_metadata, self->fd, "replies"));
}

TEST_HARNESS_MAIN
