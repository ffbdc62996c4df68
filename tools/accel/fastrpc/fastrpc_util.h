/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helper library for the FastRPC accel UAPI (include/uapi/drm/
 * fastrpc_accel.h), shared by fastrpc_demo and the kselftests.
 *
 * Every function returns 0 (or a non-negative value where documented) on
 * success and a negative errno on failure. Nothing here keeps state.
 */
#ifndef FASTRPC_UTIL_H
#define FASTRPC_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <drm/fastrpc_accel.h>

/*
 * Scalars word: attr[31:29] method[28:24] inbufs[23:16] outbufs[15:8]
 * inhandles[7:4] outhandles[3:0] (the wire format, defined here because
 * userspace does not include the kernel's fastrpc_proto.h).
 */
#define FRPC_SC(method, in, out) \
	((((uint32_t)(method) & 0x1f) << 24) | \
	 (((uint32_t)(in) & 0xff) << 16) | \
	 (((uint32_t)(out) & 0xff) << 8))
#define FRPC_SC_HANDLES(inh, outh) \
	((((uint32_t)(inh) & 0xf) << 4) | ((uint32_t)(outh) & 0xf))

/* Static remote handles */
#define FRPC_HANDLE_REMOTECTL		0
#define FRPC_HANDLE_INIT		1	/* kernel only */
#define FRPC_HANDLE_DSP_UTILS		2
#define FRPC_HANDLE_CURRENT_PROCESS	4
#define FRPC_HANDLE_REMOTECTL1		8

/* remotectl1 methods */
#define FRPC_REMOTECTL1_OPEN1		2	/* sc 0x02020200 */
#define FRPC_REMOTECTL1_CLOSE1		3	/* sc 0x03010200 */

/* DSP result codes: AEE error numbers offset by 0x80000400 */
#define FRPC_DSP_ERR(aee)		(0x80000400u + (aee))
#define FRPC_AEE_ENOMEMORY		0x02
#define FRPC_AEE_EBADSTATE		0x0d
#define FRPC_AEE_EBADPARM		0x0e
#define FRPC_AEE_EUNSUPPORTED		0x14
#define FRPC_AEE_EINVHANDLE		0x2c
#define FRPC_AEE_ENOSUCHMOD		0x3e

/* Built-in modules of the simulated DSP (and of the Hexagon SDK) */
#define FRPC_CALCULATOR_URI \
	"file:///libcalculator_skel.so?calculator_skel_handle_invoke&_modver=1.0&_dom=cdsp"
#define FRPC_SIMTEST_URI \
	"file:///libsimtest_skel.so?simtest_skel_handle_invoke"

#define FRPC_CALC_SUM			2	/* sc 0x02020100 */
#define FRPC_CALC_MAX			3	/* sc 0x03020100 */

#define FRPC_SIMTEST_ECHO		2	/* k in, k out */
#define FRPC_SIMTEST_SLEEP		3	/* in0 u32 ms */
#define FRPC_SIMTEST_ERROR		4	/* in0 u32 retval */
#define FRPC_SIMTEST_FILL		5	/* in0 u32 pattern, out0 */
#define FRPC_SIMTEST_TOUCH		6	/* k in, k out; first/last bytes */
#define FRPC_SIMTEST_WRITE_AT		7	/* in0 struct frpc_sim_write_at */
#define FRPC_SIMTEST_READ_AT		8	/* in0 struct frpc_sim_read_at, out0 */
#define FRPC_SIMTEST_READ_IOVA		9	/* in0 struct frpc_sim_read_iova, out0 */
/*
 * k in, k + 1 out, any handles: out0 receives a struct frpc_sim_handle_rec
 * per handle argument; in-handle j is copied to out-handle j (the shorter
 * length), in-buffer j to out-buffer j + 1.
 */
#define FRPC_SIMTEST_HANDLES		10
/* no arguments: an exception in the module, the calling PD dies */
#define FRPC_SIMTEST_CRASH		11

/* in0 of simtest write_at: fill [dsp_addr, +len) of a DSP mapping */
struct frpc_sim_write_at {
	uint64_t dsp_addr;
	uint64_t len;
	uint32_t pattern;
	uint32_t pad;
};

/* in0 of simtest read_at: out0 receives [dsp_addr, +len) */
struct frpc_sim_read_at {
	uint64_t dsp_addr;
	uint64_t len;
};

/* in0 of simtest read_iova: out0 receives [iova, +len) of the context bank */
struct frpc_sim_read_iova {
	uint64_t iova;
	uint64_t len;
};

/* What simtest handles saw of one handle argument (rpra[i].dma, list[i]) */
struct frpc_sim_handle_rec {
	int32_t fd;		/* the fd (cookie) the driver sent */
	uint32_t offset;
	uint32_t len;
	uint32_t mapped;	/* 1: the driver described its memory */
};

#define FRPC_ACCEL_DIR			"/dev/accel"
#define FRPC_DEBUGFS			"/sys/kernel/debug"

/* One buffer argument of frpc_invoke() */
struct frpc_buf {
	void *ptr;
	uint64_t len;
};

