/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * DRM accel UAPI of the FastRPC driver for Qualcomm Hexagon DSPs.
 */
#ifndef _UAPI_DRM_FASTRPC_ACCEL_H_
#define _UAPI_DRM_FASTRPC_ACCEL_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: FastRPC accel UAPI rules
 *
 * - Each DSP domain has an accel device (``/dev/accel/accelN``) and a
 *   privileged one for the platform's daemons. Find the one you want with
 *   %DRM_IOCTL_FASTRPC_QUERY and %DRM_FASTRPC_QUERY_DEVICE_INFO, never by
 *   its minor number.
 * - Each open file is one client. A client creates or attaches to one
 *   process (protection domain, PD) on the DSP with
 *   %DRM_IOCTL_FASTRPC_PROCESS_INIT, and then calls remote methods with
 *   %DRM_IOCTL_FASTRPC_INVOKE. Closing the file releases the process.
 * - Ioctl ids are an append-only enum: new ioctls go at the end; entries are
 *   never re-ordered, replaced or removed.
 * - Structures grow only at the end, and zero in a new field means the
 *   behaviour without it.
 * - Every flags, pad and reserved field is checked: a bit or value the
 *   driver does not know gives -EINVAL.
 * - Pointers are passed as __u64 user addresses. Arrays are passed as a
 *   pointer, a count and the size of one element as userspace knows it.
 * - A DSP that goes away (subsystem restart) leaves the device in place:
 *   calls in flight fail with -EPIPE and new calls with -ENODEV until the
 *   DSP is back, after which a client must re-create its process.
 * - Every ioctl fails with -EFAULT when its argument cannot be read or
 *   written back, with -EINVAL for its number with another direction or
 *   size, and with -ENODEV once the device is removed. Its other errors
 *   are listed with its structure, those of calls to the DSP in "FastRPC
 *   accel DSP calls".
 */

/**
 * DOC: FastRPC accel DSP calls
 *
 * %DRM_IOCTL_FASTRPC_PROCESS_INIT, %DRM_IOCTL_FASTRPC_INVOKE,
 * %DRM_IOCTL_FASTRPC_MAP, %DRM_IOCTL_FASTRPC_UNMAP and the
 * %DRM_FASTRPC_QUERY_DSP_ATTRS query call the DSP and wait for its answer.
 * INVOKE waits for up to &drm_fastrpc_invoke.timeout_ms; the others for up
 * to the driver's ``kernel_timeout_ms`` (10 s by default), PROCESS_INIT, MAP
 * and UNMAP even when the caller is killed. Besides their own errors, they
 * fail with:
 *
 * - -ENODEV: the DSP is offline;
 * - -EPIPE: the DSP went away during the call, or since the file's process
 *   was created (%DRM_FASTRPC_PROCESS_STATE_LOST);
 * - -ECONNRESET: the DSP reported the file's process dead
 *   (%DRM_FASTRPC_PROCESS_STATE_DIED);
 * - -EBUSY: 255 calls are in flight on the DSP's channel;
 * - -ETIMEDOUT: the DSP did not answer in time;
 * - -EINTR: the caller was killed while it waited for the answer (INVOKE
 *   and the query) or for the transport to take the call;
 * - -ENOMEM: out of memory;
 * - the error of the transport (e.g. -EIO) when the call could not be sent;
 * - the errno of the DSP's result ("FastRPC accel DSP results") when the
 *   DSP method fails.
 */

/**
 * DOC: FastRPC accel DSP results
 *
 * A DSP method that fails answers an AEE error code offset by 0x80000400.
 * The call then fails with the errno of this table, and
 * %DRM_IOCTL_FASTRPC_INVOKE reports the raw result in
 * &drm_fastrpc_invoke.dsp_status:
 *
 * ==============  =====================  ============
 * DSP result      AEE name               errno
 * ==============  =====================  ============
 * 0x80000402      ENOMEMORY              -ENOMEM
 * 0x8000040d      EBADSTATE              -EBADFD
 * 0x8000040e      EBADPARM               -EINVAL
 * 0x80000414      EUNSUPPORTED           -EOPNOTSUPP
 * 0x80000416      ERESOURCENOTFOUND      -ENOENT
 * 0x80000427      ENOSUCH                -ENOENT
 * 0x8000042c      EINVHANDLE             -EBADF
 * 0x8000042e      EINTERRUPTED           -EINTR
 * 0x8000043e      ENOSUCHMOD             -ENOENT
 * anything else                          -EREMOTEIO
 * ==============  =====================  ============
 */

