// SPDX-License-Identifier: GPL-2.0-only
/*
 * fastrpc_failnth: allocation-failure sweep of fastrpc_accel.
 *
 * For each operation below and n = 1, 2, ...: build what the operation
 * needs (no fault injection), write n to /proc/self/task/<tid>/fail-nth
 * (the n-th failslab or fail_page_alloc site this task reaches fails),
 * run the operation, disable the injection, undo everything, and check:
 *   - the operation succeeded, or failed with ENOMEM or an error listed
 *     for it (never EFAULT, EIO or another errno an allocation failure
 *     cannot explain);
 *   - after the cleanup, with no file open, every "now" counter of every
 *     accel device (debugfs accel/<minor>/counters, by name) is back to
 *     its value before the sweep and every simulated DSP has 0 SMMU pages;
 *   - the same operation then works without injection.
 * The sweep of an operation ends at the first n that the operation no
 * longer reaches: its number of injection sites is n - 1. Every n up to
 * 32 is tried; past that (a loop allocating page after page) the step
 * grows with n (n / 8), and the exact number of sites is then found by
 * bisection. FASTRPC_FAILNTH_ALL=1 tries every n.
 *
 * Operations: accel PROCESS_INIT dynamic and root; legacy INIT_CREATE and
 * INIT_ATTACH; accel INVOKE with inline, GEM and dma-buf arguments;
 * legacy INVOKE inline and with an ALLOC_DMA_BUFF buffer; GEM_CREATE;
 * PRIME export and import; accel MAP and UNMAP; legacy ALLOC_DMA_BUFF,
 * MEM_MAP, MEM_UNMAP, MMAP and MUNMAP.
 *
 * Needs CONFIG_FAULT_INJECTION (fail-nth), FAILSLAB and FAIL_PAGE_ALLOC
 * (the debug kernel); without fail-nth it skips (exit 4). The failslab and
 * fail_page_alloc settings it changes (so that GFP_KERNEL and order-0
 * allocations can fail, and quietly) are restored at exit.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/fastrpc_accel.h>
#include <misc/fastrpc.h>

#include "../../../../../accel/fastrpc/fastrpc_util.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE		4096u
#define BUF		(64u * 1024)
#define MAX_NTH		3000
#define LEGACY_NODE	"/dev/fastrpc-cdsp"
#define FASTRPC_MMAP_ADD_PAGES	0x1000	/* ADSP_MMAP_ADD_PAGES */

/* ---------------------------------------------------------------- */
/* Fault injection                                                  */

static int nth_fd = -1;

struct dbg_setting {
	const char *path, *value;
	char saved[32];
	bool changed;
};

static struct dbg_setting settings[] = {
	{ .path = FRPC_DEBUGFS "/failslab/ignore-gfp-wait", .value = "N" },
	{ .path = FRPC_DEBUGFS "/failslab/verbose", .value = "0" },
	{ .path = FRPC_DEBUGFS "/fail_page_alloc/ignore-gfp-wait", .value = "N" },
	{ .path = FRPC_DEBUGFS "/fail_page_alloc/ignore-gfp-highmem", .value = "N" },
	{ .path = FRPC_DEBUGFS "/fail_page_alloc/min-order", .value = "0" },
	{ .path = FRPC_DEBUGFS "/fail_page_alloc/verbose", .value = "0" },
};

static int rw_file(const char *path, char *buf, size_t len, const char *val)
{
	int fd = open(path, (val ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (val)
		n = write(fd, val, strlen(val));
	else
		n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	if (!val)
		buf[n] = '\0';
	return 0;
}

static void settings_apply(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(settings); i++) {
		struct dbg_setting *s = &settings[i];

		if (rw_file(s->path, s->saved, sizeof(s->saved), NULL))
			continue;
		s->saved[strcspn(s->saved, "\n")] = '\0';
		s->changed = !rw_file(s->path, NULL, 0, s->value);
	}
}

static void settings_restore(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(settings); i++)
		if (settings[i].changed)
			rw_file(settings[i].path, NULL, 0, settings[i].saved);
}

static int nth_open(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", gettid());
	nth_fd = open(path, O_RDWR | O_CLOEXEC);
	return nth_fd < 0 ? -errno : 0;
}

static int nth_set(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(nth_fd, buf, len, 0) == len ? 0 : -errno;
}

/*
 * Disable the injection; true when the n-th site was reached (the
 * counter went down to 0), false when the operation ended before it
 */
