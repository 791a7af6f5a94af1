// Compiled by test/native-header.test.ts against the CUDA toolkit's cuda.h: every driver entry
// point declared by hand in native/cuda_api.h must resolve to the symbol cuda.h maps its name to
// (the versioned ABI), with the same arity and parameter kinds and sizes, and the constants must
// match cuda.h's enums.
#include <cuda.h>

#include <type_traits>

#include "../native/cuda_api.h"

namespace {

#define STR(x) #x
#define EXPANDED(x) STR(x)

constexpr bool Equal(const char* a, const char* b) { return *a == *b && (*a == '\0' || Equal(a + 1, b + 1)); }

// Integers and enums are interchangeable at the ABI level when their sizes match; pointers match
// when their pointees do (with the same constness), opaque structs (the handle types, distinct
// types in the two headers) match any opaque struct.
template <typename A, typename B>
constexpr bool SameKind() {
  if constexpr (std::is_pointer_v<A> || std::is_pointer_v<B>) {
    if constexpr (std::is_pointer_v<A> && std::is_pointer_v<B>) {
      using PA = std::remove_pointer_t<A>;
      using PB = std::remove_pointer_t<B>;
      return std::is_const_v<PA> == std::is_const_v<PB> && SameKind<std::remove_cv_t<PA>, std::remove_cv_t<PB>>();
    } else {
      return false;
    }
  } else if constexpr (std::is_class_v<A> || std::is_class_v<B>) {
    return std::is_class_v<A> && std::is_class_v<B>;
  } else if constexpr (std::is_void_v<A> || std::is_void_v<B>) {
    return std::is_void_v<A> && std::is_void_v<B>;
  } else {
    return (std::is_integral_v<A> || std::is_enum_v<A>) == (std::is_integral_v<B> || std::is_enum_v<B>) &&
           sizeof(A) == sizeof(B);
  }
}

template <typename F, typename G>
struct Compatible;
template <typename R1, typename... A, typename R2, typename... B>
struct Compatible<R1 (*)(A...), R2 (*)(B...)> {
  static constexpr bool value = sizeof...(A) == sizeof...(B) && SameKind<R1, R2>() && (SameKind<A, B>() && ...);
};

#define CHECK(name, symbol, ret, params)                                                          \
  static_assert(Equal(EXPANDED(name), symbol), #name " must be declared with symbol " symbol);    \
  static_assert(Compatible<decltype(&::name), decltype(symtensor::DriverApi::name)>::value,       \
                #name ": the declaration in cuda_api.h does not match cuda.h");
SYMTENSOR_DRIVER_FUNCTIONS(CHECK)

static_assert(symtensor::CUDA_SUCCESS == CUDA_SUCCESS, "CUDA_SUCCESS");
static_assert(symtensor::CUDA_ERROR_NOT_READY == CUDA_ERROR_NOT_READY, "CUDA_ERROR_NOT_READY");
static_assert(symtensor::CU_STREAM_NON_BLOCKING == CU_STREAM_NON_BLOCKING, "CU_STREAM_NON_BLOCKING");
static_assert(symtensor::CU_EVENT_DISABLE_TIMING == CU_EVENT_DISABLE_TIMING, "CU_EVENT_DISABLE_TIMING");
static_assert(sizeof(symtensor::CUdeviceptr) == sizeof(::CUdeviceptr), "CUdeviceptr");
#define ATTRIBUTE(name) static_assert(symtensor::name == ::name, #name);
ATTRIBUTE(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK)
ATTRIBUTE(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X)
ATTRIBUTE(CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y)
ATTRIBUTE(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK)
ATTRIBUTE(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)
ATTRIBUTE(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
ATTRIBUTE(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)
ATTRIBUTE(CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED)

}  // namespace
