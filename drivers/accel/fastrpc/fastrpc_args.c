// SPDX-License-Identifier: GPL-2.0-only
/* FastRPC accel driver: payload layout of a call; pure functions, KUnit-tested */

#include <linux/align.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/overflow.h>

#include <kunit/visibility.h>

#include <uapi/drm/fastrpc_accel.h>

#include "fastrpc_drv.h"
#include "fastrpc_proto.h"

int fastrpc_args_check_buf(u64 offset, u64 len, u64 size)
{
	u64 end;

	if (check_add_overflow(offset, len, &end))
		return -EOVERFLOW;
	return end > size ? -ERANGE : 0;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_args_check_buf);

int fastrpc_args_check_range(u64 ptr, u64 len)
{
	return fastrpc_args_check_buf(ptr, len, U64_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_args_check_range);

/*
 * The caller sets nbufs, bufs[].len/.mapped, nhandles and handles; the rest
 * is written. Metadata for all arguments comes first, then each unmapped
 * buffer's copy on its own 128-byte boundary. Copies never share bytes even
 * when the user ranges overlap, so the DSP cannot see one argument's output
 * in another's input.
 */
int fastrpc_layout_compute(struct fastrpc_layout *layout)
{
	size_t pos, total = 0;
	u32 i;

	if (layout->nbufs > FASTRPC_MAX_BUFS || layout->nhandles > FASTRPC_MAX_HANDLES ||
	    (layout->nhandles && !layout->handles))
		return -EINVAL;

	for (i = 0; i < layout->nhandles; i++) {
		const struct fastrpc_handle_rec *h = &layout->handles[i];

		if (h->mapped && (!h->size || !PAGE_ALIGNED(h->size) ||
				  fastrpc_args_check_buf(h->offset, h->len, h->size)))
			return -EINVAL;
	}

	layout->meta_len = fastrpc_meta_len(layout->nbufs + layout->nhandles);
	layout->inline_off = ALIGN(layout->meta_len, FASTRPC_INLINE_ALIGN);
	layout->end = layout->meta_len;
	pos = layout->inline_off;

	for (i = 0; i < layout->nbufs; i++) {
		struct fastrpc_buf_rec *rec = &layout->bufs[i];

		if (rec->mapped) {
			rec->offset = 0;
			continue;
		}
		/* As u64, before a size_t cast truncates on 32-bit */
		if (rec->len > DRM_FASTRPC_INLINE_MAX - total)
			return -E2BIG;
		total += rec->len;

		/* pos stays below the limit plus metadata and padding */
		rec->offset = pos;
		if (!rec->len)
			continue;
		pos += rec->len;
		layout->end = pos;
		pos = ALIGN(pos, FASTRPC_INLINE_ALIGN);
	}

	layout->inline_len = total;
	layout->size = PAGE_ALIGN(layout->end);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_layout_compute);

/*
 * @payload must be zeroed: fdlist and crclist stay zero. The DSP addresses
 * a buffer as pages[i].addr plus the in-page offset of pv, and a mapped
 * handle as its whole mapping plus rpra[i].dma.offset. Nothing written here
 * is read back, so the DSP cannot redirect a copy.
 */
void fastrpc_layout_write_meta(const struct fastrpc_layout *layout,
			       void *payload, u32 sid, dma_addr_t dma)
{
	u32 nargs = layout->nbufs + layout->nhandles;
	union fastrpc_remote_arg *rpra = payload;
	struct fastrpc_invoke_buf *list = (struct fastrpc_invoke_buf *)(rpra + nargs);
	struct fastrpc_phy_page *pages = (struct fastrpc_phy_page *)(list + nargs);
	u32 i;

	for (i = 0; i < layout->nbufs; i++) {
		const struct fastrpc_buf_rec *rec = &layout->bufs[i];
		u64 addr, start, end;

		list[i].num = cpu_to_le32(rec->len ? 1 : 0);
		list[i].pgidx = cpu_to_le32(i);
		rpra[i].buf.len = cpu_to_le64(rec->len);
		if (!rec->len)
			continue;

		addr = rec->mapped ? rec->dma : (u64)dma + rec->offset;
		start = ALIGN_DOWN(addr, PAGE_SIZE);
		end = ALIGN(addr + rec->len, PAGE_SIZE);
		rpra[i].buf.pv = cpu_to_le64(fastrpc_wire_addr(sid, addr));
		pages[i].addr = cpu_to_le64(fastrpc_wire_addr(sid, start));
		pages[i].size = cpu_to_le64(end - start);
	}

	for (i = layout->nbufs; i < nargs; i++) {
		const struct fastrpc_handle_rec *h = &layout->handles[i - layout->nbufs];

		list[i].num = cpu_to_le32(h->len ? 1 : 0);
		list[i].pgidx = cpu_to_le32(i);
		rpra[i].dma.fd = cpu_to_le32(h->fd);
		rpra[i].dma.offset = cpu_to_le32(h->offset);
		rpra[i].dma.len = cpu_to_le32(h->len);
		if (!h->mapped)
			continue;
		pages[i].addr = cpu_to_le64(fastrpc_wire_addr(sid, h->dma));
		pages[i].size = cpu_to_le64(h->size);
	}
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_layout_write_meta);
