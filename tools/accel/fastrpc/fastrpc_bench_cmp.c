// SPDX-License-Identifier: GPL-2.0-only
/*
 * fastrpc_bench -m / -r: the same calls timed through three faces of
 * FastRPC on the same simulated DSP, side by side.
 *
 * Columns (-m, one per run of the program; the old driver and ours cannot
 * own the DSP at the same time, so the VM's init swaps them in between):
 *   old-legacy  (1) drivers/misc/fastrpc.c (fastrpc.ko) on its node
 *               /dev/fastrpc-<domain>, legacy UAPI include/uapi/misc/fastrpc.h
 *   legacy      (2) fastrpc_accel serving the same legacy UAPI on the same
 *               node; "n/a" while our driver has no such node or ioctl
 *   accel       (3) fastrpc_accel through /dev/accel/accelN (the device
 *               whose DRM_FASTRPC_QUERY_DEVICE_INFO label is <domain>)
 *
 * Rows, all on one file with a dynamic user PD and the simtest module open
 * (opened with remotectl1 open1, handle 8 method 2), except the last:
 *   null call        simtest echo (method 2) with no argument: the fixed
 *                    cost of one round trip (ioctl, message, reply)
 *   transport floor  one write() of 16 bytes to the simulator's debugfs
 *                    "echo" file (fastrpc_sim/<instance>/echo): a bare
 *                    send and reply through the same simulated transport,
 *                    no FastRPC and no driver of ours; the part of the
 *                    null call no driver can save. The instance is the one
 *                    whose configfs label is <domain> (-s to name it).
 *                    "n/a" on a simulator without the echo file
 *   inline N in+out  echo of one N-byte in-buffer to one N-byte out-buffer,
 *                    both copied through the call's payload (fd -1, or no
 *                    flags in struct drm_fastrpc_arg); N = 4 KiB, 64 KiB,
 *                    1 MiB. The simulated DSP copies the N bytes too.
 *   dma-buf N in+out the same echo with both arguments in buffers used in
 *                    place: legacy, FASTRPC_IOCTL_ALLOC_DMA_BUFF buffers
 *                    passed by fd; accel, GEM objects (DRM_FASTRPC_BUF_GEM)
 *   1st call, new 4 KiB buf
 *                    the first call that uses a new buffer: each timed
 *                    operation is one echo from a 4 KiB buffer made just
 *                    before (untimed) and never used yet, to the same
 *                    4 KiB out-buffer used in place, reused by every call
 *                    (the call of "dma-buf 4 KiB in+out" with a new
 *                    in-buffer); the new buffer is freed afterwards,
 *                    untimed. Legacy, an ALLOC_DMA_BUFF buffer passed by
 *                    fd; accel, a new GEM object passed by handle. The
 *                    buffer is not mapped by the CPU (legacy: the address
 *                    passed with it is an inaccessible placeholder of its
 *                    size, on both legacy columns), so the pages of a GEM
 *                    object, allocated at first use, count in the call,
 *                    while the old driver allocates at ALLOC_DMA_BUFF
 *   1st call, heap 4 KiB buf
 *                    the same with a buffer of /dev/dma_heap/system
 *                    (pages allocated when it is made, in every column):
 *                    legacy, its fd; accel, its PRIME import by handle
 *                    (the fd and the handle both closed when it is freed).
 *                    "n/a" without the heap
 *   new+call+free 4 KiB, new+call+free heap 4 KiB
 *                    the same buffers and call, timing the whole cycle:
 *                    make the buffer, the call, free it (close the fd;
 *                    GEM_CLOSE, and close the heap fd of an import)
 *                    These four rows run on a file of their own, opened
 *                    for the cell (PD and simtest as above) by a child
 *                    process and closed after it, so that what their
 *                    buffers leave behind does not weigh on the other
 *                    rows (a process of its own: the old driver knows a
 *                    PD by the tgid, and a second file of the bench's
 *                    process would release the PD of its first). Their answers are
 *                    checked on the first two and the last operation
 *                    (untimed, not counted): the new buffer then holds a
 *                    pattern written through a CPU mapping of it (the old
 *                    driver's ALLOC_DMA_BUFF buffers cannot be mapped:
 *                    the zeros of a new buffer), which the out-buffer,
 *                    filled with something else before, must hold after
 *                    the call, read back through the DSP; a driver that
 *                    gave the DSP an older buffer's memory fails this.
 *                    Below the table, their median over that of
 *                    "dma-buf 4 KiB in+out" in the same column: the cost
 *                    of a new buffer over a buffer already in use
 *   map+unmap 64 KiB one mapping of a 64 KiB buffer into the PD and its
 *                    removal: legacy, MEM_MAP + MEM_UNMAP of an
 *                    ALLOC_DMA_BUFF buffer; accel, DRM_IOCTL_FASTRPC_MAP +
 *                    UNMAP of a GEM object
 *   PD create+rel.   open the node, create a dynamic PD without a shell
 *                    (legacy INIT_CREATE of a zeroed struct; accel
 *                    PROCESS_INIT DYNAMIC, no flags), close: the time of a
 *                    client's whole life
 *   P processes      P = 1, 2, 4 processes, each with its own file, PD and
 *                    simtest, make null calls at once for the same -t
 *                    window (at most 2 s): throughput, not latency. The
 *                    cell is the calls per second of all processes
 *                    together, then [slowest-fastest] process and the
 *                    number of calls; the ratio is the total over column
 *                    (1)'s (above 1.00: more calls than the old driver).
 *                    The DSP needs P + 1 free sessions (the bench's own
 *                    file stays open)
 *
 * How to read the table: each cell is the median time of one operation in
 * microseconds, then [p10-p90] (10th and 90th percentile: the spread) and
 * the number of timed operations; columns (2) and (3) add the ratio of
 * their median to column (1)'s (below 1.00: faster than the old driver).
 * Before and after the timed calls the answers are checked (the echoed
 * bytes, read back through the DSP for buffers, never through the CPU: the
 * old driver's mmap of its dma-bufs is broken, see fastrpc_legacy.c); a
 * wrong answer shows as WRONG. A cell that could not be measured shows
 * "n/a" and a footnote with the reason. The times are those of a guest
 * under TCG, with the DSP simulated on the same CPUs: compare them with
 * each other, not with hardware.
 *
 * A cell stops at -i operations (default 500) or once its timed operations
 * took -t milliseconds (default 2000), whichever comes first, but has at
 * least 5; for the four new-buffer rows the limit counts the untimed
 * work between the timed operations too. The whole comparison takes about
 * 30 s of a TCG guest and at most about 3 x 13 x 2 s.
 *
 * Results file (-o), one line each, tab-separated:
 *   fastrpc-bench-cmp 1
 *   clock <what the times were measured with>
 *   column <mode> <description>
 *   row <id> ok <n> <median> <p10> <p90> <min> <max>
 *   row <id> na|wrong <reason>
 * For the P-process rows, n is the number of calls, median the calls per
 * second of all processes, p10/min and p90/max those of the slowest and
 * fastest process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <misc/fastrpc.h>

#include "fastrpc_util.h"
#include "fastrpc_bench.h"

#define MIN_SAMPLES	5
#define MAP_SIZE	(64 * KiB)
#define REASON_LEN	160

#define PAR_WINDOW_MS	2000	/* longest window of the P-process rows */

enum row_kind {
	ROW_NULL, ROW_FLOOR, ROW_INLINE, ROW_BUF, ROW_FIRST, ROW_CYCLE,
	ROW_MAP, ROW_PD, ROW_PAR,
};

