/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FastRPC listener: the host side of the DSP calling back
 * (Documentation/accel/fastrpc/reverse.rst).
 *
 * A DSP process asks its host for files, memory and log output through
 * reverse calls. The host answers them from a thread that calls the DSP's
 * listener handle (adsp_listener1 next2, or adsp_listener next2 on a DSP
 * without domains) in a loop: each call carries the answer to the previous
 * reverse call and blocks until the DSP has the next one. To the driver
 * these are ordinary calls that wait. The thread serves:
 *
 *   apps_remotectl  reverse handle 0: open (by name) and close the others
 *   apps_std        fopen_with_env, fopen, fread, flen, fseek, ftell,
 *                   rewind, fclose: read-only files of the library search
 *                   path, e.g. lib<name>_skel.so for the DSP's loader
 *   apps_mem        request_map64, request_unmap64: heap memory given to
 *                   the DSP process with a forward map call
 *   adspmsgd_apps   log: FARF messages, kept in a ring and passed to a
 *                   callback
 *
 * It works on both faces of the driver: an accel file (/dev/accel/accelN,
 * include/uapi/drm/fastrpc_accel.h) or a legacy one (/dev/fastrpc-*,
 * include/uapi/misc/fastrpc.h), with a process created on it. Everything
 * the DSP sends is untrusted and bounded (lengths, open files, handles,
 * mappings, buffer growth).
 *
 * Functions return 0 or a negative errno unless documented otherwise.
 */
#ifndef FASTRPC_LISTENER_H
#define FASTRPC_LISTENER_H

#include <stddef.h>
#include <stdint.h>

#include "fastrpc_util.h"

/* Which UAPI a file descriptor speaks */
enum frpc_face {
	FRPC_FACE_ACCEL,	/* /dev/accel/accelN */
	FRPC_FACE_LEGACY,	/* /dev/fastrpc-<domain>[-secure] */
};

/* Parts of the scalars word */
#define FRPC_SC_METHOD(sc)		(((sc) >> 24) & 0x1f)
#define FRPC_SC_NIN(sc)			(((sc) >> 16) & 0xff)
#define FRPC_SC_NOUT(sc)		(((sc) >> 8) & 0xff)
static inline uint32_t frpc_sc_nhandles(uint32_t sc)
{
	return ((sc >> 4) & 0xf) + (sc & 0xf);
}

/* Static handles of the reverse-call machinery */
#define FRPC_HANDLE_LISTENER		3	/* adsp_listener (no domains) */
#define FRPC_HANDLE_LISTENER1		7	/* adsp_listener1 */

/* adsp_listener1 (handle 7) and adsp_listener (handle 3) methods */
#define FRPC_LISTENER1_INIT2		5	/* sc 0x05000000 */
#define FRPC_LISTENER1_NEXT2		6	/* sc 0x06020200 */
#define FRPC_LISTENER1_GET_IN_BUFS2	7	/* sc 0x07010200 */
#define FRPC_LISTENER_INIT2		3
#define FRPC_LISTENER_NEXT2		4
#define FRPC_LISTENER_GET_IN_BUFS2	5

/* adsp_current_process1 (handle 4) methods */
#define FRPC_CURRENT_PROCESS_EXIT	2	/* sc 0x02000000 */
#define FRPC_CURRENT_PROCESS_THREAD_EXIT 3	/* sc 0x03000000 */
#define FRPC_CURRENT_PROCESS_SET_LOGGING 4	/* sc 0x04020000 */

/*
 * Methods of the simulator's simtest module that call the host back
 * (Documentation/accel/fastrpc/sim.rst)
 */
/* in0 {u64 len}, out0 {u64 dsp_addr}: heap from the host (apps_mem) */
#define FRPC_SIMTEST_GROW		12	/* sc 0x0C010100 */
/* in0 {u32 level; u32 len}, in1 message: FARF, sent asynchronously */
#define FRPC_SIMTEST_FARF		13	/* sc 0x0D020000 */

/* Further DSP results (AEE codes, see FRPC_DSP_ERR()) */
#define FRPC_AEE_EINTERRUPTED		46	/* plain, no offset */
#define FRPC_AEE_ERPC			0x200

