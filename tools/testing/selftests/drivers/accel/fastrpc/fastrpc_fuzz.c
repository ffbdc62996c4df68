// SPDX-License-Identifier: GPL-2.0-only
/*
 * fastrpc_fuzz: structure-aware fuzzer of both faces of fastrpc_accel.
 *
 * Faces: the accel UAPI (include/uapi/drm/fastrpc_accel.h) on every
 * /dev/accel/accelN and the legacy UAPI (include/uapi/misc/fastrpc.h) on
 * /dev/fastrpc-cdsp, -cdsp-secure and -adsp. The same source builds 64-bit
 * and, with -m32, 32-bit (the compat ioctl path); it needs no helper
 * library.
 *
 * Requests are built field by field: mostly well-formed, with one or more
 * fields made hostile (unknown flags and kinds, non-zero MBZ fields,
 * counts that disagree, lengths that wrap, pointers to nothing, to a
 * PROT_NONE page, into the kernel or past the end of a buffer, stale GEM
 * handles and descriptors, ioctls of the other face). Phases, each
 * followed by a check that, with no file open, every "now" counter of
 * every accel device (debugfs accel/<minor>/counters, read by name) is
 * back to its value before the run and every simulated DSP has 0 SMMU
 * pages mapped:
 *   args     several processes of several threads, random requests
 *   close    a thread closes the file while another calls through it
 *   fork     a child calls through inherited files while the parent
 *            calls and closes them
 *   kill     processes SIGKILLed in the middle of calls (the summary
 *            says which request each kill interrupted)
 *   faults   load while the simulator's fault knobs drop, duplicate,
 *            shorten, truncate, lengthen, reorder, delay and misaddress
 *            replies, fail sends, crash the DSP and stall it (configfs
 *            <name>/faults/, or the debugfs files of an older
 *            simulator); every DSP is restarted at the end (a dropped
 *            reply is only reclaimed then)
 *   restart  load while the DSPs restart: configfs live 0/1, and every
 *            other time a crash through the remoteproc core (debugfs
 *            remoteproc<N>/crash, recovery on) where the DSP has one
 *
 * A request built to be invalid (an MBZ field set, an unknown kind, ...)
 * that succeeds, EFAULT for a request whose memory is all valid, an errno
 * the UAPI does not document for that face (Documentation/accel/fastrpc/
 * uapi.rst and legacy.rst), a restart errno (512-529) leaking to
 * userspace, a process that does not exit, and a counter above its baseline
 * are failures. Kernel crashes, lockdep and KASAN reports and leaks are
 * caught by the harness (dmesg, kmemleak) after the run.
 *
 * Environment: FASTRPC_FUZZ_SEED (replays a run: the seed is printed),
 * FASTRPC_FUZZ_SECONDS (default 90: the whole run, split among the
 * phases), FASTRPC_FUZZ_PHASES (comma-separated subset, default all),
 * FASTRPC_FUZZ_WORKERS (processes per phase, default 4).
 *
 * TAP output, two tests per phase; exit 0, 1, or 4 (no device: skip).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/fastrpc_accel.h>
#include <misc/fastrpc.h>

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
/* snprintf() into an array; a name too long for it gives "" */
#define SPRINTF(b, ...) do {						\
	if (snprintf((b), sizeof(b), __VA_ARGS__) >= (int)sizeof(b))	\
		(b)[0] = '\0';						\
} while (0)
#define PAGE		4096u
#define DEBUGFS		"/sys/kernel/debug"
#define CONFIGFS_SIM	"/sys/kernel/config/fastrpc-sim"
#define SIM_DEBUGFS	DEBUGFS "/fastrpc_sim"
#define ACCEL_DEBUGFS	DEBUGFS "/accel"

#define BUF_SIZE	(256u * 1024)	/* valid memory of a thread */
#define ABUF_SIZE	(512u * 1024)	/* argument arrays */
#define MAX_OBJS	8
#define MAX_FIND	64
#define MAX_WORKERS	16
#define THREADS		2
#define ERRNO_MAX	600
#define KERNEL_PTR	0xffff888000001000ull
#define KTEXT_PTR	0xffffffff81000000ull

/* Scalars word: attr[31:29] method[28:24] in[23:16] out[15:8] hin[7:4] hout[3:0] */
#define SC(m, in, out) ((((uint32_t)(m) & 0x1f) << 24) | \
			(((uint32_t)(in) & 0xff) << 16) | \
			(((uint32_t)(out) & 0xff) << 8))

#define H_REMOTECTL1	8
#define SIMTEST_URI	"file:///libsimtest_skel.so?simtest_skel_handle_invoke"
#define M_ECHO		2
#define M_SLEEP		3
#define M_ERROR		4

enum face { ACCEL, LEGACY, NFACES };
static const char *const face_names[NFACES] = { "accel", "legacy" };

enum op {
	A_OPEN, A_QUERY, A_INIT, A_INVOKE, A_GEM_CREATE, A_MMAP_OFFSET,
	A_MAP, A_UNMAP, A_GEM_CLOSE, A_PRIME_EXPORT, A_PRIME_IMPORT,
	A_DRM_CORE, A_FOREIGN,
	L_OPEN, L_ALLOC, L_FREE, L_INVOKE, L_ATTACH, L_CREATE, L_MMAP,
	L_MUNMAP, L_ATTACH_SNS, L_CREATE_STATIC, L_MEM_MAP, L_MEM_UNMAP,
	L_DSP_INFO, L_FOREIGN,
	NOPS
};

static const char *const op_names[NOPS] = {
	"open", "QUERY", "PROCESS_INIT", "INVOKE", "GEM_CREATE",
	"GEM_MMAP_OFFSET", "MAP", "UNMAP", "GEM_CLOSE", "PRIME_HANDLE_TO_FD",
	"PRIME_FD_TO_HANDLE", "drm-core", "legacy-ioctl",
	"open", "ALLOC_DMA_BUFF", "FREE_DMA_BUFF", "INVOKE", "INIT_ATTACH",
	"INIT_CREATE", "MMAP", "MUNMAP", "INIT_ATTACH_SNS",
	"INIT_CREATE_STATIC", "MEM_MAP", "MEM_UNMAP", "GET_DSP_INFO",
	"accel-ioctl",
};

static enum face op_face(enum op op)
{
	return op < L_OPEN ? ACCEL : LEGACY;
}

/* Errnos each face documents (include/uapi/drm/fastrpc_accel.h, legacy.rst) */
static const int accel_errnos[] = {
	EINVAL, EPERM, ENOTCONN, EALREADY, EBUSY, ENOENT, EBADF, ERANGE,
	E2BIG, EOVERFLOW, EFAULT, EOPNOTSUPP, ETIMEDOUT, EINTR, ENODEV, EPIPE,
	ENOMEM, EBADFD, EREMOTEIO, EAGAIN, ENOTTY, EACCES, EMFILE, EIO,
	ECONNRESET,
};

static const int legacy_errnos[] = {
	EINVAL, EPERM, EALREADY, EBUSY, ENOENT, EBADF, ERANGE, E2BIG,
	EOVERFLOW, EFAULT, EOPNOTSUPP, ETIMEDOUT, EINTR, ENODEV, EPIPE, ENOMEM,
	ENOTTY, ECHRNG, ECONNREFUSED, EREMOTEIO, EAGAIN, ENOTCONN, EBADFD,
	EMFILE, EIO, EACCES, ECONNRESET,
};

/* What an open() may fail with while DSPs come and go */
static const int open_errnos[] = {
	ENOENT, ENODEV, ENXIO, EBUSY, EPIPE, EAGAIN, ENOMEM, EINTR, EMFILE,
	ECONNREFUSED,
};

/* Counters of the run, shared by every process (MAP_SHARED) */
struct stats {
	uint64_t calls[NOPS];
	uint64_t ok[NOPS];
	uint64_t dsp_raw[NOPS];		/* legacy: raw DSP result returned */
	uint64_t err[NFACES][ERRNO_MAX + 1];
	uint64_t kills, restarts, crashes, knob_writes, forks, closes;
	uint64_t phase_find;		/* findings of the current phase */
	uint64_t killed_in[NOPS + 1];	/* kills by request in progress */
	int32_t slot[MAX_WORKERS];	/* kill phase: request in progress */
	uint32_t nfind;
	char find[MAX_FIND][240];
};

static struct stats *st;
static int32_t *my_slot;		/* kill phase child: &st->slot[id] */
static uint64_t seed;
static double run_seconds = 90;
static unsigned int nworkers = 4;

/* ---------------------------------------------------------------- */

static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (n > 0 && write(1, buf, n) < 0)
		return;
}

static void finding(const char *fmt, ...)
{
	uint32_t i = __atomic_fetch_add(&st->nfind, 1, __ATOMIC_RELAXED);
	char buf[240];
	va_list ap;

	__atomic_fetch_add(&st->phase_find, 1, __ATOMIC_RELAXED);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (i < MAX_FIND) {
		memcpy(st->find[i], buf, sizeof(buf));
		say("# FINDING: %s\n", buf);
	}
}