/**
 * DOC: FastRPC accel ioctl ids
 *
 * Place new ioctls at the end, don't re-order, don't replace or remove
 * entries.
 */
enum drm_fastrpc_ioctl_id {
	/** @DRM_FASTRPC_QUERY: query device information */
	DRM_FASTRPC_QUERY = 0,

	/** @DRM_FASTRPC_PROCESS_INIT: create or attach to a DSP process */
	DRM_FASTRPC_PROCESS_INIT,

	/** @DRM_FASTRPC_INVOKE: call a method on the DSP */
	DRM_FASTRPC_INVOKE,

	/** @DRM_FASTRPC_GEM_CREATE: create a buffer object */
	DRM_FASTRPC_GEM_CREATE,

	/** @DRM_FASTRPC_GEM_MMAP_OFFSET: get the mmap offset of a buffer object */
	DRM_FASTRPC_GEM_MMAP_OFFSET,

	/** @DRM_FASTRPC_MAP: map a buffer into the DSP process */
	DRM_FASTRPC_MAP,

	/** @DRM_FASTRPC_UNMAP: unmap a buffer from the DSP process */
	DRM_FASTRPC_UNMAP,
};

/* Domain ids, as the FastRPC userspace numbers them */
#define DRM_FASTRPC_DOMAIN_ADSP		0
#define DRM_FASTRPC_DOMAIN_MDSP		1
#define DRM_FASTRPC_DOMAIN_SDSP		2
#define DRM_FASTRPC_DOMAIN_CDSP		3
#define DRM_FASTRPC_DOMAIN_CDSP1	4
#define DRM_FASTRPC_DOMAIN_GDSP0	5
#define DRM_FASTRPC_DOMAIN_GDSP1	6

/** DRM_FASTRPC_DOMAIN_NAME_LEN - size of &drm_fastrpc_device_info.domain */
#define DRM_FASTRPC_DOMAIN_NAME_LEN	16

/** DRM_FASTRPC_DSP_ATTR_COUNT - number of DSP capability attributes */
#define DRM_FASTRPC_DSP_ATTR_COUNT	256

/* Largest &drm_fastrpc_query.size accepted */
#define DRM_FASTRPC_QUERY_MAX_SIZE	65536

/* Query types of &drm_fastrpc_query.type */
/* DRM_FASTRPC_QUERY_DEVICE_INFO: &struct drm_fastrpc_device_info */
#define DRM_FASTRPC_QUERY_DEVICE_INFO	0
/*
 * DRM_FASTRPC_QUERY_DSP_ATTRS: an array of %DRM_FASTRPC_DSP_ATTR_COUNT
 * __u32 capability values reported by the DSP, indexed by attribute id.
 * Entry 0 (domain support) is 1.
 */
#define DRM_FASTRPC_QUERY_DSP_ATTRS	1
/*
 * DRM_FASTRPC_QUERY_PROCESS: &struct drm_fastrpc_process_info, the state of
 * the file's DSP process
 */
#define DRM_FASTRPC_QUERY_PROCESS	2

/**
 * struct drm_fastrpc_query - query information about the device
 *
 * With @pointer 0, only @size is written: the full size of the answer.
 * Otherwise the first @size bytes of the answer are written to @pointer
 * (bytes past the answer's end are zeroed) and @size is set to the full
 * size of the answer.
 *
 * Errors: -EINVAL for an unknown @type or a @size above
 * %DRM_FASTRPC_QUERY_MAX_SIZE, -EFAULT when @pointer is not writable.
 * %DRM_FASTRPC_QUERY_DSP_ATTRS asks the DSP once and keeps its answer; it
 * fails with -EOPNOTSUPP when the DSP does not answer capability queries,
 * -EBUSY when the file has no process and no session is free for the
 * query, and the errors of DSP calls.
 */
struct drm_fastrpc_query {
	/** @type: In. DRM_FASTRPC_QUERY_* */
	__u32 type;

