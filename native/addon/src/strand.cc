#include "strand.h"

namespace rxteec {

namespace {

// Takes the next call of a session's strand, or marks the strand idle. Context mutex held.
Call* NextInStrandLocked(Session* session) {
  Call* next = session->strand_head;
  if (next == nullptr) {
    session->strand_busy = false;
    return nullptr;
  }
  session->strand_head = next->strand_next;
  if (session->strand_head == nullptr) session->strand_tail = nullptr;
  next->strand_next = nullptr;
  return next;
}

}  // namespace

// The call this thread runs after `call`: the next of its session's strand, or none for an
// unordered call (it is on no strand). Context mutex held.
Call* NextAfterLocked(Call* call) {
  return call->unordered ? nullptr : NextInStrandLocked(call->session.get());
}

// Puts an admitted invoke on its session's strand; true if the strand was idle and the caller
// hands it to the pool, false if it waits in the FIFO. Context mutex held.
bool EnterStrandLocked(Session* session, Call* call) {
  if (!session->strand_busy) {
    session->strand_busy = true;
    return true;
  }
  if (session->strand_tail != nullptr) {
    session->strand_tail->strand_next = call;
  } else {
    session->strand_head = call;
  }
  session->strand_tail = call;
  return false;
}

}  // namespace rxteec
