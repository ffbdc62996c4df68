// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buffer tests of the FastRPC accel driver against the simulated DSP:
 * buffer objects (GEM), PRIME, zero-copy arguments, DSP mappings (MAP /
 * UNMAP) and context-bank isolation (Documentation/accel/fastrpc/
 * memory.rst and sim.rst).
 *
 * Expects the instances of fastrpc_uapi ("cdsp0" with 3 context banks,
 * "adsp0" with 2) and debugfs at /sys/kernel/debug. A test whose feature
 * is missing (ioctl, simulator file or simtest method not there yet) is
 * skipped with the reason; with FASTRPC_STRICT=1 in the environment such
 * a test fails instead.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-buf.h>

/* See fastrpc_uapi.c */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wclobbered"
#endif
#include "kselftest_harness.h"
#include "../../../../../accel/fastrpc/fastrpc_util.h"

#define SIM_INST	"cdsp0"
#define SIM_DIR		FRPC_DEBUGFS "/fastrpc_sim/" SIM_INST
#define PAGE		4096ull
#define MiB		(1024ull * 1024)
#define DSP_EUNSUPPORTED FRPC_DSP_ERR(FRPC_AEE_EUNSUPPORTED)

/* ------------------------------------------------------------------ */
/* Feature checks: skip (or fail with FASTRPC_STRICT=1) when missing   */
/* ------------------------------------------------------------------ */

static int strict(void)
{
	const char *s = getenv("FASTRPC_STRICT");

	return s && *s && strcmp(s, "0");
}

#define MISSING(fmt, ...) do {						\
	if (strict()) {							\
		ASSERT_TRUE(0) TH_LOG("missing: " fmt, ##__VA_ARGS__);	\
	}								\
	SKIP(return, fmt, ##__VA_ARGS__);				\
} while (0)

#define OPEN_DOMAIN_OR_SKIP(fd, dom, info) do {				\
	fd = frpc_open_domain(dom, info, NULL, 0);			\
	if (fd == -ENOENT)						\
		SKIP(return, "no %s device in " FRPC_ACCEL_DIR, dom);	\
	ASSERT_LE(0, fd) TH_LOG("opening %s: %s", dom, strerror(-fd));	\
} while (0)

/* An errno that an unknown DRM driver ioctl gives */
static int no_ioctl(int ret)
{
	return ret == -EINVAL || ret == -ENOTTY || ret == -EOPNOTSUPP;
}

/* GEM_CREATE works */
static int have_gem(int fd)
{
	uint32_t h;
	int ret = frpc_gem_create(fd, PAGE, &h);

	if (ret)
		return no_ioctl(ret) ? 0 : ret;
	frpc_gem_close(fd, h);
	return 1;
}

/*
 * Invoke accepts buffer arguments: an unknown GEM handle gives ENOENT
 * (a driver without them rejects every flag with EINVAL).
 */
static int have_bufargs(int fd, uint32_t simtest)
{
	struct drm_fastrpc_arg in = frpc_arg_gem(0x7fffff, 0, 16);
	struct drm_fastrpc_arg out = frpc_arg_gem(0x7ffffe, 0, 16);

	return frpc_invoke_args(fd, simtest, FRPC_SIMTEST_ECHO, &in, 1, &out,
				1, 0, NULL) == -ENOENT;
}

/* MAP exists: before PROCESS_INIT it gives anything but EINVAL */
static int have_map(void)
{
	int fd = frpc_open_domain("cdsp", NULL, NULL, 0), ret;
	uint32_t h;

	if (fd < 0)
		return 0;
	if (frpc_gem_create(fd, PAGE, &h)) {
		close(fd);
		return 0;
	}
	ret = frpc_map(fd, DRM_FASTRPC_BUF_GEM, h, 0, PAGE, NULL);
	close(fd);
	return !no_ioctl(ret);
}

/* simtest knows @method (an unknown one is AEE_EUNSUPPORTED) */
static int have_method(int fd, uint32_t simtest, uint32_t method)
{
	uint32_t st = 0;
	int ret;

	ret = frpc_invoke(fd, simtest, method, NULL, 0, NULL, 0, 0, &st);
	return !(ret == -EOPNOTSUPP && st == DSP_EUNSUPPORTED);
}

static int have_sim_file(const char *name)
{
	char p[256];

	frpc_sim_path(SIM_INST, name, p, sizeof(p));
	return access(p, R_OK) == 0;
}

static int have_drv_counter(int fd, const char *name)
{
	uint64_t v;

	return frpc_drv_counter(fd, name, &v) == 0;
}

/* The instance has a simulated SMMU (configfs "smmu", default 1) */
static int sim_has_smmu(void)
{
	char v[8] = "";
	int fd = open("/sys/kernel/config/fastrpc-sim/" SIM_INST "/smmu",
		      O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1;	/* no such attribute: the SMMU files decide */
	if (read(fd, v, sizeof(v) - 1) < 0)
		v[0] = '1';
	close(fd);
	return v[0] != '0';
}

/*
 * Multi-page buffers on the DSP need the SMMU: without it (dma-direct) a
 * buffer object is not one contiguous range and is refused (-EINVAL).
 */
#define NEED_SMMU() do {						\
	if (!sim_has_smmu())						\
		SKIP(return, SIM_INST " has no simulated SMMU");	\
} while (0)

#define NEED_GEM(fd) do {						\
	int __r = have_gem(fd);						\
	ASSERT_LE(0, __r) TH_LOG("GEM_CREATE: %s", strerror(-__r));	\
	if (!__r)							\
		MISSING("driver has no DRM_IOCTL_FASTRPC_GEM_CREATE");	\
} while (0)

#define NEED_BUFARGS(fd, st) do {					\
	NEED_GEM(fd);							\
	NEED_SMMU();							\
	if (!have_bufargs(fd, st))					\
		MISSING("driver rejects buffer arguments "		\
			"(DRM_FASTRPC_BUF_GEM)");			\
} while (0)

#define NEED_MAP() do {							\
	NEED_SMMU();							\
	if (!have_map())						\
		MISSING("driver has no DRM_IOCTL_FASTRPC_MAP");		\
} while (0)

#define NEED_METHOD(fd, st, m, name) do {				\
	if (!have_method(fd, st, m))					\
		MISSING("simtest has no method %d (%s)", m, name);	\
} while (0)

#define NEED_SIM_FILE(name) do {					\
	if (!have_sim_file(name))					\
		MISSING(SIM_DIR "/%s missing", name);			\
} while (0)

#define NEED_DRV_COUNTER(fd, name) do {					\
	if (!have_drv_counter(fd, name))				\
		MISSING("driver counter %s missing", name);		\
} while (0)

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

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

/* Index of the first byte of @buf that is not @pattern, or -1 */
static ssize_t check_pattern(const uint8_t *buf, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != pattern_byte(seed, i))
			return i;
	return -1;
}

/* Index of the first byte of @buf that is not @c, or -1 */
static ssize_t check_bytes(const uint8_t *buf, size_t len, uint8_t c)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != c)
			return i;
	return -1;
}

/* Index of the first 32-bit word of @buf (at 4-byte offsets) not @w */
static ssize_t check_words(const uint8_t *buf, size_t len, uint32_t w)
{
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		uint32_t v;

		memcpy(&v, buf + i, 4);
		if (v != w)
			return i;
	}
	return -1;
}

struct bo {
	uint32_t handle;
	uint64_t size;
	uint8_t *map;
};

/* Create and mmap a buffer object: 0 or -errno */
static int bo_new(int fd, uint64_t size, struct bo *bo)
{
	void *p;
	int ret;

	memset(bo, 0, sizeof(*bo));
	ret = frpc_gem_create(fd, size, &bo->handle);
	if (ret)
		return ret;
	bo->size = (size + PAGE - 1) & ~(PAGE - 1);
	ret = frpc_gem_mmap(fd, bo->handle, bo->size, &p);
	if (ret) {
		frpc_gem_close(fd, bo->handle);
		return ret;
	}
	bo->map = p;
	return 0;
}

static void bo_free(int fd, struct bo *bo)
{
	if (bo->map)
		munmap(bo->map, bo->size);
	if (bo->handle)
		frpc_gem_close(fd, bo->handle);
	memset(bo, 0, sizeof(*bo));
}

#define BO_NEW(fd, size, bo) do {					\
	int __r = bo_new(fd, size, bo);					\
	ASSERT_EQ(0, __r) TH_LOG("BO of %llu bytes: %s",		\
				 (unsigned long long)(size),		\
				 strerror(-__r));			\
} while (0)

static int echo_args(int fd, uint32_t simtest, struct drm_fastrpc_arg in,
		     struct drm_fastrpc_arg out)
{
	return frpc_invoke_args(fd, simtest, FRPC_SIMTEST_ECHO, &in, 1, &out,
				1, 0, NULL);
}

/* simtest fill of @out with @pattern */
static int fill_args(int fd, uint32_t simtest, uint32_t pattern,
		     struct drm_fastrpc_arg out)
{
	struct drm_fastrpc_arg in = frpc_arg_inline(&pattern, sizeof(pattern));

	return frpc_invoke_args(fd, simtest, FRPC_SIMTEST_FILL, &in, 1, &out,
				1, 0, NULL);
}

static int sim_write_at(int fd, uint32_t simtest, uint64_t addr,
			uint64_t len, uint32_t pattern)
{
	struct frpc_sim_write_at w = {
		.dsp_addr = addr, .len = len, .pattern = pattern,
	};
	struct drm_fastrpc_arg in = frpc_arg_inline(&w, sizeof(w));

	return frpc_invoke_args(fd, simtest, FRPC_SIMTEST_WRITE_AT, &in, 1,
				NULL, 0, 0, NULL);
}

static int sim_read_at(int fd, uint32_t simtest, uint64_t addr, void *buf,
		       uint64_t len)
{
	struct frpc_sim_read_at r = { .dsp_addr = addr, .len = len };
	struct drm_fastrpc_arg in = frpc_arg_inline(&r, sizeof(r));
	struct drm_fastrpc_arg out = frpc_arg_inline(buf, len);

	return frpc_invoke_args(fd, simtest, FRPC_SIMTEST_READ_AT, &in, 1,
				&out, 1, 0, NULL);
}

