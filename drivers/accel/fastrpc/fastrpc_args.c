// SPDX-License-Identifier: GPL-2.0-only
/*
 * FastRPC accel driver: payload layout of a call.
 *
 * Everything here is a pure function of its arguments: no locks, no user
 * memory, no devices. The KUnit tests in tests/ exercise it directly.
 */

#include <linux/align.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/overflow.h>

#include <kunit/visibility.h>

#include <uapi/drm/fastrpc_accel.h>

#include "fastrpc_args.h"
#include "fastrpc_proto.h"

/**
 * fastrpc_args_check_range() - check that a user range does not wrap
 * @ptr: start address
 * @len: length in bytes; a zero-length range is always accepted
 *
 * Return: 0, or -EOVERFLOW when @ptr + @len wraps around.
 */
int fastrpc_args_check_range(u64 ptr, u64 len)
{
	u64 end;

	if (!len)
		return 0;
	if (check_add_overflow(ptr, len, &end))
		return -EOVERFLOW;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_args_check_range);

/**
 * fastrpc_args_check_buf() - check a range of a buffer object
 * @offset: offset into the object
 * @len: length in bytes; may be 0
 * @size: size of the object
 *
 * Return: 0, -EOVERFLOW when @offset + @len wraps around, or -ERANGE when
 * the range goes past the end of the object.
 */
int fastrpc_args_check_buf(u64 offset, u64 len, u64 size)
{
	u64 end;

	if (check_add_overflow(offset, len, &end))
		return -EOVERFLOW;
	if (end > size)
		return -ERANGE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_args_check_buf);

/**
 * fastrpc_layout_compute() - lay out the buffer arguments of a call
 * @layout: @layout->nbufs, @layout->bufs[i].len and .mapped, and
 *	@layout->nhandles and @layout->handles set by the caller; every other
 *	field is written
 *
 * The payload starts with the metadata for all N = @nbufs + @nhandles
 * arguments (40 bytes per argument plus 384 for fdlist and crclist, see
 * fastrpc_meta_len()); the inline data starts at the next 128-byte boundary
 * and every buffer argument's copy starts on a 128-byte boundary of its
 * own. Zero-length and mapped arguments take no space and mapped ones do
 * not count towards %DRM_FASTRPC_INLINE_MAX. Arguments never share bytes,
 * even when their user ranges overlap. Handle arguments are never copied:
 * they only take their place in the metadata.
 *
 * Return: 0, -EINVAL when there are more than %FASTRPC_MAX_BUFS buffer or
 * %FASTRPC_MAX_HANDLES handle arguments or a mapped handle's range is not
 * in its mapping, -E2BIG when the argument lengths add up to more than
 * %DRM_FASTRPC_INLINE_MAX, or -EOVERFLOW when an offset does not fit.
 */
int fastrpc_layout_compute(struct fastrpc_layout *layout)
{
	size_t pos, total = 0;
	u32 i;

	if (layout->nbufs > FASTRPC_MAX_BUFS ||
	    layout->nhandles > FASTRPC_MAX_HANDLES ||
	    (layout->nhandles && !layout->handles))
		return -EINVAL;

	for (i = 0; i < layout->nhandles; i++) {
		const struct fastrpc_handle_rec *h = &layout->handles[i];

		if (h->mapped &&
		    (!h->size || !PAGE_ALIGNED(h->size) ||
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
		if (rec->len > DRM_FASTRPC_INLINE_MAX)
			return -E2BIG;
		if (check_add_overflow(total, (size_t)rec->len, &total) ||
		    total > DRM_FASTRPC_INLINE_MAX)
			return -E2BIG;

		rec->offset = pos;
		if (!rec->len)
			continue;

		if (check_add_overflow(pos, (size_t)rec->len, &pos))
			return -EOVERFLOW;
		layout->end = pos;
		if (check_add_overflow(pos, (size_t)FASTRPC_INLINE_ALIGN - 1,
				       &pos))
			return -EOVERFLOW;
		pos = ALIGN_DOWN(pos, FASTRPC_INLINE_ALIGN);
	}

	layout->inline_len = total;
	if (check_add_overflow(layout->end, (size_t)PAGE_SIZE - 1,
			       &layout->size))
		return -EOVERFLOW;
	layout->size = PAGE_ALIGN_DOWN(layout->size);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(fastrpc_layout_compute);

/**
 * fastrpc_layout_write_meta() - write the metadata of a payload
 * @layout: layout from fastrpc_layout_compute()
 * @payload: the payload buffer, at least @layout->size bytes, zeroed
 * @sid: stream id of the payload's context bank
 * @dma: device address of the payload
 *
 * For buffer argument i: rpra[i] = {device address of the copy, length},
 * list[i] = {1 (0 for an empty argument), i} and pages[i] = the device pages
 * spanned by the copy. A mapped argument is described the same way with its
 * own device address (&fastrpc_buf_rec.dma) instead of the copy's: the DSP
 * uses pages[i].addr plus the in-page offset of pv.
 *
 * For handle argument i (i from @layout->nbufs on), as drivers/misc/fastrpc.c
 * lays it out: rpra[i] = {fd, offset, length}, list[i] = {1 (0 for an empty
 * argument), i} and, when its buffer is mapped, pages[i] = the whole
 * mapping of the buffer; the DSP adds the offset itself.
 *
 * fdlist and crclist stay zero. Nothing written here is ever read back.
 */
void fastrpc_layout_write_meta(const struct fastrpc_layout *layout,
			       void *payload, u32 sid, dma_addr_t dma)
{
	u32 nargs = layout->nbufs + layout->nhandles;
	union fastrpc_remote_arg *rpra = payload;
	struct fastrpc_invoke_buf *list;
	struct fastrpc_phy_page *pages;
	u32 i;

	list = (struct fastrpc_invoke_buf *)(rpra + nargs);
	pages = (struct fastrpc_phy_page *)(list + nargs);

	for (i = 0; i < layout->nbufs; i++) {
		const struct fastrpc_buf_rec *rec = &layout->bufs[i];
		u64 addr, start, end;

		list[i].num = cpu_to_le32(rec->len ? 1 : 0);
		list[i].pgidx = cpu_to_le32(i);
		rpra[i].buf.len = cpu_to_le64(rec->len);
		if (!rec->len)
			continue;

		if (rec->mapped)
			addr = rec->dma;
		else
			addr = (u64)dma + rec->offset;
		start = ALIGN_DOWN(addr, PAGE_SIZE);
		end = ALIGN(addr + rec->len, PAGE_SIZE);
		rpra[i].buf.pv = cpu_to_le64(fastrpc_wire_addr(sid, addr));
		pages[i].addr = cpu_to_le64(fastrpc_wire_addr(sid, start));
		pages[i].size = cpu_to_le64(end - start);
	}

	for (i = layout->nbufs; i < nargs; i++) {
		const struct fastrpc_handle_rec *h =
			&layout->handles[i - layout->nbufs];

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
