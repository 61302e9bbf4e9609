// sample_classes: which Fashion-MNIST classes a grid of generated samples shows, counted by a
// small classifier instead of by eye (the training issue's "garments of every class"). Trains
// the classifier on the spot from Debian's dataset-fashion-mnist (two 3x3 conv layers with max
// pooling, two linear layers; 3 epochs of Adam with random flips, seeded: about a minute on two
// cores, 88% on the test split), reports its recall per class on the test split, then labels
// every tile of the grid. The grid is what `ddpm sample --model RUN --n N` writes
// (ddpm/sample_grid.h: ceil(sqrt(N)) columns, a 2-pixel gap, tiles scaled by a whole factor).
// Prints one JSON object on stdout.
//
//   sample_classes --grid FILE.png --count N [--threads T] [--data DIR]
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>
#include <zlib.h>

namespace {

const char* const kClassNames[10] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                     "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
constexpr double kConfident = 0.8;

struct Failure {
    std::string message;
};

std::vector<unsigned char> readGzip(const std::string& path)
{
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw Failure{"cannot open " + path + " (install dataset-fashion-mnist)"};
    std::vector<unsigned char> bytes;
    unsigned char buffer[1 << 16];
    int n = 0;
    while ((n = gzread(f, buffer, sizeof buffer)) > 0) bytes.insert(bytes.end(), buffer, buffer + n);
    gzclose(f);
    return bytes;
}

std::int64_t bigEndian32(const std::vector<unsigned char>& b, std::size_t at)
{
    return (std::int64_t(b.at(at)) << 24) | (b.at(at + 1) << 16) | (b.at(at + 2) << 8) | b.at(at + 3);
}

/// An IDX file's items (its bytes after the header), checked against the magic number and
/// each item's dimensions.
torch::Tensor readIdx(const std::string& path, std::int64_t magic, const std::vector<std::int64_t>& itemShape)
{
    std::vector<unsigned char> b = readGzip(path);
    const std::size_t header = 8 + 4 * itemShape.size();
    if (b.size() < header || bigEndian32(b, 0) != magic) throw Failure{path + " is not the IDX file expected"};
    for (std::size_t j = 0; j < itemShape.size(); ++j)
        if (bigEndian32(b, 8 + 4 * j) != itemShape[j]) throw Failure{path + " has items of another size"};
    const std::int64_t count = bigEndian32(b, 4);
    std::int64_t itemBytes = 1;
    for (std::int64_t d : itemShape) itemBytes *= d;
    if (static_cast<std::int64_t>(b.size() - header) != count * itemBytes) throw Failure{path + " is truncated"};
    std::vector<std::int64_t> shape{count};
    shape.insert(shape.end(), itemShape.begin(), itemShape.end());
    return torch::from_blob(b.data() + header, shape, torch::kUInt8).clone();
}

torch::Tensor toUnitRange(const torch::Tensor& bytes)
{
    return bytes.to(torch::kFloat).div(127.5).sub(1.0); // as the data module scales images
}

struct ClassifierImpl : torch::nn::Module {
    torch::nn::Conv2d conv1{torch::nn::Conv2dOptions(1, 32, 3).padding(1)};
    torch::nn::Conv2d conv2{torch::nn::Conv2dOptions(32, 64, 3).padding(1)};
    torch::nn::Linear hidden{64 * 7 * 7, 128};
    torch::nn::Linear out{128, 10};

    ClassifierImpl()
    {
        register_module("conv1", conv1);
        register_module("conv2", conv2);
        register_module("hidden", hidden);
        register_module("out", out);
    }

    torch::Tensor forward(torch::Tensor x)
    {
        x = torch::max_pool2d(torch::relu(conv1(x)), 2);
        x = torch::max_pool2d(torch::relu(conv2(x)), 2);
        return out(torch::relu(hidden(x.flatten(1))));
    }
};
TORCH_MODULE(Classifier);

/// The N tiles of a sample grid as [N, 1, 28, 28] in [-1, 1].
torch::Tensor gridTiles(const std::string& path, int count)
{
    const cv::Mat grid = cv::imread(path, cv::IMREAD_GRAYSCALE);
    if (grid.empty()) throw Failure{"cannot read the image " + path};
    const int cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count))));
    const int rows = (count + cols - 1) / cols;
    constexpr int kGap = 2, kSide = 28;
    const int tile = (grid.cols - kGap * (cols + 1)) / cols;
    if (tile < kSide || tile % kSide != 0 || grid.cols != cols * tile + kGap * (cols + 1)
        || grid.rows != rows * tile + kGap * (rows + 1))
        throw Failure{path + " is not a grid of " + std::to_string(count) + " 28 x 28 samples"};
    std::vector<torch::Tensor> tiles;
    for (int i = 0; i < count; ++i) {
        const int r = i / cols, c = i % cols;
        cv::Mat t = grid(cv::Rect(kGap + c * (tile + kGap), kGap + r * (tile + kGap), tile, tile));
        cv::Mat small;
        cv::resize(t, small, cv::Size(kSide, kSide), 0, 0, cv::INTER_AREA);
        tiles.push_back(torch::from_blob(small.data, {1, kSide, kSide}, torch::kUInt8).clone());
    }
    return toUnitRange(torch::stack(tiles));
}

