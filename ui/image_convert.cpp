#include "image_convert.h"

#include <cstring>

namespace ddpm::ui {

QImage toQImage(const ddpm::Image& image)
{
    if (image.empty())
        return {};
    const QImage::Format format = image.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
    QImage out(image.width, image.height, format);
    const size_t rowBytes = static_cast<size_t>(image.width) * image.channels;
    for (int y = 0; y < image.height; ++y)
        std::memcpy(out.scanLine(y), image.pixels.data() + rowBytes * y, rowBytes);
    return out;
}

ddpm::Image fromQImage(const QImage& image)
{
    ddpm::Image out;
    if (image.isNull())
        return out;
    const bool gray = image.isGrayscale();
    const QImage converted = image.convertToFormat(gray ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    out.width = converted.width();
    out.height = converted.height();
    out.channels = gray ? 1 : 3;
    const size_t rowBytes = static_cast<size_t>(out.width) * out.channels;
    out.pixels.resize(rowBytes * out.height);
    for (int y = 0; y < out.height; ++y)
        std::memcpy(out.pixels.data() + rowBytes * y, converted.constScanLine(y), rowBytes);
    return out;
}

} // namespace ddpm::ui
