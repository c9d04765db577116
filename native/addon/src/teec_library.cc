#include "teec_library.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

namespace rxteec {

namespace {

template <typename Fn>
bool Resolve(void* handle, const char* name, Fn* out, const std::string& path, std::string* error) {
  dlerror();  // clear a stale error so the check below is about this lookup
  void* symbol = dlsym(handle, name);
  const char* message = dlerror();
  if (message != nullptr || symbol == nullptr) {
    *error = "cannot use libteec " + path + ": symbol " + name + " not found (" +
             (message != nullptr ? message : "null symbol") + ")";
    return false;
  }
  *out = reinterpret_cast<Fn>(symbol);
  return true;
}

std::mutex g_cache_mutex;
// Never destroyed (allocated once, leaked on purpose): workers may use a library during exit.
std::map<std::string, std::shared_ptr<TeecLibrary>>* g_cache = nullptr;

}  // namespace

std::shared_ptr<TeecLibrary> TeecLibrary::Open(const std::string& path, std::string* error) {
  std::lock_guard<std::mutex> lock(g_cache_mutex);
  if (g_cache == nullptr) g_cache = new std::map<std::string, std::shared_ptr<TeecLibrary>>();
  auto found = g_cache->find(path);
  if (found != g_cache->end()) return found->second;

  dlerror();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* message = dlerror();
    *error = "cannot load libteec " + path + ": " + (message != nullptr ? message : "unknown dlopen error");
    return nullptr;
  }
  auto library = std::make_shared<TeecLibrary>();
  library->path = path;
  library->handle = handle;
  bool ok = Resolve(handle, "TEEC_InitializeContext", &library->InitializeContext, path, error) &&
            Resolve(handle, "TEEC_FinalizeContext", &library->FinalizeContext, path, error) &&
            Resolve(handle, "TEEC_OpenSession", &library->OpenSession, path, error) &&
            Resolve(handle, "TEEC_CloseSession", &library->CloseSession, path, error) &&
            Resolve(handle, "TEEC_InvokeCommand", &library->InvokeCommand, path, error) &&
            Resolve(handle, "TEEC_RequestCancellation", &library->RequestCancellation, path, error) &&
            Resolve(handle, "TEEC_RegisterSharedMemory", &library->RegisterSharedMemory, path, error) &&
            Resolve(handle, "TEEC_AllocateSharedMemory", &library->AllocateSharedMemory, path, error) &&
            Resolve(handle, "TEEC_ReleaseSharedMemory", &library->ReleaseSharedMemory, path, error);
  if (!ok) {
    dlclose(handle);  // nothing from it was used yet
    return nullptr;
  }
  (*g_cache)[path] = library;
  return library;
}

}  // namespace rxteec
