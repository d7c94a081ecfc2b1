#include "equinet/runtime/isa_dispatch.hpp"

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <vector>

#include "equinet/models/families.hpp"
#include "equinet/runtime/cpu_features.hpp"
#include "equinet/tp/detail/product_kernels.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EQUINET_ISA_X86_64 1
#include <dlfcn.h>
#endif

// Set by src/CMakeLists.txt for this file: the variants built beside
// libequinet (","-separated) and the shared-library file name parts.
#ifndef EQUINET_ISA_VARIANTS_BUILT
#define EQUINET_ISA_VARIANTS_BUILT ""
#endif
#ifndef EQUINET_ISA_LIBRARY_PREFIX
#define EQUINET_ISA_LIBRARY_PREFIX "lib"
#endif
#ifndef EQUINET_ISA_LIBRARY_SUFFIX
#define EQUINET_ISA_LIBRARY_SUFFIX ".so"
#endif

namespace equinet {
namespace runtime {
namespace {

// Every variant this code knows how to check for, from least to most capable.
struct VariantSpec {
  const char* name;
  bool (*cpu_supports)();
};
const VariantSpec kVariants[] = {
    {"x86-64-v3", [] { return cpu_features().v3; }},
    {"x86-64-v4", [] { return cpu_features().v4; }},
};
constexpr size_t kNumVariants = sizeof(kVariants) / sizeof(kVariants[0]);

bool built(const std::string& name) {
  std::istringstream list(EQUINET_ISA_VARIANTS_BUILT);
  for (std::string item; std::getline(list, item, ',');)
    if (item == name) return true;
  return false;
}

// One load attempt per variant and process; the library is never unloaded.
struct Loaded {
  bool tried = false;
  const models::LibraryTable* table = nullptr;
  std::string error;
};

// Function-local statics: usable from other libraries' static initialisers.
std::mutex& load_mutex() {
  static std::mutex m;
  return m;
}
Loaded& loaded(size_t k) {
  static Loaded slots[kNumVariants];
  return slots[k];
}

#ifdef EQUINET_ISA_X86_64
std::string library_directory() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&models::library_table), &info) == 0 || !info.dli_fname)
    return "";
  const std::string path = info.dli_fname;
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}
#endif

const Loaded& load(size_t k) {
  std::lock_guard<std::mutex> lock(load_mutex());
  Loaded& l = loaded(k);
  if (l.tried) return l;
  l.tried = true;
#ifdef EQUINET_ISA_X86_64
  const std::string name = kVariants[k].name;
  const std::string file = library_directory() + EQUINET_ISA_LIBRARY_PREFIX "equinet_isa_" + name +
                           EQUINET_ISA_LIBRARY_SUFFIX;
  std::string prefix = "equinet_isa_" + name;
  for (char& ch : prefix)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  const std::string symbol = prefix + "_library";
  dlerror();
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* e = dlerror();
    l.error = e ? e : ("cannot open " + file);
    return l;
  }
  void* entry = dlsym(handle, symbol.c_str());
  if (!entry) {
    l.error = file + ": entry point " + symbol + " not found (built from a different equinet?)";
    return l;  // keep the library mapped: harmless, and no unload races
  }
  using TableFunction = const models::LibraryTable* (*)();
  const models::LibraryTable* table = reinterpret_cast<TableFunction>(entry)();
  const std::string expected = models::abi_signature();
  const std::string found = table && table->abi ? table->abi : "none";
  if (found != expected) {
    l.error = file + " was built from a different equinet (layout '" + found + "', expected '" +
              expected + "'): rebuild or remove it";
    return l;
  }
  l.table = table;
#else
  (void)k;
  l.error = "no instruction-set variants on this platform";
#endif
  return l;
}

// Built, supported by this CPU, and loadable.
bool usable(size_t k) {
  return built(kVariants[k].name) && kVariants[k].cpu_supports() && load(k).table;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// The variant to use: its index in kVariants, or -1 for the generic code.
// `origin` names where a non-empty `requested` came from, for the error.
int choose_variant(const std::string& requested, const char* origin) {
  std::string name = requested;
  if (name.empty()) {
    const char* env = std::getenv("EQUINET_ISA");
    if (env && *env) {
      name = env;
      origin = "EQUINET_ISA";
    }
  }
  if (name.empty()) {
    for (size_t k = kNumVariants; k-- > 0;)
      if (usable(k)) return int(k);
    return -1;
  }
  if (name == "generic") return -1;
  const std::string head =
      "instruction set '" + name + "' (requested by " + origin + ") is not available: ";
  const std::string tail = "; available here: " + join(available_isas());
  for (size_t k = 0; k < kNumVariants; ++k) {
    if (name != kVariants[k].name) continue;
    if (!built(name))
      throw Error(head + "this build of equinet does not include it (EQUINET_ISA_VARIANTS)" + tail);
    if (!kVariants[k].cpu_supports()) throw Error(head + "this CPU does not support it" + tail);
    const Loaded& l = load(k);
    if (!l.table) throw Error(head + "its library could not be loaded: " + l.error + tail);
    return int(k);
  }
  std::vector<std::string> known{"generic"};
  for (const auto& v : kVariants) known.push_back(v.name);
  throw Error(head + "unknown name (known: " + join(known) + ")" + tail);
}

}  // namespace

const models::LibraryTable& select_library(const std::string& requested, const char* origin) {
  const int k = choose_variant(requested, origin);
  return k < 0 ? models::library_table() : *load(size_t(k)).table;
}

}  // namespace runtime

namespace tp::detail {

const ProductKernelTable& select_product_kernels(const std::string& isa) {
  return *runtime::select_library(isa, "the product's isa argument").product_kernels;
}

}  // namespace tp::detail

std::vector<std::string> available_isas() {
  std::vector<std::string> names{"generic"};
  for (size_t k = 0; k < runtime::kNumVariants; ++k)
    if (runtime::usable(k)) names.push_back(runtime::kVariants[k].name);
  return names;
}

}  // namespace equinet
