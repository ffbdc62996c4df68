// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP: the DSP calling back (reverse RPC).
 *
 * A host process serves its PD from a listener thread: it calls
 * adsp_listener1 next2 (handle 7; adsp_listener, handle 3, without
 * domains), which the DSP does not answer until it has a reverse request
 * for the PD; the answer carries the request (a handle of the host, a
 * scalars word and the packed arguments), and the thread's next next2
 * carries its result. Every layout is that of the FastRPC user library:
 * the listener stubs, listener_buf.h for the packing, and the skeletons of
 * the host's modules apps_remotectl, apps_std, apps_mem and adspmsgd_apps.
 *
 * The DSP asks the host for three things, each a job of the PD: to load a
 * module from a file of the host (loader "host"), to give its heap more
 * memory (simtest grow), and to print FARF log messages (simtest farf).
 * A job is a sequence of reverse calls; the jobs of a PD run one at a time,
 * in order. A forward call that waits for its job is parked: it gets no
 * reply and holds nothing, and once the job is done it is handled again
 * from the start and finds the job's outcome (fastrpc_sim_dsp_resume()).
 * A parked next2 is handled again in the same way when a reverse request
 * comes. The host's answers are untrusted: one that does not parse fails
 * its reverse call, and is counted.
 *
 * Everything here runs under fastrpc_sim_dsp.pd_lock, in the handlers.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/align.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/elf.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/unaligned.h>

#include "fastrpc_proto.h"
#include "fastrpc_sim.h"

#define FASTRPC_SIM_EBADPARM	FASTRPC_DSP_ERR(FASTRPC_AEE_EBADPARM)
#define FASTRPC_SIM_EBADSTATE	FASTRPC_DSP_ERR(FASTRPC_AEE_EBADSTATE)
#define FASTRPC_SIM_ENOMEMORY	FASTRPC_DSP_ERR(FASTRPC_AEE_ENOMEMORY)
#define FASTRPC_SIM_EUNSUPPORTED FASTRPC_DSP_ERR(FASTRPC_AEE_EUNSUPPORTED)

/* adsp_listener (handle 3) and adsp_listener1 (handle 7) methods */
#define FASTRPC_SIM_LISTENER_INIT2		3
#define FASTRPC_SIM_LISTENER_NEXT2		4
#define FASTRPC_SIM_LISTENER_GET_IN_BUFS2	5
#define FASTRPC_SIM_LISTENER1_INIT2		5
#define FASTRPC_SIM_LISTENER1_NEXT2		6
#define FASTRPC_SIM_LISTENER1_GET_IN_BUFS2	7

/* adsp_current_process1 (handle 4) methods */
#define FASTRPC_SIM_CP_EXIT			2
#define FASTRPC_SIM_CP_THREAD_EXIT		3
#define FASTRPC_SIM_CP_SET_LOGGING_PARAMS	4
#define FASTRPC_SIM_CP_SET_LOGGING_PARAMS2	8

/* The host's modules: apps_remotectl has the constant reverse handle 0 */
#define FASTRPC_SIM_APPS_REMOTECTL		0
#define FASTRPC_SIM_REMOTECTL_OPEN		0
#define FASTRPC_SIM_STD_FCLOSE			3
#define FASTRPC_SIM_STD_FREAD			4
#define FASTRPC_SIM_STD_FLEN			10
#define FASTRPC_SIM_STD_FOPEN_WITH_ENV		19
#define FASTRPC_SIM_MEM_REQUEST_MAP64		2
#define FASTRPC_SIM_MSGD_LOG			0

/* apps_remotectl open: room for the host's dlerror text */
#define FASTRPC_SIM_DLERR_LEN			64
/* apps_mem request_map64: rpcmem's default heap; unused for ADD_PAGES */
#define FASTRPC_SIM_MEM_HEAPID			(-1)
/* simtest grow: largest request, and what the DSP writes in the new heap */
#define FASTRPC_SIM_GROW_MAX			SZ_64M
#define FASTRPC_SIM_GROW_PATTERN		0x67726f77	/* "worg" */

/* FARF levels (adspmsgd_apps_Level) */
#define FASTRPC_SIM_FARF_LOW			0
#define FASTRPC_SIM_FARF_MEDIUM			1
#define FASTRPC_SIM_FARF_HIGH			2
#define FASTRPC_SIM_FARF_FATAL			4
/* Messages kept for the host, and sent in one adspmsgd_apps log */
#define FASTRPC_SIM_FARF_QUEUE			64
#define FASTRPC_SIM_FARF_BATCH			16
#define FASTRPC_SIM_FARF_FILE_LEN		30
#define FASTRPC_SIM_FARF_STR_LEN		218
#define FASTRPC_SIM_FARF_FILE			"simtest.c"

#define FASTRPC_SIM_REV_MAX_IN			5
#define FASTRPC_SIM_REV_MAX_OUT			2
/* listener_buf.h: each in-buffer's data, if any, starts 8-byte aligned */
#define FASTRPC_SIM_REV_ALIGN			8

/**
 * struct fastrpc_sim_farf_node - one message of adspmsgd_apps log
 * @level: FARF level, 0 LOW to 4 FATAL
 * @line: the message's number in its PD, from 1 (wraps)
 * @thread_id: low 16 bits of the host thread id of the farf call
 * @str: the message, NUL-terminated
 * @file: the source file, NUL-terminated
 *
 * The LogNode of the user library's adspmsgd_printf.c: packed, 256 bytes.
 */
struct fastrpc_sim_farf_node {
	__le32 level;
	__le16 line;
	__le16 thread_id;
	char str[FASTRPC_SIM_FARF_STR_LEN];
	char file[FASTRPC_SIM_FARF_FILE_LEN];
} __packed;

static_assert(sizeof(struct fastrpc_sim_farf_node) == 256);

/**
 * struct fastrpc_sim_farf - a FARF message waiting for the host
 * @node: entry of fastrpc_sim_rev.farf
 * @msg: the message, as sent
 */
struct fastrpc_sim_farf {
	struct list_head node;
	struct fastrpc_sim_farf_node msg;
};

/**
 * enum fastrpc_sim_listener - is a host thread serving the PD?
 * @FASTRPC_SIM_LISTENER_NONE: no: init2 was never called
 * @FASTRPC_SIM_LISTENER_UP: yes, since init2
 * @FASTRPC_SIM_LISTENER_GONE: no more: current_process exit
 */
enum fastrpc_sim_listener {
	FASTRPC_SIM_LISTENER_NONE,
	FASTRPC_SIM_LISTENER_UP,
	FASTRPC_SIM_LISTENER_GONE,
};

/**
 * enum fastrpc_sim_host_mod - a module of the host opened by name
 * @FASTRPC_SIM_HOST_STD: apps_std, files
 * @FASTRPC_SIM_HOST_MEM: apps_mem, memory
 * @FASTRPC_SIM_HOST_MSGD: adspmsgd_apps, log messages
 * @FASTRPC_SIM_NR_HOST_MODS: number of modules
 */
enum fastrpc_sim_host_mod {
	FASTRPC_SIM_HOST_STD,
	FASTRPC_SIM_HOST_MEM,
	FASTRPC_SIM_HOST_MSGD,
	FASTRPC_SIM_NR_HOST_MODS,
};

static const char * const fastrpc_sim_host_mods[FASTRPC_SIM_NR_HOST_MODS] = {
	[FASTRPC_SIM_HOST_STD] = "apps_std",
	[FASTRPC_SIM_HOST_MEM] = "apps_mem",
	[FASTRPC_SIM_HOST_MSGD] = "adspmsgd_apps",
};

