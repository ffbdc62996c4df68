/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __FASTRPC_DRV_H__
#define __FASTRPC_DRV_H__

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <asm/page.h>

#include <drm/drm_device.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_print.h>

#include <uapi/drm/fastrpc_accel.h>

struct device;
struct dma_buf;
struct dma_buf_attachment;
struct dma_fence;
struct dma_resv;
struct drm_file;
struct drm_gem_object;
struct fastrpc_call;
struct fastrpc_legacy;
struct fastrpc_msg;
struct fastrpc_proc_ref;
struct fastrpc_rheap;
struct mm_struct;
struct rpmsg_endpoint;
struct vm_area_struct;

struct fastrpc_rheap_buf {
	phys_addr_t phys; /* what the DSP is given */
	size_t size; /* 0 when not allocated */
	u64 owners; /* QCOM_SCM_VMID_* bits while assigned away, else 0 */
};

struct fastrpc_rheap *fastrpc_rheap_create(struct device *dev);
void fastrpc_rheap_destroy(struct fastrpc_rheap *rheap);
int fastrpc_rheap_alloc(struct fastrpc_rheap *rheap, size_t size, struct fastrpc_rheap_buf *buf);
void fastrpc_rheap_free(struct fastrpc_rheap *rheap, struct fastrpc_rheap_buf *buf);

#define FASTRPC_MAX_BUFS	(2 * 255)
#define FASTRPC_MAX_HANDLES	(2 * 15)

/* The kernel's own record of an argument: what the DSP writes is never read */
struct fastrpc_buf_rec {
	u64 len;
	bool mapped;		/* range of a mapped BO, accessed in place by the DSP */
	dma_addr_t dma;
	size_t offset;
};

struct fastrpc_handle_rec {
	u32 fd;
	u32 offset;
	u32 len;
	bool mapped;	/* the DSP is given the whole mapping [@dma, @dma + @size) */
	dma_addr_t dma;
	u64 size;	/* page multiple holding [@offset, @offset + @len) */
};

struct fastrpc_layout {
	u32 nbufs;
	u32 nhandles;
	const struct fastrpc_handle_rec *handles;
	size_t meta_len;
	size_t inline_off;
	size_t inline_len;
	size_t end;
	size_t size;
	struct fastrpc_buf_rec bufs[] __counted_by(nbufs);
};

int fastrpc_args_check_range(u64 ptr, u64 len);
int fastrpc_args_check_buf(u64 offset, u64 len, u64 size);
int fastrpc_layout_compute(struct fastrpc_layout *layout);
void fastrpc_layout_write_meta(const struct fastrpc_layout *layout,
			       void *payload, u32 sid, dma_addr_t dma);

/* FastRPC accel driver: context banks and their session slots. */

#define FASTRPC_CB_MAX_SLOTS	16 /* largest accepted qcom,nsessions */

/* Payload cache size classes: 1, 2, 4, ... pages up to 64 KiB */
#define FASTRPC_PAYLOAD_CACHE_CLASSES \
	(PAGE_SHIFT < 16 ? 17 - PAGE_SHIFT : 1)
#define FASTRPC_PAYLOAD_CACHE_DEPTH	2

/*
 * Driver-owned pages (memcg-charged) mapped on a session's device: still valid
 * for the CPU after the context bank is unbound, which only unmaps them.
 */
struct fastrpc_dma {
	void *vaddr; /* NULL when not allocated */
	dma_addr_t dma; /* one contiguous IOVA range, without the stream id */
	size_t size;
	struct sg_table sgt;
	bool contig; /* physically contiguous (no IOMMU), else vmap()ed pages */
	bool mapped; /* cleared at unbind; under fastrpc_cb.maps_lock */
	struct list_head node; /* in fastrpc_cb.bufs while mapped */
};

/* A buffer is here or, while a call uses it, on fastrpc_cb.bufs; never both. */
struct fastrpc_payload_cache {
	u64 gen; /* fastrpc_cb.owner_gen of the buffers' process */
	u8 count[FASTRPC_PAYLOAD_CACHE_CLASSES];
	struct fastrpc_dma bufs[FASTRPC_PAYLOAD_CACHE_CLASSES][FASTRPC_PAYLOAD_CACHE_DEPTH];
};

