// dlopen of a shared library and resolution of an API table declared with an X-macro list.
#pragma once

#include <dlfcn.h>

#include <string>

namespace symtensor {

// Opens `path` (a file path, or a bare name searched the dynamic linker's way). On failure,
// returns nullptr and sets `error` to dlerror's message. Handles are never closed: a driver or
// compiler library must outlive every context and program made with it.
inline void* OpenLibrary(const std::string& path, std::string& error) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* message = dlerror();
    error = message != nullptr ? message : "dlopen failed";
  }
  return handle;
}

}  // namespace symtensor

// Resolves every function of an X-macro list into `api`; on the first missing symbol, sets
// `missing` to its name and stops (leaving the table partly filled, which callers discard).
#define SYMTENSOR_RESOLVE(name, symbol, ret, params)                                 \
  if (missing.empty()) {                                                             \
    api.name = reinterpret_cast<decltype(api.name)>(dlsym(handle, symbol));          \
    if (api.name == nullptr) missing = symbol;                                       \
  }
