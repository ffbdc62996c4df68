// SPDX-License-Identifier: GPL-2.0-only
/*
 * Small helper library for the FastRPC accel UAPI. See fastrpc_util.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <misc/fastrpc.h>

#include "fastrpc_util.h"

#define FRPC_MAX_BUFS	255

static int frpc_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));

	return ret ? -errno : 0;
}

int frpc_query(int fd, uint32_t type, void *buf, uint32_t *size)
{
	struct drm_fastrpc_query q = {
		.type = type,
		.size = buf ? *size : 0,
		.pointer = (uintptr_t)buf,
	};
	int ret;

	ret = frpc_ioctl(fd, DRM_IOCTL_FASTRPC_QUERY, &q);
	if (!ret)
		*size = q.size;
	return ret;
}

int frpc_device_info(int fd, struct drm_fastrpc_device_info *info)
{
	uint32_t size = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return frpc_query(fd, DRM_FASTRPC_QUERY_DEVICE_INFO, info, &size);
}

int frpc_dsp_attrs(int fd, uint32_t *attrs)
{
	uint32_t size = DRM_FASTRPC_DSP_ATTR_COUNT * sizeof(*attrs);

	return frpc_query(fd, DRM_FASTRPC_QUERY_DSP_ATTRS, attrs, &size);
}

static int accel_cmp(const struct dirent **a, const struct dirent **b)
{
	return strverscmp((*a)->d_name, (*b)->d_name);
}

static int accel_filter(const struct dirent *d)
{
	return !strncmp(d->d_name, "accel", 5);
}

static int open_domain(const char *domain, int privileged,
		       struct drm_fastrpc_device_info *info, char *path,
		       size_t pathlen)
{
	struct drm_fastrpc_device_info di;
	struct dirent **names;
	int found = -ENOENT;
	int n, i;

	n = scandir(FRPC_ACCEL_DIR, &names, accel_filter, accel_cmp);
	if (n < 0)
		return -ENOENT;

	for (i = 0; i < n; i++) {
		char p[PATH_MAX];
		int fd;

		if (found >= 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", FRPC_ACCEL_DIR,
			 names[i]->d_name);
		fd = open(p, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			if (errno == EACCES && found == -ENOENT)
				found = -EACCES;
			continue;
		}
		/* Not ours (another accel driver), broken, or the other kind */
		if (frpc_device_info(fd, &di) ||
		    strncmp((const char *)di.domain, domain,
			    sizeof(di.domain)) ||
		    !(di.flags & DRM_FASTRPC_DEVICE_PRIVILEGED) != !privileged) {
			close(fd);
			continue;
		}
		if (info)
			*info = di;
		if (path && pathlen)
			snprintf(path, pathlen, "%s", p);
		found = fd;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);

	return found;
}

int frpc_open_domain(const char *domain, struct drm_fastrpc_device_info *info,
		     char *path, size_t pathlen)
{
	return open_domain(domain, 0, info, path, pathlen);
}

int frpc_open_domain_privileged(const char *domain,
				struct drm_fastrpc_device_info *info,
				char *path, size_t pathlen)
{
	return open_domain(domain, 1, info, path, pathlen);
}

int frpc_accel_minor(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	return minor(st.st_rdev);
}

int frpc_process_init(int fd, uint32_t kind, uint32_t flags)
{
	struct drm_fastrpc_process_init init = {
		.kind = kind,
		.flags = flags,
	};

	return frpc_ioctl(fd, DRM_IOCTL_FASTRPC_PROCESS_INIT, &init);
}

int frpc_invoke_raw(int fd, struct drm_fastrpc_invoke *inv)
{
	int ret;

	/*
	 * Calls are killable but not interruptible, so EINTR only comes back
	 * from a dying task; no retry loop that could send a call twice.
	 */
	ret = ioctl(fd, DRM_IOCTL_FASTRPC_INVOKE, inv);
	return ret ? -errno : 0;
}

