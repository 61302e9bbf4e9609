// Pictures of samples: a grid of images, or a scatter of 2-D points over the data.
#pragma once

#include <ATen/core/Tensor.h>

#include "ddpm/image.h"

namespace ddpm {

/// Images [N, C, H, W] in [-1, 1] (clamped) tiled in ceil(sqrt(N)) columns with a 2-pixel
/// white gap, each tile scaled up by an integer factor (nearest neighbour) so the grid is at
/// least minSide pixels wide. Throws ddpm::Error for an empty or mis-shaped tensor.
Image sampleGrid(const at::Tensor& images, int minSide = 256);

/// A side x side white picture of points [N, 2] (black) over data [M, 2] (light grey), both in
/// the same coordinates; the view spans the data's range (or the points' when data is
/// undefined) plus a margin. Points outside the view are left out.
Image scatterPlot(const at::Tensor& points, const at::Tensor& data, int side = 512);

} // namespace ddpm