struct fastrpc_session {
	struct fastrpc_cb *cb;
	/* owner file, calls, mappings, kept memory; 0 <-> 1 under session_lock */
	refcount_t users;
};

struct fastrpc_cb {
	struct kref ref; /* the channel's list while bound, each slot user */
	struct fastrpc_channel *channel; /* a reference */
	struct device *dev; /* a reference */
	u32 sid;
	/* under fastrpc_channel.session_lock: */
	struct list_head node;
	struct mm_struct *owner; /* mmgrab()ed; NULL when all slots are free */
	u64 owner_gen; /* changes only while no slot is in use */
	u32 busy;
	bool dead; /* unbound; read locklessly by fastrpc_session_is_dead() */
	struct mutex maps_lock; /* protects maps, bufs, unmapped, cache */
	struct list_head maps;
	struct list_head bufs;
	bool unmapped; /* unbound and everything undone: map nothing new */
	struct fastrpc_payload_cache cache; /* kept for the same owner */
	u32 nslots;
	struct fastrpc_session slots[] __counted_by(nslots);
};

struct fastrpc_session *fastrpc_session_acquire(struct fastrpc_channel *channel,
						struct mm_struct *mm);
void fastrpc_session_get(struct fastrpc_session *session);
void fastrpc_session_put(struct fastrpc_session *session);
bool fastrpc_session_is_dead(struct fastrpc_session *session);
u64 fastrpc_session_wire_addr(struct fastrpc_session *session, dma_addr_t dma);
u32 fastrpc_session_sid(struct fastrpc_session *session);
int fastrpc_session_dma_alloc(struct fastrpc_session *session, size_t size,
			      struct fastrpc_dma *buf);
void fastrpc_session_dma_free(struct fastrpc_session *session, struct fastrpc_dma *buf);
void fastrpc_session_dma_move(struct fastrpc_session *session,
			      struct fastrpc_dma *dst, struct fastrpc_dma *src);
void fastrpc_session_dma_sync(struct fastrpc_session *session,
			      struct fastrpc_dma *buf, bool for_device);
int fastrpc_sgt_contiguous(struct sg_table *sgt, size_t size, dma_addr_t *iova);
int fastrpc_session_payload_get(struct fastrpc_session *session, size_t size,
				struct fastrpc_dma *buf, bool *reused);
void fastrpc_session_payload_put(struct fastrpc_session *session, struct fastrpc_dma *buf);
struct fastrpc_cb *fastrpc_cb_create(struct fastrpc_channel *channel,
				     struct device *dev, u32 sid, u32 nslots);
void fastrpc_cb_unlist(struct fastrpc_cb *cb);
void fastrpc_cb_destroy(struct fastrpc_cb *cb);
u32 fastrpc_channel_num_sessions(struct fastrpc_channel *channel);

/* FastRPC accel driver: the channel to one DSP and its table of calls. */

/*
 * References: the rpmsg binding (until remove), the device while attached,
 * each file with a process on it, each context bank and each call.
 */
struct fastrpc_channel {
	struct kref ref;
	struct fastrpc_device *fdev; /* outlives every channel */
	bool secure;
	bool noncoherent; /* a context bank may not be cache-coherent (DT) */

	struct rw_semaphore send_lock; /* protects ept */
	struct rpmsg_endpoint *ept; /* NULL once stopped */

	spinlock_t lock; /* protects calls, next_index, seq, dead, call state, pd_down writes */
	struct xarray calls; /* unanswered calls, by index 1..FASTRPC_CTX_MAX_INDEX */
	u32 next_index;
	u64 seq;
	bool dead;
	struct xarray pd_down; /* clients the DSP reported dead, until forgotten */

	struct mutex session_lock; /* protects cbs and their slots */
	struct list_head cbs;

	struct mutex attrs_lock; /* protects attrs_valid, dsp_attrs */
	bool attrs_valid;
	u32 dsp_attrs[DRM_FASTRPC_DSP_ATTR_COUNT];

