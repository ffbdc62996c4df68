/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FastRPC accel driver: devices, files and the module core.
 */
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

/*
 * Driver interface version, reported by DRM_IOCTL_VERSION and
 * DRM_FASTRPC_QUERY_DEVICE_INFO.
 *
 * 1.0: initial version: QUERY, PROCESS_INIT, INVOKE with inline arguments
 * 1.1: GEM buffer objects with PRIME, buffer arguments of INVOKE, MAP and
 *	UNMAP
 * 1.2: in- and out-handle arguments of INVOKE; a privileged device per
 *	domain (DRM_FASTRPC_DEVICE_PRIVILEGED), the only one that attaches to
 *	the root PD and to the sensors PD (DRM_FASTRPC_PROCESS_SENSORS):
 *	Documentation/accel/fastrpc/privilege.rst
 * 1.3: the audio PD and remote heap on reserved memory, QUERY_PROCESS
 * 1.4: write-combined objects (DRM_FASTRPC_GEM_WC); call buffers mapped
 *	for the call or in a bounded per-file cache, synced by range, and
 *	synchronised with other devices through their reservation objects
 */
#define FASTRPC_DRIVER_MAJOR		1
#define FASTRPC_DRIVER_MINOR		4

/* Version of the DSP wire protocol of fastrpc_proto.h */
#define FASTRPC_PROTOCOL_VERSION	1

/* Number of DSP domains, DRM_FASTRPC_DOMAIN_ADSP..DRM_FASTRPC_DOMAIN_GDSP1 */
#define FASTRPC_NUM_DOMAINS		7

struct drm_file;
struct fastrpc_channel;
struct fastrpc_quota;

/**
 * DOC: Locking
 *
 * ``fastrpc_devices_lock`` (global mutex)
 *   protects the table of per-domain devices; taken only at channel probe
 *   and at module exit.
 * ``fastrpc_device.lock`` (mutex)
 *   protects the device's channel pointer, online and secure state.
 * ``fastrpc_file.lock`` (mutex)
 *   protects the file's process state: channel, session, client id, PD type,
 *   init memory and the list of DSP mappings. PROCESS_INIT, MAP and UNMAP
 *   (and their legacy counterparts) hold it across their DSP call; INVOKE
 *   never takes it.
 * ``fastrpc_file.proc_lock`` (spinlock)
 *   channel, session, client id and PD type are written under both it and
 *   ``fastrpc_file.lock``; INVOKE takes its references to the process under
 *   it alone, so it never waits behind a DSP call of PROCESS_INIT or MAP.
 * ``fastrpc_file.calls_sem`` (rw_semaphore)
 *   user calls hold it for reading while they may reach the DSP; UNMAP
 *   tries it for writing (-EBUSY while a call holds it) under
 *   ``fastrpc_file.lock``.
 * ``fastrpc_channel.kept_lock`` (mutex)
 *   protects the channel's list of what is kept for the DSP; taken alone.
 * ``fastrpc_channel.heap_lock`` (mutex)
 *   protects the channel's static PD heap; held across INIT CREATE_STATIC.
 * ``fastrpc_file.maps_lock`` (mutex)
 *   protects the file's list of buffer objects mapped on its session; held
 *   while a mapping is looked up or created. A mapping's last reference is
 *   never dropped under it.
 * ``fastrpc_bo.lock`` (mutex)
 *   protects an object's list of mappings on sessions; taken after
 *   ``fastrpc_file.maps_lock`` and before ``fastrpc_cb.maps_lock``.
 * ``fastrpc_cb.maps_lock`` (mutex)
 *   protects the list of buffer objects mapped on a context bank's device
 *   and whether they are still mapped, and the context bank's payload
 *   cache; held while a mapping is undone or synced, so that the unbind of
 *   the device cannot race with either. Never held with
 *   ``fastrpc_channel.session_lock``.
 * ``fastrpc_channel.attrs_lock`` (mutex)
 *   protects the cached DSP capability attributes; held across the
 *   capability query so that only one query is sent.
 * ``fastrpc_channel.session_lock`` (mutex)
 *   protects the channel's list of context banks and, in each, the owner
 *   process and the use count of every slot.
 * ``fastrpc_channel.send_lock`` (rw_semaphore)
 *   protects the channel's rpmsg endpoint: senders hold it for reading,
 *   channel removal takes it for writing before the endpoint goes away.
 * ``fastrpc_channel.lock`` (spinlock, taken in the rpmsg callback)
 *   protects the context table, the sequence counter and the state of each
 *   call in the table (context word, answered, result).
 * ``fastrpc_quota.busy_lock`` (spinlock)
 *   protects a client's DSP busy time; taken under ``fastrpc_channel.lock``
 *   when a call enters or leaves the table, and alone by fdinfo.
 *
 * debugfs ``sessions`` pins each busy context bank with a use of one of its
 * slots under ``fastrpc_channel.session_lock``, then takes the bank's
 * ``maps_lock`` without it; it reads the clients under the lock of
 * ``fastrpc_device.clients`` with each ``fastrpc_file.proc_lock`` nested.
 *
 * Order: ``fastrpc_devices_lock`` -> ``fastrpc_device.lock`` ->
 * ``fastrpc_file.lock`` -> ``fastrpc_file.calls_sem`` ->
 * ``fastrpc_channel.heap_lock`` ->
 * ``fastrpc_channel.attrs_lock`` -> ``fastrpc_file.maps_lock`` ->
 * ``fastrpc_cb.maps_lock`` -> (the object's reservation lock, dma-buf
 * locks) -> ``fastrpc_channel.session_lock`` ->
 * ``fastrpc_channel.send_lock`` -> ``fastrpc_file.proc_lock`` ->
 * ``fastrpc_channel.lock`` -> ``fastrpc_quota.busy_lock``. Whatever lock
 * the transport holds around the callback (it may be a spinlock in hard IRQ
 * context) comes before ``fastrpc_channel.lock``.
 * Functions that expect a lock held end in ``_locked`` and assert it.
 */

