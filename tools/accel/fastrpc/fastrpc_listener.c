// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC listener: the host side of the DSP calling back. See
 * fastrpc_listener.h and Documentation/accel/fastrpc/reverse.rst.
 *
 * Wire formats (the userspace library's, protocol notes 5.4):
 *   next2          in0 {u32 prev_ctx; s32 prev_result; u32 prev_len;
 *                  u32 bufs_len}, in1 the previous reply,
 *                  out0 {u32 ctx; u32 handle; u32 sc; u32 bufs_len_req},
 *                  out1 the request (its first bufs_len bytes)
 *   get_in_bufs2   in0 {u32 ctx; s32 offset; u32 bufs_len},
 *                  out0 {s32 bufs_len_req}, out1 more of the request
 *   a request      per in-buffer: u32 len, pad to 8 when len, len bytes;
 *                  then per out-buffer: u32 len
 *   a reply        per out-buffer: u32 len, pad to 8 when len, len bytes
 * Offsets and padding are relative to the start of the buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <misc/fastrpc.h>

#include "fastrpc_listener.h"

#define LST_MIN_BUF		4096u
#define LST_PAGE		4096ull
#define LST_FD_BASE		100u	/* first apps_std file number */
#define LST_HANDLE_BASE		0x1000u	/* first reverse module handle */
#define LST_MAX_ARGS		255

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Host AEE codes (no DSP offset) and errno values sent back */
#define LST_AEE_EFAILED		0x01
#define LST_AEE_ENOMEMORY	0x02
#define LST_AEE_EBADPARM	0x0e
#define LST_AEE_EUNSUPPORTED	0x14
#define LST_AEE_EITEMBUSY	0x20
#define LST_AEE_EINVHANDLE	0x2c
#define LST_AEE_EOUTOFHANDLES	0x2d
#define LST_AEE_ENOSUCHMOD	0x3e
#define LST_AEE_EBADSIZE	0x4d

/* apps_mem request_map64 rflags */
#define LST_MMAP_REMOTE_HEAP	0x8
#define LST_MMAP_ADD_PAGES	0x1000

/* adspmsgd_apps log: one message, as the DSP packs it (256 bytes) */
#define LST_LOG_NODE		256
#define LST_LOG_FILE_OFF	226
#define LST_LOG_FILE_LEN	30
#define LST_LOG_STR_OFF		8
#define LST_LOG_STR_LEN		218

static const char *const lst_module_names[FRPC_LISTENER_NR_MODULES] = {
	[FRPC_LISTENER_REMOTECTL] = "apps_remotectl",
	[FRPC_LISTENER_STD] = "apps_std",
	[FRPC_LISTENER_MEM] = "apps_mem",
	[FRPC_LISTENER_MSGD] = "adspmsgd_apps",
};

/* One parsed reverse call: pointers into the request and reply buffers */
struct lst_call {
	uint32_t method;
	uint32_t nin;
	uint32_t nout;
	const uint8_t *in[LST_MAX_ARGS];
	uint32_t in_len[LST_MAX_ARGS];
	uint8_t *out[LST_MAX_ARGS];
	uint32_t out_len[LST_MAX_ARGS];
};

struct lst_map {
	uint64_t vadsp;
	uint64_t len;
	int used;
};

struct frpc_listener {
	int fd;
	enum frpc_face face;
	struct frpc_listener_opts opts;
	char *lib_path;		/* copy of opts.lib_path, or NULL */
	char subsys[DRM_FASTRPC_DOMAIN_NAME_LEN];
	uint32_t handle;	/* FRPC_HANDLE_LISTENER1 or _LISTENER */
	uint32_t m_next2;
	uint32_t m_get_in_bufs2;

	pthread_t thread;
	int has_thread;

	pthread_mutex_t lock;	/* protects the fields below up to ring */
	pthread_cond_t cond;	/* started, done, a FARF message */
	int started;
	int init_ret;
	int done;
	int orphan;		/* freed by the thread when it ends */
	struct frpc_listener_stats st;
	struct frpc_farf *ring;
	unsigned int ring_size;
	unsigned int ring_head;
	unsigned int ring_count;

	/* Used by the listener thread (or frpc_listener_serve()) only */
	int handles[FRPC_LISTENER_MAX_HANDLES];	/* module + 1, 0: free */
	int files[FRPC_LISTENER_MAX_FILES];	/* fd, -1: free */
	struct lst_map maps[FRPC_LISTENER_MAX_MAPS];
	uint8_t *req;
	uint32_t req_cap;
	uint8_t *rep;
	uint32_t rep_cap;
	struct lst_call call;
};

static uint64_t lst_align8(uint64_t v)
{
	return (v + 7) & ~7ull;
}

static uint32_t lst_get32(const uint8_t *p, unsigned int off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint64_t lst_get64(const uint8_t *p, unsigned int off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static void lst_put32(uint8_t *p, unsigned int off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void lst_put64(uint8_t *p, unsigned int off, uint64_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

const char *frpc_listener_module_name(enum frpc_listener_module mod)
{
	return (unsigned int)mod < FRPC_LISTENER_NR_MODULES ?
	       lst_module_names[mod] : "?";
}

const char *frpc_farf_level_name(uint32_t level)
{
	static const char *const names[] = {
		"LOW", "MEDIUM", "HIGH", "ERROR", "FATAL",
	};

	return level < ARRAY_SIZE(names) ? names[level] : "?";
}

/* ------------------------------------------------------------------ */
/* Calls on either face                                                */
/* ------------------------------------------------------------------ */

static int lst_invoke_legacy(int fd, uint32_t handle, uint32_t sc,
			     const struct frpc_buf *bufs, unsigned int n,
			     uint32_t *dsp_status)
{
	struct fastrpc_invoke_args args[FRPC_FACE_MAX_BUFS];
	struct fastrpc_invoke inv = {
		.handle = handle,
		.sc = sc,
		.args = (uintptr_t)args,
	};
	unsigned int i;
	int ret;

	memset(args, 0, sizeof(args));
	for (i = 0; i < n; i++) {
		args[i].ptr = (uintptr_t)bufs[i].ptr;
		args[i].length = bufs[i].len;
		args[i].fd = -1;
	}
	/*
	 * The DSP's result is the ioctl's value; -1 is an error of the
	 * driver (or a DSP result in -4095..-1: rare, ambiguous).
	 */
	ret = ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv);
	if (ret == -1)
		return -errno;
	*dsp_status = (uint32_t)ret;
	return 0;
}

static int lst_invoke_accel(int fd, uint32_t handle, uint32_t sc,
			    const struct frpc_buf *bufs, unsigned int n,
			    uint32_t *dsp_status)
{
	struct drm_fastrpc_arg args[FRPC_FACE_MAX_BUFS];
	struct drm_fastrpc_invoke inv;
	unsigned int i;
	int ret;

	memset(args, 0, sizeof(args));
	for (i = 0; i < n; i++) {
		args[i].ptr = (uintptr_t)bufs[i].ptr;
		args[i].length = bufs[i].len;
	}
	memset(&inv, 0, sizeof(inv));
	inv.handle = handle;
	inv.sc = sc;
	inv.args = (uintptr_t)args;
	inv.num_args = n;
	inv.arg_size = sizeof(args[0]);
	ret = frpc_invoke_raw(fd, &inv);
	/* A DSP failure is an errno with the DSP's result beside it */
	if (ret && inv.dsp_status) {
		*dsp_status = inv.dsp_status;
		return 0;
	}
	return ret;
}

int frpc_face_invoke(int fd, enum frpc_face face, uint32_t handle,
		     uint32_t sc, const struct frpc_buf *bufs,
		     uint32_t *dsp_status)
{
	unsigned int n = FRPC_SC_NIN(sc) + FRPC_SC_NOUT(sc);

	*dsp_status = 0;
	if (n > FRPC_FACE_MAX_BUFS || frpc_sc_nhandles(sc))
		return -EINVAL;
	if (face == FRPC_FACE_LEGACY)
		return lst_invoke_legacy(fd, handle, sc, bufs, n, dsp_status);
	return lst_invoke_accel(fd, handle, sc, bufs, n, dsp_status);
}

int frpc_current_process_exit(int fd, enum frpc_face face,
			      uint32_t *dsp_status)
{
	return frpc_face_invoke(fd, face, FRPC_HANDLE_CURRENT_PROCESS,
				FRPC_SC(FRPC_CURRENT_PROCESS_EXIT, 0, 0), NULL,
				dsp_status);
}

int frpc_current_process_thread_exit(int fd, enum frpc_face face,
				     uint32_t *dsp_status)
{
	return frpc_face_invoke(fd, face, FRPC_HANDLE_CURRENT_PROCESS,
				FRPC_SC(FRPC_CURRENT_PROCESS_THREAD_EXIT, 0, 0),
				NULL, dsp_status);
}

int frpc_set_logging_params(int fd, enum frpc_face face, uint16_t mask,
			    uint32_t *dsp_status)
{
	/* in0 {u16 mask; u16 pad; u32 files}, in1 the files' lengths */
	uint8_t in0[8] = { 0 };
	struct frpc_buf bufs[2] = {
		{ in0, sizeof(in0) },
		{ in0, 0 },
	};

	memcpy(in0, &mask, sizeof(mask));
	return frpc_face_invoke(fd, face, FRPC_HANDLE_CURRENT_PROCESS,
				FRPC_SC(FRPC_CURRENT_PROCESS_SET_LOGGING, 2, 0),
				bufs, dsp_status);
}

/* ------------------------------------------------------------------ */
/* Statistics and FARF messages                                        */
/* ------------------------------------------------------------------ */

/* Add @n to counter @ctr of @l->st */
static void lst_count(struct frpc_listener *l, uint64_t *ctr, uint64_t n)
{
	pthread_mutex_lock(&l->lock);
	*ctr += n;
	pthread_mutex_unlock(&l->lock);
}

static void lst_farf_push(struct frpc_listener *l, const struct frpc_farf *m)
{
	unsigned int slot;

	pthread_mutex_lock(&l->lock);
	if (l->ring_count == l->ring_size) {
		l->ring_head = (l->ring_head + 1) % l->ring_size;
		l->ring_count--;
		l->st.farf_dropped++;
	}
	slot = (l->ring_head + l->ring_count) % l->ring_size;
	l->ring[slot] = *m;
	l->ring_count++;
	l->st.farf_msgs++;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);

	if (l->opts.farf)
		l->opts.farf(l->opts.farf_arg, m);
}

/* Deadline @ms from now, for pthread_cond_timedwait() on l->cond */
static void lst_deadline(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

int frpc_listener_farf_read(struct frpc_listener *l, struct frpc_farf *msg,
			    unsigned int timeout_ms)
{
	struct timespec ts;
	int ret = 0;

	lst_deadline(&ts, timeout_ms);
	pthread_mutex_lock(&l->lock);
	while (!l->ring_count && !ret)
		ret = pthread_cond_timedwait(&l->cond, &l->lock, &ts);
	if (l->ring_count) {
		*msg = l->ring[l->ring_head];
		l->ring_head = (l->ring_head + 1) % l->ring_size;
		l->ring_count--;
		ret = 0;
	} else {
		ret = -EAGAIN;
	}
	pthread_mutex_unlock(&l->lock);
	return ret;
}

void frpc_listener_stats(struct frpc_listener *l,
			 struct frpc_listener_stats *st)
{
	pthread_mutex_lock(&l->lock);
	*st = l->st;
	st->running = l->has_thread && !l->done;
	pthread_mutex_unlock(&l->lock);
}

/* ------------------------------------------------------------------ */
/* Parsing a request, laying out its reply                             */
/* ------------------------------------------------------------------ */

static uint32_t lst_parse(struct lst_call *c, uint32_t sc, const uint8_t *buf,
			  uint32_t len)
{
	uint64_t pos = 0;
	uint32_t i, n;

	c->method = FRPC_SC_METHOD(sc);
	c->nin = FRPC_SC_NIN(sc);
	c->nout = FRPC_SC_NOUT(sc);
	for (i = 0; i < c->nin; i++) {
		if (pos + 4 > len)
			return LST_AEE_EBADPARM;
		n = lst_get32(buf, pos);
		pos += 4;
		c->in[i] = NULL;
		c->in_len[i] = n;
		if (!n)
			continue;
		pos = lst_align8(pos);
		if (pos > len || n > len - pos)
			return LST_AEE_EBADPARM;
		c->in[i] = buf + pos;
		pos += n;
	}
	for (i = 0; i < c->nout; i++) {
		if (pos + 4 > len)
			return LST_AEE_EBADPARM;
		c->out_len[i] = lst_get32(buf, pos);
		c->out[i] = NULL;
		pos += 4;
	}
	return 0;
}

/* Size the reply buffer for the out-lengths asked and point c->out at it */
static uint32_t lst_layout_reply(struct frpc_listener *l, struct lst_call *c,
				 uint32_t *reply_len)
{
	uint64_t pos = 0, offs[LST_MAX_ARGS];
	uint32_t i;

	for (i = 0; i < c->nout; i++) {
		pos += 4;
		if (c->out_len[i])
			pos = lst_align8(pos);
		offs[i] = pos;
		pos += c->out_len[i];
		if (pos > l->opts.max_buf)
			return LST_AEE_EBADSIZE;
	}
	if (pos > l->rep_cap) {
		uint32_t cap = (pos + LST_MIN_BUF - 1) & ~(LST_MIN_BUF - 1);
		uint8_t *p = realloc(l->rep, cap);

		if (!p)
			return LST_AEE_ENOMEMORY;
		l->rep = p;
		l->rep_cap = cap;
	}
	if (pos)
		memset(l->rep, 0, pos);
	/* Each length word sits before its buffer's (aligned) data */
	pos = 0;
	for (i = 0; i < c->nout; i++) {
		lst_put32(l->rep, pos, c->out_len[i]);
		c->out[i] = l->rep + offs[i];
		pos = offs[i] + c->out_len[i];
	}
	*reply_len = pos;
	return 0;
}

/* @c has @nin in-buffers and @nout out-buffers */
static int lst_shape(const struct lst_call *c, uint32_t nin, uint32_t nout)
{
	return c->nin == nin && c->nout == nout;
}

/*
 * In-buffer @i as a C string of @len bytes, its NUL included (the stubs'
 * rule): NULL when it is not one.
 */
static const char *lst_str(const struct lst_call *c, uint32_t i,
			   uint32_t len)
{
	if (i >= c->nin || !len || len > c->in_len[i] ||
	    c->in[i][len - 1] != '\0')
		return NULL;
	return (const char *)c->in[i];
}

/* ------------------------------------------------------------------ */
/* apps_remotectl (reverse handle 0)                                   */
/* ------------------------------------------------------------------ */

static int lst_module_by_name(const char *name)
{
	int mod;

	for (mod = FRPC_LISTENER_STD; mod < FRPC_LISTENER_NR_MODULES; mod++)
		if (!strcmp(name, lst_module_names[mod]))
			return mod;
	return -1;
}

static int lst_module_of(struct frpc_listener *l, uint32_t handle)
{
	uint32_t slot = handle - LST_HANDLE_BASE;

	if (!handle)
		return FRPC_LISTENER_REMOTECTL;
	if (handle < LST_HANDLE_BASE || slot >= FRPC_LISTENER_MAX_HANDLES ||
	    !l->handles[slot])
		return -1;
	return l->handles[slot] - 1;
}

static uint32_t lst_remotectl_open(struct frpc_listener *l,
				   struct lst_call *c)
{
	uint32_t nlen, elen, slot;
	const char *name;
	int mod;

	/* in0 {u32 namelen; u32 errlen}, in1 name, out0 {u32; s32}, out1 */
	if (!lst_shape(c, 2, 2) || c->in_len[0] < 8 || c->out_len[0] < 8)
		return LST_AEE_EBADPARM;
	nlen = lst_get32(c->in[0], 0);
	elen = lst_get32(c->in[0], 4);
	name = lst_str(c, 1, nlen);
	if (!name || elen > c->out_len[1])
		return LST_AEE_EBADPARM;

	mod = lst_module_by_name(name);
	if (mod < 0) {
		/* As the library: the open works, the load error says why */
		lst_put32(c->out[0], 0, 0);
		lst_put32(c->out[0], 4, LST_AEE_EINVHANDLE);
		if (elen)
			snprintf((char *)c->out[1], elen,
				 "%.64s: no such module on the host", name);
		return 0;
	}
	for (slot = 0; slot < FRPC_LISTENER_MAX_HANDLES; slot++)
		if (!l->handles[slot])
			break;
	if (slot == FRPC_LISTENER_MAX_HANDLES)
		return LST_AEE_EOUTOFHANDLES;
	l->handles[slot] = mod + 1;
	lst_put32(c->out[0], 0, LST_HANDLE_BASE + slot);
	lst_put32(c->out[0], 4, 0);
	return 0;
}

static uint32_t lst_remotectl_close(struct frpc_listener *l,
				    struct lst_call *c)
{
	uint32_t handle, elen;

	/* in0 {u32 handle; u32 errlen}, out0 {s32 dlerr}, out1 */
	if (!lst_shape(c, 1, 2) || c->in_len[0] < 8 || c->out_len[0] < 4)
		return LST_AEE_EBADPARM;
	handle = lst_get32(c->in[0], 0);
	elen = lst_get32(c->in[0], 4);
	if (elen > c->out_len[1])
		return LST_AEE_EBADPARM;
	if (!handle || lst_module_of(l, handle) < 0)
		return LST_AEE_ENOSUCHMOD;
	l->handles[handle - LST_HANDLE_BASE] = 0;
	lst_put32(c->out[0], 0, 0);
	return 0;
}

static uint32_t lst_remotectl(struct frpc_listener *l, struct lst_call *c)
{
	switch (c->method) {
	case 0:
		return lst_remotectl_open(l, c);
	case 1:
		return lst_remotectl_close(l, c);
	default:
		return LST_AEE_EUNSUPPORTED;
	}
}

/* ------------------------------------------------------------------ */
/* apps_std: read-only files of the library search path                */
/* ------------------------------------------------------------------ */

/* apps_std fails with errno values, positive, as the library's does */
static uint32_t lst_std_err(int err)
{
	return (uint32_t)err;
}

/* A bare file name: no directory part, nothing that climbs */
static int lst_name_ok(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && strlen(name) <= NAME_MAX;
}

/* Read-only modes only: "r", "rb", "re", ... */
static int lst_mode_ok(const char *mode)
{
	return mode[0] == 'r' && !strpbrk(mode + 1, "+wax");
}

/* Open @path when it is a regular file: the fd, or -errno */
static int lst_try_open(const char *path)
{
	struct stat stb;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &stb) || !S_ISREG(stb.st_mode)) {
		close(fd);
		return -EACCES;
	}
	return fd;
}

/*
 * Look @name up in each directory of @path (split at @delim): as
 * <dir>/<subsys>/<name>, then <dir>/<name>; an empty directory is the
 * current one. Returns the fd, or -errno (-ENOENT when nowhere).
 */
static int lst_open_in_path(struct frpc_listener *l, const char *path,
			    const char *delim, const char *name)
{
	size_t dlen = strlen(delim);
	const char *dir = path, *end;
	char p[PATH_MAX];
	int fd, ret = -ENOENT, n;

	if (!dlen)
		return -EINVAL;
	for (;;) {
		size_t len;

		end = strstr(dir, delim);
		len = end ? (size_t)(end - dir) : strlen(dir);
		if (len >= PATH_MAX)
			goto next;
		if (len && l->subsys[0]) {
			n = snprintf(p, sizeof(p), "%.*s/%s/%s", (int)len, dir,
				     l->subsys, name);
			if (n > 0 && n < (int)sizeof(p)) {
				fd = lst_try_open(p);
				if (fd >= 0)
					return fd;
			}
		}
		if (len)
			n = snprintf(p, sizeof(p), "%.*s/%s", (int)len, dir,
				     name);
		else
			n = snprintf(p, sizeof(p), "%s", name);
		if (n > 0 && n < (int)sizeof(p)) {
			fd = lst_try_open(p);
			if (fd >= 0)
				return fd;
			if (fd != -ENOENT && fd != -ENOTDIR)
				ret = fd;
		}
next:
		if (!end)
			return ret;
		dir = end + dlen;
	}
}

/* Give the DSP a file number for @fd (taken over), or an errno value */
static uint32_t lst_file_add(struct frpc_listener *l, int fd, uint8_t *out)
{
	unsigned int i;

	for (i = 0; i < FRPC_LISTENER_MAX_FILES; i++)
		if (l->files[i] < 0)
			break;
	if (i == FRPC_LISTENER_MAX_FILES) {
		close(fd);
		return lst_std_err(EMFILE);
	}
	l->files[i] = fd;
	lst_put32(out, 0, LST_FD_BASE + i);
	lst_count(l, &l->st.files_opened, 1);
	return 0;
}

/* The host fd of DSP file number @num, or -1 */
static int lst_file_get(struct frpc_listener *l, uint32_t num)
{
	uint32_t i = num - LST_FD_BASE;

	if (num < LST_FD_BASE || i >= FRPC_LISTENER_MAX_FILES)
		return -1;
	return l->files[i];
}

static const char *lst_search_path(struct frpc_listener *l)
{
	const char *p = l->lib_path;

	if (!p)
		p = getenv("ADSP_LIBRARY_PATH");
	return p ? p : FRPC_LISTENER_DEFAULT_PATH;
}

static uint32_t lst_std_open(struct frpc_listener *l, const char *name,
			     const char *mode, const char *path,
			     const char *delim, uint8_t *out)
{
	int fd;

	if (!lst_mode_ok(mode))
		return lst_std_err(EACCES);
	if (!lst_name_ok(name))
		return lst_std_err(ENOENT);
	fd = lst_open_in_path(l, path, delim, name);
	if (fd < 0)
		return -fd;
	return lst_file_add(l, fd, out);
}

static uint32_t lst_std_fopen_with_env(struct frpc_listener *l,
				       struct lst_call *c)
{
	const char *env, *delim, *name, *mode;

	/* in0 {u32 lens[4]}, in1..4 env, delim, name, mode; out0 {u32 fd} */
	if (!lst_shape(c, 5, 1) || c->in_len[0] < 16 || c->out_len[0] < 4)
		return LST_AEE_EBADPARM;
	env = lst_str(c, 1, lst_get32(c->in[0], 0));
	delim = lst_str(c, 2, lst_get32(c->in[0], 4));
	name = lst_str(c, 3, lst_get32(c->in[0], 8));
	mode = lst_str(c, 4, lst_get32(c->in[0], 12));
	if (!env || !delim || !name || !mode)
		return LST_AEE_EBADPARM;
	/* Only the library path: other variables are not the DSP's to read */
	if (strcmp(env, "ADSP_LIBRARY_PATH") && strcmp(env, "DSP_LIBRARY_PATH"))
		return lst_std_err(ENOENT);
	/* Our own path is split at ';'; the environment's at the DSP's */
	return lst_std_open(l, name, mode, lst_search_path(l),
			    l->lib_path ? ";" : delim, c->out[0]);
}

static uint32_t lst_std_fopen(struct frpc_listener *l, struct lst_call *c)
{
	const char *name, *mode;

	/* in0 {u32 namelen; u32 modelen}, in1 name, in2 mode, out0 {fd} */
	if (!lst_shape(c, 3, 1) || c->in_len[0] < 8 || c->out_len[0] < 4)
		return LST_AEE_EBADPARM;
	name = lst_str(c, 1, lst_get32(c->in[0], 0));
	mode = lst_str(c, 2, lst_get32(c->in[0], 4));
	if (!name || !mode)
		return LST_AEE_EBADPARM;
	/* Not any host path: a file of the library search path */
	return lst_std_open(l, name, mode, lst_search_path(l), ";", c->out[0]);
}

/* in0 starts with {u32 fd}: its host fd, or -1 */
static int lst_std_fd(struct frpc_listener *l, const struct lst_call *c,
		      uint32_t in0_len)
{
	if (c->nin < 1 || c->in_len[0] < in0_len)
		return -1;
	return lst_file_get(l, lst_get32(c->in[0], 0));
}

static uint32_t lst_std_fclose(struct frpc_listener *l, struct lst_call *c)
{
	int fd;

	if (!lst_shape(c, 1, 0))
		return LST_AEE_EBADPARM;
	fd = lst_std_fd(l, c, 4);
	if (fd < 0)
		return lst_std_err(EBADF);
	l->files[lst_get32(c->in[0], 0) - LST_FD_BASE] = -1;
	close(fd);
	return 0;
}

static uint32_t lst_std_fread(struct frpc_listener *l, struct lst_call *c)
{
	uint32_t want, got = 0;
	ssize_t n;
	int fd;

	/* in0 {u32 fd; u32 len}, out0 {s32 read; s32 eof}, out1 data */
	if (!lst_shape(c, 1, 2) || c->out_len[0] < 8)
		return LST_AEE_EBADPARM;
	fd = lst_std_fd(l, c, 8);
	if (fd < 0)
		return lst_std_err(EBADF);
	want = lst_get32(c->in[0], 4);
	if (want > c->out_len[1] || want > INT32_MAX)
		return LST_AEE_EBADPARM;
	while (got < want) {
		n = read(fd, c->out[1] + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (!n)
			break;
		got += n;
	}
	lst_put32(c->out[0], 0, got);
	lst_put32(c->out[0], 4, got < want);
	lst_count(l, &l->st.bytes_read, got);
	return 0;
}

static uint32_t lst_std_ftell(struct frpc_listener *l, struct lst_call *c)
{
	off_t pos;
	int fd;

	if (!lst_shape(c, 1, 1) || c->out_len[0] < 4)
		return LST_AEE_EBADPARM;
	fd = lst_std_fd(l, c, 4);
	if (fd < 0)
		return lst_std_err(EBADF);
	pos = lseek(fd, 0, SEEK_CUR);
	if (pos < 0)
		return errno;
	if (pos > INT32_MAX)
		return lst_std_err(EOVERFLOW);
	lst_put32(c->out[0], 0, (uint32_t)pos);
	return 0;
}

static uint32_t lst_std_fseek(struct frpc_listener *l, struct lst_call *c)
{
	static const int whence[] = { SEEK_SET, SEEK_CUR, SEEK_END };
	uint32_t w;
	int32_t off;
	int fd;

	/* in0 {u32 fd; s32 offset; u32 whence} */
	if (!lst_shape(c, 1, 0))
		return LST_AEE_EBADPARM;
	fd = lst_std_fd(l, c, 12);
	if (fd < 0)
		return c->in_len[0] < 12 ? LST_AEE_EBADPARM : lst_std_err(EBADF);
	off = (int32_t)lst_get32(c->in[0], 4);
	w = lst_get32(c->in[0], 8);
	if (w > 2)
		return lst_std_err(EINVAL);
	if (lseek(fd, off, whence[w]) < 0)
		return errno;
	return 0;
}

static uint32_t lst_std_flen(struct frpc_listener *l, struct lst_call *c)
{
	struct stat stb;
	int fd;

	/* in0 {u32 fd}, out0 {u64 len} */
	if (!lst_shape(c, 1, 1) || c->out_len[0] < 8)
		return LST_AEE_EBADPARM;
	fd = lst_std_fd(l, c, 4);
	if (fd < 0)
		return lst_std_err(EBADF);
	if (fstat(fd, &stb))
		return errno;
	lst_put64(c->out[0], 0, (uint64_t)stb.st_size);
	return 0;
}

static uint32_t lst_std_rewind(struct frpc_listener *l, struct lst_call *c)
{
	int fd;

	if (!lst_shape(c, 1, 0))
		return LST_AEE_EBADPARM;
	fd = lst_std_fd(l, c, 4);
	if (fd < 0)
		return lst_std_err(EBADF);
	return lseek(fd, 0, SEEK_SET) < 0 ? (uint32_t)errno : 0;
}

static uint32_t lst_std(struct frpc_listener *l, struct lst_call *c)
{
	switch (c->method) {
	case 0:
		return lst_std_fopen(l, c);
	case 3:
		return lst_std_fclose(l, c);
	case 4:
		return lst_std_fread(l, c);
	case 8:
		return lst_std_ftell(l, c);
	case 9:
		return lst_std_fseek(l, c);
	case 10:
		return lst_std_flen(l, c);
	case 11:
		return lst_std_rewind(l, c);
	case 19:
		return lst_std_fopen_with_env(l, c);
	default:
		return LST_AEE_EUNSUPPORTED;
	}
}

/* ------------------------------------------------------------------ */
/* apps_mem: heap for the DSP process, through a forward map           */
/* ------------------------------------------------------------------ */

static int lst_map(struct frpc_listener *l, uint32_t rflags, uint64_t len,
		   uint64_t *vadsp)
{
	struct fastrpc_req_mmap req = {
		.fd = -1,
		.flags = rflags,
		.size = len,
	};
	uint32_t gem;
	int ret;

	if (l->face == FRPC_FACE_LEGACY) {
		ret = ioctl(l->fd, FASTRPC_IOCTL_MMAP, &req);
		if (ret == -1)
			return -errno;
		if (ret)
			return -EREMOTEIO;
		*vadsp = req.vaddrout;
		return 0;
	}

	/* Reserved memory of the domain: no buffer object */
	if (rflags == LST_MMAP_REMOTE_HEAP)
		return frpc_map(l->fd, DRM_FASTRPC_MAP_REMOTE_HEAP, 0, 0, len,
				vadsp);

	ret = frpc_gem_create(l->fd, len, &gem);
	if (ret)
		return ret;
	ret = frpc_map(l->fd, DRM_FASTRPC_BUF_GEM | DRM_FASTRPC_MAP_HEAP, gem,
		       0, len, vadsp);
	/* The mapping holds the object until UNMAP or close */
	frpc_gem_close(l->fd, gem);
	return ret;
}

static int lst_unmap(struct frpc_listener *l, const struct lst_map *m)
{
	if (l->face == FRPC_FACE_LEGACY) {
		struct fastrpc_req_munmap req = {
			.vaddrout = m->vadsp,
			.size = m->len,
		};
		int ret;

		ret = ioctl(l->fd, FASTRPC_IOCTL_MUNMAP, &req);
		if (ret == -1)
			return -errno;
		return ret ? -EREMOTEIO : 0;
	}
	return frpc_unmap(l->fd, m->vadsp);
}

static uint32_t lst_mem_errno(int err)
{
	switch (err) {
	case -ENOMEM:
	case -E2BIG:
		return LST_AEE_ENOMEMORY;
	case -EBUSY:
		return LST_AEE_EITEMBUSY;
	case -EINVAL:
		return LST_AEE_EBADPARM;
	default:
		return LST_AEE_EFAILED;
	}
}

static uint32_t lst_mem_map64(struct frpc_listener *l, struct lst_call *c)
{
	uint64_t len, vadsp = 0, free_bytes;
	uint32_t rflags;
	unsigned int i;
	int64_t slen;
	int ret;

	/*
	 * in0 {s32 heapid; u32 lflags; u32 rflags; u32 pad; u64 vin;
	 * s64 len}, out0 {u64 vapps; u64 vadsp}
	 */
	if (!lst_shape(c, 1, 1) || c->in_len[0] < 32 || c->out_len[0] < 16)
		return LST_AEE_EBADPARM;
	rflags = lst_get32(c->in[0], 8);
	slen = (int64_t)lst_get64(c->in[0], 24);
	/*
	 * Heap pages (ADD_PAGES), or the reserved memory a static PD asks
	 * for (REMOTE_HEAP: legacy MMAP flag 8, accel
	 * DRM_FASTRPC_MAP_REMOTE_HEAP, from a privileged node only)
	 */
	if (rflags != LST_MMAP_ADD_PAGES && rflags != LST_MMAP_REMOTE_HEAP)
		return LST_AEE_EUNSUPPORTED;
	if (slen <= 0)
		return LST_AEE_EBADPARM;
	pthread_mutex_lock(&l->lock);
	free_bytes = l->opts.max_heap - l->st.heap_bytes;
	pthread_mutex_unlock(&l->lock);
	if ((uint64_t)slen > free_bytes)
		return LST_AEE_ENOMEMORY;
	len = ((uint64_t)slen + LST_PAGE - 1) & ~(LST_PAGE - 1);
	if (len > free_bytes)
		return LST_AEE_ENOMEMORY;
	for (i = 0; i < FRPC_LISTENER_MAX_MAPS; i++)
		if (!l->maps[i].used)
			break;
	if (i == FRPC_LISTENER_MAX_MAPS)
		return LST_AEE_ENOMEMORY;

	ret = lst_map(l, rflags, len, &vadsp);
	if (ret)
		return lst_mem_errno(ret);
	l->maps[i] = (struct lst_map){ .vadsp = vadsp, .len = len, .used = 1 };
	pthread_mutex_lock(&l->lock);
	l->st.maps++;
	l->st.last_map_vadsp = vadsp;
	l->st.heap_bytes += len;
	pthread_mutex_unlock(&l->lock);
	/* No host address: the memory is the kernel's, as the library does */
	lst_put64(c->out[0], 0, 0);
	lst_put64(c->out[0], 8, vadsp);
	return 0;
}

static uint32_t lst_mem_unmap64(struct frpc_listener *l, struct lst_call *c)
{
	uint64_t vadsp;
	unsigned int i;
	int ret;

	/* in0 {u64 vadsp; s64 len} */
	if (!lst_shape(c, 1, 0) || c->in_len[0] < 16)
		return LST_AEE_EBADPARM;
	vadsp = lst_get64(c->in[0], 0);
	for (i = 0; i < FRPC_LISTENER_MAX_MAPS; i++)
		if (l->maps[i].used && l->maps[i].vadsp == vadsp)
			break;
	/* Only what this listener mapped; its own length, not the DSP's */
	if (i == FRPC_LISTENER_MAX_MAPS)
		return LST_AEE_EBADPARM;
	ret = lst_unmap(l, &l->maps[i]);
	if (ret)
		return lst_mem_errno(ret);
	pthread_mutex_lock(&l->lock);
	l->st.unmaps++;
	l->st.heap_bytes -= l->maps[i].len;
	pthread_mutex_unlock(&l->lock);
	l->maps[i].used = 0;
	return 0;
}

static uint32_t lst_mem(struct frpc_listener *l, struct lst_call *c)
{
	switch (c->method) {
	case 2:
		return lst_mem_map64(l, c);
	case 3:
		return lst_mem_unmap64(l, c);
	default:
		return LST_AEE_EUNSUPPORTED;
	}
}

/* ------------------------------------------------------------------ */
/* adspmsgd_apps: FARF messages                                        */
/* ------------------------------------------------------------------ */

static void lst_copy_str(char *dst, size_t dstlen, const uint8_t *src,
			 size_t srclen)
{
	size_t n = strnlen((const char *)src, srclen);

	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static uint32_t lst_msgd(struct frpc_listener *l, struct lst_call *c)
{
	struct frpc_farf m;
	uint32_t len, off;
	const uint8_t *p;
	size_t n;

	/* log: in0 {u32 len}, in1 len bytes of 256-byte messages */
	if (c->method)
		return LST_AEE_EUNSUPPORTED;
	if (!lst_shape(c, 2, 0) || c->in_len[0] < 4)
		return LST_AEE_EBADPARM;
	len = lst_get32(c->in[0], 0);
	if (len > c->in_len[1])
		return LST_AEE_EBADPARM;
	/* Whole messages only: a partial one at the end is dropped */
	for (off = 0; len - off >= LST_LOG_NODE; off += LST_LOG_NODE) {
		p = c->in[1] + off;
		memset(&m, 0, sizeof(m));
		m.level = lst_get32(p, 0);
		m.line = p[4] | p[5] << 8;
		m.thread_id = p[6] | p[7] << 8;
		lst_copy_str(m.msg, sizeof(m.msg), p + LST_LOG_STR_OFF,
			     LST_LOG_STR_LEN);
		lst_copy_str(m.file, sizeof(m.file), p + LST_LOG_FILE_OFF,
			     LST_LOG_FILE_LEN);
		n = strlen(m.msg);
		if (n && m.msg[n - 1] == '\n')
			m.msg[n - 1] = '\0';
		lst_farf_push(l, &m);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* One reverse call                                                    */
/* ------------------------------------------------------------------ */

uint32_t frpc_listener_serve(struct frpc_listener *l, uint32_t handle,
			     uint32_t sc, const void *req, uint32_t len,
			     const void **reply, uint32_t *reply_len)
{
	static uint32_t (*const serve[FRPC_LISTENER_NR_MODULES])
		(struct frpc_listener *, struct lst_call *) = {
		[FRPC_LISTENER_REMOTECTL] = lst_remotectl,
		[FRPC_LISTENER_STD] = lst_std,
		[FRPC_LISTENER_MEM] = lst_mem,
		[FRPC_LISTENER_MSGD] = lst_msgd,
	};
	struct lst_call *c = &l->call;
	uint32_t res, rlen = 0;
	int mod;

	*reply = NULL;
	*reply_len = 0;
	mod = lst_module_of(l, handle);
	if (mod < 0) {
		lst_count(l, &l->st.unknown_handle, 1);
		return LST_AEE_ENOSUCHMOD;
	}
	/* Handle arguments are not served, as by the library */
	if (frpc_sc_nhandles(sc))
		res = LST_AEE_EBADPARM;
	else
		res = lst_parse(c, sc, req, len);
	if (!res)
		res = lst_layout_reply(l, c, &rlen);
	if (!res)
		res = serve[mod](l, c);
	if (res) {
		lst_count(l, &l->st.failed[mod], 1);
		return res;
	}
	lst_count(l, &l->st.served[mod], 1);
	*reply = l->rep;
	*reply_len = rlen;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The thread                                                          */
/* ------------------------------------------------------------------ */

struct lst_next2_out {
	uint32_t ctx;
	uint32_t handle;
	uint32_t sc;
	uint32_t bufs_len_req;
};

static int lst_init2(struct frpc_listener *l)
{
	uint32_t st = 0;
	int ret;

	if (!l->opts.no_domains) {
		ret = frpc_face_invoke(l->fd, l->face, FRPC_HANDLE_LISTENER1,
				       FRPC_SC(FRPC_LISTENER1_INIT2, 0, 0),
				       NULL, &st);
		if (ret)
			return ret;
		if (!st) {
			l->handle = FRPC_HANDLE_LISTENER1;
			l->m_next2 = FRPC_LISTENER1_NEXT2;
			l->m_get_in_bufs2 = FRPC_LISTENER1_GET_IN_BUFS2;
			return 0;
		}
		/* As the library: only these mean "no domains" */
		if (st != FRPC_DSP_ERR(FRPC_AEE_ERPC) &&
		    st != FRPC_DSP_ERR(FRPC_AEE_ENOSUCHMOD))
			return -ENOTSUP;
	}
	ret = frpc_face_invoke(l->fd, l->face, FRPC_HANDLE_LISTENER,
			       FRPC_SC(FRPC_LISTENER_INIT2, 0, 0), NULL, &st);
	if (ret)
		return ret;
	if (st)
		return -ENOTSUP;
	l->handle = FRPC_HANDLE_LISTENER;
	l->m_next2 = FRPC_LISTENER_NEXT2;
	l->m_get_in_bufs2 = FRPC_LISTENER_GET_IN_BUFS2;
	return 0;
}

static int lst_next2(struct frpc_listener *l, uint32_t ctx, uint32_t result,
		     const void *reply, uint32_t rlen, struct lst_next2_out *o,
		     uint32_t *st)
{
	uint32_t in0[4] = { ctx, result, rlen, l->req_cap };
	struct frpc_buf bufs[4] = {
		{ in0, sizeof(in0) },
		{ (void *)(reply ? reply : l->rep), rlen },
		{ o, sizeof(*o) },
		{ l->req, l->req_cap },
	};

	memset(o, 0, sizeof(*o));
	lst_count(l, &l->st.next2_calls, 1);
	return frpc_face_invoke(l->fd, l->face, l->handle,
				FRPC_SC(l->m_next2, 2, 2), bufs, st);
}

/*
 * The request did not fit: grow the buffer (up to opts.max_buf) and fetch
 * the rest with get_in_bufs2. Returns 0 or the result for the DSP.
 */
static uint32_t lst_fetch_rest(struct frpc_listener *l, uint32_t ctx,
			       uint32_t need)
{
	uint32_t old = l->req_cap, cap, st = 0;
	int32_t total = 0;
	uint32_t in0[3];
	uint8_t *p;
	int ret;

	if (need > l->opts.max_buf)
		return LST_AEE_EBADSIZE;
	cap = (need + LST_MIN_BUF - 1) & ~(LST_MIN_BUF - 1);
	p = realloc(l->req, cap);
	if (!p)
		return LST_AEE_ENOMEMORY;
	l->req = p;
	l->req_cap = cap;

	in0[0] = ctx;
	in0[1] = old;
	in0[2] = cap - old;
	{
		struct frpc_buf bufs[3] = {
			{ in0, sizeof(in0) },
			{ &total, sizeof(total) },
			{ l->req + old, cap - old },
		};

		lst_count(l, &l->st.get_in_bufs, 1);
		ret = frpc_face_invoke(l->fd, l->face, l->handle,
				       FRPC_SC(l->m_get_in_bufs2, 1, 2), bufs,
				       &st);
	}
	if (ret)
		return LST_AEE_EFAILED;
	if (st)
		return st;
	if (total < 0 || (uint32_t)total > cap)
		return LST_AEE_EBADPARM;
	return 0;
}

static void lst_set_started(struct frpc_listener *l, int ret)
{
	pthread_mutex_lock(&l->lock);
	l->started = 1;
	l->init_ret = ret;
	l->st.handle = l->handle;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

static void lst_destroy(struct frpc_listener *l)
{
	unsigned int i;

	for (i = 0; i < FRPC_LISTENER_MAX_FILES; i++)
		if (l->files[i] >= 0)
			close(l->files[i]);
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->lock);
	free(l->ring);
	free(l->req);
	free(l->rep);
	free(l->lib_path);
	free(l);
}

static void *lst_main(void *arg)
{
	struct frpc_listener *l = arg;
	uint32_t ctx = 0, result = (uint32_t)-1, rlen = 0, st;
	const void *reply = NULL;
	struct lst_next2_out o;
	int64_t why = 0;
	int ret, failed = 0, orphan;
	sigset_t all;

	/* Signals are the application's business, on its own threads */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);

	ret = lst_init2(l);
	lst_set_started(l, ret);
	if (ret)
		goto out;

	for (;;) {
		ret = lst_next2(l, ctx, result, reply, rlen, &o, &st);
		if (ret) {
			/* The driver failed it: DSP gone, process dead */
			why = ret;
			break;
		}
		if (st == FRPC_AEE_EINTERRUPTED) {
			/* Start over: the previous context is gone */
			ctx = 0;
			result = (uint32_t)-1;
			reply = NULL;
			rlen = 0;
			continue;
		}
		if (st == FRPC_DSP_ERR(FRPC_AEE_EBADSTATE)) {
			why = st;
			break;
		}
		if (st) {
			/* Report it once as the result, give up if it stays */
			why = st;
			if (failed++)
				break;
			result = st;
			reply = NULL;
			rlen = 0;
			continue;
		}
		failed = 0;
		ctx = o.ctx;
		result = 0;
		if (o.bufs_len_req > l->req_cap)
			result = lst_fetch_rest(l, ctx, o.bufs_len_req);
		if (!result)
			result = frpc_listener_serve(l, o.handle, o.sc, l->req,
						     o.bufs_len_req, &reply,
						     &rlen);
		if (result) {
			reply = NULL;
			rlen = 0;
		}
	}

out:
	pthread_mutex_lock(&l->lock);
	l->done = 1;
	l->st.exit_status = ret && !why ? ret : why;
	orphan = l->orphan;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	if (orphan)
		lst_destroy(l);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Starting and stopping                                               */
/* ------------------------------------------------------------------ */

int frpc_listener_create(int fd, enum frpc_face face,
			 const struct frpc_listener_opts *opts,
			 struct frpc_listener **out)
{
	struct drm_fastrpc_device_info info;
	pthread_condattr_t ca;
	struct frpc_listener *l;
	unsigned int i;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->fd = fd;
	l->face = face;
	if (opts)
		l->opts = *opts;
	if (!l->opts.max_buf || l->opts.max_buf > FRPC_LISTENER_MAX_BUF)
		l->opts.max_buf = FRPC_LISTENER_MAX_BUF;
	if (!l->opts.max_heap)
		l->opts.max_heap = FRPC_LISTENER_MAX_HEAP;
	if (!l->opts.stop_timeout_ms)
		l->opts.stop_timeout_ms = FRPC_LISTENER_STOP_TIMEOUT_MS;
	l->ring_size = l->opts.farf_ring ? l->opts.farf_ring :
		       FRPC_LISTENER_FARF_RING;
	if (l->ring_size > FRPC_LISTENER_FARF_RING_MAX)
		l->ring_size = FRPC_LISTENER_FARF_RING_MAX;
	for (i = 0; i < FRPC_LISTENER_MAX_FILES; i++)
		l->files[i] = -1;

	if (l->opts.subsys)
		snprintf(l->subsys, sizeof(l->subsys), "%s", l->opts.subsys);
	else if (face == FRPC_FACE_ACCEL && !frpc_device_info(fd, &info))
		snprintf(l->subsys, sizeof(l->subsys), "%.*s",
			 (int)sizeof(info.domain), (const char *)info.domain);
	if (l->opts.lib_path)
		l->lib_path = strdup(l->opts.lib_path);
	l->ring = calloc(l->ring_size, sizeof(*l->ring));
	l->req = malloc(LST_MIN_BUF);
	l->rep = malloc(LST_MIN_BUF);
	if (!l->ring || !l->req || !l->rep ||
	    (l->opts.lib_path && !l->lib_path)) {
		free(l->ring);
		free(l->req);
		free(l->rep);
		free(l->lib_path);
		free(l);
		return -ENOMEM;
	}
	l->req_cap = LST_MIN_BUF;
	l->rep_cap = LST_MIN_BUF;

	pthread_mutex_init(&l->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cond, &ca);
	pthread_condattr_destroy(&ca);
	*out = l;
	return 0;
}

int frpc_listener_start(int fd, enum frpc_face face,
			const struct frpc_listener_opts *opts,
			struct frpc_listener **out)
{
	struct frpc_listener *l;
	int ret;

	ret = frpc_listener_create(fd, face, opts, &l);
	if (ret)
		return ret;
	ret = pthread_create(&l->thread, NULL, lst_main, l);
	if (ret) {
		lst_destroy(l);
		return -ret;
	}
	l->has_thread = 1;

	pthread_mutex_lock(&l->lock);
	while (!l->started)
		pthread_cond_wait(&l->cond, &l->lock);
	ret = l->init_ret;
	pthread_mutex_unlock(&l->lock);
	if (ret) {
		pthread_join(l->thread, NULL);
		lst_destroy(l);
		return ret;
	}
	*out = l;
	return 0;
}

int frpc_listener_wait(struct frpc_listener *l, unsigned int timeout_ms)
{
	struct timespec ts;
	int ret = 0;

	if (!l->has_thread)
		return 0;
	lst_deadline(&ts, timeout_ms);
	pthread_mutex_lock(&l->lock);
	while (!l->done && !ret)
		ret = pthread_cond_timedwait(&l->cond, &l->lock, &ts);
	ret = l->done ? 0 : -ETIMEDOUT;
	pthread_mutex_unlock(&l->lock);
	return ret;
}

void frpc_listener_free(struct frpc_listener *l)
{
	if (!l)
		return;
	if (l->has_thread) {
		pthread_mutex_lock(&l->lock);
		if (!l->done) {
			/* Still waiting in the DSP: it frees itself later */
			l->orphan = 1;
			pthread_detach(l->thread);
			pthread_mutex_unlock(&l->lock);
			return;
		}
		pthread_mutex_unlock(&l->lock);
		pthread_join(l->thread, NULL);
	}
	lst_destroy(l);
}

int frpc_listener_stop(struct frpc_listener *l)
{
	uint32_t st = 0;
	int ret = 0, done;

	if (!l)
		return 0;
	pthread_mutex_lock(&l->lock);
	done = !l->has_thread || l->done;
	pthread_mutex_unlock(&l->lock);
	if (!done) {
		ret = frpc_current_process_exit(l->fd, l->face, &st);
		if (!ret && st)
			ret = -EREMOTEIO;
		if (frpc_listener_wait(l, l->opts.stop_timeout_ms))
			ret = -ETIMEDOUT;
	}
	frpc_listener_free(l);
	return ret;
}