int frpc_invoke(int fd, uint32_t handle, uint32_t method,
		const struct frpc_buf *in, unsigned int nin,
		const struct frpc_buf *out, unsigned int nout,
		uint32_t timeout_ms, uint32_t *dsp_status)
{
	struct drm_fastrpc_arg iargs[FRPC_MAX_BUFS], oargs[FRPC_MAX_BUFS];
	unsigned int i;

	if (nin > FRPC_MAX_BUFS || nout > FRPC_MAX_BUFS)
		return -EINVAL;

	memset(iargs, 0, sizeof(iargs));
	memset(oargs, 0, sizeof(oargs));
	for (i = 0; i < nin; i++) {
		iargs[i].ptr = (uintptr_t)in[i].ptr;
		iargs[i].length = in[i].len;
	}
	for (i = 0; i < nout; i++) {
		oargs[i].ptr = (uintptr_t)out[i].ptr;
		oargs[i].length = out[i].len;
	}
	return frpc_invoke_args(fd, handle, method, iargs, nin, oargs, nout,
				timeout_ms, dsp_status);
}

int frpc_invoke_args(int fd, uint32_t handle, uint32_t method,
		     const struct drm_fastrpc_arg *in, unsigned int nin,
		     const struct drm_fastrpc_arg *out, unsigned int nout,
		     uint32_t timeout_ms, uint32_t *dsp_status)
{
	struct drm_fastrpc_arg args[2 * FRPC_MAX_BUFS];
	struct drm_fastrpc_invoke inv;
	int ret;

	if (nin > FRPC_MAX_BUFS || nout > FRPC_MAX_BUFS || method > 31)
		return -EINVAL;
	if (nin)
		memcpy(args, in, nin * sizeof(args[0]));
	if (nout)
		memcpy(args + nin, out, nout * sizeof(args[0]));

	memset(&inv, 0, sizeof(inv));
	inv.handle = handle;
	inv.sc = FRPC_SC(method, nin, nout);
	inv.args = (uintptr_t)args;
	inv.num_args = nin + nout;
	inv.arg_size = sizeof(args[0]);
	inv.timeout_ms = timeout_ms;

	ret = frpc_invoke_raw(fd, &inv);
	if (dsp_status)
		*dsp_status = inv.dsp_status;
	return ret;
}

int frpc_remotectl_open(int fd, const char *uri, uint32_t *handle,
			int32_t *dlerr, char *errbuf, size_t errlen)
{
	struct { uint32_t urilen; uint32_t dlerrlen; } in0;
	struct { int32_t handle; int32_t dlerr; } out0 = { -1, -1 };
	char text[256] = "";
	struct frpc_buf in[2], out[2];
	int ret;

	in0.urilen = strlen(uri) + 1;
	in0.dlerrlen = sizeof(text);
	in[0] = (struct frpc_buf){ &in0, sizeof(in0) };
	in[1] = (struct frpc_buf){ (void *)uri, in0.urilen };
	out[0] = (struct frpc_buf){ &out0, sizeof(out0) };
	out[1] = (struct frpc_buf){ text, sizeof(text) };

	ret = frpc_invoke(fd, FRPC_HANDLE_REMOTECTL1, FRPC_REMOTECTL1_OPEN1,
			  in, 2, out, 2, 0, NULL);
	if (ret)
		return ret;

	text[sizeof(text) - 1] = '\0';
	*handle = (uint32_t)out0.handle;
	*dlerr = out0.dlerr;
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s", text);
	return 0;
}

int frpc_module_open(int fd, const char *uri, uint32_t *handle)
{
	int32_t dlerr;
	int ret;

	ret = frpc_remotectl_open(fd, uri, handle, &dlerr, NULL, 0);
	if (ret)
		return ret;
	return dlerr ? -ENOENT : 0;
}