static bool nth_reached(void)
{
	char buf[16] = "";
	ssize_t n;

	n = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)			/* the read itself was made to fail */
		buf[0] = '0';
	while (nth_set(0))
		;
	return buf[0] == '0' && (buf[1] == '\n' || buf[1] == '\0');
}

/* ---------------------------------------------------------------- */
/* Counters                                                          */

static const char *const now_counters[] = {
	"in_flight", "bo_maps", "dsp_maps", "payload_cache_held",
	"sessions_used", "payloads", "calls_live", "kept", "pinned_pages",
};

#define MAX_SNAP	64

struct snap {
	int n;
	char key[MAX_SNAP][80];
	uint64_t val[MAX_SNAP];
	bool zero[MAX_SNAP];
};

static void snap_add(struct snap *s, const char *dir, const char *name,
		     uint64_t v, bool zero)
{
	if (s->n >= MAX_SNAP)
		return;
	snprintf(s->key[s->n], sizeof(s->key[0]), "%.40s %.30s", dir, name);
	s->val[s->n] = v;
	s->zero[s->n++] = zero;
}

static void snap_take(struct snap *s)
{
	char path[384], line[128];
	struct dirent *d;
	unsigned int j;
	DIR *dir;
	FILE *f;

	memset(s, 0, sizeof(*s));
	dir = opendir(FRPC_DEBUGFS "/accel");
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), FRPC_DEBUGFS "/accel/%.200s/counters",
			 d->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			unsigned long long v;
			char name[64];

			if (sscanf(line, "%63s %llu", name, &v) != 2)
				continue;
			for (j = 0; j < ARRAY_LEN(now_counters); j++)
				if (!strcmp(name, now_counters[j]))
					snap_add(s, d->d_name, name, v, false);
		}
		fclose(f);
	}
	if (dir)
		closedir(dir);
	dir = opendir(FRPC_DEBUGFS "/fastrpc_sim");
	while (dir && (d = readdir(dir))) {
		uint64_t v;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path),
			 FRPC_DEBUGFS "/fastrpc_sim/%.200s/smmu_pages", d->d_name);
		if (!frpc_read_counter(path, NULL, &v))
			snap_add(s, d->d_name, "smmu_pages", v, true);
	}
	if (dir)
		closedir(dir);
}

static struct snap baseline;

/* Counters off the baseline after up to @secs: their number, @why names one */
static int check_baseline(double secs, char *why, size_t len)
{
	uint64_t end = frpc_now_us() + (uint64_t)(secs * 1e6);
	struct snap cur;
	int i, j, bad;

	for (;;) {
		bad = 0;
		snap_take(&cur);
		for (i = 0; i < cur.n; i++) {
			uint64_t want = 0;

			for (j = 0; j < baseline.n && !cur.zero[i]; j++)
				if (!strcmp(baseline.key[j], cur.key[i]))
					want = baseline.val[j];
			if (cur.val[i] == want)
				continue;
			if (!bad++)
				snprintf(why, len, "%s = %" PRIu64 " (baseline %"
					 PRIu64 ")", cur.key[i], cur.val[i], want);
		}
		if (!bad || frpc_now_us() > end)
			return bad;
		usleep(20000);
	}
}

/* ---------------------------------------------------------------- */
/* Operations                                                        */

/* What an operation works on; built by its setup, freed by cleanup() */
struct env {
	int fd;			/* accel or legacy file */
	int fd2;		/* a second accel file (PRIME import) */
	uint32_t simtest;
	uint32_t gem[2];
	int dmabuf[2];
	void *map[2];		/* legacy: CPU mappings of dmabuf[] */
	uint64_t dsp_addr;
	bool mapped;		/* dsp_addr holds a mapping to undo */
	bool mem_map;		/* ... made with legacy MEM_MAP, else MMAP */
	uint8_t *in, *out;
};

static uint8_t in_buf[BUF] __attribute__((aligned(4096)));
static uint8_t out_buf[BUF] __attribute__((aligned(4096)));

static int legacy_ret(int ret)
{
	return ret == 0 ? 0 : ret == -1 ? -errno : -EREMOTEIO;
}

static int open_accel(struct env *e, bool pd)
{
	int ret;

	e->fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	if (e->fd < 0)
		return e->fd;
	if (!pd)
		return 0;
	ret = frpc_process_init(e->fd, DRM_FASTRPC_PROCESS_DYNAMIC, 0);
	if (!ret)
		ret = frpc_module_open(e->fd, FRPC_SIMTEST_URI, &e->simtest);
	return ret;
}