static int sim_read_iova(int fd, uint32_t simtest, uint64_t iova, void *buf,
			 uint64_t len)
{
	struct frpc_sim_read_iova r = { .iova = iova, .len = len };
	struct drm_fastrpc_arg in = frpc_arg_inline(&r, sizeof(r));
	struct drm_fastrpc_arg out = frpc_arg_inline(buf, len);

	return frpc_invoke_args(fd, simtest, FRPC_SIMTEST_READ_IOVA, &in, 1,
				&out, 1, 0, NULL);
}

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

/*
 * Poll a counter until it is at most @want (things that are freed
 * asynchronously); returns the last value.
 */
static uint64_t wait_counter(int fd, const char *sim_name,
			     const char *drv_name, uint64_t want,
			     unsigned int timeout_ms)
{
	uint64_t end = frpc_now_us() + timeout_ms * 1000ull, v = ~0ull;

	for (;;) {
		int ret = sim_name ? frpc_sim_counter(SIM_INST, sim_name, &v) :
				     frpc_drv_counter(fd, drv_name, &v);

		if (!ret && v <= want)
			return v;
		if (frpc_now_us() > end)
			return v;
		usleep(20000);
	}
}

/*
 * Let what earlier tests released go away before taking baselines: up to
 * 3 s until no DSP mapping and no buffer mapping of any file is left (the
 * fixture's file has none) and the mapped pages stop changing.
 */
static void settle(int fd)
{
	uint64_t end = frpc_now_us() + 3000000, a, b, prev = ~0ull;

	for (;;) {
		int quiet = 1;

		if (!frpc_sim_counter(SIM_INST, "dsp_maps", &a) && a)
			quiet = 0;
		if (!frpc_drv_counter(fd, "bo_maps", &b) && b)
			quiet = 0;
		if (!frpc_drv_counter(fd, "in_flight", &b) && b)
			quiet = 0;
		if (!frpc_sim_counter(SIM_INST, "smmu_pages", &a)) {
			if (a != prev)
				quiet = 0;
			prev = a;
		}
		if (quiet || frpc_now_us() > end)
			return;
		usleep(50000);
	}
}

/*
 * Sum of the @prefix* keys (e.g. "drm-total-") of the fdinfo of @fd, in
 * bytes; -1 when there is none.
 */
static int64_t fdinfo_sum(int fd, const char *prefix)
{
	char path[64], line[256];
	int64_t total = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		char unit[16] = "";
		char *colon;

		if (strncmp(line, prefix, strlen(prefix)))
			continue;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		if (sscanf(colon + 1, "%llu %15s", &v, unit) < 1)
			continue;
		if (!strcmp(unit, "KiB"))
			v <<= 10;
		else if (!strcmp(unit, "MiB"))
			v <<= 20;
		else if (!strcmp(unit, "GiB"))
			v <<= 30;
		total = (total < 0 ? 0 : total) + (int64_t)v;
	}
	fclose(f);
	return total;
}

static int64_t fdinfo_total(int fd)
{
	return fdinfo_sum(fd, "drm-total-");
}

/* fdinfo_sum(), with a missing key as 0 */
static int64_t fdinfo_key(int fd, const char *prefix)
{
	int64_t v = fdinfo_sum(fd, prefix);

	return v < 0 ? 0 : v;
}

/*
 * One line of the simulator's "maps" file: pgid dsp_addr sid iova len kind,
 * kind "mem" (MEM_MAP) or "heap" (MMAP)
 */
struct sim_map {
	uint64_t pgid, dsp_addr, sid, iova, len;
	char kind[8];
};

/* Find the mapping at @dsp_addr of length @len; 0 or -ENOENT */
static int sim_find_map(uint64_t dsp_addr, uint64_t len, struct sim_map *m)
{
	char path[256], line[256];
	int ret = -ENOENT;
	FILE *f;

	frpc_sim_path(SIM_INST, "maps", path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[5];
		char kind[8] = "";

		if (sscanf(line, "%lli %lli %lli %lli %lli %7s", &v[0], &v[1],
			   &v[2], &v[3], &v[4], kind) < 5)
			continue;
		if (v[1] != dsp_addr || v[4] != len)
			continue;
		*m = (struct sim_map){ .pgid = v[0], .dsp_addr = v[1],
				       .sid = v[2], .iova = v[3], .len = v[4] };
		memcpy(m->kind, kind, sizeof(m->kind));
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/*
 * The simulator's "smmu" file: one "<sid> <iova> <len>" line per range of
 * pages mapped in a context bank.
 */
struct iova_range {
	uint64_t sid, start, end;
};

static int sim_smmu_ranges(struct iova_range *r, int max)
{
	char path[256], line[256];
	int n = 0;
	FILE *f;

	frpc_sim_path(SIM_INST, "smmu", path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned long long sid, iova, len;

		if (sscanf(line, "%lli %lli %lli", &sid, &iova, &len) != 3)
			continue;
		r[n++] = (struct iova_range){ sid, iova, iova + len };
	}
	fclose(f);
	return n;
}

static int iova_mapped_in(const struct iova_range *r, int n, uint64_t sid,
			  uint64_t iova)
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i].sid == sid && iova >= r[i].start && iova < r[i].end)
			return 1;
	return 0;
}

static int sid_has_ranges(const struct iova_range *r, int n, uint64_t sid)
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i].sid == sid)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Fixture: a cdsp file with a dynamic PD and simtest open            */
/* ------------------------------------------------------------------ */

FIXTURE(cdsp) {
	int fd;
	struct drm_fastrpc_device_info info;
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
	ret = frpc_module_open(self->fd, FRPC_SIMTEST_URI, &self->simtest);
	ASSERT_EQ(0, ret) TH_LOG("open simtest: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(cdsp)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* ------------------------------------------------------------------ */
/* GEM objects                                                        */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, gem_create_sizes)
{
	static const uint64_t sizes[] = {
		1, 100, PAGE - 1, PAGE, PAGE + 1, 3 * PAGE + 5, MiB + 1,
		16 * MiB,
	};
	unsigned int i;

	NEED_GEM(self->fd);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint64_t rounded = (sizes[i] + PAGE - 1) & ~(PAGE - 1);
		uint64_t off;
		uint32_t h;
		uint8_t *p;

		ASSERT_EQ(0, frpc_gem_create(self->fd, sizes[i], &h))
			TH_LOG("size %llu", (unsigned long long)sizes[i]);
		EXPECT_NE(0u, h);
		ASSERT_EQ(0, frpc_gem_mmap_offset(self->fd, h, &off));
		EXPECT_EQ(0u, off & (PAGE - 1));
		/* Rounded up to pages: the whole last page maps ... */
		p = mmap(NULL, rounded, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, off);
		ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap %llu of size %llu",
						(unsigned long long)rounded,
						(unsigned long long)sizes[i]);
		/* ... and is zeroed */
		EXPECT_EQ(0, p[0]);
		EXPECT_EQ(0, p[rounded - 1]);
		EXPECT_EQ(-1, check_bytes(p + rounded - PAGE, PAGE, 0));
		munmap(p, rounded);
		/* ... but not one page more */
		p = mmap(NULL, rounded + PAGE, PROT_READ, MAP_SHARED,
			 self->fd, off);
		EXPECT_EQ(MAP_FAILED, p) TH_LOG("mapped past the rounded size");
		if (p != MAP_FAILED)
			munmap(p, rounded + PAGE);
		EXPECT_EQ(0, frpc_gem_close(self->fd, h));
	}
}

TEST_F(cdsp, gem_create_bad)
{
	struct drm_fastrpc_gem_create c;
	uint32_t h;
	int fd;

	NEED_GEM(self->fd);
	EXPECT_EQ(-EINVAL, frpc_gem_create(self->fd, 0, &h));
	EXPECT_EQ(-EINVAL, frpc_gem_create(self->fd,
					   DRM_FASTRPC_GEM_MAX_SIZE + 1, &h));
	EXPECT_EQ(-EINVAL, frpc_gem_create(self->fd,
					   DRM_FASTRPC_GEM_MAX_SIZE + PAGE,
					   &h));
	EXPECT_EQ(-EINVAL, frpc_gem_create(self->fd, ~0ull, &h));
	EXPECT_EQ(-EINVAL, frpc_gem_create(self->fd, ~0ull - PAGE + 2, &h));

	memset(&c, 0, sizeof(c));
	c.size = PAGE;
	c.flags = DRM_FASTRPC_GEM_WC << 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_FASTRPC_GEM_CREATE, &c));
	EXPECT_EQ(EINVAL, errno);
	c.flags = DRM_FASTRPC_GEM_WC | 0x80000000;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_FASTRPC_GEM_CREATE, &c));
	EXPECT_EQ(EINVAL, errno);
	/* Works before PROCESS_INIT too: no process is needed */
	fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, frpc_gem_create(fd, PAGE, &h));
	close(fd);
}

TEST_F(cdsp, gem_mmap_rw)
{
	struct drm_fastrpc_gem_mmap_offset mo;
	const uint64_t size = 64 * 1024 + 3 * PAGE;
	uint64_t off, off2;
	uint8_t *p;
	struct bo bo;
	int fd;

	NEED_GEM(self->fd);
	BO_NEW(self->fd, size, &bo);
	fill_pattern(bo.map, size, 41);

	/* The same offset again; a second mapping sees the same pages */
	ASSERT_EQ(0, frpc_gem_mmap_offset(self->fd, bo.handle, &off));
	ASSERT_EQ(0, frpc_gem_mmap_offset(self->fd, bo.handle, &off2));
	EXPECT_EQ(off, off2);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 off);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, check_pattern(p, size, 41));
	p[12345] ^= 0xff;
	EXPECT_EQ((uint8_t)(pattern_byte(41, 12345) ^ 0xff), bo.map[12345]);
	munmap(p, size);

	/* The content outlives the mappings */
	munmap(bo.map, size);
	bo.map = NULL;
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, self->fd, off);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ((uint8_t)(pattern_byte(41, 12345) ^ 0xff), p[12345]);
	EXPECT_EQ(-1, check_pattern(p, 12345, 41));
	munmap(p, size);

	/* Bad requests */
	EXPECT_EQ(-ENOENT, frpc_gem_mmap_offset(self->fd, 0, &off2));
	EXPECT_EQ(-ENOENT, frpc_gem_mmap_offset(self->fd, 0x7fffffff, &off2));
	memset(&mo, 0, sizeof(mo));
	mo.handle = bo.handle;
	mo.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_FASTRPC_GEM_MMAP_OFFSET, &mo));
	EXPECT_EQ(EINVAL, errno);
	/* Another file does not see our handles */
	fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, fd);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, off);
	EXPECT_EQ(MAP_FAILED, p);
	close(fd);
	bo_free(self->fd, &bo);
}

