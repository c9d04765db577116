// What is left of a zero-copy block's JS view after the block is released.
//
// A zero-copy block's ArrayBuffer points straight at the memory libteec mapped for it, and a
// release unmaps that memory. The addon detaches the block's own ArrayBuffer first, so JS cannot
// reach it through that one. But JS may have moved the memory to a new ArrayBuffer beforehand
// (`ArrayBuffer.prototype.transfer()`: Node 22+, or Node 20 with --harmony-rab-gsab-transfer),
// which the addon cannot see or detach; touching it after the release would fault. So when the
// view may have moved, the released range is mapped again at once, private and zero-filled (a
// "stand-in"), and unmapped only when V8 frees the last ArrayBuffer over it. The TA's memory is
// gone all the same: what JS writes there after the release reaches nobody.
#ifndef RX_TEEC_RELEASED_VIEW_H
#define RX_TEEC_RELEASED_VIEW_H

#include <cstddef>

namespace rxteec {

struct SharedMem;

// Worker, right after libteec released the block that was at [base, base + size): maps the
// stand-in if the view may have moved (`SharedMem::view_may_have_moved`, set by DetachJsView)
// and its memory is not yet freed.
void CoverReleasedView(SharedMem* mem, void* base, size_t size);

// JS thread: V8 freed the view's memory (its last ArrayBuffer was collected). Unmaps the
// stand-in, if any.
void EndView(SharedMem* mem);

// Stand-ins mapped now, in the whole process.
size_t StandInMappings();

}  // namespace rxteec

#endif