struct row {
	const char *id;		/* in the results file */
	const char *label;	/* in the table */
	enum row_kind kind;
	uint64_t size;		/* ROW_PAR: number of processes */
	int heap;		/* ROW_FIRST, ROW_CYCLE: dma-heap buffers */
};

#define DMA_HEAP_PATH	"/dev/dma_heap/system"

static const struct row rows[] = {
	{ "null", "null call", ROW_NULL, 0, 0 },
	{ "floor", "transport floor", ROW_FLOOR, 16, 0 },
	{ "inline-4k", "inline 4 KiB in+out", ROW_INLINE, 4 * KiB, 0 },
	{ "inline-64k", "inline 64 KiB in+out", ROW_INLINE, 64 * KiB, 0 },
	{ "inline-1m", "inline 1 MiB in+out", ROW_INLINE, MiB, 0 },
	{ "dmabuf-4k", "dma-buf 4 KiB in+out", ROW_BUF, 4 * KiB, 0 },
	{ "dmabuf-64k", "dma-buf 64 KiB in+out", ROW_BUF, 64 * KiB, 0 },
	{ "dmabuf-1m", "dma-buf 1 MiB in+out", ROW_BUF, MiB, 0 },
	{ "first-4k", "1st call, new 4 KiB buf", ROW_FIRST, 4 * KiB, 0 },
	{ "first-heap-4k", "1st call, heap 4 KiB buf", ROW_FIRST, 4 * KiB, 1 },
	{ "cycle-4k", "new+call+free 4 KiB", ROW_CYCLE, 4 * KiB, 0 },
	{ "cycle-heap-4k", "new+call+free heap 4 KiB", ROW_CYCLE, 4 * KiB, 1 },
	{ "map-64k", "map+unmap 64 KiB", ROW_MAP, MAP_SIZE, 0 },
	{ "pd", "PD create+release", ROW_PD, 0, 0 },
	{ "par1", "1 process", ROW_PAR, 1, 0 },
	{ "par2", "2 processes", ROW_PAR, 2, 0 },
	{ "par4", "4 processes", ROW_PAR, 4, 0 },
};

/* The warm row the new-buffer rows are compared with, below the table */
#define WARM_ROW	"dmabuf-4k"

#define NROWS ARRAY_LEN(rows)

/* A device file with a PD and simtest open */
struct col_ctx {
	char node[64];
	int fd;
	uint32_t simtest;
	int old;		/* the old driver: never mmap its dma-bufs */
	char desc[128];		/* column description */
};

/* A buffer passed in place */
struct bbuf {
	uint64_t size;
	int dfd;		/* legacy: dma-buf fd, -1 for none */
	void *addr;		/* legacy: the address passed with it */
	uint32_t handle;	/* accel: GEM handle, 0 for none */
	int heap;		/* dfd is a dma-heap buffer (accel: imported) */
};

/* One argument: inline memory, or a buffer when @buf is set */
struct barg {
	void *ptr;
	uint64_t len;
	struct bbuf *buf;
};

struct col_ops {
	const char *mode;	/* -m */
	const char *title;	/* column header */
	/*
	 * Open the device, create the PD, open simtest. 0, -ENODEV when
	 * there is no such device, or -errno; @why gets a reason.
	 */
	int (*open)(struct col_ctx *c, const struct bench_opts *o, char *why);
	void (*close)(struct col_ctx *c);
	int (*buf_alloc)(struct col_ctx *c, struct bbuf *b, uint64_t size);
	void (*buf_free)(struct col_ctx *c, struct bbuf *b);
	/*
	 * A buffer of the new-buffer rows, not mapped by the CPU: from the
	 * dma-heap @heap_fd, or the face's own kind when @heap_fd < 0
	 */
	int (*buf_new)(struct col_ctx *c, struct bbuf *b, uint64_t size,
		       int heap_fd);
	/* simtest @method with @in[@nin] and @out[@nout]: 0 or -errno */
	int (*call)(struct col_ctx *c, uint32_t method, const struct barg *in,
		    unsigned int nin, const struct barg *out,
		    unsigned int nout);
	/* map @b into the PD and unmap it: 0 or -errno */
	int (*map_pair)(struct col_ctx *c, struct bbuf *b);
	/* open, create a PD, close: 0 or -errno */
	int (*pd_cycle)(struct col_ctx *c);
	/* failing to open the device fails the run */
	int must_open;
	/* an error in a cell fails the run (our own driver's UAPI) */
	int strict;
};

/* Errno of a legacy ioctl; a raw DSP result (not -1) is -EREMOTEIO */
static int legacy_ret(int ret)
{
	if (!ret)
		return 0;
	return ret == -1 ? -errno : -EREMOTEIO;
}

/* ---- legacy UAPI: columns (1) and (2) ---- */

static void legacy_arg(struct fastrpc_invoke_args *a, const struct barg *b)
{
	memset(a, 0, sizeof(*a));
	a->length = b->len;
	if (b->buf) {
		a->ptr = (uintptr_t)b->buf->addr;
		a->fd = b->buf->dfd;
	} else {
		a->ptr = (uintptr_t)b->ptr;
		a->fd = -1;
	}
}

static int legacy_invoke(int fd, uint32_t handle, uint32_t sc,
			 struct fastrpc_invoke_args *args)
{
	struct fastrpc_invoke inv = {
		.handle = handle,
		.sc = sc,
		.args = (uintptr_t)args,
	};

	return legacy_ret(ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv));
}

static int legacy_call(struct col_ctx *c, uint32_t method,
		       const struct barg *in, unsigned int nin,
		       const struct barg *out, unsigned int nout)
{
	struct fastrpc_invoke_args a[4];
	unsigned int i;

	if (nin + nout > ARRAY_LEN(a))
		return -EINVAL;
	for (i = 0; i < nin; i++)
		legacy_arg(&a[i], &in[i]);
	for (i = 0; i < nout; i++)
		legacy_arg(&a[nin + i], &out[i]);
	return legacy_invoke(c->fd, c->simtest, FRPC_SC(method, nin, nout), a);
}

static int legacy_create_pd(int fd)
{
	struct fastrpc_init_create init;

	memset(&init, 0, sizeof(init));
	return legacy_ret(ioctl(fd, FASTRPC_IOCTL_INIT_CREATE, &init));
}

/* remotectl1 open1 (handle 8, method 2) of simtest */
static int legacy_open_simtest(struct col_ctx *c)
{
	struct fastrpc_invoke_args a[4];
	struct { uint32_t urilen, dlerrlen; } in;
	struct { int32_t handle, dlerr; } out = { -1, -1 };
	static const char uri[] = FRPC_SIMTEST_URI;
	char errtxt[256] = "";
	int ret;

	in.urilen = sizeof(uri);
	in.dlerrlen = sizeof(errtxt);
	legacy_arg(&a[0], &(struct barg){ &in, sizeof(in), NULL });
	legacy_arg(&a[1], &(struct barg){ (void *)uri, sizeof(uri), NULL });
	legacy_arg(&a[2], &(struct barg){ &out, sizeof(out), NULL });
	legacy_arg(&a[3], &(struct barg){ errtxt, sizeof(errtxt), NULL });
	ret = legacy_invoke(c->fd, FRPC_HANDLE_REMOTECTL1,
			    FRPC_SC(FRPC_REMOTECTL1_OPEN1, 2, 2), a);
	if (ret)
		return ret;
	if (out.dlerr)
		return -ENOENT;
	c->simtest = (uint32_t)out.handle;
	return 0;
}