/*
 * A mapping of the object's dma-buf that starts at an offset shows the
 * object from that offset (the shmem helpers' fault handler of 6.12 would
 * show it from its first page), and one that goes past the end is refused.
 * The DRM node maps an object only from its start (drm_gem_mmap() looks
 * the fake offset up exactly).
 */
TEST_F(cdsp, gem_mmap_from_offset)
{
	const uint64_t size = 4 * PAGE;
	uint8_t *p;
	uint64_t off;
	struct bo bo;
	int dfd;

	NEED_GEM(self->fd);
	BO_NEW(self->fd, size, &bo);
	fill_pattern(bo.map, size, 43);
	ASSERT_EQ(0, frpc_gem_mmap_offset(self->fd, bo.handle, &off));
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, self->fd, off + PAGE);
	EXPECT_EQ(MAP_FAILED, p);

	ASSERT_EQ(0, frpc_prime_export(self->fd, bo.handle, &dfd));
	/* Pages 1 and 2, written through */
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, PAGE);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, memcmp(p, bo.map + PAGE, 2 * PAGE));
	p[PAGE + 7] ^= 0xff;
	EXPECT_EQ(p[PAGE + 7], bo.map[2 * PAGE + 7]);
	munmap(p, 2 * PAGE);
	/* Page 3, the last */
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, dfd, 3 * PAGE);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, memcmp(p, bo.map + 3 * PAGE, PAGE));
	munmap(p, PAGE);
	/* Past the end */
	p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, dfd, 3 * PAGE);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	close(dfd);
	bo_free(self->fd, &bo);
}

TEST_F(cdsp, gem_fdinfo)
{
	int64_t t0, t1, t2;
	uint32_t h;

	NEED_GEM(self->fd);
	t0 = fdinfo_total(self->fd);
	ASSERT_EQ(0, frpc_gem_create(self->fd, MiB, &h));
	t1 = fdinfo_total(self->fd);
	ASSERT_LE(0, t1) TH_LOG("no drm-total-* key in /proc/self/fdinfo/%d",
				self->fd);
	if (t0 < 0)
		t0 = 0;
	EXPECT_LE(t0 + (int64_t)MiB, t1) TH_LOG("total %lld -> %lld",
						(long long)t0, (long long)t1);
	ASSERT_EQ(0, frpc_gem_close(self->fd, h));
	t2 = fdinfo_total(self->fd);
	if (t2 < 0)
		t2 = 0;
	EXPECT_EQ(t0, t2) TH_LOG("total after close %lld", (long long)t2);
}

TEST_F(cdsp, gem_close_frees)
{
	uint64_t off;
	uint8_t *p;
	uint32_t h;

	NEED_GEM(self->fd);
	ASSERT_EQ(0, frpc_gem_create(self->fd, 2 * PAGE, &h));
	ASSERT_EQ(0, frpc_gem_mmap_offset(self->fd, h, &off));
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 off);
	ASSERT_NE(MAP_FAILED, p);
	fill_pattern(p, 2 * PAGE, 5);
	ASSERT_EQ(0, frpc_gem_close(self->fd, h));
	/* The handle is gone */
	EXPECT_EQ(-ENOENT, frpc_gem_mmap_offset(self->fd, h, &off));
	EXPECT_EQ(-EINVAL, frpc_gem_close(self->fd, h));
	/* An existing CPU mapping keeps the pages */
	EXPECT_EQ(-1, check_pattern(p, 2 * PAGE, 5));
	munmap(p, 2 * PAGE);
	/* and so does nothing else: a new mapping cannot be made */
	p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, self->fd, off);
	EXPECT_EQ(MAP_FAILED, p);
}

/* ------------------------------------------------------------------ */
/* Zero-copy arguments                                                */
/* ------------------------------------------------------------------ */

TEST_F_TIMEOUT(cdsp, dsp_fill_gem_16m, 120)
{
	const uint64_t size = 16 * MiB;
	const uint32_t pattern = 0xc0ffee42;
	uint64_t in0, bb0, in1, bb1;
	struct bo bo;
	ssize_t bad;
	int ret;

	NEED_BUFARGS(self->fd, self->simtest);
	NEED_SIM_FILE("inline_bytes");
	NEED_SIM_FILE("buffer_bytes");
	BO_NEW(self->fd, size, &bo);
	memset(bo.map, 0x5a, size);

	in0 = sim_counter(_metadata, "inline_bytes");
	bb0 = sim_counter(_metadata, "buffer_bytes");
	ret = fill_args(self->fd, self->simtest, pattern,
			frpc_arg_gem(bo.handle, 0, size));
	ASSERT_EQ(0, ret) TH_LOG("fill: %s", strerror(-ret));
	in1 = sim_counter(_metadata, "inline_bytes");
	bb1 = sim_counter(_metadata, "buffer_bytes");

	bad = check_words(bo.map, size, pattern);
	EXPECT_EQ(-1, bad) TH_LOG("word at %zd not the pattern", bad);
	/* Only in0 (4 bytes) went through the payload: no copy-out */
	EXPECT_GE(in0 + 64, in1) TH_LOG("inline_bytes grew by %llu",
				       (unsigned long long)(in1 - in0));
	EXPECT_LE(bb0 + size, bb1) TH_LOG("buffer_bytes grew by %llu",
					  (unsigned long long)(bb1 - bb0));

	/* A sub-range, unaligned: only those bytes change */
	ret = fill_args(self->fd, self->simtest, 0x01020304,
			frpc_arg_gem(bo.handle, 5 * PAGE + 3, 2 * PAGE + 8));
	ASSERT_EQ(0, ret);
	EXPECT_EQ(-1, check_words(bo.map, 5 * PAGE, pattern));
	EXPECT_EQ(-1, check_words(bo.map + 5 * PAGE + 3, 2 * PAGE + 8,
				  0x01020304));
	EXPECT_EQ(pattern, *(uint32_t *)(bo.map + 7 * PAGE + 12));
	EXPECT_EQ(pattern, *(uint32_t *)(bo.map + 7 * PAGE + 16));
	bo_free(self->fd, &bo);
}

/* Echo from @in to @out through buffers and check every byte of @out */
static void echo_gem_case(struct __test_metadata *_metadata, int fd,
			  uint32_t simtest, struct bo *a, uint64_t aoff,
			  struct bo *b, uint64_t boff, uint64_t len,
			  uint32_t seed)
{
	ssize_t bad;
	int ret;

	fill_pattern(a->map + aoff, len, seed);
	memset(b->map, 0xa5, b->size);
	ret = echo_args(fd, simtest, frpc_arg_gem(a->handle, aoff, len),
			frpc_arg_gem(b->handle, boff, len));
	ASSERT_EQ(0, ret) TH_LOG("echo %llu@%llu -> @%llu: %s",
				 (unsigned long long)len,
				 (unsigned long long)aoff,
				 (unsigned long long)boff, strerror(-ret));
	bad = check_pattern(b->map + boff, len, seed);
	EXPECT_EQ(-1, bad) TH_LOG("len %llu aoff %llu boff %llu: byte %zd",
				  (unsigned long long)len,
				  (unsigned long long)aoff,
				  (unsigned long long)boff, bad);
	/* Nothing around the out range is written */
	EXPECT_EQ(-1, check_bytes(b->map, boff, 0xa5));
	EXPECT_EQ(-1, check_bytes(b->map + boff + len,
				  b->size - boff - len, 0xa5));
	/* The in range is left alone */
	EXPECT_EQ(-1, check_pattern(a->map + aoff, len, seed));
}

TEST_F(cdsp, echo_gem_to_gem)
{
	static const struct { uint64_t aoff, boff, len; } c[] = {
		{ 0, 0, 1 },
		{ 0, 0, PAGE },
		{ 0, 0, 256 * 1024 },
		{ 1, 0, PAGE },
		{ 0, 1, PAGE },
		{ 7, 4093, 2 },			/* out crosses a page */
		{ PAGE - 1, PAGE - 1, 2 },	/* both cross */
		{ 100, 3 * PAGE + 17, 3 * PAGE + 17 },
		{ 2 * PAGE, PAGE, 5 * PAGE },
		{ 3, 5, 256 * 1024 - 8 },
		{ 256 * 1024 - 1, 256 * 1024 - 1, 1 },	/* the last byte */
	};
	struct bo a, b;
	unsigned int i;

	NEED_BUFARGS(self->fd, self->simtest);
	BO_NEW(self->fd, 256 * 1024, &a);
	BO_NEW(self->fd, 256 * 1024, &b);
	for (i = 0; i < ARRAY_SIZE(c); i++)
		echo_gem_case(_metadata, self->fd, self->simtest, &a, c[i].aoff,
			      &b, c[i].boff, c[i].len, 100 + i);
	/* The same object as in and out, disjoint ranges */
	fill_pattern(a.map, PAGE, 7);
	ASSERT_EQ(0, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(a.handle, 0, PAGE),
			       frpc_arg_gem(a.handle, 10 * PAGE + 9, PAGE)));
	EXPECT_EQ(-1, check_pattern(a.map + 10 * PAGE + 9, PAGE, 7));
	bo_free(self->fd, &a);
	bo_free(self->fd, &b);
}

