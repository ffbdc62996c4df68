// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulated Hexagon DSP: another device's fences on shared dma-bufs.
 *
 * /sys/kernel/debug/fastrpc_sim/<name>/fence plays a device that shares
 * dma-bufs with the FastRPC driver (a camera writing a frame, a display
 * reading one), for the tests of implicit synchronisation. Writes:
 *
 * ``add <fd> read|write``
 *	adds an unsignalled fence of the instance's own fence context to the
 *	reservation object of the dma-buf @fd of the writing process, with
 *	usage %DMA_RESV_USAGE_READ or %DMA_RESV_USAGE_WRITE: the device reads
 *	or writes the buffer until the fence signals.
 * ``signal``
 *	signals every outstanding fence of the instance, oldest first.
 * ``wait <fd> <ms>``
 *	waits up to @ms milliseconds (at most 60000; 0 only looks) for the
 *	fences of usage %DMA_RESV_USAGE_WRITE of the dma-buf @fd, as a reader
 *	on another device does before it reads; the write fails with
 *	-ETIMEDOUT when they have not all signalled by then.
 *
 * Reading the file gives the number of outstanding fences. Fences still
 * outstanding when the instance goes away are signalled then; the module
 * cannot be unloaded while instances exist, so none is left at module
 * exit. Every fence holds a reference on the module until it is freed,
 * since a reservation object may keep a signalled fence, and call its
 * operations, long after.
 */

#include <linux/debugfs.h>
#include <linux/dma-buf.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "fastrpc_sim_fence.h"

#define FASTRPC_SIM_FENCE_CMD_MAX	64
#define FASTRPC_SIM_FENCE_WAIT_MAX_MS	60000

/**
 * struct fastrpc_sim_fence - one fence of the simulated device
 * @base: the fence
 * @lock: the lock of @base
 * @link: entry in &fastrpc_sim_fences.pending until signalled
 */
struct fastrpc_sim_fence {
	struct dma_fence base;
	spinlock_t lock;	/* the fence's lock */
	struct list_head link;
};

/* dma_fence_free() frees the whole of it */
static_assert(offsetof(struct fastrpc_sim_fence, base) == 0);

/**
 * struct fastrpc_sim_fences - the fences of one instance
 * @node: entry in fastrpc_sim_fence_list
 * @owner: the instance
 * @lock: serialises the commands that add and signal fences
 * @pending: outstanding fences, oldest first, each with a reference
 * @context: fence context of the instance
 * @seqno: sequence number of the last fence made
 * @outstanding: number of fences on @pending
 */
struct fastrpc_sim_fences {
	struct list_head node;
	const void *owner;
	struct mutex lock;	/* serialises add and signal */
	struct list_head pending;
	u64 context;
	u64 seqno;
	unsigned int outstanding;
};

static LIST_HEAD(fastrpc_sim_fence_list);
static DEFINE_MUTEX(fastrpc_sim_fence_list_lock);

/**
 * fastrpc_sim_fence_driver_name() - &dma_fence_ops.get_driver_name
 * @fence: a fence of the simulated device
 *
 * Return: "fastrpc_sim".
 */
static const char *fastrpc_sim_fence_driver_name(struct dma_fence *fence)
{
	return "fastrpc_sim";
}

/**
 * fastrpc_sim_fence_timeline_name() - &dma_fence_ops.get_timeline_name
 * @fence: a fence of the simulated device
 *
 * Return: "fence", the name of the debugfs file that makes them.
 */
static const char *fastrpc_sim_fence_timeline_name(struct dma_fence *fence)
{
	return "fence";
}

/**
 * fastrpc_sim_fence_release() - free a fence of the simulated device
 * @fence: the fence, whose last reference is gone
 *
 * Drops the module reference the fence held for its operations.
 */
static void fastrpc_sim_fence_release(struct dma_fence *fence)
{
	dma_fence_free(fence);
	module_put(THIS_MODULE);
}

