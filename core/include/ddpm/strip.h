// A horizontal strip of equally sized tiles, each with a text label underneath.
#pragma once

#include <string>
#include <vector>

#include "ddpm/image.h"

namespace ddpm {

/// Lays tiles left to right with a small gap on a white background and writes each
/// label centred below its tile. Tiles must share width, height and channel count;
/// gray tiles give a gray strip. Throws ddpm::Error on empty input or mismatched tiles.
Image composeStrip(const std::vector<Image>& tiles, const std::vector<std::string>& labels);

} // namespace ddpm