/* remotectl1 open1 of simtest through the legacy face */
static int legacy_simtest(struct env *e)
{
	struct { uint32_t urilen, dlerrlen; } in = { sizeof(FRPC_SIMTEST_URI), 64 };
	struct { int32_t handle, dlerr; } out = { -1, -1 };
	static const char uri[] = FRPC_SIMTEST_URI;
	struct fastrpc_invoke_args a[4] = {
		{ (uintptr_t)&in, sizeof(in), -1, 0 },
		{ (uintptr_t)uri, sizeof(uri), -1, 0 },
		{ (uintptr_t)&out, sizeof(out), -1, 0 },
		{ (uintptr_t)out_buf, 64, -1, 0 },
	};
	struct fastrpc_invoke inv = {
		.handle = FRPC_HANDLE_REMOTECTL1,
		.sc = FRPC_SC(FRPC_REMOTECTL1_OPEN1, 2, 2),
		.args = (uintptr_t)a,
	};
	int ret = legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_INVOKE, &inv));

	if (!ret && out.dlerr)
		ret = -ENOENT;
	e->simtest = (uint32_t)out.handle;
	return ret;
}

static int open_legacy(struct env *e, bool pd)
{
	struct fastrpc_init_create ic;
	int ret;

	e->fd = open(LEGACY_NODE, O_RDWR | O_CLOEXEC);
	if (e->fd < 0)
		return -errno;
	if (!pd)
		return 0;
	memset(&ic, 0, sizeof(ic));
	ret = legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_INIT_CREATE, &ic));
	if (!ret)
		ret = legacy_simtest(e);
	return ret;
}

static int legacy_alloc(struct env *e, int i, uint64_t size)
{
	struct fastrpc_alloc_dma_buf a = { .fd = -1, .size = size };
	int ret = legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_ALLOC_DMA_BUFF, &a));

	if (ret)
		return ret;
	e->dmabuf[i] = a.fd;
	e->map[i] = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, a.fd, 0);
	if (e->map[i] == MAP_FAILED) {
		e->map[i] = NULL;
		return -errno;
	}
	memset(e->map[i], 0x5a, size);	/* faulted in before the injection */
	return 0;
}

static void cleanup(struct env *e)
{
	int i;

	if (e->mapped && e->mem_map) {
		struct fastrpc_mem_unmap u = {
			.fd = e->dmabuf[0], .vaddr = e->dsp_addr, .length = BUF,
		};

		ioctl(e->fd, FASTRPC_IOCTL_MEM_UNMAP, &u);
	} else if (e->mapped && e->gem[0]) {
		frpc_unmap(e->fd, e->dsp_addr);
	} else if (e->mapped) {
		struct fastrpc_req_munmap u = {
			.vaddrout = e->dsp_addr, .size = BUF,
		};

		ioctl(e->fd, FASTRPC_IOCTL_MUNMAP, &u);
	}
	for (i = 0; i < 2; i++) {
		if (e->map[i])
			munmap(e->map[i], BUF);
		if (e->dmabuf[i] >= 0)
			close(e->dmabuf[i]);
	}
	if (e->fd2 >= 0)
		close(e->fd2);
	if (e->fd >= 0)
		close(e->fd);
	memset(e, 0, sizeof(*e));
	e->fd = e->fd2 = e->dmabuf[0] = e->dmabuf[1] = -1;
}

/* ---- setups (no injection) ---- */

static int su_accel(struct env *e) { return open_accel(e, false); }
static int su_accel_pd(struct env *e) { return open_accel(e, true); }
static int su_legacy(struct env *e) { return open_legacy(e, false); }
static int su_legacy_pd(struct env *e) { return open_legacy(e, true); }

/* The privileged accel device and -secure node: the root PD is theirs */
static int su_accel_priv(struct env *e)
{
	e->fd = frpc_open_domain_privileged("cdsp", NULL, NULL, 0);
	return e->fd < 0 ? e->fd : 0;
}

static int su_legacy_secure(struct env *e)
{
	e->fd = open(LEGACY_NODE "-secure", O_RDWR | O_CLOEXEC);
	return e->fd < 0 ? -errno : 0;
}

