#include "nvrtc.h"

#include <string>
#include <vector>

#include "cuda_api.h"
#include "library.h"

namespace symtensor {

namespace {

NvrtcApi nvrtc;
bool loaded = false;

// Compiles on a libuv worker thread: NVRTC takes from tens of milliseconds to seconds per kernel
// and is thread-safe, and the event loop must not wait for it.
class CompileWorker : public Napi::AsyncWorker {
 public:
  CompileWorker(Napi::Env env, std::string source, std::string name, std::vector<std::string> options)
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        source_(std::move(source)),
        name_(std::move(name)),
        options_(std::move(options)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    nvrtcProgram program = nullptr;
    nvrtcResult r = nvrtc.nvrtcCreateProgram(&program, source_.c_str(), name_.c_str(), 0, nullptr, nullptr);
    if (r != NVRTC_SUCCESS) return Fail("nvrtcCreateProgram", r);
    std::vector<const char*> options;
    for (const std::string& o : options_) options.push_back(o.c_str());
    const nvrtcResult compiled =
        nvrtc.nvrtcCompileProgram(program, static_cast<int>(options.size()), options.data());
    size_t logSize = 0;
    if (nvrtc.nvrtcGetProgramLogSize(program, &logSize) == NVRTC_SUCCESS && logSize > 1) {
      log_.resize(logSize);
      nvrtc.nvrtcGetProgramLog(program, &log_[0]);
      log_.resize(logSize - 1);  // the size counts the terminating NUL
    }
    if (compiled == NVRTC_SUCCESS) {
      size_t size = 0;
      r = nvrtc.nvrtcGetCUBINSize(program, &size);
      if (r == NVRTC_SUCCESS) {
        cubin_.resize(size);
        r = nvrtc.nvrtcGetCUBIN(program, cubin_.data());
      }
      if (r != NVRTC_SUCCESS) Fail("nvrtcGetCUBIN", r);
    } else {
      Fail("nvrtcCompileProgram", compiled);
    }
    nvrtc.nvrtcDestroyProgram(&program);
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("cubin", Napi::Buffer<char>::Copy(env, cubin_.data(), cubin_.size()));
    out.Set("log", Napi::String::New(env, log_));
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& error) override {
    error.Set("log", Napi::String::New(Env(), log_));
    deferred_.Reject(error.Value());
  }

 private:
  void Fail(const char* call, nvrtcResult r) {
    SetError(std::string(call) + ": " + nvrtc.nvrtcGetErrorString(r));
  }

  Napi::Promise::Deferred deferred_;
  std::string source_;
  std::string name_;
  std::vector<std::string> options_;
  std::string log_;
  std::vector<char> cubin_;
};

void RequireNvrtc(Napi::Env env) {
  if (!loaded) throw Napi::Error::New(env, "NVRTC is not loaded (call loadNvrtc first)");
}

}  // namespace

// loadNvrtc(path): null once loaded, else the reason the library at `path` cannot serve.
Napi::Value LoadNvrtc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (loaded) return env.Null();
  const std::string path = info[0].As<Napi::String>();
  std::string error;
  void* handle = OpenLibrary(path, error);
  if (handle == nullptr) return Napi::String::New(env, error);
  NvrtcApi api;
  std::string missing;
  SYMTENSOR_NVRTC_FUNCTIONS(SYMTENSOR_RESOLVE)
  if (!missing.empty()) return Napi::String::New(env, path + " lacks " + missing + " (NVRTC older than 11.1?)");
  nvrtc = api;
  loaded = true;
  return env.Null();
}

// nvrtcVersion(): [major, minor].
Napi::Value NvrtcVersion(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireNvrtc(env);
  int major = 0;
  int minor = 0;
  nvrtc.nvrtcVersion(&major, &minor);
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::Number::New(env, major));
  out.Set(1u, Napi::Number::New(env, minor));
  return out;
}

// nvrtcCompile(source, name, options): Promise<{ cubin: Buffer, log: string }>; a failure rejects
// with an Error whose `log` holds the compiler's messages.
Napi::Value NvrtcCompile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireNvrtc(env);
  Napi::Array list = info[2].As<Napi::Array>();
  std::vector<std::string> options;
  for (uint32_t k = 0; k < list.Length(); k++) options.push_back(list.Get(k).As<Napi::String>());
  auto* worker = new CompileWorker(env, info[0].As<Napi::String>(), info[1].As<Napi::String>(), std::move(options));
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // the worker deletes itself once settled
  return promise;
}

}  // namespace symtensor
