// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conformance suite of the legacy FastRPC UAPI (/dev/fastrpc-*,
 * include/uapi/misc/fastrpc.h), run against the simulated DSP
 * (Documentation/accel/fastrpc/sim.rst).
 *
 * The same program runs against the old driver (drivers/misc/fastrpc.c)
 * and, later, against fastrpc_accel serving the legacy nodes:
 *   FASTRPC_LEGACY_NODE    node to open (default /dev/fastrpc-cdsp)
 *   FASTRPC_LEGACY_DRIVER  old|accel (default old)
 * Expects the node to be the cdsp instance "cdsp0" with 3 sessions.
 * Cases that hit a known defect of the old driver (the "§6" table of the
 * protocol notes) only assert the correct behaviour with
 * FASTRPC_LEGACY_DRIVER=accel; on old they skip, naming the defect.
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

#include <misc/fastrpc.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#include "kselftest_harness.h"

#define DEFAULT_NODE	"/dev/fastrpc-cdsp"
#define SIM_DIR		"/sys/kernel/debug/fastrpc_sim/cdsp0"
#define NSESSIONS	3
#define CDSP_DOMAIN	3

#define SC(m, in, out)	(((uint32_t)(m) << 24) | ((in) << 16) | ((out) << 8))
#define DSP_ERR(aee)	((int)(0x80000400u + (aee)))
#define AEE_EBADPARM	0x0e
#define AEE_EUNSUPPORTED 0x14
#define AEE_EINVHANDLE	0x2c

#define CALC_URI "file:///libcalculator_skel.so?calculator_skel_handle_invoke&_modver=1.0&_dom=cdsp"
#define SIMTEST_URI "file:///libsimtest_skel.so?simtest_skel_handle_invoke"

/* ------------------------------------------------------------------ */

static const char *node(void)
{
	const char *n = getenv("FASTRPC_LEGACY_NODE");

	return n && *n ? n : DEFAULT_NODE;
}

static const char *driver(void)
{
	const char *d = getenv("FASTRPC_LEGACY_DRIVER");

	return d && *d ? d : "old";
}

static int is_old(void)
{
	return strcmp(driver(), "accel") != 0;
}

#define OPEN_NODE(fd) do {						\
	TH_LOG("driver=%s node=%s", driver(), node());			\
	fd = open(node(), O_RDWR);					\
	if (fd < 0 && errno == ENOENT)					\
		SKIP(return, "%s does not exist", node());		\
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", node(), strerror(errno)); \
} while (0)

static void set_arg(struct fastrpc_invoke_args *a, const void *p, size_t len)
{
	a->ptr = (uintptr_t)p;
	a->length = len;
	a->fd = -1;
	a->attr = 0;
}

static int invoke(int fd, uint32_t handle, uint32_t sc,
		  struct fastrpc_invoke_args *args)
{
	struct fastrpc_invoke inv = {
		.handle = handle,
		.sc = sc,
		.args = (uintptr_t)args,
	};

	return ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv);
}

static int create_pd(int fd)
{
	struct fastrpc_init_create init = { 0 };

	return ioctl(fd, FASTRPC_IOCTL_INIT_CREATE, &init);
}

/* remotectl1 open1 (handle 8, method 2); returns the ioctl result */
static int open_module(int fd, const char *uri, uint32_t *handle,
		       int32_t *dlerr)
{
	struct fastrpc_invoke_args a[4];
	struct { uint32_t urilen, dlerrlen; } in;
	struct { int32_t handle, dlerr; } out = { -1, -1 };
	char errtxt[256] = "";
	int ret;

	in.urilen = strlen(uri) + 1;
	in.dlerrlen = sizeof(errtxt);
	set_arg(&a[0], &in, sizeof(in));
	set_arg(&a[1], uri, in.urilen);
	set_arg(&a[2], &out, sizeof(out));
	set_arg(&a[3], errtxt, sizeof(errtxt));
	ret = invoke(fd, 8, SC(2, 2, 2), a);
	*handle = out.handle;
	*dlerr = out.dlerr;
	return ret;
}

static int calc(int fd, uint32_t h, uint32_t method, const int32_t *v,
		uint32_t n, size_t vlen, void *out, size_t outlen)
{
	struct fastrpc_invoke_args a[3];

	set_arg(&a[0], &n, sizeof(n));
	set_arg(&a[1], v, vlen);
	set_arg(&a[2], out, outlen);
	return invoke(fd, h, SC(method, 2, 1), a);
}