	/** @size: In/Out. Size of the buffer at @pointer, then of the answer */
	__u32 size;

	/** @pointer: In. User address of the answer buffer, or 0 */
	__u64 pointer;
};

/* Flags of &drm_fastrpc_device_info.flags */
/* DRM_FASTRPC_DEVICE_ONLINE: the DSP channel is up */
#define DRM_FASTRPC_DEVICE_ONLINE	(1 << 0)
/* DRM_FASTRPC_DEVICE_SECURE: the channel is a secure domain */
#define DRM_FASTRPC_DEVICE_SECURE	(1 << 1)
/*
 * DRM_FASTRPC_DEVICE_PRIVILEGED: the privileged device of the domain: only
 * its files attach to the root, sensors and audio PDs, use the domain's
 * reserved memory and, on a secure channel, create signed PDs
 * (Documentation/accel/fastrpc/privilege.rst)
 */
#define DRM_FASTRPC_DEVICE_PRIVILEGED	(1 << 2)

/**
 * struct drm_fastrpc_device_info - answer to %DRM_FASTRPC_QUERY_DEVICE_INFO
 */
struct drm_fastrpc_device_info {
	/** @domain: Out. NUL-terminated domain label: "adsp", "cdsp", ... */
	__u8 domain[DRM_FASTRPC_DOMAIN_NAME_LEN];

	/** @domain_id: Out. DRM_FASTRPC_DOMAIN_* */
	__u32 domain_id;

	/** @flags: Out. DRM_FASTRPC_DEVICE_* */
	__u32 flags;

	/** @driver_major: Out. Driver interface major version */
	__u32 driver_major;

	/** @driver_minor: Out. Driver interface minor version */
	__u32 driver_minor;

	/** @protocol_version: Out. Version of the DSP wire protocol spoken */
	__u32 protocol_version;

	/** @num_sessions: Out. Context-bank sessions for processes, 0 offline */
	__u32 num_sessions;
};

/* States of &drm_fastrpc_process_info.state */
/* DRM_FASTRPC_PROCESS_STATE_NONE: no process, PROCESS_INIT not done */
#define DRM_FASTRPC_PROCESS_STATE_NONE		0
/* DRM_FASTRPC_PROCESS_STATE_RUNNING: the process runs on the DSP */
#define DRM_FASTRPC_PROCESS_STATE_RUNNING	1
/*
 * DRM_FASTRPC_PROCESS_STATE_DIED: the DSP reported the process dead (it
 * exited, was killed, or a module faulted); its calls fail with -ECONNRESET
 */
#define DRM_FASTRPC_PROCESS_STATE_DIED		2
/*
 * DRM_FASTRPC_PROCESS_STATE_LOST: the process went with its DSP (a restart
 * or the channel going away); its calls fail with -EPIPE or -ENODEV
 */
#define DRM_FASTRPC_PROCESS_STATE_LOST		3

/**
 * struct drm_fastrpc_process_info - state of the file's DSP process
 *
 * Answer of %DRM_FASTRPC_QUERY_PROCESS. After DIED or LOST, the file may
 * %DRM_IOCTL_FASTRPC_PROCESS_INIT a new process.
 */
struct drm_fastrpc_process_info {
	/** @state: Out. DRM_FASTRPC_PROCESS_STATE_* */
	__u32 state;

	/** @pad: Out. 0 */
	__u32 pad;
};

/* Kinds of &drm_fastrpc_process_init.kind */
/* DRM_FASTRPC_PROCESS_DYNAMIC: create a dynamic user PD from a shell */
#define DRM_FASTRPC_PROCESS_DYNAMIC	0
/* DRM_FASTRPC_PROCESS_ROOT: attach to the root (guest OS) PD */
#define DRM_FASTRPC_PROCESS_ROOT	1
/* DRM_FASTRPC_PROCESS_SENSORS: attach to the sensors PD */
#define DRM_FASTRPC_PROCESS_SENSORS	2
/*
 * DRM_FASTRPC_PROCESS_AUDIO: start, or attach to, the audio PD, a static PD
 * whose heap of %DRM_FASTRPC_AUDIO_HEAP_SIZE bytes comes from the domain's
 * reserved memory when the platform has some
 */
#define DRM_FASTRPC_PROCESS_AUDIO	3