int frpc_remotectl_close(int fd, uint32_t handle, int32_t *dlerr,
			 char *errbuf, size_t errlen)
{
	struct { int32_t handle; uint32_t dlerrlen; } in0;
	int32_t out0 = -1;
	char text[256] = "";
	struct frpc_buf in[1], out[2];
	int ret;

	in0.handle = (int32_t)handle;
	in0.dlerrlen = sizeof(text);
	in[0] = (struct frpc_buf){ &in0, sizeof(in0) };
	out[0] = (struct frpc_buf){ &out0, sizeof(out0) };
	out[1] = (struct frpc_buf){ text, sizeof(text) };

	ret = frpc_invoke(fd, FRPC_HANDLE_REMOTECTL1, FRPC_REMOTECTL1_CLOSE1,
			  in, 1, out, 2, 0, NULL);
	if (ret)
		return ret;

	text[sizeof(text) - 1] = '\0';
	if (dlerr)
		*dlerr = out0;
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s", text);
	return 0;
}

static int frpc_calc(int fd, uint32_t handle, uint32_t method,
		     const int32_t *vec, uint32_t n, void *res, size_t reslen)
{
	struct frpc_buf in[2], out[1];

	in[0] = (struct frpc_buf){ &n, sizeof(n) };
	in[1] = (struct frpc_buf){ (void *)vec, (uint64_t)n * sizeof(*vec) };
	out[0] = (struct frpc_buf){ res, reslen };

	return frpc_invoke(fd, handle, method, in, 2, out, 1, 0, NULL);
}

int frpc_calc_sum(int fd, uint32_t handle, const int32_t *vec, uint32_t n,
		  int64_t *result)
{
	return frpc_calc(fd, handle, FRPC_CALC_SUM, vec, n, result,
			 sizeof(*result));
}

int frpc_calc_max(int fd, uint32_t handle, const int32_t *vec, uint32_t n,
		  int32_t *result)
{
	return frpc_calc(fd, handle, FRPC_CALC_MAX, vec, n, result,
			 sizeof(*result));
}

int frpc_read_counter(const char *file, const char *name, uint64_t *value)
{
	char line[256];
	int ret = -ENOENT;
	FILE *f;

	f = fopen(file, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		unsigned long long v;
		size_t klen;

		if (name) {
			/* "name value" or "name: value" */
			p += strspn(p, " \t");
			klen = strcspn(p, " \t:");
			if (klen != strlen(name) || strncmp(p, name, klen))
				continue;
			p += klen;
			p += strspn(p, " \t:");
		}
		v = strtoull(p, &end, 0);
		if (end != p) {
			*value = v;
			ret = 0;
		}
		break;
	}
	fclose(f);
	return ret;
}

int frpc_drv_counter(int fd, const char *name, uint64_t *value)
{
	struct drm_fastrpc_device_info info;
	char path[PATH_MAX];
	int minor = frpc_accel_minor(fd);
	int ret;

	if (minor < 0)
		return minor;
	/* The DRM minor's debugfs directory */
	snprintf(path, sizeof(path), FRPC_DEBUGFS "/accel/%d/counters", minor);
	ret = frpc_read_counter(path, name, value);
	if (ret != -ENOENT || access(path, F_OK) == 0)
		return ret;
	/* or one named after the domain */
	if (frpc_device_info(fd, &info))
		return ret;
	snprintf(path, sizeof(path), FRPC_DEBUGFS "/accel/fastrpc-%s/counters",
		 (const char *)info.domain);
	return frpc_read_counter(path, name, value);
}

int frpc_sim_counter(const char *inst, const char *name, uint64_t *value)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), FRPC_DEBUGFS "/fastrpc_sim/%s/%s", inst,
		 name);
	return frpc_read_counter(path, NULL, value);
}

int frpc_sim_knob(const char *inst, const char *knob, unsigned int value)
{
	char path[PATH_MAX], buf[16];
	int fd, len, ret = 0;

	snprintf(path, sizeof(path), FRPC_DEBUGFS "/fastrpc_sim/%s/%s", inst,
		 knob);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%u\n", value);
	errno = EIO;
	if (write(fd, buf, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

int frpc_write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

#define FRPC_SIM_CFG	"/sys/kernel/config/fastrpc-sim"

int frpc_sim_live(const char *inst, int live)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), FRPC_SIM_CFG "/%s/live", inst);
	return frpc_write_str(p, live ? "1" : "0");
}

