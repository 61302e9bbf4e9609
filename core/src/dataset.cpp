// Data sets named by a spec string: parsing the spec and loading images or toy points.
#include "ddpm/dataset.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include <ATen/ATen.h>

#include "ddpm/error.h"
#include "ddpm/image.h"
#include "idx_reader.h"
#include "toy_data.h"

namespace fs = std::filesystem;

namespace ddpm {

namespace {

/// Most float elements one image load may produce (8 GB of float32).
constexpr std::int64_t kMaxImageElements = 2'000'000'000;

std::string allowedSpecs()
{
    std::string toys;
    for (const std::string& name : toyDataNames())
        toys += (toys.empty() ? "" : "|") + name;
    return "fashion-mnist[:train|:test], mnist:DIR, folder:DIR, image:FILE or toy:" + toys;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

bool hasImageExtension(const fs::path& path)
{
    static const char* const kExtensions[]
        = { ".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm" };
    const std::string ext = lower(path.extension().string());
    return std::any_of(
        std::begin(kExtensions), std::end(kExtensions), [&](const char* e) { return ext == e; });
}

void checkOptions(const DataLoadOptions& options)
{
    if (options.limit < 0)
        throw Error("data limit " + std::to_string(options.limit)
            + " is negative; use 0 for all items or a positive count");
    if (options.size < 0 || options.size > 16384)
        throw Error("image size " + std::to_string(options.size)
            + " is out of range; use 0 to keep the size or 1..16384");
}

/// uint8 [N, H, W, C] -> float32 [N, C, H, W] in [-1, 1] as x / 127.5 - 1.
at::Tensor bytesToModelSpace(const at::Tensor& nhwc)
{
    return nhwc.permute({ 0, 3, 1, 2 }).to(at::kFloat).div_(127.5).sub_(1.0).contiguous();
}

void checkElementCount(
    std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w, const std::string& what)
{
    if (n * c * h * w > kMaxImageElements)
        throw Error(what + ": " + std::to_string(n) + " images of " + std::to_string(c) + " x "
            + std::to_string(h) + " x " + std::to_string(w)
            + " are too many to hold in memory; set a limit or a smaller size");
}

/// IDX bytes -> float32 [N, 1, H, W] (or [N, 1, size, size] when options.size is set).
at::Tensor idxToTensor(const IdxImages& idx, const DataLoadOptions& options, const std::string& path)
{
    if (options.size == 0 || (options.size == idx.rows && options.size == idx.cols)) {
        checkElementCount(idx.count, 1, idx.rows, idx.cols, "IDX file '" + path + "'");
        const at::Tensor bytes = at::from_blob(
            const_cast<std::uint8_t*>(idx.pixels.data()), { idx.count, idx.rows, idx.cols, 1 }, at::kByte);
        return bytesToModelSpace(bytes);
    }
    checkElementCount(idx.count, 1, options.size, options.size, "IDX file '" + path + "'");
    at::Tensor out = at::empty({ idx.count, options.size, options.size, 1 }, at::kByte);
    std::uint8_t* dst = out.data_ptr<std::uint8_t>();
    const size_t imageBytes = size_t(idx.rows) * size_t(idx.cols);
    const size_t outBytes = size_t(options.size) * size_t(options.size);
    Image image;
    image.width = idx.cols;
    image.height = idx.rows;
    image.channels = 1;
    for (std::int64_t i = 0; i < idx.count; ++i) {
        const std::uint8_t* src = idx.pixels.data() + size_t(i) * imageBytes;
        image.pixels.assign(src, src + imageBytes);
        const Image resized = resizeCenterCrop(image, options.size);
        std::memcpy(dst + size_t(i) * outBytes, resized.pixels.data(), outBytes);
    }
    return bytesToModelSpace(out);
}

at::Tensor loadIdx(const std::string& path, const DataLoadOptions& options)
{
    return idxToTensor(readIdxImages(path, options.limit), options, path);
}

at::Tensor loadFashionMnist(const std::string& split, const DataLoadOptions& options)
{
    const std::string file = std::string(kFashionMnistDir) + "/"
        + (split == "test" ? "t10k-images-idx3-ubyte.gz" : "train-images-idx3-ubyte.gz");
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        throw Error("Fashion-MNIST is not installed ('" + file
            + "' is missing); install the Debian package dataset-fashion-mnist "
              "(sudo apt install dataset-fashion-mnist) or use mnist:DIR with your own IDX files");
    return loadIdx(file, options);
}

/// The IDX image file mnist:PATH reads: PATH itself when it is a file; in a directory the
/// first that exists of train-images-idx3-ubyte, train-images-idx3-ubyte.gz,
/// train-images.idx3-ubyte, then the same three names with t10k for the test split.
std::string findMnistFile(const std::string& path)
{
    std::error_code ec;
    // Anything but a directory is read as the IDX file itself; the reader refuses a FIFO or
    // a device by name.
    if (fs::exists(path, ec) && !fs::is_directory(path, ec))
        return path;
    if (!fs::is_directory(path, ec))
        throw Error("mnist:" + path
            + ": no such directory or file; give a directory holding "
              "train-images-idx3-ubyte[.gz] (or t10k-images-idx3-ubyte[.gz]) or an IDX image file");
    for (const char* split : { "train", "t10k" }) {
        for (const char* suffix : { "-images-idx3-ubyte", "-images-idx3-ubyte.gz", "-images.idx3-ubyte" }) {
            const fs::path candidate = fs::path(path) / (std::string(split) + suffix);
            if (fs::is_regular_file(candidate, ec))
                return candidate.string();
        }
    }
    throw Error("mnist:" + path
        + ": the directory has no train-images-idx3-ubyte[.gz] or "
          "t10k-images-idx3-ubyte[.gz]; put the MNIST image file there or name the file itself");
}

at::Tensor imagesToTensor(const std::vector<Image>& images, int channels)
{
    const Image& first = images.front();
    const std::int64_t n = std::int64_t(images.size());
    at::Tensor out = at::empty({ n, first.height, first.width, channels }, at::kByte);
    std::uint8_t* dst = out.data_ptr<std::uint8_t>();
    const size_t pixels = size_t(first.width) * size_t(first.height);
    for (const Image& image : images) {
        if (image.channels == channels) {
            std::memcpy(dst, image.pixels.data(), pixels * size_t(channels));
        } else { // gray into an RGB set: repeat the gray value in all three channels
            for (size_t p = 0; p < pixels; ++p)
                dst[3 * p] = dst[3 * p + 1] = dst[3 * p + 2] = image.pixels[p];
        }
        dst += pixels * size_t(channels);
    }
    return bytesToModelSpace(out);
}

at::Tensor loadFolder(const std::string& dir, const DataLoadOptions& options)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error("folder:" + dir + ": no such directory; give a directory of images");
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        const std::string name = p.filename().string();
        if (name.empty() || name[0] == '.' || !hasImageExtension(p))
            continue;
        std::error_code typeEc;
        if (it->is_regular_file(typeEc))
            files.push_back(p);
    }
    if (ec)
        throw Error("folder:" + dir + ": cannot list the directory (" + ec.message() + ")");
    if (files.empty())
        throw Error("folder:" + dir
            + ": no images found; the folder needs files ending in .png, .jpg, .jpeg, .bmp, .tif, "
              ".tiff, .webp, .pgm or .ppm");
    std::sort(files.begin(), files.end());
    if (options.limit > 0 && std::int64_t(files.size()) > options.limit)
        files.resize(size_t(options.limit));