/**
 * enum fastrpc_counter - debugfs counters of a device
 * @FASTRPC_CNT_CALLS: calls sent to the DSP
 * @FASTRPC_CNT_REPLIES: replies that completed a call
 * @FASTRPC_CNT_REPLIES_REJECTED: replies dropped as short, unknown, stale or
 *	duplicated
 * @FASTRPC_CNT_NOTIFICATIONS: PD notifications received
 * @FASTRPC_CNT_PDS_DOWN: processes the DSP reported dead (exit, kill or
 *	exception) while their client id was in use
 * @FASTRPC_CNT_IN_FLIGHT: calls in a context table now
 * @FASTRPC_CNT_ABANDONED: calls whose caller gave up (timeout or kill)
 * @FASTRPC_CNT_SESSIONS_BUSY: session requests refused, no slot free
 * @FASTRPC_CNT_BO_MAPS: buffer objects mapped on a session now
 * @FASTRPC_CNT_DSP_MAPS: DSP mappings (DRM_IOCTL_FASTRPC_MAP) now
 * @FASTRPC_CNT_PAYLOAD_ALLOCS: call payloads allocated on a context bank
 * @FASTRPC_CNT_PAYLOAD_CACHE_HITS: call payloads taken from a context
 *	bank's payload cache instead
 * @FASTRPC_CNT_PAYLOAD_CACHE_HELD: payload buffers in the payload caches of
 *	the context banks now
 * @FASTRPC_CNT_SESSIONS_USED: session slot uses now (files, calls, mappings
 *	and what is kept for the DSP)
 * @FASTRPC_CNT_PAYLOADS: buffers of the driver's own mapped on context
 *	banks now (payloads in use, init memory, static PD heaps)
 * @FASTRPC_CNT_CALLS_LIVE: calls not freed yet
 * @FASTRPC_CNT_KEPT: objects kept because the DSP may still use them, until
 *	it restarts
 * @FASTRPC_CNT_PINNED_PAGES: pages of buffer objects mapped on context banks
 *	now
 * @FASTRPC_CNT_LIMITED: calls refused by a per-client limit
 * @FASTRPC_CNT_OBJECTS: buffer objects of the device now, imports included
 * @FASTRPC_CNT_CACHE_EVICTIONS: mappings evicted from the files' caches
 * @FASTRPC_CNT_SYNCED_BYTES: bytes of buffer objects handed to the DMA
 *	API's syncs (no-ops on a cache-coherent context bank)
 * @FASTRPC_CNT_FENCE_WAITS: calls that waited for a fence of a buffer
 * @FASTRPC_CNT_COUNT: number of counters
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

/**
 * struct fastrpc_priv_drm - the privileged DRM device of a domain
 * @drm: DRM device; its parent is &fastrpc_device.priv_root
 */
