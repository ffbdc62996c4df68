/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Simulated Hexagon DSP for the FastRPC drivers: shared definitions.
 */
#ifndef __FASTRPC_SIM_H__
#define __FASTRPC_SIM_H__

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/configfs.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/rpmsg.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct dentry;
struct device;
struct fastrpc_sim_smmu;
struct iommu_domain;
struct rpmsg_device;
struct rproc;
struct seq_file;
struct fastrpc_sim_out;
struct fastrpc_sim_rev;

/**
 * enum fastrpc_sim_stat - counters of a simulated DSP
 * @FASTRPC_SIM_STAT_MESSAGES: messages received
 * @FASTRPC_SIM_STAT_REPLIES: replies sent
 * @FASTRPC_SIM_STAT_ERRORS: requests answered with a non-zero retval
 * @FASTRPC_SIM_STAT_FAULTS: address check failures, SMMU faults included
 * @FASTRPC_SIM_STAT_BAD_REQUESTS: malformed requests
 * @FASTRPC_SIM_STAT_INLINE_BYTES: argument bytes read or written in the
 *                                 payload
 * @FASTRPC_SIM_STAT_SMMU_FAULTS: accesses to addresses not mapped in the
 *                                context bank
 * @FASTRPC_SIM_STAT_BUFFER_BYTES: bytes read or written outside the payload
 * @FASTRPC_SIM_STAT_DSP_MAPS: DSP mappings that exist now (not a counter)
 * @FASTRPC_SIM_STAT_UNMAPS_IN_CALL: MEM_UNMAP or MUNMAP requests handled
 *                                   while a call of the same process to a
 *                                   module handle was still running
 * @FASTRPC_SIM_STAT_STATIC_PDS: static PDs started (INIT CREATE_STATIC
 *                               answered 0)
 * @FASTRPC_SIM_STAT_REGION_MAPS: remote-heap mappings of the reserved
 *                                region that exist now (not a counter)
 * @FASTRPC_SIM_STAT_REGION_FAULTS: static PD heaps or remote-heap pages
 *                                  refused: outside the reserved region, or
 *                                  in a region the host had to assign to
 *                                  the DSP's VMs
 * @FASTRPC_SIM_STAT_REVERSE_CALLS: reverse requests handed to the host by
 *                                  a listener's next2
 * @FASTRPC_SIM_STAT_REVERSE_ERRORS: reverse calls that failed on the host,
 *                                   got a malformed answer, or were
 *                                   dropped when the listener left; answers
 *                                   for no reverse call
 * @FASTRPC_SIM_STAT_FARF_SENT: FARF messages the host's adspmsgd_apps took
 * @FASTRPC_SIM_STAT_FARF_DROPPED: FARF messages dropped: queue full, or the
 *                                 host failed to take them
 * @FASTRPC_SIM_STAT_HOST_LOADS: modules loaded from a file of the host
 * @FASTRPC_SIM_STAT_LOAD_MISSING: host loads failed: apps_std or the file
 *                                 could not be opened
 * @FASTRPC_SIM_STAT_LOAD_SHORT: host loads failed: flen or fread failed, or
 *                               read less than the file's length
 * @FASTRPC_SIM_STAT_LOAD_TOO_BIG: host loads failed: the file is larger
 *                                 than %FASTRPC_SIM_LOAD_MAX
 * @FASTRPC_SIM_STAT_LOAD_NOT_ELF: host loads failed: not an ELF file (one
 *                                 shorter than the ELF magic too)
 * @FASTRPC_SIM_NR_STATS: number of counters
 */