/**
 * enum fastrpc_sim_job_type - what a job asks of the host
 * @FASTRPC_SIM_JOB_LOAD: a module's file (remotectl open, loader "host")
 * @FASTRPC_SIM_JOB_GROW: heap memory (simtest grow)
 * @FASTRPC_SIM_JOB_FARF: to print FARF messages (simtest farf)
 */
enum fastrpc_sim_job_type {
	FASTRPC_SIM_JOB_LOAD,
	FASTRPC_SIM_JOB_GROW,
	FASTRPC_SIM_JOB_FARF,
};

/**
 * enum fastrpc_sim_step - the next reverse call of a job
 * @FASTRPC_SIM_STEP_OPEN: apps_remotectl open of the job's host module,
 *                         unless the PD has it open already
 * @FASTRPC_SIM_STEP_FOPEN: apps_std fopen_with_env of the module's file
 * @FASTRPC_SIM_STEP_FLEN: apps_std flen
 * @FASTRPC_SIM_STEP_FREAD: apps_std fread of the whole file
 * @FASTRPC_SIM_STEP_FCLOSE: apps_std fclose
 * @FASTRPC_SIM_STEP_MAP: apps_mem request_map64
 * @FASTRPC_SIM_STEP_LOG: adspmsgd_apps log
 * @FASTRPC_SIM_STEP_DONE: none: the job is over
 */
enum fastrpc_sim_step {
	FASTRPC_SIM_STEP_OPEN,
	FASTRPC_SIM_STEP_FOPEN,
	FASTRPC_SIM_STEP_FLEN,
	FASTRPC_SIM_STEP_FREAD,
	FASTRPC_SIM_STEP_FCLOSE,
	FASTRPC_SIM_STEP_MAP,
	FASTRPC_SIM_STEP_LOG,
	FASTRPC_SIM_STEP_DONE,
};

struct fastrpc_sim_rreq;

/**
 * struct fastrpc_sim_job - what a PD asks of its host, in reverse calls
 * @node: entry of fastrpc_sim_rev.jobs, or of .done once over
 * @type: what it asks
 * @step: its next reverse call
 * @owner: id of the forward call that waits for it, 0 for none
 * @rreq: its reverse call handed to the host or about to be, or NULL
 * @mod: LOAD: index of the module in fastrpc_sim_modules[]
 * @load: LOAD: outcome
 * @why: LOAD: counter of the failure, %FASTRPC_SIM_NR_STATS for none
 * @fd: LOAD: the host's FILE of the module's file
 * @flen: LOAD: its length
 * @len: GROW: bytes asked for
 * @vadsp: GROW: DSP address of the heap pages the host says it added
 * @retval: GROW: outcome, the retval of the grow call
 * @remote: GROW: the PD is a static PD, which asks for reserved memory
 *          (REMOTE_HEAP) rather than heap pages (ADD_PAGES)
 * @nmsgs: FARF: messages in @rreq
 */
struct fastrpc_sim_job {
	struct list_head node;
	enum fastrpc_sim_job_type type;
	enum fastrpc_sim_step step;
	u64 owner;
	struct fastrpc_sim_rreq *rreq;
	int mod;
	enum fastrpc_sim_load load;
	enum fastrpc_sim_stat why;
	u32 fd;
	u64 flen;
	u64 len;
	u64 vadsp;
	u32 retval;
	bool remote;
	unsigned int nmsgs;
};

/**
 * struct fastrpc_sim_rreq - a reverse request of the DSP
 * @node: entry of fastrpc_sim_rev.pending, then of .sent
 * @job: the job it belongs to
 * @ctx: its context, non-zero, unique in the PD
 * @handle: reverse handle of the host's module
 * @sc: scalars word: method, in- and out-buffers
 * @out_len: length of each out-buffer
 * @len: length of @data
 * @data: the in-buffers and out-buffer lengths, packed as listener_buf.h
 */
struct fastrpc_sim_rreq {
	struct list_head node;
	struct fastrpc_sim_job *job;
	u32 ctx;
	u32 handle;
	u32 sc;
	u32 out_len[FASTRPC_SIM_REV_MAX_OUT];
	u32 len;
	u8 data[] __counted_by(len);
};

/**
 * struct fastrpc_sim_waiter - a next2 parked until a reverse request comes
 * @node: entry of fastrpc_sim_rev.waiters
 * @id: the request's fastrpc_sim_call.id
 */
struct fastrpc_sim_waiter {
	struct list_head node;
	u64 id;
};

/**
 * struct fastrpc_sim_rev - what a PD asks of its host
 * @dsp: the DSP
 * @listener: is a host thread serving the PD?
 * @log_mask: FARF mask of current_process set_logging_params: bit 0
 *            enables LOW, bit 1 MEDIUM
 * @farf_seq: number of the last FARF message
 * @next_ctx: context of the last reverse request
 * @pending: reverse requests no next2 took yet
 * @sent: reverse requests handed to the host, waiting for its answer
 * @waiters: parked next2 calls (struct fastrpc_sim_waiter)
 * @jobs: jobs not over; the first one runs
 * @done: jobs over, waiting for their forward call to be handled again
 * @farf: FARF messages for the host, oldest first
 * @nfarf: number of entries of @farf
 * @farf_job: a FARF job is in @jobs
 * @host_handle: reverse handles of the host's modules the PD opened
 * @host_open: bit n: @host_handle[n] is open
 * @loaded: bit n: module n of fastrpc_sim_modules[] was loaded from the
 *          host
 */
struct fastrpc_sim_rev {
	struct fastrpc_sim_dsp *dsp;
	enum fastrpc_sim_listener listener;
	u32 log_mask;
	u16 farf_seq;
	u32 next_ctx;
	struct list_head pending;
	struct list_head sent;
	struct list_head waiters;
	struct list_head jobs;
	struct list_head done;
	struct list_head farf;
	unsigned int nfarf;
	bool farf_job;
	u32 host_handle[FASTRPC_SIM_NR_HOST_MODS];
	unsigned long host_open;
	unsigned long loaded;
};

/**
 * struct fastrpc_sim_rev_arg - an in-buffer of a reverse request
 * @data: its bytes
 * @len: their number
 */
struct fastrpc_sim_rev_arg {
	const void *data;
	u32 len;
};

/**
 * struct fastrpc_sim_answer - the host's answer to a reverse request
 * @call: the next2 that carries it
 * @off: offset in its in1 (prevbufs) of the data of each out-buffer
 */
struct fastrpc_sim_answer {
	struct fastrpc_sim_call *call;
	u64 off[FASTRPC_SIM_REV_MAX_OUT];
};

/* The PD's reverse state, made at its first use; NULL if out of memory */
static struct fastrpc_sim_rev *fastrpc_sim_rev_get(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_rev **revp = fastrpc_sim_pd_rev(call->pd);
	struct fastrpc_sim_rev *rev = *revp;

	lockdep_assert_held(&call->dsp->pd_lock);

	if (rev)
		return rev;

	rev = kzalloc(sizeof(*rev), GFP_KERNEL);
	if (!rev)
		return NULL;

	rev->dsp = call->dsp;
	INIT_LIST_HEAD(&rev->pending);
	INIT_LIST_HEAD(&rev->sent);
	INIT_LIST_HEAD(&rev->waiters);
	INIT_LIST_HEAD(&rev->jobs);
	INIT_LIST_HEAD(&rev->done);
	INIT_LIST_HEAD(&rev->farf);
	*revp = rev;
	return rev;
}

/* ---- reverse requests ---- */

