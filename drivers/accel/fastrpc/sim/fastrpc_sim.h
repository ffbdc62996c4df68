/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Simulated Hexagon DSP for the FastRPC drivers: shared definitions.
 */
#ifndef __FASTRPC_SIM_H__
#define __FASTRPC_SIM_H__

#include <linux/atomic.h>
#include <linux/configfs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/types.h>

struct dentry;
struct device;
struct kref;
struct rpmsg_device;
struct rpmsg_endpoint;
struct workqueue_struct;

/**
 * enum fastrpc_sim_stat - counters of a simulated DSP
 * @FASTRPC_SIM_STAT_MESSAGES: messages received
 * @FASTRPC_SIM_STAT_REPLIES: replies sent
 * @FASTRPC_SIM_STAT_ERRORS: requests answered with a non-zero retval
 * @FASTRPC_SIM_STAT_FAULTS: address check failures
 * @FASTRPC_SIM_STAT_BAD_REQUESTS: malformed requests
 * @FASTRPC_SIM_STAT_INLINE_BYTES: argument bytes read or written
 * @FASTRPC_SIM_NR_STATS: number of counters
 */
enum fastrpc_sim_stat {
	FASTRPC_SIM_STAT_MESSAGES,
	FASTRPC_SIM_STAT_REPLIES,
	FASTRPC_SIM_STAT_ERRORS,
	FASTRPC_SIM_STAT_FAULTS,
	FASTRPC_SIM_STAT_BAD_REQUESTS,
	FASTRPC_SIM_STAT_INLINE_BYTES,
	FASTRPC_SIM_NR_STATS,
};

/**
 * enum fastrpc_sim_knob - fault knobs, each consumed by one reply
 * @FASTRPC_SIM_KNOB_DROP_REPLY: send no reply
 * @FASTRPC_SIM_KNOB_SHORT_REPLY: send only 8 bytes
 * @FASTRPC_SIM_KNOB_DUP_REPLY: send the reply twice
 * @FASTRPC_SIM_KNOB_BAD_CTX: flip a bit of the context index
 * @FASTRPC_SIM_KNOB_NOTIFY: send a PD status notification first
 * @FASTRPC_SIM_NR_KNOBS: number of knobs
 */
enum fastrpc_sim_knob {
	FASTRPC_SIM_KNOB_DROP_REPLY,
	FASTRPC_SIM_KNOB_SHORT_REPLY,
	FASTRPC_SIM_KNOB_DUP_REPLY,
	FASTRPC_SIM_KNOB_BAD_CTX,
	FASTRPC_SIM_KNOB_NOTIFY,
	FASTRPC_SIM_NR_KNOBS,
};

/**
 * struct fastrpc_sim_mem_ops - how the DSP reaches memory the host described
 * @map: return a CPU pointer to @len bytes at device address @iova of
 *       stream @sid, or NULL if that memory cannot be reached
 * @unmap: release a pointer returned by @map
 *
 * Every access of the DSP to host memory goes through these, after the
 * address checks. The default translates with dma-direct semantics; a
 * simulated SMMU or a test can replace it.
 */
struct fastrpc_sim_mem_ops {
	void *(*map)(void *priv, u32 sid, u64 iova, size_t len);
	void (*unmap)(void *priv, void *va);
};

/**
 * struct fastrpc_sim_dsp - state of one simulated DSP
 * @name: instance name, used in logs
 * @mem_ops: translation of device addresses
 * @mem_priv: argument of @mem_ops
 * @wq: workqueue running the requests
 * @req_lock: protects @online, @ept and @reqs
 * @online: requests are accepted
 * @ept: endpoint replies go to, or NULL
 * @reqs: requests received and not yet answered
 * @nreqs: number of entries of @reqs
 * @pd_lock: protects @pds, @npds and @next_handle, and serialises the
 *           handling of requests
 * @pds: protection domains (struct fastrpc_sim_pd)
 * @npds: number of entries of @pds
 * @next_handle: cursor of module handle allocation
 * @stats: counters, see enum fastrpc_sim_stat
 * @knobs: fault knobs, see enum fastrpc_sim_knob
 * @debugfs: debugfs directory of the instance
 */