enum fastrpc_sim_stat {
	FASTRPC_SIM_STAT_MESSAGES,
	FASTRPC_SIM_STAT_REPLIES,
	FASTRPC_SIM_STAT_ERRORS,
	FASTRPC_SIM_STAT_FAULTS,
	FASTRPC_SIM_STAT_BAD_REQUESTS,
	FASTRPC_SIM_STAT_INLINE_BYTES,
	FASTRPC_SIM_STAT_SMMU_FAULTS,
	FASTRPC_SIM_STAT_BUFFER_BYTES,
	FASTRPC_SIM_STAT_DSP_MAPS,
	FASTRPC_SIM_STAT_UNMAPS_IN_CALL,
	FASTRPC_SIM_STAT_STATIC_PDS,
	FASTRPC_SIM_STAT_REGION_MAPS,
	FASTRPC_SIM_STAT_REGION_FAULTS,
	FASTRPC_SIM_STAT_REVERSE_CALLS,
	FASTRPC_SIM_STAT_REVERSE_ERRORS,
	FASTRPC_SIM_STAT_FARF_SENT,
	FASTRPC_SIM_STAT_FARF_DROPPED,
	FASTRPC_SIM_STAT_HOST_LOADS,
	FASTRPC_SIM_STAT_LOAD_MISSING,
	FASTRPC_SIM_STAT_LOAD_SHORT,
	FASTRPC_SIM_STAT_LOAD_TOO_BIG,
	FASTRPC_SIM_STAT_LOAD_NOT_ELF,
	FASTRPC_SIM_NR_STATS,
};

/**
 * enum fastrpc_sim_knob - fault knobs of a simulated DSP
 * @FASTRPC_SIM_KNOB_DROP_REPLY: count of replies not to send
 * @FASTRPC_SIM_KNOB_SHORT_REPLY: count of replies cut to 8 bytes
 * @FASTRPC_SIM_KNOB_DUP_REPLY: count of replies sent twice
 * @FASTRPC_SIM_KNOB_BAD_CTX: count of replies with a bit of the context
 *                            index flipped
 * @FASTRPC_SIM_KNOB_NOTIFY: count of replies preceded by a PD status
 *                           notification
 * @FASTRPC_SIM_KNOB_TRUNC_REPLY: count of replies cut to 12 bytes
 * @FASTRPC_SIM_KNOB_LONG_REPLY: count of replies sent with
 *                               %FASTRPC_SIM_LONG_REPLY bytes, random
 *                               bytes after the reply
 * @FASTRPC_SIM_KNOB_REORDER_REPLY: count of replies held back and sent
 *                                  after the next reply
 * @FASTRPC_SIM_KNOB_DELAY_MS: delay of every reply, in milliseconds
 * @FASTRPC_SIM_KNOB_FAIL_NTH: when non-zero, send() of the Nth message
 *                             from now fails with -EIO
 * @FASTRPC_SIM_KNOB_CRASH_AFTER: when non-zero, the DSP crashes at the
 *                                Nth message from now
 * @FASTRPC_SIM_KNOB_STALL: non-zero: the DSP handles no message
 * @FASTRPC_SIM_NR_KNOBS: number of knobs
 *
 * The count knobs are consumed one per reply; the knobs from
 * %FASTRPC_SIM_KNOB_DELAY_MS on are not (see
 * Documentation/accel/fastrpc/sim.rst). Only messages of the FastRPC
 * endpoint are affected, never those of the echo endpoint, but for
 * %FASTRPC_SIM_KNOB_STALL.
 */
enum fastrpc_sim_knob {
	FASTRPC_SIM_KNOB_DROP_REPLY,
	FASTRPC_SIM_KNOB_SHORT_REPLY,
	FASTRPC_SIM_KNOB_DUP_REPLY,
	FASTRPC_SIM_KNOB_BAD_CTX,
	FASTRPC_SIM_KNOB_NOTIFY,
	FASTRPC_SIM_KNOB_TRUNC_REPLY,
	FASTRPC_SIM_KNOB_LONG_REPLY,
	FASTRPC_SIM_KNOB_REORDER_REPLY,
	FASTRPC_SIM_KNOB_DELAY_MS,
	FASTRPC_SIM_KNOB_FAIL_NTH,
	FASTRPC_SIM_KNOB_CRASH_AFTER,
	FASTRPC_SIM_KNOB_STALL,
	FASTRPC_SIM_NR_KNOBS,
};

/* Length of a reply of FASTRPC_SIM_KNOB_LONG_REPLY */
#define FASTRPC_SIM_LONG_REPLY		64
/* Largest message of the echo endpoint, see fastrpc_sim_dsp_echo() */
#define FASTRPC_SIM_ECHO_MAX		64