    ImageLoadOptions imageOptions;
    imageOptions.size = options.size;
    imageOptions.gray = options.gray;
    std::vector<Image> images;
    images.reserve(files.size());
    int channels = 1;
    for (const fs::path& file : files) {
        Image image = loadImage(file.string(), imageOptions); // its message names the file
        if (!images.empty()) {
            const Image& first = images.front();
            if (image.width != first.width || image.height != first.height)
                throw Error("folder:" + dir + ": '" + file.filename().string() + "' is "
                    + std::to_string(image.width) + " x " + std::to_string(image.height) + " but '"
                    + files.front().filename().string() + "' is " + std::to_string(first.width) + " x "
                    + std::to_string(first.height)
                    + "; give a size (e.g. --size 32) to resize and crop them all to one square size");
        }
        checkElementCount(std::int64_t(files.size()), 3, image.height, image.width, "folder:" + dir);
        channels = std::max(channels, image.channels);
        images.push_back(std::move(image));
    }
    return imagesToTensor(images, channels);
}

at::Tensor loadSingleImage(const std::string& file, const DataLoadOptions& options)
{
    ImageLoadOptions imageOptions;
    imageOptions.size = options.size;
    imageOptions.gray = options.gray;
    const Image image = loadImage(file, imageOptions);
    return imagesToTensor({ image }, image.channels);
}

} // namespace