TEST_F(cdsp, echo_mixed)
{
	uint8_t in[3000], out[3000], out2[5000];
	struct drm_fastrpc_arg ia[3], oa[3];
	struct bo a, b;
	int ret;

	NEED_BUFARGS(self->fd, self->simtest);
	BO_NEW(self->fd, 4 * PAGE, &a);
	BO_NEW(self->fd, 4 * PAGE, &b);

	/* GEM in, inline out */
	fill_pattern(a.map + 4000, 3000, 1);
	memset(out, 0, sizeof(out));
	ret = echo_args(self->fd, self->simtest,
			frpc_arg_gem(a.handle, 4000, 3000),
			frpc_arg_inline(out, 3000));
	ASSERT_EQ(0, ret);
	EXPECT_EQ(-1, check_pattern(out, 3000, 1));

	/* inline in, GEM out */
	fill_pattern(in, sizeof(in), 2);
	memset(b.map, 0, b.size);
	ret = echo_args(self->fd, self->simtest, frpc_arg_inline(in, 3000),
			frpc_arg_gem(b.handle, PAGE - 1000, 3000));
	ASSERT_EQ(0, ret);
	EXPECT_EQ(-1, check_pattern(b.map + PAGE - 1000, 3000, 2));
	EXPECT_EQ(-1, check_bytes(b.map, PAGE - 1000, 0));

	/* Three pairs in one call, every kind */
	fill_pattern(a.map, 5000, 3);
	fill_pattern(in, sizeof(in), 4);
	fill_pattern(a.map + 2 * PAGE, 1234, 5);
	memset(b.map, 0, b.size);
	memset(out, 0, sizeof(out));
	memset(out2, 0, sizeof(out2));
	ia[0] = frpc_arg_gem(a.handle, 0, 5000);
	oa[0] = frpc_arg_inline(out2, 5000);
	ia[1] = frpc_arg_inline(in, 3000);
	oa[1] = frpc_arg_gem(b.handle, 5, 3000);
	ia[2] = frpc_arg_gem(a.handle, 2 * PAGE, 1234);
	oa[2] = frpc_arg_gem(b.handle, 2 * PAGE + 77, 1234);
	ret = frpc_invoke_args(self->fd, self->simtest, FRPC_SIMTEST_ECHO,
			       ia, 3, oa, 3, 0, NULL);
	ASSERT_EQ(0, ret) TH_LOG("mixed echo: %s", strerror(-ret));
	EXPECT_EQ(-1, check_pattern(out2, 5000, 3));
	EXPECT_EQ(-1, check_pattern(b.map + 5, 3000, 4));
	EXPECT_EQ(-1, check_pattern(b.map + 2 * PAGE + 77, 1234, 5));
	bo_free(self->fd, &a);
	bo_free(self->fd, &b);
}

/* A GEM echo of @len bytes on a new file: 0, or where it failed */
static int echo_on_new_file(uint64_t len, uint32_t seed, int *fdp)
{
	struct bo a, b;
	uint32_t st;
	int fd, ret;

	fd = frpc_open_simtest("cdsp", &st);
	if (fd < 0)
		return fd;
	ret = bo_new(fd, len, &a);
	if (ret)
		goto out;
	ret = bo_new(fd, len, &b);
	if (ret)
		goto out;
	fill_pattern(a.map, len, seed);
	ret = echo_args(fd, st, frpc_arg_gem(a.handle, 0, len),
			frpc_arg_gem(b.handle, 0, len));
	if (!ret && check_pattern(b.map, len, seed) != -1)
		ret = -EBADMSG;
	bo_free(fd, &a);
	bo_free(fd, &b);
out:
	if (ret || !fdp)
		close(fd);
	else
		*fdp = fd;
	return ret;
}

/*
 * Every context bank translates: multi-page buffers work on each session,
 * also on sessions given out again after their file was closed.
 */
TEST_F_TIMEOUT(cdsp, every_session, 120)
{
	const uint64_t len = 256 * 1024;
	int fds[16], round, i, n, ret;

	NEED_BUFARGS(self->fd, self->simtest);
	n = self->info.num_sessions - 1;	/* the fixture holds one */
	ASSERT_LT(0, n);
	ASSERT_GE(16, n);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < n; i++) {
			ret = echo_on_new_file(len, round * 10 + i, &fds[i]);
			EXPECT_EQ(0, ret) TH_LOG("round %d, file %d: %s", round,
						 i, strerror(-ret));
			if (ret)
				fds[i] = -1;
		}
		for (i = 0; i < n; i++)
			if (fds[i] >= 0)
				close(fds[i]);
	}
	/* One file at a time, closed before the next */
	for (i = 0; i < 4; i++) {
		ret = echo_on_new_file(len, 100 + i, NULL);
		EXPECT_EQ(0, ret) TH_LOG("sequential file %d: %s", i,
					 strerror(-ret));
	}
	/* and the fixture's session still works */
	{
		struct bo a, b;

		BO_NEW(self->fd, len, &a);
		BO_NEW(self->fd, len, &b);
		fill_pattern(a.map, len, 200);
		ASSERT_EQ(0, echo_args(self->fd, self->simtest,
				       frpc_arg_gem(a.handle, 0, len),
				       frpc_arg_gem(b.handle, 0, len)));
		EXPECT_EQ(-1, check_pattern(b.map, len, 200));
		bo_free(self->fd, &a);
		bo_free(self->fd, &b);
	}
}

/* ------------------------------------------------------------------ */
/* dma-buf heaps and PRIME                                            */
/* ------------------------------------------------------------------ */

TEST_F_TIMEOUT(cdsp, dma_heap, 120)
{
	const uint64_t size = 4 * MiB;
	struct drm_fastrpc_gem_mmap_offset mo;
	uint8_t *hmap;
	struct bo bo;
	uint32_t imp, imp2;
	ssize_t bad;
	int hfd, ret;

	NEED_BUFARGS(self->fd, self->simtest);
	hfd = frpc_dma_heap_alloc("system", size);
	if (hfd == -ENOENT)
		SKIP(return, "no /dev/dma_heap/system (CONFIG_DMABUF_HEAPS_SYSTEM)");
	ASSERT_LE(0, hfd) TH_LOG("heap alloc: %s", strerror(-hfd));
	hmap = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0);
	ASSERT_NE(MAP_FAILED, hmap);
	BO_NEW(self->fd, size, &bo);

	/* dma-buf in, in place */
	frpc_dmabuf_sync(hfd, 0);
	fill_pattern(hmap, size, 61);
	frpc_dmabuf_sync(hfd, 1);
	memset(bo.map, 0, size);
	ret = echo_args(self->fd, self->simtest, frpc_arg_dmabuf(hfd, 0, size),
			frpc_arg_gem(bo.handle, 0, size));
	ASSERT_EQ(0, ret) TH_LOG("dma-buf in: %s", strerror(-ret));
	bad = check_pattern(bo.map, size, 61);
	EXPECT_EQ(-1, bad) TH_LOG("byte %zd", bad);

	/* dma-buf out, at an unaligned offset across pages */
	fill_pattern(bo.map, size, 62);
	ret = echo_args(self->fd, self->simtest,
			frpc_arg_gem(bo.handle, 0, 3 * MiB),
			frpc_arg_dmabuf(hfd, MiB - 7, 3 * MiB));
	ASSERT_EQ(0, ret) TH_LOG("dma-buf out: %s", strerror(-ret));
	frpc_dmabuf_sync(hfd, 0);
	bad = check_pattern(hmap + MiB - 7, 3 * MiB, 62);
	EXPECT_EQ(-1, bad) TH_LOG("byte %zd", bad);
	EXPECT_EQ(-1, check_pattern(hmap, MiB - 7, 61));
	frpc_dmabuf_sync(hfd, 1);

	/* Imported as a GEM object */
	ret = frpc_prime_import(self->fd, hfd, &imp);
	ASSERT_EQ(0, ret) TH_LOG("PRIME import: %s", strerror(-ret));
	/* Importing again gives the same handle */
	ASSERT_EQ(0, frpc_prime_import(self->fd, hfd, &imp2));
	EXPECT_EQ(imp, imp2);
	memset(bo.map, 0, size);
	ret = echo_args(self->fd, self->simtest, frpc_arg_gem(imp, 0, size),
			frpc_arg_gem(bo.handle, 0, size));
	ASSERT_EQ(0, ret) TH_LOG("import in: %s", strerror(-ret));
	EXPECT_EQ(-1, check_pattern(bo.map + MiB - 7, 3 * MiB, 62));
	fill_pattern(bo.map, PAGE, 63);
	ASSERT_EQ(0, echo_args(self->fd, self->simtest,
			       frpc_arg_gem(bo.handle, 0, PAGE),
			       frpc_arg_gem(imp, size - PAGE, PAGE)));
	frpc_dmabuf_sync(hfd, 0);
	EXPECT_EQ(-1, check_pattern(hmap + size - PAGE, PAGE, 63));
	frpc_dmabuf_sync(hfd, 1);
	/* A range past the end of the import */
	EXPECT_EQ(-ERANGE, echo_args(self->fd, self->simtest,
				     frpc_arg_gem(imp, size - 8, 16),
				     frpc_arg_gem(bo.handle, 0, 16)));

	/* An import is mapped through its exporter, not through us */
	memset(&mo, 0, sizeof(mo));
	mo.handle = imp;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_FASTRPC_GEM_MMAP_OFFSET, &mo));
	EXPECT_EQ(EINVAL, errno);

	EXPECT_EQ(0, frpc_gem_close(self->fd, imp));
	munmap(hmap, size);
	close(hfd);
	bo_free(self->fd, &bo);
}

/*
 * fdinfo's memory keys for an object of the device and for an import: an
 * object is resident once a call mapped it, shared once exported; an
 * import is shared and resident (the exporter holds its pages), and
 * exporting it again gives the dma-buf it came from.
 */