/** DRM_FASTRPC_AUDIO_HEAP_SIZE - heap of the audio PD */
#define DRM_FASTRPC_AUDIO_HEAP_SIZE	(3 * 1024 * 1024)

/* Flags of &drm_fastrpc_process_init.flags */
/* DRM_FASTRPC_PROCESS_UNSIGNED: unsigned PD (dynamic PDs only) */
#define DRM_FASTRPC_PROCESS_UNSIGNED	(1 << 0)
/* DRM_FASTRPC_PROCESS_DEBUG: debug PD (dynamic PDs only) */
#define DRM_FASTRPC_PROCESS_DEBUG	(1 << 1)
#define DRM_FASTRPC_PROCESS_FLAGS	(DRM_FASTRPC_PROCESS_UNSIGNED | \
					 DRM_FASTRPC_PROCESS_DEBUG)

/** DRM_FASTRPC_SHELL_MAX_SIZE - largest shell image accepted */
#define DRM_FASTRPC_SHELL_MAX_SIZE	(2 * 1024 * 1024)

/**
 * struct drm_fastrpc_process_init - create or attach to a DSP process
 *
 * Binds the file to a context-bank session and to a process on the DSP.
 * The root, sensors and audio PDs are only for files of the privileged
 * device (%DRM_FASTRPC_DEVICE_PRIVILEGED); on a secure channel, files of
 * the other device only create unsigned PDs, on domains that run them.
 * The audio PD's heap is allocated once per domain, by its first caller,
 * and kept until the DSP restarts.
 *
 * Errors: -EINVAL for an unknown kind, unknown flags, a non-zero @pad, or
 * flags or a shell for a kind other than dynamic; -E2BIG for a shell above
 * %DRM_FASTRPC_SHELL_MAX_SIZE; -EACCES for a PD the file's device does not
 * make; -EALREADY when the file has a process that is not dead or lost;
 * -EBUSY when no session is free; -EFAULT when the shell is not readable;
 * -EOPNOTSUPP when the audio PD's heap must be given to other virtual
 * machines and cannot be; and the errors of DSP calls.
 */
struct drm_fastrpc_process_init {
	/** @kind: In. DRM_FASTRPC_PROCESS_* */
	__u32 kind;

	/** @flags: In. DRM_FASTRPC_PROCESS_* flags */
	__u32 flags;

	/**
	 * @shell: In. User address of the shell ELF image for a dynamic PD,
	 * or 0. Must be 0 for other kinds.
	 */
	__u64 shell;

	/**
	 * @shell_size: In. Size of the image at @shell, at most
	 * %DRM_FASTRPC_SHELL_MAX_SIZE; 0 lets the DSP use its built-in shell.
	 * Must be 0 for other kinds.
	 */
	__u32 shell_size;

	/** @pad: MBZ. */
	__u32 pad;
};

/*
 * Kinds of buffer (&drm_fastrpc_arg.flags, &drm_fastrpc_map.flags); at most
 * one may be set.
 */
/* DRM_FASTRPC_BUF_GEM: @handle is a GEM handle of this file */
#define DRM_FASTRPC_BUF_GEM		(1 << 0)
/* DRM_FASTRPC_BUF_DMABUF: @handle is a dma-buf file descriptor */
#define DRM_FASTRPC_BUF_DMABUF		(1 << 1)
#define DRM_FASTRPC_BUF_FLAGS		(DRM_FASTRPC_BUF_GEM | \
					 DRM_FASTRPC_BUF_DMABUF)
/*
 * DRM_FASTRPC_MAP_HEAP (&drm_fastrpc_map.flags only): give the range to the
 * DSP process's heap (the protocol's MMAP with ADD_PAGES) rather than map
 * it for DSP code to use (MEM_MAP)
 */
#define DRM_FASTRPC_MAP_HEAP		(1 << 2)
/*
 * DRM_FASTRPC_MAP_REMOTE_HEAP (&drm_fastrpc_map.flags only, alone): give
 * the DSP @length bytes of the domain's reserved memory (the protocol's
 * MMAP with REMOTE_HEAP), as the audio PD asks for; @handle and @offset
 * are 0. UNMAP gives it back.
 */
#define DRM_FASTRPC_MAP_REMOTE_HEAP	(1 << 3)