/* Bytes of the packed in-buffers and out-buffer lengths */
static u32 fastrpc_sim_rev_packed_len(const struct fastrpc_sim_rev_arg *in,
				      u32 nin, u32 nout)
{
	u32 off = 0, i;

	for (i = 0; i < nin; i++) {
		off += sizeof(__le32);
		if (in[i].len)
			off = ALIGN(off, FASTRPC_SIM_REV_ALIGN) + in[i].len;
	}
	return off + nout * sizeof(__le32);
}

static void fastrpc_sim_rev_pack(u8 *dst, const struct fastrpc_sim_rev_arg *in,
				 u32 nin, const u32 *out_len, u32 nout)
{
	u32 off = 0, i;

	for (i = 0; i < nin; i++) {
		put_unaligned_le32(in[i].len, dst + off);
		off += sizeof(__le32);
		if (!in[i].len)
			continue;
		off = ALIGN(off, FASTRPC_SIM_REV_ALIGN);
		memcpy(dst + off, in[i].data, in[i].len);
		off += in[i].len;
	}
	for (i = 0; i < nout; i++) {
		put_unaligned_le32(out_len[i], dst + off);
		off += sizeof(__le32);
	}
}

/* Wake every parked next2: one of them takes the new request. */
static void fastrpc_sim_rev_wake(struct fastrpc_sim_rev *rev)
{
	struct fastrpc_sim_waiter *w;

	list_for_each_entry(w, &rev->waiters, node)
		fastrpc_sim_dsp_resume(rev->dsp, w->id);
}

/*
 * Make @job's next reverse request, of method @method of reverse handle
 * @handle, for a next2 to take. Returns false if out of memory.
 */
static bool fastrpc_sim_rev_post(struct fastrpc_sim_rev *rev,
				 struct fastrpc_sim_job *job, u32 handle,
				 u32 method, const struct fastrpc_sim_rev_arg *in,
				 u32 nin, const u32 *out_len, u32 nout)
{
	struct fastrpc_sim_rreq *rreq;
	u32 len;

	len = fastrpc_sim_rev_packed_len(in, nin, nout);
	rreq = kzalloc(struct_size(rreq, data, len), GFP_KERNEL);
	if (!rreq)
		return false;

	rreq->len = len;
	fastrpc_sim_rev_pack(rreq->data, in, nin, out_len, nout);
	memcpy(rreq->out_len, out_len, nout * sizeof(*out_len));
	do {
		rreq->ctx = ++rev->next_ctx;
	} while (!rreq->ctx);
	rreq->handle = handle;
	rreq->sc = FASTRPC_SC(method, nin, nout);
	rreq->job = job;
	job->rreq = rreq;
	list_add_tail(&rreq->node, &rev->pending);
	fastrpc_sim_rev_wake(rev);
	return true;
}

static struct fastrpc_sim_rreq *fastrpc_sim_rev_sent(struct fastrpc_sim_rev *rev,
						     u32 ctx)
{
	struct fastrpc_sim_rreq *rreq;

	list_for_each_entry(rreq, &rev->sent, node)
		if (rreq->ctx == ctx)
			return rreq;
	return NULL;
}

/*
 * Find the out-buffers of @rreq in the first @avail bytes of @call's in1
 * (prevbufs), packed as listener_buf.h: for each, its u32 length, which
 * must be the one asked for, then, if not empty, its data 8-byte aligned.
 */
static bool fastrpc_sim_rev_unpack(struct fastrpc_sim_answer *ans,
				   const struct fastrpc_sim_rreq *rreq,
				   u32 avail)
{
	struct fastrpc_sim_call *call = ans->call;
	const struct fastrpc_sim_buf *buf = &call->bufs[1];
	u32 nout = fastrpc_sc_outbufs(rreq->sc), i;
	u64 pos = 0;
	__le32 len;

	if (avail > buf->len)
		return false;

	for (i = 0; i < nout; i++) {
		if (avail - pos < sizeof(len) ||
		    fastrpc_sim_access(call, buf, pos, &len, sizeof(len),
				       FASTRPC_SIM_READ))
			return false;
		pos += sizeof(len);
		if (le32_to_cpu(len) != rreq->out_len[i])
			return false;
		if (rreq->out_len[i])
			pos = ALIGN(pos, FASTRPC_SIM_REV_ALIGN);
		if (pos > avail || avail - pos < rreq->out_len[i])
			return false;
		ans->off[i] = pos;
		pos += rreq->out_len[i];
	}
	return true;
}

/* Read the first @len bytes of out-buffer @i of the answer */
static bool fastrpc_sim_answer_read(struct fastrpc_sim_answer *ans, u32 i,
				    void *dst, size_t len)
{
	return !fastrpc_sim_access(ans->call, &ans->call->bufs[1], ans->off[i],
				   dst, len, FASTRPC_SIM_READ);
}

/* ---- jobs ---- */

static struct fastrpc_sim_job *
fastrpc_sim_job_alloc(enum fastrpc_sim_job_type type, u64 owner)
{
	struct fastrpc_sim_job *job;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return NULL;

	job->type = type;
	job->owner = owner;
	job->step = FASTRPC_SIM_STEP_OPEN;
	job->load = FASTRPC_SIM_LOAD_OK;
	job->why = FASTRPC_SIM_NR_STATS;
	return job;
}

static enum fastrpc_sim_host_mod
fastrpc_sim_job_host_mod(const struct fastrpc_sim_job *job)
{
	switch (job->type) {
	case FASTRPC_SIM_JOB_LOAD:
		return FASTRPC_SIM_HOST_STD;
	case FASTRPC_SIM_JOB_GROW:
		return FASTRPC_SIM_HOST_MEM;
	default:
		return FASTRPC_SIM_HOST_MSGD;
	}
}

/* The step after the host module is open */
static enum fastrpc_sim_step
fastrpc_sim_job_first_step(const struct fastrpc_sim_job *job)
{
	switch (job->type) {
	case FASTRPC_SIM_JOB_LOAD:
		return FASTRPC_SIM_STEP_FOPEN;
	case FASTRPC_SIM_JOB_GROW:
		return FASTRPC_SIM_STEP_MAP;
	default:
		return FASTRPC_SIM_STEP_LOG;
	}
}

/* @job cannot go on: fail it, as a host error */
static void fastrpc_sim_job_fail(struct fastrpc_sim_rev *rev,
				 struct fastrpc_sim_job *job,
				 enum fastrpc_sim_stat why)
{
	switch (job->type) {
	case FASTRPC_SIM_JOB_LOAD:
		job->load = FASTRPC_SIM_LOAD_FAILED;
		job->why = why;
		break;
	case FASTRPC_SIM_JOB_GROW:
		job->retval = FASTRPC_SIM_ENOMEMORY;
		break;
	case FASTRPC_SIM_JOB_FARF:
		break;
	}
	job->step = FASTRPC_SIM_STEP_DONE;
}

static bool fastrpc_sim_job_post_open(struct fastrpc_sim_rev *rev,
				      struct fastrpc_sim_job *job)
{
	const char *name = fastrpc_sim_host_mods[fastrpc_sim_job_host_mod(job)];
	__le32 hdr[2] = {
		cpu_to_le32(strlen(name) + 1),
		cpu_to_le32(FASTRPC_SIM_DLERR_LEN),
	};
	const struct fastrpc_sim_rev_arg in[] = {
		{ hdr, sizeof(hdr) },
		{ name, strlen(name) + 1 },
	};
	static const u32 out[] = { 2 * sizeof(__le32), FASTRPC_SIM_DLERR_LEN };

	return fastrpc_sim_rev_post(rev, job, FASTRPC_SIM_APPS_REMOTECTL,
				    FASTRPC_SIM_REMOTECTL_OPEN, in,
				    ARRAY_SIZE(in), out, ARRAY_SIZE(out));
}