/**
 * enum fastrpc_sim_dst - where a message of the DSP goes
 * @FASTRPC_SIM_DST_HOST: the endpoint of the rpmsg device (the FastRPC
 *                        driver's)
 * @FASTRPC_SIM_DST_ECHO: the simulator's own echo endpoint
 */
enum fastrpc_sim_dst {
	FASTRPC_SIM_DST_HOST,
	FASTRPC_SIM_DST_ECHO,
};

/**
 * enum fastrpc_sim_access - what an access to host memory does
 * @FASTRPC_SIM_CHECK: only check that every page is mapped
 * @FASTRPC_SIM_READ: copy from host memory
 * @FASTRPC_SIM_WRITE: copy to host memory
 */
enum fastrpc_sim_access {
	FASTRPC_SIM_CHECK,
	FASTRPC_SIM_READ,
	FASTRPC_SIM_WRITE,
};

/**
 * struct fastrpc_sim_mem_ops - how the DSP reaches host memory
 * @access: check, read or write @len bytes at device address @iova of
 *          stream @sid, through @buf; returns 0, or -EFAULT if a page of
 *          the range cannot be reached (an SMMU fault). A failed write may
 *          have written the pages before the fault.
 *
 * Every access of the DSP to host memory goes through this, page by page.
 * The simulated SMMU provides it; a test can replace it.
 */
struct fastrpc_sim_mem_ops {
	int (*access)(void *priv, u32 sid, u64 iova, void *buf, size_t len,
		      enum fastrpc_sim_access op);
};

/**
 * struct fastrpc_sim_dsp - state of one simulated DSP
 * @name: instance name, used in logs
 * @mem_ops: translation of device addresses
 * @mem_priv: argument of @mem_ops
 * @wq: workqueue running the requests
 * @req_lock: protects @online, @crashed, @stalled, @reqs, @nreqs and
 *            @next_req_id
 * @online: requests are accepted
 * @crashed: the DSP crashed (%FASTRPC_SIM_KNOB_CRASH_AFTER): it answers
 *           nothing until it is stopped and started again
 * @stalled: requests are queued but not handled
 * @reqs: requests received and not yet answered
 * @nreqs: number of entries of @reqs
 * @next_req_id: id of the last request received, see
 *               fastrpc_sim_dsp_resume()
 * @crash_work: runs @crash_fn after a crash
 * @crash_fn: restarts the instance after a crash, or NULL
 * @crash_arg: argument of @crash_fn
 * @out_lock: protects @outbox and @held
 * @outbox: messages to deliver (struct fastrpc_sim_out), oldest first
 * @held: a reply held back by %FASTRPC_SIM_KNOB_REORDER_REPLY
 * @deliver_work: delivers @outbox in hard interrupt context
 * @recv_lock: protects @ept and the callbacks of the endpoints: held while
 *             a callback runs, as glink holds its channel's recv_lock
 * @ept: endpoint of the rpmsg device, or NULL
 * @echo_ept: the echo endpoint, see fastrpc_sim_dsp_echo()
 * @echo_lock: serialises echoes, protects @echo_seq
 * @echo_seq: sequence number of the last echo
 * @echo_want: sequence number of the echo waited for, 0 for none
 * @echo_done: completed when the echo waited for is delivered
 * @echo_buf: the echo delivered, under @recv_lock until @echo_done
 * @echo_len: its length
 * @pd_lock: protects @pds, @npds and @next_handle, and serialises the
 *           handling of requests
 * @pds: protection domains (struct fastrpc_sim_pd)
 * @npds: number of entries of @pds
 * @next_handle: cursor of module handle allocation
 * @host_loader: modules are loaded from files of the host (configfs
 *               "loader" = "host") rather than built in
 * @bounce: a page the handlers copy through, used under @pd_lock
 * @stats: counters, see enum fastrpc_sim_stat
 * @knobs: fault knobs, see enum fastrpc_sim_knob
 * @debugfs: debugfs directory of the instance
 * @region_phys: physical address of the reserved region the device tree
 *               gives the channel ("memory-region"), set while live
 * @region_size: its size, 0 when there is none: the DSP then runs no
 *               static PD
 * @region_vmids: the region must belong to the DSP's VMs ("qcom,vmids"):
 *                the host has no SCM here, so whatever it gives of it was
 *                not assigned
 * @static_heap: address of the static PDs' heap, 0 before the first
 *               CREATE_STATIC (under @pd_lock)
 * @static_heap_size: its size
 */