static int legacy_open(struct col_ctx *c, const struct bench_opts *o,
		       char *why)
{
	int ret;

	if (o->node)
		snprintf(c->node, sizeof(c->node), "%s", o->node);
	else
		snprintf(c->node, sizeof(c->node), "/dev/fastrpc-%s",
			 o->domain);
	c->fd = open(c->node, O_RDWR | O_CLOEXEC);
	if (c->fd < 0) {
		ret = -errno;
		snprintf(why, REASON_LEN, "open %s: %s", c->node,
			 strerror(-ret));
		return ret == -ENOENT ? -ENODEV : ret;
	}
	ret = legacy_create_pd(c->fd);
	if (ret) {
		snprintf(why, REASON_LEN, "INIT_CREATE: %s", strerror(-ret));
	} else {
		ret = legacy_open_simtest(c);
		if (ret)
			snprintf(why, REASON_LEN, "open simtest: %s",
				 strerror(-ret));
	}
	if (ret) {
		close(c->fd);
		c->fd = -1;
	}
	return ret;
}

static int old_open(struct col_ctx *c, const struct bench_opts *o, char *why)
{
	int ret = legacy_open(c, o, why);

	c->old = 1;
	snprintf(c->desc, sizeof(c->desc), "%s (drivers/misc/fastrpc.c)",
		 c->node);
	return ret;
}

static int face_open(struct col_ctx *c, const struct bench_opts *o, char *why)
{
	int ret = legacy_open(c, o, why);

	snprintf(c->desc, sizeof(c->desc), "%s (fastrpc_accel legacy face)",
		 c->node);
	return ret;
}

static void fd_close(struct col_ctx *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static void legacy_buf_free(struct col_ctx *c, struct bbuf *b)
{
	(void)c;
	if (b->addr && b->addr != MAP_FAILED)
		munmap(b->addr, b->size);
	if (b->dfd >= 0)
		close(b->dfd);
	b->addr = NULL;
	b->dfd = -1;
}

static int legacy_buf_alloc(struct col_ctx *c, struct bbuf *b, uint64_t size)
{
	struct fastrpc_alloc_dma_buf req = { .fd = -1, .size = size };
	int ret;

	b->size = size;
	ret = legacy_ret(ioctl(c->fd, FASTRPC_IOCTL_ALLOC_DMA_BUFF, &req));
	if (ret)
		return ret;
	b->dfd = req.fd;
	/*
	 * The driver takes the buffer's offset from the address passed with
	 * it: its offset in the mapping (VMA) that holds it. Ours is the CPU
	 * mapping of the buffer, as a real client's would be; on the old
	 * driver, whose mmap of these buffers is broken, an inaccessible
	 * shared placeholder of the same size (shared: never merged with a
	 * neighbour, which would shift the offset).
	 */
	b->addr = MAP_FAILED;
	if (!c->old)
		b->addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			       b->dfd, 0);
	if (b->addr == MAP_FAILED)
		b->addr = mmap(NULL, size, PROT_NONE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b->addr == MAP_FAILED) {
		ret = -errno;
		legacy_buf_free(c, b);
		return ret;
	}
	return 0;
}

/* A dma-buf of @size from the dma-heap @heap_fd: the fd or -errno */
static int heap_alloc(int heap_fd, uint64_t size)
{
	struct dma_heap_allocation_data d = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};

	if (ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &d))
		return -errno;
	return (int)d.fd;
}

static int legacy_buf_new(struct col_ctx *c, struct bbuf *b, uint64_t size,
			  int heap_fd)
{
	struct fastrpc_alloc_dma_buf req = { .fd = -1, .size = size };
	int ret;

	b->size = size;
	b->heap = heap_fd >= 0;
	if (b->heap) {
		ret = heap_alloc(heap_fd, size);
		if (ret < 0)
			return ret;
		b->dfd = ret;
	} else {
		ret = legacy_ret(ioctl(c->fd, FASTRPC_IOCTL_ALLOC_DMA_BUFF,
				       &req));
		if (ret)
			return ret;
		b->dfd = req.fd;
	}
	/* the placeholder of legacy_buf_alloc(), on both legacy columns */
	b->addr = mmap(NULL, size, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS, -1,
		       0);
	if (b->addr == MAP_FAILED) {
		ret = -errno;
		legacy_buf_free(c, b);
		return ret;
	}
	return 0;
}

static int legacy_map_pair(struct col_ctx *c, struct bbuf *b)
{
	struct fastrpc_mem_unmap mu;
	struct fastrpc_mem_map mm;
	int ret;

	memset(&mm, 0, sizeof(mm));
	mm.fd = b->dfd;
	mm.flags = FASTRPC_MAP_FD;
	mm.vaddrin = (uintptr_t)b->addr;
	mm.length = b->size;
	ret = legacy_ret(ioctl(c->fd, FASTRPC_IOCTL_MEM_MAP, &mm));
	if (ret)
		return ret;
	memset(&mu, 0, sizeof(mu));
	mu.fd = b->dfd;
	mu.vaddr = mm.vaddrout;
	mu.length = b->size;
	return legacy_ret(ioctl(c->fd, FASTRPC_IOCTL_MEM_UNMAP, &mu));
}