/* The host modules, in the order of frpc_listener_stats.served[] */
enum frpc_listener_module {
	FRPC_LISTENER_REMOTECTL,	/* apps_remotectl, reverse handle 0 */
	FRPC_LISTENER_STD,		/* apps_std */
	FRPC_LISTENER_MEM,		/* apps_mem */
	FRPC_LISTENER_MSGD,		/* adspmsgd_apps */
	FRPC_LISTENER_NR_MODULES,
};

/* FARF levels (adspmsgd_apps) */
#define FRPC_FARF_LOW			0
#define FRPC_FARF_MEDIUM		1
#define FRPC_FARF_HIGH			2
#define FRPC_FARF_ERROR			3
#define FRPC_FARF_FATAL			4

/* Bits of the set_logging_params mask */
#define FRPC_FARF_MASK_LOW		0x1
#define FRPC_FARF_MASK_MEDIUM		0x2

/* One FARF message of the DSP, NUL-terminated strings */
struct frpc_farf {
	uint32_t level;		/* FRPC_FARF_* (the DSP's value, unchecked) */
	uint32_t line;
	uint32_t thread_id;
	char file[32];
	char msg[224];		/* without a trailing newline */
};

/* Defaults and bounds of struct frpc_listener_opts */
#define FRPC_LISTENER_DEFAULT_PATH	";/usr/lib/rfsa/adsp;/usr/lib/dsp"
#define FRPC_LISTENER_MAX_BUF		(4u * 1024 * 1024)
#define FRPC_LISTENER_MAX_HEAP		(256ull * 1024 * 1024)
#define FRPC_LISTENER_FARF_RING		64
#define FRPC_LISTENER_FARF_RING_MAX	4096
#define FRPC_LISTENER_STOP_TIMEOUT_MS	5000
#define FRPC_LISTENER_MAX_FILES		16
#define FRPC_LISTENER_MAX_HANDLES	32
#define FRPC_LISTENER_MAX_MAPS		64

/* Options of frpc_listener_start(); all zero gives the defaults */
struct frpc_listener_opts {
	/*
	 * Library search path, directories separated by ';' (an empty entry
	 * is the current directory). NULL: $ADSP_LIBRARY_PATH when apps_std
	 * looks a file up, or FRPC_LISTENER_DEFAULT_PATH when it is unset.
	 * Each directory is tried as <dir>/<subsys>/<name>, then <dir>/<name>.
	 */
	const char *lib_path;
	/*
	 * Subsystem directory name ("cdsp"); NULL: the accel device's domain
	 * label, none on the legacy face.
	 */
	const char *subsys;
	/*
	 * Called on the listener thread for each FARF message, or NULL. It
	 * must not stop or free the listener.
	 */
	void (*farf)(void *arg, const struct frpc_farf *msg);
	void *farf_arg;
	/*
	 * FARF messages kept for frpc_listener_farf_read() (0: the default
	 * FRPC_LISTENER_FARF_RING; at most FRPC_LISTENER_FARF_RING_MAX); when
	 * full, the oldest is dropped.
	 */
	unsigned int farf_ring;
	/* Largest request or reply in bytes (0: FRPC_LISTENER_MAX_BUF) */
	uint32_t max_buf;
	/* Heap bytes the DSP may hold through apps_mem (0: the default) */
	uint64_t max_heap;
	/* How long frpc_listener_stop() waits for the thread (0: default) */
	unsigned int stop_timeout_ms;
	/* Skip adsp_listener1: use handle 3 from the start */
	int no_domains;
};

/* What a listener did so far (frpc_listener_stats()) */
struct frpc_listener_stats {
	uint64_t next2_calls;		/* next2 calls made */
	uint64_t get_in_bufs;		/* get_in_bufs2 calls made */
	/* Reverse calls answered with 0, and with an error, per module */
	uint64_t served[FRPC_LISTENER_NR_MODULES];
	uint64_t failed[FRPC_LISTENER_NR_MODULES];
	/* Reverse calls to a handle that is not open */
	uint64_t unknown_handle;
	uint64_t files_opened;		/* apps_std opens that found a file */
	uint64_t bytes_read;		/* apps_std fread bytes */
	uint64_t maps;			/* apps_mem maps done */
	uint64_t unmaps;		/* apps_mem unmaps done */
	uint64_t last_map_vadsp;	/* DSP address of the last map */
	uint64_t heap_bytes;		/* bytes mapped for the DSP now */
	uint64_t farf_msgs;		/* FARF messages received */
	uint64_t farf_dropped;		/* dropped from the full ring */
	uint32_t handle;		/* listener handle used: 7 or 3 */
	int running;			/* the thread has not ended */
	/*
	 * Why the thread ended: the DSP result of the last next2
	 * (FRPC_DSP_ERR(FRPC_AEE_EBADSTATE) after current_process exit),
	 * or a negative errno of the driver. 0 while it runs.
	 */
	int64_t exit_status;
};