static int simtest_sleep(int fd, uint32_t h, uint32_t ms)
{
	struct fastrpc_invoke_args a[1];

	set_arg(&a[0], &ms, sizeof(ms));
	return invoke(fd, h, SC(3, 1, 0), a);
}

static long sim_counter(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), SIM_DIR "/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int sim_knob(const char *name, int count)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), SIM_DIR "/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ok = fprintf(f, "%d\n", count) > 0;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* A fd with a dynamic user PD                                        */
/* ------------------------------------------------------------------ */

FIXTURE(pd) {
	int fd;
};

FIXTURE_SETUP(pd)
{
	self->fd = -1;
	OPEN_NODE(self->fd);
	ASSERT_EQ(0, create_pd(self->fd)) TH_LOG("INIT_CREATE: %s", strerror(errno));
}

FIXTURE_TEARDOWN(pd)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* ---- GET_DSP_INFO ------------------------------------------------ */

TEST(get_dsp_info)
{
	static const struct { uint32_t id, val; } attrs[] = {
		{ 0, 0 }, { 1, 1 }, { 2, 0 }, { 3, 4 }, { 4, 0x40000 },
		{ 5, 1 }, { 6, 0x73 }, { 7, 0 }, { 255, 0 },
	};
	struct fastrpc_ioctl_capability cap;
	unsigned int i;
	int fd;

	OPEN_NODE(fd);
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		memset(&cap, 0, sizeof(cap));
		cap.domain = CDSP_DOMAIN;
		cap.attribute_id = attrs[i].id;
		cap.capability = 0xdeadbeef;
		ASSERT_EQ(0, ioctl(fd, FASTRPC_IOCTL_GET_DSP_INFO, &cap))
			TH_LOG("attr %u: %s", attrs[i].id, strerror(errno));
		EXPECT_EQ(attrs[i].val, cap.capability) TH_LOG("attr %u", attrs[i].id);
	}
	close(fd);
}