int frpc_sim_create(const char *inst, const char *label,
		    unsigned int sessions, int secure)
{
	static const char *const attrs[] = { "label", "sessions", "nsessions",
					     "secure" };
	char p[PATH_MAX], vals[4][32];
	unsigned int i;
	int ret = 0;

	snprintf(vals[0], sizeof(vals[0]), "%s", label);
	snprintf(vals[1], sizeof(vals[1]), "%u", sessions);
	snprintf(vals[2], sizeof(vals[2]), "1");
	snprintf(vals[3], sizeof(vals[3]), "%d", !!secure);

	snprintf(p, sizeof(p), FRPC_SIM_CFG "/%s", inst);
	if (mkdir(p, 0755) && errno != EEXIST)
		return -errno;
	for (i = 0; i < 4 && !ret; i++) {
		snprintf(p, sizeof(p), FRPC_SIM_CFG "/%s/%s", inst, attrs[i]);
		ret = frpc_write_str(p, vals[i]);
	}
	return ret ? ret : frpc_sim_live(inst, 1);
}

void frpc_sim_remove(const char *inst)
{
	char p[PATH_MAX];

	frpc_sim_live(inst, 0);
	snprintf(p, sizeof(p), FRPC_SIM_CFG "/%s", inst);
	rmdir(p);
}

int frpc_open_online(const char *domain, int privileged)
{
	struct drm_fastrpc_device_info info;
	int i, fd = -ENOENT;

	for (i = 0; i < 200; i++) {
		fd = privileged ?
		     frpc_open_domain_privileged(domain, &info, NULL, 0) :
		     frpc_open_domain(domain, &info, NULL, 0);
		if (fd >= 0 && (info.flags & DRM_FASTRPC_DEVICE_ONLINE))
			return fd;
		if (fd >= 0)
			close(fd);
		usleep(50000);
	}
	return fd >= 0 ? -ETIMEDOUT : fd;
}

int frpc_gem_create(int fd, uint64_t size, uint32_t *handle)
{
	struct drm_fastrpc_gem_create c = { .size = size };
	int ret;

	ret = frpc_ioctl(fd, DRM_IOCTL_FASTRPC_GEM_CREATE, &c);
	if (!ret)
		*handle = c.handle;
	return ret;
}

int frpc_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return frpc_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

int frpc_gem_mmap_offset(int fd, uint32_t handle, uint64_t *offset)
{
	struct drm_fastrpc_gem_mmap_offset m = { .handle = handle };
	int ret;

	ret = frpc_ioctl(fd, DRM_IOCTL_FASTRPC_GEM_MMAP_OFFSET, &m);
	if (!ret)
		*offset = m.offset;
	return ret;
}

int frpc_gem_mmap(int fd, uint32_t handle, uint64_t size, void **ptr)
{
	uint64_t off;
	void *p;
	int ret;

	ret = frpc_gem_mmap_offset(fd, handle, &off);
	if (ret)
		return ret;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)off);
	if (p == MAP_FAILED)
		return -errno;
	*ptr = p;
	return 0;
}

int frpc_prime_export(int fd, uint32_t handle, int *dmabuf_fd)
{
	struct drm_prime_handle p = {
		.handle = handle,
		.flags = DRM_CLOEXEC | DRM_RDWR,
		.fd = -1,
	};
	int ret;

	ret = frpc_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);
	if (!ret)
		*dmabuf_fd = p.fd;
	return ret;
}

int frpc_prime_import(int fd, int dmabuf_fd, uint32_t *handle)
{
	struct drm_prime_handle p = { .fd = dmabuf_fd };
	int ret;

	ret = frpc_ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p);
	if (!ret)
		*handle = p.handle;
	return ret;
}

int frpc_map(int fd, uint32_t flags, uint32_t handle, uint64_t offset,
	     uint64_t length, uint64_t *dsp_addr)
{
	struct drm_fastrpc_map m = {
		.flags = flags,
		.handle = handle,
		.offset = offset,
		.length = length,
	};
	int ret;

	ret = frpc_ioctl(fd, DRM_IOCTL_FASTRPC_MAP, &m);
	if (!ret && dsp_addr)
		*dsp_addr = m.dsp_addr;
	return ret;
}

