// A fake CUDA driver (libcuda.so.1) for tests on machines without a GPU: the entry points of
// native/cuda_api.h implemented on the host. Device memory is host memory (every copy and free
// is checked against the live allocations), "CUBINs" are shared libraries made by the test's
// host compiler, and a launch runs each block on blockDim.x threads with a real barrier. Every
// command completes at once, but each event reports "not ready" for the first
// SYMTENSOR_FAKE_CUDA_LAG queries (default 2), so that callers' polling is exercised.
// SYMTENSOR_FAKE_CUDA_INIT_ERROR=<code> makes cuInit fail with that code.
#include <dlfcn.h>
#include <elf.h>
#include <unistd.h>

#include <barrier>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../../native/cuda_api.h"

using namespace symtensor;

namespace {

constexpr CUresult kInvalidValue = 1;
constexpr CUresult kNotFound = 500;
constexpr CUresult kInvalidImage = 200;

std::mutex mutex;
std::map<uintptr_t, size_t> allocations;
int contextToken = 0;
int streamToken = 0;

struct FakeEvent {
  int remaining = 0;
};

int Lag() {
  const char* v = std::getenv("SYMTENSOR_FAKE_CUDA_LAG");
  return v != nullptr ? std::atoi(v) : 2;
}

// Whether [p, p + n) lies inside one live allocation.
bool Inside(uintptr_t p, size_t n) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = allocations.upper_bound(p);
  if (it == allocations.begin()) return false;
  --it;
  return p >= it->first && p + n <= it->first + it->second;
}

using EmulatedKernel = void (*)(const unsigned* ids, void** params, void (*barrier)(void*), void* context);

void Arrive(void* b) { static_cast<std::barrier<>*>(b)->arrive_and_wait(); }

// Threads that run the blocks of every launch, one block at a time: thread t plays threadIdx.x = t.
// Kept for the life of the process (creating blockDim.x threads per block would dominate the
// tests' time).
class BlockRunner {
 public:
  void Run(EmulatedKernel kernel, const unsigned* grid, void** params, unsigned threads) {
    std::unique_lock<std::mutex> lock(mutex_);
    while (workers_.size() < threads) {
      const unsigned t = static_cast<unsigned>(workers_.size());
      workers_.emplace_back([this, t] { Work(t); });
      workers_.back().detach();
    }
    std::barrier<> barrier(threads);
    job_ = {kernel, grid, params, threads, &barrier};
    remaining_ = threads;
    generation_++;
    start_.notify_all();
    done_.wait(lock, [this] { return remaining_ == 0; });
  }

 private:
  struct Job {
    EmulatedKernel kernel;
    const unsigned* grid;
    void** params;
    unsigned threads;
    std::barrier<>* barrier;
  };

  void Work(unsigned t) {
    unsigned long long seen = 0;
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        start_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        job = job_;
      }
      if (t >= job.threads) continue;
      const unsigned ids[6] = {job.grid[0], job.grid[1], job.grid[2], job.grid[3], t, job.threads};
      job.kernel(ids, job.params, Arrive, job.barrier);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--remaining_ == 0) done_.notify_one();
    }
  }

  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  std::vector<std::thread> workers_;
  Job job_{};
  unsigned remaining_ = 0;
  unsigned long long generation_ = 0;
};

BlockRunner runner;

}  // namespace

