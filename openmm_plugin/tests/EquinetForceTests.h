// The EquinetForce test body shared by every platform: each platform's thin
// test file includes this header and instantiates EquinetForceTest with its
// platform name (as OpenMM's TestHarmonicBondForce.h + ReferenceTests.h).
//
// References: mace-torch outputs in ../shared/testdata/mace (both models, small
// non-periodic and periodic structures) and the core called directly.
#pragma once

#include <gtest/gtest.h>
#include <openmm/Context.h>
#include <openmm/OpenMMException.h>
#include <openmm/Platform.h>
#include <openmm/State.h>
#include <openmm/System.h>
#include <openmm/VerletIntegrator.h>
#include <openmm/serialization/XmlSerializer.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <equinet/potential.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "EquinetForce.h"
#include "EquinetUnits.h"
#include "OpenMMFrame.h"
#include "ReferenceData.h"

namespace EquinetTest {

using EquinetPlugin::EquinetForce;
using EquinetPlugin::kAngstromPerNm;
using EquinetPlugin::kKJPerMolNmPerEvAngstrom;
using EquinetPlugin::kKJPerMolPerEv;

inline std::string sharedPath(const std::string& relative) {
  return std::string(EQUINET_SHARED_DIR) + "/" + relative;
}
inline std::string modelPath(const std::string& model) {
  return sharedPath("testdata/mace/" + model + ".safetensors");
}

// An OpenMM System holding one reference structure, in OpenMM's frame.
struct TestSystem {
  std::unique_ptr<OpenMM::System> system;
  std::vector<OpenMM::Vec3> positions;  // nm
  OpenMMFrame frame;
};

inline TestSystem makeTestSystem(const Structure& s) {
  TestSystem setup;
  setup.system = std::make_unique<OpenMM::System>();
  setup.frame = openmmFrame(s);
  for (int i = 0; i < s.size(); i++) {
    setup.system->addParticle(1.0);
    std::array<double, 3> x = setup.frame.rotate(&s.positions[3 * i]);
    setup.positions.emplace_back(x[0] / kAngstromPerNm, x[1] / kAngstromPerNm,
                                 x[2] / kAngstromPerNm);
  }
  if (s.periodic) {
    const auto& c = setup.frame.cell;
    const double f = 1.0 / kAngstromPerNm;
    setup.system->setDefaultPeriodicBoxVectors(OpenMM::Vec3(c[0] * f, c[1] * f, c[2] * f),
                                               OpenMM::Vec3(c[3] * f, c[4] * f, c[5] * f),
                                               OpenMM::Vec3(c[6] * f, c[7] * f, c[8] * f));
  }
  return setup;
}

inline EquinetForce* addForce(TestSystem& setup, const std::string& model, const Structure& s,
                              const std::vector<int>& particles = {}) {
  auto* force = new EquinetForce(model, s.numbers, particles);
  force->setUsesPeriodicBoundaryConditions(s.periodic);
  setup.system->addForce(force);
  return force;
}

struct Evaluation {
  double energy = 0.0;               // kJ/mol
  std::vector<OpenMM::Vec3> forces;  // kJ/mol/nm
};

class EquinetForceTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    // Platforms shipped as plugins (CPU) first, then ours.
    OpenMM::Platform::loadPluginsFromDirectory(OpenMM::Platform::getDefaultPluginsDirectory());
    OpenMM::Platform::loadPluginsFromDirectory(EQUINET_OPENMM_PLUGIN_DIR);
  }

  void SetUp() override {
    if (!std::filesystem::exists(sharedPath("testdata/mace")))
      GTEST_SKIP() << "no ../shared reference data";
    bool found = false;
    for (int i = 0; i < OpenMM::Platform::getNumPlatforms(); i++)
      found = found || OpenMM::Platform::getPlatform(i).getName() == GetParam();
    if (!found) GTEST_SKIP() << "OpenMM platform " << GetParam() << " is not installed";
  }

  OpenMM::Platform& platform() { return OpenMM::Platform::getPlatformByName(GetParam()); }

  // A file name of this test process alone (ctest runs test programs in parallel).
  std::string scratchFile(const std::string& name) {
    return (std::filesystem::temp_directory_path() /
            ("equinet-" + GetParam() + "-" + std::to_string(getpid()) + "-" + name))
        .string();
  }

  Evaluation evaluate(const OpenMM::System& system, const std::vector<OpenMM::Vec3>& positions,
                      int groups = -1) {
    OpenMM::VerletIntegrator integrator(0.001);
    OpenMM::Context context(system, integrator, platform());
    context.setPositions(positions);
    OpenMM::State state =
        context.getState(OpenMM::State::Energy | OpenMM::State::Forces, false, groups);
    return {state.getPotentialEnergy(), state.getForces()};
  }
};

