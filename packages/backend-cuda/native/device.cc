#include "device.h"

#include <cstdint>
#include <cstring>

#include "driver.h"

namespace symtensor {

namespace {

// Staging chunks: 4 MiB each, at most 64 (256 MiB of page-locked memory). Page-locked memory is
// allocated once and kept until close(), because freeing it (cuMemFreeHost) may wait for the
// whole device, which would block the event loop.
constexpr size_t kChunkBytes = size_t{4} << 20;
constexpr size_t kMaxChunks = 64;

CUdeviceptr PointerArg(const Napi::Value& v) {
  bool lossless = false;
  return static_cast<CUdeviceptr>(v.As<Napi::BigInt>().Uint64Value(&lossless));
}

template <typename T>
T* HandleArg(const Napi::Value& v) {
  return v.As<Napi::External<T>>().Data();
}

// The bytes of a typed array argument.
uint8_t* BytesOf(const Napi::Value& v, size_t& length) {
  Napi::TypedArray array = v.As<Napi::TypedArray>();
  length = array.ByteLength();
  return static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
}

}  // namespace

Napi::Function Device::Define(Napi::Env env) {
  return DefineClass(env, "Device",
                     {
                         InstanceMethod<&Device::Alloc>("alloc"),
                         InstanceMethod<&Device::Free>("free"),
                         InstanceMethod<&Device::Upload>("upload"),
                         InstanceMethod<&Device::ReadChunk>("readChunk"),
                         InstanceMethod<&Device::ChunkReady>("chunkReady"),
                         InstanceMethod<&Device::TakeChunk>("takeChunk"),
                         InstanceMethod<&Device::LoadModule>("loadModule"),
                         InstanceMethod<&Device::UnloadModule>("unloadModule"),
                         InstanceMethod<&Device::GetFunction>("getFunction"),
                         InstanceMethod<&Device::Launch>("launch"),
                         InstanceMethod<&Device::Record>("record"),
                         InstanceMethod<&Device::Query>("query"),
                         InstanceMethod<&Device::DestroyEvent>("destroyEvent"),
                         InstanceMethod<&Device::MemInfo>("memInfo"),
                         InstanceMethod<&Device::Close>("close"),
                     });
}

// new Device(ordinal): retains the device's primary context (shared with any other CUDA user in
// the process, PyTorch included) and creates a stream that does not synchronize with stream 0.
Device::Device(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Device>(info) {
  Napi::Env env = info.Env();
  RequireDriver(env);
  Check(env, driver.cuDeviceGet(&device_, info[0].As<Napi::Number>().Int32Value()), "cuDeviceGet");
  Check(env, driver.cuDevicePrimaryCtxRetain(&context_, device_), "cuDevicePrimaryCtxRetain");
  const CUresult current = driver.cuCtxSetCurrent(context_);
  const CUresult stream = current == CUDA_SUCCESS ? driver.cuStreamCreate(&stream_, CU_STREAM_NON_BLOCKING) : current;
  if (stream != CUDA_SUCCESS) {
    driver.cuDevicePrimaryCtxRelease(device_);
    Check(env, stream, current == CUDA_SUCCESS ? "cuStreamCreate" : "cuCtxSetCurrent");
  }
  open_ = true;
}

void Device::RequireOpen(Napi::Env env) {
  if (!open_) throw Napi::Error::New(env, "the CUDA device was closed");
}

// Several devices may be used from this thread: each call makes its own context current.
void Device::MakeCurrent(Napi::Env env) {
  RequireOpen(env);
  Check(env, driver.cuCtxSetCurrent(context_), "cuCtxSetCurrent");
}

// alloc(bytes): a device pointer (bigint), allocated in stream order.
Napi::Value Device::Alloc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  CUdeviceptr ptr = 0;
  const double bytes = info[0].As<Napi::Number>().DoubleValue();
  Check(env, driver.cuMemAllocAsync(&ptr, static_cast<size_t>(bytes), stream_), "cuMemAllocAsync");
  return Napi::BigInt::New(env, static_cast<uint64_t>(ptr));
}

// free(ptr): released in stream order, once the commands enqueued before have run.
Napi::Value Device::Free(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  Check(env, driver.cuMemFreeAsync(PointerArg(info[0]), stream_), "cuMemFreeAsync");
  return env.Undefined();
}

int Device::AcquireChunk(Napi::Env env) {
  for (size_t k = 0; k < chunks_.size(); k++) {
    Chunk& c = chunks_[k];
    if (c.held) continue;
    if (c.inFlight) {
      const CUresult r = driver.cuEventQuery(c.event);
      if (r == CUDA_ERROR_NOT_READY) continue;
      Check(env, r, "cuEventQuery");
      c.inFlight = false;
    }
    return static_cast<int>(k);
  }
  if (chunks_.size() >= kMaxChunks) return -1;
  Chunk c;
  Check(env, driver.cuMemAllocHost(&c.host, kChunkBytes), "cuMemAllocHost");
  const CUresult r = driver.cuEventCreate(&c.event, CU_EVENT_DISABLE_TIMING);
  if (r != CUDA_SUCCESS) driver.cuMemFreeHost(c.host);
  Check(env, r, "cuEventCreate");
  chunks_.push_back(c);
  return static_cast<int>(chunks_.size() - 1);
}

// upload(ptr, data): enqueues the copy of a typed array to the device. The data are copied to
// staging chunks before returning, so the caller may reuse its array at once. When every chunk
// is in flight (over 256 MiB of uploads queued), the rest is copied straight from the array,
// which the driver may do synchronously: the one case where this call can wait for the GPU.
Napi::Value Device::Upload(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  const CUdeviceptr dst = PointerArg(info[0]);
  size_t length = 0;
  const uint8_t* src = BytesOf(info[1], length);
  for (size_t offset = 0; offset < length; offset += kChunkBytes) {
    const size_t n = length - offset < kChunkBytes ? length - offset : kChunkBytes;
    const int k = AcquireChunk(env);
    if (k < 0) {
      Check(env, driver.cuMemcpyHtoDAsync(dst + offset, src + offset, length - offset, stream_),
            "cuMemcpyHtoDAsync");
      break;
    }
    Chunk& c = chunks_[k];
    std::memcpy(c.host, src + offset, n);
    Check(env, driver.cuMemcpyHtoDAsync(dst + offset, c.host, n, stream_), "cuMemcpyHtoDAsync");
    Check(env, driver.cuEventRecord(c.event, stream_), "cuEventRecord");
    c.inFlight = true;
  }
  return env.Undefined();
}

// readChunk(ptr, offset, bytes): enqueues the copy of bytes [offset, offset + bytes) of a device
// buffer (at most one chunk) into a staging chunk and returns the chunk's number, or -1 when all
// chunks are busy (retry once some have been taken).
Napi::Value Device::ReadChunk(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  const CUdeviceptr src = PointerArg(info[0]);
  const size_t offset = static_cast<size_t>(info[1].As<Napi::Number>().DoubleValue());
  const size_t n = static_cast<size_t>(info[2].As<Napi::Number>().DoubleValue());
  if (n > kChunkBytes) throw Napi::RangeError::New(env, "readChunk: at most one chunk per call");
  const int k = AcquireChunk(env);
  if (k < 0) return Napi::Number::New(env, -1);
  Chunk& c = chunks_[k];
  Check(env, driver.cuMemcpyDtoHAsync(c.host, src + offset, n, stream_), "cuMemcpyDtoHAsync");
  Check(env, driver.cuEventRecord(c.event, stream_), "cuEventRecord");
  c.inFlight = true;
  c.held = true;
  return Napi::Number::New(env, k);
}

// chunkReady(k): whether the copy into chunk k has completed (throws if the stream failed).
Napi::Value Device::ChunkReady(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  Chunk& c = chunks_.at(info[0].As<Napi::Number>().Uint32Value());
  if (c.inFlight) {
    const CUresult r = driver.cuEventQuery(c.event);
    if (r == CUDA_ERROR_NOT_READY) return Napi::Boolean::New(env, false);
    Check(env, r, "cuEventQuery");
    c.inFlight = false;
  }
  return Napi::Boolean::New(env, true);
}

// takeChunk(k, dest, byteOffset): copies a completed chunk into a typed array at byteOffset
// (as many bytes as fit, up to one chunk) and releases the chunk. With no dest, only releases it.
Napi::Value Device::TakeChunk(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireOpen(env);
  Chunk& c = chunks_.at(info[0].As<Napi::Number>().Uint32Value());
  if (c.inFlight) throw Napi::Error::New(env, "takeChunk: the copy has not completed");
  if (info.Length() > 1 && !info[1].IsUndefined()) {
    size_t length = 0;
    uint8_t* dest = BytesOf(info[1], length);
    const size_t at = static_cast<size_t>(info[2].As<Napi::Number>().DoubleValue());
    if (at > length) throw Napi::RangeError::New(env, "takeChunk: offset past the end");
    const size_t n = length - at < kChunkBytes ? length - at : kChunkBytes;
    std::memcpy(dest + at, c.host, n);
  }
  c.held = false;
  return env.Undefined();
}

// loadModule(cubin): the loaded module (an external handle).
Napi::Value Device::LoadModule(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  Napi::Buffer<uint8_t> image = info[0].As<Napi::Buffer<uint8_t>>();
  CUmodule module = nullptr;
  Check(env, driver.cuModuleLoadData(&module, image.Data()), "cuModuleLoadData");
  return Napi::External<CUmod_st>::New(env, module);
}

Napi::Value Device::UnloadModule(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  Check(env, driver.cuModuleUnload(HandleArg<CUmod_st>(info[0])), "cuModuleUnload");
  return env.Undefined();
}

Napi::Value Device::GetFunction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  CUfunction fn = nullptr;
  const std::string name = info[1].As<Napi::String>();
  Check(env, driver.cuModuleGetFunction(&fn, HandleArg<CUmod_st>(info[0]), name.c_str()),
        "cuModuleGetFunction");
  return Napi::External<CUfunc_st>::New(env, fn);
}