static int legacy_pd_cycle(struct col_ctx *c)
{
	int fd, ret;

	fd = open(c->node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = legacy_create_pd(fd);
	close(fd);
	return ret;
}

/* ---- accel UAPI: column (3) ---- */

static int accel_open(struct col_ctx *c, const struct bench_opts *o,
		      char *why)
{
	struct drm_fastrpc_device_info info;
	int ret;

	c->fd = frpc_open_domain(o->domain, &info, c->node, sizeof(c->node));
	if (c->fd < 0) {
		snprintf(why, REASON_LEN, "no accel device labelled %s: %s",
			 o->domain, strerror(-c->fd));
		return c->fd == -ENOENT ? -ENODEV : c->fd;
	}
	snprintf(c->desc, sizeof(c->desc),
		 "%s (fastrpc_accel %u.%u, DRM accel UAPI)", c->node,
		 info.driver_major, info.driver_minor);
	/* no flags: INIT_CREATE as the legacy columns' zeroed request */
	ret = frpc_process_init(c->fd, DRM_FASTRPC_PROCESS_DYNAMIC, 0);
	if (ret) {
		snprintf(why, REASON_LEN, "PROCESS_INIT: %s", strerror(-ret));
	} else {
		ret = frpc_module_open(c->fd, FRPC_SIMTEST_URI, &c->simtest);
		if (ret)
			snprintf(why, REASON_LEN, "open simtest: %s",
				 strerror(-ret));
	}
	if (ret) {
		close(c->fd);
		c->fd = -1;
	}
	return ret;
}

static void accel_arg(struct drm_fastrpc_arg *a, const struct barg *b)
{
	if (b->buf)
		*a = frpc_arg_gem(b->buf->handle, 0, b->len);
	else
		*a = frpc_arg_inline(b->ptr, b->len);
}

static int accel_call(struct col_ctx *c, uint32_t method,
		      const struct barg *in, unsigned int nin,
		      const struct barg *out, unsigned int nout)
{
	struct drm_fastrpc_arg ai[2], ao[2];
	unsigned int i;

	if (nin > ARRAY_LEN(ai) || nout > ARRAY_LEN(ao))
		return -EINVAL;
	for (i = 0; i < nin; i++)
		accel_arg(&ai[i], &in[i]);
	for (i = 0; i < nout; i++)
		accel_arg(&ao[i], &out[i]);
	return frpc_invoke_args(c->fd, c->simtest, method, ai, nin, ao, nout,
				0, NULL);
}

static int accel_buf_alloc(struct col_ctx *c, struct bbuf *b, uint64_t size)
{
	b->size = size;
	return frpc_gem_create(c->fd, size, &b->handle);
}

static void accel_buf_free(struct col_ctx *c, struct bbuf *b)
{
	if (b->handle)
		frpc_gem_close(c->fd, b->handle);
	if (b->dfd >= 0)
		close(b->dfd);
	b->handle = 0;
	b->dfd = -1;
}

static int accel_buf_new(struct col_ctx *c, struct bbuf *b, uint64_t size,
			 int heap_fd)
{
	int ret;

	b->size = size;
	b->heap = heap_fd >= 0;
	if (!b->heap)
		return frpc_gem_create(c->fd, size, &b->handle);
	ret = heap_alloc(heap_fd, size);
	if (ret < 0)
		return ret;
	b->dfd = ret;
	ret = frpc_prime_import(c->fd, b->dfd, &b->handle);
	if (ret)
		accel_buf_free(c, b);
	return ret;
}

static int accel_map_pair(struct col_ctx *c, struct bbuf *b)
{
	uint64_t addr;
	int ret;

	ret = frpc_map(c->fd, DRM_FASTRPC_BUF_GEM, b->handle, 0, b->size,
		       &addr);
	if (ret)
		return ret;
	return frpc_unmap(c->fd, addr);
}

static int accel_pd_cycle(struct col_ctx *c)
{
	int fd, ret;

	fd = open(c->node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = frpc_process_init(fd, DRM_FASTRPC_PROCESS_DYNAMIC, 0);
	close(fd);
	return ret;
}

/* Columns, in table order; the ratios are to cols[0] */
static const struct col_ops cols[] = {
	{ "old-legacy", "(1) old driver, legacy UAPI", old_open,
	  fd_close, legacy_buf_alloc, legacy_buf_free, legacy_buf_new,
	  legacy_call, legacy_map_pair, legacy_pd_cycle, 1, 0 },
	{ "legacy", "(2) fastrpc_accel, legacy UAPI", face_open,
	  fd_close, legacy_buf_alloc, legacy_buf_free, legacy_buf_new,
	  legacy_call, legacy_map_pair, legacy_pd_cycle, 0, 0 },
	{ "accel", "(3) fastrpc_accel, accel UAPI", accel_open,
	  fd_close, accel_buf_alloc, accel_buf_free, accel_buf_new,
	  accel_call, accel_map_pair, accel_pd_cycle, 1, 1 },
};

#define NCOLS ARRAY_LEN(cols)

/* ---- measuring ---- */

enum cell_state { CELL_NONE, CELL_OK, CELL_NA, CELL_WRONG };

struct cell {
	enum cell_state state;
	char why[REASON_LEN];
	struct bench_stats s;
};

/* The buffers of one cell */
struct row_bufs {
	uint8_t *in, *out;	/* inline in and out, or staging for ROW_BUF */
	/* ROW_BUF: in and out; ROW_MAP: bin; ROW_FIRST, ROW_CYCLE: bout */
	struct bbuf bin, bout;
	int echo_fd;		/* ROW_FLOOR: the simulator's echo file */
	int heap_fd;		/* new-buffer rows: the dma-heap, or -1 */
};

static void fill(uint8_t *p, uint64_t len, uint8_t seed)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 31 + seed);
}

/* simtest echo: @in to @out (NULL for none) */
static int echo(const struct col_ops *m, struct col_ctx *c,
		const struct barg *in, const struct barg *out)
{
	return m->call(c, FRPC_SIMTEST_ECHO, in, in ? 1 : 0, out, out ? 1 : 0);
}

static void row_release(const struct col_ops *m, struct col_ctx *c,
			struct row_bufs *rb)
{
	m->buf_free(c, &rb->bin);
	m->buf_free(c, &rb->bout);
	free(rb->in);
	free(rb->out);
	if (rb->echo_fd >= 0)
		close(rb->echo_fd);
	if (rb->heap_fd >= 0)
		close(rb->heap_fd);
}

/*
 * The simulator instance of @o's domain: -s, else the configfs instance
 * whose label is the domain, else "<domain>0"
 */
static void sim_instance(const struct bench_opts *o, char *inst, size_t len)
{
	char path[320], label[32];
	struct dirent *d;
	DIR *dir;

	snprintf(inst, len, "%s0", o->domain);
	if (o->sim) {
		snprintf(inst, len, "%s", o->sim);
		return;
	}
	dir = opendir("/sys/kernel/config/fastrpc-sim");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path),
			 "/sys/kernel/config/fastrpc-sim/%.200s/label",
			 d->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(label, sizeof(label), f)) {
			label[strcspn(label, "\n")] = '\0';
			if (!strcmp(label, o->domain))
				snprintf(inst, len, "%.60s", d->d_name);
		}
		fclose(f);
	}
	closedir(dir);
}

/* One write() to the echo file: 0 or -errno */
static int floor_op(int fd, uint64_t size)
{
	static const char msg[64] = "fastrpc_bench transport floor";
	ssize_t n = write(fd, msg, size < sizeof(msg) ? size : sizeof(msg));

	if (n < 0)
		return -errno;
	return (uint64_t)n == size ? 0 : -EIO;
}

/* A row of new buffers: ROW_FIRST or ROW_CYCLE */
static bool row_new_buf(const struct row *r)
{
	return r->kind == ROW_FIRST || r->kind == ROW_CYCLE;
}

/* Allocate what row @r needs: 0, or -errno and @why */
static int row_prepare(const struct col_ops *m, struct col_ctx *c,
		       const struct bench_opts *o, const struct row *r,
		       struct row_bufs *rb, char *why)
{
	int ret = 0;

	memset(rb, 0, sizeof(*rb));
	rb->bin.dfd = -1;
	rb->bout.dfd = -1;
	rb->echo_fd = -1;
	rb->heap_fd = -1;
	if (r->kind == ROW_FLOOR) {
		char inst[64], path[160];

		sim_instance(o, inst, sizeof(inst));
		snprintf(path, sizeof(path),
			 FRPC_DEBUGFS "/fastrpc_sim/%s/echo", inst);
		rb->echo_fd = open(path, O_WRONLY | O_CLOEXEC);
		if (rb->echo_fd < 0) {
			ret = -errno;
			snprintf(why, REASON_LEN, "fastrpc_sim/%.60s/echo: %.40s%s",
				 inst, strerror(-ret), ret == -ENOENT ?
				 " (simulator without the transport echo)" : "");
			return ret;
		}
		return 0;
	}
	if (r->heap) {
		rb->heap_fd = open(DMA_HEAP_PATH, O_RDONLY | O_CLOEXEC);
		if (rb->heap_fd < 0) {
			ret = -errno;
			snprintf(why, REASON_LEN, "%s: %s", DMA_HEAP_PATH,
				 strerror(-ret));
			return ret;
		}
	}
	if (r->kind == ROW_INLINE || row_new_buf(r) || r->kind == ROW_BUF) {
		rb->in = malloc(r->size);
		rb->out = malloc(r->size);
		if (!rb->in || !rb->out) {
			snprintf(why, REASON_LEN, "malloc: out of memory");
			return -ENOMEM;
		}
	}
	if (r->kind == ROW_BUF || r->kind == ROW_MAP)
		ret = m->buf_alloc(c, &rb->bin, r->size);
	if (!ret && (r->kind == ROW_BUF || row_new_buf(r)))
		ret = m->buf_alloc(c, &rb->bout, r->size);
	if (ret)
		snprintf(why, REASON_LEN, "buffer allocation: %s",
			 strerror(-ret));
	return ret;
}