/**
 * struct drm_fastrpc_arg - one argument of a remote call
 *
 * Without flags, the argument is @length bytes of user memory at @ptr,
 * copied into the call's payload (in-buffers before the call, out-buffers
 * after a successful one).
 *
 * With %DRM_FASTRPC_BUF_GEM or %DRM_FASTRPC_BUF_DMABUF, the argument is the
 * range [@offset, @offset + @length) of the buffer named by @handle. The DSP
 * reads and writes it in place through the file's context bank: nothing is
 * copied. The buffer stays mapped until the DSP has answered, and one named
 * by GEM handle may stay mapped in a bounded per-file cache until its handle
 * is closed. Before the call is sent, it waits (for up to @timeout_ms of
 * &drm_fastrpc_invoke, or 10 s) for the fences other devices added to the
 * buffer's reservation object, and it adds its own until the DSP answers
 * (Documentation/accel/fastrpc/memory.rst).
 *
 * A handle argument (an in-handle or out-handle of the scalars word) always
 * names a buffer this way. The DSP gets {fd, @offset, @length}, fd being
 * @handle as given (the cookie %DRM_IOCTL_FASTRPC_MAP sends for the buffer),
 * and, unless @length is 0, the whole of the buffer's mapping.
 *
 * Errors (of the ioctl that names the buffer): -ENOENT for an unknown GEM
 * handle, -EBADF for a descriptor that is not a dma-buf, -EOVERFLOW for a
 * range that wraps around, -ERANGE for a range past the end of the buffer,
 * -EINVAL for a buffer the context bank cannot see as one contiguous range,
 * -EPIPE when the context bank went away with the DSP, -ENOMEM, or an error
 * of the dma-buf's exporter. A handle argument without a buffer kind gives
 * -EINVAL, with an @offset or @length above 0xffffffff -EOVERFLOW.
 */
struct drm_fastrpc_arg {
	/** @ptr: In. User address of an inline buffer; MBZ for buffers and handles */
	__u64 ptr;

	/** @length: In. Length of the argument in bytes */
	__u64 length;

	/** @flags: In. 0 or one DRM_FASTRPC_BUF_* kind */
	__u32 flags;

	/** @handle: In. GEM handle or dma-buf fd for a buffer; MBZ inline */
	__u32 handle;

	/** @offset: In. Offset into the buffer; MBZ inline */
	__u64 offset;
};

/**
 * DRM_FASTRPC_ARG_MIN_SIZE - smallest &drm_fastrpc_invoke.arg_size accepted,
 * enough for inline arguments (ptr and length of &struct drm_fastrpc_arg)
 */
#define DRM_FASTRPC_ARG_MIN_SIZE	16

/** DRM_FASTRPC_INLINE_MAX - largest total of inline argument bytes */
#define DRM_FASTRPC_INLINE_MAX		(64 * 1024 * 1024)

/**
 * struct drm_fastrpc_invoke - call a method of a module on the DSP
 *
 * @sc is the FastRPC scalars word: method in bits 28:24, the number of
 * in-buffers in bits 23:16, of out-buffers in bits 15:8, of in-handles in
 * bits 7:4 and of out-handles in bits 3:0. @args holds the in-buffers,
 * the out-buffers, the in-handles and the out-handles, in that order
 * (&struct drm_fastrpc_arg). When the DSP method fails, @dsp_status holds
 * its raw result ("FastRPC accel DSP results"); inline out-buffers are then
 * not written, while buffer-object out-arguments may have been changed in
 * place by the DSP.
 *
 * Errors: -EINVAL for a malformed request (non-zero @flags or @pad, bits
 * 31:29 of @sc set, @num_args not matching @sc, @arg_size out of bounds, a
 * malformed argument or non-zero bytes past &struct drm_fastrpc_arg in an
 * entry); -EPERM for handle 1, which is the kernel's; -ENOTCONN before
 * %DRM_IOCTL_FASTRPC_PROCESS_INIT; -EFAULT when @args or an inline
 * argument is not readable or writable user memory; -EOVERFLOW when an
 * inline argument wraps around; -E2BIG when the inline bytes exceed
 * %DRM_FASTRPC_INLINE_MAX; the errors of &struct drm_fastrpc_arg for a
 * buffer; -ETIMEDOUT or -EINTR also when a buffer's fences did not signal
 * in time or the caller was killed waiting for them; -ENOMEM also when the
 * payload does not fit in the caller's memory cgroup; -EAGAIN when the file
 * has ``max_calls_per_client`` calls unfinished; -EBUSY when its abandoned
 * calls (timed out or killed, not answered yet) reach
 * ``max_abandoned_per_client`` or ``max_abandoned_kb_per_client`` (module
 * parameters of the driver); and the errors of DSP calls.
 */
