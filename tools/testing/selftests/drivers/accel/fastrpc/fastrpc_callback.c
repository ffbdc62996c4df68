// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DSP calling back (Documentation/accel/fastrpc/reverse.rst): the
 * helper library's listener thread (tools/accel/fastrpc/fastrpc_listener.c)
 * serving a simulated DSP's reverse calls on both faces of the driver.
 *
 * Each case of the "cb" fixture runs on the accel face and on the legacy
 * face, against an instance of its own ("cback0" on "cdsp1", 3 context
 * banks) whose DSP loads modules through the host (configfs "loader" =
 * "host"): opening file:///lib<name>_skel.so makes the DSP fetch the file
 * through apps_std from the listener's library path, a temporary directory
 * here. The cases: a module loaded through the host (and once only per
 * PD), a missing or non-ELF file failing the open as an unknown module
 * does, simtest "grow" served by a forward map while the call waits (and
 * refused by the host), FARF messages reaching the host by level and
 * waiting in the DSP for a listener, current_process exit ending the
 * listener, thread_exit, a load from the host waiting for a listener that
 * has not started yet, a call that needs the host failing at once after
 * the listener left, garbage answers of the host, sent by hand, failing
 * one reverse call only, and the apps_mem map and unmap of each face
 * served by hand. "hostile_requests" feeds the listener's request parser
 * malformed requests without any DSP.
 *
 * Also uses the harness's instance cdsp0 ("cdsp", built-in loader).
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <misc/fastrpc.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#include "kselftest_harness.h"
#include "../../../../../accel/fastrpc/fastrpc_util.h"
#include "../../../../../accel/fastrpc/fastrpc_listener.h"

#define SIM_CFG		"/sys/kernel/config/fastrpc-sim"
#define INST		"cback0"
#define LABEL		"cdsp1"
#define LEGACY_NODE	"/dev/fastrpc-" LABEL
#define MAIN_INST	"cdsp0"
#define MAIN_LABEL	"cdsp"
#define MAIN_LEGACY	"/dev/fastrpc-cdsp"
#define SESSIONS	3

#define CALC_LIB	"libcalculator_skel.so"
#define SIMTEST_LIB	"libsimtest_skel.so"
#define NOSUCH_URI	"file:///libnosuch_skel.so?nosuch_skel_handle_invoke"
#define LIB_SIZE	6000	/* more than a page: fread crosses it */
/* What the simulated DSP writes in the first page of a grow */
#define GROW_PATTERN	0x67726f77

#define DSP_ENOMEMORY	FRPC_DSP_ERR(FRPC_AEE_ENOMEMORY)
#define DSP_EBADSTATE	FRPC_DSP_ERR(FRPC_AEE_EBADSTATE)
#define DSP_ERPC	FRPC_DSP_ERR(FRPC_AEE_ERPC)

/* Host results of the listener (no DSP offset) */
#define H_EBADPARM	0x0e
#define H_EUNSUPPORTED	0x14
#define H_EINVHANDLE	0x2c
#define H_EOUTOFHANDLES	0x2d
#define H_ENOSUCHMOD	0x3e
#define H_EBADSIZE	0x4d
#define H_ENOMEMORY	0x02

static uint64_t sim_count(const char *inst, const char *name)
{
	uint64_t v = UINT64_MAX;

	frpc_sim_counter(inst, name, &v);
	return v;
}

static unsigned int elapsed_ms(uint64_t t0_us)
{
	return (frpc_now_us() - t0_us) / 1000;
}

/* ------------------------------------------------------------------ */
/* The instance, the library directory, a process on either face      */
/* ------------------------------------------------------------------ */

static int cfg_write(const char *inst, const char *attr, const char *val)
{
	char p[256];

	snprintf(p, sizeof(p), SIM_CFG "/%s/%s", inst, attr);
	return frpc_write_str(p, val);
}

/* Instance @inst for domain @label with "loader" @loader, started */
static int create_instance(const char *inst, const char *label,
			   const char *loader)
{
	char p[256], n[16];
	int ret;

	/* Left over by a test that was killed */
	frpc_sim_remove(inst);
	snprintf(p, sizeof(p), SIM_CFG "/%s", inst);
	if (mkdir(p, 0755))
		return -errno;
	snprintf(n, sizeof(n), "%d", SESSIONS);
	ret = cfg_write(inst, "label", label);
	if (!ret)
		ret = cfg_write(inst, "sessions", n);
	if (!ret)
		ret = cfg_write(inst, "nsessions", "1");
	if (!ret)
		ret = cfg_write(inst, "secure", "0");
	if (!ret)
		ret = cfg_write(inst, "loader", loader);
	if (!ret)
		ret = frpc_sim_live(inst, 1);
	return ret;
}

static int write_file(const char *dir, const char *name, const void *data,
		      size_t len)
{
	char p[256];
	int fd, ret = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		ret = -EIO;
	close(fd);
	return ret;
}

/* A small "ELF" file: the magic, then a pattern */
static int write_elf(const char *dir, const char *name)
{
	uint8_t buf[LIB_SIZE];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 13 + 1);
	memcpy(buf, "\177ELF", 4);
	return write_file(dir, name, buf, sizeof(buf));
}