static int su_accel_gem(struct env *e)
{
	int ret = open_accel(e, true), i;

	for (i = 0; !ret && i < 2; i++)
		ret = frpc_gem_create(e->fd, BUF, &e->gem[i]);
	return ret;
}

static int su_accel_dmabuf(struct env *e)
{
	int ret = su_accel_gem(e), i;

	for (i = 0; !ret && i < 2; i++)
		ret = frpc_prime_export(e->fd, e->gem[i], &e->dmabuf[i]);
	return ret;
}

static int su_accel_export(struct env *e)
{
	int ret = open_accel(e, false);

	if (!ret)
		ret = frpc_gem_create(e->fd, BUF, &e->gem[0]);
	return ret;
}

/* a dma-buf of another accel file, for PRIME import into e->fd */
static int su_accel_import(struct env *e)
{
	uint32_t h;
	int ret = open_accel(e, false);

	if (ret)
		return ret;
	e->fd2 = frpc_open_domain("cdsp", NULL, NULL, 0);
	if (e->fd2 < 0)
		return e->fd2;
	ret = frpc_gem_create(e->fd2, BUF, &h);
	if (!ret)
		ret = frpc_prime_export(e->fd2, h, &e->dmabuf[0]);
	return ret;
}

static int su_accel_mapped(struct env *e)
{
	int ret = su_accel_gem(e);

	if (!ret)
		ret = frpc_map(e->fd, DRM_FASTRPC_BUF_GEM, e->gem[0], 0, BUF,
			       &e->dsp_addr);
	e->mapped = !ret;
	return ret;
}

static int su_legacy_buf(struct env *e)
{
	int ret = open_legacy(e, true), i;

	for (i = 0; !ret && i < 2; i++)
		ret = legacy_alloc(e, i, BUF);
	return ret;
}

static int su_legacy_memmapped(struct env *e)
{
	struct fastrpc_mem_map m = { .flags = FASTRPC_MAP_FD, .length = BUF };
	int ret = su_legacy_buf(e);

	if (ret)
		return ret;
	m.fd = e->dmabuf[0];
	m.vaddrin = (uintptr_t)e->map[0];
	ret = legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_MEM_MAP, &m));
	e->dsp_addr = m.vaddrout;
	e->mapped = e->mem_map = !ret;
	return ret;
}

static int su_legacy_mmapped(struct env *e)
{
	struct fastrpc_req_mmap m = {
		.fd = -1, .flags = FASTRPC_MMAP_ADD_PAGES, .size = BUF,
	};
	int ret = open_legacy(e, true);

	if (ret)
		return ret;
	ret = legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_MMAP, &m));
	e->dsp_addr = m.vaddrout;
	e->mapped = !ret;
	return ret;
}

/* ---- the operations (under injection), their checks after ---- */

static int op_pd_dynamic(struct env *e)
{
	return frpc_process_init(e->fd, DRM_FASTRPC_PROCESS_DYNAMIC, 0);
}

static int op_pd_root(struct env *e)
{
	return frpc_process_init(e->fd, DRM_FASTRPC_PROCESS_ROOT, 0);
}

static int op_legacy_create(struct env *e)
{
	struct fastrpc_init_create ic;

	memset(&ic, 0, sizeof(ic));
	return legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_INIT_CREATE, &ic));
}

static int op_legacy_attach(struct env *e)
{
	return legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_INIT_ATTACH));
}

static int check_echo(void)
{
	return memcmp(in_buf, out_buf, BUF) ? -EBADMSG : 0;
}

static int op_invoke_inline(struct env *e)
{
	struct drm_fastrpc_arg in = frpc_arg_inline(in_buf, BUF);
	struct drm_fastrpc_arg out = frpc_arg_inline(out_buf, BUF);
	int ret;

	memset(out_buf, 0, BUF);
	ret = frpc_invoke_args(e->fd, e->simtest, FRPC_SIMTEST_ECHO, &in, 1,
			       &out, 1, 0, NULL);
	return ret ? ret : check_echo();
}

