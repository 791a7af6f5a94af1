// NVRTC, loaded at run time: loading, version, and compilation to CUBIN on a worker thread.
#pragma once

#include <napi.h>

namespace symtensor {

Napi::Value LoadNvrtc(const Napi::CallbackInfo& info);
Napi::Value NvrtcVersion(const Napi::CallbackInfo& info);
Napi::Value NvrtcCompile(const Napi::CallbackInfo& info);

}  // namespace symtensor