static bool fastrpc_sim_job_post_fopen(struct fastrpc_sim_rev *rev,
				       struct fastrpc_sim_job *job)
{
	static const char env[] = "ADSP_LIBRARY_PATH", delim[] = ";",
			  mode[] = "r";
	static const u32 out[] = { sizeof(__le32) };
	char name[64];
	u32 len = snprintf(name, sizeof(name), "lib%s_skel.so",
			   fastrpc_sim_modules[job->mod].name) + 1;
	__le32 hdr[4] = {
		cpu_to_le32(sizeof(env)), cpu_to_le32(sizeof(delim)),
		cpu_to_le32(len), cpu_to_le32(sizeof(mode)),
	};
	const struct fastrpc_sim_rev_arg in[] = {
		{ hdr, sizeof(hdr) },
		{ env, sizeof(env) },
		{ delim, sizeof(delim) },
		{ name, len },
		{ mode, sizeof(mode) },
	};

	static_assert(ARRAY_SIZE(in) <= FASTRPC_SIM_REV_MAX_IN);
	return fastrpc_sim_rev_post(rev, job, rev->host_handle[FASTRPC_SIM_HOST_STD],
				    FASTRPC_SIM_STD_FOPEN_WITH_ENV, in,
				    ARRAY_SIZE(in), out, ARRAY_SIZE(out));
}

static bool fastrpc_sim_job_post_file(struct fastrpc_sim_rev *rev,
				      struct fastrpc_sim_job *job)
{
	u32 std = rev->host_handle[FASTRPC_SIM_HOST_STD];
	__le32 in[2] = { cpu_to_le32(job->fd), cpu_to_le32(job->flen) };
	const struct fastrpc_sim_rev_arg flen_in[] = { { in, sizeof(in[0]) } };
	const struct fastrpc_sim_rev_arg fread_in[] = { { in, sizeof(in) } };
	const u32 flen_out[] = { sizeof(__le64) };
	const u32 fread_out[] = { 2 * sizeof(__le32), job->flen };

	switch (job->step) {
	case FASTRPC_SIM_STEP_FLEN:
		return fastrpc_sim_rev_post(rev, job, std, FASTRPC_SIM_STD_FLEN,
					    flen_in, 1, flen_out, 1);
	case FASTRPC_SIM_STEP_FREAD:
		return fastrpc_sim_rev_post(rev, job, std, FASTRPC_SIM_STD_FREAD,
					    fread_in, 1, fread_out, 2);
	default:
		return fastrpc_sim_rev_post(rev, job, std, FASTRPC_SIM_STD_FCLOSE,
					    flen_in, 1, NULL, 0);
	}
}

static bool fastrpc_sim_job_post_map(struct fastrpc_sim_rev *rev,
				     struct fastrpc_sim_job *job)
{
	struct {
		__le32 heapid;
		__le32 lflags;
		__le32 rflags;
		__le32 pad;
		__le64 vin;
		__le64 len;
	} req = {
		.heapid = cpu_to_le32(FASTRPC_SIM_MEM_HEAPID),
		.rflags = cpu_to_le32(job->remote ? FASTRPC_MMAP_REMOTE_HEAP :
						    FASTRPC_MMAP_ADD_PAGES),
		.len = cpu_to_le64(job->len),
	};
	const struct fastrpc_sim_rev_arg in[] = { { &req, sizeof(req) } };
	static const u32 out[] = { 2 * sizeof(__le64) };

	static_assert(sizeof(req) == 32);
	return fastrpc_sim_rev_post(rev, job, rev->host_handle[FASTRPC_SIM_HOST_MEM],
				    FASTRPC_SIM_MEM_REQUEST_MAP64, in, 1, out, 1);
}

/*
 * Log the oldest queued FARF messages, which leave the queue; false if
 * there is none. Out of memory, they are dropped.
 */
static bool fastrpc_sim_job_post_log(struct fastrpc_sim_rev *rev,
				     struct fastrpc_sim_job *job)
{
	unsigned int n = min_t(unsigned int, rev->nfarf,
			       FASTRPC_SIM_FARF_BATCH), k = 0;
	struct fastrpc_sim_farf_node *buf;
	struct fastrpc_sim_farf *farf, *tmp;
	struct fastrpc_sim_rev_arg in[2];
	bool posted = false;
	__le32 len;

	if (!n)
		return false;

	buf = kcalloc(n, sizeof(*buf), GFP_KERNEL);
	if (buf) {
		list_for_each_entry(farf, &rev->farf, node) {
			if (k == n)
				break;
			buf[k++] = farf->msg;
		}
		len = cpu_to_le32(n * sizeof(*buf));
		in[0] = (struct fastrpc_sim_rev_arg) { &len, sizeof(len) };
		in[1] = (struct fastrpc_sim_rev_arg) { buf, n * sizeof(*buf) };
		posted = fastrpc_sim_rev_post(rev, job,
					      rev->host_handle[FASTRPC_SIM_HOST_MSGD],
					      FASTRPC_SIM_MSGD_LOG, in, 2, NULL, 0);
		kfree(buf);
	}
	if (posted)
		job->nmsgs = n;
	else
		fastrpc_sim_count(rev->dsp, FASTRPC_SIM_STAT_FARF_DROPPED, n);

	k = 0;
	list_for_each_entry_safe(farf, tmp, &rev->farf, node) {
		if (k++ == n)
			break;
		list_del(&farf->node);
		kfree(farf);
	}
	rev->nfarf -= n;
	return posted;
}

/*
 * Post the reverse request of @job's step, going through the steps that
 * need none. Returns true if it waits for the host, false once it is over.
 */
static bool fastrpc_sim_job_step(struct fastrpc_sim_rev *rev,
				 struct fastrpc_sim_job *job)
{
	bool posted;

	for (;;) {
		switch (job->step) {
		case FASTRPC_SIM_STEP_OPEN:
			if (job->type == FASTRPC_SIM_JOB_LOAD &&
			    (rev->loaded & BIT(job->mod))) {
				/* Another open loaded it meanwhile */
				job->step = FASTRPC_SIM_STEP_DONE;
				continue;
			}
			if (rev->host_open & BIT(fastrpc_sim_job_host_mod(job))) {
				job->step = fastrpc_sim_job_first_step(job);
				continue;
			}
			posted = fastrpc_sim_job_post_open(rev, job);
			break;
		case FASTRPC_SIM_STEP_FOPEN:
			posted = fastrpc_sim_job_post_fopen(rev, job);
			break;
		case FASTRPC_SIM_STEP_FLEN:
		case FASTRPC_SIM_STEP_FREAD:
		case FASTRPC_SIM_STEP_FCLOSE:
			posted = fastrpc_sim_job_post_file(rev, job);
			break;
		case FASTRPC_SIM_STEP_MAP:
			posted = fastrpc_sim_job_post_map(rev, job);
			break;
		case FASTRPC_SIM_STEP_LOG:
			posted = fastrpc_sim_job_post_log(rev, job);
			if (!posted) {
				job->step = FASTRPC_SIM_STEP_DONE;
				continue;
			}
			break;
		default:
			return false;
		}
		if (posted)
			return true;
		/* Out of memory: the DSP gives up, as for a host error */
		fastrpc_sim_job_fail(rev, job, FASTRPC_SIM_STAT_LOAD_MISSING);
	}
}

static void fastrpc_sim_farf_enqueue(struct fastrpc_sim_rev *rev);

/* @job is over: count it, and hand its outcome to its forward call. */
static void fastrpc_sim_job_finish(struct fastrpc_sim_rev *rev,
				   struct fastrpc_sim_job *job)
{
	struct fastrpc_sim_dsp *dsp = rev->dsp;