nlohmann::ordered_json run(const std::string& gridPath, int count, const std::string& dir)
{
    torch::manual_seed(0);
    const torch::Tensor trainX = toUnitRange(readIdx(dir + "/train-images-idx3-ubyte.gz", 0x803, {28, 28}).unsqueeze(1));
    const torch::Tensor trainY = readIdx(dir + "/train-labels-idx1-ubyte.gz", 0x801, {}).to(torch::kLong);
    const torch::Tensor testX = toUnitRange(readIdx(dir + "/t10k-images-idx3-ubyte.gz", 0x803, {28, 28}).unsqueeze(1));
    const torch::Tensor testY = readIdx(dir + "/t10k-labels-idx1-ubyte.gz", 0x801, {}).to(torch::kLong);

    Classifier net;
    torch::optim::Adam optimizer(net->parameters(), 1e-3);
    constexpr int kEpochs = 3;
    constexpr std::int64_t kBatch = 128;
    for (int epoch = 0; epoch < kEpochs; ++epoch) {
        const torch::Tensor order = torch::randperm(trainX.size(0));
        for (std::int64_t i = 0; i + kBatch <= trainX.size(0); i += kBatch) {
            const torch::Tensor rows = order.narrow(0, i, kBatch);
            torch::Tensor x = trainX.index_select(0, rows);
            if (torch::rand({1}).item<double>() < 0.5) x = x.flip(3);
            const torch::Tensor loss = torch::cross_entropy_loss(net->forward(x), trainY.index_select(0, rows));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
    }

    torch::NoGradGuard noGrad;
    net->eval();
    const torch::Tensor testP = torch::softmax(net->forward(testX), 1);
    const auto [testConf, testCls] = testP.max(1);
    const torch::Tensor tilesP = torch::softmax(net->forward(gridTiles(gridPath, count)), 1);
    const auto [conf, cls] = tilesP.max(1);

    nlohmann::ordered_json out;
    out["grid"] = gridPath;
    out["count"] = count;
    out["test_accuracy"] = testCls.eq(testY).to(torch::kDouble).mean().item<double>();
    out["confident_above"] = kConfident;
    nlohmann::ordered_json classes = nlohmann::ordered_json::array();
    for (int k = 0; k < 10; ++k) {
        const torch::Tensor real = testY.eq(k);
        const double realCount = real.sum().item<double>();
        const torch::Tensor mine = cls.eq(k);
        classes.push_back({{"class", kClassNames[k]},
                           {"samples", mine.sum().item<std::int64_t>()},
                           {"samples_confident", (mine & conf.gt(kConfident)).sum().item<std::int64_t>()},
                           {"test_recall", (real & testCls.eq(k)).sum().item<double>() / realCount},
                           {"test_confident", (real & testCls.eq(k) & testConf.gt(kConfident)).sum().item<double>() / realCount}});
    }
    out["classes"] = classes;
    std::vector<std::int64_t> labels(cls.data_ptr<std::int64_t>(), cls.data_ptr<std::int64_t>() + cls.numel());
    out["tile_labels"] = labels;
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    std::string grid, dir = "/usr/share/datasets/fashion-mnist";
    int count = 0, threads = 2;
    for (int i = 1; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) {
            std::cerr << "sample_classes: " << flag << " needs a value\n";
            return 2;
        }
        if (flag == "--grid") grid = argv[i + 1];
        else if (flag == "--count") count = std::atoi(argv[i + 1]);
        else if (flag == "--threads") threads = std::atoi(argv[i + 1]);
        else if (flag == "--data") dir = argv[i + 1];
        else {
            std::cerr << "sample_classes: unknown flag " << flag << "; use --grid FILE --count N [--threads T] [--data DIR]\n";
            return 2;
        }
    }
    if (grid.empty() || count < 1 || count > 10000 || threads < 1 || threads > 256) {
        std::cerr << "sample_classes: give --grid FILE and --count 1..10000 (--threads 1..256)\n";
        return 2;
    }
    try {
        at::set_num_threads(threads);
        std::cout << run(grid, count, dir).dump(2) << "\n";
    } catch (const Failure& f) {
        std::cerr << "sample_classes: " << f.message << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "sample_classes: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