struct fastrpc_sim_dsp {
	const char *name;
	const struct fastrpc_sim_mem_ops *mem_ops;
	void *mem_priv;
	struct workqueue_struct *wq;

	struct mutex req_lock;	/* protects online ... nreqs */
	bool online;
	bool crashed;
	bool stalled;
	struct list_head reqs;
	unsigned int nreqs;
	u64 next_req_id;

	struct work_struct crash_work;
	void (*crash_fn)(void *arg);
	void *crash_arg;

	spinlock_t out_lock;	/* protects outbox, held */
	struct list_head outbox;
	struct fastrpc_sim_out *held;
	struct irq_work deliver_work;

	spinlock_t recv_lock;	/* protects ept, held during callbacks */
	struct rpmsg_endpoint *ept;
	struct rpmsg_endpoint echo_ept;

	struct mutex echo_lock;	/* serialises echoes */
	u64 echo_seq;
	u64 echo_want;
	struct completion echo_done;
	u8 echo_buf[sizeof(__le64) + FASTRPC_SIM_ECHO_MAX];
	int echo_len;

	struct mutex pd_lock;	/* protects pds, npds, next_handle, bounce */
	struct list_head pds;
	unsigned int npds;
	u32 next_handle;
	bool host_loader;
	void *bounce;

	atomic64_t stats[FASTRPC_SIM_NR_STATS];
	atomic_t knobs[FASTRPC_SIM_NR_KNOBS];
	struct dentry *debugfs;

	phys_addr_t region_phys;
	u64 region_size;
	bool region_vmids;
	u64 static_heap;
	u64 static_heap_size;
};

#define FASTRPC_SIM_LABEL_LEN		8
/* Default of the "smmu" attribute of an instance */
#define FASTRPC_SIM_SMMU_DEFAULT	true
/* Default of the "coherent" attribute: the DT of a non-coherent device */
#define FASTRPC_SIM_COHERENT_DEFAULT	false
#define FASTRPC_SIM_MAX_SESSIONS	14
/* Largest reserved region: one allocation of the page allocator */
#define FASTRPC_SIM_HEAP_KIB_MAX	4096

/**
 * struct fastrpc_sim_dev - one configfs instance
 * @group: configfs group of the instance directory
 * @lock: protects every field below
 * @label: value of the DT "label" property
 * @sessions: number of compute-cb children
 * @nsessions: "qcom,nsessions" of each child
 * @secure: leave out "qcom,non-secure-domain"
 * @smmu_enabled: give the instance a simulated SMMU
 * @coherent: mark the context banks "dma-coherent", so that
 *            of_dma_configure() makes their devices DMA-coherent where
 *            that is a per-device property (arm64); without it they are
 *            non-coherent there and the DMA API maintains the CPU caches
 * @heap_kib: size of the reserved region of the channel in KiB, 0 for none
 * @vmid: the region must be assigned to this VM ("qcom,vmids"), 0 for none
 * @region: the reserved region's memory, while live
 * @live: the DT node and the rpmsg device exist
 * @id: instance number, makes the rpmsg device name unique
 * @dsp: the simulated DSP
 * @ocs: changeset that built the DT nodes, while live
 * @np: the channel DT node, while live
 * @smmu_np: the DT node of the SMMU, while live
 * @region_np: the DT node of the reserved region, while live
 * @smmu: the simulated SMMU, while live
 * @rpdev: the rpmsg device, while the remote processor runs; written
 *         under the remoteproc core's lock (fastrpc_sim_rproc.c)
 * @rproc: the remote processor, while live
 * @faults_group: configfs group "faults" of the fault knobs
 */
struct fastrpc_sim_dev {
	struct config_group group;
	struct mutex lock;	/* protects the fields below */
	char label[FASTRPC_SIM_LABEL_LEN];
	u32 sessions;
	u32 nsessions;
	bool secure;
	bool smmu_enabled;
	bool coherent;
	u32 heap_kib;
	u32 vmid;
	void *region;
	bool live;
	int id;
	struct fastrpc_sim_dsp *dsp;
	struct of_changeset ocs;
	struct device_node *np;
	struct device_node *smmu_np;
	struct device_node *region_np;
	struct fastrpc_sim_smmu *smmu;
	struct rpmsg_device *rpdev;
	struct rproc *rproc;
	struct config_group faults_group;
};