/* The timed operation of row @r: 0 or -errno */
static int row_op(const struct col_ops *m, struct col_ctx *c,
		  const struct row *r, struct row_bufs *rb)
{
	struct barg in = { rb->in, r->size, NULL };
	struct barg out = { rb->out, r->size, NULL };

	switch (r->kind) {
	case ROW_NULL:
		return echo(m, c, NULL, NULL);
	case ROW_FLOOR:
		return floor_op(rb->echo_fd, r->size);
	case ROW_INLINE:
		return echo(m, c, &in, &out);
	case ROW_BUF:
		in = (struct barg){ NULL, r->size, &rb->bin };
		out = (struct barg){ NULL, r->size, &rb->bout };
		return echo(m, c, &in, &out);
	case ROW_MAP:
		return m->map_pair(c, &rb->bin);
	case ROW_PD:
		return m->pd_cycle(c);
	case ROW_FIRST:
	case ROW_CYCLE:		/* new_op() */
	case ROW_PAR:
		break;
	}
	return -EINVAL;
}

/*
 * The timed operation with its answer checked: 0, 1 for a wrong answer,
 * or -errno. Buffers are written and read back through the DSP (echo
 * from and to inline memory), never through a CPU mapping.
 */
static int row_checked(const struct col_ops *m, struct col_ctx *c,
		       const struct row *r, struct row_bufs *rb, uint8_t seed,
		       const char **where)
{
	struct barg pat = { rb->in, r->size, NULL };
	struct barg back = { rb->out, r->size, NULL };
	struct barg bin = { NULL, r->size, &rb->bin };
	struct barg bout = { NULL, r->size, &rb->bout };
	int ret;

	*where = "call";
	if (r->kind != ROW_INLINE && r->kind != ROW_BUF)
		return row_op(m, c, r, rb);
	fill(rb->in, r->size, seed);
	if (r->kind == ROW_BUF) {
		*where = "writing the in-buffer";
		ret = echo(m, c, &pat, &bin);
		if (ret)
			return ret;
		*where = "call";
	}
	memset(rb->out, (uint8_t)~seed, r->size);
	ret = row_op(m, c, r, rb);
	if (ret)
		return ret;
	if (r->kind == ROW_BUF) {
		*where = "reading the out-buffer";
		ret = echo(m, c, &bout, &back);
		if (ret)
			return ret;
	}
	*where = "check";
	return memcmp(rb->in, rb->out, r->size) ? 1 : 0;
}

static void cell_fail(struct cell *cell, int ret, const char *where)
{
	if (ret > 0) {
		cell->state = CELL_WRONG;
		snprintf(cell->why, sizeof(cell->why),
			 "wrong answer (%s)", where);
		return;
	}
	cell->state = CELL_NA;
	snprintf(cell->why, sizeof(cell->why), "%s: %s", where,
		 ret == -EREMOTEIO ? "DSP error" : strerror(-ret));
}

/* What a process of a P-process row reports, once ready and once done */
struct par_msg {
	int ret;		/* 0 or -errno */
	uint64_t calls;
	double us;		/* its window */
	char why[REASON_LEN];
};

/* A process of a P-process row: its own client, null calls until @ms */
static void par_child(const struct col_ops *m, const struct bench_opts *o,
		      int res_fd, int go_fd, unsigned int ms)
{
	struct par_msg msg = { 0 };
	struct col_ctx cc;
	double t0, t;
	char b;

	memset(&cc, 0, sizeof(cc));
	cc.fd = -1;
	msg.ret = m->open(&cc, o, msg.why);
	if (!msg.ret) {
		msg.ret = echo(m, &cc, NULL, NULL);
		if (msg.ret)
			snprintf(msg.why, REASON_LEN, "null call: %s",
				 strerror(-msg.ret));
	}
	if (write(res_fd, &msg, sizeof(msg)) != sizeof(msg) || msg.ret)
		_exit(1);
	/* the parent closes the go pipe: all start at once */
	if (read(go_fd, &b, 1) < 0)
		_exit(1);
	t0 = bench_now_us();
	do {
		msg.ret = echo(m, &cc, NULL, NULL);
		if (msg.ret) {
			snprintf(msg.why, REASON_LEN, "null call: %s",
				 msg.ret == -EREMOTEIO ? "DSP error" :
				 strerror(-msg.ret));
			break;
		}
		msg.calls++;
		t = bench_now_us();
	} while (t - t0 < ms * 1000.0);
	msg.us = bench_now_us() - t0;
	m->close(&cc);
	if (write(res_fd, &msg, sizeof(msg)) != sizeof(msg))
		_exit(1);
	_exit(0);
}

/*
 * Row @r of ROW_PAR: r->size processes make null calls at once; the cell
 * holds the calls per second of all of them (median), of the slowest (p10,
 * min) and the fastest (p90, max) and the number of calls (n)
 */
static void measure_par(const struct col_ops *m, const struct bench_opts *o,
			const struct row *r, struct cell *cell)
{
	unsigned int i, np = (unsigned int)r->size, started = 0, ready = 0;
	unsigned int ms = o->budget_ms < PAR_WINDOW_MS ? o->budget_ms :
							 PAR_WINDOW_MS;
	int res[2], go[2];
	pid_t pids[8];
	double total = 0, lo = 0, hi = 0;
	uint64_t calls = 0;
	struct par_msg msg;

	memset(cell, 0, sizeof(*cell));
	cell->state = CELL_NA;
	if (np > ARRAY_LEN(pids) || pipe(res) || pipe(go)) {
		snprintf(cell->why, sizeof(cell->why), "no pipe or too many processes");
		return;
	}
	fflush(NULL);
	for (i = 0; i < np; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(res[0]);
			close(go[1]);
			par_child(m, o, res[1], go[0], ms ? ms : 1);
		}
		if (pids[i] < 0)
			break;
		started++;
	}
	close(res[1]);
	close(go[0]);
	/* every process has its client, or one says why not */
	for (i = 0; i < started; i++) {
		if (read(res[0], &msg, sizeof(msg)) != sizeof(msg)) {
			snprintf(cell->why, sizeof(cell->why),
				 "a process died while setting up");
			break;
		}
		if (msg.ret) {
			snprintf(cell->why, sizeof(cell->why), "process %u: %.140s",
				 i + 1, msg.why);
			break;
		}
		ready++;
	}
	if (ready < np || started < np) {
		if (!cell->why[0])
			snprintf(cell->why, sizeof(cell->why), "fork: %s",
				 strerror(errno));
		for (i = 0; i < started; i++)
			kill(pids[i], SIGKILL);
		goto out;
	}
	close(go[1]);
	go[1] = -1;
	for (i = 0; i < np; i++) {
		double rate;

		if (read(res[0], &msg, sizeof(msg)) != sizeof(msg)) {
			snprintf(cell->why, sizeof(cell->why),
				 "a process died while calling");
			goto out;
		}
		if (msg.ret || msg.us <= 0) {
			snprintf(cell->why, sizeof(cell->why), "%s",
				 msg.ret ? msg.why : "no time measured");
			goto out;
		}
		rate = msg.calls * 1e6 / msg.us;
		total += rate;
		calls += msg.calls;
		lo = i && lo < rate ? lo : rate;
		hi = hi > rate ? hi : rate;
	}
	cell->state = CELL_OK;
	cell->s = (struct bench_stats){
		.n = (unsigned int)calls, .median = total,
		.p10 = lo, .p90 = hi, .min = lo, .max = hi,
	};
	cell->why[0] = '\0';