	/* static PDs' heap: in @rheap if set, else on @heap_session's bank */
	struct mutex heap_lock; /* protects heap_session, heap, heap_rbuf */
	struct fastrpc_session *heap_session;
	struct fastrpc_dma heap;
	struct fastrpc_rheap *rheap; /* DT "memory-region" for heaps, or NULL */
	struct fastrpc_rheap_buf heap_rbuf;

	/* what the DSP may still use after calls that got no answer */
	struct mutex kept_lock; /* protects kept, kept_reclaimed */
	struct list_head kept;
	bool kept_reclaimed; /* stopped: give back at once */

	struct fastrpc_legacy *legacy; /* set at probe, cleared at remove */
};

struct fastrpc_reply_match {
	u64 ctx; /* context word sent with the call */
	bool answered; /* by a reply or by the channel stopping */
};

enum fastrpc_reply_class {
	FASTRPC_REPLY_GOOD,
	FASTRPC_REPLY_SHORT,
	FASTRPC_REPLY_NOTIFICATION,
	FASTRPC_REPLY_BAD_INDEX,
	FASTRPC_REPLY_MISMATCH, /* stale or forged sequence number or PD bits */
	FASTRPC_REPLY_ANSWERED,
};

enum fastrpc_reply_class
fastrpc_reply_classify(const void *data, size_t len, const struct fastrpc_reply_match *entry);

struct fastrpc_channel *fastrpc_channel_create(struct fastrpc_device *fdev, bool secure);
void fastrpc_channel_start(struct fastrpc_channel *channel, struct rpmsg_endpoint *ept);
unsigned int fastrpc_channel_stop(struct fastrpc_channel *channel);
struct fastrpc_channel *fastrpc_channel_get(struct fastrpc_channel *channel);
void fastrpc_channel_put(struct fastrpc_channel *channel);
bool fastrpc_channel_is_dead(struct fastrpc_channel *channel);
int fastrpc_channel_submit(struct fastrpc_channel *channel,
			   struct fastrpc_call *call, struct fastrpc_msg *msg,
			   u32 pd);
void fastrpc_channel_retire_client(struct fastrpc_channel *channel, u32 client);
bool fastrpc_channel_client_busy(struct fastrpc_channel *channel, u32 client);
bool fastrpc_channel_client_down(struct fastrpc_channel *channel, u32 client);
void fastrpc_channel_forget_client(struct fastrpc_channel *channel, u32 client);
int fastrpc_channel_init(void);
void fastrpc_channel_exit(void);
void fastrpc_channel_receive(struct fastrpc_channel *channel, const void *data, size_t len);

/* Reported by DRM_IOCTL_VERSION and DRM_FASTRPC_QUERY_DEVICE_INFO */
#define FASTRPC_DRIVER_MAJOR		1
#define FASTRPC_DRIVER_MINOR		0

/* Version of the DSP wire protocol of fastrpc_proto.h */
#define FASTRPC_PROTOCOL_VERSION	1

#define FASTRPC_NUM_DOMAINS		7

/**
 * DOC: Locking
 *
 * Order: fastrpc_devices_lock -> fastrpc_device.lock -> fastrpc_file.lock ->
 * fastrpc_file.calls_sem -> fastrpc_channel.heap_lock -> .attrs_lock ->
 * fastrpc_file.maps_lock -> fastrpc_bo.lock -> fastrpc_cb.maps_lock ->
 * (reservation and dma-buf locks) -> fastrpc_channel.session_lock ->
 * .send_lock -> fastrpc_file.proc_lock -> fastrpc_channel.lock ->
 * fastrpc_quota.busy_lock. fastrpc_channel.kept_lock is taken alone; the
 * transport's lock around the rpmsg callback (maybe a hard-IRQ spinlock)
 * comes before fastrpc_channel.lock.
 *
 * fastrpc_file.lock is held across the DSP call of INIT, MAP and UNMAP;
 * INVOKE reads the process under proc_lock alone so it never waits behind
 * one. Calls hold calls_sem for reading while they may reach the DSP; UNMAP
 * trylocks it for writing. fastrpc_cb.maps_lock is held while a mapping is
 * undone or synced so the device's unbind cannot race either, never with
 * session_lock: debugfs pins a bank with a slot use under session_lock,
 * then takes maps_lock alone. No mapping's last reference is dropped under
 * fastrpc_file.maps_lock.
 */

