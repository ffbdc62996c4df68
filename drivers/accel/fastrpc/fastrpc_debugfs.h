/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __FASTRPC_DEBUGFS_H__
#define __FASTRPC_DEBUGFS_H__

struct fastrpc_device;

#if IS_ENABLED(CONFIG_DEBUG_FS)
void fastrpc_debugfs_init(struct fastrpc_device *fdev);
#else
static inline void fastrpc_debugfs_init(struct fastrpc_device *fdev)
{
}
#endif

#endif /* __FASTRPC_DEBUGFS_H__ */
