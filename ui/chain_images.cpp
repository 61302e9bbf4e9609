#include "chain_images.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "ddpm/strip.h"

namespace ddpm::ui {

const QByteArray& chainPartBytes(const ChainFrame& frame, ChainPart part)
{
    switch (part) {
    case ChainPart::X0: return frame.x0;
    case ChainPart::Eps: return frame.eps;
    case ChainPart::Xt: break;
    }
    return frame.xt;
}

ddpm::Image chainItemImage(const ChainInfo& info, const QByteArray& bytes, int item)
{
    ddpm::Image out;
    if (!info.images() || item < 0 || item >= info.batch)
        return out;
    const int c = static_cast<int>(info.itemShape[0]);
    const int h = static_cast<int>(info.itemShape[1]);
    const int w = static_cast<int>(info.itemShape[2]);
    const qsizetype plane = qsizetype(h) * w;
    const qsizetype offset = qsizetype(item) * c * plane;
    if (bytes.size() < offset + c * plane)
        return out;
    // Planar [C, H, W] to interleaved; a picture shows 1 or 3 channels (others: the first).
    const int shown = c == 3 ? 3 : 1;
    out.width = w;
    out.height = h;
    out.channels = shown;
    out.pixels.resize(static_cast<size_t>(plane) * shown);
    const auto* src = reinterpret_cast<const std::uint8_t*>(bytes.constData()) + offset;
    for (qsizetype p = 0; p < plane; ++p)
        for (int ch = 0; ch < shown; ++ch)
            out.pixels[static_cast<size_t>(p) * shown + ch] = src[ch * plane + p];
    return out;
}

ddpm::Image chainGridImage(const ChainInfo& info, const QByteArray& bytes, int selected)
{
    ddpm::Image grid;
    if (!info.images() || bytes.isEmpty() || info.batch < 1)
        return grid;
    const int n = info.batch;
    const int columns = static_cast<int>(std::ceil(std::sqrt(double(n))));
    const int rows = (n + columns - 1) / columns;
    const int h = static_cast<int>(info.itemShape[1]);
    const int w = static_cast<int>(info.itemShape[2]);
    const int gap = 1;
    grid.width = gap + columns * (w + gap);
    grid.height = gap + rows * (h + gap);
    // Gray items stay gray unless a tile is framed in colour.
    const bool colour = info.itemShape[0] == 3 || (selected >= 0 && selected < n);
    grid.channels = colour ? 3 : 1;
    grid.pixels.assign(static_cast<size_t>(grid.width) * grid.height * grid.channels, 255);
    for (int i = 0; i < n; ++i) {
        const ddpm::Image tile = chainItemImage(info, bytes, i);
        if (tile.empty())
            continue;
        const int x0 = gap + (i % columns) * (w + gap);
        const int y0 = gap + (i / columns) * (h + gap);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                for (int ch = 0; ch < grid.channels; ++ch)
                    grid.at(y0 + y, x0 + x, ch) = tile.at(y, x, tile.channels == 3 ? ch : 0);
    }
    if (selected >= 0 && selected < n) {
        // The gap around the selected tile, in orange.
        const int x0 = (selected % columns) * (w + gap);
        const int y0 = (selected / columns) * (h + gap);
        const std::uint8_t orange[3] = {255, 127, 14};
        for (int y = y0; y < y0 + h + 2 * gap; ++y)
            for (int x = x0; x < x0 + w + 2 * gap; ++x)
                if (y < y0 + gap || y >= y0 + gap + h || x < x0 + gap || x >= x0 + gap + w)
                    for (int ch = 0; ch < 3; ++ch)
                        grid.at(y, x, ch) = orange[ch];
    }
    return grid;
}

ddpm::Image enlarged(const ddpm::Image& image, int minSide)
{
    if (image.empty())
        return image;
    const int side = std::min(image.width, image.height);
    const int factor = std::max(1, (minSide + side - 1) / side);
    if (factor == 1)
        return image;
    ddpm::Image out;
    out.width = image.width * factor;
    out.height = image.height * factor;
    out.channels = image.channels;
    out.pixels.resize(static_cast<size_t>(out.width) * out.height * out.channels);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x)
            for (int ch = 0; ch < out.channels; ++ch)
                out.at(y, x, ch) = image.at(y / factor, x / factor, ch);
    return out;
}

ddpm::Image paddedToWidth(const ddpm::Image& image, int minWidth)
{
    if (image.empty() || image.width >= minWidth)
        return image;
    ddpm::Image out;
    out.width = minWidth;
    out.height = image.height;
    out.channels = image.channels;
    out.pixels.assign(static_cast<size_t>(out.width) * out.height * out.channels, 255);
    const size_t row = static_cast<size_t>(image.width) * image.channels;
    for (int y = 0; y < image.height; ++y)
        std::copy_n(image.pixels.begin() + static_cast<std::ptrdiff_t>(row * y), row,
                    out.pixels.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(out.width) * out.channels * y));
    return out;
}

ddpm::Image progressiveFigure(const ChainInfo& info, const QVector<ChainFrame>& frames, int samples, int columns,
                              int tileSide)
{
    QVector<int> predicted; // frames with a predicted x_0 (all but the final sample)
    for (int i = 0; i < frames.size(); ++i)
        if (frames[i].step >= 1 && !frames[i].x0.isEmpty())
            predicted.push_back(i);
    if (!info.images() || predicted.isEmpty())
        return {};
    QVector<int> chosen;
    const int count = std::min<int>(columns, predicted.size());
    for (int j = 0; j < count; ++j) {
        const int i = count == 1 ? 0 : static_cast<int>(std::lround(double(j) * (predicted.size() - 1) / (count - 1)));
        if (chosen.isEmpty() || chosen.back() != predicted[i])
            chosen.push_back(predicted[i]);
    }
    std::vector<ddpm::Image> rows;
    for (int item = 0; item < std::min(samples, info.batch); ++item) {
        std::vector<ddpm::Image> tiles;
        std::vector<std::string> labels;
        for (int i : chosen) {
            tiles.push_back(enlarged(chainItemImage(info, frames[i].x0, item), tileSide));
            labels.push_back("t = " + std::to_string(frames[i].t));
        }
        rows.push_back(ddpm::composeStrip(tiles, item == 0 ? labels : std::vector<std::string>{}));
    }
    return ddpm::stackVertically(rows);
}

} // namespace ddpm::ui