struct drm_fastrpc_invoke {
	/** @handle: In. Remote handle of the module */
	__u32 handle;

	/** @sc: In. Scalars word */
	__u32 sc;

	/** @args: In. User address of an array of &struct drm_fastrpc_arg */
	__u64 args;

	/**
	 * @num_args: In. Number of entries at @args: all the buffers and
	 * handles of @sc
	 */
	__u32 num_args;

	/**
	 * @arg_size: In. Size of one entry at @args, at least
	 * %DRM_FASTRPC_ARG_MIN_SIZE and at most 4096
	 */
	__u32 arg_size;

	/** @timeout_ms: In. Give up after this many ms; 0 waits until done */
	__u32 timeout_ms;

	/** @flags: MBZ. */
	__u32 flags;

	/** @dsp_status: Out. Raw result of the DSP method, 0 on success */
	__u32 dsp_status;

	/** @pad: MBZ. */
	__u32 pad;
};

/** DRM_FASTRPC_GEM_MAX_SIZE - largest buffer object */
#define DRM_FASTRPC_GEM_MAX_SIZE	(1ULL << 31)

/**
 * DRM_FASTRPC_GEM_WC - a write-combined buffer object
 *
 * CPU mappings of the object (mmap() of the accel file or of its dma-buf)
 * are write-combined, not cached. Without the flag the object is cached
 * memory: on a context bank that is not cache-coherent the driver cleans
 * and invalidates, around each call, the pages of the object the call
 * names; a write-combined object needs no such maintenance, which suits
 * buffers that the CPU writes once and the DSP reads, or the reverse.
 */
#define DRM_FASTRPC_GEM_WC		(1 << 0)

/**
 * struct drm_fastrpc_gem_create - create a buffer object
 *
 * The object is zeroed, mapped into the DSP's view of the file's process
 * (its context bank) when a call or %DRM_IOCTL_FASTRPC_MAP first needs it,
 * and freed when its last handle, mapping and dma-buf are gone. It can be
 * exported with ``DRM_IOCTL_PRIME_HANDLE_TO_FD``.
 *
 * Errors: -EINVAL for a @size of 0 or above %DRM_FASTRPC_GEM_MAX_SIZE or
 * unknown @flags, -ENOMEM.
 */
struct drm_fastrpc_gem_create {
	/** @size: In. Size in bytes, rounded up to the page size */
	__u64 size;

	/** @flags: In. 0 for a cached object, or %DRM_FASTRPC_GEM_WC */
	__u32 flags;

	/** @handle: Out. GEM handle of the new object */
	__u32 handle;
};

/**
 * struct drm_fastrpc_gem_mmap_offset - get the mmap offset of an object
 *
 * Objects imported with ``DRM_IOCTL_PRIME_FD_TO_HANDLE`` cannot be mapped
 * through this device: map them through their exporter.
 *
 * Errors: -EINVAL for non-zero @flags or an imported object, -ENOENT for
 * an unknown @handle, -ENOMEM.
 */
struct drm_fastrpc_gem_mmap_offset {
	/** @handle: In. GEM handle */
	__u32 handle;

	/** @flags: MBZ. */
	__u32 flags;

	/** @offset: Out. Offset to pass to mmap() on this file */
	__u64 offset;
};