static void bump(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* splitmix64: a seeded stream per thread, process and phase */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rn(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

static bool chance(struct rng *r, unsigned int pct)
{
	return rn(r, 100) < pct;
}

static uint64_t pick64(struct rng *r, const uint64_t *v, unsigned int n)
{
	return v[rn(r, n)];
}

/* ---------------------------------------------------------------- */
/* Files of the kernel                                               */

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Names of the entries of @dir (no dot files), at most @max */
static int list_dir(const char *dir, char names[][64], int max)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	int n = 0;

	if (!dp)
		return 0;
	while ((d = readdir(dp)) && n < max) {
		if (d->d_name[0] == '.')
			continue;
		if (strlen(d->d_name) < 64)
			strcpy(names[n++], d->d_name);
	}
	closedir(dp);
	return n;
}

/* ---------------------------------------------------------------- */
/* Baseline of the "now" counters                                    */

static const char *const now_counters[] = {
	"in_flight", "bo_maps", "dsp_maps", "payload_cache_held",
	"sessions_used", "payloads", "calls_live", "kept", "pinned_pages",
};

#define MAX_SNAP	96

struct snap {
	int n;
	char key[MAX_SNAP][96];
	uint64_t val[MAX_SNAP];
	bool zero[MAX_SNAP];	/* must be 0 (smmu_pages), not the baseline */
};

static void snap_add(struct snap *s, const char *key, uint64_t v, bool zero)
{
	if (s->n >= MAX_SNAP)
		return;
	snprintf(s->key[s->n], sizeof(s->key[0]), "%s", key);
	s->val[s->n] = v;
	s->zero[s->n] = zero;
	s->n++;
}

static void snap_take(struct snap *s)
{
	char names[16][64], path[256], key[96], line[128], buf[128];
	int i, n, j;
	FILE *f;

	memset(s, 0, sizeof(*s));
	n = list_dir(ACCEL_DEBUGFS, names, 16);
	for (i = 0; i < n; i++) {
		SPRINTF(path, ACCEL_DEBUGFS "/%s/counters",
			 names[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char name[64];
			unsigned long long v;

			if (sscanf(line, "%63s %llu", name, &v) != 2)
				continue;
			for (j = 0; j < (int)ARRAY_LEN(now_counters); j++) {
				if (strcmp(name, now_counters[j]))
					continue;
				SPRINTF(key, "accel/%s %s",
					 names[i], name);
				snap_add(s, key, v, false);
			}
		}
		fclose(f);
	}
	n = list_dir(SIM_DEBUGFS, names, 16);
	for (i = 0; i < n; i++) {
		SPRINTF(path, SIM_DEBUGFS "/%s/smmu_pages",
			 names[i]);
		if (read_file(path, buf, sizeof(buf)) <= 0)
			continue;
		SPRINTF(key, "fastrpc_sim/%s smmu_pages",
			 names[i]);
		snap_add(s, key, strtoull(buf, NULL, 0), true);
	}
}

/* Entries of @cur off @base; printed when @verbose */
static int snap_diff(const struct snap *base, const struct snap *cur,
		     bool verbose)
{
	int i, j, bad = 0;

	for (i = 0; i < cur->n; i++) {
		uint64_t want = 0;

		if (!cur->zero[i]) {
			for (j = 0; j < base->n; j++)
				if (!strcmp(base->key[j], cur->key[i]))
					want = base->val[j];
		}
		if (cur->val[i] == want)
			continue;
		/* below: something from before the run went away, no leak */
		if (cur->val[i] > want)
			bad++;
		if (verbose)
			say("#   %s = %" PRIu64 ", baseline %" PRIu64 "%s\n",
			    cur->key[i], cur->val[i], want,
			    cur->val[i] < want ? " (below: not a leak)" : "");
	}
	return bad;
}

static struct snap baseline;

/* Poll until the counters are back (or @secs pass): 0 or the misfits */
static int wait_baseline(double secs)
{
	double end = now_s() + secs;
	struct snap cur;
	int bad;

	for (;;) {
		snap_take(&cur);
		bad = snap_diff(&baseline, &cur, false);
		if (!bad || now_s() > end)
			break;
		sleep_ms(200);
	}
	if (bad)
		snap_diff(&baseline, &cur, true);
	return bad;
}

/* ---------------------------------------------------------------- */
/* Simulated DSPs: restarts and fault knobs                          */

static char sims[8][64];
static int nsims;
static char rproc_crash[8][128];	/* per sim, "" without remoteproc */

/*
 * Fault knobs of the simulator (sim.rst) and the values the fuzzer sets:
 * configfs <name>/faults/<knob>, or the debugfs file of the same name of
 * an older simulator
 */
struct knob {
	const char *name;
	unsigned int lo, hi;
};

static const struct knob knobs[] = {
	{ "drop_reply", 1, 3 }, { "dup_reply", 1, 3 },
	{ "short_reply", 1, 3 }, { "bad_ctx", 1, 3 }, { "notify", 1, 3 },
	{ "trunc_reply", 1, 3 }, { "long_reply", 1, 3 },
	{ "reorder_reply", 1, 3 }, { "delay_ms", 1, 50 },
	{ "fail_nth", 1, 20 }, { "crash_after", 5, 200 }, { "stall", 1, 1 },
};

static bool knob_path(int sim, const struct knob *k, char *path, size_t len)
{
	if (snprintf(path, len, CONFIGFS_SIM "/%s/faults/%s", sims[sim],
		     k->name) < (int)len && exists(path))
		return true;
	return snprintf(path, len, SIM_DEBUGFS "/%s/%s", sims[sim],
			k->name) < (int)len && exists(path);
}

/*
 * The remoteproc of sim @idx (its device path names the instance, or its
 * name is the instance's label): its debugfs crash file, recovery on
 */
static void find_rproc(int idx)
{
	char names[16][64], path[256], buf[128], label[64] = "", *real;
	int i, n = list_dir("/sys/class/remoteproc", names, 16);

	rproc_crash[idx][0] = '\0';
	SPRINTF(path, CONFIGFS_SIM "/%s/label", sims[idx]);
	if (read_file(path, label, sizeof(label)) > 0)
		label[strcspn(label, "\n")] = '\0';
	for (i = 0; i < n; i++) {
		bool match = false;

		SPRINTF(path, "/sys/class/remoteproc/%s", names[i]);
		real = realpath(path, NULL);
		if (real) {
			SPRINTF(buf, "fastrpc-sim-%s/", sims[idx]);
			match = buf[0] && strstr(real, buf);
			free(real);
		}
		SPRINTF(path, "/sys/class/remoteproc/%s/name", names[i]);
		if (!match && label[0] &&
		    read_file(path, buf, sizeof(buf)) > 0) {
			buf[strcspn(buf, "\n")] = '\0';
			match = !strcmp(buf, label);
		}
		if (!match)
			continue;
		SPRINTF(path,
			 DEBUGFS "/remoteproc/%s/recovery", names[i]);
		if (read_file(path, buf, sizeof(buf)) > 0 &&
		    strncmp(buf, "enabled", 7))
			write_file(path, "enabled");
		SPRINTF(path, DEBUGFS "/remoteproc/%s/crash",
			 names[i]);
		if (exists(path))
			SPRINTF(rproc_crash[idx], "%s", path);
	}
}

static void find_sims(void)
{
	int i;

	nsims = list_dir(CONFIGFS_SIM, sims, 8);
	for (i = 0; i < nsims; i++)
		find_rproc(i);
}

/* cdsp and adsp, each an ordinary and a privileged device */
static const char *const accel_nodes[] = {
	"/dev/accel/accel0", "/dev/accel/accel1", "/dev/accel/accel2",
	"/dev/accel/accel3",
};

static const char *const legacy_nodes[] = {
	"/dev/fastrpc-cdsp", "/dev/fastrpc-cdsp-secure", "/dev/fastrpc-adsp",
};

static bool accel_present[ARRAY_LEN(accel_nodes)];
static bool legacy_present[ARRAY_LEN(legacy_nodes)];

/* Wait until every accel device is online and the legacy nodes are back */
static bool wait_online(double secs)
{
	double end = now_s() + secs;
	unsigned int i;
	bool up;

	do {
		up = true;
		for (i = 0; i < ARRAY_LEN(accel_nodes) && up; i++) {
			struct drm_fastrpc_device_info info;
			struct drm_fastrpc_query q = {
				.type = DRM_FASTRPC_QUERY_DEVICE_INFO,
				.size = sizeof(info),
				.pointer = (uintptr_t)&info,
			};
			int fd;

			if (!accel_present[i])
				continue;
			fd = open(accel_nodes[i], O_RDWR | O_CLOEXEC);
			if (fd < 0) {
				up = false;
				break;
			}
			memset(&info, 0, sizeof(info));
			if (ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q) ||
			    !(info.flags & DRM_FASTRPC_DEVICE_ONLINE))
				up = false;
			close(fd);
		}
		for (i = 0; i < ARRAY_LEN(legacy_nodes) && up; i++)
			if (legacy_present[i] && !exists(legacy_nodes[i]))
				up = false;
		if (up)
			return true;
		sleep_ms(50);
	} while (now_s() < end);
	return false;
}

/* Restart sim @i: the remoteproc crash path when @crash and present */
static void sim_restart(int i, bool crash)
{
	char path[256];

	if (crash && rproc_crash[i][0]) {
		static bool told;
		/* a crash type: 1 (watchdog), or its name on older kernels */
		int ret = write_file(rproc_crash[i], "1");

		if (ret == -EINVAL)
			ret = write_file(rproc_crash[i], "watchdog");

		if (!ret) {
			bump(&st->crashes);
			bump(&st->restarts);
			sleep_ms(100);
			return;
		}
		if (!told)
			say("# %s: %s: %s; restarting through configfs\n",
			    sims[i], rproc_crash[i], strerror(-ret));
		told = true;
	}
	SPRINTF(path, CONFIGFS_SIM "/%s/live", sims[i]);
	if (write_file(path, "0"))
		return;
	if (write_file(path, "1"))
		finding("restart of %s: writing live=1 failed", sims[i]);
	bump(&st->restarts);
}

/* Set some knobs of every DSP (a stall only until the next call), or clear all */
static void knobs_set(struct rng *r, bool clear)
{
	static bool stalled[8];
	char path[512], val[32];
	unsigned int k, v;
	int i;

	for (i = 0; i < nsims; i++) {
		for (k = 0; k < ARRAY_LEN(knobs); k++) {
			const struct knob *kb = &knobs[k];
			bool stall = !strcmp(kb->name, "stall");

			if (!knob_path(i, kb, path, sizeof(path)))
				continue;
			if (clear || (stall && stalled[i])) {
				v = 0;
				if (stall)
					stalled[i] = false;
			} else if (chance(r, stall ? 5 : 15)) {
				v = kb->lo + rn(r, kb->hi - kb->lo + 1);
				if (stall)
					stalled[i] = true;
			} else {
				continue;
			}
			snprintf(val, sizeof(val), "%u", v);
			if (!write_file(path, val) && v)
				bump(&st->knob_writes);
		}
	}
}

/* ---------------------------------------------------------------- */
/* A fuzzing thread                                                  */

struct lmap {			/* a legacy MMAP or MEM_MAP */
	uint64_t vaddr, len;
	int fd;
	bool mem;
};

struct ctx {
	struct rng r;
	enum face face;
	int fd;
	int node;
	bool pd;
	bool simtest_ok;
	uint32_t simtest;
	bool allow_ebadf;	/* the file may be closed under us */
	uint32_t gem[MAX_OBJS];
	uint64_t gem_size[MAX_OBJS];
	int ngem;
	int dbuf[MAX_OBJS];	/* dma-bufs: exported GEM, ALLOC_DMA_BUFF */
	uint64_t dbuf_size[MAX_OBJS];
	void *dbuf_map[MAX_OBJS];
	int ndbuf;
	uint64_t amap[MAX_OBJS];	/* accel MAP addresses */
	int namap;
	struct lmap lmap[MAX_OBJS];
	int nlmap;
	uint8_t *buf;		/* BUF_SIZE of valid memory */
	uint8_t *abuf;		/* ABUF_SIZE for argument arrays */
	uint8_t *noaccess;	/* a PROT_NONE page */
	int restart_burst;	/* sleep-heavy calls (kill phase) */
};

/* What a request is, for the check of its result */
struct req {
	bool invalid;		/* built to be rejected */
	bool mem_ok;		/* every pointer names valid memory */
	bool lax;		/* any errno (foreign ioctls) */
	int expect_errno;	/* legacy simtest error: the DSP's errno */
	uint64_t f[6];		/* fields, printed with a finding */
};

static bool in_list(int e, const int *l, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (l[i] == e)
			return true;
	return false;
}

static void result(struct ctx *c, enum op op, long ret, int err,
		   const struct req *q)
{
	enum face face = op_face(op);
	bool documented;

	bump(&st->calls[op]);
	if (face == LEGACY && op != L_OPEN && ret != 0 && ret != -1) {
		/* A DSP result outside -4095..-1 is returned raw */
		bump(&st->dsp_raw[op]);
		return;
	}
	if (ret >= 0) {
		bump(&st->ok[op]);
		bump(&st->err[face][0]);
		if (q->invalid && !c->allow_ebadf)
			finding("%s %s accepted an invalid request (%#" PRIx64
				" %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#"
				PRIx64 " %#" PRIx64 ")", face_names[face],
				op_names[op], q->f[0], q->f[1], q->f[2],
				q->f[3], q->f[4], q->f[5]);
		return;
	}
	bump(&st->err[face][err > 0 && err < ERRNO_MAX ? err : ERRNO_MAX]);
	if (err >= 512 && err <= 529) {
		finding("%s %s: restart errno %d reached userspace",
			face_names[face], op_names[op], err);
		return;
	}
	if (q->lax || (c->allow_ebadf && err == EBADF))
		return;
	if (face == ACCEL)
		documented = in_list(err, accel_errnos, ARRAY_LEN(accel_errnos));
	else
		documented = in_list(err, legacy_errnos,
				     ARRAY_LEN(legacy_errnos)) ||
			     (q->expect_errno && err == q->expect_errno);
	if (op == A_OPEN || op == L_OPEN)
		documented = in_list(err, open_errnos, ARRAY_LEN(open_errnos));
	if (!documented)
		finding("%s %s: undocumented errno %d (%s) (%#" PRIx64 " %#"
			PRIx64 " %#" PRIx64 " %#" PRIx64 ")", face_names[face],
			op_names[op], err, strerror(err), q->f[0], q->f[1],
			q->f[2], q->f[3]);
	else if (err == EFAULT && q->mem_ok && !c->allow_ebadf)
		finding("%s %s: EFAULT with valid memory (%#" PRIx64 " %#"
			PRIx64 " %#" PRIx64 " %#" PRIx64 ")", face_names[face],
			op_names[op], q->f[0], q->f[1], q->f[2], q->f[3]);
}

/* ioctl() recorded under @op; returns its value, errno in *@err */
static long do_ioctl(struct ctx *c, enum op op, unsigned long cmd, void *arg,
		     const struct req *q)
{
	long ret;
	int err;

	if (my_slot)
		__atomic_store_n(my_slot, op, __ATOMIC_RELAXED);
	ret = ioctl(c->fd, cmd, arg);
	if (my_slot)
		__atomic_store_n(my_slot, -1, __ATOMIC_RELAXED);
	err = ret < 0 ? errno : 0;
	result(c, op, ret, err, q);
	errno = err;
	return ret;
}

/* Lengths: mostly small, some at and past every limit */
static uint64_t gen_len(struct rng *r, uint64_t room)
{
	static const uint64_t odd[] = {
		0, 1, 7, PAGE - 1, PAGE, PAGE + 1, 65536, 1u << 20,
		DRM_FASTRPC_INLINE_MAX, DRM_FASTRPC_INLINE_MAX + 1ull,
		1ull << 32, (1ull << 32) - 1, 1ull << 63, ~0ull, ~0ull - 4095,
		0x7fffffff, 0x80000000,
	};

	uint64_t v;

	if (chance(r, 85))
		return rn(r, chance(r, 70) ? 512 : (uint32_t)room + 1);
	v = pick64(r, odd, ARRAY_LEN(odd));
	/* a big valid size is memory the kernel may really allocate */
	if (v > (1u << 20) && v <= DRM_FASTRPC_INLINE_MAX && !chance(r, 20))
		v = PAGE;
	return v;
}

/*
 * A buffer size to allocate and pin: at most BIG_VALID, or one above
 * DRM_FASTRPC_GEM_MAX_SIZE (refused before any allocation). The VM has
 * 1 GiB and eight threads allocate at once.
 */
#define BIG_VALID	(4u << 20)
static uint64_t cap_size(struct rng *r, uint64_t v)
{
	if (v > BIG_VALID && v <= DRM_FASTRPC_GEM_MAX_SIZE)
		return 1 + rn(r, BIG_VALID);
	return v;
}

/*
 * A user pointer for @len bytes: mostly into the thread's buffer (valid),
 * else one of the hostile kinds; *@ok is cleared for those
 */
static uint64_t gen_ptr(struct ctx *c, uint64_t len, bool *ok)
{
	struct rng *r = &c->r;
	uintptr_t b = (uintptr_t)c->buf;

	if (len <= BUF_SIZE && chance(r, 85))
		return b + rn(r, BUF_SIZE - (uint32_t)len + 1);
	*ok = false;
	switch (rn(r, 9)) {
	case 0: return 0;
	case 1: return (uintptr_t)c->noaccess + rn(r, PAGE);
	case 2: return KERNEL_PTR + rn(r, 65536);
	case 3: return KTEXT_PTR;
	case 4: return b + BUF_SIZE - (len > 1 ? rn(r, 64) + 1 : 0);
	case 5: return 0x8000000000000000ull;	/* non-canonical */
	case 6: return ~0ull - rn(r, 4096);
	case 7: return (uint64_t)b | (1ull << 32);	/* high bits (compat) */
	default: return rnd(r);
	}
}

/* A GEM handle: one of ours, or not */
static uint32_t gen_handle(struct ctx *c, uint64_t *size)
{
	*size = 0;
	if (c->ngem && chance(&c->r, 85)) {
		int i = rn(&c->r, c->ngem);

		*size = c->gem_size[i];
		return c->gem[i];
	}
	return chance(&c->r, 50) ? rn(&c->r, 64) : (uint32_t)rnd(&c->r);
}

/* A descriptor: a dma-buf of ours, the device, stdio, closed, negative */
static int gen_fd(struct ctx *c, uint64_t *size, void **map)
{
	*size = 0;
	if (map)
		*map = NULL;
	if (c->ndbuf && chance(&c->r, 80)) {
		int i = rn(&c->r, c->ndbuf);

		*size = c->dbuf_size[i];
		if (map)
			*map = c->dbuf_map[i];
		return c->dbuf[i];
	}
	switch (rn(&c->r, 5)) {
	case 0: return c->fd;
	case 1: return rn(&c->r, 3);
	case 2: return -1 - (int)rn(&c->r, 3);
	case 3: return 1000 + rn(&c->r, 1000);
	default: return (int)rnd(&c->r);
	}
}

static uint32_t gen_method(struct rng *r)
{
	static const uint64_t m[] = { 2, 2, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 31 };

	return chance(r, 90) ? pick64(r, m, ARRAY_LEN(m)) : rn(r, 32);
}

static uint32_t gen_count(struct rng *r)
{
	if (chance(r, 90))
		return rn(r, 4);
	return chance(r, 50) ? rn(r, 16) : rn(r, 256);
}

static uint32_t gen_rhandle(struct ctx *c)
{
	static const uint64_t h[] = { 0, 1, 2, 3, 4, 8, 0xffffffff };

	if (c->simtest_ok && chance(&c->r, 75))
		return c->simtest;
	return chance(&c->r, 70) ? pick64(&c->r, h, ARRAY_LEN(h)) :
				   (uint32_t)rnd(&c->r);
}

/*
 * A call that may wait in the DSP for as long as the process lives, as
 * firmware makes it: the listeners' next2 (handles 3 and 7, methods 3 and
 * up), and simtest grow, which waits for a listener to serve its heap.
 * The fuzzer serves no listener, so it sends such a call to the loader
 * (handle 0) instead.
 */
static uint32_t no_wait_handle(struct ctx *c, uint32_t handle,
			       uint32_t method)
{
	if ((handle == 3 || handle == 7) && method >= 3)
		return 0;
	if (c->simtest_ok && handle == c->simtest && method == 12)
		return 0;
	return handle;
}

/* Small values the simtest error method returns; some in the restart range */
static uint32_t gen_dsp_error(struct rng *r)
{
	static const uint64_t v[] = {
		0, 1, (uint32_t)-1, (uint32_t)-22, (uint32_t)-512,
		(uint32_t)-513, (uint32_t)-514, (uint32_t)-516,
		(uint32_t)-4095, (uint32_t)-4096, 0x8000040e, 0x80000402,
		0x8000042c, 0x7fffffff,
	};

	return chance(r, 80) ? pick64(r, v, ARRAY_LEN(v)) : (uint32_t)rnd(r);
}

/* ---- accel face ---- */

static void accel_track_gem(struct ctx *c, uint32_t h, uint64_t size)
{
	if (c->ngem < MAX_OBJS) {
		c->gem[c->ngem] = h;
		c->gem_size[c->ngem++] = size;
	}
}

static void track_dbuf(struct ctx *c, int fd, uint64_t size, void *map)
{
	if (c->ndbuf < MAX_OBJS) {
		c->dbuf[c->ndbuf] = fd;
		c->dbuf_size[c->ndbuf] = size;
		c->dbuf_map[c->ndbuf++] = map;
	} else {
		if (map)
			munmap(map, size);
		close(fd);
	}
}

static void accel_query(struct ctx *c)
{
	static const uint64_t sizes[] = {
		0, 1, 4, sizeof(struct drm_fastrpc_device_info), 1024, 4096,
		65536, 0xffffffff, 0x80000000,
	};
	struct drm_fastrpc_query q = { 0 };
	struct req rq = { .mem_ok = true };

	q.type = chance(&c->r, 90) ? rn(&c->r, 3) : (uint32_t)rnd(&c->r);
	q.size = pick64(&c->r, sizes, ARRAY_LEN(sizes));
	if (chance(&c->r, 10))
		q.pointer = 0;
	else
		q.pointer = gen_ptr(c, q.size, &rq.mem_ok);
	rq.invalid = q.type > DRM_FASTRPC_QUERY_PROCESS;
	rq.f[0] = q.type;
	rq.f[1] = q.size;
	rq.f[2] = q.pointer;
	do_ioctl(c, A_QUERY, DRM_IOCTL_FASTRPC_QUERY, &q, &rq);
}

static int accel_invoke(struct ctx *c, struct drm_fastrpc_invoke *inv,
			struct req *rq)
{
	rq->f[0] = inv->handle;
	rq->f[1] = inv->sc;
	rq->f[2] = inv->num_args;
	rq->f[3] = inv->arg_size;
	rq->f[4] = inv->flags;
	rq->f[5] = inv->pad;
	return (int)do_ioctl(c, A_INVOKE, DRM_IOCTL_FASTRPC_INVOKE, inv, rq);
}

/* remotectl1 open1 of simtest (well formed) */
static void accel_open_simtest(struct ctx *c)
{
	struct { uint32_t urilen, dlerrlen; } in = { sizeof(SIMTEST_URI), 64 };
	struct { int32_t handle, dlerr; } out = { -1, -1 };
	static const char uri[] = SIMTEST_URI;
	struct drm_fastrpc_arg a[4];
	char err[64];
	struct drm_fastrpc_invoke inv = {
		.handle = H_REMOTECTL1,
		.sc = SC(2, 2, 2),
		.args = (uintptr_t)a,
		.num_args = 4,
		.arg_size = sizeof(a[0]),
		.timeout_ms = 5000,
	};
	struct req rq = { .mem_ok = true };

	memset(a, 0, sizeof(a));
	a[0].ptr = (uintptr_t)&in;
	a[0].length = sizeof(in);
	a[1].ptr = (uintptr_t)uri;
	a[1].length = sizeof(uri);
	a[2].ptr = (uintptr_t)&out;
	a[2].length = sizeof(out);
	a[3].ptr = (uintptr_t)err;
	a[3].length = sizeof(err);
	if (!accel_invoke(c, &inv, &rq) && !out.dlerr) {
		c->simtest = (uint32_t)out.handle;
		c->simtest_ok = true;
	}
}

static void accel_init(struct ctx *c, bool hostile)
{
	struct drm_fastrpc_process_init pi = { 0 };
	struct req rq = { .mem_ok = true };
	long ret;

	pi.kind = chance(&c->r, 70) ? DRM_FASTRPC_PROCESS_DYNAMIC :
		  chance(&c->r, 70) ? DRM_FASTRPC_PROCESS_ROOT :
		  chance(&c->r, 50) ? DRM_FASTRPC_PROCESS_SENSORS :
				      DRM_FASTRPC_PROCESS_AUDIO;
	if (hostile) {
		if (chance(&c->r, 20))
			pi.kind = chance(&c->r, 50) ?
				  DRM_FASTRPC_PROCESS_AUDIO + 1 :
				  (uint32_t)rnd(&c->r);
		if (chance(&c->r, 30))
			pi.flags = chance(&c->r, 70) ? rn(&c->r, 4) :
						       (uint32_t)rnd(&c->r);
		if (chance(&c->r, 20)) {
			pi.shell_size = gen_len(&c->r, 8192);
			if (chance(&c->r, 30))
				pi.shell_size = DRM_FASTRPC_SHELL_MAX_SIZE +
						rn(&c->r, 2);
			pi.shell = gen_ptr(c, pi.shell_size, &rq.mem_ok);
		}
		if (chance(&c->r, 5))
			pi.pad = 1 + rn(&c->r, 100);
	}
	rq.invalid = pi.kind > DRM_FASTRPC_PROCESS_AUDIO ||
		     (pi.flags & ~DRM_FASTRPC_PROCESS_FLAGS) || pi.pad ||
		     (pi.kind != DRM_FASTRPC_PROCESS_DYNAMIC &&
		      (pi.flags || pi.shell || pi.shell_size)) ||
		     pi.shell_size > DRM_FASTRPC_SHELL_MAX_SIZE;
	rq.f[0] = pi.kind;
	rq.f[1] = pi.flags;
	rq.f[2] = pi.shell;
	rq.f[3] = pi.shell_size;
	rq.f[4] = pi.pad;
	ret = do_ioctl(c, A_INIT, DRM_IOCTL_FASTRPC_PROCESS_INIT, &pi, &rq);
	if (!ret)
		c->pd = true;
}

static void accel_invoke_fuzz(struct ctx *c)
{
	struct rng *r = &c->r;
	struct drm_fastrpc_invoke inv = { 0 };
	struct req rq = { .mem_ok = true };
	uint32_t method = gen_method(r), nin = gen_count(r),
		 nout = gen_count(r), i, n, nbufs, asz;
	uint32_t *small;

	inv.handle = no_wait_handle(c, gen_rhandle(c), method);
	inv.sc = SC(method, nin, nout);
	if (chance(r, 4))
		inv.sc |= rn(r, 256);		/* handle arguments */
	if (chance(r, 4)) {
		inv.sc |= (1 + rn(r, 7)) << 29;	/* attribute bits */
		rq.invalid = true;
	}
	/* Buffers, then in- and out-handles (sc bits 7:4 and 3:0) */
	nbufs = nin + nout;
	n = nbufs + ((inv.sc >> 4) & 0xf) + (inv.sc & 0xf);
	inv.num_args = n;
	if (chance(r, 5)) {
		inv.num_args = rn(r, 600);
		if (inv.num_args != n)
			rq.invalid = true;
	}
	asz = sizeof(struct drm_fastrpc_arg);
	if (chance(r, 15)) {
		static const uint64_t s[] = { 0, 8, 15, 16, 24, 40, 64, 4096,
					      4097, 0xffffffff };

		asz = pick64(r, s, ARRAY_LEN(s));
	}
	inv.arg_size = asz;
	if (asz < DRM_FASTRPC_ARG_MIN_SIZE || asz > 4096)
		rq.invalid = true;
	inv.timeout_ms = chance(r, 50) ? 0 : chance(r, 90) ? 1 + rn(r, 200) :
							     (uint32_t)rnd(r);
	if (chance(r, 3)) {
		inv.flags = 1u << rn(r, 32);
		rq.invalid = true;
	}
	if (chance(r, 3)) {
		inv.pad = 1 + rn(r, 1000);
		rq.invalid = true;
	}
	if (chance(r, 3)) {
		inv.dsp_status = (uint32_t)rnd(r);	/* out only: ignored */
	}
	if ((uint64_t)inv.num_args * asz <= ABUF_SIZE && chance(r, 95)) {
		memset(c->abuf, 0, (size_t)inv.num_args * asz);
		inv.args = (uintptr_t)c->abuf;
		if (inv.num_args == 0 && chance(r, 50)) {
			inv.args = chance(r, 50) ? 0 : KERNEL_PTR;
			rq.mem_ok = false;
		}
	} else {
		bool ok = true;

		/* garbage (or nothing) where the array should be */
		inv.args = gen_ptr(c, (uint64_t)inv.num_args * asz, &ok);
		rq.mem_ok = false;
	}
	for (i = 0; inv.args == (uintptr_t)c->abuf &&
		    i < inv.num_args && i < 512; i++) {
		struct drm_fastrpc_arg a = { 0 }, t = { 0 };
		bool ptr_ok = true;
		uint64_t size = 0;
		void *dmap;

		if (i == 0 && method == M_SLEEP && nin == 1) {
			/* simtest sleep: a short one, never a random u32 of ms */
			small = (uint32_t *)c->buf;
			*small = rn(r, 30);
			a.ptr = (uintptr_t)small;
			a.length = 4;
			goto store;
		}
		/* A handle names a buffer: mostly a GEM object or a dma-buf */
		switch (i >= nbufs && chance(r, 90) ? rn(r, 3) : rn(r, 10)) {
		case 0: case 1:
			a.flags = DRM_FASTRPC_BUF_GEM;
			a.handle = gen_handle(c, &size);
			break;
		case 2:
			a.flags = DRM_FASTRPC_BUF_DMABUF;
			a.handle = (uint32_t)gen_fd(c, &size, &dmap);
			break;
		default:
			break;
		}
		if (chance(r, 2))
			a.flags |= 1u << rn(r, 32);
		if (!a.flags) {
			a.length = gen_len(r, 16384);
			a.ptr = gen_ptr(c, a.length, &ptr_ok);
			if (chance(r, 2))
				a.handle = 1 + rn(r, 10);
			if (chance(r, 2))
				a.offset = 1 + rn(r, 10);
		} else {
			a.length = chance(r, 80) && size ? rn(r, size + 1) :
				   gen_len(r, 1u << 20);
			a.offset = chance(r, 80) && size ?
				   rn(r, size - a.length + 1) : gen_len(r, 1u << 20);
			if (chance(r, 2))
				a.ptr = (uintptr_t)c->buf;
		}
store:
		/* what the driver sees of it: the first arg_size bytes */
		memcpy(&t, &a, asz < sizeof(a) ? asz : sizeof(a));
		if ((t.flags & ~DRM_FASTRPC_BUF_FLAGS) ||
		    t.flags == DRM_FASTRPC_BUF_FLAGS)
			rq.invalid = true;
		else if (!t.flags && (t.handle || t.offset || i >= nbufs))
			rq.invalid = true;
		else if (t.flags && t.ptr)
			rq.invalid = true;
		if (!t.flags && (!ptr_ok || memcmp(&t, &a, sizeof(a))))
			rq.mem_ok = false;
		memcpy(c->abuf + (size_t)i * asz, &a,
		       asz < sizeof(a) ? asz : sizeof(a));
	}
	if (method == M_SLEEP && nin == 1 && inv.args != (uintptr_t)c->abuf &&
	    inv.handle == c->simtest)
		inv.handle = 0;	/* never a sleep of unknown length */
	accel_invoke(c, &inv, &rq);
}

static void accel_gem_create(struct ctx *c)
{
	static const uint64_t odd[] = {
		0, DRM_FASTRPC_GEM_MAX_SIZE + 1, 1ull << 40, ~0ull,
		~0ull - PAGE + 2,
	};
	struct drm_fastrpc_gem_create g = { 0 };
	struct req rq = { .mem_ok = true };

	g.size = chance(&c->r, 92) ? 1 + rn(&c->r, 1u << 20) :
				     pick64(&c->r, odd, ARRAY_LEN(odd));
	if (chance(&c->r, 3))
		g.flags = 1 + rn(&c->r, 100);
	else if (chance(&c->r, 10))
		g.flags = DRM_FASTRPC_GEM_WC;
	g.handle = chance(&c->r, 5) ? (uint32_t)rnd(&c->r) : 0;
	rq.invalid = !g.size || g.size > DRM_FASTRPC_GEM_MAX_SIZE ||
		     g.flags & ~DRM_FASTRPC_GEM_WC;
	rq.f[0] = g.size;
	rq.f[1] = g.flags;
	if (!do_ioctl(c, A_GEM_CREATE, DRM_IOCTL_FASTRPC_GEM_CREATE, &g, &rq))
		accel_track_gem(c, g.handle, (g.size + PAGE - 1) & ~(PAGE - 1ull));
}

static void accel_gem_mmap(struct ctx *c)
{
	struct drm_fastrpc_gem_mmap_offset m = { 0 };
	struct req rq = { .mem_ok = true };
	uint64_t size;
	void *p;

	m.handle = gen_handle(c, &size);
	if (chance(&c->r, 3)) {
		m.flags = 1 + rn(&c->r, 100);
		rq.invalid = true;
	}
	rq.f[0] = m.handle;
	rq.f[1] = m.flags;
	if (do_ioctl(c, A_MMAP_OFFSET, DRM_IOCTL_FASTRPC_GEM_MMAP_OFFSET, &m,
		     &rq) || !size)
		return;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
		 (off_t)m.offset);
	if (p == MAP_FAILED)
		return;
	memset(p, (int)rn(&c->r, 64), size < 8192 ? size : 8192);
	munmap(p, size);
}