/* echo in_buf -> gem[0] (inline to buffer) -> gem[1] -> out_buf */
static int invoke_bufs(struct env *e, bool dmabuf)
{
	struct drm_fastrpc_arg b0, b1, in = frpc_arg_inline(in_buf, BUF),
		out = frpc_arg_inline(out_buf, BUF);
	int ret;

	b0 = dmabuf ? frpc_arg_dmabuf(e->dmabuf[0], 0, BUF) :
		      frpc_arg_gem(e->gem[0], 0, BUF);
	b1 = dmabuf ? frpc_arg_dmabuf(e->dmabuf[1], 0, BUF) :
		      frpc_arg_gem(e->gem[1], 0, BUF);
	memset(out_buf, 0, BUF);
	ret = frpc_invoke_args(e->fd, e->simtest, FRPC_SIMTEST_ECHO, &in, 1,
			       &b0, 1, 0, NULL);
	if (!ret)
		ret = frpc_invoke_args(e->fd, e->simtest, FRPC_SIMTEST_ECHO,
				       &b0, 1, &b1, 1, 0, NULL);
	if (!ret)
		ret = frpc_invoke_args(e->fd, e->simtest, FRPC_SIMTEST_ECHO,
				       &b1, 1, &out, 1, 0, NULL);
	return ret ? ret : check_echo();
}

static int op_invoke_gem(struct env *e) { return invoke_bufs(e, false); }
static int op_invoke_dmabuf(struct env *e) { return invoke_bufs(e, true); }

static int legacy_invoke(struct env *e, struct fastrpc_invoke_args *a)
{
	struct fastrpc_invoke inv = {
		.handle = e->simtest,
		.sc = FRPC_SC(FRPC_SIMTEST_ECHO, 1, 1),
		.args = (uintptr_t)a,
	};

	return legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_INVOKE, &inv));
}

static int op_legacy_invoke_inline(struct env *e)
{
	struct fastrpc_invoke_args a[2] = {
		{ (uintptr_t)in_buf, BUF, -1, 0 },
		{ (uintptr_t)out_buf, BUF, -1, 0 },
	};
	int ret;

	memset(out_buf, 0, BUF);
	ret = legacy_invoke(e, a);
	return ret ? ret : check_echo();
}

/* echo in_buf -> dma-buf 0 -> dma-buf 1 -> out_buf, by fd */
static int op_legacy_invoke_buf(struct env *e)
{
	struct fastrpc_invoke_args a[2];
	int ret;

	memset(out_buf, 0, BUF);
	a[0] = (struct fastrpc_invoke_args){ (uintptr_t)in_buf, BUF, -1, 0 };
	a[1] = (struct fastrpc_invoke_args){ (uintptr_t)e->map[0], BUF,
					     e->dmabuf[0], 0 };
	ret = legacy_invoke(e, a);
	a[0] = a[1];
	a[1] = (struct fastrpc_invoke_args){ (uintptr_t)e->map[1], BUF,
					     e->dmabuf[1], 0 };
	if (!ret)
		ret = legacy_invoke(e, a);
	a[0] = a[1];
	a[1] = (struct fastrpc_invoke_args){ (uintptr_t)out_buf, BUF, -1, 0 };
	if (!ret)
		ret = legacy_invoke(e, a);
	return ret ? ret : check_echo();
}

static int op_gem_create(struct env *e)
{
	return frpc_gem_create(e->fd, BUF, &e->gem[0]);
}

static int op_prime_export(struct env *e)
{
	return frpc_prime_export(e->fd, e->gem[0], &e->dmabuf[1]);
}

static int op_prime_import(struct env *e)
{
	return frpc_prime_import(e->fd, e->dmabuf[0], &e->gem[1]);
}

static int op_map(struct env *e)
{
	int ret = frpc_map(e->fd, DRM_FASTRPC_BUF_GEM, e->gem[0], 0, BUF,
			   &e->dsp_addr);

	e->mapped = !ret;
	return ret;
}

static int op_unmap(struct env *e)
{
	int ret = frpc_unmap(e->fd, e->dsp_addr);

	/* a failed unmap leaves the mapping for close to undo */
	e->mapped = false;
	return ret;
}

static int op_legacy_alloc(struct env *e)
{
	struct fastrpc_alloc_dma_buf a = { .fd = -1, .size = BUF };
	int ret = legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_ALLOC_DMA_BUFF, &a));

	if (!ret)
		e->dmabuf[0] = a.fd;
	return ret;
}

static int op_legacy_mem_map(struct env *e)
{
	struct fastrpc_mem_map m = {
		.fd = e->dmabuf[0], .flags = FASTRPC_MAP_FD,
		.vaddrin = (uintptr_t)e->map[0], .length = BUF,
	};
	int ret = legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_MEM_MAP, &m));

	e->dsp_addr = m.vaddrout;
	e->mapped = e->mem_map = !ret;
	return ret;
}