TEST(get_dsp_info_errors)
{
	static const uint32_t bad_domains[] = { 1, 5, 6, 0xffffffff };
	struct fastrpc_ioctl_capability cap;
	unsigned int i;
	int fd;

	OPEN_NODE(fd);
	for (i = 0; i < sizeof(bad_domains) / sizeof(bad_domains[0]); i++) {
		memset(&cap, 0, sizeof(cap));
		cap.domain = bad_domains[i];
		cap.attribute_id = 1;
		EXPECT_EQ(-1, ioctl(fd, FASTRPC_IOCTL_GET_DSP_INFO, &cap));
		EXPECT_EQ(ECHRNG, errno) TH_LOG("domain %u", bad_domains[i]);
	}
	memset(&cap, 0, sizeof(cap));
	cap.domain = CDSP_DOMAIN;
	cap.attribute_id = 256;
	EXPECT_EQ(-1, ioctl(fd, FASTRPC_IOCTL_GET_DSP_INFO, &cap));
	EXPECT_EQ(EOVERFLOW, errno);
	cap.attribute_id = 0xffffffff;
	EXPECT_EQ(-1, ioctl(fd, FASTRPC_IOCTL_GET_DSP_INFO, &cap));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(-1, ioctl(fd, FASTRPC_IOCTL_GET_DSP_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

/* ---- INIT_* ------------------------------------------------------ */

TEST(init_attach)
{
	uint32_t h;
	int32_t dlerr;
	int fd;

	OPEN_NODE(fd);
	ASSERT_EQ(0, ioctl(fd, FASTRPC_IOCTL_INIT_ATTACH));
	/* The root PD serves remotectl1 too */
	ASSERT_EQ(0, open_module(fd, CALC_URI, &h, &dlerr));
	EXPECT_EQ(0, dlerr);
	close(fd);
}

TEST(init_attach_sns)
{
	int fd;

	OPEN_NODE(fd);
	EXPECT_EQ(0, ioctl(fd, FASTRPC_IOCTL_INIT_ATTACH_SNS))
		TH_LOG("INIT_ATTACH_SNS: %s", strerror(errno));
	close(fd);
}

TEST(init_create_empty)
{
	uint32_t h;
	int32_t dlerr;
	int fd;

	OPEN_NODE(fd);
	ASSERT_EQ(0, create_pd(fd)) TH_LOG("INIT_CREATE: %s", strerror(errno));
	ASSERT_EQ(0, open_module(fd, CALC_URI, &h, &dlerr));
	EXPECT_EQ(0, dlerr);
	close(fd);
}

TEST(init_create_inline_file)
{
	static char shell[4096];
	struct fastrpc_init_create init = { 0 };
	uint32_t h;
	int32_t dlerr;
	int fd;

	OPEN_NODE(fd);
	memcpy(shell, "\177ELF", 4);
	init.filelen = sizeof(shell);
	init.filefd = 0;	/* 0: file copied inline from .file */
	init.file = (uintptr_t)shell;
	ASSERT_EQ(0, ioctl(fd, FASTRPC_IOCTL_INIT_CREATE, &init))
		TH_LOG("INIT_CREATE: %s", strerror(errno));
	ASSERT_EQ(0, open_module(fd, CALC_URI, &h, &dlerr));
	EXPECT_EQ(0, dlerr);
	close(fd);
}

TEST(init_create_too_big)
{
	struct fastrpc_init_create init = { 0 };
	int fd;

	OPEN_NODE(fd);
	init.filelen = 2 * 1024 * 1024 + 1;
	init.filefd = 0;
	init.file = 0;
	EXPECT_EQ(-1, ioctl(fd, FASTRPC_IOCTL_INIT_CREATE, &init));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, FASTRPC_IOCTL_INIT_CREATE, NULL));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

/*
 * The simulated DSP has no static PDs: INIT (handle 1) method 8
 * CREATE_STATIC is an unknown method, answered with AEE_EUNSUPPORTED,
 * which the driver returns as the ioctl's value (protocol.md §1.4).
 */
TEST(init_create_static)
{
	static const char name[] = "audiopd";
	struct fastrpc_init_create_static init = { 0 };
	int fd;

	OPEN_NODE(fd);
	init.namelen = sizeof(name);
	init.memlen = 1024 * 1024;
	init.name = (uintptr_t)name;
	EXPECT_EQ(DSP_ERR(AEE_EUNSUPPORTED),
		  ioctl(fd, FASTRPC_IOCTL_INIT_CREATE_STATIC, &init))
		TH_LOG("errno %s", strerror(errno));
	/* name longer than the 128 bytes a PD name may have */
	init.namelen = 129;
	EXPECT_EQ(-1, ioctl(fd, FASTRPC_IOCTL_INIT_CREATE_STATIC, &init));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* ---- INVOKE, inline ---------------------------------------------- */

TEST_F(pd, invoke_calculator)
{
	int32_t v[5] = { 3, -7, 100, 42, 1 };
	uint32_t h;
	int32_t dlerr, max = 0;
	int64_t sum = 0;

	ASSERT_EQ(0, open_module(self->fd, CALC_URI, &h, &dlerr));
	ASSERT_EQ(0, dlerr);
	ASSERT_EQ(0, calc(self->fd, h, 2, v, 5, sizeof(v), &sum, sizeof(sum)));
	EXPECT_EQ(139, sum);
	ASSERT_EQ(0, calc(self->fd, h, 3, v, 5, sizeof(v), &max, sizeof(max)));
	EXPECT_EQ(100, max);
	ASSERT_EQ(0, calc(self->fd, h, 3, v, 0, 0, &max, sizeof(max)));
	EXPECT_EQ(INT32_MIN, max);
}

TEST_F(pd, invoke_unknown_module)
{
	uint32_t h;
	int32_t dlerr;

	ASSERT_EQ(0, open_module(self->fd, "file:///libnosuch_skel.so?x", &h, &dlerr));
	EXPECT_NE(0, dlerr);
}

TEST_F(pd, invoke_simtest_echo)
{
	struct fastrpc_invoke_args a[4];
	char in0[64], in1[3000], out0[64], out1[3000];
	uint32_t h;
	int32_t dlerr;
	size_t i;

	for (i = 0; i < sizeof(in0); i++)
		in0[i] = (char)(i * 7 + 1);
	for (i = 0; i < sizeof(in1); i++)
		in1[i] = (char)(i * 13 + 5);
	memset(out0, 0, sizeof(out0));
	memset(out1, 0, sizeof(out1));
	ASSERT_EQ(0, open_module(self->fd, SIMTEST_URI, &h, &dlerr));
	ASSERT_EQ(0, dlerr);
	set_arg(&a[0], in0, sizeof(in0));
	set_arg(&a[1], in1, sizeof(in1));
	set_arg(&a[2], out0, sizeof(out0));
	set_arg(&a[3], out1, sizeof(out1));
	ASSERT_EQ(0, invoke(self->fd, h, SC(2, 2, 2), a));
	EXPECT_EQ(0, memcmp(in0, out0, sizeof(in0)));
	EXPECT_EQ(0, memcmp(in1, out1, sizeof(in1)));
	/* no arguments at all */
	EXPECT_EQ(0, invoke(self->fd, h, SC(2, 0, 0), NULL));
}

/* DSP results are the ioctl's return value (protocol.md §1.4) */
TEST_F(pd, invoke_dsp_errors)
{
	static const uint32_t vals[] = { 0x8000040e, 0x80000414, 0x7fffffff, 1, 0 };
	struct fastrpc_invoke_args a[1];
	int32_t v[2] = { 1, 2 };
	int64_t sum;
	uint32_t h, val;
	int32_t dlerr;
	unsigned int i;

	ASSERT_EQ(0, open_module(self->fd, SIMTEST_URI, &h, &dlerr));
	ASSERT_EQ(0, dlerr);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		val = vals[i];
		set_arg(&a[0], &val, sizeof(val));
		errno = 0;
		EXPECT_EQ((int)vals[i], invoke(self->fd, h, SC(4, 1, 0), a));
		EXPECT_EQ(0, errno) TH_LOG("value 0x%x", vals[i]);
	}
	/* -1..-4095 become ioctl() == -1 with errno = -retval */
	val = (uint32_t)-EAGAIN;
	set_arg(&a[0], &val, sizeof(val));
	EXPECT_EQ(-1, invoke(self->fd, h, SC(4, 1, 0), a));
	EXPECT_EQ(EAGAIN, errno);
	/* calculator sum with in1 shorter than 4 n: AEE_EBADPARM */
	ASSERT_EQ(0, open_module(self->fd, CALC_URI, &h, &dlerr));
	EXPECT_EQ(DSP_ERR(AEE_EBADPARM), calc(self->fd, h, 2, v, 3, sizeof(v),
					      &sum, sizeof(sum)));
	/* a handle the DSP does not know */
	EXPECT_EQ(DSP_ERR(AEE_EINVHANDLE), invoke(self->fd, 0x7777, SC(2, 0, 0), NULL));
}

TEST_F(pd, invoke_init_handle)
{
	int32_t pgid = getpid();
	struct fastrpc_invoke_args a[1];

	set_arg(&a[0], &pgid, sizeof(pgid));
	EXPECT_EQ(-1, invoke(self->fd, 1, SC(1, 1, 0), a));
	EXPECT_EQ(EPERM, errno);
}

TEST_F(pd, invoke_bad_args_pointer)
{
	struct fastrpc_invoke inv = { .handle = 8, .sc = SC(2, 2, 2), .args = 0 };

	EXPECT_EQ(-1, ioctl(self->fd, FASTRPC_IOCTL_INVOKE, &inv));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, FASTRPC_IOCTL_INVOKE, NULL));
	EXPECT_EQ(EFAULT, errno);
}