static void accel_map(struct ctx *c)
{
	struct drm_fastrpc_map m = { 0 };
	struct req rq = { .mem_ok = true };
	uint64_t size = 0;
	void *dmap;

	if (chance(&c->r, 70)) {
		m.flags = DRM_FASTRPC_BUF_GEM;
		m.handle = gen_handle(c, &size);
	} else {
		m.flags = DRM_FASTRPC_BUF_DMABUF;
		m.handle = (uint32_t)gen_fd(c, &size, &dmap);
	}
	if (chance(&c->r, 20))
		m.flags |= DRM_FASTRPC_MAP_HEAP;
	if (chance(&c->r, 4))
		m.flags = chance(&c->r, 50) ? 0 : (uint32_t)rnd(&c->r);
	if (size && chance(&c->r, 80)) {
		m.length = (1 + rn(&c->r, size / PAGE)) * (uint64_t)PAGE;
		m.offset = rn(&c->r, (size - m.length) / PAGE + 1) *
			   (uint64_t)PAGE;
	} else {
		m.length = gen_len(&c->r, 1u << 20);
		m.offset = gen_len(&c->r, 1u << 20);
	}
	if (chance(&c->r, 5))
		m.offset += 1 + rn(&c->r, PAGE - 1);
	if (chance(&c->r, 5))
		m.length += 1 + rn(&c->r, PAGE - 1);
	if (chance(&c->r, 3))
		m.dsp_addr = rnd(&c->r);	/* out only */
	if (chance(&c->r, 3)) {
		/* Reserved memory: no buffer */
		m.flags = DRM_FASTRPC_MAP_REMOTE_HEAP;
		if (chance(&c->r, 80))
			m.handle = 0;
		if (chance(&c->r, 80))
			m.offset = 0;
	}
	if (m.flags == DRM_FASTRPC_MAP_REMOTE_HEAP)
		rq.invalid = m.handle || m.offset || !m.length ||
			     m.length % PAGE;
	else
		rq.invalid = (m.flags & ~(DRM_FASTRPC_BUF_FLAGS |
					  DRM_FASTRPC_MAP_HEAP)) ||
			     !(m.flags & DRM_FASTRPC_BUF_FLAGS) ||
			     (m.flags & DRM_FASTRPC_BUF_FLAGS) ==
			     DRM_FASTRPC_BUF_FLAGS ||
			     !m.length || (m.offset | m.length) % PAGE;
	rq.f[0] = m.flags;
	rq.f[1] = m.handle;
	rq.f[2] = m.offset;
	rq.f[3] = m.length;
	if (!do_ioctl(c, A_MAP, DRM_IOCTL_FASTRPC_MAP, &m, &rq) &&
	    c->namap < MAX_OBJS)
		c->amap[c->namap++] = m.dsp_addr;
}