TEST_F(cdsp, prime_fdinfo_keys)
{
	int64_t tot0, sh0, res0;
	struct stat st1, st2;
	uint32_t h, imp;
	int hfd, dfd, ret;
	struct bo out;

	NEED_BUFARGS(self->fd, self->simtest);
	hfd = frpc_dma_heap_alloc("system", 16 * PAGE);
	if (hfd == -ENOENT)
		SKIP(return, "no /dev/dma_heap/system (CONFIG_DMABUF_HEAPS_SYSTEM)");
	ASSERT_LE(0, hfd);
	BO_NEW(self->fd, PAGE, &out);

	tot0 = fdinfo_key(self->fd, "drm-total-");
	sh0 = fdinfo_key(self->fd, "drm-shared-");
	res0 = fdinfo_key(self->fd, "drm-resident-");

	/* An object of the device: its pages come with its first call */
	ASSERT_EQ(0, frpc_gem_create(self->fd, 8 * PAGE, &h));
	EXPECT_EQ(tot0 + 8 * (int64_t)PAGE, fdinfo_key(self->fd, "drm-total-"));
	EXPECT_EQ(sh0, fdinfo_key(self->fd, "drm-shared-"));
	EXPECT_EQ(res0, fdinfo_key(self->fd, "drm-resident-"));
	ret = echo_args(self->fd, self->simtest, frpc_arg_gem(h, 0, PAGE),
			frpc_arg_gem(out.handle, 0, PAGE));
	ASSERT_EQ(0, ret) TH_LOG("call: %s", strerror(-ret));
	EXPECT_EQ(res0 + 8 * (int64_t)PAGE, fdinfo_key(self->fd, "drm-resident-"));
	/* Exported, it is shared */
	ASSERT_EQ(0, frpc_prime_export(self->fd, h, &dfd));
	EXPECT_EQ(sh0 + 8 * (int64_t)PAGE, fdinfo_key(self->fd, "drm-shared-"));
	close(dfd);

	/* An import: shared and resident from the start */
	ASSERT_EQ(0, frpc_prime_import(self->fd, hfd, &imp));
	EXPECT_EQ(tot0 + 24 * (int64_t)PAGE, fdinfo_key(self->fd, "drm-total-"));
	EXPECT_EQ(sh0 + 24 * (int64_t)PAGE, fdinfo_key(self->fd, "drm-shared-"));
	EXPECT_EQ(res0 + 24 * (int64_t)PAGE, fdinfo_key(self->fd, "drm-resident-"));
	/* Exporting an import gives back the exporter's dma-buf */
	ASSERT_EQ(0, frpc_prime_export(self->fd, imp, &dfd));
	ASSERT_EQ(0, fstat(hfd, &st1));
	ASSERT_EQ(0, fstat(dfd, &st2));
	EXPECT_EQ(st1.st_ino, st2.st_ino);
	close(dfd);

	EXPECT_EQ(0, frpc_gem_close(self->fd, imp));
	EXPECT_EQ(0, frpc_gem_close(self->fd, h));
	EXPECT_EQ(tot0, fdinfo_key(self->fd, "drm-total-"));
	EXPECT_EQ(sh0, fdinfo_key(self->fd, "drm-shared-"));
	EXPECT_EQ(res0, fdinfo_key(self->fd, "drm-resident-"));
	bo_free(self->fd, &out);
	close(hfd);
}

TEST_F(cdsp, prime_self)
{
	struct bo bo;
	uint32_t h;
	int dfd;
	uint8_t *p;

	NEED_GEM(self->fd);
	BO_NEW(self->fd, 3 * PAGE, &bo);
	fill_pattern(bo.map, 3 * PAGE, 71);
	ASSERT_EQ(0, frpc_prime_export(self->fd, bo.handle, &dfd));
	ASSERT_LE(0, dfd);
	/* Our own dma-buf comes back as the same object */
	ASSERT_EQ(0, frpc_prime_import(self->fd, dfd, &h));
	EXPECT_EQ(bo.handle, h);
	/* The dma-buf maps too, with the same content */
	p = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, dfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, check_pattern(p, 3 * PAGE, 71));
	munmap(p, 3 * PAGE);
	EXPECT_EQ(-ENOENT, frpc_prime_export(self->fd, 0x7fffffff, &dfd));
	close(dfd);
	bo_free(self->fd, &bo);
}

TEST_F(cdsp, prime_other_process)
{
	const uint32_t pattern = 0x13572468;
	struct bo bo;
	int dfd, status;
	pid_t pid;

	NEED_BUFARGS(self->fd, self->simtest);
	BO_NEW(self->fd, 2 * MiB, &bo);
	ASSERT_EQ(0, frpc_prime_export(self->fd, bo.handle, &dfd));
	fill_pattern(bo.map, 2 * MiB, 72);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint32_t st, h, out;
		uint8_t buf[64];
		int fd;

		/* dfd is inherited (exec would drop it, fork does not) */
		close(self->fd);
		fd = frpc_open_simtest("cdsp", &st);
		if (fd < 0)
			_exit(10);
		if (frpc_prime_import(fd, dfd, &h))
			_exit(11);
		/* Read what the parent wrote, then overwrite a range */
		if (echo_args(fd, st, frpc_arg_gem(h, MiB - 32, 64),
			      frpc_arg_inline(buf, 64)))
			_exit(12);
		if (memcmp(buf, bo.map + MiB - 32, 64))
			_exit(13);
		if (fill_args(fd, st, pattern, frpc_arg_gem(h, PAGE, MiB)))
			_exit(14);
		out = 0;
		if (echo_args(fd, st, frpc_arg_gem(h, MiB, 4),
			      frpc_arg_inline(&out, 4)) || out != pattern)
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(-1, check_pattern(bo.map, PAGE, 72));
	EXPECT_EQ(-1, check_words(bo.map + PAGE, MiB, pattern));
	EXPECT_EQ(bo.map[PAGE + MiB], pattern_byte(72, PAGE + MiB));
	close(dfd);
	bo_free(self->fd, &bo);
}

TEST_F(cdsp, prime_other_device)
{
	struct bo bo;
	uint32_t st, h;
	int afd, dfd, ret;

	NEED_BUFARGS(self->fd, self->simtest);
	afd = frpc_open_simtest("adsp", &st);
	if (afd == -ENOENT)
		SKIP(return, "no adsp device");
	ASSERT_LE(0, afd) TH_LOG("adsp: %s", strerror(-afd));
	BO_NEW(self->fd, 256 * 1024, &bo);
	fill_pattern(bo.map, 256 * 1024, 73);
	ASSERT_EQ(0, frpc_prime_export(self->fd, bo.handle, &dfd));
	ret = frpc_prime_import(afd, dfd, &h);
	ASSERT_EQ(0, ret) TH_LOG("import on adsp: %s", strerror(-ret));
	close(dfd);
	/* The adsp DSP copies the first half to the second one */
	ret = echo_args(afd, st, frpc_arg_gem(h, 0, 128 * 1024),
			frpc_arg_gem(h, 128 * 1024, 128 * 1024));
	ASSERT_EQ(0, ret) TH_LOG("echo on adsp: %s", strerror(-ret));
	EXPECT_EQ(-1, check_pattern(bo.map, 128 * 1024, 73));
	EXPECT_EQ(-1, check_pattern(bo.map + 128 * 1024, 128 * 1024, 73));
	/* Also as a dma-buf argument of the adsp */
	ASSERT_EQ(0, frpc_prime_export(self->fd, bo.handle, &dfd));
	ASSERT_EQ(0, fill_args(afd, st, 0xabababab,
			       frpc_arg_dmabuf(dfd, 0, PAGE)));
	EXPECT_EQ(-1, check_words(bo.map, PAGE, 0xabababab));
	close(dfd);
	EXPECT_EQ(0, frpc_gem_close(afd, h));
	close(afd);
	bo_free(self->fd, &bo);
}

/*
 * An import keeps working when its exporter is gone: no handle, fd or
 * file of the exporter left, only the imported handle.
 */
static void exporter_closed(struct __test_metadata *_metadata, int fd,
			    uint32_t simtest, const char *exp_dom)
{
	const uint64_t size = 64 * 1024;
	uint8_t out[256];
	uint32_t h, eh;
	int efd, dfd, ret, i;
	uint64_t off;
	uint8_t *p;

	efd = frpc_open_domain(exp_dom, NULL, NULL, 0);
	if (efd == -ENOENT)
		SKIP(return, "no %s device", exp_dom);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, frpc_gem_create(efd, size, &eh));
	ASSERT_EQ(0, frpc_gem_mmap_offset(efd, eh, &off));
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, efd, off);
	ASSERT_NE(MAP_FAILED, p);
	fill_pattern(p, size, 74);
	munmap(p, size);
	ASSERT_EQ(0, frpc_prime_export(efd, eh, &dfd));
	ret = frpc_prime_import(fd, dfd, &h);
	ASSERT_EQ(0, ret) TH_LOG("import from %s: %s", exp_dom, strerror(-ret));
	close(dfd);
	ASSERT_EQ(0, frpc_gem_close(efd, eh));
	close(efd);

	/* Read it, write it, read the write back */
	ret = echo_args(fd, simtest, frpc_arg_gem(h, size - 256, 256),
			frpc_arg_inline(out, 256));
	ASSERT_EQ(0, ret) TH_LOG("echo from the import: %s", strerror(-ret));
	for (i = 0; i < 256; i++) {
		ASSERT_EQ(pattern_byte(74, size - 256 + i), out[i])
			TH_LOG("byte %d of the tail", i);
	}
	ASSERT_EQ(0, fill_args(fd, simtest, 0x77777777,
			       frpc_arg_gem(h, 0, 256)));
	ASSERT_EQ(0, echo_args(fd, simtest, frpc_arg_gem(h, 0, 256),
			       frpc_arg_inline(out, 256)));
	EXPECT_EQ(-1, check_words(out, 256, 0x77777777));
	/* Until it is released */
	EXPECT_EQ(0, frpc_gem_close(fd, h));
	EXPECT_EQ(-ENOENT, echo_args(fd, simtest, frpc_arg_gem(h, 0, 256),
				     frpc_arg_inline(out, 256)));
}

TEST_F(cdsp, prime_exporter_closed_same_device)
{
	NEED_BUFARGS(self->fd, self->simtest);
	exporter_closed(_metadata, self->fd, self->simtest, "cdsp");
}

TEST_F(cdsp, prime_exporter_closed_other_device)
{
	NEED_BUFARGS(self->fd, self->simtest);
	exporter_closed(_metadata, self->fd, self->simtest, "adsp");
}

/* ------------------------------------------------------------------ */
/* Isolation between processes                                        */
/* ------------------------------------------------------------------ */

/*
 * Process B maps a buffer; process A (us, another context bank) asks the
 * DSP to read an IOVA that is mapped only in B's context bank: the SMMU
 * faults, the call fails and B's data is intact.
 */