enum fastrpc_counter {
	FASTRPC_CNT_CALLS,
	FASTRPC_CNT_REPLIES,
	FASTRPC_CNT_REPLIES_REJECTED,
	FASTRPC_CNT_NOTIFICATIONS,
	FASTRPC_CNT_PDS_DOWN,
	FASTRPC_CNT_IN_FLIGHT,
	FASTRPC_CNT_ABANDONED,
	FASTRPC_CNT_SESSIONS_BUSY,
	FASTRPC_CNT_BO_MAPS,
	FASTRPC_CNT_DSP_MAPS,
	FASTRPC_CNT_PAYLOAD_ALLOCS,
	FASTRPC_CNT_PAYLOAD_CACHE_HITS,
	FASTRPC_CNT_PAYLOAD_CACHE_HELD,
	FASTRPC_CNT_SESSIONS_USED,
	FASTRPC_CNT_PAYLOADS,
	FASTRPC_CNT_CALLS_LIVE,
	FASTRPC_CNT_KEPT,
	FASTRPC_CNT_PINNED_PAGES,
	FASTRPC_CNT_LIMITED,
	FASTRPC_CNT_OBJECTS,
	FASTRPC_CNT_CACHE_EVICTIONS,
	FASTRPC_CNT_SYNCED_BYTES,
	FASTRPC_CNT_FENCE_WAITS,
	FASTRPC_CNT_COUNT,
};

struct fastrpc_priv_drm {
	struct drm_device drm;
};

/* One DSP domain; lives until module unload. @priv holds a ref to @drm. */
struct fastrpc_device {
	struct drm_device drm;
	struct device *root;
	struct fastrpc_priv_drm *priv;
	struct device *priv_root;
	u32 domain_id;
	const char *label;

	struct mutex lock; /* protects channel, secure */
	struct fastrpc_channel *channel; /* a reference; NULL while offline */
	bool secure;

	struct xarray clients; /* client ids (pgid), allocated cyclically */
	u32 next_client;

	atomic64_t counters[FASTRPC_CNT_COUNT];
};

struct fastrpc_file {
	struct fastrpc_device *fdev;
	struct drm_device *drm; /* owner of the file's BOs */
	bool privileged;
	struct drm_file *file; /* NULL for a legacy file */

	/* channel, session, client_id and pd also under proc_lock */
	struct mutex lock; /* protects channel .. dsp_maps */
	struct fastrpc_channel *channel; /* a reference */
	struct fastrpc_session *session;
	u32 client_id;
	u32 pd;
	u32 dsp_status;
	struct fastrpc_dma init_mem;
	struct list_head dsp_maps;

	struct mutex maps_lock; /* protects bo_maps .. cache_pages */
	struct list_head bo_maps; /* holds a reference to each; LRU first */
	unsigned int cache_entries;
	u64 cache_pages;

	spinlock_t proc_lock; /* protects channel, session, client_id, pd */
	struct rw_semaphore calls_sem;
	struct fastrpc_quota *quota; /* unanswered calls hold their own ref */
};

/* The drvdata of the parent of either DRM device of a domain */
static inline struct fastrpc_device *to_fastrpc_device(struct drm_device *drm)
{
	return dev_get_drvdata(drm->dev);
}

static inline void fastrpc_count(struct fastrpc_device *fdev,
				 enum fastrpc_counter counter)
{
	atomic64_inc(&fdev->counters[counter]);
}

static inline void fastrpc_uncount(struct fastrpc_device *fdev,
				   enum fastrpc_counter counter)
{
	atomic64_dec(&fdev->counters[counter]);
}

static inline void fastrpc_count_add(struct fastrpc_device *fdev,
				     enum fastrpc_counter counter, s64 n)
{
	atomic64_add(n, &fdev->counters[counter]);
}