static void accel_unmap(struct ctx *c)
{
	struct drm_fastrpc_unmap u = { 0 };
	struct req rq = { .mem_ok = true };
	int i = -1;

	if (c->namap && chance(&c->r, 80)) {
		i = rn(&c->r, c->namap);
		u.dsp_addr = c->amap[i];
	} else {
		u.dsp_addr = chance(&c->r, 50) ? rnd(&c->r) : 0;
	}
	if (chance(&c->r, 4)) {
		u.flags = 1;
		rq.invalid = true;
	}
	if (chance(&c->r, 4)) {
		u.pad = 1;
		rq.invalid = true;
	}
	rq.f[0] = u.dsp_addr;
	rq.f[1] = u.flags;
	rq.f[2] = u.pad;
	if (!do_ioctl(c, A_UNMAP, DRM_IOCTL_FASTRPC_UNMAP, &u, &rq) && i >= 0)
		c->amap[i] = c->amap[--c->namap];
}

static void accel_gem_close(struct ctx *c)
{
	struct drm_gem_close g = { 0 };
	struct req rq = { .mem_ok = true, .lax = false };
	uint64_t size;
	int i = -1, j;

	g.handle = gen_handle(c, &size);
	for (j = 0; j < c->ngem; j++)
		if (c->gem[j] == g.handle)
			i = j;
	if (chance(&c->r, 3))
		g.pad = 1;
	rq.f[0] = g.handle;
	rq.f[1] = g.pad;
	/* DRM core: EINVAL for an unknown handle or a non-zero pad */
	if (!do_ioctl(c, A_GEM_CLOSE, DRM_IOCTL_GEM_CLOSE, &g, &rq) && i >= 0) {
		c->gem[i] = c->gem[--c->ngem];
		c->gem_size[i] = c->gem_size[c->ngem];
	}
}