struct frpc_listener;

/*
 * frpc_listener_start() - start a listener thread on @fd, a file of @face
 * with a process. Returns once the DSP answered init2: 0 and *@out, the
 * errno of the driver, -ENOTSUP when the DSP has no listener (both init2
 * refused), -ENOMEM or the error of pthread_create().
 */
int frpc_listener_start(int fd, enum frpc_face face,
			const struct frpc_listener_opts *opts,
			struct frpc_listener **out);
/*
 * frpc_listener_stop() - send current_process exit (which makes the DSP
 * answer the waiting next2 with EBADSTATE), wait for the thread and free
 * the listener. Returns 0, the error of the exit call (-EREMOTEIO when the
 * DSP failed it) or -ETIMEDOUT when the thread did not end in time (it is
 * then left to end and free itself). NULL is ignored.
 */
int frpc_listener_stop(struct frpc_listener *l);
/* Wait up to @timeout_ms for the thread to end: 0 or -ETIMEDOUT */
int frpc_listener_wait(struct frpc_listener *l, unsigned int timeout_ms);
/*
 * frpc_listener_free() - free a listener without telling the DSP: at once
 * when its thread has ended, else when it ends. NULL is ignored.
 */
void frpc_listener_free(struct frpc_listener *l);
/* A snapshot of the listener's counters */
void frpc_listener_stats(struct frpc_listener *l,
			 struct frpc_listener_stats *st);
/*
 * frpc_listener_farf_read() - take the oldest FARF message from the ring,
 * waiting up to @timeout_ms for one: 0, or -EAGAIN when none came.
 */
int frpc_listener_farf_read(struct frpc_listener *l, struct frpc_farf *msg,
			    unsigned int timeout_ms);

/*
 * For tests: a listener that has no thread, whose frpc_listener_serve()
 * answers requests given by hand. Free it with frpc_listener_free().
 */
int frpc_listener_create(int fd, enum frpc_face face,
			 const struct frpc_listener_opts *opts,
			 struct frpc_listener **out);
/*
 * frpc_listener_serve() - serve one reverse call: @handle and @sc as next2
 * gave them, @req[@len] the packed in-buffers and out-lengths. Returns the
 * result to send back (0, or a host AEE code or errno value); on 0, *@reply
 * and *@reply_len are the packed out-buffers, valid until the next call.
 * Must not run beside the listener's own thread.
 */
uint32_t frpc_listener_serve(struct frpc_listener *l, uint32_t handle,
			     uint32_t sc, const void *req, uint32_t len,
			     const void **reply, uint32_t *reply_len);

/* At most this many buffers in frpc_face_invoke() */
#define FRPC_FACE_MAX_BUFS		16

/*
 * frpc_face_invoke() - call @handle with scalars @sc (no handle
 * arguments) on either face: @bufs holds the in-buffers, then the
 * out-buffers. Returns 0 once the DSP answered, its result in
 * *@dsp_status, or a negative errno when the driver failed the call.
 */
int frpc_face_invoke(int fd, enum frpc_face face, uint32_t handle,
		     uint32_t sc, const struct frpc_buf *bufs,
		     uint32_t *dsp_status);
/* current_process exit, thread_exit and set_logging_params (no files) */
int frpc_current_process_exit(int fd, enum frpc_face face,
			      uint32_t *dsp_status);
int frpc_current_process_thread_exit(int fd, enum frpc_face face,
				     uint32_t *dsp_status);
int frpc_set_logging_params(int fd, enum frpc_face face, uint16_t mask,
			    uint32_t *dsp_status);
/* Name of a listener module ("apps_std", ...) */
const char *frpc_listener_module_name(enum frpc_listener_module mod);
/* "LOW", "MEDIUM", ... or "?" */
const char *frpc_farf_level_name(uint32_t level);

#endif /* FASTRPC_LISTENER_H */
