// The CUDA driver, loaded at run time: the process-wide API table and the module functions that
// load it and query devices.
#pragma once

#include <napi.h>

#include <string>

#include "cuda_api.h"

namespace symtensor {

// Filled by LoadDriver; every other driver call requires it.
extern DriverApi driver;

// Whether LoadDriver succeeded.
bool DriverLoaded();

// "cuFoo: CUDA_ERROR_BAR (description)" for a failed call.
std::string DriverError(const char* call, CUresult result);

// Throws unless LoadDriver succeeded.
void RequireDriver(Napi::Env env);

// Throws a JS Error (with `code` set to the CUresult) unless `result` is CUDA_SUCCESS.
void Check(Napi::Env env, CUresult result, const char* call);

Napi::Value LoadDriver(const Napi::CallbackInfo& info);
Napi::Value DriverVersion(const Napi::CallbackInfo& info);
Napi::Value DeviceCount(const Napi::CallbackInfo& info);
Napi::Value DeviceInfo(const Napi::CallbackInfo& info);

}  // namespace symtensor