/* Output buffers must be left alone when the DSP fails the call */
TEST_F(pd, invoke_no_copy_out_on_error)
{
	int32_t v[2] = { 1, 2 };
	int64_t sum = 0x5a5a5a5a5a5a5a5all;
	uint32_t h;
	int32_t dlerr;

	if (is_old())
		SKIP(return, "old-driver defect (protocol.md 1.4, fastrpc.c:1264-1271): out-buffers copied back on DSP error");
	ASSERT_EQ(0, open_module(self->fd, CALC_URI, &h, &dlerr));
	EXPECT_EQ(DSP_ERR(AEE_EBADPARM), calc(self->fd, h, 2, v, 3, sizeof(v),
					      &sum, sizeof(sum)));
	EXPECT_EQ(0x5a5a5a5a5a5a5a5all, sum);
}

static void on_alarm(int sig)
{
}

/* An interrupted call is completed, never sent to the DSP twice */
TEST_F(pd, invoke_interrupted)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct itimerval it = { .it_value = { .tv_usec = 100000 } };
	long before, after;
	uint32_t h;
	int32_t dlerr;

	if (is_old())
		SKIP(return, "old-driver defect #13: interrupted invoke leaks its context and is re-sent");
	ASSERT_EQ(0, open_module(self->fd, SIMTEST_URI, &h, &dlerr));
	before = sim_counter("messages");
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	EXPECT_EQ(0, simtest_sleep(self->fd, h, 500));
	after = sim_counter("messages");
	if (before >= 0 && after >= 0)
		EXPECT_EQ(1, after - before);
}

