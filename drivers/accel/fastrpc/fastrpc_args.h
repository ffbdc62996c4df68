/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FastRPC accel driver: payload layout of a call (pure functions).
 */
#ifndef __FASTRPC_ARGS_H__
#define __FASTRPC_ARGS_H__

#include <linux/types.h>

/* Most buffer arguments a scalars word can describe (in + out) */
#define FASTRPC_MAX_BUFS	(2 * 255)
/* Most handle arguments a scalars word can describe (in + out) */
#define FASTRPC_MAX_HANDLES	(2 * 15)

/**
 * struct fastrpc_buf_rec - the kernel's record of one buffer argument
 * @len: length in bytes (input of fastrpc_layout_compute())
 * @mapped: the argument is a range of a mapped buffer object, read and
 *	written in place by the DSP (input of fastrpc_layout_compute())
 * @dma: for a mapped argument, device address of its first byte (input of
 *	fastrpc_layout_write_meta())
 * @offset: offset of the argument's copy in the payload; 0 when @mapped
 */
struct fastrpc_buf_rec {
	u64 len;
	bool mapped;
	dma_addr_t dma;
	size_t offset;
};

/**
 * struct fastrpc_handle_rec - the kernel's record of one handle argument
 * @fd: buffer identifier sent to the DSP, an opaque cookie to it
 * @offset: offset of the argument in the buffer
 * @len: length in bytes
 * @mapped: the buffer is mapped on the call's session: the DSP is given
 *	its whole mapping, [@dma, @dma + @size)
 * @dma: for a mapped buffer, device address of its first byte
 * @size: for a mapped buffer, size of its mapping, a multiple of the page
 *	size that holds [@offset, @offset + @len)
 *
 * Every field is an input of fastrpc_layout_compute(), which checks them,
 * and of fastrpc_layout_write_meta().
 */
struct fastrpc_handle_rec {
	u32 fd;
	u32 offset;
	u32 len;
	bool mapped;
	dma_addr_t dma;
	u64 size;
};

/**
 * struct fastrpc_layout - where everything sits in a call's payload
 * @nbufs: number of buffer arguments
 * @nhandles: number of handle arguments (in + out), at most
 *	%FASTRPC_MAX_HANDLES
 * @handles: one record per handle argument, in the order of the scalars
 *	word; NULL when @nhandles is 0
 * @meta_len: length of the metadata (rpra, list, pages for every argument,
 *	fdlist, crclist)
 * @inline_off: start of the inline data, ALIGN(@meta_len, 128)
 * @inline_len: sum of the lengths of the arguments that are not mapped
 * @end: end of the last byte used in the payload
 * @size: size of the payload buffer, PAGE_ALIGN(@end)
 * @bufs: one record per buffer argument, in the order of the scalars word
 */
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

#endif /* __FASTRPC_ARGS_H__ */