	list_del(&job->node);
	switch (job->type) {
	case FASTRPC_SIM_JOB_LOAD:
		if (job->load == FASTRPC_SIM_LOAD_OK &&
		    !(rev->loaded & BIT(job->mod))) {
			rev->loaded |= BIT(job->mod);
			fastrpc_sim_count(dsp, FASTRPC_SIM_STAT_HOST_LOADS, 1);
		} else if (job->why != FASTRPC_SIM_NR_STATS) {
			fastrpc_sim_count(dsp, job->why, 1);
		}
		break;
	case FASTRPC_SIM_JOB_FARF:
		rev->farf_job = false;
		if (rev->nfarf)
			fastrpc_sim_farf_enqueue(rev);
		break;
	default:
		break;
	}

	if (job->owner) {
		list_add_tail(&job->node, &rev->done);
		fastrpc_sim_dsp_resume(dsp, job->owner);
	} else {
		kfree(job);
	}
}

/* Run the jobs until the first waits for the host, or none is left. */
static void fastrpc_sim_rev_run(struct fastrpc_sim_rev *rev)
{
	struct fastrpc_sim_job *job;

	while ((job = list_first_entry_or_null(&rev->jobs,
					       struct fastrpc_sim_job, node))) {
		if (job->rreq || fastrpc_sim_job_step(rev, job))
			return;
		fastrpc_sim_job_finish(rev, job);
	}
}

static void fastrpc_sim_rev_start(struct fastrpc_sim_rev *rev,
				  struct fastrpc_sim_job *job)
{
	list_add_tail(&job->node, &rev->jobs);
	fastrpc_sim_rev_run(rev);
}

/* The job of forward call @id: over, or still running; or NULL */
static struct fastrpc_sim_job *fastrpc_sim_rev_job(struct fastrpc_sim_rev *rev,
						   u64 id, bool *over)
{
	struct fastrpc_sim_job *job;

	*over = false;
	if (!id)
		return NULL;

	list_for_each_entry(job, &rev->done, node) {
		if (job->owner == id) {
			*over = true;
			return job;
		}
	}
	list_for_each_entry(job, &rev->jobs, node)
		if (job->owner == id)
			return job;
	return NULL;
}

/* apps_remotectl open answered: out0 {u32 handle; s32 dlerr} */
static void fastrpc_sim_job_opened(struct fastrpc_sim_rev *rev,
				   struct fastrpc_sim_job *job,
				   struct fastrpc_sim_answer *ans)
{
	enum fastrpc_sim_host_mod mod = fastrpc_sim_job_host_mod(job);
	__le32 out[2];

	if (!ans || !fastrpc_sim_answer_read(ans, 0, out, sizeof(out)) ||
	    out[1]) {
		fastrpc_sim_job_fail(rev, job, FASTRPC_SIM_STAT_LOAD_MISSING);
		if (job->type == FASTRPC_SIM_JOB_FARF) {
			/* The host does not log: drop what waits for it. */
			struct fastrpc_sim_farf *farf, *tmp;

			list_for_each_entry_safe(farf, tmp, &rev->farf, node) {
				list_del(&farf->node);
				kfree(farf);
			}
			fastrpc_sim_count(rev->dsp, FASTRPC_SIM_STAT_FARF_DROPPED,
					  rev->nfarf);
			rev->nfarf = 0;
		}
		return;
	}

	rev->host_handle[mod] = le32_to_cpu(out[0]);
	rev->host_open |= BIT(mod);
	job->step = fastrpc_sim_job_first_step(job);
}

/* The module's file was read: it must be all there, and an ELF file. */
static void fastrpc_sim_job_read(struct fastrpc_sim_rev *rev,
				 struct fastrpc_sim_job *job,
				 struct fastrpc_sim_answer *ans)
{
	u8 magic[SELFMAG];
	__le32 out[2];

	if (!ans || !fastrpc_sim_answer_read(ans, 0, out, sizeof(out)) ||
	    le32_to_cpu(out[0]) != job->flen) {
		fastrpc_sim_job_fail(rev, job, FASTRPC_SIM_STAT_LOAD_SHORT);
	} else if (!fastrpc_sim_answer_read(ans, 1, magic, SELFMAG) ||
		   memcmp(magic, ELFMAG, SELFMAG)) {
		fastrpc_sim_job_fail(rev, job, FASTRPC_SIM_STAT_LOAD_NOT_ELF);
	}
	/* fclose whatever happened */
	job->step = FASTRPC_SIM_STEP_FCLOSE;
}

/*
 * The host answered @job's reverse call: with @ans, or with an error
 * (@ans NULL). Move the job to its next step.
 */
static void fastrpc_sim_job_answer(struct fastrpc_sim_rev *rev,
				   struct fastrpc_sim_job *job,
				   struct fastrpc_sim_answer *ans)
{
	__le64 out[2];
	__le32 fd;

	switch (job->step) {
	case FASTRPC_SIM_STEP_OPEN:
		fastrpc_sim_job_opened(rev, job, ans);
		break;
	case FASTRPC_SIM_STEP_FOPEN:
		if (!ans || !fastrpc_sim_answer_read(ans, 0, &fd, sizeof(fd))) {
			fastrpc_sim_job_fail(rev, job,
					     FASTRPC_SIM_STAT_LOAD_MISSING);
			break;
		}
		job->fd = le32_to_cpu(fd);
		job->step = FASTRPC_SIM_STEP_FLEN;
		break;
	case FASTRPC_SIM_STEP_FLEN:
		if (!ans || !fastrpc_sim_answer_read(ans, 0, out, sizeof(out[0]))) {
			fastrpc_sim_job_fail(rev, job,
					     FASTRPC_SIM_STAT_LOAD_SHORT);
		} else if (le64_to_cpu(out[0]) < SELFMAG) {
			fastrpc_sim_job_fail(rev, job,
					     FASTRPC_SIM_STAT_LOAD_NOT_ELF);
		} else if (le64_to_cpu(out[0]) > FASTRPC_SIM_LOAD_MAX) {
			fastrpc_sim_job_fail(rev, job,
					     FASTRPC_SIM_STAT_LOAD_TOO_BIG);
		} else {
			job->flen = le64_to_cpu(out[0]);
			job->step = FASTRPC_SIM_STEP_FREAD;
			break;
		}
		/* fclose after a failure too */
		job->step = FASTRPC_SIM_STEP_FCLOSE;
		break;
	case FASTRPC_SIM_STEP_FREAD:
		fastrpc_sim_job_read(rev, job, ans);
		break;
	case FASTRPC_SIM_STEP_FCLOSE:
		job->step = FASTRPC_SIM_STEP_DONE;
		break;
	case FASTRPC_SIM_STEP_MAP:
		job->step = FASTRPC_SIM_STEP_DONE;
		if (!ans || !fastrpc_sim_answer_read(ans, 0, out, sizeof(out))) {
			job->retval = FASTRPC_SIM_ENOMEMORY;
			break;
		}
		job->vadsp = le64_to_cpu(out[1]);
		break;
	case FASTRPC_SIM_STEP_LOG:
		fastrpc_sim_count(rev->dsp, ans ? FASTRPC_SIM_STAT_FARF_SENT :
				  FASTRPC_SIM_STAT_FARF_DROPPED, job->nmsgs);
		job->nmsgs = 0;
		job->step = FASTRPC_SIM_STEP_DONE;
		break;
	default:
		break;
	}
}

/*
 * The answer a next2 carries for reverse call @ctx: @result, and the
 * call's out-buffers in the first @len bytes of in1 (prevbufs).
 */