// The core on the same input (Å), for an exact comparison.
inline equinet::Results computeWithCore(const std::string& model, const Structure& s,
                                        const TestSystem& setup,
                                        const std::vector<int>& particles) {
  auto potential = equinet::Potential::load(model);
  std::vector<double> positions;
  std::vector<int> numbers;
  for (int index : particles) {
    for (int k = 0; k < 3; k++) positions.push_back(setup.positions[index][k] * kAngstromPerNm);
    numbers.push_back(s.numbers[index]);
  }
  equinet::System system;
  system.n_atoms = static_cast<int64_t>(particles.size());
  system.positions = positions.data();
  system.atomic_numbers = numbers.data();
  if (s.periodic) {
    for (int k = 0; k < 9; k++) system.cell[k] = setup.frame.cell[k];
    system.pbc[0] = system.pbc[1] = system.pbc[2] = true;
  }
  equinet::Results results;
  potential->compute(system, equinet::Request{}, results);
  return results;
}

inline std::vector<int> allIndices(int n) {
  std::vector<int> indices(n);
  for (int i = 0; i < n; i++) indices[i] = i;
  return indices;
}

// Energies and forces equal mace-torch's and the core's, in float64, for every
// structure of both models (non-periodic; periodic with cubic, triclinic and
// smaller-than-cutoff cells).
TEST_P(EquinetForceTest, MatchesMaceReferences) {
  for (const std::string model : {"small", "periodic"}) {
    for (const Structure& s : readReference(sharedPath("testdata/mace/" + model + "_ref.json"))) {
      SCOPED_TRACE(model + "/" + s.name);
      TestSystem setup = makeTestSystem(s);
      addForce(setup, modelPath(model), s);
      const Evaluation result = evaluate(*setup.system, setup.positions);
      const equinet::Results core =
          computeWithCore(modelPath(model), s, setup, allIndices(s.size()));

      EXPECT_NEAR(result.energy / kKJPerMolPerEv, s.energy, 1e-10 * std::abs(s.energy));
      EXPECT_NEAR(result.energy / kKJPerMolPerEv, core.energy, 1e-12 * std::abs(core.energy));
      for (int i = 0; i < s.size(); i++) {
        double f[3];
        for (int k = 0; k < 3; k++) f[k] = result.forces[i][k] / kKJPerMolNmPerEvAngstrom;
        const std::array<double, 3> back = setup.frame.rotateBack(f);
        for (int k = 0; k < 3; k++) {
          EXPECT_NEAR(back[k], s.forces[3 * i + k], 1e-8) << "atom " << i << " component " << k;
          EXPECT_NEAR(f[k], core.forces[3 * i + k], 1e-10) << "atom " << i << " component " << k;
        }
      }
    }
  }
}

// Float32 evaluation agrees with the float64 reference to float32 accuracy.
TEST_P(EquinetForceTest, Float32IsCloseToReference) {
  const Structure s = readReference(sharedPath("testdata/mace/small_ref.json")).at(1);
  TestSystem setup = makeTestSystem(s);
  addForce(setup, modelPath("small"), s)->setPrecision(EquinetForce::Float32);
  const Evaluation result = evaluate(*setup.system, setup.positions);
  EXPECT_NEAR(result.energy / kKJPerMolPerEv, s.energy, 1e-5 * std::abs(s.energy));
  for (int i = 0; i < s.size(); i++)
    for (int k = 0; k < 3; k++)
      EXPECT_NEAR(result.forces[i][k] / kKJPerMolNmPerEvAngstrom, s.forces[3 * i + k], 1e-3);
}

