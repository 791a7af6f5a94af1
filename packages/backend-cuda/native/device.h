// One CUDA device as used by the backend: its primary context, one stream that orders every
// command (allocations, copies, launches, frees), and a pool of page-locked staging chunks for
// copies. Nothing here waits for the GPU: completion is observed by polling events.
#pragma once

#include <napi.h>

#include <vector>

#include "cuda_api.h"

namespace symtensor {

class Device : public Napi::ObjectWrap<Device> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Device(const Napi::CallbackInfo& info);

 private:
  // A page-locked host chunk. Uploads copy through it and mark it in flight until `event`
  // completes; downloads hold it from the copy until JS takes the data out.
  struct Chunk {
    void* host = nullptr;
    CUevent event = nullptr;
    bool inFlight = false;
    bool held = false;
  };

  void MakeCurrent(Napi::Env env);
  void RequireOpen(Napi::Env env);
  // A chunk free for reuse (or a new one, below the cap); -1 when every chunk is busy.
  int AcquireChunk(Napi::Env env);

  Napi::Value Alloc(const Napi::CallbackInfo& info);
  Napi::Value Free(const Napi::CallbackInfo& info);
  Napi::Value Upload(const Napi::CallbackInfo& info);
  Napi::Value ReadChunk(const Napi::CallbackInfo& info);
  Napi::Value ChunkReady(const Napi::CallbackInfo& info);
  Napi::Value TakeChunk(const Napi::CallbackInfo& info);
  Napi::Value LoadModule(const Napi::CallbackInfo& info);
  Napi::Value UnloadModule(const Napi::CallbackInfo& info);
  Napi::Value GetFunction(const Napi::CallbackInfo& info);
  Napi::Value Launch(const Napi::CallbackInfo& info);
  Napi::Value Record(const Napi::CallbackInfo& info);
  Napi::Value Query(const Napi::CallbackInfo& info);
  Napi::Value DestroyEvent(const Napi::CallbackInfo& info);
  Napi::Value MemInfo(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
  CUstream stream_ = nullptr;
  bool open_ = false;
  std::vector<Chunk> chunks_;
};

}  // namespace symtensor
