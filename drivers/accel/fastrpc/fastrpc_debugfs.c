// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: debugfs.
 *
 * /sys/kernel/debug/accel/fastrpc-<label>/counters holds one "name value"
 * line per counter of &enum fastrpc_counter.
 */

#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>

#include "fastrpc_debugfs.h"
#include "fastrpc_drv.h"

static const char * const fastrpc_counter_names[FASTRPC_CNT_COUNT] = {
	[FASTRPC_CNT_CALLS] = "calls",
	[FASTRPC_CNT_REPLIES] = "replies",
	[FASTRPC_CNT_REPLIES_REJECTED] = "replies_rejected",
	[FASTRPC_CNT_NOTIFICATIONS] = "notifications",
	[FASTRPC_CNT_PDS_DOWN] = "pds_down",
	[FASTRPC_CNT_IN_FLIGHT] = "in_flight",
	[FASTRPC_CNT_ABANDONED] = "abandoned",
	[FASTRPC_CNT_SESSIONS_BUSY] = "sessions_busy",
	[FASTRPC_CNT_BO_MAPS] = "bo_maps",
	[FASTRPC_CNT_DSP_MAPS] = "dsp_maps",
	[FASTRPC_CNT_PAYLOAD_ALLOCS] = "payload_allocs",
	[FASTRPC_CNT_PAYLOAD_CACHE_HITS] = "payload_cache_hits",
	[FASTRPC_CNT_PAYLOAD_CACHE_HELD] = "payload_cache_held",
	[FASTRPC_CNT_SESSIONS_USED] = "sessions_used",
	[FASTRPC_CNT_PAYLOADS] = "payloads",
	[FASTRPC_CNT_CALLS_LIVE] = "calls_live",
	[FASTRPC_CNT_KEPT] = "kept",
	[FASTRPC_CNT_PINNED_PAGES] = "pinned_pages",
	[FASTRPC_CNT_LIMITED] = "limited",
	[FASTRPC_CNT_OBJECTS] = "objects",
	[FASTRPC_CNT_CACHE_EVICTIONS] = "cache_evictions",
	[FASTRPC_CNT_SYNCED_BYTES] = "synced_bytes",
	[FASTRPC_CNT_FENCE_WAITS] = "fence_waits",
};

static int fastrpc_debugfs_counters_show(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct fastrpc_device *fdev = to_fastrpc_device(entry->dev);
	int i;

	for (i = 0; i < FASTRPC_CNT_COUNT; i++)
		seq_printf(m, "%s %lld\n", fastrpc_counter_names[i],
			   atomic64_read(&fdev->counters[i]));
	return 0;
}

static const struct drm_debugfs_info fastrpc_debugfs_list[] = {
	{ "counters", fastrpc_debugfs_counters_show, 0 },
};

/**
 * fastrpc_debugfs_init() - create the debugfs files of a device
 * @fdev: the device, before it is registered
 */
void fastrpc_debugfs_init(struct fastrpc_device *fdev)
{
	drm_debugfs_add_files(&fdev->drm, fastrpc_debugfs_list,
			      ARRAY_SIZE(fastrpc_debugfs_list));
}