DataSpec DataSpec::parse(const std::string& spec)
{
    const std::string allowed = "; use " + allowedSpecs();
    const size_t colon = spec.find(':');
    const std::string head = spec.substr(0, colon);
    const std::string rest = colon == std::string::npos ? std::string() : spec.substr(colon + 1);
    const bool hasRest = colon != std::string::npos;

    DataSpec out;
    if (head == "fashion-mnist") {
        out.kind = Kind::FashionMnist;
        if (!hasRest || rest == "train")
            out.path = "train";
        else if (rest == "test")
            out.path = "test";
        else
            throw Error("data spec '" + spec + "' names the split '" + rest
                + "'; Fashion-MNIST has fashion-mnist:train (the default) and fashion-mnist:test");
        return out;
    }
    if (head == "toy") {
        const std::vector<std::string>& names = toyDataNames();
        if (std::find(names.begin(), names.end(), rest) == names.end()) {
            std::string list;
            for (const std::string& name : names)
                list += (list.empty() ? "toy:" : ", toy:") + name;
            throw Error("data spec '" + spec + "' is not a known toy set; use one of " + list);
        }
        out.kind = Kind::Toy;
        out.toy = rest;
        return out;
    }
    struct PathKind {
        const char* name;
        Kind kind;
        const char* what;
    };
    static const PathKind kPathKinds[] = { { "mnist", Kind::Mnist, "DIR (a directory with IDX files)" },
        { "folder", Kind::Folder, "DIR (a directory of images)" },
        { "image", Kind::Image, "FILE (one image)" } };
    for (const PathKind& pk : kPathKinds) {
        if (head != pk.name)
            continue;
        if (rest.empty())
            throw Error("data spec '" + spec + "' needs a path: " + pk.name + ":" + pk.what);
        out.kind = pk.kind;
        out.path = rest;
        return out;
    }
    if (spec.empty())
        throw Error("data spec is empty" + allowed);
    if (!hasRest && hasImageExtension(fs::path(spec)))
        throw Error("data spec '" + spec + "' has no kind; for one image write image:" + spec + " (or use "
            + allowedSpecs() + ")");
    throw Error("data spec '" + spec + "' is not recognised" + allowed);
}

at::Tensor loadData(const DataSpec& spec, const DataLoadOptions& options)
{
    checkOptions(options);
    switch (spec.kind) {
    case DataSpec::Kind::FashionMnist:
        return loadFashionMnist(spec.path, options);
    case DataSpec::Kind::Mnist: {
        const std::string file = findMnistFile(spec.path);
        return loadIdx(file, options);
    }
    case DataSpec::Kind::Folder:
        return loadFolder(spec.path, options);
    case DataSpec::Kind::Image:
        return loadSingleImage(spec.path, options);
    case DataSpec::Kind::Toy: {
        if (options.limit == 0 && (options.toyPoints < 1 || options.toyPoints > kMaxToyPoints))
            throw Error("toy point count " + std::to_string(options.toyPoints) + " is out of range; use 1 to "
                + std::to_string(kMaxToyPoints));
        return makeToyData(spec.toy, options.limit > 0 ? options.limit : options.toyPoints, options.seed);
    }
    }
    throw Error("data spec has an unknown kind");
}

} // namespace ddpm