/*
 * frpc_open_domain() - open the ordinary accel device whose DEVICE_INFO
 * domain label equals @domain ("cdsp", "adsp", ...). Scans
 * /dev/accel/accel*; never relies on the minor number. @info and @path (may
 * be NULL) receive the device's info and node path. Returns the file
 * descriptor, -ENOENT when no device has that label, -EACCES when none
 * matched and one could not be opened for lack of permission, or another
 * negative errno.
 */
int frpc_open_domain(const char *domain, struct drm_fastrpc_device_info *info,
		     char *path, size_t pathlen);
/*
 * frpc_open_domain_privileged() - the same for the domain's privileged
 * device (DRM_FASTRPC_DEVICE_PRIVILEGED), which attaches to the root PD.
 */
int frpc_open_domain_privileged(const char *domain,
				struct drm_fastrpc_device_info *info,
				char *path, size_t pathlen);

/* Minor number of the accel node behind @fd (the debugfs directory name) */
int frpc_accel_minor(int fd);

/*
 * frpc_query() - DRM_IOCTL_FASTRPC_QUERY. On input *@size is the size of
 * @buf (which may be NULL for a size-only query); on return it is the full
 * size of the answer.
 */
int frpc_query(int fd, uint32_t type, void *buf, uint32_t *size);
int frpc_device_info(int fd, struct drm_fastrpc_device_info *info);
/* Fill attrs[DRM_FASTRPC_DSP_ATTR_COUNT] */
int frpc_dsp_attrs(int fd, uint32_t *attrs);

/* DRM_IOCTL_FASTRPC_PROCESS_INIT with no shell image */
int frpc_process_init(int fd, uint32_t kind, uint32_t flags);

/*
 * frpc_invoke() - call @method of @handle with @nin in-buffers and @nout
 * out-buffers (the sc word is built here). @dsp_status (may be NULL)
 * receives the raw DSP result.
 */
int frpc_invoke(int fd, uint32_t handle, uint32_t method,
		const struct frpc_buf *in, unsigned int nin,
		const struct frpc_buf *out, unsigned int nout,
		uint32_t timeout_ms, uint32_t *dsp_status);

/* Raw DRM_IOCTL_FASTRPC_INVOKE: returns 0 or -errno */
int frpc_invoke_raw(int fd, struct drm_fastrpc_invoke *inv);

/*
 * frpc_remotectl_open() - remotectl1 open1 (handle 8) of the module named
 * by @uri. Returns the ioctl's result; on 0, *@handle and *@dlerr hold the
 * DSP's answer (the module is open only when *@dlerr is 0) and @errbuf (may
 * be NULL) the DSP's error text, NUL terminated.
 */
int frpc_remotectl_open(int fd, const char *uri, uint32_t *handle,
			int32_t *dlerr, char *errbuf, size_t errlen);
/* Same, but fails with -ENOENT when the DSP reports a load error */
int frpc_module_open(int fd, const char *uri, uint32_t *handle);
/* remotectl1 close1 (handle 8); *@dlerr (may be NULL) gets the DSP result */
int frpc_remotectl_close(int fd, uint32_t handle, int32_t *dlerr,
			 char *errbuf, size_t errlen);

/* calculator sum (s64) and max (s32) of @n values */
int frpc_calc_sum(int fd, uint32_t handle, const int32_t *vec, uint32_t n,
		  int64_t *result);
int frpc_calc_max(int fd, uint32_t handle, const int32_t *vec, uint32_t n,
		  int32_t *result);

/*
 * frpc_read_counter() - read "name value" or a bare number from a debugfs
 * file. With @name NULL the file holds one number. Returns -ENOENT when
 * the file or the name does not exist.
 */
int frpc_read_counter(const char *file, const char *name, uint64_t *value);
/* Driver counter @name of the device behind @fd */
int frpc_drv_counter(int fd, const char *name, uint64_t *value);
/* Simulator counter @name of instance @inst ("cdsp0") */
int frpc_sim_counter(const char *inst, const char *name, uint64_t *value);
/* Write @value to simulator fault knob @knob of instance @inst */
int frpc_sim_knob(const char *inst, const char *knob, unsigned int value);

/* Write the string @val to the file @path (sysfs, configfs): 0 or -errno */
int frpc_write_str(const char *path, const char *val);
/* Start (@live 1) or stop (0) simulator instance @inst (configfs "live") */
int frpc_sim_live(const char *inst, int live);
/*
 * frpc_sim_create() - create simulator instance @inst in configfs for domain
 * @label, with @sessions context banks of one session each, on a secure
 * channel or not, and start it. frpc_sim_remove() stops and removes it.
 */
int frpc_sim_create(const char *inst, const char *label,
		    unsigned int sessions, int secure);
void frpc_sim_remove(const char *inst);
/*
 * frpc_open_online() - frpc_open_domain(), or frpc_open_domain_privileged()
 * with @privileged, once the device is online (up to 10 s): the fd,
 * -ETIMEDOUT, or the error of the open.
 */
int frpc_open_online(const char *domain, int privileged);