static int op_legacy_mem_unmap(struct env *e)
{
	struct fastrpc_mem_unmap u = {
		.fd = e->dmabuf[0], .vaddr = e->dsp_addr, .length = BUF,
	};

	e->mapped = false;
	return legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_MEM_UNMAP, &u));
}

static int op_legacy_mmap(struct env *e)
{
	struct fastrpc_req_mmap m = {
		.fd = -1, .flags = FASTRPC_MMAP_ADD_PAGES, .size = BUF,
	};
	int ret = legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_MMAP, &m));

	e->dsp_addr = m.vaddrout;
	e->mapped = !ret;
	return ret;
}

static int op_legacy_munmap(struct env *e)
{
	struct fastrpc_req_munmap u = { .vaddrout = e->dsp_addr, .size = BUF };

	e->mapped = false;
	return legacy_ret(ioctl(e->fd, FASTRPC_IOCTL_MUNMAP, &u));
}

struct operation {
	const char *name;
	bool legacy;
	int (*setup)(struct env *e);
	int (*op)(struct env *e);
};

static const struct operation ops[] = {
	{ "accel PROCESS_INIT dynamic", false, su_accel, op_pd_dynamic },
	{ "accel PROCESS_INIT root", false, su_accel_priv, op_pd_root },
	{ "legacy INIT_CREATE", true, su_legacy, op_legacy_create },
	{ "legacy INIT_ATTACH", true, su_legacy_secure, op_legacy_attach },
	{ "accel INVOKE inline", false, su_accel_pd, op_invoke_inline },
	{ "accel INVOKE GEM", false, su_accel_gem, op_invoke_gem },
	{ "accel INVOKE dma-buf", false, su_accel_dmabuf, op_invoke_dmabuf },
	{ "legacy INVOKE inline", true, su_legacy_pd, op_legacy_invoke_inline },
	{ "legacy INVOKE dma-buf", true, su_legacy_buf, op_legacy_invoke_buf },
	{ "accel GEM_CREATE", false, su_accel, op_gem_create },
	{ "accel PRIME export", false, su_accel_export, op_prime_export },
	{ "accel PRIME import", false, su_accel_import, op_prime_import },
	{ "accel MAP", false, su_accel_gem, op_map },
	{ "accel UNMAP", false, su_accel_mapped, op_unmap },
	{ "legacy ALLOC_DMA_BUFF", true, su_legacy_pd, op_legacy_alloc },
	{ "legacy MEM_MAP", true, su_legacy_buf, op_legacy_mem_map },
	{ "legacy MEM_UNMAP", true, su_legacy_memmapped, op_legacy_mem_unmap },
	{ "legacy MMAP", true, su_legacy_pd, op_legacy_mmap },
	{ "legacy MUNMAP", true, su_legacy_mmapped, op_legacy_munmap },
};

/* What an allocation failure may give: ENOMEM (also as a DSP result) */
static bool clean_errno(int err)
{
	return err == ENOMEM;
}

static bool every_n;

/*
 * One try of @o with its @n-th allocation failing: 1 when the n-th site
 * was reached and everything is clean, 0 when the operation ended before
 * it, -1 with @why on a defect
 */
static int try_nth(const struct operation *o, unsigned int n, char *why,
		   size_t len, unsigned int *failed, unsigned int *absorbed)
{
	char cwhy[128];
	struct env e;
	bool reached;
	int ret;

	memset(&e, 0, sizeof(e));
	e.fd = e.fd2 = e.dmabuf[0] = e.dmabuf[1] = -1;
	ret = o->setup(&e);
	if (ret) {
		snprintf(why, len, "setup failed without injection: %s",
			 strerror(-ret));
		cleanup(&e);
		return -1;
	}
	if (nth_set(n)) {
		snprintf(why, len, "fail-nth: %s", strerror(errno));
		cleanup(&e);
		return -1;
	}
	ret = o->op(&e);
	reached = nth_reached();
	cleanup(&e);
	if (!reached) {
		/* the whole operation ran below n sites */
		if (!ret)
			return 0;
		snprintf(why, len, "fails without injection: %s",
			 strerror(-ret));
		return -1;
	}
	if (!ret)
		++*absorbed;
	else
		++*failed;
	if (ret && !clean_errno(-ret)) {
		snprintf(why, len, "site %u: %s (%d)", n,
			 ret == -EREMOTEIO ? "raw DSP result" : strerror(-ret),
			 -ret);
		return -1;
	}
	if (check_baseline(10, cwhy, sizeof(cwhy))) {
		snprintf(why, len, "site %u (op %.40s): after close, %.120s", n,
			 ret ? strerror(-ret) : "succeeded", cwhy);
		return -1;
	}
	return 1;
}