out:
	if (go[1] >= 0)
		close(go[1]);
	close(res[0]);
	for (i = 0; i < started; i++)
		waitpid(pids[i], NULL, 0);
}

/*
 * Write @data to new buffer @b through a CPU mapping of it: 0, or
 * -EOPNOTSUPP when it cannot be mapped (an ALLOC_DMA_BUFF buffer of the
 * old driver), or -errno
 */
static int new_buf_write(struct col_ctx *c, struct bbuf *b,
			 const uint8_t *data)
{
	void *p;
	int ret;

	if (b->dfd < 0) {		/* accel GEM object */
		ret = frpc_gem_mmap(c->fd, b->handle, b->size, &p);
		if (ret)
			return ret;
		memcpy(p, data, b->size);
		munmap(p, b->size);
		return 0;
	}
	if (c->old && !b->heap)
		return -EOPNOTSUPP;
	p = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, b->dfd, 0);
	if (p == MAP_FAILED)
		return -errno;
	ret = frpc_dmabuf_sync(b->dfd, 0);
	memcpy(p, data, b->size);
	if (!ret)
		ret = frpc_dmabuf_sync(b->dfd, 1);
	munmap(p, b->size);
	/* a dma-buf without begin/end_cpu_access needs none */
	return ret == -ENOTTY || ret == -EINVAL ? 0 : ret;
}

/*
 * One operation of a new-buffer row @r on @c: a new buffer made, one echo
 * from it to the out-buffer rb->bout, the buffer freed. *@us gets the time
 * of the call (ROW_FIRST) or of the whole cycle (ROW_CYCLE). With @check,
 * the answer is checked around it (untimed, see the rows at the top) with
 * the pattern of @seed. 0, 1 for a wrong answer, or -errno and @where.
 */
static int new_op(const struct col_ops *m, struct col_ctx *c,
		  const struct row *r, struct row_bufs *rb, bool check,
		  uint8_t seed, double *us, const char **where)
{
	struct bbuf nb = { .dfd = -1 };
	struct barg pat = { rb->in, r->size, NULL };
	struct barg back = { rb->out, r->size, NULL };
	struct barg bin = { NULL, r->size, &nb };
	struct barg bout = { NULL, r->size, &rb->bout };
	double t0 = 0, t1 = 0, t2 = 0;
	int ret;

	if (check) {
		*where = "filling the out-buffer";
		memset(rb->in, (uint8_t)~seed, r->size);
		ret = echo(m, c, &pat, &bout);
		if (ret)
			return ret;
	}
	*where = "buffer allocation";
	t0 = bench_now_us();
	ret = m->buf_new(c, &nb, r->size, rb->heap_fd);
	if (ret)
		return ret;
	if (check) {
		*where = "writing the new buffer";
		fill(rb->in, r->size, seed);
		ret = new_buf_write(c, &nb, rb->in);
		if (ret == -EOPNOTSUPP) {	/* a new buffer is zeroed */
			memset(rb->in, 0, r->size);
			ret = 0;
		}
		if (ret) {
			m->buf_free(c, &nb);
			return ret;
		}
	}
	*where = "call";
	t1 = bench_now_us();
	ret = echo(m, c, &bin, &bout);
	t2 = bench_now_us();
	m->buf_free(c, &nb);
	*us = r->kind == ROW_CYCLE ? bench_now_us() - t0 : t2 - t1;
	if (ret || !check)
		return ret;
	*where = "reading the out-buffer";
	memset(rb->out, (uint8_t)~seed, r->size);
	ret = echo(m, c, &bout, &back);
	if (ret)
		return ret;
	*where = "check";
	return memcmp(rb->in, rb->out, r->size) ? 1 : 0;
}

/*
 * A new-buffer row (ROW_FIRST, ROW_CYCLE) of column @m, on a file of its
 * own (in a process of its own: measure_new_child()). The time limit
 * counts the untimed work too: it bounds the cell's whole time.
 */
static void measure_new(const struct col_ops *m, const struct bench_opts *o,
			const struct row *r, struct cell *cell)
{
	double start, us, budget = (double)o->budget_ms * 1000;
	const char *where = "setup";
	char why[REASON_LEN] = "";
	struct row_bufs rb;
	struct col_ctx cc;
	unsigned int i, n = 0;
	double *t;
	int ret;

	memset(cell, 0, sizeof(*cell));
	memset(&cc, 0, sizeof(cc));
	cc.fd = -1;
	t = calloc(o->iters, sizeof(*t));
	if (!t) {
		cell_fail(cell, -ENOMEM, where);
		return;
	}
	ret = m->open(&cc, o, why);
	if (ret) {
		cell->state = CELL_NA;
		snprintf(cell->why, sizeof(cell->why), "own file: %.140s", why);
		free(t);
		return;
	}
	ret = row_prepare(m, &cc, o, r, &rb, cell->why);
	if (ret) {
		cell->state = CELL_NA;
		goto out;
	}
	/* Two checked operations first, untimed, then the timed ones */
	for (i = 0; i < 2; i++) {
		ret = new_op(m, &cc, r, &rb, true, 0x30 + i, &us, &where);
		if (ret)
			goto fail;
	}
	start = bench_now_us();
	while (n < o->iters) {
		ret = new_op(m, &cc, r, &rb, false, 0, &us, &where);
		if (ret)
			goto fail;
		t[n++] = us;
		if (n >= MIN_SAMPLES && bench_now_us() - start >= budget)
			break;
	}
	ret = new_op(m, &cc, r, &rb, true, 0x77, &us, &where);
	if (ret)
		goto fail;
	bench_stats(t, n, &cell->s);
	cell->state = CELL_OK;
	goto out;
fail:
	cell_fail(cell, ret, where);
out:
	row_release(m, &cc, &rb);
	m->close(&cc);
	free(t);
}

/*
 * measure_new() in a child process: its file is then the only one of its
 * process. The old driver knows a PD by the caller's tgid, so a second
 * file of the bench's own process would share the PD of the bench's file
 * on the DSP, and closing it would release that PD.
 */
static void measure_new_child(const struct col_ops *m,
			      const struct bench_opts *o, const struct row *r,
			      struct cell *cell)
{
	int res[2];
	pid_t pid;

	memset(cell, 0, sizeof(*cell));
	cell->state = CELL_NA;
	if (pipe(res)) {
		snprintf(cell->why, sizeof(cell->why), "pipe: %s",
			 strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(res[0]);
		measure_new(m, o, r, cell);
		if (write(res[1], cell, sizeof(*cell)) != sizeof(*cell))
			_exit(1);
		_exit(0);
	}
	close(res[1]);
	if (pid < 0) {
		snprintf(cell->why, sizeof(cell->why), "fork: %s",
			 strerror(errno));
	} else {
		if (read(res[0], cell, sizeof(*cell)) != sizeof(*cell)) {
			memset(cell, 0, sizeof(*cell));
			cell->state = CELL_NA;
			snprintf(cell->why, sizeof(cell->why),
				 "the measuring process died");
		}
		waitpid(pid, NULL, 0);
	}
	close(res[0]);
}

static void measure(const struct col_ops *m, struct col_ctx *c,
		    const struct bench_opts *o, const struct row *r,
		    struct cell *cell)
{
	double start, t0, t1, budget = (double)o->budget_ms * 1000;
	const char *where = "setup";
	struct row_bufs rb;
	unsigned int i, n = 0;
	double *t;
	int ret;

