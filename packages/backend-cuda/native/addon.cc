// symtensor_cuda: the native half of @symtensor/backend-cuda. It links against no CUDA library:
// the driver (libcuda.so.1) and NVRTC are opened with dlopen when the backend is created, so the
// addon builds and loads on machines without CUDA, where loadDriver reports why it cannot serve.
#include <napi.h>

#include "device.h"
#include "driver.h"
#include "nvrtc.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("loadDriver", Napi::Function::New<symtensor::LoadDriver>(env, "loadDriver"));
  exports.Set("driverVersion", Napi::Function::New<symtensor::DriverVersion>(env, "driverVersion"));
  exports.Set("deviceCount", Napi::Function::New<symtensor::DeviceCount>(env, "deviceCount"));
  exports.Set("deviceInfo", Napi::Function::New<symtensor::DeviceInfo>(env, "deviceInfo"));
  exports.Set("loadNvrtc", Napi::Function::New<symtensor::LoadNvrtc>(env, "loadNvrtc"));
  exports.Set("nvrtcVersion", Napi::Function::New<symtensor::NvrtcVersion>(env, "nvrtcVersion"));
  exports.Set("nvrtcCompile", Napi::Function::New<symtensor::NvrtcCompile>(env, "nvrtcCompile"));
  exports.Set("Device", symtensor::Device::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(symtensor_cuda, Init)