// launch(fn, gridX, gridY, blockX, params): enqueues a kernel whose parameters are all 8 bytes,
// given in order as a BigInt64Array (the driver copies them before returning).
Napi::Value Device::Launch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  CUfunction fn = HandleArg<CUfunc_st>(info[0]);
  const unsigned gridX = info[1].As<Napi::Number>().Uint32Value();
  const unsigned gridY = info[2].As<Napi::Number>().Uint32Value();
  const unsigned blockX = info[3].As<Napi::Number>().Uint32Value();
  Napi::TypedArrayOf<int64_t> params = info[4].As<Napi::TypedArrayOf<int64_t>>();
  std::vector<void*> pointers(params.ElementLength());
  for (size_t k = 0; k < pointers.size(); k++) pointers[k] = params.Data() + k;
  Check(env, driver.cuLaunchKernel(fn, gridX, gridY, 1, blockX, 1, 1, 0, stream_, pointers.data(), nullptr),
        "cuLaunchKernel");
  return env.Undefined();
}

// record(): an event marking everything enqueued so far.
Napi::Value Device::Record(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  CUevent event = nullptr;
  Check(env, driver.cuEventCreate(&event, CU_EVENT_DISABLE_TIMING), "cuEventCreate");
  const CUresult r = driver.cuEventRecord(event, stream_);
  if (r != CUDA_SUCCESS) driver.cuEventDestroy(event);
  Check(env, r, "cuEventRecord");
  return Napi::External<CUevent_st>::New(env, event);
}