/**
 * struct fastrpc_sim_buf - a range of host memory the DSP may reach
 * @sid: stream id of the context bank it is mapped in
 * @iova: device address of its first byte
 * @len: length in bytes
 * @inline_arg: it lies in the payload of the call
 */
struct fastrpc_sim_buf {
	u32 sid;
	u64 iova;
	u64 len;
	bool inline_arg;
};

/**
 * struct fastrpc_sim_handle - a handle argument, as the host described it
 * @fd: rpra[i].dma.fd: an opaque cookie of the host
 * @offset: rpra[i].dma.offset
 * @len: rpra[i].dma.len
 * @mapped: list[i] names a page range: @buf is the range
 *          [@offset, @offset + @len) of it, checked to lie within it
 * @buf: the memory of the argument; @buf.len is 0 when not @mapped
 */
struct fastrpc_sim_handle {
	s32 fd;
	u32 offset;
	u32 len;
	bool mapped;
	struct fastrpc_sim_buf buf;
};

struct fastrpc_sim_pd;

/**
 * struct fastrpc_sim_call - one request being handled
 * @dsp: the DSP
 * @pd: PD of @pid, or NULL
 * @pid: msg.pid
 * @tid: msg.tid
 * @id: id of the request in the DSP's queue, 0 for none; a parked request
 *      keeps it when it is handled again
 * @handle: msg.handle
 * @sc: msg.sc
 * @method: method of @sc
 * @nin: in-buffers of @sc
 * @nout: out-buffers of @sc
 * @ninh: in-handles of @sc
 * @nouth: out-handles of @sc
 * @sid: stream id of the payload: the caller's context bank
 * @bufs: the buffer arguments, @nin + @nout entries
 * @handles: the handle arguments, @ninh + @nouth entries
 * @delay_ms: delay of the reply requested by the handler
 * @crash: the method crashed its PD: the call gets no reply, and the DSP
 *	reports the PD dead
 * @park: the method waits for the host (fastrpc_sim_reverse.c): the call
 *	gets no reply now; fastrpc_sim_dsp_resume() of @id handles it again
 */
struct fastrpc_sim_call {
	struct fastrpc_sim_dsp *dsp;
	struct fastrpc_sim_pd *pd;
	u32 pid;
	u32 tid;
	u64 id;
	u32 handle;
	u32 sc;
	u32 method;
	u32 nin;
	u32 nout;
	u32 ninh;
	u32 nouth;
	u32 sid;
	struct fastrpc_sim_buf *bufs;
	struct fastrpc_sim_handle *handles;
	unsigned int delay_ms;
	bool crash;
	bool park;
};

/* fastrpc_sim_dsp_handle()'s delay of a call that crashed its PD */
#define FASTRPC_SIM_PD_CRASHED		UINT_MAX
/* fastrpc_sim_dsp_handle()'s delay of a call parked until resumed */
#define FASTRPC_SIM_PARKED		(UINT_MAX - 1)
/* AEE_ERPC: retval of a call that needs the host, of a PD without listener */
#define FASTRPC_SIM_ERPC		0x80000600u
/* Largest module file the DSP's loader reads from the host */
#define FASTRPC_SIM_LOAD_MAX		SZ_1M

/**
 * enum fastrpc_sim_load - can a module be used?
 * @FASTRPC_SIM_LOAD_OK: yes: built in, or loaded from the host
 * @FASTRPC_SIM_LOAD_FAILED: no: the host has no usable file for it
 * @FASTRPC_SIM_LOAD_WAIT: the call was parked until the host answers
 * @FASTRPC_SIM_LOAD_NO_HOST: no: the PD has no listener to ask
 */
enum fastrpc_sim_load {
	FASTRPC_SIM_LOAD_OK,
	FASTRPC_SIM_LOAD_FAILED,
	FASTRPC_SIM_LOAD_WAIT,
	FASTRPC_SIM_LOAD_NO_HOST,
};