static inline bool fastrpc_domain_runs_unsigned(u32 domain_id)
{
	return domain_id >= DRM_FASTRPC_DOMAIN_CDSP;
}

int fastrpc_file_init(struct fastrpc_file *ffile, struct fastrpc_device *fdev,
		      struct drm_file *file);
void fastrpc_file_fini(struct fastrpc_file *ffile);
struct fastrpc_channel *fastrpc_device_get_channel(struct fastrpc_device *fdev);
bool fastrpc_device_is_online(struct fastrpc_device *fdev);

/* FastRPC accel driver: buffer objects, PRIME and mappings on sessions. */

struct fastrpc_bo {
	struct drm_gem_shmem_object base; /* only base.base for an import */
	/* foreign dma-buf or NULL; mapped per session, not via the PRIME attach */
	struct dma_buf *import;
	struct mutex lock; /* protects maps */
	struct list_head maps;
};

static inline struct fastrpc_bo *to_fastrpc_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct fastrpc_bo, base.base);
}

/*
 * References: the file's list (until its session is released), each call
 * until the DSP answered, each DSP mapping.
 */
struct fastrpc_bo_map {
	struct kref ref;
	/* under fastrpc_file.maps_lock: */
	struct list_head node; /* in fastrpc_file.bo_maps */
	bool listed; /* the list holds a reference */
	unsigned int users; /* lookups not yet given back (fastrpc_mem_put_map()) */
	bool cached;
	unsigned int dsp_pins;
	struct list_head cb_node; /* under fastrpc_cb.maps_lock */
	struct list_head bo_node; /* under fastrpc_bo.lock */
	bool unmapped; /* undone at unbind; under fastrpc_cb.maps_lock */
	struct fastrpc_device *fdev;
	struct mm_struct *mm; /* pinned pages are charged to it; a reference */
	struct drm_gem_object *obj; /* a reference */
	struct fastrpc_session *session; /* a slot use: bank and device stay */
	struct dma_buf_attachment *attach; /* imports only */
	struct sg_table *sgt;
	dma_addr_t iova; /* one contiguous range, without the stream id */
};

struct drm_gem_object *fastrpc_gem_create_object(struct drm_device *drm, size_t size);
struct drm_gem_object *fastrpc_gem_prime_import(struct drm_device *drm, struct dma_buf *dmabuf);
struct drm_gem_object *fastrpc_gem_import_transient(struct drm_device *drm, struct dma_buf *dmabuf);
struct drm_gem_object *fastrpc_gem_from_dmabuf(struct drm_device *drm, struct dma_buf *dmabuf);
struct drm_gem_object *fastrpc_gem_create_kernel(struct fastrpc_device *fdev, u64 size, bool wc);
int fastrpc_gem_create_dmabuf_fd(struct fastrpc_device *fdev, u64 size, bool wc, int fd_flags);
int fastrpc_ioctl_gem_create(struct drm_device *drm, void *data, struct drm_file *file);
int fastrpc_ioctl_gem_mmap_offset(struct drm_device *drm, void *data, struct drm_file *file);

struct fastrpc_bo_map *fastrpc_bo_map_create(struct drm_gem_object *obj,
					     struct fastrpc_session *session);
void fastrpc_bo_map_get(struct fastrpc_bo_map *map);
void fastrpc_bo_map_put(struct fastrpc_bo_map *map);
void fastrpc_bo_map_sync(struct fastrpc_bo_map *map, u64 offset, u64 len, bool for_device);
void fastrpc_bo_unmap_all(struct fastrpc_cb *cb);

/* A range of a buffer mapped into a DSP process, on &fastrpc_file.dsp_maps */
struct fastrpc_dsp_map {
	struct list_head node;
	u64 dsp_addr;
	u64 offset;
	u64 len;
	u32 fd;
	bool heap;
	bool lost;	/* unanswered: the DSP may use an unknown address */
	struct fastrpc_bo_map *map;	/* NULL for reserved memory */
	struct fastrpc_rheap_buf rbuf;
};

