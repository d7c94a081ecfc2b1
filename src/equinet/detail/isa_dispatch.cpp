#include "equinet/detail/isa_dispatch.hpp"

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <vector>

#include "equinet/models/mace/mace_potential.hpp"
#include "equinet/tp/detail/product_kernels.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EQUINET_ISA_X86_64 1
#include <cpuid.h>
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
namespace detail {
namespace {

Potential* make_generic(const io::SafetensorsFile& file, const mace::MaceConfig& config,
                        const mace::MaceOptions& options, Precision precision) {
  return mace::make_mace_potential(file, config, options, precision).release();
}

// The x86-64 micro-architecture levels as GCC and Clang define them for
// -march=x86-64-v3 / -march=x86-64-v4, plus the OS support (XCR0) for the
// AVX and AVX-512 register state.
struct CpuFeatures {
  bool v3 = false, v4 = false;
};

CpuFeatures detect_cpu() {
  CpuFeatures f;
#ifdef EQUINET_ISA_X86_64
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  const auto bit = [](unsigned r, int k) { return (r >> k) & 1u; };
  const bool sse3 = bit(c, 0), ssse3 = bit(c, 9), fma = bit(c, 12), cx16 = bit(c, 13),
             sse41 = bit(c, 19), sse42 = bit(c, 20), movbe = bit(c, 22), popcnt = bit(c, 23),
             xsave = bit(c, 26), osxsave = bit(c, 27), avx = bit(c, 28), f16c = bit(c, 29);
  unsigned long long xcr0 = 0;
  if (osxsave) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    xcr0 = (static_cast<unsigned long long>(hi) << 32) | lo;
  }
  const bool os_avx = (xcr0 & 0x6) == 0x6;       // XMM and YMM state
  const bool os_avx512 = (xcr0 & 0xe6) == 0xe6;  // + opmask, ZMM_Hi256, Hi16_ZMM
  unsigned b7 = 0;
  if (__get_cpuid_max(0, nullptr) >= 7) {
    unsigned a7, c7, d7;
    __cpuid_count(7, 0, a7, b7, c7, d7);
  }
  const bool bmi1 = bit(b7, 3), avx2 = bit(b7, 5), bmi2 = bit(b7, 8), avx512f = bit(b7, 16),
             avx512dq = bit(b7, 17), avx512cd = bit(b7, 28), avx512bw = bit(b7, 30),
             avx512vl = bit(b7, 31);
  unsigned ce = 0;
  if (__get_cpuid_max(0x80000000u, nullptr) >= 0x80000001u) {
    unsigned ae, be, de;
    __cpuid(0x80000001u, ae, be, ce, de);
  }
  const bool lahf = bit(ce, 0), lzcnt = bit(ce, 5);
  const bool v2 = cx16 && lahf && popcnt && sse3 && sse41 && sse42 && ssse3;
  f.v3 = v2 && os_avx && avx && avx2 && bmi1 && bmi2 && f16c && fma && lzcnt && movbe && xsave;
  f.v4 = f.v3 && os_avx512 && avx512f && avx512bw && avx512cd && avx512dq && avx512vl;
#endif
  return f;
}

const CpuFeatures& cpu() {
  static const CpuFeatures f = detect_cpu();
  return f;
}

// Every variant this code knows how to check for, from least to most capable.
struct VariantSpec {
  const char* name;
  bool (*cpu_supports)();
};
const VariantSpec kVariants[] = {
    {"x86-64-v3", [] { return cpu().v3; }},
    {"x86-64-v4", [] { return cpu().v4; }},
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
  MaceFactory factory = nullptr;
  const tp::detail::ProductKernelTable* products = nullptr;
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
  if (dladdr(reinterpret_cast<void*>(&make_generic), &info) == 0 || !info.dli_fname) return "";
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
  const std::string symbol = prefix + "_make_mace_potential",
                    products_symbol = prefix + "_product_kernels", abi_symbol = prefix + "_abi";
  dlerror();
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* e = dlerror();
    l.error = e ? e : ("cannot open " + file);
    return l;
  }
  void* entry = dlsym(handle, symbol.c_str());
  void* products = dlsym(handle, products_symbol.c_str());
  if (!entry || !products) {
    l.error = file + ": entry point " + (entry ? products_symbol : symbol) + " not found";
    return l;  // keep the library mapped: harmless, and no unload races
  }
  using AbiFunction = const char* (*)();
  using ProductsFunction = const tp::detail::ProductKernelTable* (*)();
  void* abi = dlsym(handle, abi_symbol.c_str());
  const std::string expected = abi_signature();
  const std::string found = abi ? reinterpret_cast<AbiFunction>(abi)() : "none";
  if (found != expected) {
    l.error = file + " was built from a different equinet (layout '" + found + "', expected '" +
              expected + "'): rebuild or remove it";
    return l;
  }
  l.factory = reinterpret_cast<MaceFactory>(entry);
  l.products = reinterpret_cast<ProductsFunction>(products)();
#else
  (void)k;
  l.error = "no instruction-set variants on this platform";
#endif
  return l;
}

// Built, supported by this CPU, and loadable.
bool usable(size_t k) {
  return built(kVariants[k].name) && kVariants[k].cpu_supports() && load(k).factory;
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
    if (!l.factory) throw Error(head + "its library could not be loaded: " + l.error + tail);
    return int(k);
  }
  std::vector<std::string> known{"generic"};
  for (const auto& v : kVariants) known.push_back(v.name);
  throw Error(head + "unknown name (known: " + join(known) + ")" + tail);
}

}  // namespace

MaceFactory select_mace_factory(const std::string& requested) {
  const int k = choose_variant(requested, "LoadOptions::isa");
  return k < 0 ? &make_generic : load(size_t(k)).factory;
}

}  // namespace detail

namespace tp::detail {

const ProductKernelTable& select_product_kernels(const std::string& isa) {
  const int k = equinet::detail::choose_variant(isa, "the product's isa argument");
  return k < 0 ? product_kernel_table() : *equinet::detail::load(size_t(k)).products;
}

}  // namespace tp::detail

std::vector<std::string> available_isas() {
  std::vector<std::string> names{"generic"};
  for (size_t k = 0; k < detail::kNumVariants; ++k)
    if (detail::usable(k)) names.push_back(detail::kVariants[k].name);
  return names;
}

}  // namespace equinet