/**
 * struct drm_fastrpc_map - map a buffer into the DSP process
 *
 * Maps [@offset, @offset + @length) of a buffer object or dma-buf into the
 * address space of the file's DSP process, for DSP code that keeps using it
 * across calls, or, with %DRM_FASTRPC_MAP_HEAP, gives it to the process's
 * heap. The mapping holds the buffer and lasts until
 * %DRM_IOCTL_FASTRPC_UNMAP or until the file's process is released. When
 * the DSP does not answer, the buffer is held until then too.
 *
 * Errors: -EINVAL for unknown @flags, not exactly one buffer kind (without
 * %DRM_FASTRPC_MAP_REMOTE_HEAP), a @length of 0, or an @offset or @length
 * that is not page aligned; -ENOTCONN before
 * %DRM_IOCTL_FASTRPC_PROCESS_INIT; -EINTR when the caller is killed
 * while another MAP or PROCESS_INIT of the file holds it; the errors of
 * &struct drm_fastrpc_arg for the buffer; the errors of DSP calls. With
 * %DRM_FASTRPC_MAP_REMOTE_HEAP: -EINVAL for a non-zero @handle or @offset,
 * -EACCES for a file of a device that is not privileged, -ENODEV when the
 * platform reserves no memory for the DSP, -ENOMEM when it is used up,
 * -EOPNOTSUPP when it must be given to other virtual machines and cannot
 * be.
 */
struct drm_fastrpc_map {
	/**
	 * @flags: In. One DRM_FASTRPC_BUF_* kind (what @handle is), and
	 * optionally %DRM_FASTRPC_MAP_HEAP; or %DRM_FASTRPC_MAP_REMOTE_HEAP
	 */
	__u32 flags;

	/** @handle: In. GEM handle or dma-buf fd */
	__u32 handle;

	/** @offset: In. Page-aligned offset into the buffer */
	__u64 offset;

	/** @length: In. Page-aligned length, not 0 */
	__u64 length;

	/** @dsp_addr: Out. Address of the mapping in the DSP process */
	__u64 dsp_addr;
};

/**
 * struct drm_fastrpc_unmap - unmap a buffer from the DSP process
 *
 * Undoes one %DRM_IOCTL_FASTRPC_MAP. While a call of the file to a module
 * is in flight the DSP may use the mapping, so the unmap is refused; a call
 * whose caller gave up counts until the DSP answers it. Calls to the DSP's
 * system handles (0 and 2 to 9: loader, listener, current_process, log,
 * perf) do not count: they use no mapping, and a listener thread's call
 * waits for as long as the process lives. When the DSP refuses the unmap,
 * the mapping stays.
 *
 * Errors: -EINVAL for non-zero @flags or @pad; -ENOTCONN before
 * %DRM_IOCTL_FASTRPC_PROCESS_INIT; -ENOENT for an address that is not a
 * mapping of the file; -EBUSY while a call of the file to a module is in
 * flight; -EINTR when the caller is killed while a MAP or PROCESS_INIT of
 * the file holds it; and the errors of DSP calls.
 */
struct drm_fastrpc_unmap {
	/** @dsp_addr: In. Address returned by %DRM_IOCTL_FASTRPC_MAP */
	__u64 dsp_addr;

	/** @flags: MBZ. */
	__u32 flags;

	/** @pad: MBZ. */
	__u32 pad;
};

#define DRM_IOCTL_FASTRPC(__access, __id, __type) \
	DRM_IO ## __access(DRM_COMMAND_BASE + DRM_FASTRPC_ ## __id, \
			   struct drm_fastrpc_ ## __type)

#define DRM_IOCTL_FASTRPC_QUERY \
	DRM_IOCTL_FASTRPC(WR, QUERY, query)
#define DRM_IOCTL_FASTRPC_PROCESS_INIT \
	DRM_IOCTL_FASTRPC(W, PROCESS_INIT, process_init)
#define DRM_IOCTL_FASTRPC_INVOKE \
	DRM_IOCTL_FASTRPC(WR, INVOKE, invoke)
#define DRM_IOCTL_FASTRPC_GEM_CREATE \
	DRM_IOCTL_FASTRPC(WR, GEM_CREATE, gem_create)
#define DRM_IOCTL_FASTRPC_GEM_MMAP_OFFSET \
	DRM_IOCTL_FASTRPC(WR, GEM_MMAP_OFFSET, gem_mmap_offset)
#define DRM_IOCTL_FASTRPC_MAP \
	DRM_IOCTL_FASTRPC(WR, MAP, map)
#define DRM_IOCTL_FASTRPC_UNMAP \
	DRM_IOCTL_FASTRPC(W, UNMAP, unmap)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_FASTRPC_ACCEL_H_ */
