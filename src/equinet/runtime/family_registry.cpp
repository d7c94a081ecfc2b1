#include "equinet/runtime/family_registry.hpp"

#include <deque>
#include <mutex>

#include "equinet/models/families.hpp"

namespace equinet::runtime {
namespace {

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::deque<models::ModelFamily>& registered() {  // deque: references stay valid
  static std::deque<models::ModelFamily> families;
  return families;
}

const models::ModelFamily* in_table(const models::LibraryTable& table, const std::string& source) {
  for (int k = 0; k < table.n_families; ++k)
    if (source == table.families[k].source) return &table.families[k];
  return nullptr;
}

}  // namespace

void register_family(const models::ModelFamily& family) {
  if (!family.source || !family.inspect || !family.make)
    throw Error("register_family: a family needs a source, inspect and make");
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto& list = registered();
  bool known = in_table(models::library_table(), family.source) != nullptr;
  for (const auto& f : list) known = known || std::string(f.source) == family.source;
  if (known)
    throw Error("register_family: a model family '" + std::string(family.source) +
                "' is already known");
  list.push_back(family);
}

const models::ModelFamily& find_family(const models::LibraryTable& table, const std::string& source,
                                       const std::string& file) {
  if (const auto* f = in_table(table, source)) return *f;
  std::lock_guard<std::mutex> lock(registry_mutex());
  std::string known;
  for (int k = 0; k < table.n_families; ++k)
    known += (known.empty() ? "" : ", ") + std::string(table.families[k].source);
  for (const auto& f : registered()) {
    if (source == f.source) return f;
    known += (known.empty() ? "" : ", ") + std::string(f.source);
  }
  throw Error(file + ": metadata 'equinet.source' = '" + source +
              "' is not a known model family (known: " + known + ")");
}

}  // namespace equinet::runtime