// Forces are minus the gradient of OpenMM's energy: central differences
// along random directions, non-periodic and periodic (triclinic).
TEST_P(EquinetForceTest, ForcesMatchFiniteDifferencesOfEnergy) {
  const std::vector<std::pair<std::string, int>> cases = {{"small", 1}, {"periodic", 1}};
  std::mt19937 random(7);
  std::normal_distribution<double> normal;
  for (const auto& [model, index] : cases) {
    const Structure s = readReference(sharedPath("testdata/mace/" + model + "_ref.json")).at(index);
    SCOPED_TRACE(model + "/" + s.name);
    TestSystem setup = makeTestSystem(s);
    addForce(setup, modelPath(model), s);
    OpenMM::VerletIntegrator integrator(0.001);
    OpenMM::Context context(*setup.system, integrator, platform());
    context.setPositions(setup.positions);
    const std::vector<OpenMM::Vec3> forces = context.getState(OpenMM::State::Forces).getForces();
    for (int trial = 0; trial < 3; trial++) {
      std::vector<OpenMM::Vec3> direction(s.size());
      double norm = 0.0;
      for (auto& d : direction) {
        d = OpenMM::Vec3(normal(random), normal(random), normal(random));
        norm += d.dot(d);
      }
      double slope = 0.0;  // -F . d
      for (int i = 0; i < s.size(); i++) {
        direction[i] *= 1.0 / std::sqrt(norm);
        slope -= forces[i].dot(direction[i]);
      }
      const double h = 1e-5;  // nm
      auto energyAt = [&](double step) {
        std::vector<OpenMM::Vec3> moved = setup.positions;
        for (int i = 0; i < s.size(); i++) moved[i] += direction[i] * step;
        context.setPositions(moved);
        return context.getState(OpenMM::State::Energy).getPotentialEnergy();
      };
      const double difference = (energyAt(h) - energyAt(-h)) / (2 * h);
      // 1e-8 eV/Å expressed in kJ/mol/nm, plus the O(h^2) truncation error.
      EXPECT_NEAR(difference, slope, 5e-8 * kKJPerMolNmPerEvAngstrom + 1e-7 * std::abs(slope));
    }
  }
}

// OpenMM never wraps the positions it hands to a force: atoms moved by whole
// lattice vectors (far outside the box) give the same energy and forces.
TEST_P(EquinetForceTest, PositionsOutsideTheBoxAreWrapped) {
  const Structure s = readReference(sharedPath("testdata/mace/periodic_ref.json")).at(1);
  TestSystem setup = makeTestSystem(s);
  addForce(setup, modelPath("periodic"), s);
  std::vector<OpenMM::Vec3> shifted = setup.positions;
  OpenMM::Vec3 box[3];
  setup.system->getDefaultPeriodicBoxVectors(box[0], box[1], box[2]);
  for (int i = 0; i < s.size(); i++)
    for (int k = 0; k < 3; k++) shifted[i] += box[k] * static_cast<double>((i + k) % 5 - 2);
  const Evaluation inside = evaluate(*setup.system, setup.positions);
  const Evaluation outside = evaluate(*setup.system, shifted);
  EXPECT_NEAR(outside.energy, inside.energy, 1e-12 * std::abs(inside.energy));
  for (int i = 0; i < s.size(); i++)
    for (int k = 0; k < 3; k++)
      EXPECT_NEAR(outside.forces[i][k], inside.forces[i][k], 1e-10 * kKJPerMolNmPerEvAngstrom);
}

// ML/MM: with a particle subset, the energy is the model's on the subset
// alone, the other particles feel no force, and their elements may be
// unknown to the model.
TEST_P(EquinetForceTest, ParticleSubsetIsModelOnSubsetAlone) {
  Structure s = readReference(sharedPath("testdata/mace/small_ref.json")).at(1);
  s.numbers[20] = 11;  // Na, unknown to the model, outside the subset
  const std::vector<int> subset = {3, 4, 5, 0, 1, 2, 9, 10, 11};  // three waters, any order
  TestSystem setup = makeTestSystem(s);
  addForce(setup, modelPath("small"), s, subset);
  const Evaluation result = evaluate(*setup.system, setup.positions);
  const equinet::Results alone = computeWithCore(modelPath("small"), s, setup, subset);

  EXPECT_NEAR(result.energy / kKJPerMolPerEv, alone.energy, 1e-12 * std::abs(alone.energy));
  std::vector<bool> inSubset(s.size(), false);
  for (size_t j = 0; j < subset.size(); j++) {
    inSubset[subset[j]] = true;
    for (int k = 0; k < 3; k++)
      EXPECT_NEAR(result.forces[subset[j]][k] / kKJPerMolNmPerEvAngstrom, alone.forces[3 * j + k],
                  1e-10);
  }
  for (int i = 0; i < s.size(); i++)
    if (!inSubset[i]) EXPECT_EQ(result.forces[i], OpenMM::Vec3(0, 0, 0)) << "particle " << i;
}

