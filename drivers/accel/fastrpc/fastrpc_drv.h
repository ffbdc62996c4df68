/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __FASTRPC_DRV_H__
#define __FASTRPC_DRV_H__

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>

#include "fastrpc_session.h"

/* Reported by DRM_IOCTL_VERSION and DRM_FASTRPC_QUERY_DEVICE_INFO */
#define FASTRPC_DRIVER_MAJOR		1
#define FASTRPC_DRIVER_MINOR		4

/* Version of the DSP wire protocol of fastrpc_proto.h */
#define FASTRPC_PROTOCOL_VERSION	1

#define FASTRPC_NUM_DOMAINS		7

struct drm_file;
struct fastrpc_channel;
struct fastrpc_quota;

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

int fastrpc_file_init(struct fastrpc_file *ffile, struct fastrpc_device *fdev,
		      struct drm_file *file);
void fastrpc_file_fini(struct fastrpc_file *ffile);
int fastrpc_domain_from_label(const char *label);
const char *fastrpc_domain_label(u32 domain_id);
bool fastrpc_domain_runs_unsigned(u32 domain_id);
struct fastrpc_device *fastrpc_device_get_or_create(u32 domain_id);
int fastrpc_device_attach(struct fastrpc_device *fdev,
			  struct fastrpc_channel *channel);
void fastrpc_device_detach(struct fastrpc_device *fdev,
			   struct fastrpc_channel *channel);
struct fastrpc_channel *fastrpc_device_get_channel(struct fastrpc_device *fdev);
bool fastrpc_device_is_online(struct fastrpc_device *fdev);

#endif /* __FASTRPC_DRV_H__ */