	if (r->kind == ROW_PAR) {
		measure_par(m, o, r, cell);
		return;
	}
	if (row_new_buf(r)) {
		measure_new_child(m, o, r, cell);
		return;
	}
	memset(cell, 0, sizeof(*cell));
	t = calloc(o->iters, sizeof(*t));
	if (!t) {
		cell_fail(cell, -ENOMEM, where);
		return;
	}
	ret = row_prepare(m, c, o, r, &rb, cell->why);
	if (ret) {
		cell->state = CELL_NA;
		goto out;
	}
	/* The first calls map the buffers: check the answers, untimed */
	for (i = 0; i < 2; i++) {
		ret = row_checked(m, c, r, &rb, 0x30 + i, &where);
		if (ret)
			goto fail;
	}
	start = bench_now_us();
	for (n = 0; n < o->iters;) {
		t0 = bench_now_us();
		ret = row_op(m, c, r, &rb);
		t1 = bench_now_us();
		if (ret) {
			where = "call";
			goto fail;
		}
		t[n++] = t1 - t0;
		if (n >= MIN_SAMPLES && t1 - start >= budget)
			break;
	}
	ret = row_checked(m, c, r, &rb, 0x77, &where);
	if (ret)
		goto fail;
	bench_stats(t, n, &cell->s);
	cell->state = CELL_OK;
	goto out;
fail:
	cell_fail(cell, ret, where);
out:
	row_release(m, c, &rb);
	free(t);
}

static const struct col_ops *col_by_mode(const char *mode, unsigned int *idx)
{
	unsigned int j;

	for (j = 0; j < NCOLS; j++) {
		if (!strcmp(cols[j].mode, mode)) {
			if (idx)
				*idx = j;
			return &cols[j];
		}
	}
	return NULL;
}

static void write_results(FILE *f, const struct col_ops *m,
			  const struct col_ctx *c, const struct cell *cells)
{
	unsigned int i;

	char clk[REASON_LEN];

	bench_clock_desc(clk, sizeof(clk));
	fprintf(f, "fastrpc-bench-cmp 1\n");
	fprintf(f, "clock\t%s\n", clk);
	fprintf(f, "column\t%s\t%s\n", m->mode,
		c->desc[0] ? c->desc : c->node[0] ? c->node : "-");
	for (i = 0; i < NROWS; i++) {
		const struct cell *e = &cells[i];

		if (e->state == CELL_OK)
			fprintf(f, "row\t%s\tok\t%u\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n",
				rows[i].id, e->s.n, e->s.median, e->s.p10,
				e->s.p90, e->s.min, e->s.max);
		else
			fprintf(f, "row\t%s\t%s\t%s\n", rows[i].id,
				e->state == CELL_WRONG ? "wrong" : "na",
				e->why);
	}
}

int bench_cmp_run(const struct bench_opts *o)
{
	static struct cell cells[NROWS];
	const struct col_ops *m;
	char why[REASON_LEN] = "";
	struct col_ctx c;
	unsigned int i;
	int ret, bad = 0;
	FILE *out = stdout;
	double f;

	m = col_by_mode(o->mode, NULL);
	if (!m) {
		fprintf(stderr, "fastrpc_bench: unknown mode %s (old-legacy, legacy, accel)\n",
			o->mode);
		return 2;
	}
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	ret = m->open(&c, o, why);
	if (ret) {
		fprintf(stderr, "fastrpc_bench: %s: %s\n", m->mode, why);
		for (i = 0; i < NROWS; i++) {
			cells[i].state = CELL_NA;
			snprintf(cells[i].why, sizeof(cells[i].why), "%s", why);
		}
		bad = m->must_open;
	} else {
		fprintf(stderr, "fastrpc_bench: %s: %s\n", m->mode, c.desc);
		for (i = 0; i < NROWS; i++) {
			struct cell *e = &cells[i];

			measure(m, &c, o, &rows[i], e);
			if (e->state == CELL_OK)
				fprintf(stderr, "fastrpc_bench: %s: %-22s %.1f [%.1f-%.1f] %u%s\n",
					m->mode, rows[i].label, e->s.median,
					e->s.p10, e->s.p90, e->s.n,
					rows[i].kind == ROW_PAR ? " calls/s" : "");
			else
				fprintf(stderr, "fastrpc_bench: %s: %-22s %s\n",
					m->mode, rows[i].label, e->why);
			if (e->state == CELL_WRONG && !c.old)
				bad = 1;
			/*
			 * the floor needs a newer simulator, P processes
			 * sessions, the heap rows the system dma-heap
			 */
			if (e->state != CELL_OK && m->strict &&
			    rows[i].kind != ROW_FLOOR && rows[i].kind != ROW_PAR &&
			    !rows[i].heap)
				bad = 1;
		}
		m->close(&c);
	}
	f = bench_clock_finish();
	for (i = 0; i < NROWS; i++)	/* times scale by f, rates by 1/f */
		bench_stats_scale(&cells[i].s,
				  rows[i].kind == ROW_PAR && f > 0 ? 1 / f : f);
	if (o->out) {
		out = fopen(o->out, "we");
		if (!out) {
			fprintf(stderr, "fastrpc_bench: %s: %s\n", o->out,
				strerror(errno));
			return 1;
		}
	}
	write_results(out, m, &c, cells);
	if (out != stdout && fclose(out))
		bad = 1;
	return bad;
}

/* ---- the table ---- */

struct column {
	char desc[REASON_LEN];
	char clock[REASON_LEN];
	struct cell cells[NROWS];
};

static void col_all_na(struct column *col, const char *why)
{
	unsigned int i;

	for (i = 0; i < NROWS; i++) {
		col->cells[i].state = CELL_NA;
		snprintf(col->cells[i].why, sizeof(col->cells[i].why), "%s",
			 why);
	}
}

static int row_by_id(const char *id)
{
	unsigned int i;

	for (i = 0; i < NROWS; i++)
		if (!strcmp(rows[i].id, id))
			return i;
	return -1;
}

/* Read the results of column @j from @file into @col */
static void read_results(const char *file, unsigned int j, struct column *col)
{
	char line[512], why[REASON_LEN];
	unsigned int i;
	FILE *f;

	col_all_na(col, "not measured (no results)");
	f = fopen(file, "re");
	if (!f) {
		snprintf(why, sizeof(why), "no results: %s: %s", file,
			 strerror(errno));
		col_all_na(col, why);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *fld[10], *save = NULL, *p;
		unsigned int nf = 0;
		struct cell *e;
		int r;

		line[strcspn(line, "\n")] = '\0';
		for (p = strtok_r(line, "\t", &save); p && nf < ARRAY_LEN(fld);
		     p = strtok_r(NULL, "\t", &save))
			fld[nf++] = p;
		if (nf >= 3 && !strcmp(fld[0], "column")) {
			if (strcmp(fld[1], cols[j].mode))
				fprintf(stderr, "fastrpc_bench: %s holds column %s, not %s\n",
					file, fld[1], cols[j].mode);
			snprintf(col->desc, sizeof(col->desc), "%s", fld[2]);
			continue;
		}
		if (nf >= 2 && !strcmp(fld[0], "clock")) {
			snprintf(col->clock, sizeof(col->clock), "%s", fld[1]);
			continue;
		}
		if (nf < 4 || strcmp(fld[0], "row"))
			continue;
		r = row_by_id(fld[1]);
		if (r < 0)
			continue;
		e = &col->cells[r];
		memset(e, 0, sizeof(*e));
		if (!strcmp(fld[2], "ok") && nf >= 9) {
			e->state = CELL_OK;
			e->s.n = strtoul(fld[3], NULL, 10);
			e->s.median = strtod(fld[4], NULL);
			e->s.p10 = strtod(fld[5], NULL);
			e->s.p90 = strtod(fld[6], NULL);
			e->s.min = strtod(fld[7], NULL);
			e->s.max = strtod(fld[8], NULL);
		} else {
			e->state = strcmp(fld[2], "wrong") ? CELL_NA : CELL_WRONG;
			snprintf(e->why, sizeof(e->why), "%s", fld[3]);
		}
	}
	fclose(f);
	for (i = 0; i < NROWS; i++)
		if (col->cells[i].state == CELL_NONE)
			col->cells[i].state = CELL_NA;
}

/* "median [p10-p90] n", with one decimal below 100 us */
static void cell_text(const struct bench_stats *s, char *buf, size_t len)
{
	int prec = s->median < 100 ? 1 : 0;

	snprintf(buf, len, "%.*f [%.*f-%.*f] %u", prec, s->median, prec,
		 s->p10, prec, s->p90, s->n);
}

/* "total/s [slowest-fastest] calls" of a P-process row */
static void rate_text(const struct bench_stats *s, char *buf, size_t len)
{
	snprintf(buf, len, "%.0f/s [%.0f-%.0f] %u", s->median, s->p10, s->p90,
		 s->n);
}

struct footnote {
	unsigned int col;
	const char *why;
};

/* Number of the footnote for @why in column @j, added if new */
static unsigned int footnote(struct footnote *fn, unsigned int *nfn,
			     unsigned int j, const char *why)
{
	unsigned int k;

	for (k = 0; k < *nfn; k++)
		if (fn[k].col == j && !strcmp(fn[k].why, why))
			return k + 1;
	fn[*nfn] = (struct footnote){ j, why };
	return ++*nfn;
}

#define LABEL_W	24
#define CELL_W	26
#define RATIO_W	7

/* One line of the table; returns 1 when a cell holds a wrong answer */
static int print_row(const struct column *col, unsigned int i,
		     struct footnote *fn, unsigned int *nfn)
{
	const struct cell *ref = &col[0].cells[i];
	bool rate = rows[i].kind == ROW_PAR;
	unsigned int j;
	char buf[64];
	int wrong = 0;