// The force only contributes to its own force group.
TEST_P(EquinetForceTest, RespectsForceGroups) {
  const Structure s = readReference(sharedPath("testdata/mace/small_ref.json")).at(0);
  TestSystem setup = makeTestSystem(s);
  addForce(setup, modelPath("small"), s)->setForceGroup(3);
  const Evaluation own = evaluate(*setup.system, setup.positions, 1 << 3);
  const Evaluation other = evaluate(*setup.system, setup.positions, ~(1 << 3));
  EXPECT_NEAR(own.energy / kKJPerMolPerEv, s.energy, 1e-10 * std::abs(s.energy));
  EXPECT_EQ(other.energy, 0.0);
  for (const OpenMM::Vec3& f : other.forces) EXPECT_EQ(f, OpenMM::Vec3(0, 0, 0));
}

// A serialized System embeds the model: it gives identical energies and
// forces after the model file is gone.
TEST_P(EquinetForceTest, XmlRoundTripWithoutModelFile) {
  const Structure s = readReference(sharedPath("testdata/mace/periodic_ref.json")).at(1);
  const std::string copy = scratchFile("roundtrip.safetensors");
  std::filesystem::copy_file(modelPath("periodic"), copy,
                             std::filesystem::copy_options::overwrite_existing);
  TestSystem setup = makeTestSystem(s);
  EquinetForce* force = addForce(setup, copy, s, {1, 2, 3, 5, 8, 13, 21, 34});
  force->setForceGroup(2);
  force->setName("machine-learned");
  const Evaluation before = evaluate(*setup.system, setup.positions);
  std::stringstream xml;
  OpenMM::XmlSerializer::serialize<OpenMM::System>(setup.system.get(), "System", xml);
  std::filesystem::remove(copy);

  std::unique_ptr<OpenMM::System> restored(OpenMM::XmlSerializer::deserialize<OpenMM::System>(xml));
  const auto& restoredForce = dynamic_cast<const EquinetForce&>(restored->getForce(0));
  EXPECT_EQ(restoredForce.getForceGroup(), 2);
  EXPECT_EQ(restoredForce.getName(), "machine-learned");
  EXPECT_TRUE(restoredForce.usesPeriodicBoundaryConditions());
  EXPECT_EQ(restoredForce.getParticles(), force->getParticles());
  EXPECT_EQ(restoredForce.getAtomicNumbers(), force->getAtomicNumbers());
  const Evaluation after = evaluate(*restored, setup.positions);
  EXPECT_EQ(after.energy, before.energy);
  EXPECT_EQ(after.forces, before.forces);
}

// Bad input gives an OpenMMException naming the problem, never a crash.
TEST_P(EquinetForceTest, ClearErrorsForBadInput) {
  const Structure s = readReference(sharedPath("testdata/mace/small_ref.json")).at(0);
  auto expectError = [](auto&& action, const std::string& fragment) {
    try {
      action();
      ADD_FAILURE() << "no exception; expected one mentioning '" << fragment << "'";
    } catch (const OpenMM::OpenMMException& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  expectError([&] { EquinetForce("/nonexistent/model.safetensors", s.numbers); },
              "/nonexistent/model.safetensors");
  std::vector<int> unknown = s.numbers;
  unknown[2] = 11;  // sodium: the small model knows H and O only
  expectError([&] { EquinetForce(modelPath("small"), unknown); }, "particle 2");
  expectError([&] { EquinetForce(modelPath("small"), s.numbers, {0, 6}); }, "index 6");
  expectError([&] { EquinetForce(modelPath("small"), s.numbers, {-1}); }, "index -1");
  expectError([&] { EquinetForce(modelPath("small"), s.numbers, {1, 1}); }, "twice");
  // More atomic numbers than System particles: found at Context creation.
  TestSystem setup = makeTestSystem(s);
  std::vector<int> tooMany = s.numbers;
  tooMany.push_back(1);
  setup.system->addForce(new EquinetForce(modelPath("small"), tooMany));
  expectError([&] { evaluate(*setup.system, setup.positions); }, "System has 6");
  // A file that is not a model.
  const std::string junk = scratchFile("junk.safetensors");
  std::ofstream(junk) << "not a model";
  expectError([&] { EquinetForce(junk, s.numbers); }, junk);
  std::filesystem::remove(junk);
}

}  // namespace EquinetTest