int frpc_unmap(int fd, uint64_t dsp_addr)
{
	struct drm_fastrpc_unmap u = { .dsp_addr = dsp_addr };

	return frpc_ioctl(fd, DRM_IOCTL_FASTRPC_UNMAP, &u);
}

int frpc_dma_heap_alloc(const char *heap, uint64_t size)
{
	struct dma_heap_allocation_data d = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	char path[PATH_MAX];
	int hfd, ret;

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", heap);
	hfd = open(path, O_RDONLY | O_CLOEXEC);
	if (hfd < 0)
		return -errno;
	ret = frpc_ioctl(hfd, DMA_HEAP_IOCTL_ALLOC, &d);
	close(hfd);
	return ret ? ret : (int)d.fd;
}

int frpc_dmabuf_sync(int dmabuf_fd, int end)
{
	struct dma_buf_sync s = {
		.flags = DMA_BUF_SYNC_RW |
			 (end ? DMA_BUF_SYNC_END : DMA_BUF_SYNC_START),
	};

	return frpc_ioctl(dmabuf_fd, DMA_BUF_IOCTL_SYNC, &s);
}

void frpc_sim_path(const char *inst, const char *name, char *path,
		   size_t len)
{
	snprintf(path, len, FRPC_DEBUGFS "/fastrpc_sim/%s/%s", inst, name);
}

uint64_t frpc_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + ts.tv_nsec / 1000;
}

int frpc_open_simtest(const char *domain, uint32_t *simtest)
{
	int fd = frpc_open_domain(domain, NULL, NULL, 0), ret;

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

void frpc_legacy_arg(struct fastrpc_invoke_args *a, const void *ptr,
		     uint64_t len, int fd)
{
	a->ptr = (uintptr_t)ptr;
	a->length = len;
	a->fd = fd;
	a->attr = 0;
}

int frpc_legacy_invoke(int fd, uint32_t handle, uint32_t sc,
		       struct fastrpc_invoke_args *args)
{
	struct fastrpc_invoke inv = {
		.handle = handle,
		.sc = sc,
		.args = (uintptr_t)args,
	};

	return ioctl(fd, FASTRPC_IOCTL_INVOKE, &inv) ? -errno : 0;
}

int frpc_legacy_open_simtest(const char *node, uint32_t *simtest)
{
	struct fastrpc_init_create init = { 0 };
	struct fastrpc_invoke_args a[4];
	struct { uint32_t urilen, dlerrlen; } in;
	struct { int32_t handle, dlerr; } out = { -1, -1 };
	static const char uri[] = FRPC_SIMTEST_URI;
	char errtxt[64] = "";
	int fd, ret;

	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = ioctl(fd, FASTRPC_IOCTL_INIT_CREATE, &init) ? -errno : 0;
	if (!ret) {
		in.urilen = sizeof(uri);
		in.dlerrlen = sizeof(errtxt);
		frpc_legacy_arg(&a[0], &in, sizeof(in), -1);
		frpc_legacy_arg(&a[1], uri, sizeof(uri), -1);
		frpc_legacy_arg(&a[2], &out, sizeof(out), -1);
		frpc_legacy_arg(&a[3], errtxt, sizeof(errtxt), -1);
		ret = frpc_legacy_invoke(fd, FRPC_HANDLE_REMOTECTL1,
					 FRPC_SC(FRPC_REMOTECTL1_OPEN1, 2, 2),
					 a);
	}
	if (!ret && out.dlerr)
		ret = -ENOENT;
	if (ret) {
		close(fd);
		return ret;
	}
	*simtest = out.handle;
	return fd;
}

int frpc_legacy_alloc(int fd, uint64_t size)
{
	struct fastrpc_alloc_dma_buf req = { .fd = -1, .size = size };

	if (ioctl(fd, FASTRPC_IOCTL_ALLOC_DMA_BUFF, &req))
		return -errno;
	return req.fd;
}
