/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __FASTRPC_RPMSG_H__
#define __FASTRPC_RPMSG_H__

struct device;
struct fastrpc_channel;
struct rpmsg_driver;

extern struct rpmsg_driver fastrpc_rpmsg_driver;

struct fastrpc_channel *fastrpc_rpmsg_channel(struct device *dev);

#endif /* __FASTRPC_RPMSG_H__ */
