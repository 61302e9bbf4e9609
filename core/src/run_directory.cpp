// A training run's directory (see run_directory.h).
#include "ddpm/run_directory.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include "ddpm/atomic_file.h"
#include "ddpm/error.h"
#include "ddpm/regular_file.h"
#include "ddpm/trainer.h"

namespace ddpm {

namespace fs = std::filesystem;

namespace {

std::string stepFile(const char* prefix, long long step, const char* extension)
{
    char name[48];
    std::snprintf(name, sizeof name, "%sstep-%08lld%s", prefix, step, extension);
    return name;
}

std::string number(double v)
{
    if (std::isnan(v)) return "";
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", v);
    return text;
}

void makeDirs(const fs::path& dir)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec))
        throw Error("cannot create the run directory " + dir.string() + ": " + (ec ? ec.message() : "not a directory"));
}

} // namespace

const char* RunDirectory::metricsHeader()
{
    return "step,loss,grad_norm,lr,items_per_s,loss_bucket_0,loss_bucket_1,loss_bucket_2,loss_bucket_3,"
           "loss_bucket_4,loss_bucket_5,loss_bucket_6,loss_bucket_7,loss_bucket_8,loss_bucket_9";
}

RunDirectory RunDirectory::create(const std::string& dir, const TrainConfig& config)
{
    if (dir.empty()) throw Error("the run directory name is empty");
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw Error(dir + " exists and is not a directory; name a new or empty run directory");
    if (fs::exists(fs::path(dir) / "config.json", ec) || !listCheckpoints(dir).empty())
        throw Error(dir + " already holds a training run; continue it with --resume " + dir
                    + " or name another directory");
    makeDirs(fs::path(dir) / "checkpoints");
    makeDirs(fs::path(dir) / "samples");
    RunDirectory run(dir);
    run.writeConfig(config);
    writeFileAtomic((fs::path(dir) / "metrics.csv").string(), std::string(metricsHeader()) + "\n");
    return run;
}

RunDirectory RunDirectory::open(const std::string& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error("run directory " + dir + " not found");
    if (listCheckpoints(dir).empty())
        throw Error(dir + " holds no checkpoints/step-*.ckpt to resume from");
    makeDirs(fs::path(dir) / "samples");
    return RunDirectory(dir);
}

std::pair<CheckpointFile, std::string> RunDirectory::newestCheckpoint() const
{
    const std::vector<std::string> all = listCheckpoints(m_dir);
    std::string problem = "there are none";
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        try {
            return {readCheckpoint(*it), *it};
        } catch (const Error& e) {
            problem = e.what();
        }
    }
    throw Error("no checkpoint in " + m_dir + " verifies: " + problem);
}

void RunDirectory::writeConfig(const TrainConfig& config) const
{
    writeFileAtomic((fs::path(m_dir) / "config.json").string(), config.toJson());
}

void RunDirectory::appendMetrics(const StepReport& r) const
{
    std::string row = std::to_string(r.step) + "," + number(r.loss) + "," + number(r.gradNorm) + "," + number(r.lr)
        + "," + number(r.itemsPerSecond);
    for (double b : r.bucketLoss) row += "," + number(b);
    row += "\n";
    const std::string path = (fs::path(m_dir) / "metrics.csv").string();
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error("cannot append to " + path + ": " + std::strerror(errno));
    const ssize_t written = ::write(fd, row.data(), row.size());
    const int err = errno;
    ::close(fd);
    if (written != static_cast<ssize_t>(row.size()))
        throw Error("cannot append to " + path + ": " + (written < 0 ? std::strerror(err) : "short write (disk full?)"));
}

void RunDirectory::truncateMetrics(long long step) const
{
    const std::string path = (fs::path(m_dir) / "metrics.csv").string();
    std::string text;
    try {
        text = readRegularFile(path, 1LL << 30, "metrics file");
    } catch (const Error&) {
        text.clear();
    }
    std::istringstream in(text);
    std::string line, out = std::string(metricsHeader()) + "\n";
    bool first = true;
    while (std::getline(in, line)) {
        if (first) { first = false; continue; }
        if (line.empty()) continue;
        const auto comma = line.find(',');
        try {
            if (std::stoll(line.substr(0, comma)) <= step) out += line + "\n";
        } catch (const std::exception&) {
            // a damaged row is dropped
        }
    }
    writeFileAtomic(path, out);
}

std::string RunDirectory::saveCheckpoint(const Trainer& trainer, int keep) const
{
    const std::string path = (fs::path(m_dir) / "checkpoints" / checkpointFileName(trainer.stepCount())).string();
    writeCheckpoint(path, trainer.checkpoint());
    pruneCheckpoints(m_dir, keep);  // only after the new one is safely in place
    return path;
}

std::string RunDirectory::saveSamples(long long step, const Image& image) const
{
    const std::string path = (fs::path(m_dir) / "samples" / stepFile("", step, ".png")).string();
    savePng(image, path);
    return path;
}

} // namespace ddpm