static const struct dma_fence_ops fastrpc_sim_fence_ops = {
	.get_driver_name = fastrpc_sim_fence_driver_name,
	.get_timeline_name = fastrpc_sim_fence_timeline_name,
	.release = fastrpc_sim_fence_release,
};

/**
 * fastrpc_sim_fence_signal_all() - signal the outstanding fences
 * @fences: the fences of an instance
 *
 * Signals them in the order they were made, as one fence context must,
 * and drops the references of @fences->pending.
 */
static void fastrpc_sim_fence_signal_all(struct fastrpc_sim_fences *fences)
{
	struct fastrpc_sim_fence *f, *tmp;

	mutex_lock(&fences->lock);
	list_for_each_entry_safe(f, tmp, &fences->pending, link) {
		list_del(&f->link);
		dma_fence_signal(&f->base);
		dma_fence_put(&f->base);
	}
	fences->outstanding = 0;
	mutex_unlock(&fences->lock);
}

/**
 * fastrpc_sim_fence_attach() - add an unsignalled fence to a dma-buf
 * @fences: the fences of an instance
 * @fd: a dma-buf file descriptor of the current process
 * @usage: %DMA_RESV_USAGE_READ or %DMA_RESV_USAGE_WRITE
 *
 * Return: 0, or a negative errno (-EBADF or -EINVAL for an @fd that is
 * not a dma-buf, -EINTR when interrupted waiting for the buffer's lock).
 */
static int fastrpc_sim_fence_attach(struct fastrpc_sim_fences *fences,
				    int fd, enum dma_resv_usage usage)
{
	struct fastrpc_sim_fence *f;
	struct dma_buf *dmabuf;
	int ret;

	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f) {
		ret = -ENOMEM;
		goto out_put;
	}
	spin_lock_init(&f->lock);

	ret = mutex_lock_interruptible(&fences->lock);
	if (ret)
		goto out_free;
	ret = dma_resv_lock_interruptible(dmabuf->resv, NULL);
	if (ret)
		goto out_unlock;
	ret = dma_resv_reserve_fences(dmabuf->resv, 1);
	if (ret)
		goto out_resv_unlock;

	/* Our reference is the one of the pending list */
	dma_fence_init(&f->base, &fastrpc_sim_fence_ops, &f->lock,
		       fences->context, ++fences->seqno);
	__module_get(THIS_MODULE);
	dma_resv_add_fence(dmabuf->resv, &f->base, usage);
	list_add_tail(&f->link, &fences->pending);
	fences->outstanding++;
	f = NULL;

out_resv_unlock:
	dma_resv_unlock(dmabuf->resv);
out_unlock:
	mutex_unlock(&fences->lock);
out_free:
	kfree(f);
out_put:
	dma_buf_put(dmabuf);
	return ret;
}

/**
 * fastrpc_sim_fence_wait() - wait for the writers of a dma-buf
 * @fd: a dma-buf file descriptor of the current process
 * @ms: how long to wait, in milliseconds
 *
 * Return: 0 once the fences of usage %DMA_RESV_USAGE_WRITE of the buffer
 * have signalled, -ETIMEDOUT if they have not after @ms, -ERESTARTSYS on a
 * signal, or another negative errno.
 */
static int fastrpc_sim_fence_wait(int fd, unsigned int ms)
{
	struct dma_buf *dmabuf;
	long ret;

	if (ms > FASTRPC_SIM_FENCE_WAIT_MAX_MS)
		return -EINVAL;

	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);

	ret = dma_resv_wait_timeout(dmabuf->resv, DMA_RESV_USAGE_WRITE, true,
				    msecs_to_jiffies(ms));
	dma_buf_put(dmabuf);

	if (!ret)
		return -ETIMEDOUT;
	return ret < 0 ? ret : 0;
}

/**
 * fastrpc_sim_fence_write() - run a command written to the fence file
 * @file: the fence file of an instance
 * @ubuf: the command: "add <fd> read|write", "signal" or "wait <fd> <ms>"
 * @count: its length
 * @ppos: unused
 *
 * Return: @count, or a negative errno: -EINVAL for a command that does
 * not parse, or the error of the command.
 */