extern "C" {

CUresult cuInit(unsigned int) {
  const char* e = std::getenv("SYMTENSOR_FAKE_CUDA_INIT_ERROR");
  return e != nullptr ? std::atoi(e) : CUDA_SUCCESS;
}
CUresult cuDriverGetVersion(int* v) {
  *v = 13000;
  return CUDA_SUCCESS;
}
CUresult cuGetErrorName(CUresult e, const char** s) {
  *s = e == 100 ? "CUDA_ERROR_NO_DEVICE" : e == kInvalidValue ? "CUDA_ERROR_INVALID_VALUE" : "CUDA_ERROR_UNKNOWN";
  return CUDA_SUCCESS;
}
CUresult cuGetErrorString(CUresult e, const char** s) {
  *s = e == 100 ? "no CUDA-capable device is detected" : "fake driver error";
  return CUDA_SUCCESS;
}
CUresult cuDeviceGetCount(int* n) {
  *n = 1;
  return CUDA_SUCCESS;
}
CUresult cuDeviceGet(CUdevice* d, int ordinal) {
  if (ordinal != 0) return kInvalidValue;
  *d = 0;
  return CUDA_SUCCESS;
}
CUresult cuDeviceGetName(char* name, int len, CUdevice) {
  std::strncpy(name, "symtensor fake CUDA device", len);
  return CUDA_SUCCESS;
}
CUresult cuDeviceGetAttribute(int* v, int attribute, CUdevice) {
  switch (attribute) {
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK: *v = 1024; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X: *v = 2147483647; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y: *v = 65535; break;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK: *v = 49152; break;
    case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: *v = 2; break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *v = 9; break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *v = 0; break;
    case CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED: *v = 1; break;
    default: return kInvalidValue;
  }
  return CUDA_SUCCESS;
}
CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice) {
  *bytes = size_t{1} << 30;
  return CUDA_SUCCESS;
}
CUresult cuDevicePrimaryCtxRetain(CUcontext* c, CUdevice) {
  *c = reinterpret_cast<CUcontext>(&contextToken);
  return CUDA_SUCCESS;
}
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice) { return CUDA_SUCCESS; }
CUresult cuCtxSetCurrent(CUcontext) { return CUDA_SUCCESS; }
CUresult cuMemGetInfo_v2(size_t* free, size_t* total) {
  *total = size_t{1} << 30;
  *free = *total / 2;
  return CUDA_SUCCESS;
}
CUresult cuStreamCreate(CUstream* s, unsigned int) {
  *s = reinterpret_cast<CUstream>(&streamToken);
  return CUDA_SUCCESS;
}
CUresult cuStreamDestroy_v2(CUstream) { return CUDA_SUCCESS; }
CUresult cuMemAllocAsync(CUdeviceptr* p, size_t bytes, CUstream) {
  if (bytes == 0) return kInvalidValue;
  void* m = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  std::lock_guard<std::mutex> lock(mutex);
  allocations[reinterpret_cast<uintptr_t>(m)] = bytes;
  *p = reinterpret_cast<CUdeviceptr>(m);
  return CUDA_SUCCESS;
}
CUresult cuMemFreeAsync(CUdeviceptr p, CUstream) {
  std::lock_guard<std::mutex> lock(mutex);
  if (allocations.erase(static_cast<uintptr_t>(p)) == 0) return kInvalidValue;
  std::free(reinterpret_cast<void*>(p));
  return CUDA_SUCCESS;
}
CUresult cuMemAllocHost_v2(void** p, size_t bytes) {
  *p = std::malloc(bytes);
  return CUDA_SUCCESS;
}
CUresult cuMemFreeHost(void* p) {
  std::free(p);
  return CUDA_SUCCESS;
}
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t n, CUstream) {
  if (!Inside(dst, n)) return kInvalidValue;
  std::memcpy(reinterpret_cast<void*>(dst), src, n);
  return CUDA_SUCCESS;
}
CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t n, CUstream) {
  if (!Inside(src, n)) return kInvalidValue;
  std::memcpy(dst, reinterpret_cast<const void*>(src), n);
  return CUDA_SUCCESS;
}
// The image is a shared library (an ELF file: its size is where its section headers end).
CUresult cuModuleLoadData(CUmodule* module, const void* image) {
  const auto* header = static_cast<const Elf64_Ehdr*>(image);
  if (std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0) return kInvalidImage;
  const size_t size = header->e_shoff + size_t{header->e_shnum} * header->e_shentsize;
  char path[] = "/tmp/symtensor-fake-module-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return kInvalidValue;
  const bool written = write(fd, image, size) == static_cast<ssize_t>(size);
  close(fd);
  void* handle = written ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : nullptr;
  unlink(path);
  if (handle == nullptr) return kInvalidImage;
  *module = static_cast<CUmodule>(handle);
  return CUDA_SUCCESS;
}
CUresult cuModuleUnload(CUmodule module) { return dlclose(module) == 0 ? CUDA_SUCCESS : kInvalidValue; }
CUresult cuModuleGetFunction(CUfunction* fn, CUmodule module, const char* name) {
  void* f = dlsym(module, (std::string(name) + "__emu").c_str());
  if (f == nullptr) return kNotFound;
  *fn = static_cast<CUfunction>(f);
  return CUDA_SUCCESS;
}
CUresult cuLaunchKernel(CUfunction f, unsigned int gridX, unsigned int gridY, unsigned int gridZ, unsigned int blockX,
                        unsigned int blockY, unsigned int blockZ, unsigned int, CUstream, void** params, void**) {
  if (gridX == 0 || gridY == 0 || gridZ != 1 || blockX == 0 || blockX > 1024 || blockY != 1 || blockZ != 1)
    return kInvalidValue;
  for (unsigned by = 0; by < gridY; by++)
    for (unsigned bx = 0; bx < gridX; bx++) {
      const unsigned grid[4] = {bx, by, gridX, gridY};
      runner.Run(reinterpret_cast<EmulatedKernel>(f), grid, params, blockX);
    }
  return CUDA_SUCCESS;
}
CUresult cuEventCreate(CUevent* e, unsigned int) {
  *e = reinterpret_cast<CUevent>(new FakeEvent());
  return CUDA_SUCCESS;
}
CUresult cuEventRecord(CUevent e, CUstream) {
  reinterpret_cast<FakeEvent*>(e)->remaining = Lag();
  return CUDA_SUCCESS;
}
CUresult cuEventQuery(CUevent e) {
  FakeEvent* event = reinterpret_cast<FakeEvent*>(e);
  if (event->remaining > 0) {
    event->remaining--;
    return CUDA_ERROR_NOT_READY;
  }
  return CUDA_SUCCESS;
}
CUresult cuEventDestroy_v2(CUevent e) {
  delete reinterpret_cast<FakeEvent*>(e);
  return CUDA_SUCCESS;
}

}  // extern "C"