static void accel_prime(struct ctx *c)
{
	struct req rq = { .mem_ok = true };

	if (chance(&c->r, 60)) {
		struct drm_prime_handle p = { 0 };
		uint64_t size;

		p.handle = gen_handle(c, &size);
		p.flags = DRM_CLOEXEC | (chance(&c->r, 70) ? DRM_RDWR : 0);
		if (chance(&c->r, 4))
			p.flags = (uint32_t)rnd(&c->r);
		p.fd = chance(&c->r, 5) ? (int)rnd(&c->r) : -1;
		rq.f[0] = p.handle;
		rq.f[1] = p.flags;
		if (!do_ioctl(c, A_PRIME_EXPORT, DRM_IOCTL_PRIME_HANDLE_TO_FD,
			      &p, &rq)) {
			void *map = NULL;

			if (size) {
				map = mmap(NULL, size, PROT_READ | PROT_WRITE,
					   MAP_SHARED, p.fd, 0);
				if (map == MAP_FAILED)
					map = NULL;
			}
			track_dbuf(c, p.fd, size, map);
		}
	} else {
		struct drm_prime_handle p = { 0 };
		uint64_t size;

		p.fd = gen_fd(c, &size, NULL);
		if (chance(&c->r, 4))
			p.flags = (uint32_t)rnd(&c->r);
		rq.f[0] = (uint32_t)p.fd;
		rq.f[1] = p.flags;
		/* a foreign dma-buf may come back as a handle of ours */
		if (!do_ioctl(c, A_PRIME_IMPORT, DRM_IOCTL_PRIME_FD_TO_HANDLE,
			      &p, &rq) && size) {
			int j;
			bool known = false;

			for (j = 0; j < c->ngem; j++)
				known |= c->gem[j] == p.handle;
			if (!known)
				accel_track_gem(c, p.handle, size);
		}
	}
}

/* DRM core ioctls an accel client may send, with hostile arguments */
static void accel_drm_core(struct ctx *c)
{
	static const unsigned long cmds[] = {
		DRM_IOCTL_VERSION, DRM_IOCTL_GET_UNIQUE, DRM_IOCTL_GET_MAGIC,
		DRM_IOCTL_GET_CAP, DRM_IOCTL_SET_CLIENT_CAP,
		DRM_IOCTL_SET_VERSION, DRM_IOCTL_AUTH_MAGIC,
		DRM_IOCTL_SET_MASTER, DRM_IOCTL_DROP_MASTER,
		DRM_IOCTL_GEM_FLINK, DRM_IOCTL_GEM_OPEN,
		DRM_IOCTL_SYNCOBJ_CREATE, DRM_IOCTL_MODE_GETRESOURCES,
		DRM_IOCTL_GET_CLIENT, DRM_IOCTL_GET_STATS,
		DRM_IOCTL_PRIME_HANDLE_TO_FD,
	};
	struct req rq = { .lax = true };
	uint8_t *arg = c->abuf;
	unsigned long cmd;
	unsigned int i;

	if (chance(&c->r, 80)) {
		cmd = cmds[rn(&c->r, ARRAY_LEN(cmds))];
	} else {
		/* any core or driver number, any size and direction */
		cmd = _IOC(rn(&c->r, 4), DRM_IOCTL_BASE, rn(&c->r, 0xc0),
			   rn(&c->r, 256));
	}
	for (i = 0; i < 256; i++)
		arg[i] = chance(&c->r, 70) ? 0 : (uint8_t)rnd(&c->r);
	if (chance(&c->r, 50)) {
		/* DRM_IOCTL_VERSION-like layouts: valid pointers */
		struct drm_version *v = (struct drm_version *)arg;

		v->name_len = 64;
		v->name = (char *)(c->buf);
		v->date_len = 64;
		v->date = (char *)(c->buf + 64);
		v->desc_len = 64;
		v->desc = (char *)(c->buf + 128);
	}
	rq.f[0] = cmd;
	do_ioctl(c, A_DRM_CORE, cmd, arg, &rq);
}

/* ---- legacy face ---- */

static void legacy_args_fill(struct ctx *c, struct fastrpc_invoke_args *a,
			     uint32_t n, uint32_t method, uint32_t nin,
			     struct req *rq)
{
	struct rng *r = &c->r;
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint64_t size = 0;
		void *map = NULL;

		memset(&a[i], 0, sizeof(a[i]));
		if (chance(r, 20)) {
			a[i].fd = gen_fd(c, &size, &map);
			if (size && map && chance(r, 80)) {
				a[i].length = rn(r, size + 1);
				a[i].ptr = (uintptr_t)map +
					   rn(r, size - a[i].length + 1);
			} else {
				a[i].length = gen_len(r, 1u << 16);
				a[i].ptr = gen_ptr(c, a[i].length, &rq->mem_ok);
				rq->mem_ok = false;
			}
		} else {
			a[i].fd = chance(r, 50) ? -1 : 0;
			a[i].length = gen_len(r, 16384);
			a[i].ptr = gen_ptr(c, a[i].length, &rq->mem_ok);
		}
		if (chance(r, 5))
			a[i].attr = chance(r, 50) ? FASTRPC_ATTR_SECUREMAP :
						    (uint32_t)rnd(r);
		if (i == 0 && method == M_SLEEP && nin == 1) {
			uint32_t *ms = (uint32_t *)c->buf;

			*ms = rn(r, 30);
			a[i] = (struct fastrpc_invoke_args){
				.ptr = (uintptr_t)ms, .length = 4, .fd = -1 };
		}
		if (i == 0 && method == M_ERROR && nin == 1) {
			uint32_t *v = (uint32_t *)(c->buf + 8);

			*v = gen_dsp_error(r);
			a[i] = (struct fastrpc_invoke_args){
				.ptr = (uintptr_t)v, .length = 4, .fd = -1 };
			if ((int32_t)*v < 0 && (int32_t)*v >= -4095)
				rq->expect_errno = -(int32_t)*v;
		}
	}
}

static void legacy_invoke_fuzz(struct ctx *c)
{
	struct rng *r = &c->r;
	struct fastrpc_invoke inv = { 0 };
	struct req rq = { .mem_ok = true };
	uint32_t method = gen_method(r), nin = gen_count(r),
		 nout = gen_count(r), n = nin + nout;
	size_t need = (size_t)n * sizeof(struct fastrpc_invoke_args);

	inv.handle = no_wait_handle(c, gen_rhandle(c), method);
	inv.sc = SC(method, nin, nout);
	if (chance(r, 4))
		inv.sc |= rn(r, 256);
	if (chance(r, 3))
		inv.sc |= (1 + rn(r, 7)) << 29;
	/* the array holds the handles too */
	n += ((inv.sc >> 4) & 0xf) + (inv.sc & 0xf);
	need = (size_t)n * sizeof(struct fastrpc_invoke_args);
	if (need <= ABUF_SIZE && chance(r, 95)) {
		inv.args = (uintptr_t)c->abuf;
		legacy_args_fill(c, (struct fastrpc_invoke_args *)c->abuf, n,
				 method, nin, &rq);
		if (!n && chance(r, 30))
			inv.args = chance(r, 50) ? 0 : KERNEL_PTR;
	} else {
		bool ok = true;

		inv.args = gen_ptr(c, need, &ok);
		/* Whatever the array holds names memory at random */
		rq.mem_ok = !n;
		if (method == M_SLEEP || method == M_ERROR)
			inv.handle = 0;	/* no sleep or result of unknown value */
	}
	rq.f[0] = inv.handle;
	rq.f[1] = inv.sc;
	rq.f[2] = inv.args;
	do_ioctl(c, L_INVOKE, FASTRPC_IOCTL_INVOKE, &inv, &rq);
}

/* remotectl1 open1 of simtest through the legacy face */
static void legacy_open_simtest(struct ctx *c)
{
	struct { uint32_t urilen, dlerrlen; } in = { sizeof(SIMTEST_URI), 64 };
	struct { int32_t handle, dlerr; } out = { -1, -1 };
	static const char uri[] = SIMTEST_URI;
	struct fastrpc_invoke_args a[4];
	char err[64];
	struct fastrpc_invoke inv = {
		.handle = H_REMOTECTL1,
		.sc = SC(2, 2, 2),
		.args = (uintptr_t)a,
	};
	struct req rq = { .mem_ok = true };

	memset(a, 0, sizeof(a));
	a[0] = (struct fastrpc_invoke_args){ (uintptr_t)&in, sizeof(in), -1, 0 };
	a[1] = (struct fastrpc_invoke_args){ (uintptr_t)uri, sizeof(uri), -1, 0 };
	a[2] = (struct fastrpc_invoke_args){ (uintptr_t)&out, sizeof(out), -1, 0 };
	a[3] = (struct fastrpc_invoke_args){ (uintptr_t)err, sizeof(err), -1, 0 };
	if (!do_ioctl(c, L_INVOKE, FASTRPC_IOCTL_INVOKE, &inv, &rq) &&
	    !out.dlerr) {
		c->simtest = (uint32_t)out.handle;
		c->simtest_ok = true;
	}
}

static void legacy_init(struct ctx *c, bool hostile)
{
	struct req rq = { .mem_ok = true };
	struct rng *r = &c->r;
	long ret;

	switch (hostile ? rn(r, 4) : chance(r, 85) ? 0 : 1) {
	case 0: {
		struct fastrpc_init_create ic = { 0 };

		if (hostile) {
			uint64_t size;

			ic.filelen = chance(r, 50) ? 0 : (uint32_t)gen_len(r, 8192);
			ic.file = ic.filelen || chance(r, 30) ?
				  gen_ptr(c, ic.filelen, &rq.mem_ok) : 0;
			ic.filefd = chance(r, 70) ? -1 : gen_fd(c, &size, NULL);
			ic.attrs = chance(r, 60) ? 0 : (uint32_t)rnd(r) & 0x7f;
			ic.siglen = chance(r, 80) ? 0 : (uint32_t)rnd(r);
			rq.mem_ok = false;	/* a file by fd, attrs: anything */
		}
		rq.f[0] = ic.filelen;
		rq.f[1] = ic.file;
		rq.f[2] = (uint32_t)ic.filefd;
		rq.f[3] = ic.attrs;
		ret = do_ioctl(c, L_CREATE, FASTRPC_IOCTL_INIT_CREATE, &ic, &rq);
		break;
	}
	case 1:
		ret = do_ioctl(c, L_ATTACH, FASTRPC_IOCTL_INIT_ATTACH, NULL, &rq);
		break;
	case 2:
		ret = do_ioctl(c, L_ATTACH_SNS, FASTRPC_IOCTL_INIT_ATTACH_SNS,
			       NULL, &rq);
		break;
	default: {
		static const char *const names[] = {
			"audiopd", "sensorspd", "ois", "rootpd", "",
		};
		struct fastrpc_init_create_static cs = { 0 };
		char *name = (char *)c->buf + 4096;
		const char *nm = names[rn(r, ARRAY_LEN(names))];

		snprintf(name, 64, "%s", nm);
		cs.namelen = chance(r, 80) ? strlen(nm) + 1 :
					     (uint32_t)gen_len(r, 200);
		cs.name = chance(r, 85) ? (uintptr_t)name :
					  gen_ptr(c, cs.namelen, &rq.mem_ok);
		cs.memlen = chance(r, 60) ? (1 + rn(r, 64)) * PAGE :
					    (uint32_t)gen_len(r, 1u << 20);
		if (cs.memlen > BIG_VALID)
			cs.memlen = BIG_VALID;	/* keep the VM's memory */
		if (cs.namelen > 64 && cs.name == (uintptr_t)name)
			rq.mem_ok = cs.namelen <= BUF_SIZE - 4096;
		rq.f[0] = cs.namelen;
		rq.f[1] = cs.memlen;
		rq.f[2] = cs.name;
		ret = do_ioctl(c, L_CREATE_STATIC,
			       FASTRPC_IOCTL_INIT_CREATE_STATIC, &cs, &rq);
		break;
	}
	}
	if (!ret)
		c->pd = true;
}