/* A duplicated DSP reply must not complete (or free) a call twice */
TEST_F(pd, invoke_dup_reply)
{
	int32_t v[3] = { 1, 2, 3 };
	int64_t sum = 0;
	uint32_t h;
	int32_t dlerr;

	if (is_old())
		SKIP(return, "old-driver defect #16: duplicate DSP reply puts the context twice (UAF)");
	ASSERT_EQ(0, open_module(self->fd, CALC_URI, &h, &dlerr));
	if (sim_knob("dup_reply", 1))
		SKIP(return, "no " SIM_DIR "/dup_reply");
	ASSERT_EQ(0, calc(self->fd, h, 2, v, 3, sizeof(v), &sum, sizeof(sum)));
	EXPECT_EQ(6, sum);
	ASSERT_EQ(0, calc(self->fd, h, 2, v, 3, sizeof(v), &sum, sizeof(sum)));
	EXPECT_EQ(6, sum);
}

/* A PD status notification is not an invoke reply */
TEST_F(pd, invoke_pd_notification)
{
	int32_t v[3] = { 4, 5, 6 };
	int64_t sum = 0;
	uint32_t h;
	int32_t dlerr;

	if (is_old())
		SKIP(return, "old-driver defect #17: PD status notifications parsed as invoke replies");
	ASSERT_EQ(0, open_module(self->fd, CALC_URI, &h, &dlerr));
	if (sim_knob("notify", 1))
		SKIP(return, "no " SIM_DIR "/notify");
	ASSERT_EQ(0, calc(self->fd, h, 2, v, 3, sizeof(v), &sum, sizeof(sum)));
	EXPECT_EQ(15, sum);
}

/* ---- dma-bufs ---------------------------------------------------- */

/*
 * CPU mmap() of an ALLOC_DMA_BUFF dma-buf: the old driver's
 * fastrpc_mmap() asserts the dma_resv lock that dma_buf_mmap() does not
 * take in 6.12, a lockdep WARNING on every mmap (not in the protocol.md
 * §6 table). On old the cases below reach the buffers through the DSP
 * only (echo and MEM_MAP write_at/read_at), and the CPU view is checked
 * only on accel.
 */
#define OLD_MMAP_DEFECT "old-driver defect (not in protocol.md 6): fastrpc_mmap() asserts a dma_resv lock dma_buf_mmap() does not hold (lockdep WARNING)"

static int alloc_buf(int fd, uint64_t size)
{
	struct fastrpc_alloc_dma_buf req = { .fd = -1, .flags = 0, .size = size };

	if (ioctl(fd, FASTRPC_IOCTL_ALLOC_DMA_BUFF, &req))
		return -errno;
	return req.fd;
}

/*
 * The user address passed with a dma-buf argument: the CPU mapping of the
 * buffer on accel; on old, an inaccessible placeholder mapping of the same
 * size (the driver only looks the address up to find the offset).
 */
static void *buf_addr(int bfd, size_t len)
{
	if (!is_old())
		return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, bfd, 0);
	return mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void set_buf_arg(struct fastrpc_invoke_args *a, void *p, size_t len, int bfd)
{
	a->ptr = (uintptr_t)p;
	a->length = len;
	a->fd = bfd;
	a->attr = 0;
}

TEST(alloc_dma_buff)
{
	int fd, bfd;

	OPEN_NODE(fd);
	bfd = alloc_buf(fd, 65536);
	ASSERT_LE(0, bfd) TH_LOG("ALLOC_DMA_BUFF: %s", strerror(-bfd));
	EXPECT_EQ(65536, lseek(bfd, 0, SEEK_END));
	close(bfd);
	EXPECT_EQ(-1, ioctl(fd, FASTRPC_IOCTL_ALLOC_DMA_BUFF, NULL));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST(alloc_dma_buff_mmap)
{
	uint8_t *p;
	int fd, bfd;

	OPEN_NODE(fd);
	if (is_old()) {
		close(fd);
		SKIP(return, OLD_MMAP_DEFECT);
	}
	bfd = alloc_buf(fd, 65536);
	ASSERT_LE(0, bfd) TH_LOG("ALLOC_DMA_BUFF: %s", strerror(-bfd));
	p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, bfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, p[0]);
	memset(p, 0xa5, 65536);
	EXPECT_EQ(0xa5, p[65535]);
	munmap(p, 65536);
	close(bfd);
	close(fd);
}