struct fastrpc_mem_req {
	u64 offset;
	u64 len;
	u32 fd;
	bool heap;
	u32 flags;
	u32 dsp_offset;
	u64 vaddrin;
	u64 dsp_addr;		/* out */
};

/*
 * Memory the DSP may use after an unanswered call, kept mapped until the
 * channel stops; @session keeps the context bank from other processes.
 */
struct fastrpc_kept {
	struct list_head node;
	struct fastrpc_session *session;
	struct fastrpc_dma buf;
	struct fastrpc_bo_map *map;
	struct fastrpc_rheap_buf rbuf;
};

int fastrpc_mem_get_map(struct fastrpc_file *ffile,
			struct fastrpc_session *session, u32 flags, u32 handle,
			u64 offset, u64 len, struct fastrpc_bo_map **mapp);
int fastrpc_mem_get_map_dmabuf(struct fastrpc_file *ffile,
			       struct fastrpc_session *session,
			       struct dma_buf *dmabuf, u64 offset, u64 len,
			       struct fastrpc_bo_map **mapp);
void fastrpc_mem_put_map(struct fastrpc_file *ffile, struct fastrpc_bo_map *map);
void fastrpc_bo_map_unlist_idle_locked(struct fastrpc_bo_map *map, struct list_head *put);
void fastrpc_bo_map_uncache_locked(struct fastrpc_file *ffile, struct fastrpc_bo_map *map,
				   struct list_head *put);
void fastrpc_bo_map_put_list(struct list_head *put);
int fastrpc_mem_lock_proc(struct fastrpc_file *ffile, struct fastrpc_proc_ref *proc);
int fastrpc_mem_dsp_map_locked(struct fastrpc_file *ffile,
			       struct fastrpc_bo_map *map,
			       struct fastrpc_mem_req *req);
int fastrpc_mem_dsp_unmap_locked(struct fastrpc_file *ffile, struct fastrpc_dsp_map *dsp);
void fastrpc_reclaim_kept(struct fastrpc_channel *channel);
void fastrpc_dsp_map_free(struct fastrpc_channel *channel, struct fastrpc_dsp_map *dsp);
int fastrpc_mem_dsp_map_rheap_locked(struct fastrpc_file *ffile, u64 len, u32 fd, u64 *dsp_addr);
int fastrpc_ioctl_map(struct drm_device *drm, void *data, struct drm_file *file);
int fastrpc_ioctl_unmap(struct drm_device *drm, void *data, struct drm_file *file);

/* The caller states where the bytes are (@map, @user), never the address */
struct fastrpc_karg {
	u64 len;
	struct fastrpc_bo_map *map;
	u64 offset;
	u32 fd;
	bool user;
	union {
		void __user *uptr;
		void *kptr;
	};
};

struct fastrpc_call_params {
	u32 handle;
	u32 sc;
	u32 pid;
	u32 client;
	u32 pd;
	struct fastrpc_karg *args;
	u32 nargs;
	u32 timeout_ms;
	bool killable;
	/* NULL for a kernel call; else per-client limits apply and UNMAP waits */
	struct fastrpc_file *user_file;
	u32 dsp_status;		/* out */
};

struct fastrpc_quota {
	refcount_t ref;		/* the client's file and each call until freed */
	atomic_t calls;
	atomic_t abandoned;
	atomic64_t abandoned_bytes;

	spinlock_t busy_lock; /* protects busy_*; IRQs off, inside channel lock */
	u32 busy_calls;
	u64 busy_since;
	u64 busy_ns;
};

struct fastrpc_call_map {
	struct fastrpc_bo_map *map;
	u64 offset;
	u64 len;
	bool write;		/* the DSP may write the range */
};

struct fastrpc_call {
	/* the caller's, and the context table's until answered or stopped */
	struct kref ref;
	struct fastrpc_channel *channel;
	struct fastrpc_session *session;
	struct work_struct release_work;

	u32 client;
	u32 index;
	struct fastrpc_reply_match match;	/* under &fastrpc_channel.lock */
	int result;		/* under &fastrpc_channel.lock until @done */
	u32 retval;
	struct completion done;