// query(event): true once the work before the event is done; throws the stream's error if any
// of it failed (an illegal address in a kernel, say).
Napi::Value Device::Query(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  const CUresult r = driver.cuEventQuery(HandleArg<CUevent_st>(info[0]));
  if (r == CUDA_ERROR_NOT_READY) return Napi::Boolean::New(env, false);
  Check(env, r, "cuEventQuery");
  return Napi::Boolean::New(env, true);
}

Napi::Value Device::DestroyEvent(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  Check(env, driver.cuEventDestroy(HandleArg<CUevent_st>(info[0])), "cuEventDestroy");
  return env.Undefined();
}

// memInfo(): { free, total } bytes of device memory (all processes).
Napi::Value Device::MemInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MakeCurrent(env);
  size_t free = 0;
  size_t total = 0;
  Check(env, driver.cuMemGetInfo(&free, &total), "cuMemGetInfo");
  Napi::Object out = Napi::Object::New(env);
  out.Set("free", Napi::Number::New(env, static_cast<double>(free)));
  out.Set("total", Napi::Number::New(env, static_cast<double>(total)));
  return out;
}

// close(): releases the staging chunks, the stream and the context. The caller has waited for
// the stream to drain (by polling an event), so the frees below do not wait.
Napi::Value Device::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!open_) return env.Undefined();
  MakeCurrent(env);
  for (Chunk& c : chunks_) {
    driver.cuEventDestroy(c.event);
    driver.cuMemFreeHost(c.host);
  }
  chunks_.clear();
  driver.cuStreamDestroy(stream_);
  driver.cuDevicePrimaryCtxRelease(device_);
  open_ = false;
  return env.Undefined();
}

}  // namespace symtensor