TEST(free_dma_buff)
{
	uint32_t x = 0;
	int fd;

	OPEN_NODE(fd);
	EXPECT_EQ(-1, ioctl(fd, FASTRPC_IOCTL_FREE_DMA_BUFF, &x));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST_F(pd, invoke_dma_buf_args)
{
	struct fastrpc_invoke_args a[2];
	const size_t len = 16384;
	static uint8_t pat[16384], back[16384];
	uint8_t *in, *out;
	int ifd, ofd;
	uint32_t h;
	int32_t dlerr;
	size_t i;

	ASSERT_EQ(0, open_module(self->fd, SIMTEST_URI, &h, &dlerr));
	ASSERT_EQ(0, dlerr);
	ifd = alloc_buf(self->fd, len);
	ASSERT_LE(0, ifd);
	ofd = alloc_buf(self->fd, len);
	ASSERT_LE(0, ofd);
	in = buf_addr(ifd, len);
	ASSERT_NE(MAP_FAILED, in);
	out = buf_addr(ofd, len);
	ASSERT_NE(MAP_FAILED, out);
	for (i = 0; i < len; i++)
		pat[i] = (uint8_t)(i * 31 + 7);

	/* inline in -> dma-buf in: the DSP writes the buffer */
	set_arg(&a[0], pat, len);
	set_buf_arg(&a[1], in, len, ifd);
	ASSERT_EQ(0, invoke(self->fd, h, SC(2, 1, 1), a));
	if (!is_old())
		EXPECT_EQ(0, memcmp(in, pat, len));
	/* dma-buf -> dma-buf */
	set_buf_arg(&a[0], in, len, ifd);
	set_buf_arg(&a[1], out, len, ofd);
	ASSERT_EQ(0, invoke(self->fd, h, SC(2, 1, 1), a));
	/* dma-buf -> inline out: the DSP reads the buffer */
	memset(back, 0, len);
	set_buf_arg(&a[0], out, len, ofd);
	set_arg(&a[1], back, len);
	ASSERT_EQ(0, invoke(self->fd, h, SC(2, 1, 1), a));
	EXPECT_EQ(0, memcmp(back, pat, len));
	/* part of a buffer */
	memset(back, 0, len);
	set_buf_arg(&a[0], out, 4096, ofd);
	set_arg(&a[1], back, 4096);
	ASSERT_EQ(0, invoke(self->fd, h, SC(2, 1, 1), a));
	EXPECT_EQ(0, memcmp(back, pat, 4096));
	if (!is_old()) {
		/* the CPU's writes reach the DSP */
		memset(in, 0x3c, len);
		set_buf_arg(&a[0], in, len, ifd);
		set_arg(&a[1], back, len);
		ASSERT_EQ(0, invoke(self->fd, h, SC(2, 1, 1), a));
		EXPECT_EQ(0x3c, back[len - 1]);
	}
	munmap(in, len);
	munmap(out, len);
	close(ifd);
	close(ofd);
}

/* ---- MMAP / MUNMAP ----------------------------------------------- */

#define ADSP_MMAP_ADD_PAGES		0x1000
#define ADSP_MMAP_HEAP_ADDR		4
#define ADSP_MMAP_DMA_BUFFER		6

TEST_F(pd, mmap_munmap)
{
	struct fastrpc_req_mmap mm = { .fd = -1, .flags = ADSP_MMAP_ADD_PAGES,
				       .vaddrin = 0, .size = 65536 };
	struct fastrpc_req_munmap mu;

	ASSERT_EQ(0, ioctl(self->fd, FASTRPC_IOCTL_MMAP, &mm))
		TH_LOG("MMAP: %s", strerror(errno));
	EXPECT_NE(0ull, mm.vaddrout);
	EXPECT_EQ(0ull, mm.vaddrout & 0xfff);
	/* wrong size: no such mapping */
	mu.vaddrout = mm.vaddrout;
	mu.size = 4096;
	EXPECT_EQ(-1, ioctl(self->fd, FASTRPC_IOCTL_MUNMAP, &mu));
	EXPECT_EQ(EINVAL, errno);
	mu.size = mm.size;
	EXPECT_EQ(0, ioctl(self->fd, FASTRPC_IOCTL_MUNMAP, &mu))
		TH_LOG("MUNMAP: %s", strerror(errno));
	/* already unmapped */
	EXPECT_EQ(-1, ioctl(self->fd, FASTRPC_IOCTL_MUNMAP, &mu));
	EXPECT_EQ(EINVAL, errno);
	/* left mapped: freed on close */
	mm.vaddrout = 0;
	ASSERT_EQ(0, ioctl(self->fd, FASTRPC_IOCTL_MMAP, &mm));
}

TEST_F(pd, mmap_errors)
{
	static const uint32_t bad_flags[] = { 0, ADSP_MMAP_HEAP_ADDR,
					      ADSP_MMAP_DMA_BUFFER, 0x3000 };
	struct fastrpc_req_mmap mm;
	struct fastrpc_req_munmap mu = { .vaddrout = 0x40000000, .size = 4096 };
	unsigned int i;

	for (i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++) {
		memset(&mm, 0, sizeof(mm));
		mm.fd = -1;
		mm.flags = bad_flags[i];
		mm.size = 4096;
		EXPECT_EQ(-1, ioctl(self->fd, FASTRPC_IOCTL_MMAP, &mm));
		EXPECT_EQ(EINVAL, errno) TH_LOG("flags 0x%x", bad_flags[i]);
	}
	memset(&mm, 0, sizeof(mm));
	mm.fd = -1;
	mm.flags = ADSP_MMAP_ADD_PAGES;
	mm.vaddrin = 0x40000000;
	mm.size = 4096;
	EXPECT_EQ(-1, ioctl(self->fd, FASTRPC_IOCTL_MMAP, &mm));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, FASTRPC_IOCTL_MUNMAP, &mu));
	EXPECT_EQ(EINVAL, errno);
}

