#include "Base64.h"

#include <openmm/OpenMMException.h>

#include <array>

namespace EquinetPlugin {

namespace {

const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::array<int, 256> decodingTable() {
  std::array<int, 256> table;
  table.fill(-1);
  for (int i = 0; i < 64; i++) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}

}  // namespace

std::string base64Encode(const std::string& bytes) {
  std::string text;
  text.reserve(4 * ((bytes.size() + 2) / 3));
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    unsigned int group = 0;
    for (size_t k = 0; k < 3; k++)
      group = (group << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; k++) text += k <= n ? kAlphabet[(group >> (18 - 6 * k)) & 63] : '=';
  }
  return text;
}

std::string base64Decode(const std::string& text) {
  static const std::array<int, 256> table = decodingTable();
  if (text.size() % 4 != 0)
    throw OpenMM::OpenMMException("EquinetForce: embedded model is not valid base64 (length " +
                                  std::to_string(text.size()) + " is not a multiple of 4)");
  std::string bytes;
  bytes.reserve(3 * (text.size() / 4));
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const int padding =
        last ? (text[i + 3] == '=') + (text[i + 2] == '=' && text[i + 3] == '=') : 0;
    unsigned int group = 0;
    for (size_t k = 0; k < 4; k++) {
      int value = 0;
      if (k < 4 - static_cast<size_t>(padding)) {
        value = table[static_cast<unsigned char>(text[i + k])];
        if (value < 0)
          throw OpenMM::OpenMMException(
              "EquinetForce: embedded model is not valid base64 (bad character at offset " +
              std::to_string(i + k) + ")");
      }
      group = (group << 6) | static_cast<unsigned int>(value);
    }
    for (int k = 0; k < 3 - padding; k++) bytes += static_cast<char>((group >> (16 - 8 * k)) & 255);
  }
  return bytes;
}

}  // namespace EquinetPlugin
