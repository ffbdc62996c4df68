/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __FASTRPC_LEGACY_H__
#define __FASTRPC_LEGACY_H__

struct fastrpc_channel;

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

#endif /* __FASTRPC_LEGACY_H__ */