static void fastrpc_sim_rev_answer(struct fastrpc_sim_call *call,
				   struct fastrpc_sim_rev *rev, u32 ctx,
				   u32 result, u32 len)
{
	struct fastrpc_sim_answer ans = { .call = call };
	struct fastrpc_sim_rreq *rreq;
	struct fastrpc_sim_job *job;
	bool ok = !result;

	rreq = fastrpc_sim_rev_sent(rev, ctx);
	if (!rreq) {
		fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_REVERSE_ERRORS, 1);
		pr_debug("%s: PD %u: answer for no reverse call (ctx %#x)\n",
			 call->dsp->name, call->pid, ctx);
		return;
	}

	if (ok && !fastrpc_sim_rev_unpack(&ans, rreq, len)) {
		pr_debug("%s: PD %u: malformed answer for ctx %#x\n",
			 call->dsp->name, call->pid, ctx);
		ok = false;
	}
	if (!ok)
		fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_REVERSE_ERRORS, 1);

	job = rreq->job;
	job->rreq = NULL;
	fastrpc_sim_job_answer(rev, job, ok ? &ans : NULL);
	list_del(&rreq->node);
	kfree(rreq);
	fastrpc_sim_rev_run(rev);
}

/*
 * The listener left (exit): every job fails, its reverse call is
 * dropped, and its forward call is answered.
 */
static void fastrpc_sim_rev_fail_all(struct fastrpc_sim_rev *rev)
{
	struct fastrpc_sim_job *job, *tmp;

	list_for_each_entry_safe(job, tmp, &rev->jobs, node) {
		if (job->rreq) {
			list_del(&job->rreq->node);
			kfree(job->rreq);
			job->rreq = NULL;
			fastrpc_sim_count(rev->dsp,
					  FASTRPC_SIM_STAT_REVERSE_ERRORS, 1);
		}
		switch (job->type) {
		case FASTRPC_SIM_JOB_LOAD:
			job->load = FASTRPC_SIM_LOAD_NO_HOST;
			job->why = FASTRPC_SIM_NR_STATS;
			break;
		case FASTRPC_SIM_JOB_GROW:
			job->retval = FASTRPC_SIM_ERPC;
			break;
		case FASTRPC_SIM_JOB_FARF:
			fastrpc_sim_count(rev->dsp, FASTRPC_SIM_STAT_FARF_DROPPED,
					  job->nmsgs);
			job->nmsgs = 0;
			rev->farf_job = false;
			break;
		}
		list_del(&job->node);
		if (job->owner) {
			list_add_tail(&job->node, &rev->done);
			fastrpc_sim_dsp_resume(rev->dsp, job->owner);
		} else {
			kfree(job);
		}
	}
}

/* Queue a FARF job, if none is queued, for a listener to take. */
static void fastrpc_sim_farf_enqueue(struct fastrpc_sim_rev *rev)
{
	struct fastrpc_sim_job *job;

	if (rev->farf_job || !rev->nfarf ||
	    rev->listener != FASTRPC_SIM_LISTENER_UP)
		return;

	job = fastrpc_sim_job_alloc(FASTRPC_SIM_JOB_FARF, 0);
	if (!job)
		return;	/* the next message tries again */
	rev->farf_job = true;
	list_add_tail(&job->node, &rev->jobs);
}

/**
 * fastrpc_sim_rev_free() - free what a PD asks of its host
 * @rev: the PD's reverse state, or NULL
 *
 * The PD is going away. Its parked requests are answered or dropped by the
 * caller.
 */
void fastrpc_sim_rev_free(struct fastrpc_sim_rev *rev)
{
	struct fastrpc_sim_waiter *w, *wtmp;
	struct fastrpc_sim_rreq *rreq, *rtmp;
	struct fastrpc_sim_job *job, *jtmp;
	struct fastrpc_sim_farf *farf, *ftmp;

	if (!rev)
		return;

	list_for_each_entry_safe(rreq, rtmp, &rev->pending, node)
		kfree(rreq);
	list_for_each_entry_safe(rreq, rtmp, &rev->sent, node)
		kfree(rreq);
	list_for_each_entry_safe(w, wtmp, &rev->waiters, node)
		kfree(w);
	list_for_each_entry_safe(job, jtmp, &rev->jobs, node)
		kfree(job);
	list_for_each_entry_safe(job, jtmp, &rev->done, node)
		kfree(job);
	list_for_each_entry_safe(farf, ftmp, &rev->farf, node)
		kfree(farf);
	kfree(rev);
}

/* ---- listener: handles 3 and 7 ---- */

static u32 fastrpc_sim_listener_init2(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_rev *rev;

	if (!fastrpc_sim_sc_is(call, 0, 0))
		return fastrpc_sim_bad_request(call, "bad listener init2");

	rev = fastrpc_sim_rev_get(call);
	if (!rev)
		return FASTRPC_SIM_ENOMEMORY;

	rev->listener = FASTRPC_SIM_LISTENER_UP;
	fastrpc_sim_farf_enqueue(rev);
	fastrpc_sim_rev_run(rev);
	return 0;
}

static struct fastrpc_sim_waiter *
fastrpc_sim_rev_waiter(struct fastrpc_sim_rev *rev, u64 id)
{
	struct fastrpc_sim_waiter *w;

	if (!id)
		return NULL;

	list_for_each_entry(w, &rev->waiters, node)
		if (w->id == id)
			return w;
	return NULL;
}

/*
 * next2: in0 {u32 prevCtx; s32 prevResult; u32 prevbufsLen; u32 bufsLen},
 * in1 prevbufs; out0 {u32 ctx; u32 handle; u32 sc; u32 bufsLenReq}, out1
 * bufs. Takes the answer to reverse call prevCtx (0: none) the first time
 * it is handled; then answers with the oldest reverse request, or parks.
 */
static u32 fastrpc_sim_listener_next2(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_rreq *rreq;
	struct fastrpc_sim_waiter *w;
	struct fastrpc_sim_rev *rev;
	__le32 in[4], out[4];
	u64 n;
	u32 ret;

	if (!fastrpc_sim_sc_is(call, 2, 2) ||
	    call->bufs[0].len < sizeof(in) || call->bufs[2].len < sizeof(out))
		return fastrpc_sim_bad_request(call, "bad listener next2");

	ret = fastrpc_sim_access(call, &call->bufs[0], 0, in, sizeof(in),
				 FASTRPC_SIM_READ);
	if (ret)
		return ret;

	rev = fastrpc_sim_rev_get(call);
	if (!rev)
		return FASTRPC_SIM_ENOMEMORY;

	w = fastrpc_sim_rev_waiter(rev, call->id);
	if (rev->listener != FASTRPC_SIM_LISTENER_UP) {
		if (w) {
			list_del(&w->node);
			kfree(w);
		}
		return FASTRPC_SIM_EBADSTATE;
	}

	/* A next2 handled again after parking took its answer already. */
	if (!w && le32_to_cpu(in[0]))
		fastrpc_sim_rev_answer(call, rev, le32_to_cpu(in[0]),
				       le32_to_cpu(in[1]), le32_to_cpu(in[2]));

	rreq = list_first_entry_or_null(&rev->pending,
					struct fastrpc_sim_rreq, node);
	if (!rreq) {
		if (!w && call->id) {
			w = kzalloc(sizeof(*w), GFP_KERNEL);
			if (!w)
				return FASTRPC_SIM_ENOMEMORY;
			w->id = call->id;
			list_add_tail(&w->node, &rev->waiters);
		}
		call->park = true;
		return 0;
	}

	if (w) {
		list_del(&w->node);
		kfree(w);
	}

	/* As much of the request as fits; get_in_bufs2 gives the rest. */
	n = min3((u64)rreq->len, (u64)le32_to_cpu(in[3]), call->bufs[3].len);
	out[0] = cpu_to_le32(rreq->ctx);
	out[1] = cpu_to_le32(rreq->handle);
	out[2] = cpu_to_le32(rreq->sc);
	out[3] = cpu_to_le32(rreq->len);
	ret = fastrpc_sim_access(call, &call->bufs[3], 0, rreq->data, n,
				 FASTRPC_SIM_WRITE);
	if (!ret)
		ret = fastrpc_sim_access(call, &call->bufs[2], 0, out,
					 sizeof(out), FASTRPC_SIM_WRITE);
	if (ret)
		return ret;	/* the request stays for another next2 */

	list_move_tail(&rreq->node, &rev->sent);
	fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_REVERSE_CALLS, 1);
	return 0;
}

