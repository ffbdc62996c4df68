/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __FASTRPC_PROC_H__
#define __FASTRPC_PROC_H__

#include <linux/sizes.h>
#include <linux/types.h>

#define FASTRPC_STATIC_HEAP_MAX		SZ_64M
#define FASTRPC_AUDIO_PD_NAME		"audiopd"

struct drm_device;
struct drm_file;
struct fastrpc_channel;
struct fastrpc_file;
struct fastrpc_karg;
struct fastrpc_session;

/* A file's process, held for one call */
struct fastrpc_proc_ref {
	struct fastrpc_channel *channel;	/* reference */
	struct fastrpc_session *session;	/* slot use */
	u32 client_id;
	u32 pd;
};

int fastrpc_proc_get(struct fastrpc_file *ffile, struct fastrpc_proc_ref *ref);
void fastrpc_proc_put(struct fastrpc_proc_ref *ref);
void fastrpc_proc_release(struct fastrpc_file *ffile);
bool fastrpc_proc_unanswered(int ret, u32 dsp_status);
int fastrpc_proc_init_call_locked(struct fastrpc_file *ffile, u32 sc,
				  struct fastrpc_karg *args, u32 nargs,
				  u32 *dsp_status);
int fastrpc_proc_bind_locked(struct fastrpc_file *ffile,
			     struct fastrpc_channel *channel);
int fastrpc_proc_create_locked(struct fastrpc_file *ffile,
			       const struct fastrpc_karg *shell, u32 attrs,
			       u32 siglen);
int fastrpc_proc_attach_locked(struct fastrpc_file *ffile, u32 pd);
int fastrpc_proc_create_static_locked(struct fastrpc_file *ffile,
				      const char *name, u32 namelen,
				      u64 memlen);
void fastrpc_proc_static_release_locked(struct fastrpc_channel *channel);
int fastrpc_proc_dsp_attrs(struct fastrpc_file *ffile, u32 *attrs);
int fastrpc_ioctl_process_init(struct drm_device *drm, void *data,
			       struct drm_file *file);
int fastrpc_ioctl_query(struct drm_device *drm, void *data,
			struct drm_file *file);

#endif /* __FASTRPC_PROC_H__ */