/*
 * Buffer objects, PRIME and DSP mappings (Documentation/accel/fastrpc/
 * memory.rst).
 */

/* DRM_IOCTL_FASTRPC_GEM_CREATE: *@handle receives the new object */
int frpc_gem_create(int fd, uint64_t size, uint32_t *handle);
/* DRM_IOCTL_GEM_CLOSE */
int frpc_gem_close(int fd, uint32_t handle);
/* DRM_IOCTL_FASTRPC_GEM_MMAP_OFFSET */
int frpc_gem_mmap_offset(int fd, uint32_t handle, uint64_t *offset);
/*
 * frpc_gem_mmap() - map @size bytes of object @handle shared, read/write.
 * Returns 0 and *@ptr, or a negative errno.
 */
int frpc_gem_mmap(int fd, uint32_t handle, uint64_t size, void **ptr);
/* DRM_IOCTL_PRIME_HANDLE_TO_FD (O_RDWR | O_CLOEXEC): *@dmabuf_fd */
int frpc_prime_export(int fd, uint32_t handle, int *dmabuf_fd);
/* DRM_IOCTL_PRIME_FD_TO_HANDLE: *@handle */
int frpc_prime_import(int fd, int dmabuf_fd, uint32_t *handle);
/* DRM_IOCTL_FASTRPC_MAP of [@offset, +@length): *@dsp_addr */
int frpc_map(int fd, uint32_t flags, uint32_t handle, uint64_t offset,
	     uint64_t length, uint64_t *dsp_addr);
/* DRM_IOCTL_FASTRPC_UNMAP */
int frpc_unmap(int fd, uint64_t dsp_addr);
/*
 * frpc_dma_heap_alloc() - allocate @size bytes from /dev/dma_heap/<heap>
 * ("system"). Returns the dma-buf fd or a negative errno (-ENOENT without
 * the heap).
 */
int frpc_dma_heap_alloc(const char *heap, uint64_t size);

/*
 * An accel file of @domain with a dynamic unsigned PD and the simulator's
 * test module open (*@simtest): the fd, or a negative errno.
 */
int frpc_open_simtest(const char *domain, uint32_t *simtest);

/* Legacy UAPI (include/uapi/misc/fastrpc.h) */
struct fastrpc_invoke_args;
/* Fill one legacy argument: @len bytes at @ptr, dma-buf @fd or -1 */
void frpc_legacy_arg(struct fastrpc_invoke_args *a, const void *ptr,
		     uint64_t len, int fd);
/* FASTRPC_IOCTL_INVOKE: 0 or a negative errno */
int frpc_legacy_invoke(int fd, uint32_t handle, uint32_t sc,
		       struct fastrpc_invoke_args *args);
/*
 * A legacy file of @node with a dynamic PD (INIT_CREATE) and the test
 * module open (*@simtest): the fd, or a negative errno.
 */
int frpc_legacy_open_simtest(const char *node, uint32_t *simtest);
/* FASTRPC_IOCTL_ALLOC_DMA_BUFF: the dma-buf fd, or a negative errno */
int frpc_legacy_alloc(int fd, uint64_t size);
/* DMA_BUF_IOCTL_SYNC start (@end false) or end of a CPU access, read+write */
int frpc_dmabuf_sync(int dmabuf_fd, int end);

/* Build one argument of frpc_invoke_args() */
static inline struct drm_fastrpc_arg frpc_arg_inline(void *ptr, uint64_t len)
{
	struct drm_fastrpc_arg a = { .ptr = (uintptr_t)ptr, .length = len };

	return a;
}

static inline struct drm_fastrpc_arg frpc_arg_gem(uint32_t handle,
						  uint64_t offset,
						  uint64_t len)
{
	struct drm_fastrpc_arg a = {
		.length = len, .flags = DRM_FASTRPC_BUF_GEM,
		.handle = handle, .offset = offset,
	};

	return a;
}

static inline struct drm_fastrpc_arg frpc_arg_dmabuf(int dmabuf_fd,
						     uint64_t offset,
						     uint64_t len)
{
	struct drm_fastrpc_arg a = {
		.length = len, .flags = DRM_FASTRPC_BUF_DMABUF,
		.handle = (uint32_t)dmabuf_fd, .offset = offset,
	};

	return a;
}

/*
 * frpc_invoke_args() - like frpc_invoke() with arguments that may be
 * inline or buffers: @in[@nin] then @out[@nout].
 */
int frpc_invoke_args(int fd, uint32_t handle, uint32_t method,
		     const struct drm_fastrpc_arg *in, unsigned int nin,
		     const struct drm_fastrpc_arg *out, unsigned int nout,
		     uint32_t timeout_ms, uint32_t *dsp_status);

/*
 * frpc_sim_path() - path of simulator debugfs file @name of instance @inst.
 */
void frpc_sim_path(const char *inst, const char *name, char *path,
		   size_t len);

/* Microseconds of CLOCK_MONOTONIC */
uint64_t frpc_now_us(void);

#endif /* FASTRPC_UTIL_H */