/*
 * get_in_bufs2: in0 {u32 ctx; s32 offset; u32 bufsLen}; out0 {s32
 * bufsLenReq}, out1 bytes: the packed request of reverse call ctx from
 * offset on, and its whole length.
 */
static u32 fastrpc_sim_listener_get_in_bufs2(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_rreq *rreq;
	struct fastrpc_sim_rev *rev;
	__le32 in[3], req;
	u64 off, n;
	u32 ret;

	if (!fastrpc_sim_sc_is(call, 1, 2) ||
	    call->bufs[0].len < sizeof(in) || call->bufs[1].len < sizeof(req))
		return fastrpc_sim_bad_request(call, "bad listener get_in_bufs2");

	ret = fastrpc_sim_access(call, &call->bufs[0], 0, in, sizeof(in),
				 FASTRPC_SIM_READ);
	if (ret)
		return ret;

	rev = *fastrpc_sim_pd_rev(call->pd);
	rreq = rev ? fastrpc_sim_rev_sent(rev, le32_to_cpu(in[0])) : NULL;
	if (!rreq)
		return fastrpc_sim_bad_request(call, "get_in_bufs2 of no reverse call");

	off = le32_to_cpu(in[1]);
	if (off > rreq->len)	/* a negative offset too */
		return fastrpc_sim_bad_request(call, "get_in_bufs2 offset");

	n = min3(rreq->len - off, (u64)le32_to_cpu(in[2]), call->bufs[2].len);
	req = cpu_to_le32(rreq->len);
	ret = fastrpc_sim_access(call, &call->bufs[2], 0, rreq->data + off, n,
				 FASTRPC_SIM_WRITE);
	if (!ret)
		ret = fastrpc_sim_access(call, &call->bufs[1], 0, &req,
					 sizeof(req), FASTRPC_SIM_WRITE);
	return ret;
}

/**
 * fastrpc_sim_rev_listener() - a call to adsp_listener or adsp_listener1
 * @call: the request, of a PD, its arguments checked
 *
 * Return: the retval; with @call->park set, the call waits for a reverse
 * request.
 */
u32 fastrpc_sim_rev_listener(struct fastrpc_sim_call *call)
{
	bool one = call->handle == FASTRPC_HANDLE_LISTENER1;

	if (call->method == (one ? FASTRPC_SIM_LISTENER1_INIT2 :
			     FASTRPC_SIM_LISTENER_INIT2))
		return fastrpc_sim_listener_init2(call);
	if (call->method == (one ? FASTRPC_SIM_LISTENER1_NEXT2 :
			     FASTRPC_SIM_LISTENER_NEXT2))
		return fastrpc_sim_listener_next2(call);
	if (call->method == (one ? FASTRPC_SIM_LISTENER1_GET_IN_BUFS2 :
			     FASTRPC_SIM_LISTENER_GET_IN_BUFS2))
		return fastrpc_sim_listener_get_in_bufs2(call);
	return FASTRPC_SIM_EUNSUPPORTED;
}

/* ---- current_process: handle 4 ---- */

/* exit: the listener leaves; its parked next2 calls get AEE_EBADSTATE. */
static u32 fastrpc_sim_cp_exit(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_rev *rev = *fastrpc_sim_pd_rev(call->pd);
	struct fastrpc_sim_waiter *w, *tmp;

	if (!rev)
		return 0;

	rev->listener = FASTRPC_SIM_LISTENER_GONE;
	fastrpc_sim_rev_fail_all(rev);
	list_for_each_entry_safe(w, tmp, &rev->waiters, node) {
		fastrpc_sim_dsp_resume(call->dsp, w->id);
		list_del(&w->node);
		kfree(w);
	}
	return 0;
}

/*
 * set_logging_params (mask u16) and set_logging_params2 (mask u32): in0
 * {mask; u32 filesToLogLen}, in1 the lengths of the file names, then the
 * names, which the DSP ignores.
 */
static u32 fastrpc_sim_cp_set_logging(struct fastrpc_sim_call *call, u32 mask)
{
	struct fastrpc_sim_rev *rev;
	u32 val;

	if (call->nin < 2 || call->nout || call->ninh || call->nouth ||
	    call->bufs[0].len < 2 * sizeof(__le32) ||
	    !fastrpc_sim_get_u32(call, 0, &val))
		return fastrpc_sim_bad_request(call, "bad set_logging_params");

	rev = fastrpc_sim_rev_get(call);
	if (!rev)
		return FASTRPC_SIM_ENOMEMORY;

	rev->log_mask = val & mask;
	return 0;
}

/**
 * fastrpc_sim_rev_current_process() - a call to adsp_current_process1
 * @call: the request, of a PD, its arguments checked
 *
 * Return: the retval.
 */
u32 fastrpc_sim_rev_current_process(struct fastrpc_sim_call *call)
{
	switch (call->method) {
	case FASTRPC_SIM_CP_EXIT:
		return fastrpc_sim_cp_exit(call);
	case FASTRPC_SIM_CP_THREAD_EXIT:
		return 0;
	case FASTRPC_SIM_CP_SET_LOGGING_PARAMS:
		return fastrpc_sim_cp_set_logging(call, U16_MAX);
	case FASTRPC_SIM_CP_SET_LOGGING_PARAMS2:
		return fastrpc_sim_cp_set_logging(call, U32_MAX);
	default:
		/* notifications and the rest are not supported */
		return FASTRPC_SIM_EUNSUPPORTED;
	}
}

/* ---- what the DSP asks of the host ---- */

/* Park @call until its job is over. */
static void fastrpc_sim_rev_park(struct fastrpc_sim_call *call)
{
	call->park = true;
}

/**
 * fastrpc_sim_rev_load() - load a module, from the host if it must
 * @call: a remotectl open, of a PD
 * @mod: index of the module in fastrpc_sim_modules[]
 *
 * With loader "host", the first open of a module in a PD reads its file,
 * lib<name>_skel.so, from the host through apps_std, while @call waits.
 * A PD whose listener has not called init2 yet gets the request when it
 * does: the FastRPC library starts its listener thread and opens modules
 * at once, without waiting for init2.
 *
 * Return: whether @call may open the module; %FASTRPC_SIM_LOAD_WAIT if it
 * was parked.
 */