TEST_F_TIMEOUT(cdsp, isolation_read_iova, 60)
{
	const uint64_t bsize = 4 * MiB;
	struct iova_range r[512];
	struct sim_map am, bm;
	uint64_t a_addr, iova = 0, f0, f1;
	int p2c[2], c2p[2], n, ret, status;
	uint8_t buf[64];
	struct bo abo;
	pid_t pid;
	char c;

	NEED_BUFARGS(self->fd, self->simtest);
	NEED_MAP();
	NEED_METHOD(self->fd, self->simtest, FRPC_SIMTEST_READ_IOVA,
		    "read_iova");
	NEED_SIM_FILE("maps");
	NEED_SIM_FILE("smmu");
	NEED_SIM_FILE("smmu_faults");

	/* Our own mapping: read_iova of it works (the method is sound) */
	BO_NEW(self->fd, PAGE, &abo);
	fill_pattern(abo.map, PAGE, 81);
	ASSERT_EQ(0, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, abo.handle, 0,
			      PAGE, &a_addr));
	ret = sim_find_map(a_addr, PAGE, &am);
	ASSERT_EQ(0, ret) TH_LOG("our mapping %#llx not in the maps file",
				 (unsigned long long)a_addr);
	ret = sim_read_iova(self->fd, self->simtest, am.iova + 16, buf, 64);
	ASSERT_EQ(0, ret) TH_LOG("read_iova of our own IOVA %#llx: %s",
				 (unsigned long long)am.iova, strerror(-ret));
	EXPECT_EQ(0, memcmp(buf, abo.map + 16, 64));

	ASSERT_EQ(0, pipe(p2c));
	ASSERT_EQ(0, pipe(c2p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint64_t addr = 0;
		uint32_t st;
		struct bo b;
		int fd;

		close(self->fd);
		fd = frpc_open_simtest("cdsp", &st);
		if (fd < 0 || bo_new(fd, bsize, &b))
			_exit(10);
		fill_pattern(b.map, bsize, 82);
		if (frpc_map(fd, DRM_FASTRPC_BUF_GEM, b.handle, 0, bsize,
			     &addr))
			_exit(11);
		/* and uses it in a call */
		if (echo_args(fd, st, frpc_arg_gem(b.handle, 0, 64),
			      frpc_arg_gem(b.handle, bsize - 64, 64)))
			_exit(12);
		if (write(c2p[1], &addr, sizeof(addr)) != sizeof(addr))
			_exit(13);
		/* wait for A's attempt */
		if (read(p2c[0], &c, 1) != 1)
			_exit(14);
		/* B's data is intact */
		if (check_pattern(b.map, bsize - 64, 82) != -1)
			_exit(15);
		if (memcmp(b.map + bsize - 64, b.map, 64))
			_exit(16);
		_exit(0);
	}
	close(c2p[1]);
	close(p2c[0]);
	ASSERT_EQ((ssize_t)sizeof(uint64_t), read(c2p[0], &bm.dsp_addr, 8))
		TH_LOG("child setup failed");
	ret = sim_find_map(bm.dsp_addr, bsize, &bm);
	ASSERT_EQ(0, ret) TH_LOG("B's mapping %#llx not in the maps file",
				 (unsigned long long)bm.dsp_addr);
	EXPECT_NE(am.sid, bm.sid) TH_LOG("A and B share context bank %llu",
					 (unsigned long long)am.sid);

	/* An IOVA of B's mapping that is not mapped in our bank */
	n = sim_smmu_ranges(r, ARRAY_SIZE(r));
	ASSERT_LT(0, n) TH_LOG("no range in the smmu file");
	EXPECT_TRUE(sid_has_ranges(r, n, am.sid));
	ASSERT_TRUE(iova_mapped_in(r, n, bm.sid, bm.iova))
		TH_LOG("B's IOVA %#llx not in the smmu file for SID %llu",
		       (unsigned long long)bm.iova,
		       (unsigned long long)bm.sid);
	for (uint64_t o = 0; o < bsize; o += PAGE) {
		if (iova_mapped_in(r, n, bm.sid, bm.iova + o) &&
		    !iova_mapped_in(r, n, am.sid, bm.iova + o)) {
			iova = bm.iova + o;
			break;
		}
	}
	ASSERT_NE(0ull, iova) TH_LOG("every IOVA of B is mapped for A too");

	f0 = sim_counter(_metadata, "smmu_faults");
	ret = sim_read_iova(self->fd, self->simtest, iova, buf, 64);
	EXPECT_EQ(-EINVAL, ret) TH_LOG("read_iova of B's %#llx: %s",
				       (unsigned long long)iova,
				       strerror(-ret));
	f1 = sim_counter(_metadata, "smmu_faults");
	EXPECT_LT(f0, f1);
	/* A's own IOVA still reads */
	EXPECT_EQ(0, sim_read_iova(self->fd, self->simtest, am.iova, buf, 16));
	ASSERT_EQ(1, write(p2c[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("B: exit %d",
						 WEXITSTATUS(status));
	EXPECT_EQ(0, frpc_unmap(self->fd, a_addr));
	bo_free(self->fd, &abo);
}

/* ------------------------------------------------------------------ */
/* DSP mappings                                                       */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, map_write_read)
{
	const uint64_t size = 64 * 1024;
	uint8_t buf[16 * 1024];
	uint64_t addr, addr2;
	struct bo bo;
	int ret;

	NEED_GEM(self->fd);
	NEED_MAP();
	NEED_METHOD(self->fd, self->simtest, FRPC_SIMTEST_WRITE_AT, "write_at");
	NEED_METHOD(self->fd, self->simtest, FRPC_SIMTEST_READ_AT, "read_at");
	BO_NEW(self->fd, size, &bo);

	ret = frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, bo.handle, 0, size,
		       &addr);
	ASSERT_EQ(0, ret) TH_LOG("MAP: %s", strerror(-ret));
	EXPECT_NE(0ull, addr);
	/* The DSP writes through its address, the CPU reads it */
	ret = sim_write_at(self->fd, self->simtest, addr + PAGE, 2 * PAGE,
			   0xdeadbeef);
	ASSERT_EQ(0, ret) TH_LOG("write_at: %s", strerror(-ret));
	EXPECT_EQ(-1, check_bytes(bo.map, PAGE, 0));
	EXPECT_EQ(-1, check_words(bo.map + PAGE, 2 * PAGE, 0xdeadbeef));
	EXPECT_EQ(-1, check_bytes(bo.map + 3 * PAGE, size - 3 * PAGE, 0));
	/* The CPU writes, the DSP reads it */
	fill_pattern(bo.map + 5 * PAGE + 3, sizeof(buf), 91);
	ret = sim_read_at(self->fd, self->simtest, addr + 5 * PAGE + 3, buf,
			  sizeof(buf));
	ASSERT_EQ(0, ret) TH_LOG("read_at: %s", strerror(-ret));
	EXPECT_EQ(-1, check_pattern(buf, sizeof(buf), 91));

	/* A partial mapping covers only its range */
	ret = frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, bo.handle, 8 * PAGE,
		       2 * PAGE, &addr2);
	ASSERT_EQ(0, ret) TH_LOG("MAP of a range: %s", strerror(-ret));
	ASSERT_EQ(0, sim_write_at(self->fd, self->simtest, addr2, 2 * PAGE,
				  0x11223344));
	EXPECT_EQ(-1, check_words(bo.map + 8 * PAGE, 2 * PAGE, 0x11223344));
	EXPECT_EQ(0, bo.map[10 * PAGE]);
	ASSERT_EQ(0, frpc_unmap(self->fd, addr));
	/* Not past its end */
	EXPECT_NE(0, sim_write_at(self->fd, self->simtest, addr2 + PAGE,
				  2 * PAGE, 0x55555555));
	EXPECT_EQ(0, bo.map[10 * PAGE]);
	EXPECT_EQ(-1, check_words(bo.map + 8 * PAGE, 2 * PAGE, 0x11223344));

	/* Unmapped: the DSP cannot reach it any more */
	ASSERT_EQ(0, frpc_unmap(self->fd, addr2));
	ret = sim_write_at(self->fd, self->simtest, addr, PAGE, 0x66666666);
	EXPECT_NE(0, ret);
	ret = sim_write_at(self->fd, self->simtest, addr2, PAGE, 0x66666666);
	EXPECT_NE(0, ret);
	EXPECT_EQ(-1, check_bytes(bo.map, PAGE, 0));
	EXPECT_EQ(-1, check_words(bo.map + 8 * PAGE, 2 * PAGE, 0x11223344));

	/* The mapping holds the object: close the handle while mapped */
	ASSERT_EQ(0, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, bo.handle, 0,
			      PAGE, &addr));
	ASSERT_EQ(0, frpc_gem_close(self->fd, bo.handle));
	bo.handle = 0;
	EXPECT_EQ(0, sim_write_at(self->fd, self->simtest, addr, PAGE,
				  0x99999999));
	EXPECT_EQ(-1, check_words(bo.map, PAGE, 0x99999999));
	EXPECT_EQ(0, frpc_unmap(self->fd, addr));
	bo_free(self->fd, &bo);
}

/*
 * A range given to the DSP process's heap goes to the DSP as MMAP (ADD_PAGES)
 * and comes back with MUNMAP; the simulator records which request made
 * each mapping and only undoes it with the matching one.
 */
