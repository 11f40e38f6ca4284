// An owner for one libuv handle that may be dropped at any time.
//
// libuv frees nothing itself and requires uv_close before a handle's memory
// is released; the memory may only go in the close callback, which runs on a
// later loop iteration. UvHandle<T> allocates the uv_T_t on the heap, and its
// destructor (or Close) calls uv_close with a callback that frees it, so the
// owning object can be destroyed immediately while the handle's memory waits
// for the loop. The handle's `data` points at the owner until Close clears it,
// and callbacks must return at once when they find it null.
//
// Not for stream handles with writes in flight: a write request's callback
// runs before the close callback and must still find its owner (see
// Connection, which owns its TCP handle directly and frees itself last).
#pragma once

#include <memory>

#include <uv.h>

namespace amfgate {

template <typename T>
class UvHandle {
 public:
  UvHandle() = default;
  ~UvHandle() { Close(); }
  UvHandle(const UvHandle&) = delete;
  UvHandle& operator=(const UvHandle&) = delete;

  // Allocates the handle (uninitialised: the caller runs uv_T_init on get()).
  T* Allocate(void* owner) {
    Close();
    handle_ = std::make_unique<T>().release();
    handle_->data = owner;
    return handle_;
  }
  T* get() const { return handle_; }
  explicit operator bool() const { return handle_ != nullptr; }

  // Closes the handle if it was initialised (`initialised` false: just free).
  void Close() {
    if (handle_ == nullptr) return;
    uv_handle_t* h = reinterpret_cast<uv_handle_t*>(handle_);
    h->data = nullptr;
    handle_ = nullptr;
    if (initialised_) {
      uv_close(h, [](uv_handle_t* closed) { std::unique_ptr<T> owner(reinterpret_cast<T*>(closed)); });
    } else {
      std::unique_ptr<T> owner(reinterpret_cast<T*>(h));
    }
    initialised_ = false;
  }
  // Call after a successful uv_T_init.
  void set_initialised() { initialised_ = true; }

 private:
  T* handle_ = nullptr;
  bool initialised_ = false;
};

}  // namespace amfgate