struct fastrpc_sim_dsp {
	const char *name;
	const struct fastrpc_sim_mem_ops *mem_ops;
	void *mem_priv;
	struct workqueue_struct *wq;

	struct mutex req_lock;	/* protects online, ept, reqs, nreqs */
	bool online;
	struct rpmsg_endpoint *ept;
	struct list_head reqs;
	unsigned int nreqs;

	struct mutex pd_lock;	/* protects pds, npds, next_handle */
	struct list_head pds;
	unsigned int npds;
	u32 next_handle;

	atomic64_t stats[FASTRPC_SIM_NR_STATS];
	atomic_t knobs[FASTRPC_SIM_NR_KNOBS];
	struct dentry *debugfs;
};

#define FASTRPC_SIM_LABEL_LEN		8
#define FASTRPC_SIM_MAX_SESSIONS	14

/**
 * struct fastrpc_sim_dev - one configfs instance
 * @group: configfs group of the instance directory
 * @lock: protects every field below
 * @label: value of the DT "label" property
 * @sessions: number of compute-cb children
 * @nsessions: "qcom,nsessions" of each child
 * @secure: leave out "qcom,non-secure-domain"
 * @live: the DT node and the rpmsg device exist
 * @id: instance number, makes the rpmsg device name unique
 * @dsp: the simulated DSP
 * @ocs: changeset that built the DT node, while live
 * @np: the channel DT node, while live
 * @rpdev: the rpmsg device, while live
 */
struct fastrpc_sim_dev {
	struct config_group group;
	struct mutex lock;	/* protects the fields below */
	char label[FASTRPC_SIM_LABEL_LEN];
	u32 sessions;
	u32 nsessions;
	bool secure;
	bool live;
	int id;
	struct fastrpc_sim_dsp *dsp;
	struct of_changeset ocs;
	struct device_node *np;
	struct rpmsg_device *rpdev;
};

static inline void fastrpc_sim_count(struct fastrpc_sim_dsp *dsp,
				     enum fastrpc_sim_stat stat, u64 n)
{
	atomic64_add(n, &dsp->stats[stat]);
}

/* fastrpc_sim_dsp.c */
extern const struct fastrpc_sim_mem_ops fastrpc_sim_phys_mem_ops;
u32 fastrpc_sim_dsp_handle(struct fastrpc_sim_dsp *dsp, const void *data,
			   size_t len, unsigned int *delay_ms);
void fastrpc_sim_dsp_forget_pds(struct fastrpc_sim_dsp *dsp);

/* fastrpc_sim_queue.c */
struct fastrpc_sim_dsp *
fastrpc_sim_dsp_create(const char *name, const struct fastrpc_sim_mem_ops *ops,
		       void *priv);
void fastrpc_sim_dsp_destroy(struct fastrpc_sim_dsp *dsp);
void fastrpc_sim_dsp_start(struct fastrpc_sim_dsp *dsp);
void fastrpc_sim_dsp_stop(struct fastrpc_sim_dsp *dsp);
int fastrpc_sim_dsp_set_ept(struct fastrpc_sim_dsp *dsp,
			    struct rpmsg_endpoint *ept);
void fastrpc_sim_dsp_clear_ept(struct fastrpc_sim_dsp *dsp,
			       struct rpmsg_endpoint *ept);
int fastrpc_sim_dsp_queue(struct fastrpc_sim_dsp *dsp, const void *data,
			  int len);
void fastrpc_sim_dsp_wake_pd(struct fastrpc_sim_dsp *dsp, u32 pgid);

/* fastrpc_sim_debugfs.c */
void fastrpc_sim_debugfs_add(struct fastrpc_sim_dsp *dsp,
			     struct dentry *parent);
void fastrpc_sim_debugfs_remove(struct fastrpc_sim_dsp *dsp);

/* fastrpc_sim_configfs.c */
int fastrpc_sim_configfs_init(void);
void fastrpc_sim_configfs_exit(void);

/* fastrpc_sim_main.c */
extern struct dentry *fastrpc_sim_debugfs_root;
void fastrpc_sim_ept_release(struct kref *ref);
int fastrpc_sim_dev_activate_locked(struct fastrpc_sim_dev *sdev);
void fastrpc_sim_dev_deactivate_locked(struct fastrpc_sim_dev *sdev);

#endif /* __FASTRPC_SIM_H__ */
