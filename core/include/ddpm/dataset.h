// Data sets named by a spec string: 8-bit image collections and 2-D toy point sets.
//
// Specs (the CLI contract):
//   fashion-mnist[:train|:test]  Debian's dataset-fashion-mnist (kFashionMnistDir); default train.
//   mnist:PATH    an IDX image file (magic 0x00000803, .gz or plain), or a directory holding one:
//                 the first that exists of train-images-idx3-ubyte, train-images-idx3-ubyte.gz,
//                 train-images.idx3-ubyte, then the same names with t10k (test split) instead.
//   folder:DIR    every file in DIR (not subfolders, not hidden files) ending in .png .jpg .jpeg
//                 .bmp .tif .tiff .webp .pgm .ppm (any case), sorted by name; other files are
//                 skipped, an image file that does not decode is an error naming it. Without a
//                 size all must have the same width and height. If some are gray and some colour,
//                 the gray ones become RGB (gray value in all three channels).
//   image:FILE    one image.
//   toy:NAME      swiss-roll | moons | gaussians8 | checkerboard | rings.
#pragma once

#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

namespace ddpm {

struct DataSpec {
    enum class Kind { FashionMnist, Mnist, Folder, Image, Toy };
    Kind kind = Kind::Image;
    std::string path;   ///< directory or file (FashionMnist: the split, "train" or "test")
    std::string toy;    ///< toy set name for Kind::Toy

    /// Parses a spec; throws ddpm::Error listing the allowed forms for anything else.
    static DataSpec parse(const std::string& spec);
    bool isImages() const { return kind != Kind::Toy; }
};

struct DataLoadOptions {
    std::int64_t limit = 0;   ///< at most this many items (0 = all)
    int size = 0;             ///< images: 0 keeps the size (all must match); N resizes+crops to N x N
    bool gray = false;        ///< images: force one channel
    std::uint64_t seed = 0;   ///< toy sets: sampling seed
    std::int64_t toyPoints = 10000; ///< toy sets: points to draw when limit is 0
};

/// Image data: float32 [N, C, H, W] in [-1, 1] (x / 127.5 - 1), C = 1 for (Fashion-)MNIST.
/// IDX files are read only as far as `limit` images need. Toy data: float32 [N, 2], drawn with
/// ddpm::Rng(options.seed), N = limit or else toyPoints (1..10,000,000), each coordinate centred
/// and scaled to unit standard deviation by the set's exact moments. All tensors on the CPU.
/// Throws ddpm::Error for a missing directory/file, a corrupt or truncated IDX file, a folder
/// with no images or images of mixed sizes (without size), and so on.
at::Tensor loadData(const DataSpec& spec, const DataLoadOptions& options = {});

/// Where Debian's dataset-fashion-mnist installs its files.
constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

} // namespace ddpm