static void legacy_alloc(struct ctx *c)
{
	struct fastrpc_alloc_dma_buf a = { .fd = -1 };
	struct req rq = { .mem_ok = true };
	void *map;

	a.size = chance(&c->r, 90) ? 1 + rn(&c->r, 1u << 20) :
				     cap_size(&c->r, gen_len(&c->r, 1u << 20));
	if (chance(&c->r, 5))
		a.flags = (uint32_t)rnd(&c->r);
	rq.f[0] = a.size;
	rq.f[1] = a.flags;
	if (do_ioctl(c, L_ALLOC, FASTRPC_IOCTL_ALLOC_DMA_BUFF, &a, &rq))
		return;
	map = mmap(NULL, a.size, PROT_READ | PROT_WRITE, MAP_SHARED, a.fd, 0);
	track_dbuf(c, a.fd, a.size, map == MAP_FAILED ? NULL : map);
}

static void legacy_free(struct ctx *c)
{
	struct req rq = { .lax = false, .mem_ok = true };
	uint64_t size;
	uint32_t fd = (uint32_t)gen_fd(c, &size, NULL);

	/* Drops a reference the driver holds: only on random numbers */
	if (size)
		fd = 5000 + rn(&c->r, 1000);
	rq.f[0] = fd;
	do_ioctl(c, L_FREE, FASTRPC_IOCTL_FREE_DMA_BUFF, &fd, &rq);
}

static void legacy_mmap(struct ctx *c)
{
	/* ADSP_MMAP_ADD_PAGES 0x1000, ADSP_MMAP_REMOTE_HEAP_ADDR 8 */
	static const uint64_t fl[] = {
		0x1000, 0x1000, 0x1000, 8, 0, 1, 0x1001, 0x10, 0xffffffff,
	};
	struct fastrpc_req_mmap m = { 0 };
	struct req rq = { .mem_ok = true };
	uint64_t size;

	m.fd = chance(&c->r, 50) ? -1 : gen_fd(c, &size, NULL);
	m.flags = pick64(&c->r, fl, ARRAY_LEN(fl));
	m.vaddrin = chance(&c->r, 70) ? 0 : rnd(&c->r);
	m.size = chance(&c->r, 80) ? (1 + rn(&c->r, 16)) * (uint64_t)PAGE :
				     cap_size(&c->r, gen_len(&c->r, 1u << 20));
	rq.f[0] = (uint32_t)m.fd;
	rq.f[1] = m.flags;
	rq.f[2] = m.vaddrin;
	rq.f[3] = m.size;
	if (!do_ioctl(c, L_MMAP, FASTRPC_IOCTL_MMAP, &m, &rq) &&
	    c->nlmap < MAX_OBJS)
		c->lmap[c->nlmap++] = (struct lmap){ m.vaddrout, m.size,
						     m.fd, false };
}

static void legacy_munmap(struct ctx *c)
{
	struct fastrpc_req_munmap m = { 0 };
	struct req rq = { .mem_ok = true };
	int i = -1;

	if (c->nlmap && chance(&c->r, 80)) {
		i = rn(&c->r, c->nlmap);
		m.vaddrout = c->lmap[i].vaddr;
		m.size = c->lmap[i].len;
		if (c->lmap[i].mem)
			i = -1;		/* a MEM_MAP: wrong ioctl */
	} else {
		m.vaddrout = rnd(&c->r);
		m.size = gen_len(&c->r, 1u << 20);
	}
	rq.f[0] = m.vaddrout;
	rq.f[1] = m.size;
	if (!do_ioctl(c, L_MUNMAP, FASTRPC_IOCTL_MUNMAP, &m, &rq) && i >= 0)
		c->lmap[i] = c->lmap[--c->nlmap];
}

static void legacy_mem_map(struct ctx *c)
{
	static const uint64_t fl[] = {
		FASTRPC_MAP_FD, FASTRPC_MAP_FD, FASTRPC_MAP_STATIC,
		FASTRPC_MAP_FD_DELAYED, FASTRPC_MAP_FD_NOMAP, 1, 0xffffffff,
	};
	struct fastrpc_mem_map m = { 0 };
	struct req rq = { .mem_ok = true };
	uint64_t size;
	void *map;

	m.fd = gen_fd(c, &size, &map);
	m.flags = pick64(&c->r, fl, ARRAY_LEN(fl));
	if (size && chance(&c->r, 80)) {
		m.length = size;
		m.vaddrin = map ? (uintptr_t)map : (uintptr_t)c->buf;
	} else {
		m.length = gen_len(&c->r, 1u << 20);
		m.vaddrin = gen_ptr(c, m.length, &rq.mem_ok);
	}
	if (chance(&c->r, 5))
		m.offset = (int32_t)rnd(&c->r);
	if (chance(&c->r, 5))
		m.version = (int32_t)rnd(&c->r);
	if (chance(&c->r, 5))
		m.attrs = (int32_t)rnd(&c->r);
	if (chance(&c->r, 3))
		m.reserved[rn(&c->r, 4)] = 1;
	rq.mem_ok = false;	/* vaddrin is an offset, not memory read */
	rq.f[0] = (uint32_t)m.fd;
	rq.f[1] = m.flags;
	rq.f[2] = m.vaddrin;
	rq.f[3] = m.length;
	if (!do_ioctl(c, L_MEM_MAP, FASTRPC_IOCTL_MEM_MAP, &m, &rq) &&
	    c->nlmap < MAX_OBJS)
		c->lmap[c->nlmap++] = (struct lmap){ m.vaddrout, m.length,
						     m.fd, true };
}

static void legacy_mem_unmap(struct ctx *c)
{
	struct fastrpc_mem_unmap u = { 0 };
	struct req rq = { .mem_ok = true };
	int i = -1;

	if (c->nlmap && chance(&c->r, 80)) {
		i = rn(&c->r, c->nlmap);
		u.fd = c->lmap[i].fd;
		u.vaddr = c->lmap[i].vaddr;
		u.length = c->lmap[i].len;
		if (!c->lmap[i].mem)
			i = -1;
	} else {
		uint64_t size;

		u.fd = gen_fd(c, &size, NULL);
		u.vaddr = rnd(&c->r);
		u.length = gen_len(&c->r, 1u << 20);
	}
	if (chance(&c->r, 3))
		u.reserved[rn(&c->r, 5)] = 1;
	rq.f[0] = (uint32_t)u.fd;
	rq.f[1] = u.vaddr;
	rq.f[2] = u.length;
	if (!do_ioctl(c, L_MEM_UNMAP, FASTRPC_IOCTL_MEM_UNMAP, &u, &rq) &&
	    i >= 0)
		c->lmap[i] = c->lmap[--c->nlmap];
}

static void legacy_dsp_info(struct ctx *c)
{
	struct fastrpc_ioctl_capability cap = { 0 };
	struct req rq = { .mem_ok = true };

	cap.domain = chance(&c->r, 80) ? rn(&c->r, 6) : (uint32_t)rnd(&c->r);
	cap.attribute_id = chance(&c->r, 80) ? rn(&c->r, 257) :
					       (uint32_t)rnd(&c->r);
	if (chance(&c->r, 3))
		cap.reserved[rn(&c->r, 4)] = 1;
	rq.f[0] = cap.domain;
	rq.f[1] = cap.attribute_id;
	do_ioctl(c, L_DSP_INFO, FASTRPC_IOCTL_GET_DSP_INFO, &cap, &rq);
}

/* An ioctl of the other face (or a random number) on this one */
static void foreign(struct ctx *c)
{
	static const unsigned long legacy_cmds[] = {
		FASTRPC_IOCTL_ALLOC_DMA_BUFF, FASTRPC_IOCTL_FREE_DMA_BUFF,
		FASTRPC_IOCTL_INVOKE, FASTRPC_IOCTL_INIT_ATTACH,
		FASTRPC_IOCTL_INIT_CREATE, FASTRPC_IOCTL_MMAP,
		FASTRPC_IOCTL_MUNMAP, FASTRPC_IOCTL_INIT_ATTACH_SNS,
		FASTRPC_IOCTL_INIT_CREATE_STATIC, FASTRPC_IOCTL_MEM_MAP,
		FASTRPC_IOCTL_MEM_UNMAP, FASTRPC_IOCTL_GET_DSP_INFO,
	};
	static const unsigned long accel_cmds[] = {
		DRM_IOCTL_FASTRPC_QUERY, DRM_IOCTL_FASTRPC_PROCESS_INIT,
		DRM_IOCTL_FASTRPC_INVOKE, DRM_IOCTL_FASTRPC_GEM_CREATE,
		DRM_IOCTL_FASTRPC_GEM_MMAP_OFFSET, DRM_IOCTL_FASTRPC_MAP,
		DRM_IOCTL_FASTRPC_UNMAP, DRM_IOCTL_VERSION,
		DRM_IOCTL_GET_UNIQUE, DRM_IOCTL_GEM_CLOSE,
	};
	struct req rq = { .invalid = true, .lax = true };
	unsigned long cmd;
	unsigned int i;

	for (i = 0; i < 256; i++)
		c->abuf[i] = chance(&c->r, 60) ? 0 : (uint8_t)rnd(&c->r);
	if (c->face == ACCEL) {
		cmd = legacy_cmds[rn(&c->r, ARRAY_LEN(legacy_cmds))];
		rq.f[0] = cmd;
		do_ioctl(c, A_FOREIGN, cmd, c->abuf, &rq);
	} else {
		if (chance(&c->r, 70))
			cmd = accel_cmds[rn(&c->r, ARRAY_LEN(accel_cmds))];
		else
			cmd = _IOC(rn(&c->r, 4), 'R', 14 + rn(&c->r, 64),
				   rn(&c->r, 256));
		rq.f[0] = cmd;
		do_ioctl(c, L_FOREIGN, cmd, c->abuf, &rq);
	}
}

/* ---- a client's life ---- */

static void ctx_release(struct ctx *c)
{
	int i;

	for (i = 0; i < c->ndbuf; i++) {
		if (c->dbuf_map[i])
			munmap(c->dbuf_map[i], c->dbuf_size[i]);
		close(c->dbuf[i]);
	}
	c->ndbuf = c->ngem = c->namap = c->nlmap = 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->pd = c->simtest_ok = false;
}

/* Open a random node of @face (or of either when @face is NFACES) */
static bool ctx_open(struct ctx *c, enum face face)
{
	struct req rq = { 0 };
	const char *node;
	unsigned int n;
	int tries;

	c->face = face == NFACES ? (enum face)rn(&c->r, 2) : face;
	for (tries = 0; tries < 8; tries++) {
		if (c->face == ACCEL) {
			n = rn(&c->r, ARRAY_LEN(accel_nodes));
			if (accel_present[n])
				break;
		} else {
			n = rn(&c->r, ARRAY_LEN(legacy_nodes));
			if (legacy_present[n])
				break;
		}
	}
	if (tries == 8)
		return false;
	node = c->face == ACCEL ? accel_nodes[n] : legacy_nodes[n];
	c->node = n;
	if (my_slot)
		__atomic_store_n(my_slot, c->face == ACCEL ? A_OPEN : L_OPEN,
				 __ATOMIC_RELAXED);
	c->fd = open(node, O_RDWR | O_CLOEXEC);
	if (my_slot)
		__atomic_store_n(my_slot, -1, __ATOMIC_RELAXED);
	result(c, c->face == ACCEL ? A_OPEN : L_OPEN, c->fd,
	       c->fd < 0 ? errno : 0, &rq);
	return c->fd >= 0;
}

/* Create the process (mostly well formed), open simtest */
static void ctx_setup(struct ctx *c, bool hostile)
{
	if (c->face == ACCEL)
		accel_init(c, hostile && chance(&c->r, 30));
	else
		legacy_init(c, hostile && chance(&c->r, 30));
	if (!c->pd)
		return;
	if (c->face == ACCEL)
		accel_open_simtest(c);
	else
		legacy_open_simtest(c);
}