struct fastrpc_priv_drm {
	struct drm_device drm;
};

/**
 * struct fastrpc_device - one DSP domain, behind two /dev/accel/accelN
 * @drm: the ordinary DRM device; its parent is @root
 * @root: per-domain root device owned by the driver, "fastrpc-<label>"
 * @priv: the privileged DRM device; its parent is @priv_root. It holds a
 *	reference to @drm, which owns this structure.
 * @priv_root: root device of @priv, "fastrpc-<label>-privileged"
 * @domain_id: DRM_FASTRPC_DOMAIN_*
 * @label: domain label ("adsp", "cdsp", ...)
 * @lock: see DOC: Locking
 * @channel: the bound channel (a reference is held), NULL while offline
 * @secure: the last bound channel was a secure domain
 * @clients: client ids (pgid) in use, 1..INT_MAX, allocated cyclically
 * @next_client: next client id to try
 * @counters: debugfs counters, see &enum fastrpc_counter
 *
 * Created fully initialised and registered at the first probe of a channel
 * of its domain; lives until the module is unloaded.
 */
struct fastrpc_device {
	struct drm_device drm;
	struct device *root;
	struct fastrpc_priv_drm *priv;
	struct device *priv_root;
	u32 domain_id;
	const char *label;

	struct mutex lock; /* protects channel, secure */
	struct fastrpc_channel *channel;
	bool secure;

	struct xarray clients;
	u32 next_client;

	atomic64_t counters[FASTRPC_CNT_COUNT];
};

/**
 * struct fastrpc_file - one open file, one client of the DSP
 * @fdev: device of the file
 * @drm: the DRM device the file's buffer objects belong to: the one an
 *	accel file was opened on, the ordinary one for a legacy file
 * @privileged: opened on a privileged node (privilege.rst)
 * @file: the DRM file of an accel file, whose GEM handles arguments may
 *	name; NULL for a file of a legacy node
 * @lock: see DOC: Locking
 * @channel: channel of the file's process (a reference), NULL before init
 * @session: session of the file's process, NULL before init
 * @client_id: client id (pgid) the DSP knows the process by, 0 before init
 * @pd: PD type of the process, FASTRPC_PD_*
 * @dsp_status: raw DSP result of the file's last INIT call, 0 when it
 *	succeeded or got no answer
 * @init_mem: init memory of a dynamic PD, kept until the file is closed
 * @dsp_maps: DSP mappings of DRM_IOCTL_FASTRPC_MAP, &struct fastrpc_dsp_map
 * @maps_lock: see DOC: Locking
 * @bo_maps: buffer objects mapped on @session that the file keeps, &struct
 *	fastrpc_bo_map, least recently used first: those in use by a call or
 *	MAP, those of DSP mappings, and the cached ones (buffers named by GEM
 *	handle, until the handle is closed or the cache evicts them). The
 *	list holds a reference to each.
 * @cache_entries: mappings of @bo_maps that are cached
 * @cache_pages: pages of those
 * @proc_lock: see DOC: Locking
 * @calls_sem: user calls of the file hold it for reading while they may
 *	reach the DSP; UNMAP takes it for writing, so that no call starts
 *	while a DSP mapping is undone
 * @quota: what the file's calls use, against the per-client limits; calls
 *	that outlive the file hold their own reference
 */
struct fastrpc_file {
	struct fastrpc_device *fdev;
	struct drm_device *drm;
	bool privileged;
	struct drm_file *file;

	/* channel, session, client_id and pd also under proc_lock */
	struct mutex lock; /* protects channel .. dsp_maps */
	struct fastrpc_channel *channel;
	struct fastrpc_session *session;
	u32 client_id;
	u32 pd;
	u32 dsp_status;
	struct fastrpc_dma init_mem;
	struct list_head dsp_maps;

	struct mutex maps_lock; /* protects bo_maps .. cache_pages */
	struct list_head bo_maps;
	unsigned int cache_entries;
	u64 cache_pages;

	spinlock_t proc_lock; /* protects channel, session, client_id, pd */
	struct rw_semaphore calls_sem;
	struct fastrpc_quota *quota;
};

/* The domain of either of its DRM devices: the drvdata of their parents */
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