enum fastrpc_sim_load fastrpc_sim_rev_load(struct fastrpc_sim_call *call,
					   int mod)
{
	bool host = READ_ONCE(call->dsp->host_loader);
	enum fastrpc_sim_load load;
	struct fastrpc_sim_rev *rev;
	struct fastrpc_sim_job *job;
	bool over;

	rev = host ? fastrpc_sim_rev_get(call) : *fastrpc_sim_pd_rev(call->pd);
	if (!rev)
		return host ? FASTRPC_SIM_LOAD_NO_HOST : FASTRPC_SIM_LOAD_OK;

	job = fastrpc_sim_rev_job(rev, call->id, &over);
	if (job && !over) {
		fastrpc_sim_rev_park(call);
		return FASTRPC_SIM_LOAD_WAIT;
	}
	if (job) {
		/* The URI may have changed under us: then it is not found. */
		load = job->mod == mod ? job->load : FASTRPC_SIM_LOAD_FAILED;
		list_del(&job->node);
		kfree(job);
		return load;
	}

	if (!host || (rev->loaded & BIT(mod)))
		return FASTRPC_SIM_LOAD_OK;
	if (rev->listener == FASTRPC_SIM_LISTENER_GONE)
		return FASTRPC_SIM_LOAD_NO_HOST;

	job = fastrpc_sim_job_alloc(FASTRPC_SIM_JOB_LOAD, call->id);
	if (!job)
		return FASTRPC_SIM_LOAD_NO_HOST;
	job->mod = mod;
	fastrpc_sim_rev_start(rev, job);
	fastrpc_sim_rev_park(call);
	return FASTRPC_SIM_LOAD_WAIT;
}

/**
 * fastrpc_sim_rev_grow() - simtest grow: more heap from the host
 * @call: the request: in0 {u64 len}, out0 {u64 dsp_addr}
 *
 * Asks the host's apps_mem for @len bytes (request_map64 with ADD_PAGES,
 * or REMOTE_HEAP for a static PD, which takes reserved memory), while @call
 * waits; the host gives them with an INIT MMAP. Then checks
 * that the DSP address the host answered is heap the PD got from it, of
 * @len bytes or more, fills its first page with 0x67726f77, and answers
 * that address.
 *
 * Return: the retval: 0; %FASTRPC_SIM_ERPC once the listener left;
 * AEE_ENOMEMORY if the host failed; AEE_EBADPARM for a bad request or an
 * address the PD does not have as heap.
 */
u32 fastrpc_sim_rev_grow(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_rev *rev;
	struct fastrpc_sim_job *job;
	struct fastrpc_sim_buf heap;
	bool over, remote;
	u64 len, vadsp;
	__le64 val;
	u32 ret;

	if (!fastrpc_sim_sc_is(call, 1, 1) ||
	    call->bufs[0].len < sizeof(val) || call->bufs[1].len < sizeof(val))
		return fastrpc_sim_bad_request(call, "bad grow");

	ret = fastrpc_sim_access(call, &call->bufs[0], 0, &val, sizeof(val),
				 FASTRPC_SIM_READ);
	if (ret)
		return ret;
	len = le64_to_cpu(val);

	rev = fastrpc_sim_rev_get(call);
	if (!rev)
		return FASTRPC_SIM_ENOMEMORY;

	job = fastrpc_sim_rev_job(rev, call->id, &over);
	if (job && !over) {
		fastrpc_sim_rev_park(call);
		return 0;
	}
	if (job) {
		ret = job->retval;
		vadsp = job->vadsp;
		len = job->len;
		remote = job->remote;
		list_del(&job->node);
		kfree(job);
		if (ret)
			return ret;

		/* A static PD's heap is reserved memory, anything else not */
		if (!fastrpc_sim_dsp_heap_find(call, vadsp, len, &heap) ||
		    remote != fastrpc_sim_dsp_heap_is_region(call, vadsp)) {
			fastrpc_sim_count(call->dsp,
					  FASTRPC_SIM_STAT_REVERSE_ERRORS, 1);
			pr_debug("%s: PD %u: grow answered %#llx, not its heap\n",
				 call->dsp->name, call->pid, vadsp);
			return FASTRPC_SIM_EBADPARM;
		}
		/*
		 * The simulator reaches host memory only through the SMMU: it
		 * does not write physical pages of the region.
		 */
		heap.len = min_t(u64, heap.len, PAGE_SIZE);
		ret = remote ? 0 : fastrpc_sim_fill(call, &heap,
						    FASTRPC_SIM_GROW_PATTERN);
		if (ret)
			return ret;
		val = cpu_to_le64(vadsp);
		return fastrpc_sim_access(call, &call->bufs[1], 0, &val,
					  sizeof(val), FASTRPC_SIM_WRITE);
	}

	if (!len || len > FASTRPC_SIM_GROW_MAX)
		return fastrpc_sim_bad_request(call, "bad grow length");
	if (rev->listener == FASTRPC_SIM_LISTENER_GONE)
		return FASTRPC_SIM_ERPC;

	job = fastrpc_sim_job_alloc(FASTRPC_SIM_JOB_GROW, call->id);
	if (!job)
		return FASTRPC_SIM_ENOMEMORY;
	job->len = len;
	job->remote = fastrpc_sim_pd_is_static(call->pd);
	fastrpc_sim_rev_start(rev, job);
	fastrpc_sim_rev_park(call);
	return 0;
}

/**
 * fastrpc_sim_rev_farf() - simtest farf: a FARF log message
 * @call: the request: in0 {u32 level; u32 len}, in1 the message
 *
 * A message of an enabled level (HIGH, ERROR and FATAL always; LOW and
 * MEDIUM by bits 0 and 1 of the mask of set_logging_params) is queued for
 * the host's adspmsgd_apps; the call does not wait for it. The queue keeps
 * %FASTRPC_SIM_FARF_QUEUE messages, dropping the oldest.
 *
 * Return: the retval: 0, or AEE_EBADPARM for a bad request.
 */
u32 fastrpc_sim_rev_farf(struct fastrpc_sim_call *call)
{
	struct fastrpc_sim_farf *farf, *old;
	struct fastrpc_sim_rev *rev;
	__le32 in[2];
	u32 level, len, ret;

	if (!fastrpc_sim_sc_is(call, 2, 0) || call->bufs[0].len < sizeof(in))
		return fastrpc_sim_bad_request(call, "bad farf");

	ret = fastrpc_sim_access(call, &call->bufs[0], 0, in, sizeof(in),
				 FASTRPC_SIM_READ);
	if (ret)
		return ret;
	level = le32_to_cpu(in[0]);
	len = le32_to_cpu(in[1]);
	if (level > FASTRPC_SIM_FARF_FATAL || len > call->bufs[1].len)
		return fastrpc_sim_bad_request(call, "bad farf message");

	rev = fastrpc_sim_rev_get(call);
	if (!rev)
		return FASTRPC_SIM_ENOMEMORY;

	if (level < FASTRPC_SIM_FARF_HIGH && !(rev->log_mask & BIT(level)))
		return 0;

	farf = kzalloc(sizeof(*farf), GFP_KERNEL);
	if (!farf) {
		fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_FARF_DROPPED, 1);
		return 0;
	}
	ret = fastrpc_sim_access(call, &call->bufs[1], 0, farf->msg.str,
				 min_t(u32, len, FASTRPC_SIM_FARF_STR_LEN - 1),
				 FASTRPC_SIM_READ);
	if (ret) {
		kfree(farf);
		return ret;
	}
	farf->msg.level = cpu_to_le32(level);
	farf->msg.line = cpu_to_le16(++rev->farf_seq);
	farf->msg.thread_id = cpu_to_le16(call->tid);
	strscpy(farf->msg.file, FASTRPC_SIM_FARF_FILE);

	if (rev->nfarf >= FASTRPC_SIM_FARF_QUEUE) {
		old = list_first_entry(&rev->farf, struct fastrpc_sim_farf, node);
		list_del(&old->node);
		kfree(old);
		rev->nfarf--;
		fastrpc_sim_count(call->dsp, FASTRPC_SIM_STAT_FARF_DROPPED, 1);
	}
	list_add_tail(&farf->node, &rev->farf);
	rev->nfarf++;

	fastrpc_sim_farf_enqueue(rev);
	fastrpc_sim_rev_run(rev);
	return 0;
}
