// Data sets named by a spec string: 8-bit image collections and 2-D toy point sets.
//
// Specs (the CLI contract): fashion-mnist[:train|:test] (Debian's dataset-fashion-mnist),
// mnist:DIR (IDX files, .gz or not), folder:DIR (every decodable image in DIR),
// image:FILE, toy:swiss-roll|moons|gaussians8|checkerboard|rings.
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

/// Image data: float32 [N, C, H, W] in [-1, 1] (x / 127.5 - 1). Toy data: float32 [N, 2],
/// roughly unit scale. Throws ddpm::Error for a missing directory/file, a corrupt or truncated
/// IDX file, a folder with no images or images of mixed sizes (without size), and so on.
at::Tensor loadData(const DataSpec& spec, const DataLoadOptions& options = {});

/// Where Debian's dataset-fashion-mnist installs its files.
constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

} // namespace ddpm