TEST_F(cdsp, map_heap)
{
	const uint64_t size = 4 * PAGE;
	uint64_t addr, mem_addr;
	struct sim_map m;
	struct bo bo;
	int ret;

	NEED_GEM(self->fd);
	NEED_MAP();
	NEED_METHOD(self->fd, self->simtest, FRPC_SIMTEST_WRITE_AT, "write_at");
	BO_NEW(self->fd, size, &bo);

	ret = frpc_map(self->fd, DRM_FASTRPC_BUF_GEM | DRM_FASTRPC_MAP_HEAP,
		       bo.handle, 0, size, &addr);
	ASSERT_EQ(0, ret) TH_LOG("MAP to the heap: %s", strerror(-ret));
	ASSERT_EQ(0, sim_find_map(addr, size, &m));
	EXPECT_STREQ("heap", m.kind);
	ret = frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, bo.handle, 0, size,
		       &mem_addr);
	ASSERT_EQ(0, ret) TH_LOG("MAP: %s", strerror(-ret));
	ASSERT_EQ(0, sim_find_map(mem_addr, size, &m));
	EXPECT_STREQ("mem", m.kind);

	/* The DSP reaches the heap pages through their address */
	ASSERT_EQ(0, sim_write_at(self->fd, self->simtest, addr, size,
				  0x5eed5eed));
	EXPECT_EQ(-1, check_words(bo.map, size, 0x5eed5eed));

	/* Each is undone by its own request */
	ASSERT_EQ(0, frpc_unmap(self->fd, addr));
	EXPECT_EQ(-ENOENT, sim_find_map(addr, size, &m));
	EXPECT_NE(0, sim_write_at(self->fd, self->simtest, addr, PAGE, 1));
	ASSERT_EQ(0, frpc_unmap(self->fd, mem_addr));
	EXPECT_EQ(-ENOENT, sim_find_map(mem_addr, size, &m));

	/* Unknown flag bits, and the heap flag without a buffer kind */
	EXPECT_EQ(-EINVAL, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM | (1 << 3),
				    bo.handle, 0, PAGE, &addr));
	EXPECT_EQ(-EINVAL, frpc_map(self->fd, DRM_FASTRPC_MAP_HEAP, bo.handle,
				    0, PAGE, &addr));
	bo_free(self->fd, &bo);
}

TEST_F(cdsp, map_dmabuf)
{
	const uint64_t size = 2 * MiB;
	uint64_t addr;
	uint8_t *p;
	int hfd, ret;

	NEED_GEM(self->fd);
	NEED_MAP();
	NEED_METHOD(self->fd, self->simtest, FRPC_SIMTEST_WRITE_AT, "write_at");
	hfd = frpc_dma_heap_alloc("system", size);
	if (hfd == -ENOENT)
		SKIP(return, "no /dev/dma_heap/system");
	ASSERT_LE(0, hfd);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ret = frpc_map(self->fd, DRM_FASTRPC_BUF_DMABUF, hfd, MiB, MiB, &addr);
	ASSERT_EQ(0, ret) TH_LOG("MAP dma-buf: %s", strerror(-ret));
	ASSERT_EQ(0, sim_write_at(self->fd, self->simtest, addr + 4, 40000,
				  0x0badcafe));
	frpc_dmabuf_sync(hfd, 0);
	EXPECT_EQ(-1, check_words(p + MiB + 4, 40000, 0x0badcafe));
	EXPECT_EQ(0, p[MiB + 3]);
	EXPECT_EQ(0, p[MiB + 40004]);
	frpc_dmabuf_sync(hfd, 1);
	EXPECT_EQ(0, frpc_unmap(self->fd, addr));
	munmap(p, size);
	close(hfd);
}

/*
 * Map and unmap many times on a file of its own: the DSP mappings are gone
 * at each UNMAP, and once the file is closed nothing at all is left (the
 * driver may keep the session mappings of the objects until then).
 */
TEST_F_TIMEOUT(cdsp, map_many, 300)
{
	const unsigned int n = 1000;
	uint64_t s_maps0, s_pages0, d_bo0, d_maps0, v;
	uint64_t *addrs;
	uint32_t *h, st;
	unsigned int i;
	int fd, ret;

	NEED_GEM(self->fd);
	NEED_MAP();
	NEED_SIM_FILE("dsp_maps");
	NEED_SIM_FILE("smmu_pages");
	NEED_DRV_COUNTER(self->fd, "bo_maps");
	NEED_DRV_COUNTER(self->fd, "dsp_maps");
	addrs = calloc(n, sizeof(*addrs));
	h = calloc(n, sizeof(*h));
	ASSERT_NE(NULL, addrs);
	ASSERT_NE(NULL, h);

	settle(self->fd);
	s_maps0 = sim_counter(_metadata, "dsp_maps");
	s_pages0 = sim_counter(_metadata, "smmu_pages");
	d_bo0 = drv_counter(_metadata, self->fd, "bo_maps");
	d_maps0 = drv_counter(_metadata, self->fd, "dsp_maps");
	fd = frpc_open_simtest("cdsp", &st);
	ASSERT_LE(0, fd) TH_LOG("second cdsp file: %s", strerror(-fd));

	/* n buffers mapped at once */
	for (i = 0; i < n; i++) {
		ret = frpc_gem_create(fd, (i % 3 + 1) * PAGE, &h[i]);
		ASSERT_EQ(0, ret) TH_LOG("create %u: %s", i, strerror(-ret));
		ret = frpc_map(fd, DRM_FASTRPC_BUF_GEM, h[i], 0,
			       (i % 3 + 1) * PAGE, &addrs[i]);
		ASSERT_EQ(0, ret) TH_LOG("map %u: %s", i, strerror(-ret));
	}
	EXPECT_EQ(s_maps0 + n, sim_counter(_metadata, "dsp_maps"));
	EXPECT_EQ(d_maps0 + n, drv_counter(_metadata, self->fd, "dsp_maps"));
	EXPECT_LE(d_bo0 + n, drv_counter(_metadata, self->fd, "bo_maps"));
	EXPECT_LE(s_pages0 + n, sim_counter(_metadata, "smmu_pages"));
	for (i = 0; i < n; i++) {
		ret = frpc_unmap(fd, addrs[i]);
		ASSERT_EQ(0, ret) TH_LOG("unmap %u: %s", i, strerror(-ret));
	}
	EXPECT_EQ(s_maps0, sim_counter(_metadata, "dsp_maps"));
	EXPECT_EQ(d_maps0, drv_counter(_metadata, self->fd, "dsp_maps"));
	/* n cycles of one buffer */
	for (i = 0; i < n; i++) {
		uint64_t a;

		ret = frpc_map(fd, DRM_FASTRPC_BUF_GEM, h[i], 0, PAGE, &a);
		ASSERT_EQ(0, ret) TH_LOG("cycle %u map: %s", i, strerror(-ret));
		ret = frpc_unmap(fd, a);
		ASSERT_EQ(0, ret) TH_LOG("cycle %u unmap: %s", i,
					 strerror(-ret));
	}
	EXPECT_EQ(s_maps0, sim_counter(_metadata, "dsp_maps"));
	EXPECT_EQ(d_maps0, drv_counter(_metadata, self->fd, "dsp_maps"));
	for (i = 0; i < n; i++) {
		ret = frpc_gem_close(fd, h[i]);
		ASSERT_EQ(0, ret) TH_LOG("close %u: %s", i, strerror(-ret));
	}
	TH_LOG("with the handles closed: bo_maps %llu (baseline %llu), smmu_pages %llu (baseline %llu)",
	       (unsigned long long)drv_counter(_metadata, self->fd, "bo_maps"),
	       (unsigned long long)d_bo0,
	       (unsigned long long)sim_counter(_metadata, "smmu_pages"),
	       (unsigned long long)s_pages0);
	close(fd);

	v = wait_counter(self->fd, NULL, "bo_maps", d_bo0, 5000);
	EXPECT_EQ(d_bo0, v);
	v = wait_counter(self->fd, "smmu_pages", NULL, s_pages0, 5000);
	EXPECT_EQ(s_pages0, v);
	EXPECT_EQ(s_maps0, sim_counter(_metadata, "dsp_maps"));
	EXPECT_EQ(d_maps0, drv_counter(_metadata, self->fd, "dsp_maps"));
	free(addrs);
	free(h);
}

struct sleeper {
	int fd;
	uint32_t simtest;
	uint32_t ms;
	int result;
};

static void *sleep_thread(void *p)
{
	struct sleeper *s = p;
	struct drm_fastrpc_arg in = frpc_arg_inline(&s->ms, sizeof(s->ms));

	s->result = frpc_invoke_args(s->fd, s->simtest, FRPC_SIMTEST_SLEEP,
				     &in, 1, NULL, 0, 0, NULL);
	return NULL;
}

TEST_F(cdsp, map_unmap_errors)
{
	struct sleeper s = { self->fd, self->simtest, 600, -1 };
	struct drm_fastrpc_unmap um;
	struct drm_fastrpc_map m;
	uint64_t addr, addr2;
	uint32_t h, st;
	pthread_t t;
	struct bo bo;
	int fd, ofd, ret;

	NEED_GEM(self->fd);
	NEED_MAP();
	BO_NEW(self->fd, 4 * PAGE, &bo);

	/* Before PROCESS_INIT */
	fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, frpc_gem_create(fd, PAGE, &h));
	EXPECT_EQ(-ENOTCONN, frpc_map(fd, DRM_FASTRPC_BUF_GEM, h, 0, PAGE,
				      &addr));
	ret = frpc_unmap(fd, 0x1000);
	EXPECT_TRUE(ret == -ENOTCONN || ret == -ENOENT)
		TH_LOG("UNMAP before PROCESS_INIT: %s", strerror(-ret));
	close(fd);

	/* Alignment, length, kind */
	EXPECT_EQ(-EINVAL, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, bo.handle,
				    1, PAGE, &addr));
	EXPECT_EQ(-EINVAL, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, bo.handle,
				    0, PAGE + 1, &addr));
	EXPECT_EQ(-EINVAL, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, bo.handle,
				    0, 100, &addr));
	EXPECT_EQ(-EINVAL, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, bo.handle,
				    0, 0, &addr));
	EXPECT_EQ(-EINVAL, frpc_map(self->fd, 0, bo.handle, 0, PAGE, &addr));
	EXPECT_EQ(-EINVAL, frpc_map(self->fd, DRM_FASTRPC_BUF_FLAGS,
				    bo.handle, 0, PAGE, &addr));
	EXPECT_EQ(-EINVAL, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM | (1u << 31),
				    bo.handle, 0, PAGE, &addr));
	/* The buffer errors of invoke arguments */
	EXPECT_EQ(-ENOENT, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, 0x7fffff,
				    0, PAGE, &addr));
	EXPECT_EQ(-ERANGE, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, bo.handle,
				    2 * PAGE, 3 * PAGE, &addr));
	EXPECT_EQ(-ERANGE, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, bo.handle,
				    4 * PAGE, PAGE, &addr));
	EXPECT_EQ(-EOVERFLOW, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM,
				       bo.handle, ~0ull - PAGE + 1, 2 * PAGE,
				       &addr));
	EXPECT_EQ(-EBADF, frpc_map(self->fd, DRM_FASTRPC_BUF_DMABUF, 0, 0,
				   PAGE, &addr));	/* stdin */

	/* Unmap of what is not a mapping of ours */
	EXPECT_EQ(-ENOENT, frpc_unmap(self->fd, 0));
	EXPECT_EQ(-ENOENT, frpc_unmap(self->fd, 0x1000));
	ASSERT_EQ(0, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, bo.handle, 0,
			      2 * PAGE, &addr));
	EXPECT_EQ(-ENOENT, frpc_unmap(self->fd, addr + PAGE));
	memset(&um, 0, sizeof(um));
	um.dsp_addr = addr;
	um.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_FASTRPC_UNMAP, &um));
	EXPECT_EQ(EINVAL, errno);
	um.flags = 0;
	um.pad = 1;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_FASTRPC_UNMAP, &um));
	EXPECT_EQ(EINVAL, errno);

	/* Another file cannot unmap it */
	ofd = frpc_open_simtest("cdsp", &st);
	ASSERT_LE(0, ofd);
	EXPECT_EQ(-ENOENT, frpc_unmap(ofd, addr));
	close(ofd);

	/* Not while a call of the file is in flight */
	ASSERT_EQ(0, pthread_create(&t, NULL, sleep_thread, &s));
	usleep(150000);
	EXPECT_EQ(-EBUSY, frpc_unmap(self->fd, addr));
	/* Mapping is fine meanwhile */
	EXPECT_EQ(0, frpc_map(self->fd, DRM_FASTRPC_BUF_GEM, bo.handle,
			      2 * PAGE, PAGE, &addr2));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, s.result);
	EXPECT_EQ(0, frpc_unmap(self->fd, addr));
	EXPECT_EQ(0, frpc_unmap(self->fd, addr2));
	EXPECT_EQ(-ENOENT, frpc_unmap(self->fd, addr));

	/* Reserved bits of a raw MAP */
	memset(&m, 0, sizeof(m));
	m.flags = DRM_FASTRPC_BUF_GEM | 0x100;
	m.handle = bo.handle;
	m.length = PAGE;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_FASTRPC_MAP, &m));
	EXPECT_EQ(EINVAL, errno);
	bo_free(self->fd, &bo);
}

