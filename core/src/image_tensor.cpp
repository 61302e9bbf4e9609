// Conversions between 8-bit Images ([H, W, C] interleaved) and [C, H, W] float tensors.
#include "ddpm/image_tensor.h"

#include <ATen/ATen.h>

#include <cmath>
#include <cstring>
#include <string>

#include "ddpm/error.h"

namespace ddpm {
namespace {

std::string shapeText(const at::Tensor& t)
{
    std::string s = "[";
    for (int64_t d = 0; d < t.dim(); ++d)
        s += (d ? ", " : "") + std::to_string(t.size(d));
    return s + "]";
}

/// [C, H, W] or [H, W] (or [1, C, H, W]) to a contiguous CPU float64 [C, H, W].
at::Tensor toChw(const at::Tensor& tensor)
{
    if (!tensor.defined())
        throw Error("cannot convert an undefined tensor to an image");
    if (!at::isFloatingType(tensor.scalar_type()))
        throw Error("cannot convert a tensor of type " + std::string(c10::toString(tensor.scalar_type())) +
                    " to an image; expected a floating-point tensor");
    at::Tensor t = tensor.detach().to(at::kCPU, at::kDouble);
    t = at::nan_to_num(t, 0.0); // NaN shows as mid-gray rather than undefined bytes
    if (t.dim() == 4 && t.size(0) == 1)
        t = t.squeeze(0);
    if (t.dim() == 2)
        t = t.unsqueeze(0);
    if (t.dim() != 3 || (t.size(0) != 1 && t.size(0) != 3) || t.size(1) < 1 || t.size(2) < 1)
        throw Error("cannot convert a tensor of shape " + shapeText(tensor) +
                    " to an image; expected [C, H, W] with C = 1 or 3, or [H, W]");
    return t;
}

/// Values already in [0, 255] (float64 [C, H, W]) rounded into an Image.
Image fromScaled(const at::Tensor& scaled)
{
    const at::Tensor bytes =
        scaled.clamp(0.0, 255.0).round().to(at::kByte).permute({1, 2, 0}).contiguous();
    Image image;
    image.channels = static_cast<int>(scaled.size(0));
    image.height = static_cast<int>(scaled.size(1));
    image.width = static_cast<int>(scaled.size(2));
    image.pixels.resize(static_cast<size_t>(bytes.numel()));
    std::memcpy(image.pixels.data(), bytes.data_ptr<std::uint8_t>(), image.pixels.size());
    return image;
}

} // namespace

at::Tensor imageToTensor(const Image& image)
{
    if (image.empty() || (image.channels != 1 && image.channels != 3) ||
        image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels)
        throw Error("cannot convert an image of " + std::to_string(image.width) + " x " +
                    std::to_string(image.height) + " x " + std::to_string(image.channels) +
                    " to a tensor; expected a non-empty gray or RGB image");
    const at::Tensor hwc = at::from_blob(const_cast<std::uint8_t*>(image.pixels.data()),
                                         {image.height, image.width, image.channels}, at::kByte);
    return hwc.permute({2, 0, 1}).to(at::kFloat).div(127.5).sub(1.0).contiguous();
}

Image tensorToImage(const at::Tensor& tensor)
{
    const at::Tensor t = toChw(tensor);
    return fromScaled(t.clamp(-1.0, 1.0).add(1.0).mul(127.5));
}

Image tensorToImageRange(const at::Tensor& tensor, double lo, double hi)
{
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi))
        throw Error("display range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                    "] is invalid; it needs finite lo < hi");
    const at::Tensor t = toChw(tensor);
    return fromScaled(t.sub(lo).mul(255.0 / (hi - lo)));
}

} // namespace ddpm