	printf("%-*s", LABEL_W, rows[i].label);
	for (j = 0; j < NCOLS; j++) {
		const struct cell *e = &col[j].cells[i];

		if (e->state == CELL_OK && rate)
			rate_text(&e->s, buf, sizeof(buf));
		else if (e->state == CELL_OK)
			cell_text(&e->s, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "%s [%u]",
				 e->state == CELL_WRONG ? "WRONG" : "n/a",
				 footnote(fn, nfn, j, e->why));
		wrong |= e->state == CELL_WRONG;
		printf(" | %*s", CELL_W, buf);
		if (!j)
			continue;
		if (e->state == CELL_OK && ref->state == CELL_OK &&
		    ref->s.median > 0)
			snprintf(buf, sizeof(buf), "%.2fx",
				 e->s.median / ref->s.median);
		else
			snprintf(buf, sizeof(buf), "-");
		printf(" %*s", RATIO_W, buf);
	}
	printf("\n");
	return wrong;
}

/*
 * The new-buffer rows over the warm row (WARM_ROW: the same call with
 * buffers already in use), per column
 */
static void print_new_vs_warm(const struct column *col)
{
	int w = row_by_id(WARM_ROW);
	unsigned int i, j;
	char buf[32];

	if (w < 0)
		return;
	printf("\nNew buffer over buffer in use: median / median of \"%s\",\n",
	       rows[w].label);
	printf("same column (the same call; above 1.00 is the cost of the new buffer).\n\n");
	printf("%-*s", LABEL_W, "operation");
	for (j = 0; j < NCOLS; j++)
		printf(" | %*s%u)", RATIO_W, "(", j + 1);
	printf("\n");
	for (i = 0; i < NROWS; i++) {
		if (!row_new_buf(&rows[i]))
			continue;
		printf("%-*s", LABEL_W, rows[i].label);
		for (j = 0; j < NCOLS; j++) {
			const struct cell *e = &col[j].cells[i];
			const struct cell *ref = &col[j].cells[w];

			if (e->state == CELL_OK && ref->state == CELL_OK &&
			    ref->s.median > 0)
				snprintf(buf, sizeof(buf), "%.2fx",
					 e->s.median / ref->s.median);
			else
				snprintf(buf, sizeof(buf), "-");
			printf(" | %*s", RATIO_W + 2, buf);
		}
		printf("\n");
	}
}

int bench_cmp_report(char **files, int nfiles)
{
	static struct column col[NCOLS];
	struct footnote fn[NCOLS * NROWS];
	unsigned int i, j, nfn = 0;
	char buf[64];
	int wrong = 0;

	for (j = 0; j < NCOLS; j++) {
		if ((int)j < nfiles)
			read_results(files[j], j, &col[j]);
		else
			col_all_na(&col[j], "not measured (no results file)");
	}

	printf("FastRPC on the simulated DSP: old driver, legacy face, accel UAPI.\n");
	printf("Cell: median [p10-p90] n: microseconds per operation, n timed;\n");
	printf("x (1): median / median of (1), below 1.00 is faster than (1).\n");
	printf("TCG guest, DSP simulated on the same CPUs: relative figures only.\n\n");
	for (j = 0; j < NCOLS; j++) {
		printf("%s: %s\n", cols[j].title,
		       col[j].desc[0] ? col[j].desc : "-");
		if (col[j].clock[0])
			printf("    clock: %s\n", col[j].clock);
	}
	printf("\n%-*s", LABEL_W, "operation");
	for (j = 0; j < NCOLS; j++) {
		snprintf(buf, sizeof(buf), "(%u) median [p10-p90] n", j + 1);
		printf(" | %*s", CELL_W, buf);
		if (j)
			printf(" %*s", RATIO_W, "x (1)");
	}
	printf("\n");
	for (i = 0; i < LABEL_W + NCOLS * (CELL_W + 3) + (NCOLS - 1) * (RATIO_W + 1); i++)
		putchar('-');
	printf("\n");

	for (i = 0; i < NROWS; i++) {
		if (rows[i].kind != ROW_PAR)
			wrong |= print_row(col, i, fn, &nfn);
	}
	print_new_vs_warm(col);
	printf("\nNull calls from P processes at once, each with its own file and PD\n");
	printf("(%u ms window): calls per second in total [slowest-fastest process]\n",
	       PAR_WINDOW_MS);
	printf("calls; x (1): total / total of (1), above 1.00 is more calls than (1).\n\n");
	for (i = 0; i < NROWS; i++) {
		if (rows[i].kind == ROW_PAR)
			wrong |= print_row(col, i, fn, &nfn);
	}
	if (nfn)
		printf("\n");
	for (i = 0; i < nfn; i++)
		printf("[%u] (%u) %s\n", i + 1, fn[i].col + 1, fn[i].why);
	return wrong ? 1 : 0;
}