/* ------------------------------------------------------------------ */
/* Bad buffer arguments                                               */
/* ------------------------------------------------------------------ */

TEST_F(cdsp, bad_buffer_args)
{
	struct drm_fastrpc_arg in, out;
	uint8_t ibuf[64], obuf[64];
	uint64_t m0 = 0;
	struct bo bo;
	int pfd[2], rfd;

	NEED_BUFARGS(self->fd, self->simtest);
	BO_NEW(self->fd, 2 * PAGE, &bo);
	if (access(SIM_DIR, F_OK) == 0)
		m0 = sim_counter(_metadata, "messages");
	out = frpc_arg_inline(obuf, 64);

	/* Unknown GEM handle */
	in = frpc_arg_gem(0x7fffff, 0, 64);
	EXPECT_EQ(-ENOENT, echo_args(self->fd, self->simtest, in, out));
	in = frpc_arg_gem(0, 0, 64);
	EXPECT_EQ(-ENOENT, echo_args(self->fd, self->simtest, in, out));
	/* Past the end */
	in = frpc_arg_gem(bo.handle, 2 * PAGE - 63, 64);
	EXPECT_EQ(-ERANGE, echo_args(self->fd, self->simtest, in, out));
	in = frpc_arg_gem(bo.handle, 2 * PAGE, 64);
	EXPECT_EQ(-ERANGE, echo_args(self->fd, self->simtest, in, out));
	in = frpc_arg_gem(bo.handle, 1ull << 40, 64);
	EXPECT_EQ(-ERANGE, echo_args(self->fd, self->simtest, in, out));
	in = frpc_arg_gem(bo.handle, 0, 64);
	EXPECT_EQ(-ERANGE, echo_args(self->fd, self->simtest, in,
				     frpc_arg_gem(bo.handle, 2 * PAGE, 64)));
	/* Wrapping */
	in = frpc_arg_gem(bo.handle, ~0ull - 10, 64);
	EXPECT_EQ(-EOVERFLOW, echo_args(self->fd, self->simtest, in, out));
	in = frpc_arg_gem(bo.handle, 8, ~0ull);
	EXPECT_EQ(-EOVERFLOW, echo_args(self->fd, self->simtest, in,
					frpc_arg_inline(obuf, 64)));
	/* Not a dma-buf: a regular file, a pipe, a closed descriptor */
	rfd = open("/proc/self/status", O_RDONLY);
	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, pipe(pfd));
	in = frpc_arg_dmabuf(rfd, 0, 64);
	EXPECT_EQ(-EBADF, echo_args(self->fd, self->simtest, in, out));
	in = frpc_arg_dmabuf(pfd[0], 0, 64);
	EXPECT_EQ(-EBADF, echo_args(self->fd, self->simtest, in, out));
	in = frpc_arg_dmabuf(self->fd, 0, 64);	/* the accel file itself */
	EXPECT_EQ(-EBADF, echo_args(self->fd, self->simtest, in, out));
	close(pfd[1]);
	in = frpc_arg_dmabuf(pfd[1], 0, 64);
	EXPECT_EQ(-EBADF, echo_args(self->fd, self->simtest, in, out));
	in = frpc_arg_dmabuf(-1, 0, 64);
	EXPECT_EQ(-EBADF, echo_args(self->fd, self->simtest, in, out));
	close(pfd[0]);
	close(rfd);
	/* Both kinds, unknown kinds */
	in = frpc_arg_gem(bo.handle, 0, 64);
	in.flags = DRM_FASTRPC_BUF_FLAGS;
	EXPECT_EQ(-EINVAL, echo_args(self->fd, self->simtest, in, out));
	in.flags = DRM_FASTRPC_BUF_GEM | (1 << 2);
	EXPECT_EQ(-EINVAL, echo_args(self->fd, self->simtest, in, out));
	in.flags = 0x80000000;
	EXPECT_EQ(-EINVAL, echo_args(self->fd, self->simtest, in, out));
	/* A pointer on a buffer argument */
	in = frpc_arg_gem(bo.handle, 0, 64);
	in.ptr = (uintptr_t)ibuf;
	EXPECT_EQ(-EINVAL, echo_args(self->fd, self->simtest, in, out));
	out = frpc_arg_gem(bo.handle, 64, 64);
	out.ptr = (uintptr_t)obuf;
	EXPECT_EQ(-EINVAL, echo_args(self->fd, self->simtest,
				     frpc_arg_inline(ibuf, 64), out));
	/* handle or offset on an inline argument */
	in = frpc_arg_inline(ibuf, 64);
	in.handle = bo.handle;
	EXPECT_EQ(-EINVAL, echo_args(self->fd, self->simtest, in,
				     frpc_arg_inline(obuf, 64)));
	in = frpc_arg_inline(ibuf, 64);
	in.offset = 8;
	EXPECT_EQ(-EINVAL, echo_args(self->fd, self->simtest, in,
				     frpc_arg_inline(obuf, 64)));

	/* None of them reached the DSP */
	if (access(SIM_DIR, F_OK) == 0)
		EXPECT_EQ(m0, sim_counter(_metadata, "messages"));

	/* and the file still works */
	fill_pattern(ibuf, 64, 99);
	EXPECT_EQ(0, echo_args(self->fd, self->simtest,
			       frpc_arg_inline(ibuf, 64),
			       frpc_arg_gem(bo.handle, 100, 64)));
	EXPECT_EQ(-1, check_pattern(bo.map + 100, 64, 99));
	bo_free(self->fd, &bo);
}

/* ------------------------------------------------------------------ */
/* A caller killed during a call with a buffer argument               */
/* ------------------------------------------------------------------ */

TEST_F_TIMEOUT(cdsp, killed_caller_with_buffer, 60)
{
	uint64_t pages0, bo0, fl0, v;
	int sync[2], status;
	pid_t pid;
	char c;

	NEED_BUFARGS(self->fd, self->simtest);
	NEED_SIM_FILE("smmu_pages");
	NEED_DRV_COUNTER(self->fd, "bo_maps");
	settle(self->fd);
	pages0 = sim_counter(_metadata, "smmu_pages");
	bo0 = drv_counter(_metadata, self->fd, "bo_maps");
	fl0 = drv_counter(_metadata, self->fd, "in_flight");
	ASSERT_EQ(0, pipe(sync));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct drm_fastrpc_arg in;
		uint64_t addr;
		uint32_t st;
		struct bo b, m;
		int fd;

		close(self->fd);
		fd = frpc_open_simtest("cdsp", &st);
		if (fd < 0 || bo_new(fd, MiB, &b) || bo_new(fd, 8 * PAGE, &m))
			_exit(10);
		/* A DSP mapping too, left for the close to undo */
		if (have_map() && frpc_map(fd, DRM_FASTRPC_BUF_GEM, m.handle,
					   0, 8 * PAGE, &addr))
			_exit(11);
		/* The sleep time is read from the buffer object */
		*(uint32_t *)(b.map + 100) = 3000;
		in = frpc_arg_gem(b.handle, 100, 4);
		if (write(sync[1], "x", 1) != 1)
			_exit(12);
		frpc_invoke_args(fd, st, FRPC_SIMTEST_SLEEP, &in, 1, NULL, 0,
				 0, NULL);
		_exit(13);	/* should have been killed */
	}
	close(sync[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1)) TH_LOG("child setup failed");
	usleep(300000);
	EXPECT_EQ(fl0 + 1, drv_counter(_metadata, self->fd, "in_flight"));
	EXPECT_LT(bo0, drv_counter(_metadata, self->fd, "bo_maps"));
	EXPECT_LT(pages0, sim_counter(_metadata, "smmu_pages"));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));

	/* The abandoned call ends when the DSP answers (3 s) or the PD goes */
	v = wait_counter(self->fd, NULL, "in_flight", fl0, 6000);
	EXPECT_EQ(fl0, v);
	v = wait_counter(self->fd, NULL, "bo_maps", bo0, 3000);
	EXPECT_EQ(bo0, v);
	v = wait_counter(self->fd, "smmu_pages", NULL, pages0, 3000);
	EXPECT_EQ(pages0, v);
}

TEST_HARNESS_MAIN
