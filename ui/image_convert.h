// ddpm::Image (core's 8-bit buffer) to and from QImage.
#pragma once

#include <QImage>

#include "ddpm/image.h"

namespace ddpm::ui {

/// Deep copy into a QImage (Format_Grayscale8 or Format_RGB888).
QImage toQImage(const ddpm::Image& image);
/// Deep copy of a QImage into a gray (if the image is grayscale) or RGB buffer; alpha dropped.
ddpm::Image fromQImage(const QImage& image);

} // namespace ddpm::ui