	/* the DSP may write it until it replies: cached again only when freed */
	struct fastrpc_dma payload;
	struct fastrpc_layout *layout;
	u32 nmaps;
	struct fastrpc_call_map *maps;
	struct dma_fence *fence;
	struct fastrpc_quota *quota;
	bool abandoned;
	bool system;		/* a system handle other than INIT: UNMAP need not wait */
};

struct fastrpc_quota *fastrpc_quota_alloc(void);
void fastrpc_quota_put(struct fastrpc_quota *quota);
u64 fastrpc_quota_busy_ns(struct fastrpc_quota *quota);
int fastrpc_dsp_result_to_errno(u32 retval);
int fastrpc_call_sync(struct fastrpc_channel *channel,
		      struct fastrpc_session *session,
		      struct fastrpc_call_params *params);
u32 fastrpc_kernel_timeout_ms(void);

#define FASTRPC_STATIC_HEAP_MAX		SZ_64M
#define FASTRPC_AUDIO_PD_NAME		"audiopd"

/* A file's process, held for one call */
struct fastrpc_proc_ref {
	struct fastrpc_channel *channel;	/* reference */
	struct fastrpc_session *session;	/* slot use */
	u32 client_id;
	u32 pd;
};

int fastrpc_proc_get(struct fastrpc_file *ffile, struct fastrpc_proc_ref *ref);
void fastrpc_proc_put(struct fastrpc_proc_ref *ref);
bool fastrpc_proc_unanswered(int ret, u32 dsp_status);
int fastrpc_proc_init_call_locked(struct fastrpc_file *ffile, u32 sc,
				  struct fastrpc_karg *args, u32 nargs);
int fastrpc_proc_bind_locked(struct fastrpc_file *ffile, struct fastrpc_channel *channel);
int fastrpc_proc_create_locked(struct fastrpc_file *ffile,
			       const struct fastrpc_karg *shell, u32 attrs,
			       u32 siglen);
int fastrpc_proc_attach_locked(struct fastrpc_file *ffile, u32 pd);
int fastrpc_proc_create_static_locked(struct fastrpc_file *ffile,
				      const char *name, u32 namelen,
				      u64 memlen);
void fastrpc_proc_static_release_locked(struct fastrpc_channel *channel);
int fastrpc_proc_dsp_attrs(struct fastrpc_file *ffile, u32 *attrs);
int fastrpc_ioctl_process_init(struct drm_device *drm, void *data, struct drm_file *file);
int fastrpc_ioctl_query(struct drm_device *drm, void *data, struct drm_file *file);

struct dma_fence *fastrpc_fence_create(void);
long fastrpc_fence_wait(struct dma_resv *resv, bool write, bool intr, long timeout, bool *waited);
int fastrpc_fence_add(struct dma_resv *resv, struct dma_fence *fence, bool write);
void fastrpc_fence_end(struct dma_fence *fence, int error);

#if IS_ENABLED(CONFIG_DRM_ACCEL_FASTRPC_LEGACY)
int fastrpc_legacy_register(struct fastrpc_channel *channel);
void fastrpc_legacy_unregister(struct fastrpc_channel *channel);
#else
static inline int fastrpc_legacy_register(struct fastrpc_channel *channel)
{
	return 0;
}

static inline void fastrpc_legacy_unregister(struct fastrpc_channel *channel)
{
}
#endif

#if IS_ENABLED(CONFIG_DEBUG_FS)
void fastrpc_debugfs_init(struct fastrpc_device *fdev);
#else
static inline void fastrpc_debugfs_init(struct fastrpc_device *fdev)
{
}
#endif

/* @handle: argument @i is a handle, after the buffers of the call's sc */
typedef int (*fastrpc_read_arg_t)(struct fastrpc_file *ffile,
				  struct fastrpc_session *session,
				  const void *uargs, u32 i, bool handle,
				  struct fastrpc_karg *karg);
int fastrpc_user_invoke(struct fastrpc_file *ffile,
			struct fastrpc_call_params *params,
			fastrpc_read_arg_t read_arg, const void *uargs);
extern const struct drm_driver fastrpc_drm_driver;

#endif /* __FASTRPC_DRV_H__ */
