/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __FASTRPC_ARGS_H__
#define __FASTRPC_ARGS_H__

#include <linux/types.h>

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

#endif /* __FASTRPC_ARGS_H__ */