/* A valid call that takes a while: sleep, or a big inline echo */
static void slow_call(struct ctx *c)
{
	uint32_t *ms = (uint32_t *)c->buf;
	uint32_t len = 4096 + rn(&c->r, 60000);

	*ms = 5 + rn(&c->r, 60);
	if (c->face == ACCEL) {
		struct drm_fastrpc_arg a[2] = { 0 };
		struct drm_fastrpc_invoke inv = {
			.handle = c->simtest, .args = (uintptr_t)a,
			.arg_size = sizeof(a[0]),
			.timeout_ms = chance(&c->r, 30) ? 1 + rn(&c->r, 40) : 0,
		};
		struct req rq = { .mem_ok = true };

		if (chance(&c->r, 50)) {
			inv.sc = SC(M_SLEEP, 1, 0);
			inv.num_args = 1;
			a[0].ptr = (uintptr_t)ms;
			a[0].length = 4;
		} else {
			inv.sc = SC(M_ECHO, 1, 1);
			inv.num_args = 2;
			a[0].ptr = (uintptr_t)c->buf;
			a[0].length = len;
			a[1].ptr = (uintptr_t)c->buf + 65536;
			a[1].length = len;
		}
		accel_invoke(c, &inv, &rq);
	} else {
		struct fastrpc_invoke_args a[2] = { 0 };
		struct fastrpc_invoke inv = {
			.handle = c->simtest, .args = (uintptr_t)a,
		};
		struct req rq = { .mem_ok = true };

		a[0].fd = a[1].fd = -1;
		if (chance(&c->r, 50)) {
			inv.sc = SC(M_SLEEP, 1, 0);
			a[0].ptr = (uintptr_t)ms;
			a[0].length = 4;
		} else {
			inv.sc = SC(M_ECHO, 1, 1);
			a[0].ptr = (uintptr_t)c->buf;
			a[0].length = len;
			a[1].ptr = (uintptr_t)c->buf + 65536;
			a[1].length = len;
		}
		do_ioctl(c, L_INVOKE, FASTRPC_IOCTL_INVOKE, &inv, &rq);
	}
}

static void random_op(struct ctx *c)
{
	struct rng *r = &c->r;
	unsigned int k = rn(r, 100);

	if (c->simtest_ok && k < 10) {
		slow_call(c);
		return;
	}
	if (c->face == ACCEL) {
		if (k < 45)
			accel_invoke_fuzz(c);
		else if (k < 55)
			accel_gem_create(c);
		else if (k < 62)
			accel_map(c);
		else if (k < 67)
			accel_unmap(c);
		else if (k < 72)
			accel_prime(c);
		else if (k < 76)
			accel_gem_mmap(c);
		else if (k < 80)
			accel_gem_close(c);
		else if (k < 86)
			accel_query(c);
		else if (k < 91)
			accel_init(c, true);
		else if (k < 96)
			accel_drm_core(c);
		else
			foreign(c);
	} else {
		if (k < 45)
			legacy_invoke_fuzz(c);
		else if (k < 55)
			legacy_alloc(c);
		else if (k < 62)
			legacy_mem_map(c);
		else if (k < 66)
			legacy_mem_unmap(c);
		else if (k < 71)
			legacy_mmap(c);
		else if (k < 74)
			legacy_munmap(c);
		else if (k < 80)
			legacy_dsp_info(c);
		else if (k < 85)
			legacy_free(c);
		else if (k < 94)
			legacy_init(c, true);
		else
			foreign(c);
	}
}

static bool ctx_alloc(struct ctx *c, uint64_t s)
{
	memset(c, 0, sizeof(*c));
	c->r.s = s;
	c->fd = -1;
	/*
	 * The valid memory sits between two PROT_NONE pages: a pointer
	 * running past its end (gen_ptr) must not reach another mapping,
	 * such as the shared statistics
	 */
	c->buf = mmap(NULL, BUF_SIZE + 2 * PAGE, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->buf != MAP_FAILED) {
		c->buf += PAGE;
		if (mprotect(c->buf, BUF_SIZE, PROT_READ | PROT_WRITE))
			return false;
	}
	c->abuf = mmap(NULL, ABUF_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c->noaccess = mmap(NULL, PAGE, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->buf == MAP_FAILED || c->abuf == MAP_FAILED ||
	    c->noaccess == MAP_FAILED)
		return false;
	memset(c->buf, 0x11, BUF_SIZE);
	return true;
}

static void ctx_free(struct ctx *c)
{
	ctx_release(c);
	munmap(c->buf - PAGE, BUF_SIZE + 2 * PAGE);
	munmap(c->abuf, ABUF_SIZE);
	munmap(c->noaccess, PAGE);
}

/* One client: open, process, a burst of requests, close */
static void client(struct ctx *c, enum face face, unsigned int ops)
{
	unsigned int i;

	if (!ctx_open(c, face))
		return;
	if (chance(&c->r, 90))
		ctx_setup(c, true);
	for (i = 0; i < ops; i++)
		random_op(c);
	ctx_release(c);
}

/* ---------------------------------------------------------------- */
/* Phases                                                            */

struct phase {
	const char *name;
	unsigned int share;	/* percent of the run */
	void (*worker)(unsigned int id, double end);
	bool faults;
	bool restarts;
};

static uint64_t worker_seed(unsigned int phase, unsigned int id,
			    unsigned int t)
{
	return seed ^ ((uint64_t)phase << 56) ^ ((uint64_t)id << 40) ^
	       ((uint64_t)t << 24);
}

static unsigned int cur_phase;

struct thr {
	pthread_t tid;
	unsigned int id, t;
	double end;
};

static void *args_thread(void *p)
{
	struct thr *t = p;
	struct ctx c;

	if (!ctx_alloc(&c, worker_seed(cur_phase, t->id, t->t)))
		return NULL;
	while (now_s() < t->end)
		client(&c, NFACES, 5 + rn(&c.r, 60));
	ctx_free(&c);
	return NULL;
}

static void args_worker(unsigned int id, double end)
{
	struct thr t[THREADS];
	unsigned int i;

	for (i = 0; i < THREADS; i++) {
		t[i] = (struct thr){ .id = id, .t = i, .end = end };
		if (pthread_create(&t[i].tid, NULL, args_thread, &t[i]))
			t[i].tid = 0;
	}
	for (i = 0; i < THREADS; i++)
		if (t[i].tid)
			pthread_join(t[i].tid, NULL);
}

/* close: one thread calls, the other closes the file under it */
struct race {
	struct ctx *c;
	volatile int stop;
	unsigned int n;
};

static void *race_caller(void *p)
{
	struct race *ra = p;
	unsigned int i;

	for (i = 0; i < ra->n && !ra->stop; i++) {
		if (ra->c->simtest_ok && chance(&ra->c->r, 60))
			slow_call(ra->c);
		else
			random_op(ra->c);
	}
	return NULL;
}

static void close_worker(unsigned int id, double end)
{
	struct ctx c;
	unsigned int k = 0;

	if (!ctx_alloc(&c, worker_seed(cur_phase, id, 0)))
		return;
	while (now_s() < end) {
		struct race ra = { .c = &c, .n = 4 + rn(&c.r, 20) };
		pthread_t t;
		int fd;

		if (!ctx_open(&c, NFACES))
			continue;
		ctx_setup(&c, false);
		c.allow_ebadf = true;
		fd = c.fd;
		if (pthread_create(&t, NULL, race_caller, &ra)) {
			ctx_release(&c);
			continue;
		}
		sleep_ms(rn(&c.r, 40));
		close(fd);		/* the caller may be inside an ioctl */
		bump(&st->closes);
		ra.stop = 1;
		pthread_join(t, NULL);
		c.fd = -1;
		ctx_release(&c);
		c.allow_ebadf = false;
		k++;
	}
	ctx_free(&c);
}

/* fork: a child calls through the inherited file */
static void fork_worker(unsigned int id, double end)
{
	struct ctx c;

	if (!ctx_alloc(&c, worker_seed(cur_phase, id, 0)))
		return;
	while (now_s() < end) {
		unsigned int i, n = 2 + rn(&c.r, 10);
		pid_t pid;

		if (!ctx_open(&c, NFACES))
			continue;
		ctx_setup(&c, false);
		for (i = 0; i < 3; i++)
			random_op(&c);
		pid = fork();
		if (pid == 0) {
			c.r.s ^= 0x5a5a5a5aull;
			for (i = 0; i < n; i++)
				random_op(&c);
			if (chance(&c.r, 50))
				close(c.fd);
			_exit(0);
		}
		if (pid > 0)
			bump(&st->forks);
		for (i = 0; i < n; i++) {
			random_op(&c);
			if (chance(&c.r, 15))
				break;
		}
		ctx_release(&c);	/* maybe while the child calls */
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	ctx_free(&c);
}

/* kill: children SIGKILLed mid-call */
static void kill_worker(unsigned int id, double end)
{
	struct rng r = { worker_seed(cur_phase, id, 99) };
	unsigned int k = 0;
	int32_t op_now;

	while (now_s() < end) {
		pid_t pid;

		st->slot[id] = -1;
		pid = fork();
		if (pid == 0) {
			struct ctx c;

			my_slot = &st->slot[id];
			if (!ctx_alloc(&c, worker_seed(cur_phase, id, ++k + 1000)))
				_exit(0);
			for (;;) {
				if (!ctx_open(&c, NFACES)) {
					sleep_ms(5);
					continue;
				}
				ctx_setup(&c, false);
				while (c.simtest_ok || chance(&c.r, 90)) {
					if (c.simtest_ok && chance(&c.r, 70))
						slow_call(&c);
					else
						random_op(&c);
					if (chance(&c.r, 3))
						break;
				}
				ctx_release(&c);
			}
		}
		k++;
		if (pid < 0) {
			sleep_ms(10);
			continue;
		}
		sleep_ms(10 + rn(&r, 150));
		op_now = __atomic_load_n(&st->slot[id], __ATOMIC_RELAXED);
		kill(pid, SIGKILL);
		bump(&st->kills);
		bump(&st->killed_in[op_now >= 0 && op_now < NOPS ? op_now : NOPS]);
		waitpid(pid, NULL, 0);
	}
}

static void *fault_thread(void *p)
{
	struct thr *t = p;
	struct ctx c;

	if (!ctx_alloc(&c, worker_seed(cur_phase, t->id, t->t)))
		return NULL;
	while (now_s() < t->end) {
		unsigned int i, n = 5 + rn(&c.r, 30);

		if (!ctx_open(&c, NFACES)) {
			sleep_ms(20);
			continue;
		}
		ctx_setup(&c, false);
		for (i = 0; i < n && now_s() < t->end; i++) {
			if (c.simtest_ok && chance(&c.r, 50))
				slow_call(&c);
			else
				random_op(&c);
		}
		ctx_release(&c);
	}
	ctx_free(&c);
	return NULL;
}

static void load_worker(unsigned int id, double end)
{
	struct thr t[THREADS];
	unsigned int i;

	for (i = 0; i < THREADS; i++) {
		t[i] = (struct thr){ .id = id, .t = i, .end = end };
		if (pthread_create(&t[i].tid, NULL, fault_thread, &t[i]))
			t[i].tid = 0;
	}
	for (i = 0; i < THREADS; i++)
		if (t[i].tid)
			pthread_join(t[i].tid, NULL);
}

static const struct phase phases[] = {
	{ "args", 30, args_worker, false, false },
	{ "close", 10, close_worker, false, false },
	{ "fork", 10, fork_worker, false, false },
	{ "kill", 15, kill_worker, false, false },
	{ "faults", 15, load_worker, true, false },
	{ "restart", 20, load_worker, false, true },
};

#define NPHASES ARRAY_LEN(phases)

/* Print where each thread of @pid is in the kernel: wchan, syscall, stack */
static void show_tasks(pid_t pid)
{
	char names[32][64], path[320], buf[1024];
	int i, n;

	SPRINTF(path, "/proc/%d/task", pid);
	n = list_dir(path, names, 32);
	for (i = 0; i < n; i++) {
		char wchan[64] = "?", sys[128] = "?";

		SPRINTF(path, "/proc/%d/task/%s/wchan", pid, names[i]);
		read_file(path, wchan, sizeof(wchan));
		SPRINTF(path, "/proc/%d/task/%s/syscall", pid, names[i]);
		if (read_file(path, sys, sizeof(sys)) > 0)
			sys[strcspn(sys, "\n")] = '\0';
		say("#   task %s: wchan %s, syscall %s\n", names[i], wchan, sys);
		SPRINTF(path, "/proc/%d/task/%s/stack", pid, names[i]);
		if (read_file(path, buf, sizeof(buf)) > 0) {
			char *line, *save = NULL;
			int k = 0;

			for (line = strtok_r(buf, "\n", &save); line && k < 8;
			     line = strtok_r(NULL, "\n", &save), k++)
				say("#     %s\n", line);
		}
	}
}

/* Wait for @pids until @end; then SIGKILL; false if one stays */
static bool reap(pid_t *pids, unsigned int n, double end, const char *phase)
{
	unsigned int left = n, i;
	bool killed = false;

	while (left) {
		for (i = 0; i < n; i++) {
			int status;

			if (pids[i] <= 0 ||
			    waitpid(pids[i], &status, WNOHANG) != pids[i])
				continue;
			if (!killed && !(WIFEXITED(status) &&
					 !WEXITSTATUS(status)))
				finding("%s: worker %d died: %s %d", phase,
					pids[i], WIFSIGNALED(status) ?
					"signal" : "exit status",
					WIFSIGNALED(status) ? WTERMSIG(status) :
					WEXITSTATUS(status));
			pids[i] = 0;
			left--;
		}
		if (!left)
			break;
		if (now_s() > end && !killed) {
			for (i = 0; i < n; i++) {
				char path[64], wchan[64] = "?";

				if (pids[i] <= 0)
					continue;
				SPRINTF(path, "/proc/%d/wchan",
					 pids[i]);
				read_file(path, wchan, sizeof(wchan));
				finding("%s: worker %d still running 30 s after the phase (wchan %s): SIGKILL",
					phase, pids[i], wchan);
				show_tasks(pids[i]);
				kill(pids[i], SIGKILL);
			}
			killed = true;
			end = now_s() + 20;
		} else if (now_s() > end && killed) {
			for (i = 0; i < n; i++) {
				if (pids[i] <= 0)
					continue;
				finding("%s: worker %d survives SIGKILL for 20 s",
					phase, pids[i]);
				show_tasks(pids[i]);
			}
			return false;
		}
		sleep_ms(20);
	}
	return true;
}

static void restart_all(void)
{
	int i;

	for (i = 0; i < nsims; i++)
		sim_restart(i, false);
}

/* Run phase @p for @secs; returns false when it cannot go on */
static bool run_phase(unsigned int p, double secs, int *testno, bool *fail)
{
	const struct phase *ph = &phases[p];
	struct rng r = { worker_seed(p, 777, 777) };
	double end = now_s() + secs;
	pid_t pids[MAX_WORKERS];
	uint64_t kills0 = st->kills, restarts0 = st->restarts, req0 = 0, req1 = 0;
	unsigned int i;
	bool alive = true;
	int bad;

	cur_phase = p;
	st->phase_find = 0;
	for (i = 0; i < NOPS; i++)
		req0 += st->calls[i];
	say("# phase %s: %.0f s, %u processes\n", ph->name, secs, nworkers);
	for (i = 0; i < nworkers; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			ph->worker(i, end);
			_exit(0);
		}
	}
	/* The controller: fault knobs and restarts while the load runs */
	while (now_s() < end) {
		sleep_ms(ph->restarts ? 300 + rn(&r, 700) : 200 + rn(&r, 300));
		if (ph->faults) {
			knobs_set(&r, false);
			if (chance(&r, 10))
				sim_restart(rn(&r, nsims), chance(&r, 50));
		}
		if (ph->restarts && nsims) {
			static unsigned int k;

			/* every other one through the remoteproc, if any */
			sim_restart(rn(&r, nsims), k++ & 1);
			if (!wait_online(10))
				finding("%s: a DSP did not come back within 10 s",
					ph->name);
		}
	}
	if (ph->faults) {
		knobs_set(&r, true);
		restart_all();	/* calls whose reply was dropped end here */
	}
	alive = reap(pids, nworkers, now_s() + 30, ph->name);
	if (ph->faults)
		restart_all();	/* what a late duplicate left behind */
	if ((ph->faults || ph->restarts) && !wait_online(15))
		finding("%s: DSPs not back online 15 s after the phase",
			ph->name);
	for (i = 0; i < NOPS; i++)
		req1 += st->calls[i];
	say("# phase %s: %" PRIu64 " requests, kills %" PRIu64 ", restarts %"
	    PRIu64 "\n", ph->name, req1 - req0, st->kills - kills0,
	    st->restarts - restarts0);
	say("%s %d - %s: every result is one the UAPI documents\n",
	    st->phase_find ? "not ok" : "ok", ++*testno, ph->name);
	*fail |= st->phase_find != 0;
	bad = alive ? wait_baseline(20) : 1;
	say("%s %d - %s: counters back to baseline with no file open\n",
	    bad ? "not ok" : "ok", ++*testno, ph->name);
	if (bad) {
		*fail = true;
		finding("%s: %d counter(s) above their baseline%s (seed %#"
			PRIx64 ")", ph->name, bad,
			alive ? "" : " (not checked: a worker is stuck)", seed);
		/* go on from what a restart leaves, to tell leaks apart */
		if (alive) {
			restart_all();
			wait_online(15);
			if (wait_baseline(10)) {
				say("# %s: still off after a restart of every DSP: new baseline\n",
				    ph->name);
				snap_take(&baseline);
			} else {
				say("# %s: back to baseline after a restart of every DSP\n",
				    ph->name);
			}
		}
	}
	return alive;
}

/* ---------------------------------------------------------------- */

static const char *errname(int e)
{
	static char buf[16];
	const char *n = e ? strerrorname_np(e) : "ok";

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "%d", e);
	return buf;
}

