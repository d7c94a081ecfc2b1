#include "equinet/runtime/cpu_features.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define EQUINET_CPUID 1
#endif

namespace equinet::runtime {
namespace {

// The levels' feature bits (CPUID leaves 1, 7, 0x80000001) plus the OS
// support (XCR0) for the AVX and AVX-512 register state.
CpuFeatures detect_cpu() {
  CpuFeatures f;
#ifdef EQUINET_CPUID
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

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures f = detect_cpu();
  return f;
}

}  // namespace equinet::runtime
