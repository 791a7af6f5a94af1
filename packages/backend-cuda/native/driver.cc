#include "driver.h"

#include "library.h"

namespace symtensor {

DriverApi driver;

namespace {
bool loaded = false;
}

bool DriverLoaded() { return loaded; }

std::string DriverError(const char* call, CUresult result) {
  const char* name = nullptr;
  const char* text = nullptr;
  if (driver.cuGetErrorName != nullptr) driver.cuGetErrorName(result, &name);
  if (driver.cuGetErrorString != nullptr) driver.cuGetErrorString(result, &text);
  std::string message = std::string(call) + ": " + (name != nullptr ? name : "CUDA error " + std::to_string(result));
  if (text != nullptr) message += std::string(" (") + text + ")";
  return message;
}

void Check(Napi::Env env, CUresult result, const char* call) {
  if (result == CUDA_SUCCESS) return;
  Napi::Error error = Napi::Error::New(env, DriverError(call, result));
  error.Set("code", Napi::Number::New(env, result));
  throw error;
}

namespace {

// { stage, message }: why loadDriver failed, and at which step.
Napi::Object Failure(Napi::Env env, const char* stage, const std::string& message) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("stage", Napi::String::New(env, stage));
  out.Set("message", Napi::String::New(env, message));
  return out;
}

}  // namespace

// loadDriver(path): null once the driver is loaded and initialised, else { stage, message } with
// stage 'open' (no such library), 'symbols' (a driver too old) or 'init' (cuInit failed: no
// device, a driver/kernel-module mismatch, ...).
Napi::Value LoadDriver(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (loaded) return env.Null();
  const std::string path = info[0].As<Napi::String>();
  std::string error;
  void* handle = OpenLibrary(path, error);
  if (handle == nullptr) return Failure(env, "open", path + " not found (" + error + ")");
  DriverApi api;
  std::string missing;
  SYMTENSOR_DRIVER_FUNCTIONS(SYMTENSOR_RESOLVE)
  if (!missing.empty()) return Failure(env, "symbols", path + " lacks " + missing + " (a driver older than CUDA 11.2?)");
  driver = api;
  const CUresult init = driver.cuInit(0);
  if (init != CUDA_SUCCESS) return Failure(env, "init", DriverError("cuInit", init));
  loaded = true;
  return env.Null();
}

void RequireDriver(Napi::Env env) {
  if (!loaded) throw Napi::Error::New(env, "the CUDA driver is not loaded (call loadDriver first)");
}

Napi::Value DriverVersion(const Napi::CallbackInfo& info) {
  RequireDriver(info.Env());
  int version = 0;
  Check(info.Env(), driver.cuDriverGetVersion(&version), "cuDriverGetVersion");
  return Napi::Number::New(info.Env(), version);
}

Napi::Value DeviceCount(const Napi::CallbackInfo& info) {
  RequireDriver(info.Env());
  int count = 0;
  Check(info.Env(), driver.cuDeviceGetCount(&count), "cuDeviceGetCount");
  return Napi::Number::New(info.Env(), count);
}

// deviceInfo(ordinal): name, compute capability and the limits the launcher needs.
Napi::Value DeviceInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireDriver(env);
  CUdevice dev = 0;
  Check(env, driver.cuDeviceGet(&dev, info[0].As<Napi::Number>().Int32Value()), "cuDeviceGet");
  char name[256] = {0};
  Check(env, driver.cuDeviceGetName(name, sizeof(name) - 1, dev), "cuDeviceGetName");
  size_t total = 0;
  Check(env, driver.cuDeviceTotalMem(&total, dev), "cuDeviceTotalMem");
  Napi::Object out = Napi::Object::New(env);
  out.Set("name", Napi::String::New(env, name));
  out.Set("totalMemory", Napi::Number::New(env, static_cast<double>(total)));
  const struct {
    const char* key;
    int attribute;
  } attributes[] = {
      {"major", CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR},
      {"minor", CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR},
      {"multiprocessors", CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT},
      {"maxThreadsPerBlock", CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK},
      {"maxSharedPerBlock", CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK},
      {"maxGridX", CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X},
      {"maxGridY", CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y},
      {"memoryPools", CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED},
  };
  for (const auto& a : attributes) {
    int value = 0;
    Check(env, driver.cuDeviceGetAttribute(&value, a.attribute, dev), "cuDeviceGetAttribute");
    out.Set(a.key, Napi::Number::New(env, value));
  }
  return out;
}

}  // namespace symtensor
