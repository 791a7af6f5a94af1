// The few CUDA driver API and NVRTC entry points the addon calls, declared here from their
// documented signatures instead of including <cuda.h> / <nvrtc.h>: the addon must build on
// machines with no CUDA toolkit (and CI has cuda.h but no nvrtc.h), and it loads both libraries
// with dlopen at run time. The driver declarations are checked against the real cuda.h by a test
// wherever the toolkit is installed (test/native-header.test.ts).
//
// Versioned names (cuMemAllocHost_v2, ...) are the symbols cuda.h maps the plain names to; the
// unversioned legacy symbols have older ABIs (32-bit sizes) and must not be used.
#pragma once

#include <cstddef>

namespace symtensor {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
struct CUctx_st;
struct CUmod_st;
struct CUfunc_st;
struct CUstream_st;
struct CUevent_st;
using CUcontext = CUctx_st*;
using CUmodule = CUmod_st*;
using CUfunction = CUfunc_st*;
using CUstream = CUstream_st*;
using CUevent = CUevent_st*;

constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_NOT_READY = 600;
constexpr unsigned CU_STREAM_NON_BLOCKING = 0x1;
constexpr unsigned CU_EVENT_DISABLE_TIMING = 0x2;

// CUdevice_attribute values.
constexpr int CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X = 5;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y = 6;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8;
constexpr int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr int CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED = 115;

// X(name, symbol, return type, parameter list)
#define SYMTENSOR_DRIVER_FUNCTIONS(X)                                                              \
  X(cuInit, "cuInit", CUresult, (unsigned int flags))                                              \
  X(cuDriverGetVersion, "cuDriverGetVersion", CUresult, (int* version))                            \
  X(cuGetErrorName, "cuGetErrorName", CUresult, (CUresult error, const char** str))                \
  X(cuGetErrorString, "cuGetErrorString", CUresult, (CUresult error, const char** str))            \
  X(cuDeviceGetCount, "cuDeviceGetCount", CUresult, (int* count))                                  \
  X(cuDeviceGet, "cuDeviceGet", CUresult, (CUdevice * device, int ordinal))                        \
  X(cuDeviceGetName, "cuDeviceGetName", CUresult, (char* name, int len, CUdevice dev))             \
  X(cuDeviceGetAttribute, "cuDeviceGetAttribute", CUresult, (int* pi, int attrib, CUdevice dev))   \
  X(cuDeviceTotalMem, "cuDeviceTotalMem_v2", CUresult, (size_t * bytes, CUdevice dev))             \
  X(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain", CUresult, (CUcontext * pctx, CUdevice dev)) \
  X(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2", CUresult, (CUdevice dev))          \
  X(cuCtxSetCurrent, "cuCtxSetCurrent", CUresult, (CUcontext ctx))                                 \
  X(cuMemGetInfo, "cuMemGetInfo_v2", CUresult, (size_t * free, size_t * total))                    \
  X(cuStreamCreate, "cuStreamCreate", CUresult, (CUstream * stream, unsigned int flags))           \
  X(cuStreamDestroy, "cuStreamDestroy_v2", CUresult, (CUstream stream))                            \
  X(cuMemAllocAsync, "cuMemAllocAsync", CUresult, (CUdeviceptr * dptr, size_t bytes, CUstream stream)) \
  X(cuMemFreeAsync, "cuMemFreeAsync", CUresult, (CUdeviceptr dptr, CUstream stream))               \
  X(cuMemAllocHost, "cuMemAllocHost_v2", CUresult, (void** pp, size_t bytes))                      \
  X(cuMemFreeHost, "cuMemFreeHost", CUresult, (void* p))                                           \
  X(cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2", CUresult,                                           \
    (CUdeviceptr dst, const void* src, size_t bytes, CUstream stream))                             \
  X(cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2", CUresult,                                           \
    (void* dst, CUdeviceptr src, size_t bytes, CUstream stream))                                   \
  X(cuModuleLoadData, "cuModuleLoadData", CUresult, (CUmodule * module, const void* image))        \
  X(cuModuleUnload, "cuModuleUnload", CUresult, (CUmodule module))                                 \
  X(cuModuleGetFunction, "cuModuleGetFunction", CUresult,                                          \
    (CUfunction * fn, CUmodule module, const char* name))                                          \
  X(cuLaunchKernel, "cuLaunchKernel", CUresult,                                                    \
    (CUfunction f, unsigned int gridX, unsigned int gridY, unsigned int gridZ, unsigned int blockX, \
     unsigned int blockY, unsigned int blockZ, unsigned int sharedBytes, CUstream stream,          \
     void** params, void** extra))                                                                 \
  X(cuEventCreate, "cuEventCreate", CUresult, (CUevent * event, unsigned int flags))               \
  X(cuEventRecord, "cuEventRecord", CUresult, (CUevent event, CUstream stream))                    \
  X(cuEventQuery, "cuEventQuery", CUresult, (CUevent event))                                       \
  X(cuEventDestroy, "cuEventDestroy_v2", CUresult, (CUevent event))

using nvrtcResult = int;
struct _nvrtcProgram;
using nvrtcProgram = _nvrtcProgram*;
constexpr nvrtcResult NVRTC_SUCCESS = 0;

#define SYMTENSOR_NVRTC_FUNCTIONS(X)                                                               \
  X(nvrtcVersion, "nvrtcVersion", nvrtcResult, (int* major, int* minor))                           \
  X(nvrtcGetErrorString, "nvrtcGetErrorString", const char*, (nvrtcResult result))                 \
  X(nvrtcCreateProgram, "nvrtcCreateProgram", nvrtcResult,                                         \
    (nvrtcProgram * prog, const char* src, const char* name, int numHeaders,                       \
     const char* const* headers, const char* const* includeNames))                                 \
  X(nvrtcDestroyProgram, "nvrtcDestroyProgram", nvrtcResult, (nvrtcProgram * prog))                \
  X(nvrtcCompileProgram, "nvrtcCompileProgram", nvrtcResult,                                       \
    (nvrtcProgram prog, int numOptions, const char* const* options))                               \
  X(nvrtcGetProgramLogSize, "nvrtcGetProgramLogSize", nvrtcResult, (nvrtcProgram prog, size_t * size)) \
  X(nvrtcGetProgramLog, "nvrtcGetProgramLog", nvrtcResult, (nvrtcProgram prog, char* log))         \
  X(nvrtcGetCUBINSize, "nvrtcGetCUBINSize", nvrtcResult, (nvrtcProgram prog, size_t * size))       \
  X(nvrtcGetCUBIN, "nvrtcGetCUBIN", nvrtcResult, (nvrtcProgram prog, char* cubin))

#define SYMTENSOR_DECLARE_POINTER(name, symbol, ret, params) ret(*name) params = nullptr;

// Function pointers of a loaded library (all null until loaded).
struct DriverApi {
  SYMTENSOR_DRIVER_FUNCTIONS(SYMTENSOR_DECLARE_POINTER)
};
struct NvrtcApi {
  SYMTENSOR_NVRTC_FUNCTIONS(SYMTENSOR_DECLARE_POINTER)
};

}  // namespace symtensor