static ssize_t fastrpc_sim_fence_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	struct fastrpc_sim_fences *fences = file->private_data;
	char cmd[FASTRPC_SIM_FENCE_CMD_MAX], usage[8];
	unsigned int ms;
	int fd, ret;

	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';

	if (sysfs_streq(cmd, "signal")) {
		fastrpc_sim_fence_signal_all(fences);
		ret = 0;
	} else if (sscanf(cmd, "add %d %7s", &fd, usage) == 2) {
		if (!strcmp(usage, "read"))
			ret = fastrpc_sim_fence_attach(fences, fd,
						       DMA_RESV_USAGE_READ);
		else if (!strcmp(usage, "write"))
			ret = fastrpc_sim_fence_attach(fences, fd,
						       DMA_RESV_USAGE_WRITE);
		else
			ret = -EINVAL;
	} else if (sscanf(cmd, "wait %d %u", &fd, &ms) == 2) {
		ret = fastrpc_sim_fence_wait(fd, ms);
	} else {
		ret = -EINVAL;
	}

	return ret ? ret : count;
}

/**
 * fastrpc_sim_fence_read() - read the number of outstanding fences
 * @file: the fence file of an instance
 * @ubuf: where to copy "<n>\n"
 * @count: room at @ubuf
 * @ppos: position in the text
 *
 * Return: the number of bytes read, or a negative errno.
 */
static ssize_t fastrpc_sim_fence_read(struct file *file, char __user *ubuf,
				      size_t count, loff_t *ppos)
{
	struct fastrpc_sim_fences *fences = file->private_data;
	char buf[16];
	int len;

	mutex_lock(&fences->lock);
	len = scnprintf(buf, sizeof(buf), "%u\n", fences->outstanding);
	mutex_unlock(&fences->lock);

	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations fastrpc_sim_fence_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = fastrpc_sim_fence_read,
	.write = fastrpc_sim_fence_write,
	.llseek = default_llseek,
};

/**
 * fastrpc_sim_fence_add() - create the fence file of an instance
 * @owner: the instance, the key of fastrpc_sim_fence_remove()
 * @dir: the instance's debugfs directory
 *
 * Like the other debugfs files, the fence file is optional: without
 * memory for its state, the instance has none.
 */
void fastrpc_sim_fence_add(const void *owner, struct dentry *dir)
{
	struct fastrpc_sim_fences *fences;

	fences = kzalloc(sizeof(*fences), GFP_KERNEL);
	if (!fences)
		return;

	fences->owner = owner;
	mutex_init(&fences->lock);
	INIT_LIST_HEAD(&fences->pending);
	fences->context = dma_fence_context_alloc(1);

	mutex_lock(&fastrpc_sim_fence_list_lock);
	list_add(&fences->node, &fastrpc_sim_fence_list);
	mutex_unlock(&fastrpc_sim_fence_list_lock);

	debugfs_create_file("fence", 0600, dir, fences,
			    &fastrpc_sim_fence_fops);
}

/**
 * fastrpc_sim_fence_remove() - signal and forget the fences of an instance
 * @owner: the instance given to fastrpc_sim_fence_add()
 *
 * Call it once the fence file is removed: debugfs then runs none of its
 * handlers any more.
 */
void fastrpc_sim_fence_remove(const void *owner)
{
	struct fastrpc_sim_fences *fences = NULL, *iter;

	mutex_lock(&fastrpc_sim_fence_list_lock);
	list_for_each_entry(iter, &fastrpc_sim_fence_list, node) {
		if (iter->owner == owner) {
			fences = iter;
			list_del(&fences->node);
			break;
		}
	}
	mutex_unlock(&fastrpc_sim_fence_list_lock);

	if (!fences)
		return;

	fastrpc_sim_fence_signal_all(fences);
	mutex_destroy(&fences->lock);
	kfree(fences);
}

MODULE_IMPORT_NS(DMA_BUF);