/* ---- MEM_MAP / MEM_UNMAP ----------------------------------------- */

struct write_at_req {
	uint64_t dsp_addr, len;
	uint32_t pattern, pad;
};

struct read_at_req {
	uint64_t dsp_addr, len;
};

TEST_F(pd, mem_map_unmap)
{
	const size_t len = 65536;
	struct fastrpc_mem_map mm;
	struct fastrpc_mem_unmap mu;
	struct fastrpc_invoke_args a[2];
	struct write_at_req w;
	struct read_at_req r;
	static uint8_t rd[8192];
	uint32_t h, v;
	uint8_t *p;
	int32_t dlerr;
	int bfd;
	size_t i;

	ASSERT_EQ(0, open_module(self->fd, SIMTEST_URI, &h, &dlerr));
	ASSERT_EQ(0, dlerr);
	bfd = alloc_buf(self->fd, len);
	ASSERT_LE(0, bfd);
	p = buf_addr(bfd, len);
	ASSERT_NE(MAP_FAILED, p);

	memset(&mm, 0, sizeof(mm));
	mm.fd = bfd;
	mm.flags = FASTRPC_MAP_FD;
	mm.vaddrin = (uintptr_t)p;
	mm.length = len;
	ASSERT_EQ(0, ioctl(self->fd, FASTRPC_IOCTL_MEM_MAP, &mm))
		TH_LOG("MEM_MAP: %s", strerror(errno));
	ASSERT_NE(0ull, mm.vaddrout);

	/* the DSP writes through the mapping ... */
	w.dsp_addr = mm.vaddrout + 4096;
	w.len = 4096;
	w.pattern = 0xc0ffee11;
	w.pad = 0;
	set_arg(&a[0], &w, sizeof(w));
	ASSERT_EQ(0, invoke(self->fd, h, SC(7, 1, 0), a));

	/* ... and reads it back: [4092, 8196) is 4 zero bytes, the pattern, 4 zero bytes */
	memset(rd, 0xff, sizeof(rd));
	r.dsp_addr = mm.vaddrout + 4092;
	r.len = 4104;
	set_arg(&a[0], &r, sizeof(r));
	set_arg(&a[1], rd, r.len);
	ASSERT_EQ(0, invoke(self->fd, h, SC(8, 1, 1), a));
	memcpy(&v, rd, 4);
	EXPECT_EQ(0u, v);
	for (i = 4; i < 4100; i += 4) {
		memcpy(&v, rd + i, 4);
		if (v != 0xc0ffee11)
			break;
	}
	EXPECT_EQ(4100u, i);
	memcpy(&v, rd + 4100, 4);
	EXPECT_EQ(0u, v);

	/* the same bytes seen through the dma-buf as an invoke argument */
	memset(rd, 0, sizeof(rd));
	set_buf_arg(&a[0], p, 8192, bfd);
	set_arg(&a[1], rd, 8192);
	ASSERT_EQ(0, invoke(self->fd, h, SC(2, 1, 1), a));
	memcpy(&v, rd + 4096, 4);
	EXPECT_EQ(0xc0ffee11u, v);
	memcpy(&v, rd + 4092, 4);
	EXPECT_EQ(0u, v);

	/* and by the CPU */
	if (!is_old()) {
		memcpy(&v, p + 8188, 4);
		EXPECT_EQ(0xc0ffee11u, v);
	}

	/* outside the mapping: AEE_EBADPARM, nothing written */
	w.dsp_addr = mm.vaddrout + len - 4;
	w.len = 8;
	set_arg(&a[0], &w, sizeof(w));
	EXPECT_EQ(DSP_ERR(AEE_EBADPARM), invoke(self->fd, h, SC(7, 1, 0), a));
	r.dsp_addr = mm.vaddrout + len - 4;
	r.len = 4;
	set_arg(&a[0], &r, sizeof(r));
	set_arg(&a[1], rd, 4);
	ASSERT_EQ(0, invoke(self->fd, h, SC(8, 1, 1), a));
	memcpy(&v, rd, 4);
	EXPECT_EQ(0u, v);

	/* MEM_UNMAP: unknown address, then the real one, then again */
	memset(&mu, 0, sizeof(mu));
	mu.fd = bfd;
	mu.vaddr = mm.vaddrout + 4096;
	mu.length = len;
	EXPECT_EQ(-1, ioctl(self->fd, FASTRPC_IOCTL_MEM_UNMAP, &mu));
	EXPECT_EQ(EINVAL, errno);
	mu.vaddr = mm.vaddrout;
	EXPECT_EQ(0, ioctl(self->fd, FASTRPC_IOCTL_MEM_UNMAP, &mu))
		TH_LOG("MEM_UNMAP: %s", strerror(errno));
	EXPECT_EQ(-1, ioctl(self->fd, FASTRPC_IOCTL_MEM_UNMAP, &mu));
	EXPECT_EQ(EINVAL, errno);

	/* unmapped on the DSP: read_at fails */
	EXPECT_EQ(DSP_ERR(AEE_EBADPARM), invoke(self->fd, h, SC(8, 1, 1), a));

	munmap(p, len);
	close(bfd);
}