static void remove_dir(const char *dir)
{
	static const char *const names[] = { CALC_LIB, SIMTEST_LIB };
	char p[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* A file with a dynamic PD on @face of domain @label: fd or -errno */
static int open_pd(enum frpc_face face, const char *label,
		   const char *legacy_node)
{
	struct fastrpc_init_create init = {
		.filefd = -1,
		.attrs = FASTRPC_MODE_UNSIGNED_MODULE,
	};
	int fd, i, ret;

	if (face == FRPC_FACE_ACCEL) {
		fd = frpc_open_online(label, 0);
		if (fd < 0)
			return fd;
		ret = frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC,
					DRM_FASTRPC_PROCESS_UNSIGNED);
		if (ret) {
			close(fd);
			return ret;
		}
		return fd;
	}
	for (i = 0; i < 200 && access(legacy_node, F_OK); i++)
		usleep(50000);
	/* The node exists before the channel is up: retry the create */
	for (i = 0; i < 200; i++) {
		fd = open(legacy_node, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (!ioctl(fd, FASTRPC_IOCTL_INIT_CREATE, &init))
			return fd;
		ret = -errno;
		close(fd);
		if (ret != -ENODEV && ret != -EPIPE)
			return ret;
		usleep(50000);
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* Calls on either face                                               */
/* ------------------------------------------------------------------ */

struct res {
	int ret;		/* driver: 0 or -errno */
	uint32_t st;		/* DSP result */
	int32_t dlerr;		/* remotectl open's load error */
};

static struct res open_module(int fd, enum frpc_face face, const char *uri,
			      uint32_t *handle)
{
	struct { uint32_t urilen, errlen; } in0 = { strlen(uri) + 1, 256 };
	struct { uint32_t handle; int32_t dlerr; } out0 = { 0, -1 };
	char err[256] = "";
	struct frpc_buf b[4] = {
		{ &in0, sizeof(in0) }, { (void *)uri, in0.urilen },
		{ &out0, sizeof(out0) }, { err, sizeof(err) },
	};
	struct res r = { 0 };

	r.ret = frpc_face_invoke(fd, face, FRPC_HANDLE_REMOTECTL1,
				 FRPC_SC(FRPC_REMOTECTL1_OPEN1, 2, 2), b, &r.st);
	r.dlerr = out0.dlerr;
	*handle = out0.handle;
	return r;
}

/* Opened and loaded: 1 */
static int res_ok(struct res r)
{
	return !r.ret && !r.st && !r.dlerr;
}

static struct res close_module(int fd, enum frpc_face face, uint32_t handle)
{
	struct { uint32_t handle, errlen; } in0 = { handle, 256 };
	int32_t out0 = -1;
	char err[256];
	struct frpc_buf b[3] = {
		{ &in0, sizeof(in0) }, { &out0, sizeof(out0) },
		{ err, sizeof(err) },
	};
	struct res r = { 0 };

	r.ret = frpc_face_invoke(fd, face, FRPC_HANDLE_REMOTECTL1,
				 FRPC_SC(FRPC_REMOTECTL1_CLOSE1, 1, 2), b,
				 &r.st);
	r.dlerr = out0;
	return r;
}

static struct res calc_sum(int fd, enum frpc_face face, uint32_t h,
			   int32_t n, int64_t *sum)
{
	int32_t v[64];
	struct frpc_buf b[3] = {
		{ &n, sizeof(n) }, { v, n * sizeof(v[0]) },
		{ sum, sizeof(*sum) },
	};
	struct res r = { 0 };
	int32_t i;

	for (i = 0; i < n; i++)
		v[i] = i + 1;
	r.ret = frpc_face_invoke(fd, face, h, FRPC_SC(FRPC_CALC_SUM, 2, 1), b,
				 &r.st);
	return r;
}

static struct res grow(int fd, enum frpc_face face, uint32_t h, uint64_t len,
		       uint64_t *dsp_addr)
{
	struct frpc_buf b[2] = {
		{ &len, sizeof(len) }, { dsp_addr, sizeof(*dsp_addr) },
	};
	struct res r = { 0 };

	*dsp_addr = 0;
	r.ret = frpc_face_invoke(fd, face, h,
				 FRPC_SC(FRPC_SIMTEST_GROW, 1, 1), b, &r.st);
	return r;
}

static struct res farf(int fd, enum frpc_face face, uint32_t h,
		       uint32_t level, const char *msg)
{
	uint32_t in0[2] = { level, strlen(msg) + 1 };
	struct frpc_buf b[2] = {
		{ in0, sizeof(in0) }, { (void *)msg, in0[1] },
	};
	struct res r = { 0 };

	r.ret = frpc_face_invoke(fd, face, h,
				 FRPC_SC(FRPC_SIMTEST_FARF, 2, 0), b, &r.st);
	return r;
}

/* simtest write_at: the DSP fills [addr, +len) with @pattern */
static struct res dsp_fill(int fd, enum frpc_face face, uint32_t h,
			   uint64_t addr, uint64_t len, uint32_t pattern)
{
	struct frpc_sim_write_at w = {
		.dsp_addr = addr, .len = len, .pattern = pattern,
	};
	struct frpc_buf b[1] = { { &w, sizeof(w) } };
	struct res r = { 0 };

	r.ret = frpc_face_invoke(fd, face, h,
				 FRPC_SC(FRPC_SIMTEST_WRITE_AT, 1, 0), b, &r.st);
	return r;
}

/* simtest read_at: 1 when the DSP reads 16 bytes of @pattern at @addr */
static int dsp_reads(int fd, enum frpc_face face, uint32_t h, uint64_t addr,
		     uint32_t pattern)
{
	struct frpc_sim_read_at rd = { .dsp_addr = addr, .len = 16 };
	uint32_t back[4] = { 0 }, st = 1;
	struct frpc_buf b[2] = {
		{ &rd, sizeof(rd) }, { back, sizeof(back) },
	};
	unsigned int i;

	if (frpc_face_invoke(fd, face, h, FRPC_SC(FRPC_SIMTEST_READ_AT, 1, 1),
			     b, &st) || st)
		return 0;
	for (i = 0; i < 4; i++)
		if (back[i] != pattern)
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* The fixture                                                        */
/* ------------------------------------------------------------------ */

FIXTURE(cb) {
	int fd;
	struct frpc_listener *l;
	char dir[64];
	struct frpc_listener_opts opts;
};

FIXTURE_VARIANT(cb) {
	enum frpc_face face;
};

FIXTURE_VARIANT_ADD(cb, accel) { .face = FRPC_FACE_ACCEL };
FIXTURE_VARIANT_ADD(cb, legacy) { .face = FRPC_FACE_LEGACY };

FIXTURE_SETUP(cb)
{
	int ret;

	self->fd = -1;
	self->l = NULL;
	if (access(SIM_CFG, F_OK))
		SKIP(return, "no simulator configfs");
	ret = create_instance(INST, LABEL, "host");
	ASSERT_EQ(0, ret) TH_LOG("creating " INST " with loader=host: %s",
				 strerror(-ret));

	snprintf(self->dir, sizeof(self->dir), "/tmp/frpc-cb-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, write_elf(self->dir, CALC_LIB));
	ASSERT_EQ(0, write_elf(self->dir, SIMTEST_LIB));
	memset(&self->opts, 0, sizeof(self->opts));
	self->opts.lib_path = self->dir;

	self->fd = open_pd(variant->face, LABEL, LEGACY_NODE);
	ASSERT_LE(0, self->fd) TH_LOG("a process on " LABEL ": %s",
				      strerror(-self->fd));
}

FIXTURE_TEARDOWN(cb)
{
	if (self->l)
		frpc_listener_stop(self->l);
	if (self->fd >= 0)
		close(self->fd);
	frpc_sim_remove(INST);
	if (self->dir[0])
		remove_dir(self->dir);
}

#define START_LISTENER() do {						\
	int __r = frpc_listener_start(self->fd, variant->face,		\
				      &self->opts, &self->l);		\
	ASSERT_EQ(0, __r) TH_LOG("listener: %s", strerror(-__r));	\
} while (0)

#define OPEN_OK(uri, h) do {						\
	const char *__u = (uri);					\
	struct res __o = open_module(self->fd, variant->face, __u, h);	\
	ASSERT_TRUE(res_ok(__o))					\
		TH_LOG("open %s: ret %d, dsp 0x%x, dlerr 0x%x", __u,	\
		       __o.ret, __o.st, __o.dlerr);			\
} while (0)

/* The module is fetched through the host, then works as the built-in one */
TEST_F(cb, load_through_host)
{
	struct frpc_listener_stats st;
	uint64_t calls0, calls1;
	int64_t sum = 0;
	uint32_t h;
	struct res r;

	START_LISTENER();
	calls0 = sim_count(INST, "reverse_calls");
	OPEN_OK(FRPC_CALCULATOR_URI, &h);
	calls1 = sim_count(INST, "reverse_calls");

	r = calc_sum(self->fd, variant->face, h, 10, &sum);
	EXPECT_TRUE(!r.ret && !r.st) TH_LOG("sum: %d 0x%x", r.ret, r.st);
	EXPECT_EQ(55, sum);

	frpc_listener_stats(self->l, &st);
	EXPECT_EQ((uint32_t)FRPC_HANDLE_LISTENER1, st.handle);
	EXPECT_EQ(1ull, st.files_opened);
	EXPECT_EQ((uint64_t)LIB_SIZE, st.bytes_read);
	/* open of apps_std; fopen_with_env, flen, fread (1 or more), fclose */
	EXPECT_LE(1ull, st.served[FRPC_LISTENER_REMOTECTL]);
	EXPECT_LE(4ull, st.served[FRPC_LISTENER_STD]);
	EXPECT_EQ(0ull, st.failed[FRPC_LISTENER_STD]);
	EXPECT_EQ(0ull, st.unknown_handle);
	/* The DSP counts them too */
	ASSERT_NE(UINT64_MAX, calls0) TH_LOG("no sim counter reverse_calls");
	EXPECT_LE(calls0 + 4, calls1);
	EXPECT_LE(st.served[FRPC_LISTENER_STD], calls1 - calls0);
	EXPECT_EQ(0, close_module(self->fd, variant->face, h).ret);
}

/* A PD loads a module once: a second open fetches nothing */
TEST_F(cb, load_cached_per_pd)
{
	struct frpc_listener_stats st0, st1;
	uint64_t calls0, calls1;
	uint32_t h1, h2;
	int64_t sum = 0;
	struct res r;

	START_LISTENER();
	OPEN_OK(FRPC_CALCULATOR_URI, &h1);
	frpc_listener_stats(self->l, &st0);
	calls0 = sim_count(INST, "reverse_calls");
	EXPECT_EQ(1ull, st0.files_opened);

	OPEN_OK(FRPC_CALCULATOR_URI, &h2);
	r = calc_sum(self->fd, variant->face, h2, 20, &sum);
	EXPECT_TRUE(!r.ret && !r.st);
	EXPECT_EQ(210, sum);
	frpc_listener_stats(self->l, &st1);
	calls1 = sim_count(INST, "reverse_calls");
	EXPECT_EQ(st0.files_opened, st1.files_opened);
	EXPECT_EQ(st0.served[FRPC_LISTENER_STD],
		  st1.served[FRPC_LISTENER_STD]);
	EXPECT_EQ(calls0, calls1);
	close_module(self->fd, variant->face, h2);
	close_module(self->fd, variant->face, h1);
}

/* What opening a module the DSP does not have gives, on cdsp0 (built in) */
static struct res unknown_module_open(enum frpc_face face)
{
	struct res r = { .ret = -ENOENT };
	uint32_t h;
	int fd;

	fd = open_pd(face, MAIN_LABEL, MAIN_LEGACY);
	if (fd < 0) {
		r.ret = fd;
		return r;
	}
	r = open_module(fd, face, NOSUCH_URI, &h);
	close(fd);
	return r;
}

static void expect_open_fails_as_unknown(struct __test_metadata *_metadata,
					 int fd, enum frpc_face face)
{
	struct res r, want;
	uint32_t h;

	r = open_module(fd, face, FRPC_CALCULATOR_URI, &h);
	want = unknown_module_open(face);
	EXPECT_FALSE(res_ok(r));
	EXPECT_FALSE(res_ok(want)) TH_LOG("cdsp0 opened " NOSUCH_URI);
	EXPECT_EQ(want.ret, r.ret);
	EXPECT_EQ(want.st, r.st);
	EXPECT_EQ(want.dlerr, r.dlerr)
		TH_LOG("host loader: %d/0x%x/0x%x, built-in unknown: %d/0x%x/0x%x",
		       r.ret, r.st, r.dlerr, want.ret, want.st, want.dlerr);
}

TEST_F(cb, load_missing_fails)
{
	struct frpc_listener_stats st;
	char p[256];
	uint32_t h;

	snprintf(p, sizeof(p), "%s/" CALC_LIB, self->dir);
	ASSERT_EQ(0, unlink(p));
	START_LISTENER();
	expect_open_fails_as_unknown(_metadata, self->fd, variant->face);
	frpc_listener_stats(self->l, &st);
	/* The DSP asked, the host found nothing */
	EXPECT_EQ(0ull, st.files_opened);
	EXPECT_LE(1ull, st.failed[FRPC_LISTENER_STD]);
	/* The PD lives on: the file appears, the open works */
	ASSERT_EQ(0, write_elf(self->dir, CALC_LIB));
	OPEN_OK(FRPC_CALCULATOR_URI, &h);
}

TEST_F(cb, load_not_elf_fails)
{
	static const char text[] = "#!/bin/sh\necho not an ELF file\n";
	struct frpc_listener_stats st;

	ASSERT_EQ(0, write_file(self->dir, CALC_LIB, text, sizeof(text)));
	START_LISTENER();
	expect_open_fails_as_unknown(_metadata, self->fd, variant->face);
	frpc_listener_stats(self->l, &st);
	/* It was found and read, then refused by the DSP */
	EXPECT_EQ(1ull, st.files_opened);
	EXPECT_LE(4ull, st.bytes_read);
}

/* A heap grow: the DSP asks the host while the call waits */
TEST_F(cb, grow_served)
{
	struct frpc_listener_stats st;
	uint64_t addr = 0, maps0, maps1;
	uint32_t h;
	struct res r;

	START_LISTENER();
	OPEN_OK(FRPC_SIMTEST_URI, &h);
	maps0 = sim_count(INST, "dsp_maps");
	r = grow(self->fd, variant->face, h, 64 * 1024, &addr);
	ASSERT_TRUE(!r.ret && !r.st) TH_LOG("grow: %d 0x%x", r.ret, r.st);
	maps1 = sim_count(INST, "dsp_maps");

	frpc_listener_stats(self->l, &st);
	EXPECT_NE(0ull, addr);
	EXPECT_EQ(st.last_map_vadsp, addr);
	EXPECT_EQ(1ull, st.maps);
	EXPECT_EQ(64 * 1024ull, st.heap_bytes);
	EXPECT_LE(1ull, st.served[FRPC_LISTENER_MEM]);
	EXPECT_EQ(maps0 + 1, maps1);

	/* The DSP uses what it got: it wrote its first page, and more */
	EXPECT_TRUE(dsp_reads(self->fd, variant->face, h, addr, GROW_PATTERN));
	r = dsp_fill(self->fd, variant->face, h, addr, 64 * 1024, 0x5aa5c33c);
	EXPECT_TRUE(!r.ret && !r.st) TH_LOG("write_at: %d 0x%x", r.ret, r.st);
	EXPECT_TRUE(dsp_reads(self->fd, variant->face, h,
			      addr + 60 * 1024, 0x5aa5c33c));
}

/* The host refusing the memory: the grow fails with ENOMEMORY */
TEST_F(cb, grow_refused_by_host)
{
	struct frpc_listener_stats st;
	uint64_t addr = 0, maps0;
	uint32_t h;
	struct res r;

	self->opts.max_heap = 1024 * 1024;
	START_LISTENER();
	OPEN_OK(FRPC_SIMTEST_URI, &h);
	maps0 = sim_count(INST, "dsp_maps");
	r = grow(self->fd, variant->face, h, 2 * 1024 * 1024, &addr);
	EXPECT_EQ(DSP_ENOMEMORY, r.st) TH_LOG("grow: %d 0x%x", r.ret, r.st);
	frpc_listener_stats(self->l, &st);
	EXPECT_EQ(0ull, st.maps);
	EXPECT_EQ(1ull, st.failed[FRPC_LISTENER_MEM]);
	EXPECT_EQ(maps0, sim_count(INST, "dsp_maps"));
	/* ... and a grow within the bound still works */
	r = grow(self->fd, variant->face, h, 512 * 1024, &addr);
	EXPECT_TRUE(!r.ret && !r.st) TH_LOG("grow: %d 0x%x", r.ret, r.st);
	EXPECT_NE(0ull, addr);
}

/* The next FARF message, or an empty one after @ms */
static struct frpc_farf next_farf(struct frpc_listener *l, unsigned int ms)
{
	struct frpc_farf m;

	memset(&m, 0, sizeof(m));
	m.level = UINT32_MAX;
	frpc_listener_farf_read(l, &m, ms);
	return m;
}

/* simtest farf of @msg at level FRPC_FARF_@level: the DSP's result */
#define FARF(h, level, msg) \
	farf(self->fd, variant->face, h, FRPC_FARF_ ## level, msg).st

TEST_F(cb, farf_levels)
{
	struct frpc_listener_stats st;
	struct frpc_farf m;
	uint32_t h, dsp = 1;

	START_LISTENER();
	OPEN_OK(FRPC_SIMTEST_URI, &h);

	/* HIGH is always on */
	ASSERT_EQ(0u, FARF(h, HIGH, "high one"));
	m = next_farf(self->l, 5000);
	EXPECT_EQ((uint32_t)FRPC_FARF_HIGH, m.level);
	EXPECT_STREQ("high one", m.msg);

	/* LOW and MEDIUM are off by default: the marker comes first */
	ASSERT_EQ(0u, FARF(h, LOW, "low off"));
	ASSERT_EQ(0u, FARF(h, MEDIUM, "medium off"));
	ASSERT_EQ(0u, FARF(h, HIGH, "marker one"));
	m = next_farf(self->l, 5000);
	EXPECT_STREQ("marker one", m.msg);

	/* Bit 0 turns LOW on, MEDIUM stays off */
	ASSERT_EQ(0, frpc_set_logging_params(self->fd, variant->face,
					     FRPC_FARF_MASK_LOW, &dsp));
	EXPECT_EQ(0u, dsp);
	ASSERT_EQ(0u, FARF(h, LOW, "low on"));
	ASSERT_EQ(0u, FARF(h, MEDIUM, "medium off again"));
	ASSERT_EQ(0u, FARF(h, ERROR, "error on"));
	m = next_farf(self->l, 5000);
	EXPECT_EQ((uint32_t)FRPC_FARF_LOW, m.level);
	EXPECT_STREQ("low on", m.msg);
	m = next_farf(self->l, 5000);
	EXPECT_EQ((uint32_t)FRPC_FARF_ERROR, m.level);
	EXPECT_STREQ("error on", m.msg);

	/* Nothing else came */
	m = next_farf(self->l, 200);
	EXPECT_EQ(UINT32_MAX, m.level) TH_LOG("unexpected: %s", m.msg);
	frpc_listener_stats(self->l, &st);
	EXPECT_EQ(4ull, st.farf_msgs);
	EXPECT_EQ(0ull, st.farf_dropped);
}

/* current_process exit wakes the waiting next2: the thread ends */
TEST_F(cb, exit_ends_listener)
{
	struct frpc_listener_stats st;
	uint32_t dsp = 1;

	START_LISTENER();
	frpc_listener_stats(self->l, &st);
	EXPECT_TRUE(st.running);
	/* It waits in next2 and stays there */
	EXPECT_EQ(-ETIMEDOUT, frpc_listener_wait(self->l, 300));

	ASSERT_EQ(0, frpc_current_process_exit(self->fd, variant->face, &dsp));
	EXPECT_EQ(0u, dsp);
	ASSERT_EQ(0, frpc_listener_wait(self->l, 5000));
	frpc_listener_stats(self->l, &st);
	EXPECT_FALSE(st.running);
	EXPECT_EQ(DSP_EBADSTATE, st.exit_status);
	frpc_listener_free(self->l);
	self->l = NULL;
}

TEST_F(cb, thread_exit_answered)
{
	uint32_t dsp = 1;

	EXPECT_EQ(0, frpc_current_process_thread_exit(self->fd, variant->face,
						      &dsp));
	EXPECT_EQ(0u, dsp);
	START_LISTENER();
	dsp = 1;
	EXPECT_EQ(0, frpc_current_process_thread_exit(self->fd, variant->face,
						      &dsp));
	EXPECT_EQ(0u, dsp);
	/* and the listener is still there */
	EXPECT_EQ(-ETIMEDOUT, frpc_listener_wait(self->l, 100));
}

struct opener {
	int fd;
	enum frpc_face face;
	struct res r;
	uint32_t h;
	int done;
};

static void *opener_fn(void *arg)
{
	struct opener *o = arg;

	o->r = open_module(o->fd, o->face, FRPC_CALCULATOR_URI, &o->h);
	__atomic_store_n(&o->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * No init2 yet: a load from the host waits for the listener, as the FastRPC
 * library opens modules while its listener thread starts.
 */
TEST_F(cb, load_waits_for_listener)
{
	struct opener o = { .fd = self->fd, .face = variant->face };
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, opener_fn, &o));
	usleep(300 * 1000);
	EXPECT_EQ(0, __atomic_load_n(&o.done, __ATOMIC_ACQUIRE));
	START_LISTENER();
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_TRUE(res_ok(o.r)) TH_LOG("open: %d 0x%x dlerr 0x%x", o.r.ret,
					o.r.st, o.r.dlerr);
	EXPECT_NE(0u, o.h);
}

/* After exit, what needs the host fails at once instead of waiting */
TEST_F(cb, no_listener_fails_fast)
{
	uint64_t t0, addr = 0;
	struct frpc_listener *l;
	uint32_t h;
	struct res r;
	int fd, ret;

	START_LISTENER();
	ASSERT_EQ(0, frpc_listener_stop(self->l));
	self->l = NULL;
	t0 = frpc_now_us();
	r = open_module(self->fd, variant->face, FRPC_CALCULATOR_URI, &h);
	EXPECT_FALSE(res_ok(r));
	EXPECT_GT(2000u, elapsed_ms(t0));

	/* On cdsp0, whose loader is built in */
	fd = open_pd(variant->face, MAIN_LABEL, MAIN_LEGACY);
	ASSERT_LE(0, fd);
	r = open_module(fd, variant->face, FRPC_SIMTEST_URI, &h);
	ASSERT_TRUE(res_ok(r));
	ret = frpc_listener_start(fd, variant->face, &self->opts, &l);
	ASSERT_EQ(0, ret) TH_LOG("listener: %s", strerror(-ret));
	ASSERT_EQ(0, frpc_listener_stop(l));
	t0 = frpc_now_us();
	r = grow(fd, variant->face, h, 64 * 1024, &addr);
	EXPECT_EQ(DSP_ERPC, r.st) TH_LOG("grow: %d 0x%x", r.ret, r.st);
	EXPECT_GT(2000u, elapsed_ms(t0));
	/* FARF does not wait for the host */
	t0 = frpc_now_us();
	r = farf(fd, variant->face, h, FRPC_FARF_HIGH, "nobody listens");
	EXPECT_TRUE(!r.ret && !r.st);
	EXPECT_GT(2000u, elapsed_ms(t0));
	close(fd);
}

#define FARF_QUEUE	64	/* messages the simulated DSP keeps */

/*
 * FARF messages wait in the DSP for a listener, at most FARF_QUEUE of them:
 * a listener that comes later gets them all, the newest FARF_QUEUE, in
 * order, in batches bigger than its first buffer (get_in_bufs2).
 */
TEST_F(cb, farf_kept_for_listener)
{
	struct frpc_listener_stats st;
	uint64_t dropped0;
	struct frpc_farf m;
	char text[32];
	unsigned int i;
	uint32_t h;

	/* A listener for the load, then gone */
	START_LISTENER();
	OPEN_OK(FRPC_SIMTEST_URI, &h);
	ASSERT_EQ(0, frpc_listener_stop(self->l));
	self->l = NULL;

	dropped0 = sim_count(INST, "farf_dropped");
	for (i = 0; i <= FARF_QUEUE; i++) {
		snprintf(text, sizeof(text), "queued %u", i);
		ASSERT_EQ(0u, FARF(h, HIGH, text));
	}
	EXPECT_EQ(dropped0 + 1, sim_count(INST, "farf_dropped"));

	/* init2 again: a new listener takes them */
	self->opts.farf_ring = 2 * FARF_QUEUE;
	START_LISTENER();
	for (i = 1; i <= FARF_QUEUE; i++) {
		snprintf(text, sizeof(text), "queued %u", i);
		m = next_farf(self->l, 5000);
		ASSERT_STREQ(text, m.msg);
	}
	m = next_farf(self->l, 200);
	EXPECT_EQ(UINT32_MAX, m.level) TH_LOG("unexpected: %s", m.msg);
	frpc_listener_stats(self->l, &st);
	EXPECT_EQ((uint64_t)FARF_QUEUE, st.farf_msgs);
	EXPECT_LE(1ull, st.get_in_bufs);
	EXPECT_EQ(0ull, st.failed[FRPC_LISTENER_MSGD]);
	/* The listener works on */
	ASSERT_EQ(0u, FARF(h, HIGH, "after"));
	m = next_farf(self->l, 5000);
	EXPECT_STREQ("after", m.msg);
}

/* ------------------------------------------------------------------ */
/* A listener served by hand, that answers one request badly          */
/* ------------------------------------------------------------------ */

enum sabotage {
	NONE,
	SHORT_REPLY,	/* the out-buffers cut short */
	BAD_CTX,	/* the answer names a context never given out */
};

/* Shared by the threads of a listener served by hand */
struct hand {
	int fd;
	enum frpc_face face;
	struct frpc_listener *srv;	/* no thread: serves by hand */
	pthread_mutex_t lock;		/* serialises srv */
	int armed;			/* sabotage: the next request_map64 */
	int sabotaged;			/* done */
	int late_ready;			/* BAD_CTX: the good answer kept */
	uint32_t late_ctx;
	uint32_t late_len;
	uint8_t late[64];
};

/* One thread of it, starting with an answer for @ctx, or none */
struct hand_thread {
	struct hand *hd;
	uint32_t ctx;
	uint32_t len;
	const uint8_t *reply;
	int64_t end;			/* last next2: DSP result or -errno */
	pthread_t thread;
};

/* apps_mem request_map64 (the only (1, 1) method 2 of the modules) */
static int is_map64(uint32_t handle, uint32_t sc)
{
	return handle && FRPC_SC_METHOD(sc) == 2 && FRPC_SC_NIN(sc) == 1 &&
	       FRPC_SC_NOUT(sc) == 1;
}

static void *hand_main(void *arg)
{
	struct hand_thread *ht = arg;
	struct hand *hd = ht->hd;
	uint32_t in0[4], result = ht->ctx ? 0 : (uint32_t)-1, st;
	uint32_t ctx = ht->ctx, rlen = ht->len;
	const void *reply = ht->reply;
	struct { uint32_t ctx, handle, sc, len; } o;
	uint8_t req[8192], shortbuf[8];
	int ret, how;

	for (;;) {
		struct frpc_buf b[4] = {
			{ in0, sizeof(in0) },
			{ (void *)(reply ? reply : req), rlen },
			{ &o, sizeof(o) },
			{ req, sizeof(req) },
		};

		in0[0] = ctx;
		in0[1] = result;
		in0[2] = rlen;
		in0[3] = sizeof(req);
		ret = frpc_face_invoke(hd->fd, hd->face, FRPC_HANDLE_LISTENER1,
				       FRPC_SC(FRPC_LISTENER1_NEXT2, 2, 2), b,
				       &st);
		if (ret || st) {
			ht->end = ret ? ret : (int64_t)st;
			return NULL;
		}
		ctx = o.ctx;
		reply = NULL;
		rlen = 0;
		if (o.len > sizeof(req)) {
			result = H_EBADSIZE;
			continue;
		}
		pthread_mutex_lock(&hd->lock);
		result = frpc_listener_serve(hd->srv, o.handle, o.sc, req,
					     o.len, &reply, &rlen);
		how = NONE;
		if (!result && is_map64(o.handle, o.sc) && hd->armed) {
			how = hd->armed;
			hd->armed = NONE;
			hd->sabotaged = 1;
		}
		if (how == SHORT_REPLY) {
			/* The length word only: no data */
			memcpy(shortbuf, reply, 4);
			reply = shortbuf;
			rlen = 4;
		} else if (how == BAD_CTX && rlen <= sizeof(hd->late)) {
			/* Keep the good answer for later; name another ctx */
			memcpy(hd->late, reply, rlen);
			hd->late_ctx = ctx;
			hd->late_len = rlen;
			hd->late_ready = 1;
			ctx ^= 0x5a5a0000;
		}
		pthread_mutex_unlock(&hd->lock);
		if (result) {
			reply = NULL;
			rlen = 0;
		}
	}
}

struct grower {
	int fd;
	enum frpc_face face;
	uint32_t h;
	uint64_t addr;
	struct res r;
	int done;
	pthread_t thread;
};

static void *grower_main(void *arg)
{
	struct grower *g = arg;

	g->r = grow(g->fd, g->face, g->h, 64 * 1024, &g->addr);
	__atomic_store_n(&g->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Wait up to @ms for the grow to end: 1 when it did */
static int grower_wait(struct grower *g, unsigned int ms)
{
	uint64_t t0;

	for (t0 = frpc_now_us(); elapsed_ms(t0) < ms; usleep(5000))
		if (__atomic_load_n(&g->done, __ATOMIC_ACQUIRE))
			break;
	if (!__atomic_load_n(&g->done, __ATOMIC_ACQUIRE))
		return 0;
	pthread_join(g->thread, NULL);
	return 1;
}

static void arm(struct hand *hd, enum sabotage how)
{
	pthread_mutex_lock(&hd->lock);
	hd->armed = how;
	hd->sabotaged = 0;
	hd->late_ready = 0;
	pthread_mutex_unlock(&hd->lock);
}

TEST_F(cb, hostile_answers)
{
	struct frpc_listener_opts o = { .lib_path = self->dir };
	struct hand hd = { .fd = self->fd, .face = variant->face };
	struct hand_thread t1 = { .hd = &hd }, t2 = { .hd = &hd };
	struct grower g = { .fd = self->fd, .face = variant->face };
	uint64_t err0, addr = 0;
	uint32_t simtest, calc, dsp;
	int64_t sum = 0;
	struct res r;
	int late;

	pthread_mutex_init(&hd.lock, NULL);
	ASSERT_EQ(0, frpc_listener_create(self->fd, variant->face, &o,
					  &hd.srv));
	ASSERT_EQ(0, frpc_face_invoke(self->fd, variant->face,
				      FRPC_HANDLE_LISTENER1,
				      FRPC_SC(FRPC_LISTENER1_INIT2, 0, 0), NULL,
				      &dsp));
	ASSERT_EQ(0u, dsp);
	ASSERT_EQ(0, pthread_create(&t1.thread, NULL, hand_main, &t1));

	/* Served well by hand: the loads work */
	OPEN_OK(FRPC_SIMTEST_URI, &simtest);
	OPEN_OK(FRPC_CALCULATOR_URI, &calc);

	/* An answer short of its out-buffer fails that grow at once */
	err0 = sim_count(INST, "reverse_errors");
	arm(&hd, SHORT_REPLY);
	g.h = simtest;
	ASSERT_EQ(0, pthread_create(&g.thread, NULL, grower_main, &g));
	ASSERT_TRUE(grower_wait(&g, 10000)) TH_LOG("the grow did not end");
	EXPECT_TRUE(hd.sabotaged);
	EXPECT_EQ(0, g.r.ret);
	EXPECT_EQ(DSP_ENOMEMORY, g.r.st) TH_LOG("grow: 0x%x", g.r.st);
	EXPECT_EQ(err0 + 1, sim_count(INST, "reverse_errors"));

	/*
	 * An answer for a context never given out is refused and counted;
	 * it answers nothing: the grow waits on, and its real answer, sent
	 * later by another thread, ends it well.
	 */
	err0 = sim_count(INST, "reverse_errors");
	arm(&hd, BAD_CTX);
	memset(&g, 0, sizeof(g));
	g.fd = self->fd;
	g.face = variant->face;
	g.h = simtest;
	ASSERT_EQ(0, pthread_create(&g.thread, NULL, grower_main, &g));
	EXPECT_FALSE(grower_wait(&g, 500)) TH_LOG("grow: 0x%x", g.r.st);
	pthread_mutex_lock(&hd.lock);
	late = hd.late_ready;
	t2.ctx = hd.late_ctx;
	t2.len = hd.late_len;
	t2.reply = hd.late;
	pthread_mutex_unlock(&hd.lock);
	EXPECT_TRUE(late);
	EXPECT_EQ(err0 + 1, sim_count(INST, "reverse_errors"));
	if (late)
		ASSERT_EQ(0, pthread_create(&t2.thread, NULL, hand_main, &t2));
	ASSERT_TRUE(grower_wait(&g, 10000)) TH_LOG("the grow did not end");
	EXPECT_EQ(0, g.r.ret);
	EXPECT_EQ(0u, g.r.st);
	EXPECT_NE(0ull, g.addr);

	/* The PD is fine: calls, and reverse calls answered well */
	r = calc_sum(self->fd, variant->face, calc, 10, &sum);
	EXPECT_TRUE(!r.ret && !r.st);
	EXPECT_EQ(55, sum);
	r = grow(self->fd, variant->face, simtest, 64 * 1024, &addr);
	EXPECT_TRUE(!r.ret && !r.st) TH_LOG("grow: %d 0x%x", r.ret, r.st);
	EXPECT_NE(0ull, addr);
	EXPECT_EQ(err0 + 1, sim_count(INST, "reverse_errors"));

	/* exit ends the hand threads */
	EXPECT_EQ(0, frpc_current_process_exit(self->fd, variant->face, &dsp));
	pthread_join(t1.thread, NULL);
	EXPECT_EQ(DSP_EBADSTATE, t1.end);
	if (late) {
		pthread_join(t2.thread, NULL);
		EXPECT_EQ(DSP_EBADSTATE, t2.end);
	}
	frpc_listener_free(hd.srv);
}

/* ------------------------------------------------------------------ */
/* The request parser against malformed requests (no DSP)             */
/* ------------------------------------------------------------------ */

/* Pack a request as the DSP does: in-buffers, then out-lengths */
struct packer {
	uint8_t buf[16384];
	uint32_t len;
};

static void pk_u32(struct packer *p, uint32_t v)
{
	memcpy(p->buf + p->len, &v, 4);
	p->len += 4;
}

static void pk_in(struct packer *p, const void *data, uint32_t n)
{
	pk_u32(p, n);
	if (!n)
		return;
	p->len = (p->len + 7) & ~7u;
	memcpy(p->buf + p->len, data, n);
	p->len += n;
}

static int serve(struct frpc_listener *l, uint32_t handle, uint32_t sc,
		 struct packer *p, const uint8_t **reply, uint32_t *rlen)
{
	const void *r = NULL;
	uint32_t res;

	res = frpc_listener_serve(l, handle, sc, p->buf, p->len, &r, rlen);
	*reply = r;
	return (int)res;
}

/* apps_remotectl open of @name: the result; *@h and *@dlerr the answer */
static int rev_open(struct frpc_listener *l, const char *name,
		    uint32_t *h, int32_t *dlerr, char *err)
{
	struct packer p = { .len = 0 };
	uint32_t in0[2] = { strlen(name) + 1, 64 }, rlen;
	const uint8_t *rep;
	int res;

	pk_in(&p, in0, sizeof(in0));
	pk_in(&p, name, in0[0]);
	pk_u32(&p, 8);
	pk_u32(&p, 64);
	res = serve(l, 0, FRPC_SC(0, 2, 2), &p, &rep, &rlen);
	if (res)
		return res;
	/* reply: u32 8, pad, out0 (8 bytes), u32 64, pad, out1 */
	memcpy(h, rep + 8, 4);
	memcpy(dlerr, rep + 12, 4);
	if (err)
		memcpy(err, rep + 24, 64);
	return 0;
}

/* apps_std fopen_with_env(@env, ";", @name, @mode): result, *@fd */
static int rev_fopen(struct frpc_listener *l, uint32_t h, const char *env,
		     const char *name, const char *mode, uint32_t *fd)
{
	struct packer p = { .len = 0 };
	uint32_t in0[4] = { strlen(env) + 1, 2, strlen(name) + 1,
			    strlen(mode) + 1 };
	const uint8_t *rep;
	uint32_t rlen;
	int res;

	pk_in(&p, in0, sizeof(in0));
	pk_in(&p, env, in0[0]);
	pk_in(&p, ";", 2);
	pk_in(&p, name, in0[2]);
	pk_in(&p, mode, in0[3]);
	pk_u32(&p, 4);
	res = serve(l, h, FRPC_SC(19, 5, 1), &p, &rep, &rlen);
	if (!res)
		memcpy(fd, rep + 8, 4);
	return res;
}

TEST(hostile_requests)
{
	struct frpc_listener_opts o = { .max_heap = 1 << 20 };
	char dir[] = "/tmp/frpc-hr-XXXXXX", err[64];
	struct frpc_listener_stats st;
	struct frpc_listener *l;
	struct packer p;
	uint32_t h_std, h_mem, h_msgd, h, fd, fds[FRPC_LISTENER_MAX_FILES];
	uint32_t in0[4], rlen, i;
	const uint8_t *rep;
	uint8_t node[3 * 256];
	int32_t dlerr;
	struct frpc_farf m;
	struct {
		int32_t heapid;
		uint32_t lflags, rflags, pad;
		uint64_t vin;
		int64_t len;
	} mr = { .rflags = 4, .len = 4096 };
	uint64_t unmap[2] = { 0x12345000, 4096 };

	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, write_elf(dir, CALC_LIB));
	o.lib_path = dir;
	/* No DSP: maps fail, nothing else needs one */
	ASSERT_EQ(0, frpc_listener_create(-1, FRPC_FACE_ACCEL, &o, &l));

	/* Unknown handle, method, handle arguments */
	p.len = 0;
	EXPECT_EQ(H_ENOSUCHMOD, serve(l, 0x1234, FRPC_SC(0, 0, 0), &p, &rep,
				      &rlen));
	EXPECT_EQ(H_EUNSUPPORTED, serve(l, 0, FRPC_SC(7, 0, 0), &p, &rep,
					&rlen));
	EXPECT_EQ(H_EBADPARM, serve(l, 0, FRPC_SC(0, 0, 0) |
				    FRPC_SC_HANDLES(1, 0), &p, &rep, &rlen));

	/* Modules by name; unknown: a load error, as the library */
	ASSERT_EQ(0, rev_open(l, "apps_std", &h_std, &dlerr, NULL));
	EXPECT_EQ(0, dlerr);
	ASSERT_EQ(0, rev_open(l, "apps_mem", &h_mem, &dlerr, NULL));
	EXPECT_EQ(0, dlerr);
	ASSERT_EQ(0, rev_open(l, "adspmsgd_apps", &h_msgd, &dlerr, NULL));
	EXPECT_EQ(0, dlerr);
	EXPECT_EQ(0, rev_open(l, "libc_skel", &h, &dlerr, err));
	EXPECT_EQ(H_EINVHANDLE, dlerr);
	EXPECT_NE(0, err[0]);
	EXPECT_NE(h_std, h_mem);

	/* Truncated requests */
	for (i = 0; i < 12; i++) {
		p.len = 0;
		in0[0] = 9;
		in0[1] = 64;
		pk_in(&p, in0, 8);
		pk_in(&p, "apps_std", 9);
		pk_u32(&p, 8);
		pk_u32(&p, 64);
		p.len = i;
		EXPECT_EQ(H_EBADPARM, serve(l, 0, FRPC_SC(0, 2, 2), &p, &rep,
					    &rlen)) TH_LOG("len %u", i);
	}
	/* An in-buffer running past the end */
	p.len = 0;
	pk_u32(&p, 0xfffffff0);
	memset(p.buf + 4, 0, 64);
	p.len = 64;
	EXPECT_EQ(H_EBADPARM, serve(l, 0, FRPC_SC(0, 2, 2), &p, &rep, &rlen));
	/* A name without its NUL, a NUL past the buffer */
	p.len = 0;
	in0[0] = 8;
	pk_in(&p, in0, 8);
	pk_in(&p, "apps_std", 8);
	pk_u32(&p, 8);
	pk_u32(&p, 64);
	EXPECT_EQ(H_EBADPARM, serve(l, 0, FRPC_SC(0, 2, 2), &p, &rep, &rlen));
	p.len = 0;
	in0[0] = 100;
	pk_in(&p, in0, 8);
	pk_in(&p, "apps_std", 9);
	pk_u32(&p, 8);
	pk_u32(&p, 64);
	EXPECT_EQ(H_EBADPARM, serve(l, 0, FRPC_SC(0, 2, 2), &p, &rep, &rlen));
	/* An out-buffer beyond any reply */
	p.len = 0;
	in0[0] = 9;
	pk_in(&p, in0, 8);
	pk_in(&p, "apps_std", 9);
	pk_u32(&p, 8);
	pk_u32(&p, 0xffffffff);
	EXPECT_EQ(H_EBADSIZE, serve(l, 0, FRPC_SC(0, 2, 2), &p, &rep, &rlen));
	/* An error text longer than its buffer */
	p.len = 0;
	in0[1] = 65;
	pk_in(&p, in0, 8);
	pk_in(&p, "apps_std", 9);
	pk_u32(&p, 8);
	pk_u32(&p, 64);
	EXPECT_EQ(H_EBADPARM, serve(l, 0, FRPC_SC(0, 2, 2), &p, &rep, &rlen));

	/* Files: only the library path, only bare names, only reading */
	EXPECT_EQ(ENOENT, rev_fopen(l, h_std, "PATH", "sh", "r", &fd));
	EXPECT_EQ(ENOENT, rev_fopen(l, h_std, "ADSP_LIBRARY_PATH",
				    "../../etc/passwd", "r", &fd));
	EXPECT_EQ(ENOENT, rev_fopen(l, h_std, "ADSP_LIBRARY_PATH",
				    "/etc/passwd", "r", &fd));
	EXPECT_EQ(ENOENT, rev_fopen(l, h_std, "ADSP_LIBRARY_PATH", "..", "r",
				    &fd));
	EXPECT_EQ(EACCES, rev_fopen(l, h_std, "ADSP_LIBRARY_PATH", CALC_LIB,
				    "r+", &fd));
	EXPECT_EQ(EACCES, rev_fopen(l, h_std, "ADSP_LIBRARY_PATH", CALC_LIB,
				    "w", &fd));
	ASSERT_EQ(0, rev_fopen(l, h_std, "ADSP_LIBRARY_PATH", CALC_LIB, "r",
			       &fd));

	/* fread asking more than its out-buffer holds */
	p.len = 0;
	in0[0] = fd;
	in0[1] = 4096;
	pk_in(&p, in0, 8);
	pk_u32(&p, 8);
	pk_u32(&p, 100);
	EXPECT_EQ(H_EBADPARM, serve(l, h_std, FRPC_SC(4, 1, 2), &p, &rep,
				    &rlen));
	/* fread of a file number never given out */
	p.len = 0;
	in0[0] = fd + 1000;
	in0[1] = 16;
	pk_in(&p, in0, 8);
	pk_u32(&p, 8);
	pk_u32(&p, 16);
	EXPECT_EQ(EBADF, serve(l, h_std, FRPC_SC(4, 1, 2), &p, &rep, &rlen));
	/* a good one: 16 bytes of the file, the lengths as asked */
	p.len = 0;
	in0[0] = fd;
	pk_in(&p, in0, 8);
	pk_u32(&p, 8);
	pk_u32(&p, 16);
	ASSERT_EQ(0, serve(l, h_std, FRPC_SC(4, 1, 2), &p, &rep, &rlen));
	EXPECT_EQ(40u, rlen);
	EXPECT_EQ(0, memcmp(rep + 24, "\177ELF", 4));
	/* close twice */
	p.len = 0;
	pk_in(&p, &fd, 4);
	EXPECT_EQ(0, serve(l, h_std, FRPC_SC(3, 1, 0), &p, &rep, &rlen));
	EXPECT_EQ(EBADF, serve(l, h_std, FRPC_SC(3, 1, 0), &p, &rep, &rlen));

	/* At most FRPC_LISTENER_MAX_FILES files open */
	for (i = 0; i < FRPC_LISTENER_MAX_FILES; i++)
		ASSERT_EQ(0, rev_fopen(l, h_std, "ADSP_LIBRARY_PATH", CALC_LIB,
				       "r", &fds[i]));
	EXPECT_EQ(EMFILE, rev_fopen(l, h_std, "ADSP_LIBRARY_PATH", CALC_LIB,
				    "r", &fd));
	for (i = 0; i < FRPC_LISTENER_MAX_FILES; i++) {
		p.len = 0;
		pk_in(&p, &fds[i], 4);
		EXPECT_EQ(0, serve(l, h_std, FRPC_SC(3, 1, 0), &p, &rep,
				   &rlen));
	}
	/* At most FRPC_LISTENER_MAX_HANDLES modules open */
	for (i = 3; i < FRPC_LISTENER_MAX_HANDLES; i++)
		ASSERT_EQ(0, rev_open(l, "apps_std", &h, &dlerr, NULL));
	EXPECT_EQ(H_EOUTOFHANDLES, rev_open(l, "apps_std", &h, &dlerr, NULL));

	/* apps_mem: other kinds of memory, sizes, an address never given */
	p.len = 0;
	pk_in(&p, &mr, sizeof(mr));
	pk_u32(&p, 16);
	EXPECT_EQ(H_EUNSUPPORTED, serve(l, h_mem, FRPC_SC(2, 1, 1), &p, &rep,
					&rlen));
	mr.rflags = 0x1000;
	mr.len = -1;
	p.len = 0;
	pk_in(&p, &mr, sizeof(mr));
	pk_u32(&p, 16);
	EXPECT_EQ(H_EBADPARM, serve(l, h_mem, FRPC_SC(2, 1, 1), &p, &rep,
				    &rlen));
	mr.len = 2 << 20;
	p.len = 0;
	pk_in(&p, &mr, sizeof(mr));
	pk_u32(&p, 16);
	EXPECT_EQ(H_ENOMEMORY, serve(l, h_mem, FRPC_SC(2, 1, 1), &p, &rep,
				     &rlen));
	p.len = 0;
	pk_in(&p, unmap, sizeof(unmap));
	EXPECT_EQ(H_EBADPARM, serve(l, h_mem, FRPC_SC(3, 1, 0), &p, &rep,
				    &rlen));

	/* FARF: whole messages only, strings bounded without their NULs */
	memset(node, 'x', sizeof(node));
	memset(node, 0, 8);
	node[0] = FRPC_FARF_HIGH;
	node[4] = 42;
	memset(node + 256, 0, 8);
	node[256] = FRPC_FARF_ERROR;
	memcpy(node + 256 + 8, "second\n", 8);
	memcpy(node + 256 + 226, "f.c", 4);
	p.len = 0;
	in0[0] = sizeof(node);
	pk_in(&p, in0, 4);
	pk_in(&p, node, 100);
	EXPECT_EQ(H_EBADPARM, serve(l, h_msgd, FRPC_SC(0, 2, 0), &p, &rep,
				    &rlen));
	p.len = 0;
	in0[0] = 2 * 256 + 100;
	pk_in(&p, in0, 4);
	pk_in(&p, node, sizeof(node));
	EXPECT_EQ(0, serve(l, h_msgd, FRPC_SC(0, 2, 0), &p, &rep, &rlen));
	ASSERT_EQ(0, frpc_listener_farf_read(l, &m, 0));
	EXPECT_EQ((uint32_t)FRPC_FARF_HIGH, m.level);
	EXPECT_EQ(42u, m.line);
	EXPECT_EQ((size_t)218, strlen(m.msg));
	EXPECT_EQ(sizeof(m.file) - 2, strlen(m.file));
	ASSERT_EQ(0, frpc_listener_farf_read(l, &m, 0));
	EXPECT_EQ((uint32_t)FRPC_FARF_ERROR, m.level);
	EXPECT_STREQ("second", m.msg);
	EXPECT_STREQ("f.c", m.file);
	/* the third, partial one was dropped */
	EXPECT_EQ(-EAGAIN, frpc_listener_farf_read(l, &m, 0));

	frpc_listener_stats(l, &st);
	EXPECT_EQ(1ull, st.unknown_handle);
	EXPECT_EQ(2ull, st.farf_msgs);
	EXPECT_EQ(0ull, st.maps);
	frpc_listener_free(l);
	snprintf(err, sizeof(err), "%s/" CALC_LIB, dir);
	unlink(err);
	rmdir(dir);
}

/*
 * apps_mem served by hand on a real process: the forward map and unmap of
 * each face, which the DSP only asks for from inside a call (map) or not
 * at all (unmap)
 */
TEST_F(cb, mem_map_unmap_by_hand)
{
	struct {
		int32_t heapid;
		uint32_t lflags, rflags, pad;
		uint64_t vin;
		int64_t len;
	} mr = { .heapid = -1, .rflags = 0x1000, .len = 10000 };
	struct frpc_listener_stats st;
	struct frpc_listener *l;
	uint64_t maps0, un[2];
	uint32_t h_mem, rlen;
	const uint8_t *rep;
	struct packer p;
	int32_t dlerr;

	ASSERT_EQ(0, frpc_listener_create(self->fd, variant->face, &self->opts,
					  &l));
	ASSERT_EQ(0, rev_open(l, "apps_mem", &h_mem, &dlerr, NULL));
	ASSERT_EQ(0, dlerr);
	maps0 = sim_count(INST, "dsp_maps");

	p.len = 0;
	pk_in(&p, &mr, sizeof(mr));
	pk_u32(&p, 16);
	ASSERT_EQ(0, serve(l, h_mem, FRPC_SC(2, 1, 1), &p, &rep, &rlen));
	ASSERT_EQ(24u, rlen);
	memcpy(un, rep + 8, sizeof(un));
	EXPECT_EQ(0ull, un[0]);		/* vapps: none, the kernel's memory */
	EXPECT_NE(0ull, un[1]);
	frpc_listener_stats(l, &st);
	EXPECT_EQ(un[1], st.last_map_vadsp);
	EXPECT_EQ(3 * 4096ull, st.heap_bytes);	/* page-rounded */
	EXPECT_EQ(maps0 + 1, sim_count(INST, "dsp_maps"));

	/* request_unmap64 {vadsp, len}: only that address, once */
	un[0] = un[1];
	un[1] = 10000;
	p.len = 0;
	pk_in(&p, un, sizeof(un));
	EXPECT_EQ(0, serve(l, h_mem, FRPC_SC(3, 1, 0), &p, &rep, &rlen));
	EXPECT_EQ(maps0, sim_count(INST, "dsp_maps"));
	EXPECT_EQ(H_EBADPARM, serve(l, h_mem, FRPC_SC(3, 1, 0), &p, &rep,
				    &rlen));
	frpc_listener_stats(l, &st);
	EXPECT_EQ(1ull, st.maps);
	EXPECT_EQ(1ull, st.unmaps);
	EXPECT_EQ(0ull, st.heap_bytes);
	frpc_listener_free(l);
}

TEST_HARNESS_MAIN