/**
 * struct fastrpc_sim_module - a built-in DSP module
 * @name: name in the URI, file:///lib<name>_skel.so
 * @invoke: run a method; returns the retval
 * @lazy: bit n set if method n checks only the parts of its arguments it
 *        touches, before touching them; the arguments of other methods are
 *        checked whole before @invoke is called
 */
struct fastrpc_sim_module {
	const char *name;
	u32 (*invoke)(struct fastrpc_sim_call *call);
	u32 lazy;
};

static inline void fastrpc_sim_count(struct fastrpc_sim_dsp *dsp,
				     enum fastrpc_sim_stat stat, u64 n)
{
	atomic64_add(n, &dsp->stats[stat]);
}

/* fastrpc_sim_dsp.c */
u32 fastrpc_sim_bad_request(struct fastrpc_sim_call *call, const char *why);
u32 fastrpc_sim_fault(struct fastrpc_sim_call *call, u64 addr, u64 len,
		      const char *why);
bool fastrpc_sim_sc_is(const struct fastrpc_sim_call *call, u32 nin, u32 nout);
u32 fastrpc_sim_access(struct fastrpc_sim_call *call,
		       const struct fastrpc_sim_buf *buf, u64 off, void *data,
		       u64 len, enum fastrpc_sim_access op);
u32 fastrpc_sim_copy(struct fastrpc_sim_call *call,
		     const struct fastrpc_sim_buf *dst,
		     const struct fastrpc_sim_buf *src, u64 len);
u32 fastrpc_sim_fill(struct fastrpc_sim_call *call,
		     const struct fastrpc_sim_buf *dst, u32 pattern);
bool fastrpc_sim_get_u32(struct fastrpc_sim_call *call, u32 i, u32 *val);
u32 fastrpc_sim_dsp_map_find(struct fastrpc_sim_call *call, u64 dsp_addr,
			     u64 len, struct fastrpc_sim_buf *buf);
bool fastrpc_sim_dsp_heap_find(struct fastrpc_sim_call *call, u64 dsp_addr,
			       u64 len, struct fastrpc_sim_buf *buf);
bool fastrpc_sim_dsp_heap_is_region(struct fastrpc_sim_call *call,
				    u64 dsp_addr);
bool fastrpc_sim_pd_is_static(const struct fastrpc_sim_pd *pd);
struct fastrpc_sim_rev **fastrpc_sim_pd_rev(struct fastrpc_sim_pd *pd);
u32 fastrpc_sim_dsp_handle(struct fastrpc_sim_dsp *dsp, const void *data,
			   size_t len, unsigned int *delay_ms);
u32 fastrpc_sim_dsp_handle_id(struct fastrpc_sim_dsp *dsp, const void *data,
			      size_t len, u64 id, unsigned int *delay_ms);
void fastrpc_sim_dsp_forget_pds(struct fastrpc_sim_dsp *dsp);
void fastrpc_sim_dsp_show_maps(struct fastrpc_sim_dsp *dsp,
			       struct seq_file *s);

/* fastrpc_sim_smmu.c */
extern const struct fastrpc_sim_mem_ops fastrpc_sim_smmu_mem_ops;
extern const struct fastrpc_sim_mem_ops fastrpc_sim_direct_mem_ops;
struct fastrpc_sim_smmu *fastrpc_sim_smmu_create(const char *name,
						 struct device *parent,
						 struct device_node *np,
						 int id);
void fastrpc_sim_smmu_destroy(struct fastrpc_sim_smmu *smmu);
struct fastrpc_sim_smmu *fastrpc_sim_smmu_alloc(const char *name);
void fastrpc_sim_smmu_free(struct fastrpc_sim_smmu *smmu);
struct iommu_domain *
fastrpc_sim_smmu_test_domain(struct fastrpc_sim_smmu *smmu, u32 sid);
u64 fastrpc_sim_smmu_pages(struct fastrpc_sim_smmu *smmu);
void fastrpc_sim_smmu_show(struct fastrpc_sim_smmu *smmu, struct seq_file *s);

/* fastrpc_sim_reverse.c */
u32 fastrpc_sim_rev_listener(struct fastrpc_sim_call *call);
u32 fastrpc_sim_rev_current_process(struct fastrpc_sim_call *call);
enum fastrpc_sim_load fastrpc_sim_rev_load(struct fastrpc_sim_call *call,
					   int mod);
