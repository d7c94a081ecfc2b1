// What this CPU (and its OS) supports of the x86-64 micro-architecture
// levels, as GCC and Clang define them for -march=x86-64-v3 / x86-64-v4.
#pragma once

namespace equinet::runtime {

struct CpuFeatures {
  bool v3 = false;  // AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE (+ OS YMM state)
  bool v4 = false;  // v3 + AVX-512 F/BW/CD/DQ/VL (+ OS ZMM state)
};

// Detected once per process; all false on other architectures.
const CpuFeatures& cpu_features();

}  // namespace equinet::runtime
