// Sample grids and scatter pictures (see sample_grid.h).
#include "ddpm/sample_grid.h"

#include <algorithm>
#include <cmath>

#include <ATen/ATen.h>

#include "ddpm/error.h"
#include "ddpm/image_tensor.h"

namespace ddpm {

Image sampleGrid(const at::Tensor& images, int minSide)
{
    if (!images.defined() || images.dim() != 4 || images.numel() == 0 || (images.size(1) != 1 && images.size(1) != 3))
        throw Error("a sample grid needs images shaped [N, 1 or 3, H, W]");
    const int n = static_cast<int>(images.size(0));
    const int cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
    const int rows = (n + cols - 1) / cols;
    const int h = static_cast<int>(images.size(2)), w = static_cast<int>(images.size(3));
    const int gap = 2;
    const int scale = std::max(1, minSide / std::max(1, cols * w));
    Image grid;
    grid.channels = static_cast<int>(images.size(1));
    grid.width = gap + cols * (w * scale + gap);
    grid.height = gap + rows * (h * scale + gap);
    grid.pixels.assign(static_cast<std::size_t>(grid.width) * grid.height * grid.channels, 255);
    const at::Tensor cpu = images.detach().to(at::kCPU, at::kFloat);
    for (int i = 0; i < n; ++i) {
        const Image tile = tensorToImage(cpu[i]);
        const int x0 = gap + (i % cols) * (w * scale + gap);
        const int y0 = gap + (i / cols) * (h * scale + gap);
        for (int y = 0; y < h * scale; ++y)
            for (int x = 0; x < w * scale; ++x)
                for (int c = 0; c < grid.channels; ++c)
                    grid.at(y0 + y, x0 + x, c) = tile.at(y / scale, x / scale, c);
    }
    return grid;
}

Image scatterPlot(const at::Tensor& points, const at::Tensor& data, int side)
{
    if (!points.defined() || points.dim() != 2 || points.size(1) != 2)
        throw Error("a scatter plot needs points shaped [N, 2]");
    if (side < 16 || side > 8192) throw Error("scatter plot side must be in 16..8192");
    const at::Tensor ref = (data.defined() && data.numel() > 0 ? data : points).detach().to(at::kCPU, at::kDouble);
    const at::Tensor finite = ref.index({at::isfinite(ref).all(1)});
    double lo = -3, hi = 3;
    if (finite.size(0) > 0) {
        lo = finite.min().item<double>();
        hi = finite.max().item<double>();
    }
    const double margin = 0.1 * std::max(hi - lo, 1e-6);
    lo -= margin;
    hi += margin;
    Image img;
    img.width = img.height = side;
    img.channels = 1;
    img.pixels.assign(static_cast<std::size_t>(side) * side, 255);
    auto plot = [&](const at::Tensor& xy, std::uint8_t value, int radius) {
        const at::Tensor c = xy.detach().to(at::kCPU, at::kDouble).contiguous();
        const double* d = c.data_ptr<double>();
        for (std::int64_t i = 0; i < c.size(0); ++i) {
            if (!std::isfinite(d[2 * i]) || !std::isfinite(d[2 * i + 1])) continue;
            const int px = static_cast<int>((d[2 * i] - lo) / (hi - lo) * (side - 1));
            const int py = static_cast<int>((hi - d[2 * i + 1]) / (hi - lo) * (side - 1));
            for (int dy = -radius; dy <= radius; ++dy)
                for (int dx = -radius; dx <= radius; ++dx) {
                    const int x = px + dx, y = py + dy;
                    if (x >= 0 && y >= 0 && x < side && y < side)
                        img.at(y, x, 0) = std::min(img.at(y, x, 0), value);
                }
        }
    };
    if (data.defined() && data.numel() > 0) plot(data, 200, 0);
    plot(points, 0, 1);
    return img;
}

} // namespace ddpm
