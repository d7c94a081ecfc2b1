// Unit conversions between OpenMM (nm, kJ/mol) and equinet models (Å, eV).
#pragma once

namespace EquinetPlugin {

// 1 nm = 10 Å (exact).
constexpr double kAngstromPerNm = 10.0;
// 1 eV = e * N_A / 1000 kJ/mol with the exact SI 2019 (CODATA 2018) values
// e = 1.602176634e-19 C and N_A = 6.02214076e23 /mol.
constexpr double kKJPerMolPerEv = 96.48533212331002;
// Force: (eV/Å) * kKJPerMolPerEv [kJ/mol per eV] * kAngstromPerNm [Å per nm].
constexpr double kKJPerMolNmPerEvAngstrom = kKJPerMolPerEv * kAngstromPerNm;

}  // namespace EquinetPlugin