/* Sweep one operation; TAP line number @t */
static bool sweep(const struct operation *o, unsigned int t)
{
	unsigned int n = 1, last = 0, tried = 0, failed = 0, absorbed = 0;
	char why[256] = "", cwhy[128];
	struct env e;
	int ret = 1;

	memset(&e, 0, sizeof(e));
	e.fd = e.fd2 = e.dmabuf[0] = e.dmabuf[1] = -1;
	while (n <= MAX_NTH) {
		tried++;
		ret = try_nth(o, n, why, sizeof(why), &failed, &absorbed);
		if (ret <= 0)
			break;
		last = n;
		n += every_n || n < 32 ? 1 : n / 8;
	}
	/* sites: between last (reached) and n (not reached) */
	while (!ret && n - last > 1) {
		unsigned int mid = last + (n - last) / 2;

		tried++;
		ret = try_nth(o, mid, why, sizeof(why), &failed, &absorbed);
		if (ret < 0)
			break;
		if (ret)
			last = mid;
		else
			n = mid;
		ret = 0;
	}
	if (!why[0] && n > MAX_NTH)
		snprintf(why, sizeof(why), "more than %u sites", MAX_NTH);
	/* and it still works */
	if (!why[0]) {
		ret = o->setup(&e);
		if (!ret)
			ret = o->op(&e);
		cleanup(&e);
		if (ret)
			snprintf(why, sizeof(why), "fails after the sweep: %s",
				 strerror(-ret));
		else if (check_baseline(10, cwhy, sizeof(cwhy)))
			snprintf(why, sizeof(why), "after the sweep: %.120s", cwhy);
	}
	printf("# %s: %u injection sites; %u of them tried: %u failed with ENOMEM, %u absorbed\n",
	       o->name, last, tried, failed, absorbed);
	printf("%s %u - %s: every injected failure clean%s%s\n",
	       why[0] ? "not ok" : "ok", t, o->name, why[0] ? ": " : "", why);
	fflush(stdout);
	return !why[0];
}

/* Fault in the stack a sweep uses, then lock every page */
static void prefault(void)
{
	volatile uint8_t stack[256 * 1024];
	unsigned int i;

	for (i = 0; i < sizeof(stack); i += PAGE)
		stack[i] = 0;
	memset(in_buf, 0, BUF);
	for (i = 0; i < BUF; i++)
		in_buf[i] = (uint8_t)(i * 7 + 3);
	memset(out_buf, 0, BUF);
	mlockall(MCL_CURRENT | MCL_FUTURE);
}

int main(void)
{
	unsigned int i, t = 0;
	bool legacy, ok = true;
	char why[160];
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	every_n = getenv("FASTRPC_FAILNTH_ALL") &&
		  atoi(getenv("FASTRPC_FAILNTH_ALL"));
	if (nth_open()) {
		printf("1..0 # SKIP no /proc/self/task/<tid>/fail-nth (CONFIG_FAULT_INJECTION)\n");
		return 4;
	}
	fd = frpc_open_domain("cdsp", NULL, NULL, 0);
	if (fd < 0) {
		printf("1..0 # SKIP no cdsp accel device: %s\n", strerror(-fd));
		return 4;
	}
	close(fd);
	legacy = access(LEGACY_NODE, F_OK) == 0;
	settings_apply();
	prefault();
	printf("1..%zu\n", ARRAY_LEN(ops));
	snap_take(&baseline);
	if (check_baseline(10, why, sizeof(why)))
		printf("# not at rest at the start: %s\n", why);
	snap_take(&baseline);
	for (i = 0; i < ARRAY_LEN(ops); i++) {
		if (ops[i].legacy && !legacy) {
			printf("ok %u - %s # SKIP no %s\n", ++t, ops[i].name,
			       LEGACY_NODE);
			continue;
		}
		ok &= sweep(&ops[i], ++t);
	}
	settings_restore();
	return ok ? 0 : 1;
}