static void print_summary(void)
{
	unsigned int i, f, e;
	uint64_t total[NFACES] = { 0 };

	for (i = 0; i < NOPS; i++)
		total[op_face(i)] += st->calls[i];
	say("# seed %#" PRIx64 " (replay: FASTRPC_FUZZ_SEED=%#" PRIx64 ")\n",
	    seed, seed);
	say("# %s-bit, %" PRIu64 " accel + %" PRIu64 " legacy requests; kills %"
	    PRIu64 ", restarts %" PRIu64 " (remoteproc crashes %" PRIu64
	    "), knob writes %" PRIu64 ", forks %" PRIu64 ", racing closes %"
	    PRIu64 "\n", sizeof(void *) == 8 ? "64" : "32", total[ACCEL],
	    total[LEGACY], st->kills, st->restarts, st->crashes,
	    st->knob_writes, st->forks, st->closes);
	for (i = 0; i < NOPS; i++) {
		if (!st->calls[i])
			continue;
		say("#   %-6s %-20s %8" PRIu64 " calls, %8" PRIu64 " ok%s",
		    face_names[op_face(i)], op_names[i], st->calls[i],
		    st->ok[i], st->dsp_raw[i] ? "" : "\n");
		if (st->dsp_raw[i])
			say(", %" PRIu64 " raw DSP results\n", st->dsp_raw[i]);
	}
	if (st->kills) {
		char line[1024];
		int n = snprintf(line, sizeof(line), "# killed during:");

		for (i = 0; i <= NOPS && n < (int)sizeof(line) - 48; i++) {
			if (!st->killed_in[i])
				continue;
			n += snprintf(line + n, sizeof(line) - n, " %s%s%s=%" PRIu64,
				      i < NOPS ? face_names[op_face(i)] : "",
				      i < NOPS ? " " : "",
				      i < NOPS ? op_names[i] : "no request",
				      st->killed_in[i]);
		}
		say("%s\n", line);
	}
	for (f = 0; f < NFACES; f++) {
		char line[1024];
		int n = 0;

		n += snprintf(line + n, sizeof(line) - n, "# %s errno:",
			      face_names[f]);
		for (e = 0; e <= ERRNO_MAX && n < (int)sizeof(line) - 40; e++) {
			if (!st->err[f][e])
				continue;
			n += snprintf(line + n, sizeof(line) - n, " %s=%" PRIu64,
				      e == ERRNO_MAX ? "other" : errname(e),
				      st->err[f][e]);
		}
		say("%s\n", line);
	}
	if (st->nfind)
		say("# %u finding(s)%s\n", st->nfind,
		    st->nfind > MAX_FIND ? " (first ones printed)" : "");
}

static bool phase_selected(const char *list, const char *name)
{
	size_t l = strlen(name);
	const char *p = list;

	if (!list || !*list || !strcmp(list, "all"))
		return true;
	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[l] == ',' || !p[l]))
			return true;
		p += l;
	}
	return false;
}

int main(void)
{
	const char *s = getenv("FASTRPC_FUZZ_SEED");
	const char *sel = getenv("FASTRPC_FUZZ_PHASES");
	unsigned int i, nsel = 0, share = 0;
	int testno = 0;
	bool fail = false, any = false;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (s && *s) {
		seed = strtoull(s, NULL, 0);
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)ts.tv_nsec ^
		       ((uint64_t)getpid() << 40);
	}
	s = getenv("FASTRPC_FUZZ_SECONDS");
	if (s && atof(s) > 0)
		run_seconds = atof(s);
	s = getenv("FASTRPC_FUZZ_WORKERS");
	if (s && atoi(s) > 0)
		nworkers = atoi(s) > MAX_WORKERS ? MAX_WORKERS : atoi(s);

	for (i = 0; i < ARRAY_LEN(accel_nodes); i++)
		any |= accel_present[i] = exists(accel_nodes[i]);
	for (i = 0; i < ARRAY_LEN(legacy_nodes); i++)
		any |= legacy_present[i] = exists(legacy_nodes[i]);
	if (!any) {
		say("1..0 # SKIP no /dev/accel/accel0-3 or /dev/fastrpc-* node\n");
		return 4;
	}
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED) {
		say("1..0 # SKIP no memory for the statistics\n");
		return 4;
	}
	for (i = 0; i < NPHASES; i++) {
		if (phase_selected(sel, phases[i].name)) {
			nsel++;
			share += phases[i].share;
		}
	}
	say("# fastrpc_fuzz %s-bit, seed %#" PRIx64 " (replay: FASTRPC_FUZZ_SEED=%#"
	    PRIx64 "), %.0f s, %u processes x %u threads\n",
	    sizeof(void *) == 8 ? "64" : "32", seed, seed, run_seconds,
	    nworkers, THREADS);
	find_sims();
	for (i = 0; i < (unsigned int)nsims; i++)
		say("# DSP %s: restart by configfs live%s\n", sims[i],
		    rproc_crash[i][0] ? " and remoteproc crash" : "");
	say("1..%u\n", nsel * 2);
	if (!wait_online(10))
		say("# not every device online at the start\n");
	/*
	 * The baseline: no file of ours open, nothing in flight; what an
	 * earlier test left behind gets 10 s to go (all 0 at rest)
	 */
	memset(&baseline, 0, sizeof(baseline));
	if (wait_baseline(10))
		say("# not at rest at the start: the baseline is what is left\n");
	snap_take(&baseline);
	for (i = 0; i < (unsigned int)baseline.n; i++)
		say("# baseline %s = %" PRIu64 "\n", baseline.key[i],
		    baseline.val[i]);
	for (i = 0; i < NPHASES; i++) {
		if (!phase_selected(sel, phases[i].name))
			continue;
		if (!run_phase(i, run_seconds * phases[i].share / share,
			       &testno, &fail)) {
			say("# a worker could not be reaped: stopping\n");
			fail = true;
			break;
		}
	}
	print_summary();
	for (i = 0; i < st->nfind && i < MAX_FIND; i++)
		say("# finding %u: %s\n", i + 1, st->find[i]);
	return fail ? 1 : 0;
}
