// composeStrip: tiles side by side on white with labels drawn by cv::putText.
#include "ddpm/strip.h"

#include <algorithm>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "ddpm/error.h"

namespace ddpm {
namespace {

constexpr int kGap = 6;
constexpr int kLabelPad = 4;
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
// Reference text for the band height, so it does not depend on which glyphs a label uses.
constexpr const char* kHeightProbe = "Xgt=0123456789_";

std::string tileText(const Image& t)
{
    return std::to_string(t.width) + " x " + std::to_string(t.height) + " x " + std::to_string(t.channels);
}

} // namespace

StripLayout stripLayout(int tileWidth, int tileHeight, int tileCount, const std::vector<std::string>& labels)
{
    if (tileWidth < 1 || tileHeight < 1 || tileCount < 1)
        throw Error("a strip needs at least one tile of at least 1 x 1 pixels");
    StripLayout layout;
    layout.gap = kGap;
    // SIMPLEX at 0.35 is about 8 px tall, the smallest that stays readable; tiles of 288 px and more get 1.2.
    layout.fontScale = std::clamp(tileWidth / 240.0, 0.35, 1.2);
    layout.thickness = layout.fontScale >= 0.9 ? 2 : 1;
    layout.cellWidth = tileWidth;
    if (!labels.empty()) {
        int baseline = 0;
        const cv::Size probe = cv::getTextSize(kHeightProbe, kFont, layout.fontScale, layout.thickness, &baseline);
        layout.labelHeight = probe.height + baseline + 2 * kLabelPad;
        for (const std::string& label : labels) {
            const cv::Size size = cv::getTextSize(label, kFont, layout.fontScale, layout.thickness, &baseline);
            layout.cellWidth = std::max(layout.cellWidth, size.width + 2);
        }
    }
    layout.width = kGap + tileCount * (layout.cellWidth + kGap);
    layout.height = kGap + tileHeight + layout.labelHeight + kGap;
    return layout;
}

Image composeStrip(const std::vector<Image>& tiles, const std::vector<std::string>& labels)
{
    if (tiles.empty())
        throw Error("cannot compose a strip of no images");
    if (!labels.empty() && labels.size() != tiles.size())
        throw Error("strip has " + std::to_string(tiles.size()) + " images but " + std::to_string(labels.size()) +
                    " labels; give one label per image or none");
    const Image& first = tiles.front();
    if (first.empty() || (first.channels != 1 && first.channels != 3))
        throw Error("strip images must be non-empty gray or RGB images, not " + tileText(first));
    for (size_t i = 0; i < tiles.size(); ++i) {
        const Image& t = tiles[i];
        if (t.width != first.width || t.height != first.height || t.channels != first.channels ||
            t.pixels.size() != static_cast<size_t>(t.width) * t.height * t.channels)
            throw Error("strip image " + std::to_string(i + 1) + " is " + tileText(t) + " but the first is " +
                        tileText(first) + "; all images in a strip must match");
    }

    const StripLayout layout = stripLayout(first.width, first.height, static_cast<int>(tiles.size()), labels);
    const int type = CV_8UC(first.channels);
    cv::Mat canvas(layout.height, layout.width, type, cv::Scalar::all(255));
    const cv::Scalar ink = cv::Scalar::all(0);

    for (size_t i = 0; i < tiles.size(); ++i) {
        const int cellX = layout.gap + static_cast<int>(i) * (layout.cellWidth + layout.gap);
        const int tileX = cellX + (layout.cellWidth - first.width) / 2;
        const cv::Mat tile(first.height, first.width, type, const_cast<std::uint8_t*>(tiles[i].pixels.data()));
        tile.copyTo(canvas(cv::Rect(tileX, layout.gap, first.width, first.height)));
        if (labels.empty() || labels[i].empty())
            continue;
        int baseline = 0;
        const cv::Size probe = cv::getTextSize(kHeightProbe, kFont, layout.fontScale, layout.thickness, &baseline);
        const cv::Size text = cv::getTextSize(labels[i], kFont, layout.fontScale, layout.thickness, &baseline);
        const int textX = cellX + (layout.cellWidth - text.width) / 2;
        const int textY = layout.gap + first.height + kLabelPad + probe.height; // baseline of the text
        cv::putText(canvas, labels[i], cv::Point(textX, textY), kFont, layout.fontScale, ink, layout.thickness,
                    cv::LINE_AA);
    }

    Image strip;
    strip.width = canvas.cols;
    strip.height = canvas.rows;
    strip.channels = first.channels;
    strip.pixels.assign(canvas.datastart, canvas.dataend);
    return strip;
}

Image stackVertically(const std::vector<Image>& rows)
{
    if (rows.empty())
        throw Error("cannot stack no images");
    int width = 0, height = 0;
    for (const Image& r : rows) {
        if (r.empty() || r.channels != rows.front().channels)
            throw Error("stacked images must be non-empty and share a channel count");
        width = std::max(width, r.width);
        height += r.height;
    }
    const int type = CV_8UC(rows.front().channels);
    cv::Mat canvas(height, width, type, cv::Scalar::all(255));
    int y = 0;
    for (const Image& r : rows) {
        const cv::Mat m(r.height, r.width, type, const_cast<std::uint8_t*>(r.pixels.data()));
        m.copyTo(canvas(cv::Rect(0, y, r.width, r.height)));
        y += r.height;
    }
    Image out;
    out.width = canvas.cols;
    out.height = canvas.rows;
    out.channels = rows.front().channels;
    out.pixels.assign(canvas.datastart, canvas.dataend);
    return out;
}

} // namespace ddpm