TEST_F(pd, mem_map_errors)
{
	struct fastrpc_mem_map mm;
	int bfd;

	/* not a dma-buf */
	memset(&mm, 0, sizeof(mm));
	mm.fd = self->fd;
	mm.flags = FASTRPC_MAP_FD;
	mm.length = 4096;
	EXPECT_EQ(-1, ioctl(self->fd, FASTRPC_IOCTL_MEM_MAP, &mm));
	EXPECT_EQ(EINVAL, errno);
	/* length beyond the buffer */
	bfd = alloc_buf(self->fd, 4096);
	ASSERT_LE(0, bfd);
	mm.fd = bfd;
	mm.length = 8192;
	if (is_old()) {
		close(bfd);
		SKIP(return, "old-driver defect #18: double free in fastrpc_map_attach() error path (len > size)");
	}
	EXPECT_EQ(-1, ioctl(self->fd, FASTRPC_IOCTL_MEM_MAP, &mm));
	EXPECT_EQ(EINVAL, errno);
	close(bfd);
}

/* ---- misc -------------------------------------------------------- */

TEST(unknown_ioctl)
{
	uint64_t buf[8] = { 0 };
	int fd;

	OPEN_NODE(fd);
	EXPECT_EQ(-1, ioctl(fd, _IOWR('R', 12, uint64_t[4]), buf));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOWR('R', 0x7f, uint64_t), buf));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO('X', 1), buf));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST(sessions_exhausted)
{
	int fds[NSESSIONS + 1];
	int i, extra;

	TH_LOG("driver=%s node=%s", driver(), node());
	for (i = 0; i < NSESSIONS; i++) {
		fds[i] = open(node(), O_RDWR);
		if (i == 0 && fds[i] < 0 && errno == ENOENT)
			SKIP(return, "%s does not exist", node());
		ASSERT_LE(0, fds[i]) TH_LOG("open #%d: %s", i, strerror(errno));
	}
	extra = open(node(), O_RDWR);
	EXPECT_EQ(-1, extra);
	EXPECT_EQ(EBUSY, errno);
	if (extra >= 0)
		close(extra);
	/* closing one frees its session */
	close(fds[0]);
	fds[0] = open(node(), O_RDWR);
	EXPECT_LE(0, fds[0]);
	for (i = 0; i < NSESSIONS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

TEST_HARNESS_MAIN
