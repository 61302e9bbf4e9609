// A horizontal strip of equally sized tiles, each with a text label underneath.
#pragma once

#include <string>
#include <vector>

#include "ddpm/image.h"

namespace ddpm {

/// Where composeStrip puts things, in pixels. Each tile sits centred in a cell of
/// cellWidth (the tile width, or wider when a label needs more room, as with 28 px tiles);
/// cells are separated and surrounded by gap; labels sit in a band of labelHeight under the tiles.
struct StripLayout {
    int gap = 0;          ///< space between cells and around the edges
    int cellWidth = 0;    ///< max(tile width, widest label)
    int labelHeight = 0;  ///< height of the label band (0 when there are no labels)
    int width = 0;        ///< gap + k * (cellWidth + gap)
    int height = 0;       ///< gap + tile height + labelHeight + gap
    double fontScale = 0; ///< cv::FONT_HERSHEY_SIMPLEX scale chosen from the tile width
    int thickness = 1;    ///< stroke width of the label text
};

/// Layout for tileCount tiles of the given size with these labels (one per tile, or an empty
/// vector for no label band). Throws ddpm::Error for a size or count below 1.
StripLayout stripLayout(int tileWidth, int tileHeight, int tileCount, const std::vector<std::string>& labels);

/// Lays tiles left to right with a small gap on a white background and writes each
/// label centred below its tile. Tiles must share width, height and channel count;
/// gray tiles give a gray strip. labels is empty (no labels) or one per tile.
/// Throws ddpm::Error on empty input or mismatched tiles.
Image composeStrip(const std::vector<Image>& tiles, const std::vector<std::string>& labels);

/// Strips (or any images of one channel count) one above the other, left-aligned on white.
/// Throws ddpm::Error for no images or mixed channel counts.
Image stackVertically(const std::vector<Image>& rows);

} // namespace ddpm