u32 fastrpc_sim_rev_grow(struct fastrpc_sim_call *call);
u32 fastrpc_sim_rev_farf(struct fastrpc_sim_call *call);
void fastrpc_sim_rev_free(struct fastrpc_sim_rev *rev);

/* fastrpc_sim_modules.c */
extern const struct fastrpc_sim_module fastrpc_sim_modules[];
extern const unsigned int fastrpc_sim_nr_modules;

/* fastrpc_sim_queue.c */
struct fastrpc_sim_dsp *
fastrpc_sim_dsp_create(const char *name, const struct fastrpc_sim_mem_ops *ops,
		       void *priv);
void fastrpc_sim_dsp_destroy(struct fastrpc_sim_dsp *dsp);
void fastrpc_sim_dsp_start(struct fastrpc_sim_dsp *dsp);
void fastrpc_sim_dsp_stop(struct fastrpc_sim_dsp *dsp);
int fastrpc_sim_dsp_set_ept(struct fastrpc_sim_dsp *dsp,
			    struct rpmsg_endpoint *ept, rpmsg_rx_cb_t cb,
			    void *priv);
void fastrpc_sim_dsp_clear_ept(struct fastrpc_sim_dsp *dsp,
			       struct rpmsg_endpoint *ept);
int fastrpc_sim_dsp_queue(struct fastrpc_sim_dsp *dsp, const void *data,
			  int len);
int fastrpc_sim_dsp_echo(struct fastrpc_sim_dsp *dsp, const void *data,
			 size_t len);
void fastrpc_sim_dsp_flush(struct fastrpc_sim_dsp *dsp);
void fastrpc_sim_dsp_wake_pd(struct fastrpc_sim_dsp *dsp, u32 pgid);
void fastrpc_sim_dsp_resume(struct fastrpc_sim_dsp *dsp, u64 id);
bool fastrpc_sim_dsp_pd_busy(struct fastrpc_sim_dsp *dsp, u32 pgid);
bool fastrpc_sim_dsp_crashed(struct fastrpc_sim_dsp *dsp);
u32 fastrpc_sim_dsp_get_knob(struct fastrpc_sim_dsp *dsp,
			     enum fastrpc_sim_knob knob);
void fastrpc_sim_dsp_set_knob(struct fastrpc_sim_dsp *dsp,
			      enum fastrpc_sim_knob knob, u32 val);

/* fastrpc_sim_faults.c */
extern const char * const fastrpc_sim_knob_names[FASTRPC_SIM_NR_KNOBS];
void fastrpc_sim_faults_init(struct fastrpc_sim_dev *sdev);

/* fastrpc_sim_debugfs.c */
void fastrpc_sim_debugfs_add(struct fastrpc_sim_dsp *dsp,
			     struct dentry *parent);
void fastrpc_sim_debugfs_remove(struct fastrpc_sim_dsp *dsp);
void fastrpc_sim_debugfs_add_smmu(struct fastrpc_sim_dev *sdev);

/* fastrpc_sim_configfs.c */
int fastrpc_sim_configfs_init(void);
void fastrpc_sim_configfs_exit(void);

/* fastrpc_sim_main.c */
extern struct dentry *fastrpc_sim_debugfs_root;
int fastrpc_sim_dev_activate_locked(struct fastrpc_sim_dev *sdev);
void fastrpc_sim_dev_deactivate_locked(struct fastrpc_sim_dev *sdev);
void fastrpc_sim_dev_crash(struct fastrpc_sim_dev *sdev);
int fastrpc_sim_channel_add(struct fastrpc_sim_dev *sdev,
			    struct device *parent);
void fastrpc_sim_channel_remove(struct fastrpc_sim_dev *sdev);

/* fastrpc_sim_rproc.c */
int fastrpc_sim_rproc_add(struct fastrpc_sim_dev *sdev,
			  struct device *parent);
void fastrpc_sim_rproc_del(struct fastrpc_sim_dev *sdev);
void fastrpc_sim_rproc_crash(struct fastrpc_sim_dev *sdev);

#endif /* __FASTRPC_SIM_H__ */
